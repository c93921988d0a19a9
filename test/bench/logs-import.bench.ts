/**
 * `logs import` throughput, CPU cost and memory on generated Exchange logs
 * (HttpProxy\Mapi and MapiHttp\Mailbox files of 10 MB shaped like the published
 * rows): 400 MB and 1 GB (80 MB with --quick), to show the peak RSS does not grow
 * with the input. Each measurement runs in a process of its own
 * (logs-import-run.ts) so its peak RSS is its own. Baselines in the same run: the
 * floor, DuckDB's bare native CSV reader into one table per folder with the same
 * engine settings and column types (no staging, line numbers, issues or views),
 * and a plain line counter over the same files (4 MiB reads, `indexOf('\n')`).
 * The load average is printed with each figure: on the shared machine wall time
 * waits for a core, CPU time does not.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateExchangeLogs } from './exchange-log-gen.js';
import type { RunFigures } from './logs-import-run.js';
import { MB, consume, cpuMs } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const RUNNER = fileURLToPath(new URL('./logs-import-run.ts', import.meta.url));

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

function measure(mode: 'import' | 'floor', dir: string, out: string): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', RUNNER, mode, dir, out], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    c.stdout.on('data', (d: Buffer) => (text += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => {
      const line = text.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as RunFigures);
      else reject(new Error(`logs-import-run ${mode} exited ${code}: ${text.slice(-500)}`));
    });
  });
}

const load = () => loadavg()[0]!.toFixed(1);

async function one(sizeMB: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mapiscope-logs-bench-'));
  try {
    const gen = generateExchangeLogs(join(dir, 'Logging'), sizeMB * MB);
    const files = listFiles(gen.dir);
    const mb = gen.bytes / MB;
    process.stderr.write(`  generated ${mb.toFixed(0)} MB, ${gen.rows} rows, ${gen.files} files\n`);
    countLines(files); // warm the page cache
    const l0 = performance.now();
    const lc0 = cpuMs();
    consume(countLines(files));
    const lineMbps = mb / ((performance.now() - l0) / 1000);
    const lineCpu = mb / ((cpuMs() - lc0) / 1000);
    const loadBefore = load();
    const imp = await measure('import', gen.dir, join(dir, 'case.logs'));
    const loadMid = load();
    const flo = await measure('floor', gen.dir, join(dir, 'floor.duckdb'));
    const loads = `load average ${loadBefore} / ${loadMid} / ${load()} (2 cores)`;
    if (imp.rows !== gen.rows) throw new Error(`imported ${imp.rows} rows of ${gen.rows}`);
    const size = `${mb.toFixed(0)} MB`;
    return [
      {
        name: `import throughput, ${size}`,
        value: mb / imp.wallS,
        unit: 'MB/s',
        baseline: { name: 'DuckDB bare read_csv → table (floor)', value: mb / flo.wallS },
        ratio: flo.wallS / imp.wallS,
        note: `${imp.rows} rows in ${imp.wallS.toFixed(1)} s (floor ${flo.wallS.toFixed(1)} s); plain line counter ${lineMbps.toFixed(0)} MB/s; ${loads}; goal ≥ 100 MB/s`,
      },
      {
        name: `import per CPU-second, ${size}`,
        value: mb / imp.cpuS,
        unit: 'MB/CPU-s',
        baseline: { name: 'DuckDB bare read_csv → table (floor)', value: mb / flo.cpuS },
        ratio: flo.cpuS / imp.cpuS,
        note: `CPU ${imp.cpuS.toFixed(1)} s = ${((imp.cpuS / mb) * 1000).toFixed(1)} CPU-ms/MB (floor ${((flo.cpuS / mb) * 1000).toFixed(1)}, line counter ${(1000 / lineCpu).toFixed(2)}); JS and DuckDB's threads`,
      },
      {
        name: `import peak RSS, ${size}`,
        value: imp.peakRssMB,
        unit: 'MB',
        baseline: { name: 'DuckDB bare read_csv → table (floor)', value: flo.peakRssMB },
        ratio: imp.peakRssMB / flo.peakRssMB,
        note: `whole process; ${imp.startRssMB.toFixed(0)} MB before the import (Node, tsx, DuckDB loaded); case file ${imp.caseMB.toFixed(0)} MB (floor ${flo.caseMB.toFixed(0)} MB); goal ≤ 500 MB`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: Bench = {
  name: 'logs-import',
  async run({ quick }) {
    const results: BenchResult[] = [];
    for (const size of quick ? [80] : [400, 1024]) results.push(...(await one(size)));
    return results;
  },
};

export default bench;
