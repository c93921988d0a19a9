/**
 * Security checks as tests:
 *  - every listening socket this process opens for the proxy (forward, with a CONNECT that
 *    makes the library mint its per-host TLS server; reverse), the capture service and the
 *    local API is bound to 127.0.0.1 — read from /proc/net/tcp{,6} through this process's
 *    socket inodes, so no helper server on 0.0.0.0 slips through;
 *  - the API rejects requests without the token, with a wrong one, with the token not as a
 *    Bearer credential; WebSocket upgrades with a valid token but another Origin are refused;
 *    no CORS grant is ever sent;
 *  - the CA private key and the shared leaf key are mode 0600 in a 0700 folder, also after a
 *    reload of a CA whose key file was loosened (copied with a default umask);
 *  - export redacts by default (Authorization, Proxy-Authorization, Cookie, Set-Cookie, token
 *    query parameters) in HAR, SAZ and JSON, and --no-redact is the only way to keep them.
 * The hardened Electron window (contextIsolation, sandbox, no nodeIntegration, navigation and
 * permission rules, CSP) is tested in test/unit/electron/main.test.ts and not repeated here.
 */
import { chmod, mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Exchange } from '../../shared/capture/exchange.js';
import { Backend } from '../../electron/backend/backend.js';
import { CertificateAuthority, keyFileMode } from '../../electron/backend/ca/ca.js';
import { CaptureService } from '../../electron/backend/capture-service.js';
import { MitmProxyEngine } from '../../electron/backend/proxy/mitm-engine.js';
import { CaptureWriter } from '../../electron/backend/store/capture-file.js';
import { runCli } from '../../electron/cli/main.js';
import { rawUpstream, selfSignedCert, tunnelClient } from '../integration/proxy/helpers.js';

let root: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mssec-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Local address of every LISTEN socket owned by this process: "127.0.0.1:port", "0.0.0.0:port", "[::]:port"… */
async function listeningSockets(): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const l = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(l);
    if (m) inodes.add(m[1]!);
  }
  const out: string[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue; // 0A = LISTEN
      const [addrHex, portHex] = f[1]!.split(':') as [string, string];
      const port = parseInt(portHex, 16);
      let addr: string;
      if (!v6) addr = [3, 2, 1, 0].map((i) => parseInt(addrHex.slice(i * 2, i * 2 + 2), 16)).join('.');
      else if (/^0{32}$/.test(addrHex)) addr = '[::]';
      else if (addrHex === '00000000000000000000000001000000') addr = '[::1]';
      else if (addrHex.startsWith('0000000000000000FFFF0000'))
        addr = [3, 2, 1, 0].map((i) => parseInt(addrHex.slice(24 + i * 2, 26 + i * 2), 16)).join('.');
      else addr = `[${addrHex}]`;
      out.push(`${addr}:${port}`);
    }
  }
  return out;
}

describe('everything listens on 127.0.0.1 by default', () => {
  it('proxy (forward + an intercepted CONNECT, reverse), capture service and API: no socket of this process on another address', async () => {
    const before = new Set(await listeningSockets());
    const ca = await CertificateAuthority.loadOrCreate(path.join(root, 'ca-bind'));
    const cert = selfSignedCert();
    const up = await rawUpstream((r) => r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), {
      tls: cert,
    });
    cleanups.push(() => up.close());
    const fwd = new MitmProxyEngine({ mode: 'forward', ca, upstreamCa: cert.cert });
    const fa = await fwd.start();
    cleanups.push(() => fwd.stop());
    expect(fa.address).toBe('127.0.0.1');
    // A CONNECT makes http-mitm-proxy start its per-host HTTPS server: it must be on loopback too.
    const c = await tunnelClient(fa.port, `127.0.0.1:${up.port}`, ca.exportPem());
    c.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect((await c.response()).body.toString()).toBe('ok');
    c.close();
    const rev = new MitmProxyEngine({
      mode: 'reverse',
      reverseTarget: `https://127.0.0.1:${up.port}`,
      ca,
      upstreamCa: cert.cert,
    });
    expect((await rev.start()).address).toBe('127.0.0.1');
    cleanups.push(() => rev.stop());
    const svc = new CaptureService({ dataDir: path.join(root, 'data-bind') });
    const st = await svc.start({ out: path.join(root, 'bind.mscap') });
    cleanups.push(() => svc.stop());
    expect(st.host).toBe('127.0.0.1');
    const backend = await Backend.start();
    cleanups.push(() => backend.stop());
    const mine = (await listeningSockets()).filter((s) => !before.has(s));
    // proxy ×2 (+ its internal HTTPS server), capture proxy, API, the test upstream.
    expect(mine.length).toBeGreaterThanOrEqual(5);
    expect(mine.filter((s) => !s.startsWith('127.0.0.1:'))).toEqual([]);
    expect(mine).toContain(`127.0.0.1:${backend.api.port}`);
    expect(mine).toContain(`127.0.0.1:${st.port}`);
  });

  it('the CLI capture command listens on 127.0.0.1 unless told otherwise', async () => {
    // capture: the default of --listen/--port is 127.0.0.1 (asserted from the parsed address).
    const { parseListen } = await import('../../electron/cli/commands/capture.js');
    expect(parseListen('8888')).toEqual({ host: '127.0.0.1', port: 8888 });
    expect(parseListen('0')).toEqual({ host: '127.0.0.1', port: 0 });
  });
});

