/**
 * A synthetic 100k-exchange capture: the list's first screen comes quickly and
 * scrolling to the end keeps frames short (the figures are also a benchmark,
 * test/bench/ui.bench.ts).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { shot } from './ui-helpers';
import { startBackend, type RunningBackend } from './backend';
import { writeSyntheticCapture } from './synthetic';
import { measureList } from './ui-perf';

const N = 100_000;
let backend: RunningBackend;
let file: string | undefined;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  backend = await startBackend();
  file = await writeSyntheticCapture(N);
  const r = await backend.rpc<{ count: number }>('file.open', { path: file });
  expect(r.count).toBe(N);
});
test.afterAll(async () => {
  await backend?.stop();
  // The synthetic capture is about 90 MB.
  if (file) await rm(path.dirname(file), { recursive: true, force: true });
});

test('100k exchanges: the first screen renders quickly and the list scrolls to the end smoothly', async ({ page }) => {
  test.setTimeout(180_000);
  const f = await measureList(page, backend.url, N);
  test.info().annotations.push({ type: 'figures', description: JSON.stringify(f) });
  console.log(
    `100k list: first screen ${f.firstScreenMs} ms, all rows loaded ${f.fullListMs} ms, ${f.domRows} rows in the DOM, scroll mean ${f.scroll.meanMs.toFixed(1)} ms/frame, p95 ${f.scroll.p95Ms.toFixed(1)} ms, max ${f.scroll.maxMs.toFixed(1)} ms`,
  );
  // Virtualised: only a screenful (plus overscan) of rows exists.
  expect(f.domRows).toBeLessThan(80);
  // Generous bounds for a shared 2-core machine; the bench records the actual figures.
  expect(f.firstScreenMs).toBeLessThan(15_000);
  expect(f.scroll.p95Ms).toBeLessThan(200);
  expect(f.scroll.lastId).toBe(N);
  await expect(page.locator(`[aria-label="Exchange list"] [role="row"][data-id="${N}"]`)).toBeVisible();
});

test('100k exchanges in 2000 sessions: the Sessions timeline draws a bounded number of elements', async ({ page }) => {
  test.setTimeout(240_000);
  const t = Date.now();
  const { total } = await backend.rpc<{ total: number }>('sessions.list', {});
  console.log(
    `sessions.list over 100k exchanges (first call feeds the session model): ${Date.now() - t} ms, ${total} sessions`,
  );
  await page.goto(backend.url);
  await page
    .getByTestId('exchange-count')
    .filter({ hasText: `${N} exchanges` })
    .waitFor({ timeout: 120_000 });
  const t0 = Date.now();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const view = page.getByLabel('Sessions timeline');
  await expect(view.locator('.tl-label').first()).toBeVisible({ timeout: 120_000 });
  const ms = Date.now() - t0;
  const labels = await view.locator('.tl-label').count();
  const items = await view.locator('.tl-item').count();
  console.log(
    `sessions timeline (100k): first lanes after ${ms} ms, ${labels} lane labels and ${items} items in the DOM`,
  );
  expect(labels).toBeLessThan(60);
  expect(items).toBeLessThan(5000);
  await expect(view).toContainText(`${total} sessions`);
  // Scrolling to the last session draws its lane.
  await view.locator('.tl-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(view.locator('.tl-label', { hasText: `Session ${total} ` })).toBeVisible();
  await page.screenshot({ path: shot('sessions-100k') });
});
