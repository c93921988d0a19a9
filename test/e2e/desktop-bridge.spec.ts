/**
 * The desktop code path in Chromium: a stand-in for the Electron preload
 * bridge (`window.mapiscope`, same interface; invoke and events go to the real
 * backend) lets the menu commands of electron/main/menu.ts run end to end —
 * File → Open/Import with the "native" open dialog, Save and Export to the
 * path the save dialog returns, View and Help.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { GROMOX_RULER, shot } from './ui-helpers';

let backend: RunningBackend;
let dir: string;
test.beforeAll(async () => {
  backend = await startBackend();
  dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-desktop-'));
});
test.afterAll(async () => {
  await backend?.stop();
});

declare global {
  interface Window {
    __menu?: (action: string) => void;
    __nextOpen?: string;
    __nextSave?: string;
    __dialogs: { kind: string; name?: string; op: 'open' | 'save' }[];
  }
}

/** Installs the stand-in bridge before the renderer loads. */
async function withBridge(page: Page): Promise<void> {
  await page.addInitScript(
    ({ origin, token }) => {
      window.__dialogs = [];
      window.mapiscope = {
        platform: 'linux',
        async invoke(method: string, params: unknown) {
          const r = await fetch(`${origin}/api/rpc/${method}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(params ?? {}),
          });
          const body = await r.json();
          if (!r.ok) throw new Error(body.message ?? `HTTP ${r.status}`);
          return body;
        },
        onEvent(listener) {
          const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events?token=${token}`);
          ws.onmessage = (m) => listener(JSON.parse(String(m.data)));
          return () => ws.close();
        },
        async openFile(kind) {
          window.__dialogs.push({ kind, op: 'open' });
          return window.__nextOpen;
        },
        async saveFile(kind, name) {
          window.__dialogs.push({ kind, name, op: 'save' });
          return window.__nextSave;
        },
        onMenu(listener) {
          window.__menu = listener;
          return () => {
            delete window.__menu;
          };
        },
      };
    },
    { origin: backend.origin, token: backend.token },
  );
}

const menu = (page: Page, action: string) => page.evaluate((a) => window.__menu!(a), action);

test('menu commands through the desktop bridge: open, view, help, save and export to the dialog’s path', async ({
  page,
}) => {
  await withBridge(page);
  await page.goto(backend.origin + '/');
  await expect(page.getByTestId('backend-state')).toHaveText(/Connected \(desktop bridge\)/);
  await expect.poll(() => page.evaluate(() => typeof window.__menu)).toBe('function');

  // File → Open Capture…: the open dialog, then file.open with its path.
  await page.evaluate((p) => (window.__nextOpen = p), GROMOX_RULER);
  await menu(page, 'file.open');
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');

  // View and Help.
  await menu(page, 'view.sessions');
  await expect(page.getByRole('tab', { name: 'Sessions' })).toHaveAttribute('aria-selected', 'true');
  await menu(page, 'view.diagnoses');
  await expect(page.getByRole('tab', { name: 'Diagnoses' })).toHaveAttribute('aria-selected', 'true');
  await menu(page, 'view.replay');
  await expect(page.getByRole('tab', { name: 'Replay' })).toHaveAttribute('aria-selected', 'true');
  await menu(page, 'view.exchanges');
  await expect(page.getByRole('tab', { name: 'Exchanges' })).toHaveAttribute('aria-selected', 'true');
  const theme = await page.locator('html').getAttribute('data-theme');
  await menu(page, 'view.toggleTheme');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme ?? '');
  // View → Reset Column Widths: a widened column goes back to its default width.
  const typeHeader = page.locator('.xrow.header [role="columnheader"][data-col="type"]');
  const typeWidth = async () => Math.round((await typeHeader.boundingBox())!.width);
  const defaultWidth = await typeWidth();
  await page.getByRole('separator', { name: 'Resize column Type' }).focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(typeWidth).toBe(defaultWidth + 50);
  await menu(page, 'view.resetColumnWidths');
  await expect.poll(typeWidth).toBe(defaultWidth);
  await menu(page, 'help.shortcuts');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.screenshot({ path: shot('help-light') });
  await page.keyboard.press('Escape');
  await menu(page, 'help.about');
  await expect(page.getByRole('dialog', { name: 'About MapiScope' })).toContainText('MapiScope v');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // File → Export HAR / SAZ / JSON and Save Capture As: the save dialog's path, written by the backend.
  for (const [action, file] of [
    ['export.har', 'out.har'],
    ['export.saz', 'out.saz'],
    ['export.json', 'out.json'],
    ['file.saveAs', 'out.mscap'],
  ] as const) {
    const target = path.join(dir, file);
    await page.evaluate((p) => (window.__nextSave = p), target);
    await menu(page, action);
    await expect.poll(() => existsSync(target), { timeout: 15_000 }).toBe(true);
  }
  const har = JSON.parse(await readFile(path.join(dir, 'out.har'), 'utf8')) as { log: { entries: unknown[] } };
  expect(har.log.entries).toHaveLength(52);
  expect(JSON.stringify(har)).not.toContain('alx6iclbe2u0lap2b7qdten0stcd00sb'); // redacted by default
  const dialogs = await page.evaluate(() => window.__dialogs);
  expect(dialogs.filter((d) => d.op === 'save').map((d) => d.kind)).toEqual(['har', 'saz', 'json', 'capture']);
  expect(dialogs.find((d) => d.kind === 'har')!.name).toMatch(/\.har$/);

  // A cancelled dialog does nothing.
  await page.evaluate(() => {
    delete window.__nextOpen;
  });
  await menu(page, 'file.import');
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');

  // File → Import the exported HAR: the same 52 exchanges.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('exchange-count')).toHaveText('0 exchanges');
  await page.evaluate((p) => (window.__nextOpen = p), path.join(dir, 'out.har'));
  await menu(page, 'file.import');
  await expect(page.getByTestId('exchange-count')).toHaveText('52 exchanges');
});
