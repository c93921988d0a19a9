/**
 * Exchanges per second against the simulator, each figure beside a baseline
 * measured in the same run with the same client: a plain Node http server on
 * 127.0.0.1 that answers every request with the same captured bytes (no
 * session checks, no ROP work). Goal: ≥ 1,000 exchanges/s.
 *
 * 1. Execute (RopLogon) on 8 parallel sessions, scripted mailbox vs plain server; and an Execute of six
 *    ROPs (logon, open the Inbox, create a message, set and read its properties, release), every ROP
 *    decoded and answered through the ROP definitions, vs the RopLogon Execute.
 * 2. Captured session 1 looped by 8 clients (server replay: cookies, matching, handle rewriting)
 *    vs a naive mock that answers the captured bytes by X-RequestType.
 * 3. The whole replayer on cap1 (52 exchanges per pass: cookies, handle mapping,
 *    decode + structural diff of every answer) vs the same passes without diffs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureResponder } from '../../electron/backend/simulator/capture-responder.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  buildConnectRequest,
  buildExecuteRequest,
  ropLogonRequest,
} from '../../electron/backend/simulator/index.js';
import { MapiClient } from '../../electron/backend/replay/mapi-client.js';
import { loadBodyFolder } from '../../electron/backend/store/body-folder.js';
import { replayCapture } from '../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import type { Bench, BenchResult } from './types.js';
import { type StructValue, encode } from '../../shared/codec/index.js';
import { idFromU64 } from '../../shared/protocol/oxcdata/ids.js';
import type { RopDefinition } from '../../shared/protocol/rops/define.js';
import { ropOpenFolder } from '../../shared/protocol/rops/folder.js';
import { ropCreateMessage } from '../../shared/protocol/rops/message.js';
import { ropGetPropertiesSpecific, ropSetProperties } from '../../shared/protocol/rops/property.js';
import { ropRelease } from '../../shared/protocol/rops/special.js';
import { MailboxStore } from '../../electron/backend/simulator/mailbox.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/gromox-ruler/cap1');
const EMSMDB = '/mapi/emsmdb/?MailboxId=bench@mapiscope.test';
const DN = '/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=bench';

/** A server that answers every POST with one fixed MAPI/HTTP response (what a byte-replaying mock does). */
async function plainServer(entity: Uint8Array): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, [
        'Content-Type',
        'application/mapi-http',
        'X-ResponseCode',
        '0',
        'X-RequestType',
        'Execute',
        'Set-Cookie',
        'MapiContext=plain',
        'Set-Cookie',
        'MapiSequence=plain',
      ]);
      res.end(entity);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

