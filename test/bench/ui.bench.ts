/**
 * The exchange list of a synthetic 100k-exchange capture in Debian's Chromium
 * against the real backend: time to the first screen of rows (load, list RPC,
 * render) and frame times while scrolling to the end. Baseline: the same rows
 * as plain DOM (no virtualisation) in the same browser and run.
 * Needs the web build (`npm run build:web`).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBackend } from '../e2e/backend.js';
import { writeSyntheticCapture } from '../e2e/synthetic.js';
import { measureList, measurePlainDom } from '../e2e/ui-perf.js';
import type { Bench, BenchResult } from './types.js';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const bench: Bench = {
  name: 'ui',
  async run({ quick }) {
    const n = quick ? 20_000 : 100_000;
    const file = await writeSyntheticCapture(n);
    const backend = await startBackend();
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ARGS,
      headless: true,
    });
    try {
      const t = performance.now();
      await backend.rpc('file.open', { path: file });
      const openMs = performance.now() - t;
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 860 } });
      const page = await ctx.newPage();
      const ui = await measureList(page, backend.url, n);
      const plainPage = await ctx.newPage();
      const plain = await measurePlainDom(plainPage, n);
      await ctx.close();
      const k = `${n / 1000}k`;
      const out: BenchResult[] = [
        {
          name: `exchange list first screen (${k} exchanges, from navigation)`,
          value: ui.firstScreenMs,
          unit: 'ms',
          baseline: { name: `plain DOM, all ${k} rows built at once (no RPC)`, value: plain.firstScreenMs },
          ratio: ui.firstScreenMs / plain.firstScreenMs,
          note: `${ui.domRows} rows in the DOM; the first page of summaries (the rest pages in behind it)`,
        },
        {
          name: `exchange list, every row loaded (${k} exchanges, from navigation)`,
          value: ui.fullListMs,
          unit: 'ms',
          baseline: { name: `plain DOM, all ${k} rows built at once (no RPC)`, value: plain.firstScreenMs },
          ratio: ui.fullListMs / plain.firstScreenMs,
          note: `fetching and parsing all ${k} summaries in pages of 25k`,
        },
        {
          name: `exchange list scroll to the end, p95 frame (${k})`,
          value: ui.scroll.p95Ms,
          unit: 'ms',
          baseline: { name: 'plain DOM scroll, p95 frame', value: plain.scroll.p95Ms },
          ratio: ui.scroll.p95Ms / plain.scroll.p95Ms,
          note: `${ui.scroll.frames} frames of large strides, mean ${ui.scroll.meanMs.toFixed(1)} ms, max ${ui.scroll.maxMs.toFixed(1)} ms (plain mean ${plain.scroll.meanMs.toFixed(1)} ms)`,
        },
        { name: `file.open of the ${k} synthetic capture (backend)`, value: openMs, unit: 'ms' },
      ];
      return out;
    } finally {
      await browser.close();
      await backend.stop();
      await rm(path.dirname(file), { recursive: true, force: true });
    }
  },
};

export default bench;
