/**
 * Live capture through the real proxy (rows appear while it runs), the CA
 * panel and its PEM download, a replay with a network switch (its verdict),
 * and HAR export + re-import through the UI.
 */
import http from 'node:http';

/** A MAPI-like POST through the proxy from a chosen loopback source address. */
function post(
  port: number,
  type: string,
  opts: { from?: string; cookie?: string; drop?: boolean } = {},
): Promise<number | 'dropped'> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/mapi/emsmdb/?MailboxId=live@lab.test',
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
        headers: {
          'Content-Type': 'application/mapi-http',
          'X-RequestType': type,
          'X-ClientInfo': '{live}',
          ...(opts.cookie ? { Cookie: opts.cookie } : {}),
          ...(opts.drop ? { 'X-Test-Drop': '1' } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (e) => (opts.drop ? resolve('dropped') : reject(e)));
    // The client resets the connection while the answer is pending.
    if (opts.drop) setTimeout(() => req.destroy(), 300);
    req.end(Buffer.alloc(8));
  });
}
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { hasMethod, loadRuler, openUi, shot } from './ui-helpers';

let backend: RunningBackend;
test.beforeAll(async () => {
  backend = await startBackend();
});
test.afterAll(async () => {
  await backend?.rpc('capture.stop').catch(() => undefined);
  await backend?.stop();
});

