/**
 * Capturing "Outlook" on this desktop end to end, in Debian's Chromium: `mapiscope capture
 * --system-proxy` writes the GNOME proxy settings (keyfile backend in a scratch XDG_CONFIG_HOME),
 * `mapiscope ca trust --store nss` writes Chromium's NSS database (in a scratch HOME), and
 * Chromium is started with neither proxy nor certificate flags: it reads the GNOME settings
 * itself (XDG_CURRENT_DESKTOP=GNOME), fetches MapiScope's PAC, and trusts the CA from NSS.
 * Host names resolve inside the test: --host-resolver-rules for Chromium, a lookup hook for the
 * proxy process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test } from '@playwright/test';
import { readCapture } from '../../electron/backend/store/capture-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/mapiscope.mjs');
const HOOK = path.join(ROOT, 'test/e2e/resolve-test-hosts.mjs');
const EXCHANGE_HOST = 'mail.contoso.test';
const DIRECT_HOST = 'direct.example.test';

interface Scratch {
  root: string;
  env: NodeJS.ProcessEnv;
  data: string;
  home: string;
}

function scratch(): Scratch {
  const root = mkdtempSync(path.join(tmpdir(), 'mapiscope-outlook-e2e-'));
  const home = path.join(root, 'home');
  const config = path.join(root, 'config');
  const data = path.join(root, 'data');
  for (const d of [home, config, data]) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: config,
    GSETTINGS_BACKEND: 'keyfile',
    XDG_CURRENT_DESKTOP: 'GNOME',
    MAPISCOPE_DATA_DIR: data,
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  for (const k of [
    'http_proxy',
    'https_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'all_proxy',
    'ALL_PROXY',
    'no_proxy',
    'NO_PROXY',
  ])
    delete env[k];
  return { root, env, data, home };
}

function cli(s: Scratch, ...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { env: s.env, encoding: 'utf8', timeout: 60_000 });
}

function gsettings(s: Scratch, ...args: string[]): string {
  return execFileSync('gsettings', args, { env: s.env, encoding: 'utf8' }).trim();
}

/** A certificate for the Exchange-like test host, from its own throw-away CA (trusted by MapiScope only). */
function serverCert(dir: string): { key: string; cert: string; file: string } {
  const file = path.join(dir, 'exchange.pem');
  const key = path.join(dir, 'exchange.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      file,
      '-days',
      '2',
      '-subj',
      `/CN=${EXCHANGE_HOST}`,
      '-addext',
      `subjectAltName=DNS:${EXCHANGE_HOST}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(file, 'utf8'), file };
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

function startCapture(s: Scratch, args: string[]): Promise<{ child: ChildProcess; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, BIN, 'capture', ...args], {
      env: { ...s.env, MAPISCOPE_TEST_HOSTS: `${EXCHANGE_HOST},${DIRECT_HOST}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`capture not ready: ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/routing PAC/.test(err)) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.on('exit', (c) => reject(new Error(`capture exited ${c}: ${err}`)));
  });
}

test('Chromium with the GNOME settings and NSS db MapiScope wrote: the Exchange host is captured, another host goes direct', async () => {
  test.setTimeout(120_000);
  const s = scratch();
  const servers: (http.Server | https.Server)[] = [];
  let capture: ChildProcess | undefined;
  try {
    const cert = serverCert(s.root);
    const exchangeHits: string[] = [];
    const ex = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      exchangeHits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/html', 'X-ResponseCode': '0' });
      res.end('<title>exchange</title><p id="who">Exchange-like test server</p>');
    });
    const directHits: string[] = [];
    const direct = http.createServer((req, res) => {
      directHits.push(`${req.headers.host} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<title>direct</title><p id="who">direct server</p>');
    });
    servers.push(ex, direct);
    const exPort = await listen(ex);
    const directPort = await listen(direct);
    const before = gsettings(s, 'list-recursively', 'org.gnome.system.proxy');

    const out = path.join(s.root, 'outlook.mscap');
    const cap = await startCapture(s, [
      '--system-proxy',
      '--hosts',
      EXCHANGE_HOST,
      '--port',
      '0',
      '--upstream-ca',
      cert.file,
      '--out',
      out,
    ]);
    capture = cap.child;
    const nssdb = path.join(s.home, '.pki', 'nssdb');
    expect(cli(s, 'ca', 'trust', '--store', 'nss', '--nssdb', nssdb)).toBe(`trusted in NSS database ${nssdb}\n`);
    const status = JSON.parse(cli(s, 'system-proxy', 'status', '--json')) as { pacUrl: string; ours: boolean };
    expect(status.ours).toBe(true);
    expect(gsettings(s, 'get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
    expect(gsettings(s, 'get', 'org.gnome.system.proxy', 'autoconfig-url')).toBe(`'${status.pacUrl}'`);

    // No proxy flag, no certificate flag: Chromium reads GNOME's settings and NSS db on its own.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      env: s.env,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        `--host-resolver-rules=MAP ${EXCHANGE_HOST} 127.0.0.1, MAP ${DIRECT_HOST} 127.0.0.1`,
      ],
    });
    try {
      const page = await browser.newPage();
      const r1 = await page.goto(`https://${EXCHANGE_HOST}:${exPort}/mapi/emsmdb/?MailboxId=alice@contoso.test`);
      expect(r1?.status()).toBe(200);
      await expect(page.locator('#who')).toHaveText('Exchange-like test server');
      const sec = await r1!.securityDetails();
      // The certificate Chromium accepted is MapiScope's leaf, not the server's own.
      expect(sec?.issuer).toMatch(/^MapiScope Interception CA/);
      const r2 = await page.goto(`http://${DIRECT_HOST}:${directPort}/hello`);
      expect(r2?.status()).toBe(200);
      await expect(page.locator('#who')).toHaveText('direct server');
    } finally {
      await browser.close();
    }
    // (Chromium also asks each host for /favicon.ico.)
    const pages = (hits: string[]) => hits.filter((h) => !h.endsWith('/favicon.ico'));
    expect(pages(exchangeHits)).toEqual(['/mapi/emsmdb/?MailboxId=alice@contoso.test']);
    expect(pages(directHits)).toEqual([`${DIRECT_HOST}:${directPort} /hello`]);

    capture.kill('SIGINT');
    await new Promise((r) => capture!.once('exit', r));
    expect(cap.stderr()).toMatch(/capture stopped: restored the proxy settings/);
    expect(gsettings(s, 'list-recursively', 'org.gnome.system.proxy')).toBe(before);

    const exchanges = [];
    for await (const e of readCapture(out)) exchanges.push(e);
    const origins = exchanges.map((e) => `${e.origin ?? ''} ${e.request.url}`);
    expect(origins).toContain(`https://${EXCHANGE_HOST}:${exPort} /mapi/emsmdb/?MailboxId=alice@contoso.test`);
    expect(origins.some((o) => o.includes(DIRECT_HOST))).toBe(false);
    expect(exchanges.find((e) => e.request.url.startsWith('/mapi/'))?.response?.statusCode).toBe(200);
  } finally {
    if (capture && capture.exitCode === null && capture.signalCode === null) capture.kill('SIGKILL');
    for (const srv of servers) srv.close();
    rmSync(s.root, { recursive: true, force: true });
  }
});
