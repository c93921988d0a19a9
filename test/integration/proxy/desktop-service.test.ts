/**
 * The app's side of capturing Outlook: DesktopService over a real capture, with the Windows
 * Internet Settings of a recorded `reg` runner — routing follows the capture, a crash's leftovers
 * are restored at start, the checklist sees Outlook traffic and certificate refusals.
 */
import { execFile } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import http from 'node:http';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../../shared/api/contract.js';
import { Backend } from '../../../electron/backend/backend.js';
import { CertificateAuthority } from '../../../electron/backend/ca/ca.js';
import { CaptureService } from '../../../electron/backend/capture-service.js';
import { DesktopService } from '../../../electron/backend/desktop-service.js';
import { SystemProxy } from '../../../electron/backend/system-proxy/controller.js';
import { writeJournal } from '../../../electron/backend/system-proxy/journal.js';
import { WindowsProxyStore } from '../../../electron/backend/system-proxy/windows.js';
import { CaTrust, caIdentity } from '../../../electron/backend/trust/ca-trust.js';
import { FakeRegistry } from '../../unit/system-proxy/fake-machines.js';
import { rawUpstream, selfSignedCert, until } from './helpers.js';

let root: string;
let caDir: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'msdesk-'));
  caDir = path.join(root, 'ca-template');
  await CertificateAuthority.loadOrCreate(caDir);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Windows `certutil` answering for CurrentUser\Root, holding what was added. */
class FakeCertutil extends FakeRegistry {
  roots = new Set<string>();
  constructor(
    private readonly sha1: string,
    initial: Record<string, { type: string; data: string }> = {},
  ) {
    super(initial);
  }
  protected override answer(file: string, args: readonly string[]) {
    if (file !== 'certutil') return super.answer(file, args);
    if (args.includes('-addstore')) this.roots.add(this.sha1);
    if (args.includes('-delstore')) this.roots.delete(args[args.length - 1]!);
    if (args.includes('-store'))
      return this.roots.has(args[args.length - 1]!)
        ? { code: 0, stdout: `Cert Hash(sha1): ${this.sha1.toLowerCase()}\n`, stderr: '' }
        : {
            code: -2146885628,
            stdout: '',
            stderr: 'CertUtil: -store command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)',
          };
    return { code: 0, stdout: 'CertUtil: command completed successfully.\n', stderr: '' };
  }
}

async function backendWith(dataDir: string, registry: Record<string, { type: string; data: string }> = {}) {
  await cp(caDir, path.join(dataDir, 'ca'), { recursive: true });
  const capture = new CaptureService({ dataDir });
  const ca = await capture.ca();
  const id = caIdentity(ca.certPath, ca.exportPem());
  const reg = new FakeCertutil(id.sha1, registry);
  const sp = new SystemProxy({
    dataDir,
    runner: reg,
    platform: 'win32',
    stores: async () => [new WindowsProxyStore(reg)],
  });
  const desktop = new DesktopService(capture, {
    command: 'MapiScope app',
    systemProxy: sp,
    trust: async () => new CaTrust(id, { runner: reg, platform: 'win32' }),
  });
  const events: BackendEvent[] = [];
  const backend = await Backend.start({ listen: false, services: [capture, desktop] });
  backend.events.on((e) => void events.push(e));
  cleanups.push(() => backend.stop());
  const call = <T>(m: string, p: unknown = {}) => backend.rpc.invoke(m, p) as Promise<T>;
  return { backend, capture, reg, events, call, id };
}

