/**
 * A capture file opened through the backend (file.open) stays on disk: the workspace keeps the
 * summaries and a byte-bounded LRU of exchanges, and every consumer (decode, the session pass,
 * export, replay's session list) gives what the in-memory workspace gives for the same exchanges.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Backend } from '../../../electron/backend/backend.js';
import { FileService, openAny } from '../../../electron/backend/file-service.js';
import { sessionService } from '../../../electron/backend/session-service.js';
import { ReplayService } from '../../../electron/backend/replay/service.js';
import { SimulatorService } from '../../../electron/backend/simulator/service.js';
import { CaptureWriter, openCapture } from '../../../electron/backend/store/capture-file.js';
import { captureStore, openStore } from '../../../electron/backend/store-source.js';
import { EventBus } from '../../../electron/backend/event-bus.js';
import { type ExchangeStore, Workspace } from '../../../electron/backend/workspace.js';
import { exportToFile } from '../../../electron/backend/store/export.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { mapiExecuteExchange } from '../../bench/mapi-exchange.js';
import { loadCap1 } from '../session/helpers.js';

/**
 * The body buffers of every exchange read from a capture file while `on` (each record's bodies are copies
 * with their own ArrayBuffer, electron/backend/store/format.ts), held weakly: what is still reachable
 * after a collection is what the backend keeps, whatever else the process holds.
 */
const fileBodies = vi.hoisted(() => ({ on: false, refs: [] as WeakRef<ArrayBufferLike>[] }));
vi.mock('../../../electron/backend/store/format.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../electron/backend/store/format.js')>();
  return {
    ...m,
    decodeExchange(payload: Uint8Array): Exchange {
      const ex = m.decodeExchange(payload);
      if (fileBodies.on) {
        fileBodies.refs.push(new WeakRef(ex.request.body.buffer));
        if (ex.response) fileBodies.refs.push(new WeakRef(ex.response.body.buffer));
      }
      return ex;
    },
  };
});

const N = 2_000;
const REQ = 10 * 1024;
const RES = 30 * 1024;
const CACHE = 8 * 1024 * 1024;

let dir: string;
let big: string;
let small: string;
let exchanges: Exchange[];
const backends: Backend[] = [];

/** cap1's 52 real exchanges, then MAPI-shaped Executes with 40 KB of bodies each, ids 1 … N. */
function makeExchanges(): Exchange[] {
  const pool = Buffer.alloc(1 << 20);
  let x = 11;
  for (let i = 0; i < pool.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    pool[i] = x >>> 24;
  }
  const out = loadCap1();
  for (let id = out.length + 1; id <= N; id++) {
    const at = (id * 4099) % (pool.length - RES);
    out.push(mapiExecuteExchange(id, pool.subarray(at, at + REQ), pool.subarray(at, at + RES)));
  }
  return out;
}

async function write(file: string, list: readonly Exchange[]): Promise<void> {
  const w = await CaptureWriter.create(file);
  for (const ex of list) await w.append(ex);
  await w.close();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'store-ws-'));
  exchanges = makeExchanges();
  big = path.join(dir, 'big.mscap');
  small = path.join(dir, 'cap1.mscap');
  await write(big, exchanges);
  await write(small, exchanges.slice(0, 52));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const b of backends.splice(0)) await b.stop();
});

async function start(opts: { sessions?: boolean } = {}): Promise<Backend> {
  const b = await Backend.start({
    listen: false,
    workspace: { cacheBytes: CACHE },
    services: [new FileService(), new ReplayService(), ...(opts.sessions ? [sessionService()] : [])],
  });
  backends.push(b);
  return b;
}

/** Resolves at the next analysis-ready (the session pass is over). */
function analysed(b: Backend): Promise<unknown> {
  return new Promise((resolve) => {
    const off = b.events.on((e) => {
      if (e.type === 'analysis-ready') {
        off();
        resolve(e.data);
      }
    });
  });
}

/** The same exchanges, in memory (what file.open did before): read whole, then shown. */
async function inMemory(b: Backend, file: string): Promise<void> {
  const r = await openAny(file);
  b.decodes.clear();
  await b.workspace.replace(r.exchanges, file);
}

