import { expect, test } from '@playwright/test';
import { shot } from './ui-helpers';
import { startBackend, type RunningBackend } from './backend';

let backend: RunningBackend;
test.beforeAll(async () => {
  backend = await startBackend();
});
test.afterAll(async () => {
  await backend?.stop();
});

test('the UI connects to the real backend and shows its live state', async ({ page }) => {
  await page.goto(backend.url);
  await expect(page.getByTestId('backend-state')).toHaveText(/Backend: Connected \(local API\)/);
  await expect(page.getByTestId('exchange-count')).toHaveText('0 exchanges');
  await expect(page.getByText('No exchanges yet.')).toBeVisible();
  await expect(page.locator('.brand')).toHaveText(/MapiScope/);
  // The token is required: the same API without it is refused.
  const r = await fetch(`${backend.origin}/api/rpc/status`, { method: 'POST', body: '{}' });
  expect(r.status).toBe(401);
});

test('a page without the token is told it is unauthorized', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(backend.origin + '/');
  await expect(page.getByTestId('backend-state')).toHaveText(/Unauthorized|Disconnected/);
  await ctx.close();
});

test('dark mode toggles and persists', async ({ page }) => {
  await page.goto(backend.url);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Toggle dark mode' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('screenshot of the application shell', async ({ page }) => {
  await page.goto(backend.url);
  await expect(page.getByTestId('backend-state')).toHaveText(/Connected/);
  await page.screenshot({ path: shot('shell') });
});