describe('DesktopService', () => {
  it('routes to the running capture, undoes it when the capture stops, and refuses without a capture', async () => {
    const { call, reg, events } = await backendWith(path.join(root, 'a'));
    await expect(call('systemProxy.on')).rejects.toThrow(/start a forward capture first/);
    const st = await call<{ port: number }>('capture.start', { out: path.join(root, 'a.mscap') });
    const on = await call<{ mode: string; ours: boolean; pacUrl: string; hosts: string[]; owner: { self: boolean } }>(
      'systemProxy.on',
      { hosts: ['mail.contoso.com'] },
    );
    expect(on).toMatchObject({ mode: 'pac', ours: true, owner: { self: true } });
    expect(on.pacUrl).toBe(`http://127.0.0.1:${st.port}/mapiscope.pac?hosts=mail.contoso.com`);
    expect(on.hosts).toEqual(['autodiscover.*', 'autodiscover-s.outlook.com', 'mail.contoso.com']);
    expect(reg.values.get('AutoConfigURL')?.data).toBe(on.pacUrl);
    expect(events.some((e) => e.type === 'system-proxy' && e.data.ours)).toBe(true);
    await call('capture.stop');
    await until(() => !reg.values.has('AutoConfigURL'));
    const off = await call<{ mode: string }>('systemProxy.status');
    expect(off.mode).toBe('off');
    expect(
      events.some(
        (e) =>
          e.type === 'log' && /capture stopped: restored the proxy settings that MapiScope app/.test(e.data.message),
      ),
    ).toBe(true);
  });

  it('restores at start what a crashed MapiScope left, and says so once', async () => {
    const dataDir = path.join(root, 'b');
    await writeJournal(dataDir, {
      version: 1,
      platform: 'win32',
      owner: { kind: 'process', pid: 999_999_999, command: 'MapiScope app' },
      at: new Date().toISOString(),
      target: { kind: 'manual', proxy: { host: '127.0.0.1', port: 8888 }, bypass: [] },
      hosts: [],
      stores: [{ id: 'windows', label: 'Windows Internet Settings (current user)' }],
      previous: {
        windows: { ProxyServer: null, ProxyOverride: null, AutoConfigURL: null, ProxyEnable: 'REG_DWORD:0x0' },
      },
      applied: {
        windows: {
          ProxyServer: 'REG_SZ:127.0.0.1:8888',
          ProxyOverride: 'REG_SZ:<local>',
          AutoConfigURL: null,
          ProxyEnable: 'REG_DWORD:0x1',
        },
      },
    });
    // The registry as the crashed run left it.
    const { call, reg, events } = await backendWith(dataDir, {
      ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
      ProxyServer: { type: 'REG_SZ', data: '127.0.0.1:8888' },
      ProxyOverride: { type: 'REG_SZ', data: '<local>' },
    });
    expect(reg.snapshot()).toEqual({ ProxyEnable: { type: 'REG_DWORD', data: '0x0' } });
    const st = await call<{ recovered?: string; mode: string }>('systemProxy.status');
    expect(st.mode).toBe('off');
    expect(st.recovered).toBe(
      'at start, after an unclean stop: restored the proxy settings that MapiScope app (pid 999999999) had set (Windows Internet Settings (current user))',
    );
    void events;
  });

  it('the checklist: CA trust with its fix, Outlook traffic seen, and a client refusing our certificate in plain words', async () => {
    const { call, reg, id } = await backendWith(path.join(root, 'c'));
    let c = await call<{ ca: { ok: boolean }; outlook: { ok: boolean }; routing: { ok: boolean; capturing: boolean } }>(
      'outlook.checklist',
    );
    expect(c).toMatchObject({ ca: { ok: false }, outlook: { ok: false }, routing: { ok: false, capturing: false } });
    const t = await call<{ message: string; stores: { trusted: boolean }[] }>('ca.trust');
    expect(t.message).toBe('trusted in Windows CurrentUser\\Root');
    expect(reg.calls).toContain(`certutil -user -addstore Root ${id.certPath.replace(/\.pem$/, '.cer')}`);

    const upCert = selfSignedCert();
    const up = await rawUpstream((r) => r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), {
      tls: upCert,
    });
    cleanups.push(() => up.close());
    const plain = await rawUpstream((r) => r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    cleanups.push(() => plain.close());
    const st = await call<{ port: number }>('capture.start', {
      out: path.join(root, 'c.mscap'),
      upstreamCa: [upCert.cert],
    });
    await call('systemProxy.on');
    await new Promise<void>((resolve, reject) =>
      http
        .request(
          {
            host: '127.0.0.1',
            port: st.port,
            method: 'POST',
            path: `http://127.0.0.1:${plain.port}/mapi/emsmdb/?MailboxId=a@b`,
          },
          (res) => res.resume().on('end', () => resolve()),
        )
        .on('error', reject)
        .end('x'),
    );
    // A client without our CA: curl sends an unknown-CA alert.
    await new Promise((r) =>
      execFile(
        'curl',
        ['-s', '--max-time', '10', '--proxy', `http://127.0.0.1:${st.port}`, `https://127.0.0.1:${up.port}/`],
        {
          env: { ...process.env, SSL_CERT_FILE: '/dev/null', CURL_CA_BUNDLE: '' },
        },
        r,
      ),
    );
    for (let i = 0; (await call<{ refusals: unknown[] }>('outlook.checklist')).refusals.length === 0; i++) {
      if (i > 100) throw new Error('no refusal reported');
      await new Promise((r) => setTimeout(r, 50));
    }
    c = await call('outlook.checklist');
    expect(c).toMatchObject({
      ca: { ok: true },
      routing: { ok: true, capturing: true },
      outlook: { ok: true, count: 1, first: { url: `http://127.0.0.1:${plain.port}/mapi/emsmdb/?MailboxId=a@b` } },
      refusals: [{ side: 'client', host: '127.0.0.1' }],
    });
    const u = await call<{ messages: string[] }>('ca.untrust');
    expect(u.messages).toEqual(['removed from Windows CurrentUser\\Root']);
    expect(reg.calls).toContain(`certutil -user -delstore Root ${id.sha1}`);
  });

  it('the PAC served on the capture port sends the other hosts where they went before: the corporate PAC script it fetched', async () => {
    const corporate = http.createServer((req, res) => {
      res.writeHead(req.url === '/proxy.pac' ? 200 : 404, { 'Content-Type': 'application/x-ns-proxy-autoconfig' });
      res.end(
        req.url === '/proxy.pac'
          ? 'function FindProxyForURL(url, host) { return dnsDomainIs(host, ".example.org") ? "PROXY corp-proxy.test:3128" : "DIRECT"; }'
          : 'not here',
      );
    });
    await new Promise<void>((r) => corporate.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => corporate.close(() => r())));
    const corpUrl = `http://127.0.0.1:${(corporate.address() as { port: number }).port}`;
    const { call, reg } = await backendWith(path.join(root, 'd'), {
      AutoConfigURL: { type: 'REG_SZ', data: `${corpUrl}/proxy.pac` },
    });
    const st = await call<{ port: number }>('capture.start', { out: path.join(root, 'd.mscap') });
    const on = await call<{ pacUrl: string }>('systemProxy.on', { hosts: ['mail.contoso.com'] });
    expect(on.pacUrl).toBe(
      `http://127.0.0.1:${st.port}/mapiscope.pac?hosts=mail.contoso.com&previous=${encodeURIComponent(`pac:${corpUrl}/proxy.pac`)}`,
    );
    expect(reg.values.get('AutoConfigURL')?.data).toBe(on.pacUrl);
    const get = (url: string) =>
      new Promise<string>((resolve, reject) =>
        http
          .get(url, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve(body));
          })
          .on('error', reject),
      );
    const find = (script: string, host: string) => {
      const ctx: Record<string, unknown> = {
        shExpMatch: (h: string, p: string) =>
          new RegExp(
            `^${p
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          ).test(h),
        dnsDomainIs: (h: string, d: string) => h.endsWith(d),
        isPlainHostName: (h: string) => !h.includes('.'),
      };
      runInNewContext(script, ctx);
      return (ctx.FindProxyForURL as (u: string, h: string) => string)(`https://${host}/`, host);
    };
    const script = await get(on.pacUrl);
    expect(script).toContain(`as ${corpUrl}/proxy.pac decides`);
    expect(find(script, 'mail.contoso.com')).toBe(`PROXY 127.0.0.1:${st.port}`);
    expect(find(script, 'autodiscover.contoso.com')).toBe(`PROXY 127.0.0.1:${st.port}`);
    expect(find(script, 'www.example.org')).toBe('PROXY corp-proxy.test:3128');
    expect(find(script, 'intranet.contoso.com')).toBe('DIRECT');
    // A previous script that cannot be fetched: DIRECT, and the script says why.
    const missing = await get(
      `http://127.0.0.1:${st.port}/mapiscope.pac?previous=${encodeURIComponent(`pac:${corpUrl}/gone.pac`)}`,
    );
    expect(missing).toContain(
      `the PAC script set before MapiScope routed, ${corpUrl}/gone.pac, could not be fetched (HTTP 404)`,
    );
    expect(find(missing, 'www.example.org')).toBe('DIRECT');
    await call('capture.stop');
    await until(() => reg.values.get('AutoConfigURL')?.data === `${corpUrl}/proxy.pac`);
  });
});
