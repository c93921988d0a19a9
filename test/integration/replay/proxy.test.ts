/**
 * Replay through the capture proxy (replayer → proxy → simulator): the proxy
 * records a capture that decodes cleanly, and the session model shows every
 * switch in the session timeline.
 */
import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MitmProxyEngine } from '../../../electron/backend/proxy/mitm-engine.js';
import { CaptureResponder } from '../../../electron/backend/simulator/capture-responder.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  MailboxStore,
  buildConnectRequest,
  buildExecuteRequest,
  parseExecuteResponse,
  ropLogonRequest,
} from '../../../electron/backend/simulator/index.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { parsePlan } from '../../../shared/replay/plan.js';
import { replayCapture } from '../../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { SessionModel } from '../../../shared/session/model.js';

const CAP1 = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler/cap1');

describe('replay through the capture proxy', () => {
  it('records a capture that decodes cleanly and shows the switches in the session timeline', async () => {
    const cap = loadBodyFolder(CAP1).exchanges;
    const sim = new ExchangeSimulator({ responder: new CaptureResponder(cap), cookies: 'gromox', expiryMs: 500 });
    await sim.start();
    const proxy = new MitmProxyEngine({ mode: 'reverse', reverseTarget: sim.url });
    const recorded: Exchange[] = [];
    proxy.on('exchange', (e) => recorded.push(e));
    const ep = await proxy.start();
    try {
      const r = await replayCapture(cap, {
        target: `http://127.0.0.1:${ep.port}`,
        session: 2,
        plan: parsePlan('address@2,stale@3,drop@4,hibernate@5:900ms'),
      });
      expect(r.switches.map((s) => [s.step, s.verdict])).toEqual([
        ['address:127.0.0.2@2', 'context-kept'],
        ['stale@3', 'sequence-rejected-recovered'],
        ['drop:after-send@4', 'context-reestablished'],
        ['hibernate:900ms@5', 'context-lost'],
      ]);
      expect(r.summary).toMatchObject({ replayed: 5, succeeded: 5, failed: 0 });
      for (let i = 0; i < 100 && recorded.length < r.exchanges.length; i++)
        await new Promise((res) => setTimeout(res, 20));
    } finally {
      await proxy.stop();
      await sim.stop();
    }
    // Every request the replayer sent crossed the proxy (the dropped one recorded as aborted).
    expect(recorded.map((e) => e.request.headers.find((h) => h.name.toLowerCase() === 'x-requesttype')?.value)).toEqual(
      ['Connect', 'Execute', 'Execute', 'Execute', 'Execute', 'Connect', 'Execute', 'Execute', 'Execute', 'Disconnect'],
    );
    expect(recorded.filter((e) => e.aborted).map((e) => [e.id, e.aborted!.kind])).toEqual([[5, 'client-reset']]);
    expect(recorded.slice(1).every((e) => e.client?.address === '127.0.0.2')).toBe(true);
    for (const e of recorded) {
      const d = decodeExchange(e);
      expect([...(d.request?.errors ?? []), ...(d.response?.errors ?? [])]).toEqual([]);
    }
    const model = new SessionModel();
    for (const e of recorded) model.add(e);
    const sessions = model.sessions();
    expect(sessions.map((s) => s.events.map((x) => `${x.kind}@${x.exchangeId}`))).toEqual([
      ['connect@1', 'network-change@2', 'sequence-error@3', 'dropped@5', 'replaced@6'],
      ['reconnect@6', 'idle-expired@10', 'context-lost@10'],
    ]);
    expect(model.timeline(2).map((t) => [t.exchangeId, t.responseCode])).toEqual([
      [6, 0],
      [7, 0],
      [8, 0],
      [9, 0],
      [10, 10],
    ]);
  });

  it('a conforming client recorded by the proxy replays with handles mapped both ways; verbatim bytes do not', async () => {
    // 1. Record: a client that uses the handles the server gave it, through the proxy, against the scripted mailbox.
    const store = new MailboxStore();
    const mailbox = new ExchangeSimulator({ responder: new MailboxResponder(store) });
    await mailbox.start();
    const proxy = new MitmProxyEngine({ mode: 'reverse', reverseTarget: mailbox.url });
    const recorded: Exchange[] = [];
    proxy.on('exchange', (e) => recorded.push(e));
    const ep = await proxy.start();
    const path = '/mapi/emsmdb/?MailboxId=alice@lab.test';
    const c = new MapiClient(`http://127.0.0.1:${ep.port}`);
    try {
      await c.send(path, 'Connect', buildConnectRequest('/o=Org/cn=alice'));
      const lo = await c.send(path, 'Execute', buildExecuteRequest(ropLogonRequest('/o=Org/cn=alice'), [0xffffffff]));
      const logonHandle = parseExecuteResponse(lo.entity!.body)!.payloads[0]!.handles[0]!;
      const open = new Uint8Array([
        0x02,
        0,
        0,
        1,
        ...new Uint8Array(new BigUint64Array([store.specialFolders[4]!]).buffer),
        0,
      ]);
      const of = await c.send(path, 'Execute', buildExecuteRequest(open, [logonHandle, 0xffffffff]));
      const inbox = parseExecuteResponse(of.entity!.body)!.payloads[0]!.handles[1]!;
      await c.send(path, 'Execute', buildExecuteRequest(new Uint8Array([0x05, 0, 0, 1, 0x40]), [inbox, 0xffffffff]));
      await c.send(path, 'Disconnect', new Uint8Array(4));
      for (let i = 0; i < 100 && recorded.length < 5; i++) await new Promise((res) => setTimeout(res, 20));
    } finally {
      c.close();
      await proxy.stop();
      await mailbox.stop();
    }
    expect(recorded).toHaveLength(5);

    // 2. Server replay of that capture: the replayer maps captured → live handles, the simulator live → captured.
    const responder = new CaptureResponder(recorded);
    const sim = new ExchangeSimulator({ responder });
    await sim.start();
    try {
      const r = await replayCapture(recorded, { target: sim.url });
      expect(r.summary).toMatchObject({ replayed: 5, succeeded: 5, withDiffs: 0 });
      for (const e of r.exchanges) expect(e.replayed.rops).toEqual(e.captured.rops);
      expect(responder.stats()).toMatchObject({ foreignHandles: 0, exact: 3 });
      expect(responder.stats().handlesRewritten).toBe(3);
      // 3. The same bytes sent verbatim carry the recorded server's handles, which this context never issued.
      const naive = new MapiClient(sim.url);
      try {
        for (const e of recorded)
          await naive.send(
            e.request.url,
            e.request.headers.find((h) => /x-requesttype/i.test(h.name))!.value,
            e.request.body,
          );
      } finally {
        naive.close();
      }
      expect(responder.stats().foreignHandles).toBe(2);
    } finally {
      await sim.stop();
    }
  });
});
