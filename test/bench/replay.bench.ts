/**
 * Exchanges per second against the simulator, each figure beside a baseline
 * measured in the same run with the same client: a plain Node http server on
 * 127.0.0.1 that answers every request with the same captured bytes (no
 * session checks, no ROP work). Goal: ≥ 1,000 exchanges/s.
 *
 * 1. Execute (RopLogon) on 8 parallel sessions, scripted mailbox vs plain server.
 * 2. Execute from a capture (server replay, handle rewriting) vs plain server.
 * 3. The whole replayer on cap1 (52 exchanges per pass: cookies, handle mapping,
 *    decode + structural diff of every answer) vs the same passes without diffs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureResponder } from '../../electron/backend/simulator/capture-responder.js';
import { ExchangeSimulator, MailboxResponder, buildConnectRequest, buildExecuteRequest, ropLogonRequest } from '../../electron/backend/simulator/index.js';
import { MapiClient } from '../../electron/backend/replay/mapi-client.js';
import { loadMetaCaptureDir } from '../../electron/backend/replay/meta-capture.js';
import { replayCapture } from '../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import type { Bench, BenchResult } from './types.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/gromox-ruler/cap1');
const EMSMDB = '/mapi/emsmdb/?MailboxId=bench@mapiscope.test';
const DN = '/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=bench';

/** A server that answers every POST with one fixed MAPI/HTTP response (what a byte-replaying mock does). */
async function plainServer(entity: Uint8Array): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, ['Content-Type', 'application/mapi-http', 'X-ResponseCode', '0', 'X-RequestType', 'Execute', 'Set-Cookie', 'MapiContext=plain', 'Set-Cookie', 'MapiSequence=plain']);
      res.end(entity);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

/** Exchanges/s of `sessions` clients, each sending `body` (after its Connect) for about `ms`. */
async function drive(url: string, sessions: number, ms: number, body: Uint8Array): Promise<number> {
  const clients = Array.from({ length: sessions }, () => new MapiClient(url));
  await Promise.all(clients.map((c) => c.send(EMSMDB, 'Connect', buildConnectRequest(DN))));
  let n = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + ms;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        const r = await c.send(EMSMDB, 'Execute', body);
        if (r.responseCode === 0) n++;
        else failed++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  if (failed) throw new Error(`${failed} Execute(s) failed during the benchmark`);
  return n / secs;
}

const bench: Bench = {
  name: 'replay',
  async run({ quick }) {
    const ms = quick ? 400 : 2_000;
    const out: BenchResult[] = [];
    const logon = buildExecuteRequest(ropLogonRequest(DN), [0xffffffff]);

    // 1. Scripted mailbox.
    const sim = new ExchangeSimulator({ responder: new MailboxResponder() });
    await sim.start();
    const probe = new MapiClient(sim.url);
    await probe.send(EMSMDB, 'Connect', buildConnectRequest(DN));
    const sample = await probe.send(EMSMDB, 'Execute', logon);
    probe.close();
    const plain = await plainServer(sample.body);
    try {
      const simRate = await drive(sim.url, 8, ms, logon);
      const plainRate = await drive(plain.url, 8, ms, logon);
      out.push({
        name: 'simulator (scripted mailbox): Execute RopLogon, 8 sessions',
        value: simRate,
        unit: 'exchanges/s',
        baseline: { name: 'plain Node http server, same bytes', value: plainRate },
        ratio: simRate / plainRate,
        note: 'goal ≥ 1000/s',
      });
    } finally {
      await sim.stop();
      await plain.close();
    }

    // 2. Server replay from cap1: the first session's logon, answered from the capture with handles rewritten.
    const cap: Exchange[] = loadMetaCaptureDir(FIX).exchanges;
    const capSim = new ExchangeSimulator({ responder: new CaptureResponder(cap, { unmatched: 'reuse-last' }) });
    await capSim.start();
    const ruler = cap[1]!.request.body;
    const capPlain = await plainServer(cap[1]!.response!.body);
    try {
      const capRate = await drive(capSim.url, 8, ms, ruler);
      const plainRate = await drive(capPlain.url, 8, ms, ruler);
      out.push({
        name: 'simulator (server replay of cap1): Execute, 8 sessions',
        value: capRate,
        unit: 'exchanges/s',
        baseline: { name: 'plain Node http server, captured bytes', value: plainRate },
        ratio: capRate / plainRate,
        note: 'matching by session position + ROP shape, handle rewriting',
      });
    } finally {
      await capSim.stop();
      await capPlain.close();
    }

    // 3. The replayer end to end.
    const passes = quick ? 3 : 15;
    const e2e = new ExchangeSimulator({ responder: new CaptureResponder(cap) });
    await e2e.start();
    try {
      const timed = async (diff: boolean) => {
        await replayCapture(cap, { target: e2e.url, diff }); // warm-up
        const t0 = performance.now();
        let n = 0;
        for (let i = 0; i < passes; i++) n += (await replayCapture(cap, { target: e2e.url, diff })).summary.succeeded;
        return n / ((performance.now() - t0) / 1000);
      };
      const withDiff = await timed(true);
      const without = await timed(false);
      out.push({
        name: 'replayer: cap1 against the simulator, with decode + diff',
        value: withDiff,
        unit: 'exchanges/s',
        baseline: { name: 'same replay without the structural diff', value: without },
        ratio: withDiff / without,
        note: `${passes} passes of 52 exchanges, sequential (one request at a time per session)`,
      });
    } finally {
      await e2e.stop();
    }
    return out;
  },
};

export default bench;
