/**
 * Client replay of the real ruler ⇄ gromox captures against the simulator in
 * server-replay mode, with each network switch of the issue and the verdict
 * [MS-OXCMAPIHTTP] 3.1.5.7 / 3.1.7 / 3.2.5.6 predict.
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
  parseExecuteRequest,
  parseExecuteResponse,
  parseResponseEntity,
} from '../../../electron/backend/simulator/index.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { parsePlan } from '../../../shared/replay/plan.js';
import { type ReplayReport, listSessions, replayCapture } from '../../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../../shared/capture/exchange.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler');
const cap1 = (): Exchange[] => loadBodyFolder(join(FIX, 'cap1')).exchanges;
const cap2 = (): Exchange[] => loadBodyFolder(join(FIX, 'cap2')).exchanges;

let sims: ExchangeSimulator[] = [];
afterEach(async () => {
  for (const s of sims) await s.stop();
  sims = [];
});

async function captureSim(exchanges: Exchange[], opts: Partial<SimulatorOptions> = {}): Promise<ExchangeSimulator> {
  const s = new ExchangeSimulator({
    responder: new CaptureResponder(exchanges),
    cookies: 'gromox',
    expiryMs: 5_000,
    pendingPeriodMs: 100,
    notificationWaitMs: 350,
    ...opts,
  });
  await s.start();
  sims.push(s);
  return s;
}

const replayed = (r: ReplayReport) => r.exchanges.filter((e) => e.role === 'replay');

describe('capture loading and sessions', () => {
  it('rebuilds the 52 exchanges of cap1 and finds its sessions', () => {
    const { exchanges, problems } = loadBodyFolder(join(FIX, 'cap1'));
    expect(problems).toEqual([]);
    expect(exchanges).toHaveLength(52);
    const sessions = listSessions(exchanges);
    // 10 mailbox Connects and 1 address book Bind, each with its own context cookie.
    expect(sessions.map((s) => s.endpoint).filter((e) => e === 'emsmdb')).toHaveLength(10);
    expect(sessions.filter((s) => s.endpoint === 'nspi').map((s) => s.types)).toEqual([
      ['Bind', 'QueryRows', 'QueryRows'],
    ]);
    expect(sessions.reduce((n, s) => n + s.exchanges.length, 0)).toBe(52);
    expect(sessions[0]!.contextCookieName).toBe('sid');
    expect(sessions[0]!.sequenceCookieName).toBe('sequence');
  });
});

describe('replay against the simulator in server-replay mode', () => {
  it('replays every exchange of cap1 successfully with rewritten cookies and handles', async () => {
    const ex = cap1();
    const sim = await captureSim(ex, { cookies: 'exchange' });
    const r = await replayCapture(ex, { target: sim.url, allowChanges: true });
    expect(r.summary.replayed).toBe(52);
    expect(r.summary.failed).toBe(0);
    expect(r.summary.succeeded).toBe(52);
    expect(r.summary.matched).toBe(52);
    expect(r.switches).toEqual([]);
    // Same ROP return values as captured (including ruler's ecNullObject 0x4B9 answers).
    for (const e of replayed(r)) expect(e.replayed.rops).toEqual(e.captured.rops);
    expect(replayed(r).some((e) => e.captured.rops.some((x) => x.returnValue === '0x000004B9'))).toBe(true);
    // Nothing but handles changed.
    expect(replayed(r).filter((e) => e.diff.length)).toEqual([]);
    const st = sim.status();
    expect(st.responder).toMatchObject({ sessions: 11, unmatched: 0, broken: 0 });
    expect(st.responder!.exact).toBeGreaterThan(20);
    expect(st.responder!.handlesRewritten).toBeGreaterThan(0);
    // Requests with handles the server never issued: exactly those where ruler itself sent handles
    // gromox had never given it (its ecNullObject answers), counted from the capture independently.
    let rulerForeign = 0;
    for (const s of listSessions(ex)) {
      const issued = new Set<number>();
      s.exchanges.forEach((e, i) => {
        if (s.types[i] !== 'Execute') return;
        const req = parseExecuteRequest(e.request.body)!;
        if (req.payloads.some((p) => p.handles.some((h) => h !== 0xffffffff && !issued.has(h)))) rulerForeign++;
        const res = parseExecuteResponse(parseResponseEntity(e.response!.body).body)!;
        for (const p of res.payloads) for (const h of p.handles) if (h !== 0xffffffff) issued.add(h);
      });
    }
    expect(rulerForeign).toBe(15);
    expect(st.responder!.foreignHandles).toBe(rulerForeign);
    expect(st.byResponseCode).toEqual({ '0': 52 });
  });

  it('address switch while idle within the expiry: context kept (new connection from 127.0.0.2)', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('address@3') });
    expect(r.switches).toHaveLength(1);
    expect(r.switches[0]).toMatchObject({ step: 'address:127.0.0.2@3', verdict: 'context-kept', responseCodes: [0] });
    const third = replayed(r)[2]!;
    expect(third.replayed.localAddress).toBe('127.0.0.2');
    expect(third.replayed.connectionId).not.toBe(replayed(r)[1]!.replayed.connectionId);
    expect(r.summary).toMatchObject({ replayed: 4, failed: 0, recoveryRequests: 0 });
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'disconnect']);
  });

  it('drop after the request was sent: reconnect with the old cookies, logon redone', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('drop@3') });
    const sw = r.switches[0]!;
    expect(sw).toMatchObject({
      step: 'drop:after-send@3',
      verdict: 'context-reestablished',
      redone: 1,
      responseCodes: ['client-reset', 0, 0, 0],
    });
    // The recovery time spans the reconnect, the redone logon and the resend.
    const recovery = r.exchanges.filter((e) => e.role !== 'replay').reduce((n, e) => n + e.replayed.durationMs, 0);
    expect(sw.recoveryMs).toBeGreaterThanOrEqual(recovery);
    expect(sw.recoveryMs).toBeLessThan(5_000);
    expect(r.exchanges.map((e) => `${e.role}:${e.type}`)).toEqual([
      'replay:Connect',
      'replay:Execute',
      'replay:Execute',
      'reconnect:Connect',
      'redo:Execute',
      'resend:Execute',
      'replay:Disconnect',
    ]);
    // The server did see the dropped request (it rotated the sequence), and the reconnect replaced the context.
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'reconnect', 'created', 'disconnect']);
    expect(r.exchanges.at(-1)!.replayed.responseCode).toBe(0);
  });

  it('drop before the request was fully sent: resend as-is, context kept', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('drop:before-send@2') });
    expect(r.switches[0]).toMatchObject({ verdict: 'context-kept', responseCodes: ['client-reset', 0] });
    expect(r.exchanges.map((e) => e.role)).toEqual(['replay', 'replay', 'resend', 'replay', 'replay']);
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'disconnect']);
    expect(sim.log.filter((e) => e.note === 'request aborted before its body was complete')).toHaveLength(1);
  });

  it('drop while the response streams: treated as after-send (reconnect)', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('drop:while-streaming@2') });
    expect(r.switches[0]).toMatchObject({ verdict: 'context-reestablished', redone: 0 });
    expect(r.summary.failed).toBe(0);
  });

  it('hibernation beyond the expiry: 10, then reconnect and logons redone', async () => {
    const ex = cap1();
    const sim = await captureSim(ex, { expiryMs: 200 });
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('hibernate@3:450ms') });
    expect(r.switches[0]).toMatchObject({
      step: 'hibernate:450ms@3',
      verdict: 'context-reestablished',
      responseCodes: [10, 0, 0, 0],
      redone: 1,
    });
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'expired', 'created', 'disconnect']);
    expect(sim.status().byResponseCode['10']).toBe(1);
  });

  it('hibernation within the expiry: context kept', async () => {
    const ex = cap1();
    const sim = await captureSim(ex, { expiryMs: 2_000 });
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('hibernate@3:150ms') });
    expect(r.switches[0]).toMatchObject({ verdict: 'context-kept', responseCodes: [0] });
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'disconnect']);
  });

  it('stale sequence cookie: 15, then accepted with the current cookie', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('stale@3') });
    expect(r.switches[0]).toMatchObject({
      step: 'stale@3',
      verdict: 'sequence-rejected-recovered',
      responseCodes: [15, 0],
    });
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'disconnect']);
  });

  it('several switches in one run, across sessions', async () => {
    const ex = cap1();
    const sim = await captureSim(ex, { expiryMs: 500 });
    const r = await replayCapture(ex, {
      target: sim.url,
      allowChanges: true,
      plan: parsePlan('drop@3,address:127.0.0.3@6,hibernate@11:900ms,stale@19'),
    });
    expect(r.switches.map((s) => s.verdict)).toEqual([
      'context-reestablished',
      'context-kept',
      'context-reestablished',
      'sequence-rejected-recovered',
    ]);
    expect(r.summary.replayed).toBe(52);
    expect(r.summary.failed).toBe(0);
  });

  it('a later captured session replayed alone: the simulator settles on it by request shape', async () => {
    const ex = cap1();
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 2, plan: parsePlan('drop@3,address@4') });
    expect(r.switches.map((s) => s.verdict)).toEqual(['context-reestablished', 'context-kept']);
    expect(r.summary).toMatchObject({ replayed: 5, succeeded: 5, failed: 0 });
    // Session 2's third Execute (GetRulesTable + SetColumns + QueryRows) was answered from capture #8.
    expect(sim.log.filter((e) => e.type === 'Execute').at(-1)!.note).toBe('capture #8');
    for (const e of replayed(r)) expect(e.replayed.rops).toEqual(e.captured.rops);
  });

  it('replays cap2: NotificationWait on its own connection with PENDING keep-alives, PING, Disconnect', async () => {
    const ex = cap2();
    // PENDING every 100 ms, the wait ends without events after 350 ms; a 600 ms pause before the PING
    // (within the 5 s expiry) lets it run its course while the context stays idle otherwise.
    const sim = await captureSim(ex);
    const r = await replayCapture(ex, { target: sim.url, plan: parsePlan('hibernate@4:600ms') });
    expect(
      [...replayed(r)]
        .sort((a, b) => a.position - b.position)
        .map((e) => `${e.position}:${e.type}:${e.replayed.responseCode}`),
    ).toEqual(['1:Connect:0', '2:Execute:0', '3:NotificationWait:0', '4:PING:0', '5:Disconnect:0']);
    const nw = replayed(r).find((e) => e.type === 'NotificationWait')!;
    // The captured NotificationWait was cut before DONE; the simulator answers it whole, with keep-alives.
    expect(nw.replayed.pendingKeepAlives).toBeGreaterThanOrEqual(2);
    expect(nw.replayed.durationMs).toBeGreaterThanOrEqual(340);
    expect(nw.replayed.connectionId).not.toBe(replayed(r)[0]!.replayed.connectionId);
    expect(sim.log.find((e) => e.type === 'NotificationWait')?.note).toBe('no events');
    expect(r.switches).toMatchObject([{ step: 'hibernate:600ms@4', verdict: 'context-kept', responseCodes: [0] }]);
  });
});

describe('replay against the scripted mailbox and dead targets', () => {
  it('runs ruler logons against the mailbox: same ROP return values for the logon', async () => {
    const ex = cap1();
    const sim = new ExchangeSimulator({ responder: new MailboxResponder(), cookies: 'exchange' });
    await sim.start();
    sims.push(sim);
    const r = await replayCapture(ex, { target: sim.url, session: 1 });
    const logon = replayed(r)[1]!;
    expect(logon.type).toBe('Execute');
    expect(logon.replayed.rops).toEqual([{ id: '0xFE', name: 'RopLogon', returnValue: '0x00000000' }]);
    // Different store, so the folder ids and GUIDs differ from gromox's.
    expect(logon.diff.some((d) => d.path.includes('FolderIds'))).toBe(true);
    expect(r.summary.failed).toBe(0);
  });

  it('reports a dead target once, in plain words, and stops', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const r = await replayCapture(cap1(), { target: `http://127.0.0.1:${port}`, session: 1, timeoutMs: 2_000 });
    expect(r.summary).toMatchObject({ replayed: 1, succeeded: 0, failed: 1 });
    expect(r.stoppedBecause).toBe(
      `cannot connect to 127.0.0.1:${port}: connection refused by 127.0.0.1:${port}: nothing listens there (server down or wrong port)`,
    );
    expect(r.problems).toEqual([r.stoppedBecause]);
    expect(r.switches).toEqual([]);
  });
});
