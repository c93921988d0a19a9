/**
 * Resizable exchange-list columns on the ruler⇄gromox capture: a drag on a
 * header's right edge resizes the header cell and every row's cell alike,
 * without toggling the sort and without touching the rows' DOM; the width
 * survives a reload; the handle works from the keyboard; a double-click and
 * the help overlay's "Reset column widths" bring the defaults back.
 */
import { expect, test, type Page } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { loadRuler, openUi } from './ui-helpers';

let backend: RunningBackend;
test.beforeAll(async () => {
  backend = await startBackend();
  expect(await loadRuler(backend)).toBe(52);
});
test.afterAll(async () => {
  await backend?.stop();
});

const TYPE_DEFAULT = 112;
const TYPE_MIN = 48;

const rows = (page: Page) => page.locator('[aria-label="Exchange list"] [role="row"]');
const header = (page: Page, col: string) => page.locator(`.xrow.header [role="columnheader"][data-col="${col}"]`);
const handle = (page: Page, name: string) => page.getByRole('separator', { name: `Resize column ${name}` });
const width = async (l: ReturnType<Page['locator']>) => (await l.boundingBox())!.width;

async function open(page: Page): Promise<void> {
  await openUi(page, backend);
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');
  await expect(rows(page).first()).toBeVisible();
}

/** Presses on the middle of a handle, moves by dx in steps and releases. */
async function drag(page: Page, name: string, dx: number): Promise<void> {
  const box = (await handle(page, name).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) await page.mouse.move(x + (dx * i) / 5, y);
  await page.mouse.up();
}

async function ids(page: Page): Promise<number[]> {
  return rows(page).evaluateAll((els) => els.slice(0, 10).map((e) => Number(e.getAttribute('data-id'))));
}

test('dragging a column edge resizes the header and row cells alike, keeps the sort, and survives a reload', async ({
  page,
}) => {
  await open(page);
  const typeHeader = header(page, 'type');
  const typeCell = rows(page).first().locator('.c-type');
  expect(await width(typeHeader)).toBeCloseTo(TYPE_DEFAULT, 0);
  expect(await width(typeCell)).toBeCloseTo(TYPE_DEFAULT, 0);
  const sortBefore = await typeHeader.getAttribute('aria-sort');
  const idSort = await header(page, 'id').getAttribute('aria-sort');
  const order = await ids(page);

  // Watch the list while resizing: the rows' DOM must stay as it is.
  await page.evaluate(() => {
    const list = document.querySelector('[aria-label="Exchange list"]')!;
    const w = window as unknown as { __rowMutations: number; __rowObserver: MutationObserver };
    w.__rowMutations = 0;
    w.__rowObserver = new MutationObserver((m) => (w.__rowMutations += m.length));
    w.__rowObserver.observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
  });

  // Widen by 70 px; the release is over the header row (the next cells), so a click would land there.
  await drag(page, 'Type', 70);
  const wide = TYPE_DEFAULT + 70;
  await expect(handle(page, 'Type')).toHaveAttribute('aria-valuenow', String(wide));
  expect(Math.abs((await width(typeHeader)) - wide)).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(typeCell)) - wide)).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(typeCell)) - (await width(typeHeader)))).toBeLessThanOrEqual(1);
  // The columns after it moved right with it: header and rows still line up.
  const hdrHttp = (await header(page, 'status').boundingBox())!;
  const rowHttp = (await rows(page).first().locator('.c-status').boundingBox())!;
  expect(Math.abs(hdrHttp.x - rowHttp.x)).toBeLessThanOrEqual(1);

  // Shrink by 30 px, released inside the Type header itself: still no sort toggle.
  await drag(page, 'Type', -30);
  const final = wide - 30;
  expect(Math.abs((await width(typeHeader)) - final)).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(typeCell)) - final)).toBeLessThanOrEqual(1);
  expect(await page.evaluate(() => (window as unknown as { __rowMutations: number }).__rowMutations)).toBe(0);
  await expect(typeHeader).toHaveAttribute('aria-sort', sortBefore ?? 'none');
  await expect(header(page, 'id')).toHaveAttribute('aria-sort', idSort ?? 'ascending');
  expect(await ids(page)).toEqual(order);

  // A click on the header still sorts (and a second one reverses).
  await typeHeader.locator('.xh-label').click();
  await expect(typeHeader).toHaveAttribute('aria-sort', 'ascending');
  await typeHeader.locator('.xh-label').click();
  await expect(typeHeader).toHaveAttribute('aria-sort', 'descending');
  await header(page, 'id').locator('.xh-label').click();
  await expect(header(page, 'id')).toHaveAttribute('aria-sort', 'ascending');

  // The ROPs / URL column can be widened past the pane: the list scrolls sideways, the header follows.
  await drag(page, 'ROPs / URL', 600);
  const list = page.getByRole('grid', { name: 'Exchange list' });
  await list.evaluate((el) => (el.scrollLeft = 200));
  await expect
    .poll(async () => {
      const h = (await header(page, 'rops').boundingBox())!;
      const r = (await rows(page).first().locator('.c-rops').boundingBox())!;
      return Math.abs(h.x - r.x) + Math.abs(h.width - r.width);
    })
    .toBeLessThanOrEqual(1);
  await list.evaluate((el) => (el.scrollLeft = 0));

  // Persisted like the theme and pane sizes: a reload shows the same widths.
  await page.reload();
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');
  await expect(handle(page, 'Type')).toHaveAttribute('aria-valuenow', String(final));
  expect(Math.abs((await width(header(page, 'type'))) - final)).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(rows(page).first().locator('.c-type'))) - final)).toBeLessThanOrEqual(1);
});