describe('local API: token and origin', () => {
  let b: Backend;
  beforeAll(async () => {
    b = await Backend.start();
  });
  afterAll(async () => {
    await b.stop();
  });
  const req = (p: string, headers: Record<string, string> = {}, method = 'POST') =>
    fetch(`http://127.0.0.1:${b.api.port}${p}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });

  it('rejects RPC and downloads without the token, with a wrong one of the same length, or not as a Bearer credential', async () => {
    const wrong = b.api.token.replace(/./g, (ch) => (ch === 'a' ? 'b' : 'a'));
    for (const [what, r] of [
      ['no token', await req('/api/rpc/status')],
      ['wrong token', await req('/api/rpc/status', { Authorization: `Bearer ${wrong}` })],
      [
        'Basic',
        await req('/api/rpc/status', { Authorization: `Basic ${Buffer.from(`x:${b.api.token}`).toString('base64')}` }),
      ],
      ['bare token', await req('/api/rpc/status', { Authorization: b.api.token })],
      ['download without token', await req('/api/raw/anything', {}, 'GET')],
      ['unknown API path without token', await req('/api/nope', {}, 'GET')],
    ] as const) {
      expect(r.status, what).toBe(401);
      expect(await r.text(), what).not.toContain(b.api.token);
    }
    expect((await req('/api/rpc/status', { Authorization: `Bearer ${b.api.token}` })).status).toBe(200);
  });

  it('never grants CORS: no Access-Control-Allow-Origin for another origin, preflight or not', async () => {
    const a = await req('/api/rpc/status', { Authorization: `Bearer ${b.api.token}`, Origin: 'http://evil.example' });
    expect(a.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`http://127.0.0.1:${b.api.port}/api/rpc/status`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('refuses WebSocket upgrades from other origins even with a valid token; accepts its own page', async () => {
    const url = `ws://127.0.0.1:${b.api.port}/api/events?token=${b.api.token}`;
    const tryWs = (origin?: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, origin ? { origin } : {});
        const t = setTimeout(() => (ws.terminate(), resolve('timeout')), 5000);
        ws.on('error', (e) => (clearTimeout(t), resolve(String(e.message))));
        ws.on('open', () => (clearTimeout(t), ws.close(), resolve('opened')));
      });
    for (const o of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${b.api.port + 1}`,
      `https://127.0.0.1:${b.api.port}`,
      `http://127.0.0.1.evil.example:${b.api.port}`,
    ])
      expect(await tryWs(o), o).toMatch(/401/);
    expect(await tryWs(`http://127.0.0.1:${b.api.port}`)).toBe('opened');
    expect(await tryWs()).toBe('opened'); // non-browser client (the CLI) sends no Origin
    // And a raw upgrade without the token at all.
    const s = net.connect(b.api.port, '127.0.0.1');
    s.write(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    const answer = await new Promise<string>((r) => {
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => r(got));
      setTimeout(() => (s.destroy(), r(got)), 5000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });
});

