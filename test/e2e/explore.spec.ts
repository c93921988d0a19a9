/**
 * The ruler⇄gromox capture in the real UI: load, filter, select an Execute,
 * expand the tree, and check that the highlighted hex bytes are exactly the
 * selected node's bytes; then the Sessions timeline and the Diagnoses panel
 * lead back to exchanges. Screenshots of each view.
 */
import { expect, test } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { loadRuler, openUi, shot } from './ui-helpers';

interface Node {
  name: string;
  offset: number;
  length: number;
  buffer?: string;
  children?: Node[];
}
interface Part {
  tree: Node;
  buffers: Record<string, string>;
}

let backend: RunningBackend;
let total = 0;
test.beforeAll(async () => {
  backend = await startBackend();
  total = await loadRuler(backend);
});
test.afterAll(async () => {
  await backend?.stop();
});

/**
 * A small node (2…48 bytes, not at offset 0) at least three levels down, near
 * the top of the tree when only its ancestors are open, with its effective buffer.
 */
function pickNode(root: Node): { path: string; node: Node; buffer: string } | undefined {
  let found: { path: string; node: Node; buffer: string } | undefined;
  const rec = (n: Node, path: string, depth: number, buf: string, index: number) => {
    if (found || index > 20) return;
    const b = n.buffer ?? buf;
    if (depth >= 3 && n.length >= 2 && n.length <= 48 && n.offset > 0) {
      found = { path, node: n, buffer: b };
      return;
    }
    n.children?.forEach((c, i) => rec(c, `${path}.${i}`, depth + 1, b, index + i + 1));
  };
  rec(root, '0', 0, root.buffer ?? 'body', 0);
  return found;
}

