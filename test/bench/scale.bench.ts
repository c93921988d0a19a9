/**
 * A capture at the scale of real ones: 1,000,000 small exchanges (20,000 with --quick), generated
 * once and cached in the temp folder (scale-capture.ts), opened the way the UI opens it, in a child
 * process of its own (its RSS is the product's, not the bench run's) with a 4 GB heap limit:
 *  - open: the backend's file.open and the first list page (exchanges.list, 200 rows), with the
 *    session service registered as in the app (its pass starts in the background at once);
 *  - session pass + diagnoses: from the same start until findings.list answers (the whole
 *    forward pass and every rule);
 *  - peak RSS of the child (VmHWM) and heap after the pass; CPU-seconds of each phase.
 * Baselines in the same child, before the product: a sequential read of the file in 1 MiB blocks
 * (the disk floor) and iterateExchanges over the whole file (reading every record back into an
 * Exchange: the floor of any pass over the exchanges). Goals: open ≤ 2 s, pass + diagnoses ≤ 10 s,
 * RSS ≤ 500 MB. A child that runs out of memory or time reports how far its pass got.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { iterateExchanges } from '../../electron/backend/store/load.js';
import { bodySizeMix, scaleCapture } from './scale-capture.js';
import { sequentialReadMs } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
const PROGRESS = '@@scale-progress ';

interface ChildReport {
  n: number;
  fileBytes: number;
  readMs: number;
  readCpu: number;
  iterMs: number;
  iterCpu: number;
  rssBefore: number;
  openMs: number;
  openCpu: number;
  passMs: number;
  passCpu: number;
  sessions: number;
  findings: number;
  peakRss: number;
  heapAfter: number;
  rssAfter: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** VmHWM (peak resident set) of this process, in bytes. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function childMain(file: string, n: number): Promise<ChildReport> {
  const fileBytes = (await stat(file)).size;
  // Baseline 1: the disk floor.
  let c0 = process.cpuUsage();
  const readMs = await sequentialReadMs(file);
  const readCpu = cpuSeconds(c0);
  // Baseline 2: every record read back into an Exchange, nothing kept.
  c0 = process.cpuUsage();
  let t0 = performance.now();
  let count = 0;
  for await (const ex of iterateExchanges(file)) if (ex.id > 0) count++;
  const iterMs = performance.now() - t0;
  const iterCpu = cpuSeconds(c0);
  if (count !== n) throw new Error(`scale: the capture holds ${count} exchanges, not ${n}`);

  // The product: the backend as the app runs it, for what the UI asks first.
  const { Backend } = await import('../../electron/backend/backend.js');
  const { FileService } = await import('../../electron/backend/file-service.js');
  const { sessionService } = await import('../../electron/backend/session-service.js');
  const sessions = sessionService();
  const backend = await Backend.start({ listen: false, services: [new FileService(), sessions] });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  c0 = process.cpuUsage();
  t0 = performance.now();
  const tick = setInterval(() => {
    const p = sessions.progress();
    const at = {
      fed: p.fed,
      total: p.total,
      rss: process.memoryUsage().rss,
      cpu: cpuSeconds(c0),
      s: (performance.now() - t0) / 1000,
    };
    process.stderr.write(`${PROGRESS}${JSON.stringify(at)}\n`);
  }, 5000);
  try {
    const opened = (await backend.rpc.invoke('file.open', { path: file })) as { count: number };
    const page = (await backend.rpc.invoke('exchanges.list', { offset: 0, limit: 200 })) as { items: unknown[] };
    const openMs = performance.now() - t0;
    const openCpu = cpuSeconds(c0);
    if (opened.count !== n || page.items.length !== 200) throw new Error('scale: file.open gave the wrong capture');
    const f = (await backend.rpc.invoke('findings.list', {})) as { total: number };
    const passMs = performance.now() - t0;
    const passCpu = cpuSeconds(c0);
    const s = (await backend.rpc.invoke('sessions.list', {})) as { total: number };
    const peak = peakRss();
    global.gc?.();
    const mem = process.memoryUsage();
    return {
      n,
      fileBytes,
      readMs,
      readCpu,
      iterMs,
      iterCpu,
      rssBefore,
      openMs,
      openCpu,
      passMs,
      passCpu,
      sessions: s.total,
      findings: f.total,
      peakRss: peak,
      heapAfter: mem.heapUsed,
      rssAfter: mem.rss,
    };
  } finally {
    clearInterval(tick);
    await backend.stop();
  }
}

if (process.env.MAPISCOPE_BENCH_SCALE_CHILD) {
  const [file, n] = process.env.MAPISCOPE_BENCH_SCALE_CHILD.split('|') as [string, string];
  const r = await childMain(file, Number(n));
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

const bench: Bench = {
  name: 'scale',
  async run({ quick }) {
    const n = quick ? 20_000 : 1_000_000;
    const file = await scaleCapture(n, (s) => process.stderr.write(`  ${s}\n`));
    const mix = bodySizeMix(Math.min(n, 30_000));
    const loadStart = load();
    let last: { fed: number; total: number; rss: number; cpu: number; s: number } | undefined;
    const r = await new Promise<ChildReport | { error: string }>((resolve) => {
      const c = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', SELF], {
        env: { ...process.env, MAPISCOPE_BENCH_SCALE_CHILD: `${file}|${n}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const lines = err.split('\n');
        err = lines.pop()!;
        for (const l of lines)
          if (l.startsWith(PROGRESS)) last = JSON.parse(l.slice(PROGRESS.length)) as typeof last;
          else process.stderr.write(`${l}\n`);
      });
      const limit = setTimeout(() => c.kill('SIGKILL'), 30 * 60_000);
      c.on('exit', (code, signal) => {
        clearTimeout(limit);
        if (code === 0) return resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport);
        const how = signal ? `killed by ${signal} (30 min limit)` : `exited with ${code} (out of memory?)`;
        resolve({
          error: `${how}; after ${(last?.s ?? 0).toFixed(0)} s and ${(last?.cpu ?? 0).toFixed(0)} CPU-s the pass had fed ${last?.fed ?? 0} of ${last?.total ?? n} exchanges, RSS ${((last?.rss ?? 0) / MB).toFixed(0)} MB`,
        });
      });
    });
    const loadEnd = load();
    const loadNote = `load average (1/5/15 min) ${loadStart} at start, ${loadEnd} at end`;
    const mixNote = `bodies p10/p50/p90/max ${mix.p10}/${mix.p50}/${mix.p90}/${mix.max} B`;
    if ('error' in r)
      return [
        {
          name: `session pass + diagnoses of ${n} exchanges: did not finish`,
          value: Number.NaN,
          unit: 's',
          note: `${r.error}; ${loadNote}`,
        },
      ];
    const read = { name: 'sequential read of the file', value: r.readMs / 1000 };
    const iter = {
      name: 'iterateExchanges over the file (every record back into an Exchange)',
      value: r.iterMs / 1000,
    };
    const out: BenchResult[] = [
      {
        name: `open ${r.n} exchanges (${(r.fileBytes / 1e9).toFixed(2)} GB) to the first list page (file.open + exchanges.list)`,
        value: r.openMs / 1000,
        unit: 's',
        baseline: read,
        ratio: r.openMs / r.readMs,
        note: `goal ≤ 2 s; CPU ${r.openCpu.toFixed(1)} s (sequential read: ${r.readCpu.toFixed(1)} CPU-s); ${mixNote}`,
      },
      {
        name: `session pass + diagnoses (${r.sessions} sessions, ${r.findings} findings), from file.open to findings.list`,
        value: r.passMs / 1000,
        unit: 's',
        baseline: iter,
        ratio: r.passMs / r.iterMs,
        note: `goal ≤ 10 s; CPU ${r.passCpu.toFixed(1)} s (iterate: ${r.iterCpu.toFixed(1)} CPU-s); ${loadNote}`,
      },
      {
        name: 'peak RSS of the backend process (VmHWM)',
        value: r.peakRss / MB,
        unit: 'MB',
        baseline: { name: 'RSS of the same process before file.open', value: r.rssBefore / MB },
        ratio: r.peakRss / r.rssBefore,
        note: `goal ≤ 500 MB; after the pass and a gc: RSS ${(r.rssAfter / MB).toFixed(0)} MB, heap ${(r.heapAfter / MB).toFixed(0)} MB (${(r.heapAfter / r.n).toFixed(0)} bytes per exchange)`,
      },
    ];
    return out;
  },
};

export default bench;
