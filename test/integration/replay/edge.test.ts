/**
 * Replay edge cases: plan syntax, idle drops, captured timing, re-authentication
 * on new connections, broken captures and malformed requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { CaptureResponder } from '../../../electron/backend/simulator/capture-responder.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  type SimulatorOptions,
  buildConnectRequest,
} from '../../../electron/backend/simulator/index.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { PlanError, parsePlan } from '../../../shared/replay/plan.js';
import { canReplay, replayCapture } from '../../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../../shared/capture/exchange.js';

const CAP1 = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler/cap1');
const session1 = (): Exchange[] => loadBodyFolder(CAP1).exchanges.slice(0, 4);

let sims: ExchangeSimulator[] = [];
afterEach(async () => {
  for (const s of sims) await s.stop();
  sims = [];
});
async function start(opts: SimulatorOptions): Promise<ExchangeSimulator> {
  const s = new ExchangeSimulator(opts);
  await s.start();
  sims.push(s);
  return s;
}

describe('plan syntax', () => {
  it('parses the issue and brief forms', () => {
    expect(parsePlan('drop@3,address@5,hibernate@7:30s,stale@9')).toEqual([
      { kind: 'drop', at: 3, point: 'after-send' },
      { kind: 'address', at: 5, address: '127.0.0.2' },
      { kind: 'hibernate', at: 7, ms: 30_000 },
      { kind: 'stale', at: 9 },
    ]);
    expect(
      parsePlan([
        'drop:before-send@2',
        'address:127.0.0.3@4',
        'hibernate:90s@6',
        'drop:idle@1',
        'hibernate@8:250ms',
        'hibernate@9:2m',
      ]),
    ).toEqual([
      { kind: 'drop', at: 1, point: 'idle' },
      { kind: 'drop', at: 2, point: 'before-send' },
      { kind: 'address', at: 4, address: '127.0.0.3' },
      { kind: 'hibernate', at: 6, ms: 90_000 },
      { kind: 'hibernate', at: 8, ms: 250 },
      { kind: 'hibernate', at: 9, ms: 120_000 },
    ]);
  });
  it('refuses bad steps and non-loopback addresses with a reason', () => {
    expect(() => parsePlan('address:10.0.0.2@3')).toThrow(
      new PlanError('plan step "address:10.0.0.2@3": source addresses are loopback only (127.x.x.x)'),
    );
    expect(() => parsePlan('drop:sideways@3')).toThrow(
      /drop point is one of before-send, after-send, while-streaming, idle/,
    );
    expect(() => parsePlan('hibernate@3')).toThrow(/hibernate needs a duration/);
    expect(() => parsePlan('stale@0')).toThrow(/positions start at 1/);
    expect(() => parsePlan('hibernate@3:soon')).toThrow(/"soon" is not a duration/);
  });
});

describe('replay edge cases', () => {
  it('drop while idle: the next request goes on a new connection, context kept', async () => {
    const ex = session1();
    const sim = await start({ responder: new CaptureResponder(ex) });
    const r = await replayCapture(ex, { target: sim.url, plan: parsePlan('drop:idle@3') });
    expect(r.switches[0]).toMatchObject({ step: 'drop:idle@3', verdict: 'context-kept', responseCodes: [0] });
    const ids = r.exchanges.map((e) => e.replayed.connectionId);
    expect(ids[2]).not.toBe(ids[1]);
    expect(ids[3]).toBe(ids[2]);
    expect(sim.status().connections).toBe(2);
  });

  it('keeps the captured X-RequestId GUID, counts up, and can resend as-is after a drop before send', async () => {
    const ex = session1();
    const sim = await start({ responder: new CaptureResponder(ex) });
    const counted = await replayCapture(ex, { target: sim.url, plan: parsePlan('drop:before-send@2') });
    expect(counted.exchanges.map((e) => e.replayed.requestId)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `{C715155F-2BE8-44E0-BD34-2960065754C8}:${n}`),
    );
    const asIs = await replayCapture(ex, {
      target: sim.url,
      plan: parsePlan('drop:before-send@2'),
      resendSameRequestId: true,
    });
    expect(asIs.exchanges.map((e) => e.replayed.requestId.split(':')[1])).toEqual(['1', '2', '2', '3', '4']);
    expect(asIs.switches[0]!.verdict).toBe('context-kept');
  });

  it('--realtime waits the captured gaps', async () => {
    const ex = session1().map((e, i) => ({ ...e, timings: { ...e.timings, requestStart: 1_000_000 + i * 120 } }));
    const sim = await start({ responder: new CaptureResponder(ex) });
    const t0 = Date.now();
    const r = await replayCapture(ex, { target: sim.url, realtime: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(360);
    expect(r.summary.succeeded).toBe(4);
  });

  it('re-authenticates each new connection (NTLM) across an address switch', async () => {
    const ex = session1();
    const sim = await start({
      responder: new CaptureResponder(ex),
      auth: { kind: 'ntlm', user: 'CONTOSO\\alice', password: 'pw' },
    });
    const r = await replayCapture(ex, {
      target: sim.url,
      auth: { credentials: { user: 'alice', domain: 'CONTOSO', password: 'pw' } },
      plan: parsePlan('address@3'),
    });
    expect(r.summary).toMatchObject({ succeeded: 4, failed: 0 });
    expect(r.switches[0]!.verdict).toBe('context-kept');
    // Two TCP connections, one handshake each (the first after the anonymous 401 that named NTLM).
    expect(sim.log.filter((e) => e.httpStatus === 401)).toHaveLength(3);
    expect(r.auth!.handshakes.map((h) => [h.scheme, h.localAddress, h.ok])).toEqual([
      ['ntlm', '127.0.0.1', true],
      ['ntlm', '127.0.0.2', true],
    ]);
    expect(sim.log.filter((e) => e.httpStatus === 200).map((e) => e.remoteAddress)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.2',
      '127.0.0.2',
    ]);
  });

  it('a broken captured answer is served as X-ResponseCode 17 (Invalid Response), the replay goes on', async () => {
    const ex = session1();
    const cut = ex.map((e) =>
      e.id === 2 ? { ...e, response: { ...e.response!, body: e.response!.body.subarray(0, 20) } } : e,
    );
    const responder = new CaptureResponder(cut);
    const sim = await start({ responder });
    const r = await replayCapture(ex, { target: sim.url });
    expect(r.exchanges.map((e) => e.replayed.responseCode)).toEqual([0, 17, 0, 0]);
    expect(sim.log[1]!.note).toBe('capture #2: captured response: additional headers not terminated');
    expect(responder.stats().broken).toBe(1);
    expect(r.summary).toMatchObject({ replayed: 4, succeeded: 3, failed: 1 });
  });

  it('never serves a captured refusal (X-ResponseCode ≠ 0) as an answer', async () => {
    const ex = session1();
    const refused = ex.map((e) =>
      e.id === 3
        ? {
            ...e,
            response: {
              ...e.response!,
              headers: e.response!.headers.map((h) => (h.name === 'X-ResponseCode' ? { ...h, value: '15' } : h)),
              body: new TextEncoder().encode('<html>15</html>'),
            },
          }
        : e,
    );
    const sim = await start({ responder: new CaptureResponder(refused) });
    const r = await replayCapture(ex, { target: sim.url });
    // Exchange 3's only captured answer was a refusal: the simulator has no answer for it (late code 1, said why).
    expect(r.exchanges.map((e) => e.replayed.responseCode)).toEqual([0, 0, 1, 0]);
    expect(sim.log[2]!.note).toBe('capture replay: captured session 1 has no Execute left to answer with');
    expect(sim.status().byResponseCode).toEqual({ '0': 3, '1': 1 });
  });

  it('resends once on a fresh connection when the server closed the reused keep-alive one unread', async () => {
    const answer =
      'HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nX-ResponseCode: 0\r\nContent-Length: 18\r\n\r\nPROCESSING\r\nDONE\r\n';
    let sockets = 0;
    const srv = net.createServer((sock) => {
      sockets++;
      let requests = 0;
      sock.on('data', (b) => {
        if (!b.includes('\r\n\r\n')) return;
        requests++;
        // Like an idle timeout hitting just as the client reuses the connection: close without answering.
        if (requests === 2) sock.destroy();
        else sock.write(answer);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const c = new MapiClient(`http://127.0.0.1:${port}`);
    try {
      expect((await c.send('/mapi/emsmdb/', 'PING', new Uint8Array(0))).responseCode).toBe(0);
      const again = await c.send('/mapi/emsmdb/', 'PING', new Uint8Array(0));
      expect(again.aborted).toBeUndefined();
      expect(again.responseCode).toBe(0);
      expect(sockets).toBe(2);
      expect(c.connections).toHaveLength(2);
    } finally {
      c.close();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('says why a capture cannot be replayed', () => {
    const ex = session1();
    expect(canReplay(ex.slice(1))).toBe(
      "the capture's 3 MAPI request(s) have no Connect/Bind: replay needs the request that created the session",
    );
    expect(canReplay([])).toBe('the capture holds no MAPI traffic');
    expect(canReplay(ex, 2)).toBe('the capture has 1 session(s); there is no session 2');
    expect(canReplay(ex)).toBeUndefined();
  });

  it('answers a malformed Execute body with a late X-ResponseCode 12 and keeps the context', async () => {
    const sim = await start({ responder: new MailboxResponder() });
    const c = new MapiClient(sim.url);
    try {
      const path = '/mapi/emsmdb/?MailboxId=x@y';
      await c.send(path, 'Connect', buildConnectRequest('/o=x/cn=y'));
      const bad = await c.send(path, 'Execute', new Uint8Array([1, 2, 3]));
      expect(bad.headerResponseCode).toBe(0);
      expect(bad.responseCode).toBe(12);
      expect(bad.entity?.headers[0]).toEqual(['X-ResponseCode', '12']);
      expect(bad.entity?.body.length).toBe(0);
      expect((await c.send(path, 'PING', new Uint8Array(0))).responseCode).toBe(0);
    } finally {
      c.close();
    }
  });
});
