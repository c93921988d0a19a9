/**
 * The "Capture Outlook" checklist in the browser UI against a headless backend on a scratch
 * desktop (GNOME settings in a keyfile under a temporary XDG_CONFIG_HOME, NSS db under a
 * temporary HOME): each check turns green through its own fix button or the routing switch,
 * a client refusing the certificate becomes a plain message, and stopping the capture puts the
 * proxy settings back.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { openUi, shot } from './ui-helpers';

let backend: RunningBackend;
let root: string;
let env: NodeJS.ProcessEnv;

test.beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'mapiscope-checklist-'));
  for (const d of ['home', 'config', 'data']) mkdirSync(path.join(root, d));
  env = {
    ...process.env,
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    GSETTINGS_BACKEND: 'keyfile',
    MAPISCOPE_DATA_DIR: path.join(root, 'data'),
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  backend = await startBackend([], env);
});
test.afterAll(async () => {
  await backend?.rpc('capture.stop').catch(() => undefined);
  await backend?.stop();
  rmSync(root, { recursive: true, force: true });
});

const gsettings = (...args: string[]) => execFileSync('gsettings', args, { env, encoding: 'utf8' }).trim();

test('Capture Outlook: trust the CA, route with the switch, see Outlook traffic, explain a refused certificate', async ({
  page,
}) => {
  const before = gsettings('list-recursively', 'org.gnome.system.proxy');
  const mapi = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/mapi-http', 'X-ResponseCode': '0' });
    res.end('PROCESSING\r\nDONE\r\n\r\n');
  });
  await new Promise<void>((r) => mapi.listen(0, '127.0.0.1', r));
  const mapiPort = (mapi.address() as AddressInfo).port;
  try {
    await openUi(page, backend);
    await expect(page.getByTestId('routing-state')).toHaveText('Outlook not routed');

    await page.getByRole('button', { name: 'Capture Outlook…' }).click();
    const panel = page.getByRole('dialog', { name: 'Capture Outlook' });
    await expect(panel.getByTestId('check-ca')).toHaveAttribute('data-state', 'bad');
    await expect(panel.getByTestId('check-routed')).toContainText('No capture is running.');

    // Fix 1: trust the CA (the user's NSS db on Linux, under the scratch HOME).
    await panel.getByTestId('check-ca').getByRole('button', { name: 'Trust CA' }).click();
    await expect(panel.getByTestId('check-ca')).toHaveAttribute('data-state', 'ok');
    const nssdb = path.join(root, 'home', '.pki', 'nssdb');
    await expect(panel.getByTestId('checklist-message')).toHaveText(`trusted in NSS database ${nssdb}`);
    expect(execFileSync('certutil', ['-L', '-d', `sql:${nssdb}`], { encoding: 'utf8' })).toMatch(
      /MapiScope Interception CA \w+\s+C,,/,
    );

    // Fix 2: the routing switch on Start capture (off by default in a browser).
    const route = page.getByLabel('Route Outlook through MapiScope');
    await expect(route).not.toBeChecked();
    await route.check();
    await page.getByLabel('Proxy port').fill('0');
    await page.getByRole('button', { name: '● Start capture' }).click();
    await expect(page.getByTestId('routing-state')).toHaveText('Routed by PAC: autodiscover-s.outlook.com');
    await expect(panel.getByTestId('check-routed')).toHaveAttribute('data-state', 'ok');
    const port = (await backend.rpc<{ port: number }>('capture.status')).port;
    expect(gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
    expect(gsettings('get', 'org.gnome.system.proxy', 'autoconfig-url')).toBe(
      `'http://127.0.0.1:${port}/mapiscope.pac'`,
    );

    // Check 3: Outlook traffic, once a MAPI request goes through the proxy.
    await expect(panel.getByTestId('check-seen')).toHaveAttribute('data-state', 'todo');
    await new Promise<void>((resolve, reject) =>
      http
        .request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `http://127.0.0.1:${mapiPort}/mapi/emsmdb/?MailboxId=alice@contoso.test`,
            headers: { 'Content-Type': 'application/mapi-http', 'X-RequestType': 'Connect' },
          },
          (res) => res.resume().on('end', () => resolve()),
        )
        .on('error', reject)
        .end(Buffer.alloc(8)),
    );
    await expect(panel.getByTestId('check-seen')).toHaveAttribute('data-state', 'ok');
    await expect(panel.getByTestId('check-seen')).toContainText('1 MAPI/Autodiscover exchange(s)');

    // Check 4: a client without our CA (curl with no trust store) refuses the certificate.
    // (The refusal comes during the handshake with the client: the host is never contacted.)
    await new Promise((r) =>
      execFile(
        'curl',
        ['-s', '--max-time', '10', '--proxy', `http://127.0.0.1:${port}`, 'https://mail.contoso.test/'],
        { env: { ...process.env, SSL_CERT_FILE: '/dev/null', CURL_CA_BUNDLE: '' } },
        r,
      ),
    );
    await expect(panel.getByTestId('check-refusals')).toHaveAttribute('data-state', 'bad');
    await expect(panel.getByTestId('refusal')).toContainText(
      "A client (Outlook, or another program) refused MapiScope's certificate for mail.contoso.test: this computer does not trust the MapiScope CA yet.",
    );
    await page.screenshot({ path: shot('capture-outlook') });

    // Stopping the capture puts the settings back.
    await page.getByRole('button', { name: '■ Stop capture' }).click();
    await expect(page.getByTestId('routing-state')).toHaveText('Outlook not routed');
    expect(gsettings('list-recursively', 'org.gnome.system.proxy')).toBe(before);
  } finally {
    mapi.close();
  }
});