test('load the ruler⇄gromox capture, filter, select an Execute, and the hex highlight is exactly the node’s bytes', async ({
  page,
}) => {
  expect(total).toBe(52);
  await openUi(page, backend);
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');

  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill('type:Execute');
  const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
  await expect(page.getByTestId('filter-count')).toContainText(/\d+/);
  const shownTypes = await rows.locator('.c-type').allTextContents();
  expect(shownTypes.length).toBeGreaterThan(5);
  expect(new Set(shownTypes)).toEqual(new Set(['Execute']));

  await rows.first().click();
  const id = Number(await rows.first().getAttribute('data-id'));
  await expect(page.getByLabel('Exchange detail')).toContainText(`#${id}`);

  // The request tree: collapse, then expand two levels by hand.
  const decoded = await backend.rpc<{ request: Part }>('exchanges.decode', { id });
  const target = pickNode(decoded.request.tree);
  expect(target, 'a small node two levels down').toBeDefined();
  const tree = page.getByLabel('Decoded tree');
  await page.getByRole('button', { name: 'Collapse' }).click();
  // Collapsed: the root and its children only.
  await expect(tree.locator('[data-path]')).toHaveCount(1 + (decoded.request.tree.children?.length ?? 0));
  // Open each further ancestor by its twisty, from the root down.
  const parts = target!.path.split('.');
  for (let k = 2; k < parts.length; k++) {
    const anc = parts.slice(0, k).join('.');
    const child = tree.locator(`[data-path="${parts.slice(0, k + 1).join('.')}"]`);
    await expect(child).toHaveCount(0);
    await tree.locator(`[data-path="${anc}"] .twist`).click();
    await expect(child).toBeVisible();
  }
  const row = tree.locator(`[data-path="${target!.path}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.tname')).toHaveText(target!.node.name);
  await row.click();
  await expect(row).toHaveClass(/selected/);

  const buf = Buffer.from(decoded.request.buffers[target!.buffer]!, 'base64');
  const want = [...buf.subarray(target!.node.offset, target!.node.offset + target!.node.length)].map((b) =>
    b.toString(16).padStart(2, '0'),
  );
  const hex = page.getByLabel(`Hex view of ${target!.buffer}`);
  await expect(hex.locator('.hbytes span.hl').first()).toBeVisible();
  const got = await hex.locator('.hbytes span.hl').allTextContents();
  expect(got).toEqual(want);
  const offsets = await hex
    .locator('.hbytes span.hl')
    .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.offset)));
  expect(offsets[0]).toBe(target!.node.offset);
  expect(offsets.at(-1)).toBe(target!.node.offset + target!.node.length - 1);

  // Clicking a byte selects the deepest node holding it.
  await hex.locator(`.hbytes span[data-offset="${target!.node.offset}"]`).click();
  await expect(tree.locator('.trow.selected')).toHaveCount(1);
  await page.screenshot({ path: shot('exchanges') });
});

test('multi-select with Ctrl and Shift click', async ({ page }) => {
  await openUi(page, backend);
  const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
  await expect(rows.first()).toBeVisible();
  await rows.nth(1).click();
  await rows.nth(4).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('4 selected');
  await rows.nth(8).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selected-count')).toHaveText('5 selected');
  await rows.nth(8).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selected-count')).toHaveText('4 selected');
  await expect(page.locator('[aria-label="Exchange list"] [role="row"][aria-selected="true"]')).toHaveCount(4);
  await rows.nth(2).click();
  await expect(page.getByTestId('selected-count')).toHaveCount(0);
});

test('the Sessions timeline shows a lane per session; zoom, pan and click through to the exchange', async ({
  page,
}) => {
  const sessions = await backend.rpc<{ total: number }>('sessions.list', {});
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const view = page.getByLabel('Sessions timeline');
  await expect(view.locator('.tl-label')).toHaveCount(sessions.total);
  await expect(view.locator('.tl-label').first()).toContainText('Session 1');
  const items = view.locator('.tl-item');
  await expect(items.first()).toBeVisible();
  // Every exchange is drawn, alone or inside a cluster box (too dense at this scale).
  const drawn = async () =>
    (
      await items.evaluateAll((els) =>
        els.map((e) => 1 + Number(/and (\d+) more/.exec(e.getAttribute('title') ?? '')?.[1] ?? 0)),
      )
    ).reduce((a, b) => a + b, 0);
  expect(await drawn()).toBe(total);
  await page.screenshot({ path: shot('sessions') });

  // The window's width in time, as the toolbar states it.
  const across = async () => {
    const m = /· ([\d.]+) (ms|s) across/.exec((await view.locator('.tl-tools .hint').textContent()) ?? '');
    return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  };
  const a0 = await across();
  const firstX = (await items.first().boundingBox())!.x;
  await view.getByRole('button', { name: 'Zoom in' }).click();
  expect(await across()).toBeLessThan(a0);
  await view.getByRole('button', { name: 'Fit' }).click();
  expect(await across()).toBe(a0);
  // The wheel zooms about the pointer: over session 1, its Executes come apart.
  const track = view.locator('.tl-track');
  const box = (await track.boundingBox())!;
  await page.mouse.move(firstX + 2, box.y + 20);
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -200);
  await expect.poll(across).toBeLessThan(a0 / 10);
  await expect(view.locator('.tl-item.k-execute:not(.cluster)').first()).toBeVisible();
  await page.screenshot({ path: shot('sessions-zoomed') });
  // Fit shows the whole capture again; a drag pans.
  await view.getByRole('button', { name: 'Fit' }).click();
  expect(await across()).toBe(a0);
  const left0 = await items.first().evaluate((e) => (e as HTMLElement).offsetLeft);
  await page.mouse.move(box.x + 300, box.y + 8);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + 8, { steps: 4 });
  await page.mouse.up();
  expect(await items.first().evaluate((e) => (e as HTMLElement).offsetLeft)).toBeGreaterThan(left0 + 50);
  await view.getByRole('button', { name: 'Fit' }).click();

  // Clicking an Execute opens it in the Exchanges view.
  await page.mouse.move(firstX + 2, box.y + 20);
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -200);
  const exec = view.locator('.tl-item.k-execute:not(.cluster)').first();
  await expect(exec).toBeVisible();
  const id = await exec.getAttribute('data-id');
  await exec.click();
  await expect(page.getByRole('tab', { name: 'Exchanges' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Exchange detail')).toContainText(`#${id}`);
});

test('the Diagnoses panel lists findings by severity and links to the evidence', async ({ page }) => {
  const findings = await backend.rpc<{
    total: number;
    items: { severity: string; evidence: number[]; title: string; paths?: { exchangeId: number; path: string }[] }[];
  }>('findings.list', {});
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Diagnoses' }).click();
  const view = page.getByLabel('Diagnoses');
  await expect(view.locator('.finding')).toHaveCount(findings.total);
  const first = findings.items.find((f) => f.evidence.length > 0)!;
  const card = view.locator('.finding', { hasText: first.title }).first();
  await expect(card.locator('.cause')).not.toBeEmpty();
  await expect(card.locator('.fix')).toContainText('Fix:');
  await page.screenshot({ path: shot('diagnoses') });
  await card.getByRole('button', { name: `#${first.evidence[0]}`, exact: true }).click();
  await expect(page.getByLabel('Exchange detail')).toContainText(`#${first.evidence[0]}`);
  // The finding's tree path is selected in the decoded tree, its bytes highlighted.
  const at = first.paths?.find((p) => p.exchangeId === first.evidence[0]);
  if (at) {
    await expect(page.getByLabel('Decoded tree').locator('.trow.selected .tname')).toHaveText(
      at.path.split('/').at(-1)!,
    );
    await expect(page.locator('.hex .hbytes span.hl').first()).toBeVisible();
  }
  // The list marks rows that are evidence of a finding.
  const row = page.locator(`[aria-label="Exchange list"] [role="row"][data-id="${first.evidence[0]}"]`);
  await expect(row.locator('.c-sev')).not.toHaveText('');
});

test('the state survives a restart: view, theme, filter, sort and the list width', async ({ page }) => {
  await openUi(page, backend);
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill('type:Execute');
  await page.getByRole('columnheader', { name: /Duration/ }).click();
  const sep = page.getByRole('separator', { name: 'Resize the exchange list' });
  const box = (await sep.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 122, box.y + 200, { steps: 4 });
  await page.mouse.up();
  const width = Number(await sep.getAttribute('aria-valuenow'));
  expect(width).toBeGreaterThan(box.x + 100);
  await page.getByRole('button', { name: 'Toggle dark mode' }).click();
  await page.getByRole('tab', { name: 'Diagnoses' }).click();

  await page.reload();
  await expect(page.getByRole('tab', { name: 'Diagnoses' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByRole('tab', { name: 'Exchanges' }).click();
  await expect(page.getByRole('textbox', { name: 'Filter', exact: true })).toHaveValue('type:Execute');
  await expect(page.getByRole('columnheader', { name: /Duration/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('separator', { name: 'Resize the exchange list' })).toHaveAttribute(
    'aria-valuenow',
    String(width),
  );
  const types = await page.locator('[aria-label="Exchange list"] [role="row"] .c-type').allTextContents();
  expect(new Set(types)).toEqual(new Set(['Execute']));
});
