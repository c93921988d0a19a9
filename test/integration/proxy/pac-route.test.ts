/**
 * The capturing proxy's own answers: the PAC script at /mapiscope.pac (hosts from the query and
 * learned from captured Autodiscover answers, never recorded as an exchange), and the event when
 * a client refuses MapiScope's certificate.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaptureService } from '../../../electron/backend/capture-service.js';
import type { ClientRejectedCertificateEvent } from '../../../electron/backend/proxy/engine.js';
import { rawUpstream, selfSignedCert, until } from './helpers.js';

const POX = readFileSync(
  new URL('../../fixtures/gromox-ruler/gromox24__autodiscover-response_alice.xml', import.meta.url),
);

let root: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mspac-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function get(
  port: number,
  p: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, headers: { Host: host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

function route(script: string, host: string): string {
  const ctx: Record<string, unknown> = {
    shExpMatch: (s: string, p: string) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(s),
  };
  runInNewContext(script, ctx);
  return (ctx.FindProxyForURL as (u: string, h: string) => string)(`https://${host}/`, host);
}

async function started() {
  const svc = new CaptureService({ dataDir: path.join(root, `d${cleanups.length}-${Date.now()}`) });
  const st = await svc.start({ out: path.join(root, `c-${Date.now()}.mscap`), routeHosts: ['ex01.contoso.test'] });
  cleanups.push(async () => void (await svc.stop()));
  return { svc, port: st.port! };
}

describe('PAC script on the proxy port', () => {
  it('is served at /mapiscope.pac with the given hosts and those of the query, and is not captured', async () => {
    const { svc, port } = await started();
    const r = await get(port, '/mapiscope.pac?hosts=mail.contoso.test');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-ns-proxy-autoconfig');
    const proxy = `PROXY 127.0.0.1:${port}`;
    expect(route(r.body, 'mail.contoso.test')).toBe(proxy);
    expect(route(r.body, 'ex01.contoso.test')).toBe(proxy);
    expect(route(r.body, 'autodiscover.contoso.test')).toBe(proxy);
    expect(route(r.body, 'www.example.org')).toBe('DIRECT');
    // Any other path addressed to the proxy itself is still refused as before.
    expect((await get(port, '/other')).status).toBe(400);
    await svc.flush();
    // The 400 is recorded as before; the PAC fetch is not.
    expect(svc.list().items.map((s) => s.url)).toEqual(['/other']);
  });

  it('routes the hosts named by a captured Autodiscover answer', async () => {
    const up = await rawUpstream((r) =>
      r.socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${POX.length}\r\n\r\n${POX.toString('latin1')}`,
      ),
    );
    cleanups.push(() => up.close());
    const { svc, port } = await started();
    expect(route((await get(port, '/mapiscope.pac')).body, 'localhost')).toBe('DIRECT');
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `http://127.0.0.1:${up.port}/autodiscover/autodiscover.xml` },
        (res) => res.resume().on('end', () => resolve()),
      );
      req.on('error', reject);
      req.end('<Autodiscover/>');
    });
    await until(() => svc.state().learnedHosts.length > 0);
    // The real answer's URLs all name https://localhost/….
    expect(svc.state().learnedHosts).toEqual(['localhost']);
    expect(route((await get(port, '/mapiscope.pac')).body, 'localhost')).toBe(`PROXY 127.0.0.1:${port}`);
  });
});

describe('a client refusing our certificate', () => {
  it('is reported with the host it asked for (curl without our CA sends an unknown-CA alert)', async () => {
    const cert = selfSignedCert();
    const up = await rawUpstream((r) => r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), { tls: cert });
    cleanups.push(() => up.close());
    const { svc, port } = await started();
    const events: ClientRejectedCertificateEvent[] = [];
    svc.on('client-rejected-certificate', (e) => events.push(e));
    const code = await new Promise<number>((resolve) =>
      execFile(
        'curl',
        [
          '-s',
          '-o',
          '/dev/null',
          '--max-time',
          '10',
          '--proxy',
          `http://127.0.0.1:${port}`,
          `https://127.0.0.1:${up.port}/mapi/emsmdb/`,
        ],
        { env: { ...process.env, SSL_CERT_FILE: '/dev/null', CURL_CA_BUNDLE: '' } },
        (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
      ),
    );
    expect(code).toBe(60); // curl: peer certificate cannot be authenticated
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ host: '127.0.0.1', code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
    expect(up.requests).toHaveLength(0);
  });
});