test('the resize handle works from the keyboard and clamps at the column minimum', async ({ page }) => {
  await open(page);
  const h = handle(page, 'Session');
  await expect(h).toHaveAttribute('aria-orientation', 'vertical');
  await expect(h).toHaveCSS('cursor', 'col-resize');
  await h.focus();
  await expect(h).toBeFocused();
  const start = Number(await h.getAttribute('aria-valuenow'));
  await page.keyboard.press('ArrowRight');
  await expect(h).toHaveAttribute('aria-valuenow', String(start + 10));
  await page.keyboard.press('Shift+ArrowRight');
  await expect(h).toHaveAttribute('aria-valuenow', String(start + 60));
  await page.keyboard.press('ArrowLeft');
  await expect(h).toHaveAttribute('aria-valuenow', String(start + 50));
  const cell = rows(page).first().locator('.c-sess');
  expect(Math.abs((await width(cell)) - (start + 50))).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(header(page, 'sess'))) - (start + 50))).toBeLessThanOrEqual(1);
  // Keys on the handle neither sort nor move the list's selection.
  await expect(header(page, 'sess')).toHaveAttribute('aria-sort', 'none');

  // The Type column stops at its minimum.
  const t = handle(page, 'Type');
  await t.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft');
  await expect(t).toHaveAttribute('aria-valuenow', String(TYPE_MIN));
  expect(Math.abs((await width(header(page, 'type'))) - TYPE_MIN)).toBeLessThanOrEqual(1);
});

test('double-click resets one column; "Reset column widths" in the help overlay resets all', async ({ page }) => {
  await open(page);
  await drag(page, 'Type', 50);
  await drag(page, 'Time', 40);
  await expect(handle(page, 'Type')).toHaveAttribute('aria-valuenow', String(TYPE_DEFAULT + 50));
  await expect(handle(page, 'Time')).toHaveAttribute('aria-valuenow', '132');
  const sort = await header(page, 'type').getAttribute('aria-sort');

  await handle(page, 'Type').dblclick();
  await expect(handle(page, 'Type')).toHaveAttribute('aria-valuenow', String(TYPE_DEFAULT));
  expect(Math.abs((await width(header(page, 'type'))) - TYPE_DEFAULT)).toBeLessThanOrEqual(1);
  expect(Math.abs((await width(rows(page).first().locator('.c-type'))) - TYPE_DEFAULT)).toBeLessThanOrEqual(1);
  // The double-click's clicks did not sort.
  await expect(header(page, 'type')).toHaveAttribute('aria-sort', sort ?? 'none');
  // The other column kept its width.
  await expect(handle(page, 'Time')).toHaveAttribute('aria-valuenow', '132');

  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('column header’s right edge');
  await help.getByRole('button', { name: 'Reset column widths' }).click();
  await page.keyboard.press('Escape');
  await expect(handle(page, 'Time')).toHaveAttribute('aria-valuenow', '92');
  expect(Math.abs((await width(rows(page).first().locator('.c-time'))) - 92)).toBeLessThanOrEqual(1);
  await page.reload();
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');
  await expect(handle(page, 'Time')).toHaveAttribute('aria-valuenow', '92');
  await expect(handle(page, 'Type')).toHaveAttribute('aria-valuenow', String(TYPE_DEFAULT));
});
