/**
 * Filters over every decoded field in the real UI: the filter bar completes
 * field names and values from the registry, a filter on a ROP field gives
 * exactly the exchanges it should (ruler⇄gromox capture), the tree's context
 * menu applies, prepares and adds a field as a column, matched nodes are
 * highlighted; on a large capture the run shows its progress and can be
 * cancelled.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { writeCaptureOf, writeSyntheticCapture } from './synthetic';
import { LOGON_HANDLE, ROPS, ScriptedClient } from '../unit/session/helpers';
import { loadRuler, openUi, shot } from './ui-helpers';

let backend: RunningBackend;
test.beforeAll(async () => {
  backend = await startBackend();
  expect(await loadRuler(backend)).toBe(52);
});
test.afterAll(async () => {
  await backend?.stop();
});

interface TreeNode {
  name: string;
  value?: unknown;
  children?: TreeNode[];
}

const shownIds = async (page: Page) =>
  page
    .locator('[aria-label="Exchange list"] [role="row"]')
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));

test('a filter on decoded fields gives exactly the matching exchanges, with completion and errors by column', async ({
  page,
}) => {
  await openUi(page, backend);
  const box = page.getByRole('textbox', { name: 'Filter', exact: true });
  await expect(page.getByTestId('filter-count')).toHaveText('52 / 52');

  // Field names complete from the registry, values from the field's own names.
  await box.fill('RopOpenFolder.request.Fold');
  await expect(page.getByRole('option', { name: 'RopOpenFolder.request.FolderId', exact: true })).toBeVisible();
  await box.fill('mapi.type == Exe');
  await expect(page.getByRole('option', { name: 'Execute', exact: true })).toBeVisible();
  await box.fill('ReturnValue == ecNullObj');
  await expect(page.getByRole('option', { name: 'ecNullObject', exact: true })).toBeVisible();

  await box.fill('RopOpenFolder.request.FolderId == 1-0x0D and session == 3');
  await expect(page.getByTestId('filter-count')).toHaveText('1 / 52');
  expect(await shownIds(page)).toEqual([12]);

  await box.fill('rop == RopQueryRows');
  await expect(page.getByTestId('filter-count')).toHaveText('4 / 52');
  expect(await shownIds(page)).toEqual([8, 32, 37, 42]);

  // A bad value is reported at its column and the list is left as it was.
  await box.fill('RopOpenFolder.request.FolderId == 1-0xZZ');
  await expect(page.getByRole('alert')).toHaveText(
    /^col 35: RopOpenFolder\.request\.FolderId: "1-0xZZ" is not a folder/,
  );
  await expect(page.getByTestId('filter-count')).toHaveText('52 / 52');
});

test('the tree: apply, prepare and add a field as a column; matched nodes highlighted', async ({ page }) => {
  await openUi(page, backend);
  const box = page.getByRole('textbox', { name: 'Filter', exact: true });
  await box.fill('session == 3');
  await expect(page.getByTestId('filter-count')).toHaveText('4 / 52');
  await page.locator('[aria-label="Exchange list"] [role="row"][data-id="12"]').click();
  await expect(page.getByLabel('Exchange detail')).toContainText('#12');
  await page.getByRole('button', { name: 'Expand all' }).click();
  const tree = page.getByLabel('Decoded tree');
  const folderId = tree.locator('.trow').filter({ has: page.locator('.tname', { hasText: /^FolderId$/ }) });
  await expect(folderId).toHaveCount(1);

  // Prepare: the text goes to the filter box, the list is unchanged until Enter.
  await folderId.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Prepare as filter' }).click();
  await expect(box).toHaveValue('RopOpenFolder.request.FolderId == 1-0xD');
  await expect(page.getByTestId('filter-count')).toHaveText('4 / 52');
  await box.press('Enter');
  await expect(page.getByTestId('filter-count')).toHaveText('13 / 52');
  expect(await shownIds(page)).toEqual([3, 7, 12, 19, 24, 25, 30, 36, 41, 46, 47, 50, 51]);
  // The node the filter matched is highlighted.
  await expect(folderId).toHaveClass(/matched/);

  // Apply: at once.
  const logonId = tree.locator('.trow').filter({ has: page.locator('.tname', { hasText: /^LogonId$/ }) });
  await logonId.first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Apply as filter' }).click();
  await expect(box).toHaveValue('RopOpenFolder.request.LogonId == 12');
  await expect(page.getByTestId('filter-count')).toHaveText('13 / 52');

  // Add as column: the field's value in each row.
  await folderId.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Add as column' }).click();
  const header = page.locator('[role="columnheader"][data-field="RopOpenFolder.request.FolderId"]');
  await expect(header).toBeVisible();
  const cell = page.locator('[aria-label="Exchange list"] [role="row"][data-id="12"] .c-field');
  await expect(cell).toHaveText('1-0xD');
  await page.screenshot({ path: shot('filters') });
  await header.getByRole('button', { name: /Remove column/ }).click();
  await expect(header).toHaveCount(0);
});

test('a filter on HTTP fields highlights the header and status nodes of the HTTP head tree', async ({ page }) => {
  await openUi(page, backend);
  const decoded = await backend.rpc<{ http: { request: TreeNode; response: TreeNode } }>('exchanges.decode', {
    id: 12,
  });
  const reqHeaders = decoded.http.request.children!.find((c) => c.name === 'Headers')!.children!;
  const typeAt = reqHeaders.findIndex((h) => h.name.toLowerCase() === 'x-requesttype');
  expect(reqHeaders[typeAt]!.value).toBe('Execute');
  const box = page.getByRole('textbox', { name: 'Filter', exact: true });
  await box.fill('http.header["x-requesttype"] == "Execute" and http.status == 200 and session == 3');
  await expect(page.getByTestId('filter-count')).toHaveText('2 / 52');
  expect(await shownIds(page)).toEqual([11, 12]);
  await page.locator('[aria-label="Exchange list"] [role="row"][data-id="12"]').click();
  await expect(page.getByLabel('Exchange detail')).toContainText('#12');
  const head = page.getByLabel('HTTP head');
  // The request side: its X-RequestType header is the match; the body's tree is apart.
  const typeRow = head.locator(`[data-path="h.1.${typeAt}"]`);
  await expect(typeRow.locator('.tname')).toHaveText(reqHeaders[typeAt]!.name);
  await expect(typeRow).toHaveClass(/matched/);
  await expect(head.locator('.trow.matched')).toHaveCount(1);
  // The response side: the status code and its own X-RequestType header.
  await page.getByRole('button', { name: 'Response', exact: true }).click();
  const status = head.locator('[data-path="h.0.1"]');
  await expect(status.locator('.tname')).toHaveText('StatusCode');
  await expect(status).toHaveClass(/matched/);
  const respHeaders = decoded.http.response.children!.find((c) => c.name === 'Headers')!.children!;
  const respTypeAt = respHeaders.findIndex((h) => h.name.toLowerCase() === 'x-requesttype');
  await expect(head.locator(`[data-path="h.1.${respTypeAt}"]`)).toHaveClass(/matched/);
  await expect(head.locator('.trow.matched')).toHaveCount(2);
  // A header node prepares its own filter.
  await status.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Prepare as filter' }).click();
  await expect(box).toHaveValue('http.status == 200');
});

test('named properties are shown and filtered by the names the session mapped', async ({ page }) => {
  const c = new ScriptedClient();
  c.connect();
  c.execute(ROPS.logonReq, [0xffffffff], ROPS.logonResp, [LOGON_HANDLE]);
  // RopGetPropertyIdsFromNames: PS_PUBLIC_STRINGS "Keywords" → 0x8001.
  const keywords = '01 29030200 0000 0000 C000 000000000046 12 4B00650079007700 6F00720064007300 0000';
  c.execute(`56 00 00 02 0100 ${keywords}`, [LOGON_HANDLE], '56 00 00000000 0100 0180', [LOGON_HANDLE]);
  // RopGetPropertiesSpecific of 0x8001001F: "Ke".
  c.execute('07 00 00 0000 0100 0100 1F000180', [LOGON_HANDLE], '07 00 00000000 00 4B00650000 00', [LOGON_HANDLE]);
  const file = await writeCaptureOf(c.exchanges, 'named-properties');
  const own = await startBackend();
  try {
    await openUi(page, own);
    await own.rpc('file.open', { path: file });
    await expect(page.getByTestId('exchange-count')).toHaveText('4 exchanges');
    const box = page.getByRole('textbox', { name: 'Filter', exact: true });
    await box.fill('prop.PidNameKeywords == "Ke"');
    await expect(page.getByTestId('filter-count')).toHaveText('1 / 4');
    expect(await shownIds(page)).toEqual([4]);
    await page.locator('[aria-label="Exchange list"] [role="row"][data-id="4"]').click();
    await expect(page.getByLabel('Exchange detail')).toContainText('#4');
    const tree = page.getByLabel('Decoded tree');
    await page.getByRole('button', { name: 'Expand all' }).click();
    // The requested tag: the name, the tag as sent beside it.
    const tag = tree.locator('.trow').filter({ has: page.locator('.tval', { hasText: /^PidNameKeywords$/ }) });
    await expect(tag).toHaveCount(1);
    await expect(tag.locator('.tsub')).toHaveText('0x8001001F (PtypString)');
    await page.getByRole('button', { name: 'Response', exact: true }).click();
    await page.getByRole('button', { name: 'Expand all' }).click();
    // The row's column: named, highlighted by the filter, and its filter text uses the name.
    const column = tree.locator('.trow').filter({ has: page.locator('.tname', { hasText: /^PidNameKeywords$/ }) });
    await expect(column).toHaveCount(1);
    await expect(column.locator('.tsub')).toHaveText('0x8001001F');
    await expect(column.locator('.tval')).toHaveText('"Ke"');
    await expect(column).toHaveClass(/matched/);
    await column.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Prepare as filter' }).click();
    await expect(box).toHaveValue('prop.PidNameKeywords == "Ke"');
    await page.screenshot({ path: shot('named-properties') });
  } finally {
    await own.stop();
    await rm(path.dirname(file), { recursive: true, force: true });
  }
});

test('a large capture: the run shows its progress and can be cancelled, then answers exactly', async ({ page }) => {
  test.setTimeout(240_000);
  const N = 20_000;
  const big = await startBackend();
  const file = await writeSyntheticCapture(N);
  try {
    await openUi(page, big);
    const box = page.getByRole('textbox', { name: 'Filter', exact: true });
    await big.rpc('file.open', { path: file });
    // Right after the open, the session pass is still running: the filter waits for it, with progress.
    await box.fill('http.response.header["X-ResponseCode"] == 10');
    const progress = page.getByRole('status', { name: 'Filtering' });
    await expect(progress).toBeVisible();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect(progress).toHaveCount(0);
    await expect(page.getByTestId('exchange-count')).toHaveText(`${N} exchanges`, { timeout: 60_000 });
    await expect(page.getByTestId('filter-count')).toHaveText(`${N} / ${N}`);
    // Again, to the end: every 997th exchange answered X-ResponseCode 10.
    await box.fill('http.response.header["X-ResponseCode"] == 10 ');
    await expect(page.getByTestId('filter-count')).toHaveText(`${Math.floor(N / 997)} / ${N}`, {
      timeout: 180_000,
    });
    const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
    await expect(rows.nth(0)).toHaveAttribute('data-id', '997');
    await expect(rows.nth(1)).toHaveAttribute('data-id', '1994');
  } finally {
    await big.stop();
    await rm(path.dirname(file), { recursive: true, force: true });
  }
});
