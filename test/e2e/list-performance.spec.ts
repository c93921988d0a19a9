/**
 * A synthetic 100k-exchange capture: the list's first screen comes quickly and
 * scrolling to the end keeps frames short (the figures are also a benchmark,
 * test/bench/ui.bench.ts).
 */
import { expect, test } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { writeSyntheticCapture } from './synthetic';
import { measureList } from './ui-perf';

const N = 100_000;
let backend: RunningBackend;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  backend = await startBackend();
  const file = await writeSyntheticCapture(N);
  const r = await backend.rpc<{ count: number }>('file.open', { path: file });
  expect(r.count).toBe(N);
});
test.afterAll(async () => {
  await backend?.stop();
});

test('100k exchanges: the first screen renders quickly and the list scrolls to the end smoothly', async ({ page }) => {
  test.setTimeout(180_000);
  const f = await measureList(page, backend.url, N);
  test.info().annotations.push({ type: 'figures', description: JSON.stringify(f) });
  console.log(
    `100k list: first screen ${f.firstScreenMs} ms, ${f.domRows} rows in the DOM, scroll mean ${f.scroll.meanMs.toFixed(1)} ms/frame, p95 ${f.scroll.p95Ms.toFixed(1)} ms, max ${f.scroll.maxMs.toFixed(1)} ms`,
  );
  // Virtualised: only a screenful (plus overscan) of rows exists.
  expect(f.domRows).toBeLessThan(80);
  // Generous bounds for a shared 2-core machine; the bench records the actual figures.
  expect(f.firstScreenMs).toBeLessThan(15_000);
  expect(f.scroll.p95Ms).toBeLessThan(100);
  expect(f.scroll.lastId).toBe(N);
  await expect(page.locator(`[aria-label="Exchange list"] [role="row"][data-id="${N}"]`)).toBeVisible();
});
