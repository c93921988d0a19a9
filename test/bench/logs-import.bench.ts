/**
 * `logs import` throughput and memory on generated Exchange logs (HttpProxy\Mapi
 * and MapiHttp\Mailbox files of 10 MB shaped like the published rows; 400 MB,
 * 80 MB with --quick). Baseline in the same run: a plain line counter reading
 * the same files (4 MiB reads, `indexOf('\n')`), the least any importer must do.
 * Peak RSS of this process (Node + DuckDB's native memory) is sampled every 20 ms.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { closeSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLogs } from '../../electron/backend/logs/importer.js';
import { generateExchangeLogs } from './exchange-log-gen.js';
import { MB, consume, cpuMs } from './measure.js';
import type { Bench, BenchResult } from './types.js';

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

function countLines(files: readonly string[]): number {
  const buf = Buffer.allocUnsafe(4 << 20);
  let n = 0;
  for (const f of files) {
    const fd = openSync(f, 'r');
    let k: number;
    while ((k = readSync(fd, buf, 0, buf.length, null)) > 0) {
      let i = buf.indexOf(10);
      while (i !== -1 && i < k) {
        n++;
        i = buf.indexOf(10, i + 1);
      }
    }
    closeSync(fd);
  }
  return n;
}

const bench: Bench = {
  name: 'logs-import',
  async run({ quick }) {
    const dir = mkdtempSync(join(tmpdir(), 'mapiscope-logs-bench-'));
    try {
      const gen = generateExchangeLogs(join(dir, 'Logging'), (quick ? 80 : 400) * MB);
      const files = listFiles(gen.dir);
      process.stderr.write(`  generated ${(gen.bytes / MB).toFixed(0)} MB, ${gen.rows} rows, ${gen.files} files\n`);
      countLines(files); // warm the page cache for both
      const l0 = performance.now();
      const lc0 = cpuMs();
      consume(countLines(files));
      const lineS = (performance.now() - l0) / 1000;
      const lineCpuS = (cpuMs() - lc0) / 1000;
      (globalThis as { gc?: () => void }).gc?.();

      const rss0 = process.memoryUsage.rss();
      let peak = rss0;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
      const t0 = performance.now();
      const c0 = cpuMs();
      const out = join(dir, 'case.logs');
      const summary = await importLogs([gen.dir], out);
      const importS = (performance.now() - t0) / 1000;
      const importCpuS = (cpuMs() - c0) / 1000;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
      if (rows !== gen.rows) throw new Error(`imported ${rows} rows of ${gen.rows}`);
      const caseMB = statSync(out).size / MB;
      const mbps = gen.bytes / MB / importS;
      const lineMbps = gen.bytes / MB / lineS;
      const results: BenchResult[] = [
        {
          name: 'import throughput',
          value: mbps,
          unit: 'MB/s',
          baseline: { name: 'plain line counter, same files', value: lineMbps },
          ratio: mbps / lineMbps,
          note: `${(gen.bytes / MB).toFixed(0)} MB, ${rows} rows in ${importS.toFixed(1)} s; goal ≥ 100 MB/s`,
        },
        {
          name: 'import per CPU-second',
          value: gen.bytes / MB / importCpuS,
          unit: 'MB/CPU-s',
          baseline: { name: 'plain line counter, per CPU-second', value: gen.bytes / MB / lineCpuS },
          ratio: gen.bytes / MB / importCpuS / (gen.bytes / MB / lineCpuS),
          note: `CPU time of this process (JS + DuckDB's threads): ${importCpuS.toFixed(1)} s; on a loaded machine wall time waits for a core, CPU time does not`,
        },
        {
          name: 'import peak RSS',
          value: peak / MB,
          unit: 'MB',
          note: `process RSS before: ${(rss0 / MB).toFixed(0)} MB, growth ${((peak - rss0) / MB).toFixed(0)} MB; goal ≤ 500 MB; case file ${caseMB.toFixed(0)} MB`,
        },
      ];
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
