/**
 * Capture store at the size: a 1 GB capture (100 MB with --quick) of MAPI-shaped
 * exchanges (10 KB request, 30 KB response, 12 headers, 3 chunks), in a child process of its
 * own so its RSS is the store's and not the rest of the bench run's.
 *  - append: CaptureWriter.append with 32 in flight (what a busy proxy does) over the whole
 *    gigabyte; baseline in the same child: plain fs appends of the same record bytes
 *    (pre-encoded, one write each). Rounds alternate A B (A B with --quick).
 *  - open: openCapture (index + spot check) + get() of the last exchange; baseline: a plain
 *    sequential read of the whole file in 1 MiB blocks (what any reader must at least do
 *    without an index). Also openCapture without the index (full scan).
 *  - RSS with the 1 GB capture open and 200 random exchanges read through it, beside the
 *    child's RSS before the capture was opened (goal: ≤ 500 MB).
 *  - the backend's file.open of the same capture (what the UI does): RSS after the open and the
 *    first list page (and after 200 random exchanges.get), beside the child's RSS just before;
 *    time from file.open to the first list page (exchanges.list, 200 rows).
 * test/bench/store.bench.ts measures the same operations at 120 MB with more rounds.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureWriter, indexPath, openCapture } from '../../electron/backend/store/capture-file.js';
import { encodeExchange } from '../../electron/backend/store/format.js';
import { mapiExecuteExchange } from './mapi-exchange.js';
import { sequentialReadMs } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const SELF = fileURLToPath(import.meta.url);
const REQ = 10 * 1024;
const RES = 30 * 1024;

const pool = (() => {
  const b = Buffer.alloc(1 << 20);
  let x = 7;
  for (let i = 0; i < b.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
})();

function exchange(id: number): Exchange {
  const at = (id * 4099) % (pool.length - RES);
  return mapiExecuteExchange(id, pool.subarray(at, at + REQ), pool.subarray(at, at + RES));
}

interface ChildReport {
  n: number;
  fileBytes: number;
  append: number[];
  plain: number[];
  openMs: number;
  readMs: number;
  scanMs: number;
  rssBefore: number;
  rssOpen: number;
  heapOpen: number;
  rssBeforeBackend: number;
  rssBackendOpen: number;
  heapBackendOpen: number;
  rssBackendGets: number;
  backendOpenMs: number;
}

async function childMain(dir: string, n: number, rounds: number): Promise<ChildReport> {
  const append: number[] = [];
  const plain: number[] = [];
  const file = path.join(dir, 'big.mscap');
  for (let r = 0; r < rounds; r++) {
    // A: the writer, 32 appends in flight.
    await rm(file, { force: true });
    await rm(indexPath(file), { force: true });
    let t0 = performance.now();
    const w = await CaptureWriter.create(file);
    for (let i = 1; i <= n; i += 32) {
      const batch: Promise<unknown>[] = [];
      for (let k = i; k < i + 32 && k <= n; k++) batch.push(w.append(exchange(k)));
      await Promise.all(batch);
    }
    await w.close();
    append.push(n / ((performance.now() - t0) / 1000));
    // B: plain appends of the same record bytes (encoded outside the timed part, in batches).
    const q = path.join(dir, 'plain.bin');
    await rm(q, { force: true });
    const fh = await open(q, 'a');
    let ms = 0;
    for (let i = 1; i <= n; i += 256) {
      const recs: Buffer[] = [];
      for (let k = i; k < i + 256 && k <= n; k++) recs.push(Buffer.from(encodeExchange(exchange(k))));
      t0 = performance.now();
      for (const rec of recs) await fh.write(rec);
      ms += performance.now() - t0;
    }
    t0 = performance.now();
    await fh.datasync();
    await fh.close();
    ms += performance.now() - t0;
    plain.push(n / (ms / 1000));
    await unlink(q);
  }
  const fileBytes = (await stat(file)).size;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  // Open with the index + last exchange.
  let t0 = performance.now();
  const c = await openCapture(file);
  const last = await c.get(c.ids[c.ids.length - 1]!);
  const openMs = performance.now() - t0;
  if (last.id !== n || c.count !== n) throw new Error('store-1gb: wrong capture');
  for (let i = 0; i < 200; i++) await c.get(1 + ((i * 7919) % n));
  const rssOpen = process.memoryUsage().rss;
  const heapOpen = process.memoryUsage().heapUsed;
  await c.close();
  // Baseline: a sequential read of the whole file in 1 MiB blocks.
  const readMs = await sequentialReadMs(file);
  // The backend's file.open (the UI's path): RSS with the capture opened, time to the first list page.
  const { Backend } = await import('../../electron/backend/backend.js');
  const { FileService } = await import('../../electron/backend/file-service.js');
  const backend = await Backend.start({ listen: false, services: [new FileService()] });
  global.gc?.();
  const rssBeforeBackend = process.memoryUsage().rss;
  t0 = performance.now();
  const opened = (await backend.rpc.invoke('file.open', { path: file })) as { count: number };
  const page = (await backend.rpc.invoke('exchanges.list', { offset: 0, limit: 200 })) as { items: unknown[] };
  const backendOpenMs = performance.now() - t0;
  if (opened.count !== n || page.items.length !== 200) throw new Error('store-1gb: file.open gave the wrong capture');
  global.gc?.();
  const rssBackendOpen = process.memoryUsage().rss;
  const heapBackendOpen = process.memoryUsage().heapUsed;
  for (let i = 0; i < 200; i++) await backend.rpc.invoke('exchanges.get', { id: 1 + ((i * 7919) % n) });
  global.gc?.();
  const rssBackendGets = process.memoryUsage().rss;
  await backend.stop();
  // Full scan without the index.
  await unlink(indexPath(file));
  t0 = performance.now();
  const s = await openCapture(file);
  const scanMs = performance.now() - t0;
  if (s.count !== n) throw new Error('store-1gb: the scan lost exchanges');
  await s.close();
  return {
    n,
    fileBytes,
    append,
    plain,
    openMs,
    readMs,
    scanMs,
    rssBefore,
    rssOpen,
    heapOpen,
    rssBeforeBackend,
    rssBackendOpen,
    heapBackendOpen,
    rssBackendGets,
    backendOpenMs,
  };
}

if (process.env.MAPISCOPE_BENCH_STORE_CHILD) {
  const [dir, n, rounds] = process.env.MAPISCOPE_BENCH_STORE_CHILD.split('|') as [string, string, string];
  const r = await childMain(dir, Number(n), Number(rounds));
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MB = 1024 * 1024;

const bench: Bench = {
  name: 'store-1gb',
  async run({ quick }) {
    const dir = await mkdtemp(path.join(tmpdir(), 'msbench-store1g-'));
    // 40 KB of bodies each: 26,000 ≈ 1 GiB of bodies (≈ 1.04 GB file); 2,600 ≈ 100 MB.
    const n = quick ? 2_600 : 26_000;
    const rounds = quick ? 2 : 1;
    try {
      const r = await new Promise<ChildReport>((resolve, reject) => {
        const c = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF], {
          env: { ...process.env, MAPISCOPE_BENCH_STORE_CHILD: `${dir}|${n}|${rounds}` },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const t = setTimeout(() => c.kill('SIGKILL'), 15 * 60_000);
        c.on('exit', (code) => {
          clearTimeout(t);
          if (code !== 0) return reject(new Error(`store-1gb child exited with ${code}`));
          resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport);
        });
      });
      const gb = r.fileBytes / 1e9;
      const base = { name: 'plain fs appends of the same bytes', value: median(r.plain) };
      const a = median(r.append);
      const results: BenchResult[] = [
        {
          name: `append ${gb.toFixed(2)} GB, 32 in flight`,
          value: a,
          unit: 'exchanges/s',
          baseline: base,
          ratio: a / base.value,
          note: `${((a * r.fileBytes) / r.n / MB).toFixed(0)} MB/s of file; ${r.n} exchanges; ${r.append.length} round(s)`,
        },
        {
          name: `openCapture + get(last), ${gb.toFixed(2)} GB, with index`,
          value: r.openMs,
          unit: 'ms',
          baseline: { name: 'sequential read of the whole file', value: r.readMs },
          ratio: r.openMs / r.readMs,
        },
        {
          name: `openCapture without index (full scan), ${gb.toFixed(2)} GB`,
          value: r.scanMs,
          unit: 'ms',
          baseline: { name: 'sequential read of the whole file', value: r.readMs },
          ratio: r.scanMs / r.readMs,
        },
        {
          name: `RSS with the ${gb.toFixed(2)} GB capture open (200 random gets)`,
          value: r.rssOpen / MB,
          unit: 'MB',
          baseline: { name: 'same process before opening', value: r.rssBefore / MB },
          ratio: r.rssOpen / r.rssBefore,
          note: `goal ≤ 500 MB; heap ${(r.heapOpen / MB).toFixed(0)} MB`,
        },
        {
          name: `backend file.open of the ${gb.toFixed(2)} GB capture: RSS after open`,
          value: r.rssBackendOpen / MB,
          unit: 'MB',
          baseline: { name: 'same process before opening', value: r.rssBeforeBackend / MB },
          ratio: r.rssBackendOpen / r.rssBeforeBackend,
          note: `heap ${(r.heapBackendOpen / MB).toFixed(0)} MB; ${(r.rssBackendGets / MB).toFixed(0)} MB after 200 random exchanges.get (after a gc each)`,
        },
        {
          name: `backend file.open of the ${gb.toFixed(2)} GB capture: time to the first list page`,
          value: r.backendOpenMs,
          unit: 'ms',
          baseline: { name: 'sequential read of the whole file', value: r.readMs },
          ratio: r.backendOpenMs / r.readMs,
        },
      ];
      return results;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
