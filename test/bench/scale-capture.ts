/**
 * A generated capture file of `n` small, realistic exchanges for the scale bench: sessions of
 * Connect, Logon, OpenFolder + GetContentsTable + SetColumns, 20 × QueryRows, NotificationWait,
 * PING, Release, Disconnect (filter-capture.ts), each session with its own cookies, connection
 * and times, its QueryRows answering 0 … 16 rows so bodies range from tens of bytes to about
 * 1.8 KB (90th percentile 1.1 KB, median 82 bytes), as the real bodies in test/fixtures do (90th
 * percentile 1.15 KB, median 153 bytes). Written once through CaptureWriter and kept in the temp folder, keyed by `n` and a
 * version, so later runs open it at once.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureWriter, indexPath } from '../../electron/backend/store/capture-file.js';
import { filterTemplate } from './filter-capture.js';
import { sessionCopy, templateSpan } from './session.bench.js';

/** Rows per QueryRows of successive sessions (the size mix). */
const ROWS_MIX = [0, 1, 2, 3, 4, 6, 8, 10, 12, 16];
/** Bump when the generated content changes, so a cached file of the old content is not reused. */
const VERSION = 1;

/** The exchanges of the capture, in order. */
export function* scaleExchanges(n: number): Generator<Exchange> {
  const templates = ROWS_MIX.map((rows) => filterTemplate(rows));
  let id = 1;
  let dt = 0;
  for (let k = 0; id <= n; k++) {
    const tpl = templates[k % templates.length]!;
    for (const t of tpl) {
      if (id > n) return;
      yield sessionCopy(t, id++, k, dt);
    }
    dt += templateSpan(tpl);
  }
}

/** Body sizes (request and response) of the first `n` exchanges: percentiles, for the bench's note. */
export function bodySizeMix(n: number): { p10: number; p50: number; p90: number; max: number; mean: number } {
  const s: number[] = [];
  for (const ex of scaleExchanges(n)) {
    s.push(ex.request.body.length);
    if (ex.response) s.push(ex.response.body.length);
  }
  s.sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return {
    p10: at(0.1),
    p50: at(0.5),
    p90: at(0.9),
    max: s[s.length - 1]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

/** Path of the cached capture of `n` exchanges, written now if it is not there (progress on stderr). */
export async function scaleCapture(n: number, log: (s: string) => void = () => undefined): Promise<string> {
  const dir = path.join(tmpdir(), 'mapiscope-bench-scale');
  const file = path.join(dir, `v${VERSION}-${n}.mscap`);
  if (existsSync(file) && existsSync(indexPath(file))) return file;
  await mkdir(dir, { recursive: true });
  const part = `${file}.part-${process.pid}`;
  const t0 = performance.now();
  const w = await CaptureWriter.create(part);
  try {
    let batch: Promise<unknown>[] = [];
    for (const ex of scaleExchanges(n)) {
      batch.push(w.append(ex));
      if (batch.length === 256) {
        await Promise.all(batch);
        batch = [];
        if (ex.id % 100_000 < 256) log(`scale: generating ${ex.id} of ${n} exchanges`);
      }
    }
    await Promise.all(batch);
  } finally {
    await w.close();
  }
  // Renamed when complete, index first: a run stopped half-way leaves no file that looks whole.
  await rename(indexPath(part), indexPath(file));
  await rename(part, file);
  await rm(`${part}.tmp`, { force: true });
  log(`scale: generated ${n} exchanges in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${file}`);
  return file;
}