describe('CA key files', () => {
  it('are mode 0600 in a 0700 folder when created, and tightened again on load if loosened', async () => {
    const dir = path.join(root, 'ca-mode');
    await CertificateAuthority.loadOrCreate(dir);
    const paths = CertificateAuthority.paths(dir);
    expect(await keyFileMode(dir)).toBe(0o600);
    expect((await stat(paths.leafKey)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(paths.key))).mode & 0o777).toBe(0o700);
    // Someone copies the folder with a default umask: the keys become world-readable.
    await chmod(paths.key, 0o644);
    await chmod(paths.leafKey, 0o644);
    await chmod(path.dirname(paths.key), 0o755);
    await CertificateAuthority.loadOrCreate(dir);
    expect(await keyFileMode(dir)).toBe(0o600);
    expect((await stat(paths.leafKey)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(paths.key))).mode & 0o777).toBe(0o700);
  });
});

describe('export redacts by default', () => {
  const SECRETS = {
    auth: 'TlRMTVNTUAADAAAAGAAYAEgAAAAYABgAYAAAAAAAAAB4AAAA',
    proxyAuth: 'cHJveHl1c2VyOnByb3h5cGFzcw==',
    cookie: 'X-BackEndCookie=S-1-5-21-secretcookie',
    setCookie: 'sessioncontext=SECRET-CONTEXT-42',
    token: 'eyJhbGciOiJSUzI1NiJ9.SECRETTOKEN.sig',
  };
  const ex: Exchange = {
    id: 1,
    connectionId: 1,
    origin: 'https://mail.contoso.com:443',
    timings: { requestStart: 1_700_000_000_000, responseEnd: 1_700_000_000_050 },
    request: {
      method: 'POST',
      url: `/mapi/emsmdb/?MailboxId=a@contoso.com&access_token=${SECRETS.token}`,
      httpVersion: '1.1',
      headers: [
        { name: 'Host', value: 'mail.contoso.com' },
        { name: 'Authorization', value: `NTLM ${SECRETS.auth}` },
        { name: 'Proxy-Authorization', value: `Basic ${SECRETS.proxyAuth}` },
        { name: 'Cookie', value: SECRETS.cookie },
        { name: 'X-RequestType', value: 'PING' },
      ],
      body: new Uint8Array(),
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [
        { name: 'Set-Cookie', value: `${SECRETS.setCookie}; path=/mapi/emsmdb` },
        { name: 'X-ResponseCode', value: '0' },
      ],
      body: new TextEncoder().encode('PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n'),
      chunks: [],
    },
  };
  const needles = [SECRETS.auth, SECRETS.proxyAuth, 'S-1-5-21-secretcookie', 'SECRET-CONTEXT-42', 'SECRETTOKEN'];

  async function exportTo(format: 'har' | 'saz' | 'json', extra: string[] = []): Promise<string> {
    const src = path.join(root, 'secrets.mscap');
    try {
      await stat(src);
    } catch {
      const w = await CaptureWriter.create(src);
      await w.append(ex);
      await w.close();
    }
    const out = path.join(root, `secrets-${format}${extra.length ? '-raw' : ''}.${format}`);
    let err = '';
    const code = await runCli(['export', src, '--format', format, '--out', out, ...extra], {
      stdout: () => undefined,
      stderr: (s) => void (err += s),
    });
    expect(code, err).toBe(0);
    const bytes = await readFile(out);
    if (format !== 'saz') return bytes.toString('utf8');
    // SAZ: look inside every member (stored or deflated).
    const { openZip } = await import('../../shared/capture/saz/index.js');
    const z = openZip(new Uint8Array(bytes), out);
    return z.entries.map((e) => Buffer.from(z.read(e)).toString('latin1')).join('\n');
  }

  for (const format of ['har', 'saz', 'json'] as const)
    it(`${format}: no credential, cookie or token value in the output; --no-redact keeps them`, async () => {
      const text = await exportTo(format);
      for (const n of needles) expect(text, `${format} contains ${n}`).not.toContain(n);
      // HAR and SAZ keep the header names (values redacted); JSON holds decoded bodies only.
      if (format !== 'json') expect(text).toMatch(/Authorization/i);
      const raw = await exportTo(format, ['--no-redact']);
      if (format !== 'json')
        for (const n of needles.slice(0, 4)) expect(raw, `${format} --no-redact keeps ${n}`).toContain(n);
    });

  it('the redaction default is stated by the command', async () => {
    let out = '';
    await runCli(['export', '--help'], { stdout: (s) => void (out += s), stderr: (s) => void (out += s) });
    expect(out).toMatch(/Redaction \(default\)/);
  });
});