const gc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Paths of this process's open files (Linux). */
function openFiles(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

describe('store-backed workspace (file.open of a capture)', () => {
  it('keeps the summaries and at most its byte limit of exchanges in memory', { timeout: 120_000 }, async () => {
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(N * (REQ + RES));
    fileBodies.refs = [];
    fileBodies.on = true;
    const b = await start({ sessions: true });
    const ready = analysed(b);
    const r = (await b.rpc.invoke('file.open', { path: big })) as { count: number; format: string };
    expect(r).toEqual({ count: N, format: 'capture', warnings: [] });
    expect(b.workspace.storeBacked).toBe(true);
    expect(b.workspace.cacheStats()).toEqual({ entries: 0, bytes: 0, limit: CACHE });
    // The session pass streams from the file: it leaves nothing in the cache.
    await ready;
    expect(b.workspace.cacheStats().entries).toBe(0);
    // Every exchange once: the cache keeps the most recent ones, within its limit.
    for (let id = 1; id <= N; id++) {
      const ex = (await b.rpc.invoke('exchanges.get', { id })) as { id: number };
      expect(ex.id).toBe(id);
    }
    fileBodies.on = false;
    const st = b.workspace.cacheStats();
    expect(st.bytes).toBeLessThanOrEqual(CACHE);
    expect(st.entries).toBeGreaterThan(0);
    expect(st.entries).toBeLessThanOrEqual(Math.floor(CACHE / (REQ + RES)));
    // The most recently read is a cache hit (no read: the same object).
    expect(b.workspace.peek(N)).toBe(await b.workspace.get(N));
    expect(b.workspace.peek(1)).toBeUndefined();
    // Every exchange was read from the file at least twice (the session pass, then exchanges.get).
    expect(fileBodies.refs.length).toBeGreaterThanOrEqual(2 * 2 * N);
    // Bodies still reachable once collected: the cache's and the session model's few decodes (under twice the
    // cache limit), never the file's 80 MB. Not process.memoryUsage().arrayBuffers: that also counts buffers
    // the collector has freed but V8 still releases on a background thread, and every other buffer of the process.
    await new Promise((resolve) => setTimeout(resolve, 0)); // WeakRefs made in a job hold their target until it ends
    gc();
    let held = 0;
    for (const w of fileBodies.refs) held += w.deref()?.byteLength ?? 0;
    fileBodies.refs = [];
    expect(held).toBeGreaterThanOrEqual(st.bytes); // the cache's own bodies are among them
    expect(held).toBeLessThan(2 * CACHE);
  });

  it('decodes the first, a middle and the last exchange as the in-memory workspace does', async () => {
    const disk = await start({ sessions: true });
    const mem = await start({ sessions: true });
    await disk.rpc.invoke('file.open', { path: big });
    await inMemory(mem, big);
    expect(mem.workspace.storeBacked).toBe(false);
    for (const id of [1, 8, 26, N / 2, N]) {
      const a = await disk.rpc.invoke('exchanges.decode', { id });
      const m = await mem.rpc.invoke('exchanges.decode', { id });
      expect(a).toEqual(m);
      expect(await disk.rpc.invoke('exchanges.get', { id })).toEqual(await mem.rpc.invoke('exchanges.get', { id }));
    }
    // cap1's exchange 8 decodes with its session context (no missing-context errors).
    const d8 = (await disk.rpc.invoke('exchanges.decode', { id: 8 })) as { request?: { errors: unknown[] } };
    expect(d8.request?.errors).toEqual([]);
  }, 120_000);

  it('the session pass finds the same sessions, findings and list rows', async () => {
    const disk = await start({ sessions: true });
    const mem = await start({ sessions: true });
    const readyDisk = analysed(disk);
    const readyMem = analysed(mem);
    await disk.rpc.invoke('file.open', { path: big });
    await inMemory(mem, big);
    expect(await readyDisk).toEqual(await readyMem);
    expect(await disk.rpc.invoke('sessions.list', {})).toEqual(await mem.rpc.invoke('sessions.list', {}));
    expect(await disk.rpc.invoke('findings.list', {})).toEqual(await mem.rpc.invoke('findings.list', {}));
    expect(await disk.rpc.invoke('sessions.get', { id: 2 })).toEqual(await mem.rpc.invoke('sessions.get', { id: 2 }));
    const rows = disk.workspace.list().items;
    expect(rows).toEqual(mem.workspace.list().items);
    expect(rows.slice(0, 9).map((r) => r.session)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(await disk.rpc.invoke('replay.sessions', {})).toEqual(await mem.rpc.invoke('replay.sessions', {}));
    expect(disk.workspace.cacheStats().entries).toBe(0);
    // The heads behind replay.sessions / replay.check are read from the file once per content, not per call.
    const pass = vi.spyOn(disk.workspace, 'iterate');
    const first = await disk.workspace.heads();
    expect(await disk.workspace.heads()).toBe(first);
    expect(await disk.rpc.invoke('replay.sessions', {})).toEqual(await mem.rpc.invoke('replay.sessions', {}));
    expect(pass).not.toHaveBeenCalled();
    expect(first.map((h) => h.id)).toEqual(mem.workspace.list().items.map((r) => r.id));
    expect(first.every((h) => h.request.body.length === 0)).toBe(true);
    pass.mockRestore();
  }, 120_000);

  it('exports HAR byte for byte as the in-memory path and the CLI, without filling the cache', async () => {
    const disk = await start();
    const mem = await start();
    await disk.rpc.invoke('file.open', { path: big });
    await inMemory(mem, big);
    const out = (name: string) => path.join(dir, name);
    const a = (await disk.rpc.invoke('file.export', { format: 'har', path: out('disk.har') })) as { exchanges: number };
    expect(a.exchanges).toBe(N);
    await mem.rpc.invoke('file.export', { format: 'har', path: out('mem.har') });
    await exportToFile(big, out('cli.har'), { format: 'har', redact: true });
    const har = readFileSync(out('disk.har'));
    expect(har.equals(readFileSync(out('mem.har')))).toBe(true);
    expect(har.equals(readFileSync(out('cli.har')))).toBe(true);
    expect(disk.workspace.cacheStats().entries).toBe(0);
    // A selection reads only its records, in capture order.
    const sel = (await disk.rpc.invoke('file.export', { format: 'json', ids: [N, 3, 1000] })) as { base64: string };
    const arr = JSON.parse(Buffer.from(sel.base64, 'base64').toString('utf8')) as { id: number }[];
    expect(arr.map((e) => e.id)).toEqual([3, 1000, N]);
    // Save as a capture streams too; the copy reopens with the same rows.
    const saved = (await disk.rpc.invoke('file.save', { path: out('saved.mscap') })) as { count: number };
    expect(saved.count).toBe(N);
    const rows = disk.workspace.list().items;
    await disk.rpc.invoke('file.open', { path: out('saved.mscap') });
    expect(disk.workspace.list().items).toEqual(rows);
  }, 180_000);

  it('a torn tail opens as before: same count, format and warnings', async () => {
    const torn = path.join(dir, 'torn.mscap');
    copyFileSync(small, torn);
    copyFileSync(`${small}.idx`, `${torn}.idx`);
    const whole = readFileSync(small);
    appendFileSync(torn, whole.subarray(whole.length - 5000, whole.length - 1000)); // half a record
    const before = await openAny(torn);
    const b = await start({ sessions: true });
    const r = (await b.rpc.invoke('file.open', { path: torn })) as {
      count: number;
      format: string;
      warnings: string[];
    };
    expect(b.workspace.storeBacked).toBe(true);
    expect(r).toEqual({ count: before.exchanges.length, format: before.format, warnings: before.warnings });
    expect(r.count).toBe(52);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/incomplete record at offset \d+ .* skipped/);
    const last = (await b.rpc.invoke('exchanges.get', { id: 52 })) as { id: number };
    expect(last.id).toBe(52);
  });

  it.runIf(process.platform === 'linux')(
    'closes the file when another is opened, on clear and when the backend stops',
    async () => {
      const b = await start({ sessions: true });
      const holds = (f: string) => openFiles().includes(f);
      await b.rpc.invoke('file.open', { path: big });
      expect(holds(big)).toBe(true);
      await b.rpc.invoke('file.open', { path: small });
      expect(holds(big)).toBe(false);
      expect(holds(small)).toBe(true);
      expect(((await b.rpc.invoke('exchanges.clear', {})) as { cleared: number }).cleared).toBe(52);
      expect(holds(small)).toBe(false);
      expect(b.workspace.count).toBe(0);
      // Reopened: served again (a fresh handle), then released by stop.
      await b.rpc.invoke('file.open', { path: big });
      expect(((await b.rpc.invoke('exchanges.get', { id: N })) as { id: number }).id).toBe(N);
      expect(holds(big)).toBe(true);
      await b.stop();
      backends.splice(backends.indexOf(b), 1);
      expect(holds(big)).toBe(false);
    },
    60_000,
  );
});

describe('replay and the simulator from an opened file', () => {
  it('serve and replay a session of a file-backed workspace as of an in-memory one', async () => {
    const run = async (onDisk: boolean) => {
      const simulator = new SimulatorService();
      const b = await Backend.start({
        listen: false,
        services: [new FileService(), simulator, new ReplayService(simulator)],
      });
      backends.push(b);
      if (onDisk) await b.rpc.invoke('file.open', { path: small });
      else await inMemory(b, small);
      expect(b.workspace.storeBacked).toBe(onDisk);
      await b.rpc.invoke('simulator.start', { fromWorkspace: true, cookies: 'gromox' });
      // Replaying one session reads that session's bodies only, not the whole file.
      const whole = vi.spyOn(b.workspace, 'materialize');
      const read = vi.spyOn(b.workspace, 'get');
      const r = (await b.rpc.invoke('replay.start', { target: 'simulator', session: 2 })) as { id: number };
      if (onDisk) {
        expect(whole).not.toHaveBeenCalled();
        expect(read.mock.calls.map((c) => c[0])).toEqual([5, 6, 7, 8, 9]);
      }
      whole.mockRestore();
      read.mockRestore();
      let state = 'running';
      for (let i = 0; i < 400 && state === 'running'; i++) {
        await new Promise((res) => setTimeout(res, 25));
        state = ((await b.rpc.invoke('replay.status', { id: r.id })) as { state: string }).state;
      }
      expect(state).toBe('done');
      const report = (await b.rpc.invoke('replay.report', { id: r.id })) as { summary: unknown };
      await b.rpc.invoke('simulator.stop', {});
      return report.summary;
    };
    const disk = await run(true);
    expect(disk).toMatchObject({ failed: 0 });
    expect(disk).toEqual(await run(false));
  }, 60_000);
});

describe('Workspace: file prefix, live tail, hand-over', () => {
  it('serves a file prefix and live additions in one order; adopt moves the tail to a fresh store', async () => {
    const file = path.join(dir, 'grow.mscap');
    await write(file, exchanges.slice(0, 55));
    const ws = new Workspace(new EventBus(), { cacheBytes: CACHE });
    const s = (await openStore(small))!;
    await ws.openStore(s.store, s.summaries, small);
    for (const ex of exchanges.slice(52, 55)) ws.add(ex);
    expect([ws.count, ws.onDisk]).toEqual([55, 52]);
    expect(ws.memoryBytes).toBeGreaterThan(3 * (REQ + RES));
    expect((await ws.get(53))!.id).toBe(53);
    expect(ws.peek(54)).toBe(exchanges[53]);
    // A reader in progress keeps reading the old store across the hand-over; it is closed after.
    const it = ws.iterate();
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) seen.push((await it.next()).value!.id);
    const c = await openCapture(file);
    let oldClosed = false;
    const inner = captureStore(c);
    const wrapped: ExchangeStore = { ...inner, close: () => inner.close() };
    const adopted = ws.adopt(wrapped, c.ids);
    void adopted.then(() => (oldClosed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(oldClosed).toBe(false);
    for (let r = await it.next(); !r.done; r = await it.next()) seen.push(r.value.id);
    expect(seen).toEqual(exchanges.slice(0, 55).map((e) => e.id));
    expect(await adopted).toBe(true);
    expect([ws.count, ws.onDisk, ws.memoryBytes]).toEqual([55, 55, 0]);
    expect(Buffer.from((await ws.get(55))!.response!.body).equals(exchanges[54]!.response!.body)).toBe(true);
    // Ids that do not match what is shown: refused, nothing changes.
    const other = await openCapture(big);
    expect(await ws.adopt(captureStore(other), [...other.ids].reverse())).toBe(false);
    expect(ws.onDisk).toBe(55);
    await ws.close();
    expect(ws.count).toBe(0);
  });
});
