/**
 * `npm run bench [-- --quick] [-- --json] [-- --only NAME]`: runs every
 * test/bench/*.bench.ts in turn and prints each figure beside its same-run
 * baseline, then a summary table. Figures are printed, never asserted.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 1000 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 0.1 ? n.toFixed(2) : n.toPrecision(3);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const all: { bench: string; results: BenchResult[]; error?: string; seconds: number }[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { default: Bench };
  const b = mod.default;
  if (!b?.run) continue;
  if (only && b.name !== only && !f.startsWith(only)) continue;
  if (!json) process.stderr.write(`\n▶ ${b.name} (${f})\n`);
  const t0 = performance.now();
  try {
    const results = await b.run({ quick });
    all.push({ bench: b.name, results, seconds: (performance.now() - t0) / 1000 });
    if (!json)
      for (const r of results)
        process.stderr.write(
          `  ${r.name}: ${fmt(r.value)} ${r.unit}` +
            (r.baseline ? `   (baseline ${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit})` : '') +
            (r.ratio !== undefined ? `   ratio ${fmt(r.ratio)}×` : '') +
            (r.note ? `   — ${r.note}` : '') +
            '\n',
        );
  } catch (e) {
    all.push({
      bench: b.name,
      results: [],
      error: e instanceof Error ? e.message : String(e),
      seconds: (performance.now() - t0) / 1000,
    });
    if (!json) process.stderr.write(`  FAILED: ${e instanceof Error ? e.stack : String(e)}\n`);
  }
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
