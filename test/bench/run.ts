/**
 * `npm run bench [-- --quick] [-- --json] [-- --only NAME]`: runs every
 * test/bench/*.bench.ts in turn, each in a fresh process, and prints each
 * figure beside its same-run baseline, then a summary table. Figures are
 * printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
/** Prefix of the line a bench child prints its results on. */
const RESULT_MARK = '@@mapiscope-bench-result ';

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 1000 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 0.1 ? n.toFixed(2) : n.toPrecision(3);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

type BenchOutcome = { bench: string; results: BenchResult[]; error?: string; seconds: number };

/** Runs one bench file in this process (the child side of `--child FILE`). */
async function runHere(f: string): Promise<BenchOutcome | undefined> {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { default: Bench };
  const b = mod.default;
  if (!b?.run) return undefined;
  const t0 = performance.now();
  try {
    const results = await b.run({ quick });
    return { bench: b.name, results, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    if (!json) process.stderr.write(`  FAILED: ${e instanceof Error ? e.stack : String(e)}\n`);
    return {
      bench: b.name,
      results: [],
      error: e instanceof Error ? e.message : String(e),
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

const child = argv.includes('--child') ? argv[argv.indexOf('--child') + 1] : undefined;
if (child) {
  const out = await runHere(child);
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(out ?? null)}\n`);
  process.exit(0);
}

/**
 * Each bench runs in a fresh Node process of its own (same flags as this one), so the heap a bench leaves
 * behind (a 100k-exchange session model, 1 GB of HAR) and the type feedback it gave V8 do not slow the
 * benches after it. Progress lines pass through; the results come back as one JSON line.
 */
function runInChild(f: string): Promise<BenchOutcome | undefined> {
  return new Promise((resolve) => {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', f, ...(quick ? ['--quick'] : [])];
    if (json) args.push('--json');
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (line) return resolve(JSON.parse(line.slice(RESULT_MARK.length)) as BenchOutcome | undefined);
      resolve({
        bench: f.replace(/\.bench\.ts$/, ''),
        results: [],
        error: `bench process exited (${code})`,
        seconds: 0,
      });
    });
  });
}

const all: BenchOutcome[] = [];
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  if (only && name !== only && !f.startsWith(only)) continue;
  if (!json) process.stderr.write(`\n▶ ${name} (${f})\n`);
  const r = await runInChild(f);
  if (!r) continue;
  all.push(r);
  if (!json)
    for (const x of r.results)
      process.stderr.write(
        `  ${x.name}: ${fmt(x.value)} ${x.unit}` +
          (x.baseline ? `   (baseline ${x.baseline.name}: ${fmt(x.baseline.value)} ${x.unit})` : '') +
          (x.ratio !== undefined ? `   ratio ${fmt(x.ratio)}×` : '') +
          (x.note ? `   — ${x.note}` : '') +
          '\n',
      );
}

if (json) {
  process.stdout.write(
    JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, benches: all }, null, 2) + '\n',
  );
} else {
  const rows: string[][] = [['bench', 'figure', 'value', 'baseline', 'ratio', 'note']];
  for (const b of all) {
    if (b.error) rows.push([b.bench, 'FAILED', '', '', '', b.error]);
    for (const r of b.results)
      rows.push([
        b.bench,
        r.name,
        `${fmt(r.value)} ${r.unit}`,
        r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
        r.ratio !== undefined ? `${fmt(r.ratio)}×` : '',
        r.note ?? '',
      ]);
  }
  const w = rows[0]!.map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i]!.length))));
  process.stdout.write(
    '\n' +
      rows
        .map((r) =>
          r
            .map((c, i) => c.padEnd(w[i]!))
            .join('  ')
            .trimEnd(),
        )
        .join('\n') +
      '\n',
  );
}
process.exit(all.some((b) => b.error) ? 1 : 0);