/** Exchanges/s of `sessions` clients, each sending `body` (after its Connect) for about `ms`; CPU µs per exchange in `cpu`. */
async function drive(
  url: string,
  sessions: number,
  ms: number,
  body: Uint8Array,
  cpu?: { us: number },
): Promise<number> {
  const clients = Array.from({ length: sessions }, () => new MapiClient(url));
  await Promise.all(clients.map((c) => c.send(EMSMDB, 'Connect', buildConnectRequest(DN))));
  let n = 0;
  let failed = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
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
  const used = process.cpuUsage(c0);
  if (cpu) cpu.us = (used.user + used.system) / Math.max(1, n);
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
    const store = new MailboxStore();
    const sim = new ExchangeSimulator({ responder: new MailboxResponder(store) });
    const rop = (def: RopDefinition, v: StructValue) => encode(def.request!, { LogonId: 0, ...v });
    const inbox = idFromU64(store.specialFolders[4]!);
    const write = buildExecuteRequest(
      new Uint8Array([
        ...ropLogonRequest(DN),
        ...rop(ropOpenFolder, { InputHandleIndex: 0, OutputHandleIndex: 1, FolderId: inbox, OpenModeFlags: 0 }),
        ...rop(ropCreateMessage, {
          InputHandleIndex: 1,
          OutputHandleIndex: 2,
          CodePageId: 0x0fff,
          FolderId: inbox,
          AssociatedFlag: 0,
        }),
        ...rop(ropSetProperties, {
          InputHandleIndex: 2,
          PropertyValues: [{ PropertyTag: 0x0037001f, PropertyValue: 'bench' }],
        }),
        ...rop(ropGetPropertiesSpecific, {
          InputHandleIndex: 2,
          PropertySizeLimit: 0,
          WantUnicode: 1,
          PropertyTags: [0x0037001f, 0x001a001f, 0x0e070003],
        }),
        ...rop(ropRelease, { InputHandleIndex: 2 }),
      ]),
      [0xffffffff, 0xffffffff, 0xffffffff],
    );
    await sim.start();
    const probe = new MapiClient(sim.url);
    await probe.send(EMSMDB, 'Connect', buildConnectRequest(DN));
    const sample = await probe.send(EMSMDB, 'Execute', logon);
    probe.close();
    const plain = await plainServer(sample.body);
    try {
      const simCpu = { us: 0 };
      const plainCpu = { us: 0 };
      const simRate = await drive(sim.url, 8, ms, logon, simCpu);
      const plainRate = await drive(plain.url, 8, ms, logon, plainCpu);
      const writeRate = await drive(sim.url, 8, ms, write);
      out.push({
        name: 'simulator (scripted mailbox): Execute RopLogon, 8 sessions',
        value: simRate,
        unit: 'exchanges/s',
        baseline: { name: 'plain Node http server, same bytes', value: plainRate },
        ratio: simRate / plainRate,
        note: 'goal ≥ 1000/s',
      });
      out.push({
        name: 'simulator (scripted mailbox): CPU per exchange, client + server in one process',
        value: simCpu.us,
        unit: 'µs',
        baseline: { name: 'plain Node http server, same bytes', value: plainCpu.us },
        ratio: simCpu.us / plainCpu.us,
        note: 'less sensitive to other load on the machine than exchanges/s',
      });
      out.push({
        name: 'simulator (scripted mailbox): Execute of 6 ROPs (logon, open, create message, set, get, release)',
        value: writeRate,
        unit: 'exchanges/s',
        baseline: { name: 'same simulator, Execute RopLogon', value: simRate },
        ratio: writeRate / simRate,
        note: 'every ROP decoded and answered through the ROP definitions',
      });
    } finally {
      await sim.stop();
      await plain.close();
    }

    // 2. Server replay from cap1: clients run captured session 1 (Connect, 2 × Execute, Disconnect) over
    //    and over; each live context follows the captured session, handles rewritten.
    const cap: Exchange[] = loadBodyFolder(FIX).exchanges;
    const capSim = new ExchangeSimulator({ responder: new CaptureResponder(cap, { session: 1 }) });
    await capSim.start();
    const script = cap.slice(0, 4);
    // Baseline: a naive mock answering by X-RequestType with the captured bytes (no sessions, no matching).
    const byType = new Map(
      script.map((e) => [e.request.headers.find((h) => /x-requesttype/i.test(h.name))!.value, e.response!.body]),
    );
    const mock = http.createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        const t = String(req.headers['x-requesttype'] ?? '');
        res.writeHead(200, [
          'Content-Type',
          'application/mapi-http',
          'X-ResponseCode',
          '0',
          'Set-Cookie',
          'sid=mock',
          'Set-Cookie',
          'sequence=mock',
        ]);
        res.end(
          t === 'Execute'
            ? script[1 + ((Number(req.headers['x-requestid']?.toString().split(':')[1]) || 0) % 2)]!.response!.body
            : (byType.get(t) ?? new Uint8Array(0)),
        );
      });
    });
    await new Promise<void>((r) => mock.listen(0, '127.0.0.1', r));
    const mockUrl = `http://127.0.0.1:${(mock.address() as AddressInfo).port}`;
    const runScript = async (url: string): Promise<number> => {
      const clients = Array.from({ length: 8 }, () => new MapiClient(url));
      let n = 0;
      let failed = 0;
      const t0 = performance.now();
      const deadline = t0 + ms;
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < deadline) {
            for (const e of script) {
              const type = e.request.headers.find((h) => /x-requesttype/i.test(h.name))!.value;
              const r = await c.send(e.request.url, type, e.request.body);
              if (r.responseCode === 0) n++;
              else failed++;
            }
            c.jar('emsmdb').clear();
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      for (const c of clients) c.close();
      if (failed) throw new Error(`${failed} request(s) failed during the benchmark`);
      return n / secs;
    };
    try {
      const capRate = await runScript(capSim.url);
      const mockRate = await runScript(mockUrl);
      out.push({
        name: 'simulator (server replay of cap1): session 1 in a loop, 8 clients',
        value: capRate,
        unit: 'exchanges/s',
        baseline: { name: 'naive mock answering captured bytes by X-RequestType', value: mockRate },
        ratio: capRate / mockRate,
        note: 'cookies, sequence checks, matching by position + ROP bytes, handle rewriting',
      });
    } finally {
      await capSim.stop();
      await new Promise<void>((r) => {
        mock.closeAllConnections();
        mock.close(() => r());
      });
    }

    // 3. The replayer end to end.
    const passes = quick ? 3 : 15;
    const e2e = new ExchangeSimulator({ responder: new CaptureResponder(cap) });
    await e2e.start();
    try {
      const timed = async (diff: boolean) => {
        await replayCapture(cap, { target: e2e.url, diff, allowChanges: true }); // warm-up
        const t0 = performance.now();
        let n = 0;
        for (let i = 0; i < passes; i++)
          n += (await replayCapture(cap, { target: e2e.url, diff, allowChanges: true })).summary.succeeded;
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