/** A stand-in MAPI server: answers every request 200 with an X-ResponseCode header. */
async function upstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'Content-Type': 'application/mapi-http',
        'X-ResponseCode': '0',
        'X-RequestType': String(req.headers['x-requesttype'] ?? ''),
      });
      // A slow answer, which the test's client gives up on (a dropped connection).
      if (req.headers['x-test-drop']) setTimeout(() => res.end('PROCESSING\r\nDONE\r\n\r\n'), 1500);
      else res.end('PROCESSING\r\nDONE\r\nX-ElapsedTime: 1\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

test('capture live through the proxy: rows appear while it runs', async ({ page }) => {
  const up = await upstream();
  try {
    await openUi(page, backend);
    await page.getByLabel('Proxy port').fill('0');
    await page.getByLabel('Reverse proxy target').fill(up.url);
    await page.getByRole('button', { name: '● Start capture' }).click();
    const live = page.locator('.capture-bar .live');
    await expect(live).toContainText('reverse proxy on 127.0.0.1:');
    const port = Number(/:(\d+)/.exec((await live.textContent()) ?? '')?.[1]);
    expect(port).toBeGreaterThan(0);
    await expect(page.getByTestId('exchange-count')).toHaveText('0 exchanges');

    for (let i = 1; i <= 3; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/mapi/emsmdb/?MailboxId=live@lab.test`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/mapi-http',
          'X-RequestType': i === 1 ? 'Connect' : 'Execute',
          'X-RequestId': `{live}:${i}`,
          'X-ClientInfo': '{live}',
        },
        body: new Uint8Array(8),
      });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      await expect(page.getByTestId('exchange-count')).toHaveText(`${i} exchange${i === 1 ? '' : 's'}`);
    }
    const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0).locator('.c-type')).toHaveText('Connect');
    await expect(rows.nth(2).locator('.c-type')).toHaveText('Execute');
    await expect(page.locator('.status-bar .rec')).toContainText(`capturing on :${port}`);
    await page.screenshot({ path: shot('capture-live') });

    // The same session from another address (a network switch), then a dropped connection.
    expect(await post(port, 'Execute', { cookie: 'sid=live-session', from: '127.0.0.2' })).toBe(200);
    expect(await post(port, 'Execute', { cookie: 'sid=live-session', from: '127.0.0.2', drop: true })).toBe('dropped');
    await expect(page.getByTestId('exchange-count')).toHaveText('5 exchanges');
    await page.getByRole('tab', { name: 'Sessions' }).click();
    const view = page.getByLabel('Sessions timeline');
    // The stand-in server's Connect body is not a real one, so the session model reports it failed and
    // follows the Executes as sessions seen mid-way (one per source address); the drop is marked.
    const { total } = await backend.rpc<{ total: number }>('sessions.list', {});
    await expect(view.locator('.tl-label')).toHaveCount(total);
    await expect(view.locator('.tl-label').first()).toContainText('failed');
    await expect(view.locator('.tl-event[data-kind="dropped"]')).toHaveCount(1);
    await expect(view.locator('.tl-item')).toHaveCount(5);
    await page.screenshot({ path: shot('sessions-live') });
    await page.getByRole('tab', { name: 'Exchanges' }).click();
    await page.getByRole('button', { name: '■ Stop capture' }).click();
    await expect(page.getByRole('button', { name: '● Start capture' })).toBeVisible();
  } finally {
    await up.close();
  }
});

test('the CA panel shows the certificate, trust instructions and downloads the PEM', async ({ page }) => {
  await openUi(page, backend);
  await page.getByRole('button', { name: 'CA…' }).click();
  const panel = page.getByRole('dialog', { name: 'Certificate authority' });
  await expect(panel.getByTestId('ca-state')).toHaveText(/valid|created/);
  await expect(panel.locator('.fp')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
  await expect(panel.locator('.trust-help')).not.toBeEmpty();
  await page.screenshot({ path: shot('ca') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export PEM…' }).click(),
  ]);
  const pem = await readFile(await download.path(), 'utf8');
  expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('replay a session with a network switch and read the verdict', async ({ page }) => {
  await loadRuler(backend);
  // Progress comes as replay-progress events: replay.status is asked at most once (after a reconnect),
  // and the report once, when the run ends.
  const rpcCalls = { status: 0, report: 0 };
  await page.route('**/api/rpc/replay.status', (route) => {
    rpcCalls.status++;
    return route.continue();
  });
  await page.route('**/api/rpc/replay.report', (route) => {
    rpcCalls.report++;
    return route.continue();
  });
  let sockets = 0;
  page.on('websocket', (ws) => {
    if (ws.url().includes('/api/events')) sockets++;
  });
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Replay' }).click();
  const view = page.getByLabel('Replay', { exact: true });
  const session = view.getByLabel('Session to replay');
  await expect(session.locator('option')).toHaveCount(11);
  await session.selectOption('2');
  await view.getByRole('button', { name: '+ address' }).click();
  await view.getByRole('button', { name: '+ drop' }).click();
  const steps = view.getByTestId('plan-step');
  await expect(steps).toHaveCount(2);
  await steps.nth(1).getByLabel('At exchange').fill('4');
  await expect(view.getByTestId('plan-text')).toHaveText('address:127.0.0.2@2,drop@4');
  await view.getByRole('button', { name: '▶ Run replay' }).click();
  await expect(view.getByTestId('replay-state')).toHaveText('done', { timeout: 30_000 });
  const verdicts = view.getByTestId('verdict');
  await expect(verdicts).toHaveCount(2);
  await expect(verdicts.nth(0)).toContainText('address:127.0.0.2@2');
  await expect(verdicts.nth(0).getByTestId('verdict-name')).toHaveText('context-kept');
  await expect(verdicts.nth(1).getByTestId('verdict-name')).toHaveText(
    /context-kept|context-reestablished|context-lost|sequence-rejected-recovered|failure/,
  );
  await expect(view.getByTestId('replay-summary')).toContainText('replayed');
  // The old panel polled every 250 ms from the start of a run; now only an event-channel reconnect asks.
  expect(sockets).toBeGreaterThanOrEqual(1);
  expect(rpcCalls.status).toBeLessThanOrEqual(sockets - 1);
  expect(rpcCalls.report).toBe(1);
  // The per-exchange table; a row opens its diff.
  const table = view.getByTestId('replay-exchanges');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await table.locator('tbody tr').nth(1).click();
  await expect(table.locator('.rp-diff')).toHaveCount(1);
  await page.screenshot({ path: shot('replay') });
});

test('replay against a server: the mailbox changes are listed and refused until allowed', async ({ page }) => {
  await loadRuler(backend);
  // A plain server (not the simulator): it counts what reaches it.
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'X-ResponseCode': '0' }).end('PROCESSING\r\nDONE\r\n\r\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await openUi(page, backend);
    await page.getByRole('tab', { name: 'Replay' }).click();
    const view = page.getByLabel('Replay', { exact: true });
    // Session 6 of the ruler capture: #26 creates a folder and sets a property on it.
    await view.getByLabel('Session to replay').selectOption('6');
    const allow = view.getByRole('switch', { name: 'Allow changes to the mailbox' });
    await expect(allow).toHaveCount(0); // the simulator needs no switch
    await view.getByRole('radio', { name: /Server/ }).check();
    await view.getByLabel('Target URL').fill(url);
    await expect(allow).not.toBeChecked();
    await expect(view.getByTestId('replay-change')).toHaveText(['#26 RopCreateFolder, RopSetProperties']);
    await expect(view.getByTestId('replay-changes')).toContainText('refused until you allow it');
    await view.getByRole('button', { name: '▶ Run replay' }).click();
    await expect(view.getByRole('alert')).toContainText(
      '1 captured request(s) change the mailbox (#26 RopCreateFolder, RopSetProperties)',
    );
    expect(hits).toBe(0);
    await page.screenshot({ path: shot('replay-changes') });
    // Allowed: the run starts and reaches the server.
    await allow.check();
    await view.getByRole('button', { name: '▶ Run replay' }).click();
    await expect(view.getByTestId('replay-state')).toHaveText(/done|failed/, { timeout: 30_000 });
    expect(hits).toBeGreaterThan(0);
    // A session without changes says so; a new session starts with the switch off.
    await view.getByLabel('Session to replay').selectOption('1');
    await expect(view.getByTestId('replay-changes')).toContainText('No captured request of this session changes');
    await expect(allow).not.toBeChecked();
    await view.getByRole('radio', { name: /Built-in Exchange simulator/ }).check();
    await expect(allow).toHaveCount(0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('export a HAR (redacted) and import it again', async ({ page }) => {
  test.skip(
    !(await hasMethod(backend, 'file.export', { format: 'har', redact: true })),
    'the backend has no file.export RPC method yet',
  );
  const n = await loadRuler(backend);
  await openUi(page, backend);
  await expect(page.getByTestId('exchange-count')).toHaveText(`${n} exchanges`);
  await page.getByLabel('Export format').selectOption('har');
  await expect(page.getByLabel('Redact')).toBeChecked();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export…' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.har$/);
  const file = await download.path();
  const har = JSON.parse(await readFile(file, 'utf8')) as { log: { entries: unknown[] } };
  expect(har.log.entries).toHaveLength(n);
  expect(JSON.stringify(har)).not.toContain('alx6iclbe2u0lap2b7qdten0stcd00sb');

  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('exchange-count')).toHaveText('0 exchanges');
  await page
    .getByLabel('Open file')
    .setInputFiles({ name: 'export.har', mimeType: 'application/json', buffer: await readFile(file) });
  await expect(page.getByTestId('exchange-count')).toHaveText(`${n} exchanges`);
  const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
  await expect(rows.first().locator('.c-type')).toHaveText('Connect');
});

test('export only the selected exchanges as decoded JSON; save the capture and open it again', async ({ page }) => {
  test.skip(
    !(await hasMethod(backend, 'file.export', { format: 'json', ids: [] })),
    'the backend has no file.export RPC method yet',
  );
  const n = await loadRuler(backend);
  await openUi(page, backend);
  const rows = page.locator('[aria-label="Exchange list"] [role="row"]');
  await rows.nth(1).click();
  await rows.nth(3).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
  await page.getByLabel('Export format').selectOption('json');
  await page.getByLabel('3 selected').check();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export…' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.decoded\.json$/);
  const decoded = JSON.parse(await readFile(await download.path(), 'utf8')) as { id: number; requestType?: string }[];
  expect(decoded.map((d) => d.id)).toEqual([2, 3, 4]);
  await expect(page.getByRole('status')).toContainText('Exported 3 exchange(s) as JSON');

  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save…' }).click(),
  ]);
  expect(saved.suggestedFilename()).toMatch(/\.mscap$/);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('exchange-count')).toHaveText('0 exchanges');
  await page.getByLabel('Open file').setInputFiles({
    name: 'saved.mscap',
    mimeType: 'application/octet-stream',
    buffer: await readFile(await saved.path()),
  });
  await expect(page.getByTestId('exchange-count')).toHaveText(`${n} exchanges`);
});
