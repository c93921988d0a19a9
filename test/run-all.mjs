#!/usr/bin/env node
// `npm test`: every suite in order — lint, typecheck, unit/integration (vitest),
// the renderer build, end-to-end (Playwright on Debian's Chromium, incl. the
// Electron launch test that skips where no binary exists) — then one closing
// line `N passed, N failed[, N skipped]` summing them all.
//   --only <suite>   run one suite (lint|typecheck|unit|e2e|reliability)
//   --skip <suite>   leave one out (repeatable)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skip = new Set(args.flatMap((a, i) => (a === '--skip' ? [args[i + 1]] : [])));
const out = path.join(root, 'test-results');
mkdirSync(out, { recursive: true });
const bin = (n) => path.join(root, 'node_modules', '.bin', n);

function run(cmd, argv, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), ms: Date.now() - t0 }));
  });
}

const tally = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
function record(name, p, f, s, ms, note = '') {
  tally.passed += p;
  tally.failed += f;
  tally.skipped += s;
  lines.push(
    `${name.padEnd(12)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(s).padStart(4)} skipped  ${(ms / 1000).toFixed(1)} s ${note}`,
  );
}

const suites = {
  async lint() {
    const r = await run(bin('eslint'), ['.', '--max-warnings=0']);
    const f = await run(bin('prettier'), ['--check', '--log-level=warn', '.']);
    record(
      'lint',
      (r.code === 0) + (f.code === 0),
      (r.code !== 0) + (f.code !== 0),
      0,
      r.ms + f.ms,
      '(eslint; prettier --check)',
    );
  },
  async typecheck() {
    const a = await run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    const b = await run(bin('tsc'), ['-p', 'shared/tsconfig.json', '--noEmit']);
    record(
      'typecheck',
      (a.code === 0) + (b.code === 0),
      (a.code !== 0) + (b.code !== 0),
      0,
      a.ms + b.ms,
      '(project; shared/ without Node or DOM types)',
    );
  },
  async unit() {
    const file = path.join(out, 'vitest.json');
    const r = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
    countVitest('unit', file, r);
  },
  async reliability() {
    const file = path.join(out, 'reliability.json');
    const r = await run(
      bin('vitest'),
      ['run', 'test/fuzz', 'test/reliability', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
      { FUZZ_LONG: '1', RELIABILITY_LONG: '1' },
    );
    countVitest('reliability', file, r);
  },
  async e2e() {
    const b1 = await run('npm', ['run', '--silent', 'build:web']);
    const b2 = await run('npm', ['run', '--silent', 'build']);
    record(
      'build',
      (b1.code === 0) + (b2.code === 0),
      (b1.code !== 0) + (b2.code !== 0),
      0,
      b1.ms + b2.ms,
      '(web renderer; electron-vite main/preload/renderer)',
    );
    if (b1.code !== 0) return;
    const file = path.join(out, 'playwright.json');
    const r = await run(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    if (!existsSync(file)) return record('e2e', 0, 1, 0, r.ms, '(no report)');
    const rep = JSON.parse(readFileSync(file, 'utf8'));
    const st = rep.stats ?? {};
    record(
      'e2e',
      st.expected ?? 0,
      (st.unexpected ?? 0) + (st.flaky ?? 0) + (r.code !== 0 && !st.unexpected ? 1 : 0),
      st.skipped ?? 0,
      r.ms,
    );
  },
};

function countVitest(name, file, r) {
  if (!existsSync(file)) return record(name, 0, 1, 0, r.ms, '(no report)');
  const rep = JSON.parse(readFileSync(file, 'utf8'));
  const failedSuites = (rep.testResults ?? []).filter(
    (t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0,
  ).length;
  record(
    name,
    rep.numPassedTests ?? 0,
    (rep.numFailedTests ?? 0) + failedSuites + (r.code !== 0 && !rep.numFailedTests && !failedSuites ? 1 : 0),
    (rep.numPendingTests ?? 0) + (rep.numTodoTests ?? 0),
    r.ms,
  );
}

const order = only ? [only] : ['lint', 'typecheck', 'unit', 'e2e'];
for (const s of order) {
  if (skip.has(s)) continue;
  if (!suites[s]) {
    console.error(`unknown suite ${s}`);
    process.exit(2);
  }
  console.log(`\n=== ${s} ===`);
  await suites[s]();
}
console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ''}`);
process.exit(tally.failed ? 1 : 0);
