/**
 * The Server logs tab against the real headless backend: a capture and the
 * Exchange logs its requests left are opened; the tab shows the case summary,
 * two uPlot charts, the join (a request the server never logged, two-sided
 * findings), a library query and an SQL query in the grid; the exchange
 * detail's Server tab shows the log row joined to the selected exchange.
 * Then "Export report" (with a probe result) downloads one HTML file that
 * Chromium opens offline with every section shown and no unredacted secret.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CaptureWriter } from '../../electron/backend/store/capture-file';
import { writeLogScenario, type LogScenario } from '../unit/logs/scenario';
import { startBackend, type RunningBackend } from './backend';
import { openUi, shot } from './ui-helpers';

let backend: RunningBackend;
let dir: string;
let scenario: LogScenario;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mapiscope-e2e-logs-'));
  scenario = writeLogScenario(dir);
  const cap = path.join(dir, 'client.mscap');
  const w = await CaptureWriter.create(cap);
  for (const e of scenario.exchanges) await w.append(e);
  await w.close();
  backend = await startBackend();
  await backend.rpc('file.open', { path: cap });
});
test.afterAll(async () => {
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('open server logs next to a capture: summary, charts, join, library and SQL, exchange server rows', async ({
  page,
}) => {
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Server logs' }).click();
  await page.getByRole('textbox', { name: 'Log paths' }).fill(scenario.logs);
  await page.getByRole('button', { name: 'Open logs' }).click();
  await expect(page.getByLabel('Case summary')).toContainText('httpproxy 9 · mapimb 1 from 2 of 2 files');

  // Two charts drawn by uPlot (canvas), titled.
  await expect(page.locator('.logs-chart canvas')).toHaveCount(2);
  await expect(page.locator('.logs-chart .u-title')).toHaveText([
    'Requests and errors per minute',
    'Latency percentiles (ms)',
  ]);

  const join = page.getByLabel('Capture and logs');
  await expect(join).toContainText(`1 never logged by the server (exchanges ${scenario.ids.unlogged})`);
  await expect(join).toContainText('Time lost between the client and the front end');
  await expect(join).toContainText('Front-end rejections seen by the client as network errors');
  await expect(join).toContainText('Server failures behind the client’s reconnects');

  await page.getByRole('button', { name: 'Slowest requests with their latency breakdown' }).click();
  const grid = page.getByRole('table', { name: 'Query results' });
  await expect(grid.locator('thead th').first()).toHaveText('log_time');
  await expect(grid.locator('tbody tr').first()).toContainText('3050');

  await page
    .getByRole('textbox', { name: 'SQL' })
    .fill(`SELECT x_request_type, count(*) AS n FROM httpproxy GROUP BY 1 ORDER BY 1`);
  await page.getByRole('button', { name: 'Run SQL' }).click();
  // The row found by time has no R: part, so no request type.
  await expect(grid.locator('tbody tr')).toHaveText([/^Connect\s*2$/, /^Execute\s*5$/, /^PING\s*1$/, /^\s*1$/]);
  await page.screenshot({ path: shot('server-logs') });

  // The exchange detail's Server tab: the front-end row of the slow Execute, by X-RequestId.
  await page.getByRole('tab', { name: 'Exchanges' }).click();
  await page
    .locator('[aria-label="Exchange list"] [role="row"]')
    .nth(scenario.ids.slow - 1)
    .click();
  await page.getByRole('tab', { name: 'Server', exact: true }).click();
  const rows = page.getByLabel('Server rows');
  await expect(rows).toContainText('Matched by X-RequestId');
  await expect(rows).toContainText('HttpProxy_2026010509-1.LOG:9');
  await expect(rows.locator('tbody tr').first()).toContainText('2900');
});

test('Export report: one self-contained redacted HTML file that opens offline with every section', async ({
  page,
  browser,
}) => {
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Server logs' }).click();
  if (!(await page.getByLabel('Case summary').isVisible())) {
    await page.getByRole('textbox', { name: 'Log paths' }).fill(scenario.logs);
    await page.getByRole('button', { name: 'Open logs' }).click();
    await expect(page.getByLabel('Case summary')).toContainText('httpproxy 9');
  }
  const probe = path.join(dir, 'probe.json');
  writeFileSync(
    probe,
    JSON.stringify({
      target: 'https://mail.contoso.com',
      identity: 'CONTOSO\\alice',
      result: 'Failed',
      steps: [{ name: 'Connect (emsmdb)', result: 'failed', status: 401, error: 'HTTP 401' }],
      notes: [],
    }),
  );
  await page.getByLabel('Probe result').setInputFiles(probe);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export report' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('case-report.html');
  const file = path.join(dir, 'case-report.html');
  await download.saveAs(file);
  const html = readFileSync(file, 'utf8');
  for (const secret of ['alice', 'contoso', 'ctx1', 'ctx2']) expect(html.toLowerCase()).not.toContain(secret);

  // Offline, and any request at all is recorded (there must be none besides the file itself).
  const ctx = await browser.newContext({ offline: true });
  const requests: string[] = [];
  ctx.on('request', (r) => requests.push(r.url()));
  const report = await ctx.newPage();
  await report.goto(`file://${file}`);
  for (const [id, title] of [
    ['environment', 'Environment'],
    ['timeline', 'Sessions timeline'],
    ['findings', 'Findings'],
    ['server-logs', 'Server logs'],
    ['probe', 'Probe'],
  ])
    await expect(report.locator(`section#${id} h2`)).toHaveText(title!);
  await expect(report.getByRole('img', { name: 'Sessions timeline' })).toBeVisible();
  await expect(report.locator('section#findings')).toContainText('Server failures behind the client’s reconnects');
  await expect(report.locator('section#server-logs')).toContainText('1 request(s) the server never logged');
  await expect(report.locator('section#probe')).toContainText('Connect (emsmdb)');
  await expect(report.locator('section#timeline')).toContainText('redacted-MapiContext-1');
  const text = (await report.locator('body').innerText()).toLowerCase();
  for (const secret of ['alice', 'contoso', 'ctx1']) expect(text).not.toContain(secret);
  expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  await report.screenshot({ path: shot('case-report'), fullPage: false });
  await ctx.close();
});

test('Sessions timeline: the server’s time (front end, back end) under each exchange the logs answer, unlogged marked', async ({
  page,
}) => {
  const { ids } = scenario;
  await backend.rpc('logs.open', { paths: [scenario.logs] });
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const view = page.getByLabel('Sessions timeline');
  await expect(view.getByLabel('Legend')).toContainText('server: front end');

  // The slow Execute: 3100 ms seen by the client, 3050 ms in HttpProxy (150 front end + 2900 back end).
  const slowBox = view.locator(`.tl-item[data-id="${ids.slow}"]`);
  const slowBar = view.locator(`[data-server-for="${ids.slow}"]`);
  await expect(slowBar).toHaveAttribute(
    'title',
    new RegExp(
      `^Server #${ids.slow}: 3\\.05 s \\(front end 150 ms, back end 2\\.90 s\\) · matched by X-RequestId · .*HttpProxy_2026010509-1\\.LOG:9$`,
    ),
  );
  const box = (await slowBox.boundingBox())!;
  const bar = (await slowBar.boundingBox())!;
  expect(bar.width / box.width).toBeCloseTo(3050 / 3100, 2);
  expect(bar.x + bar.width / 2).toBeCloseTo(box.x + box.width / 2, 0);
  expect(bar.y).toBeGreaterThanOrEqual(box.y + box.height);
  const fe = (await slowBar.locator('.tl-server-fe').boundingBox())!;
  const be = (await slowBar.locator('.tl-server-be').boundingBox())!;
  expect(fe.width).toBeCloseTo((bar.width * 150) / 3050, 0);
  expect(be.width).toBeCloseTo((bar.width * 2900) / 3050, 0);
  expect(be.x).toBeCloseTo(fe.x + fe.width, 0);

  // The Execute the client waited 5 s for took the server 200 ms (50 + 150): a short bar in a long box.
  const gapBox = (await view.locator(`.tl-item[data-id="${ids.gap}"]`).boundingBox())!;
  const gapBar = view.locator(`[data-server-for="${ids.gap}"]`);
  await expect(gapBar).toHaveAttribute(
    'title',
    /: 200 ms \(front end 50 ms, back end 150 ms\) · matched by X-RequestId/,
  );
  expect((await gapBar.boundingBox())!.width / gapBox.width).toBeCloseTo(200 / 5000, 2);

  // The row found by time and mailbox (it has no R: part).
  await expect(view.locator(`[data-server-for="${ids.byTime}"]`)).toHaveAttribute('title', /matched by time and user/);

  // The request the server never logged: marked, no sub-bar.
  const unlogged = view.locator(`.tl-item[data-id="${ids.unlogged}"]`);
  await expect(unlogged).toHaveClass(/\bunlogged\b/);
  await expect(unlogged).toHaveAttribute('title', /not in the server logs/);
  await expect(view.locator(`[data-server-for="${ids.unlogged}"]`)).toHaveCount(0);
  await expect(view.locator('.tl-item.unlogged')).toHaveCount(1);
  await page.screenshot({ path: shot('sessions-server-time') });
});
