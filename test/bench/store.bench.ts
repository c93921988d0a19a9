/**
 * Capture store bench: append throughput and open time, each beside a baseline measured in the
 * same run with alternating rounds (A B A B):
 *  - append: CaptureWriter.append of MAPI-shaped exchanges (10 KB request, 30 KB response, 12 headers,
 *    3 chunks) vs plain fs appends of the same record bytes (already encoded, one write each).
 *    Two writer figures: one append awaited at a time (sequential), and 32 in flight (what a busy
 *    proxy does; the writer batches them into one write).
 *  - open: openCapture (index + spot check) and get() of the last exchange, vs reading the same
 *    file's raw bytes with fs.readFile; and openCapture without an index (full scan).
 */
import { mkdtemp, open, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureWriter, indexPath, openCapture } from '../../electron/backend/store/capture-file.js';
import { encodeExchange } from '../../electron/backend/store/format.js';
import { mapiExecuteExchange } from './mapi-exchange.js';
import type { Bench, BenchResult } from './types.js';

function exchange(id: number): Exchange {
  return mapiExecuteExchange(id, Buffer.alloc(10 * 1024, id & 0xff), Buffer.alloc(30 * 1024, (id * 7) & 0xff));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: Bench = {
  name: 'store',
  async run({ quick }) {
    const dir = await mkdtemp(path.join(tmpdir(), 'msbench-store-'));
    const n = quick ? 400 : 3000;
    const rounds = quick ? 2 : 4;
    const exs = Array.from({ length: n }, (_, i) => exchange(i + 1));
    const mb = exs.reduce((s, e) => s + e.request.body.length + (e.response?.body.length ?? 0), 0) / 1e6;
    const seq: number[] = [];
    const par: number[] = [];
    const plain: number[] = [];
    let file = '';
    try {
      for (let r = 0; r < rounds; r++) {
        // A: writer, one append at a time (encoding included in the time).
        let p = path.join(dir, `seq-${r}.mscap`);
        let t0 = performance.now();
        let w = await CaptureWriter.create(p);
        for (const ex of exs) await w.append(ex);
        await w.close();
        seq.push(n / ((performance.now() - t0) / 1000));
        // B: plain fs appends of the same record bytes (pre-encoded: pure I/O baseline).
        const recs = exs.map((e) => encodeExchange(e));
        const q = path.join(dir, `plain-${r}.bin`);
        t0 = performance.now();
        const fh = await open(q, 'a');
        for (const rec of recs) await fh.write(rec);
        await fh.datasync();
        await fh.close();
        plain.push(n / ((performance.now() - t0) / 1000));
        // A': writer with 32 appends in flight.
        p = path.join(dir, `par-${r}.mscap`);
        t0 = performance.now();
        w = await CaptureWriter.create(p);
        for (let i = 0; i < n; i += 32) await Promise.all(exs.slice(i, i + 32).map((e) => w.append(e)));
        await w.close();
        par.push(n / ((performance.now() - t0) / 1000));
        file = p;
      }
      const results: BenchResult[] = [];
      const base = { name: 'plain fs appends of the same bytes', value: median(plain) };
      results.push({
        name: 'append, sequential (await each)',
        value: median(seq),
        unit: 'exchanges/s',
        baseline: base,
        ratio: median(seq) / base.value,
        note: `${((mb / n) * 1000).toFixed(0)} KB bodies each; encode + CRC + index included`,
      });
      results.push({
        name: 'append, 32 in flight (group commit)',
        value: median(par),
        unit: 'exchanges/s',
        baseline: base,
        ratio: median(par) / base.value,
        note: `${((median(par) * mb) / n).toFixed(0)} MB/s of bodies`,
      });

      // Open: index path vs raw read of the whole file, then a full scan without the index.
      const openT: number[] = [];
      const readT: number[] = [];
      const scanT: number[] = [];
      const idx = await readFile(indexPath(file));
      for (let r = 0; r < rounds + 1; r++) {
        let t0 = performance.now();
        const c = await openCapture(file);
        const last = await c.get(c.ids[c.ids.length - 1]!);
        await c.close();
        if (last.id !== n) throw new Error('bench: wrong last exchange');
        openT.push(performance.now() - t0);
        t0 = performance.now();
        const raw = await readFile(file);
        readT.push(performance.now() - t0);
        if (raw.length === 0) throw new Error('empty');
        await unlink(indexPath(file));
        t0 = performance.now();
        const s = await openCapture(file);
        await s.close();
        scanT.push(performance.now() - t0);
        if (s.count !== n) throw new Error('bench: scan lost exchanges');
        await writeFile(indexPath(file), idx);
      }
      const rb = { name: 'fs.readFile of the whole capture', value: median(readT) };
      results.push({
        name: `openCapture + get(last), ${n} exchanges, with index`,
        value: median(openT),
        unit: 'ms',
        baseline: rb,
        ratio: median(openT) / rb.value,
      });
      results.push({
        name: `openCapture without index (full scan), ${n} exchanges`,
        value: median(scanT),
        unit: 'ms',
        baseline: rb,
        ratio: median(scanT) / rb.value,
      });
      return results;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
