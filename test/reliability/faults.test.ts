/**
 * Faults through the proxy, each while a bystander client keeps sending Execute requests
 * through the same proxy (it must see every one answered byte-identically: the proxy keeps
 * serving others). test/integration/proxy/fidelity.test.ts already covers a RST after a
 * complete chunk, a FIN mid-body, a dead upstream in forward mode, a client reset while
 * pending and an untrusted certificate in forward (CONNECT) mode; this covers the rest:
 *  - upstream RST in the middle of a chunk (chunk header promised more) → client reset,
 *    recorded upstream-reset with the bytes received so far;
 *  - connection refused in reverse mode → clear 502, recorded upstream-error ECONNREFUSED;
 *  - reverse mode to an https upstream with a bad certificate (self-signed; wrong name;
 *    expired) → 502 naming the problem, recorded tls.certificateError;
 *  - slow trickle: response head and body 1–3 bytes at a time, and a request body trickled
 *    by the client → both ends byte-identical, recorded complete;
 *  - client abort (FIN and RST) in the middle of a streamed response → recorded as aborted,
 *    upstream connection torn down, nothing more sent.
 * Everything on 127.0.0.1, port 0; every wait bounded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../shared/capture/exchange.js';
import { headerValue } from '../../shared/capture/exchange.js';
import { CertificateAuthority } from '../../electron/backend/ca/ca.js';
import type { ProxyEngineOptions } from '../../electron/backend/proxy/engine.js';
import { MitmProxyEngine } from '../../electron/backend/proxy/mitm-engine.js';
import {
  type RawUpstream,
  rawClient,
  rawUpstream,
  selfSignedCert,
  sleep,
  until,
} from '../integration/proxy/helpers.js';
import { LeanClient, sha, slice } from './harness.js';

let caDir: string;
let ca: CertificateAuthority;
const cleanups: (() => Promise<void> | void)[] = [];
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  caDir = await mkdtemp(path.join(tmpdir(), 'msfault-'));
  ca = await CertificateAuthority.loadOrCreate(path.join(caDir, 'ca'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(caDir, { recursive: true, force: true });
});

async function upstream(...args: Parameters<typeof rawUpstream>): Promise<RawUpstream> {
  const u = await rawUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

async function proxy(opts: Partial<ProxyEngineOptions>) {
  const engine = new MitmProxyEngine({ mode: 'reverse', ca, logger: quiet, ...opts });
  const exchanges: Exchange[] = [];
  engine.on('exchange', (e) => exchanges.push(e));
  const addr = await engine.start();
  cleanups.push(() => engine.stop());
  return { engine, port: addr.port, exchanges };
}

/**
 * A second proxy (same engine class, same process) in front of a healthy upstream would not
 * show interference; the bystander goes through the *same* proxy as the fault. In reverse mode
 * one proxy has one target, so the faulty upstream also answers the bystander's path
 * (/bystander) normally.
 */
function bystanderHandler(r: { startLine: string; body: Buffer; socket: import('node:net').Socket }): boolean {
  if (!r.startLine.includes('/bystander')) return false;
  const body = Buffer.concat([Buffer.from('DONE\r\n\r\n'), r.body]);
  r.socket.write(
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(12).toString(16)}\r\nPROCESSING\r\n\r\n${body.length.toString(16)}\r\n`,
  );
  r.socket.write(body);
  r.socket.write('\r\n0\r\n\r\n');
  return true;
}

/** Runs Execute-like requests through `port` until stopped; every answer must echo its body. */
function bystander(port: number) {
  let stop = false;
  const stats = { ok: 0, bad: [] as string[] };
  const done = (async () => {
    const c = await LeanClient.connect(port);
    try {
      for (let n = 1; !stop && n < 100_000; n++) {
        const body = slice(n, 100 + ((n * 131) % 8000));
        try {
          const r = await c.request('POST /bystander HTTP/1.1\r\nHost: x\r\nX-RequestType: Execute\r\n', body, 10_000);
          if (sha(r.body) !== sha(Buffer.concat([Buffer.from('PROCESSING\r\nDONE\r\n\r\n'), body])))
            stats.bad.push(`#${n}: wrong bytes`);
          else stats.ok++;
        } catch (e) {
          stats.bad.push(`#${n}: ${(e as Error).message}`);
          return;
        }
      }
    } finally {
      c.close();
    }
  })();
  return {
    stats,
    async stop(minimum = 5) {
      await until(() => stats.ok >= minimum || stats.bad.length > 0, 10_000, 'bystander traffic');
      stop = true;
      await done;
      expect(stats.bad).toEqual([]);
      expect(stats.ok).toBeGreaterThanOrEqual(minimum);
    },
  };
}

const faultOf = (xs: Exchange[]) => xs.filter((e) => !e.request.url.includes('/bystander'));

describe('faults through the proxy (a bystander is served throughout)', () => {
  it('upstream RST in the middle of a chunk: the client is reset, the bytes so far are recorded as upstream-reset', async () => {
    const up = await upstream((r) => {
      if (bystanderHandler(r)) return;
      // The chunk header promises 0x4000 bytes; 3000 arrive, then RST.
      r.socket.write(
        'HTTP/1.1 200 OK\r\nX-RequestType: Execute\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nPROCESSING\r\n\r\n4000\r\n',
      );
      r.socket.write(slice(9, 3000));
      setTimeout(() => r.socket.resetAndDestroy(), 150);
    });
    const { port, exchanges } = await proxy({ reverseTarget: `http://127.0.0.1:${up.port}` });
    const b = bystander(port);
    const c = await rawClient(port);
    c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nX-RequestType: Execute\r\nContent-Length: 0\r\n\r\n');
    expect(await Promise.race([c.ended, sleep(5000).then(() => 'hang')])).toBe('reset');
    const got = c.received();
    // What reached the client is a prefix of what the upstream sent (framing may be re-chunked), never a clean end.
    expect(got.includes(slice(9, 3000).subarray(0, 1000))).toBe(true);
    expect(got.toString('latin1')).not.toMatch(/\r\n0\r\n\r\n$/);
    await until(() => faultOf(exchanges).length === 1);
    const ex = faultOf(exchanges)[0]!;
    expect(ex.aborted?.kind).toBe('upstream-reset');
    expect(ex.aborted?.message).toMatch(/ECONNRESET|reset/i);
    const body = Buffer.from(ex.response!.body);
    expect(body.subarray(0, 12).toString()).toBe('PROCESSING\r\n');
    expect(body.subarray(12).equals(slice(9, 3000).subarray(0, body.length - 12))).toBe(true);
    await b.stop();
  });

  it('connection refused in reverse mode: a clear 502, recorded upstream-error ECONNREFUSED; other clients keep being served', async () => {
    const healthy = await upstream((r) => void bystanderHandler(r));
    const dead = await rawUpstream(() => undefined);
    const deadPort = dead.port;
    await dead.close();
    // Bystander through a proxy to the healthy upstream, the fault through one to the dead port,
    // both engines in this process at once.
    const good = await proxy({ reverseTarget: `http://127.0.0.1:${healthy.port}` });
    const bad = await proxy({ reverseTarget: `http://127.0.0.1:${deadPort}` });
    const b = bystander(good.port);
    for (let i = 0; i < 3; i++) {
      const c = await rawClient(bad.port);
      cleanups.push(() => c.close());
      c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nX-RequestType: Execute\r\nContent-Length: 4\r\n\r\nping');
      const r = await c.response();
      expect(r.startLine).toBe('HTTP/1.1 502 Bad Gateway');
      expect(r.body.toString()).toContain('ECONNREFUSED');
    }
    await until(() => bad.exchanges.length === 3);
    for (const ex of bad.exchanges) {
      expect(ex.aborted).toMatchObject({ kind: 'upstream-error' });
      expect(ex.aborted!.message).toContain('ECONNREFUSED');
      expect(Buffer.from(ex.request.body).toString()).toBe('ping');
    }
    await b.stop();
  });

  describe('reverse mode to an https upstream with a bad certificate', () => {
    const certs: Record<string, { key: string; cert: string }> = {};
    beforeAll(() => {
      certs['self-signed'] = selfSignedCert();
      certs['wrong name'] = selfSignedCert('127.0.0.2');
      // Expired: valid for IP 127.0.0.1 but only during two days of 2020 (made with node-forge).
      const keys = forge.pki.rsa.generateKeyPair(2048);
      const c = forge.pki.createCertificate();
      c.publicKey = keys.publicKey;
      c.serialNumber = '0a';
      c.validity.notBefore = new Date('2020-01-01T00:00:00Z');
      c.validity.notAfter = new Date('2020-01-03T00:00:00Z');
      const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
      c.setSubject(attrs);
      c.setIssuer(attrs);
      c.setExtensions([
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ]);
      c.sign(keys.privateKey, forge.md.sha256.create());
      certs.expired = { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(c) };
    });
    for (const kind of ['self-signed', 'wrong name', 'expired'] as const) {
      it(`${kind}: 502 naming the problem, recorded tls.certificateError; trusted upstream CA given only for the valid cases`, async () => {
        const cert = certs[kind];
        const up = await upstream(
          (r) => {
            if (!bystanderHandler(r)) r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret');
          },
          { tls: cert! },
        );
        // For "wrong name" and "expired" the upstream's own certificate is trusted as a CA, so the
        // only problem left is the name or the dates.
        const { port, exchanges } = await proxy({
          reverseTarget: `https://127.0.0.1:${up.port}`,
          ...(kind === 'self-signed' ? {} : { upstreamCa: cert!.cert }),
        });
        const c = await rawClient(port);
        cleanups.push(() => c.close());
        c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n');
        const r = await c.response();
        expect(r.startLine).toBe('HTTP/1.1 502 Bad Gateway');
        expect(r.body.toString()).toContain('not trusted');
        expect(r.body.toString()).not.toContain('secret');
        await until(() => exchanges.length >= 1);
        const ex = exchanges[0]!;
        expect(ex.aborted?.kind).toBe('upstream-error');
        const want = {
          'self-signed': /SELF_SIGNED|self.signed/i,
          'wrong name': /ALTNAME|does not match|hostname/i,
          expired: /EXPIRED|expired/i,
        }[kind];
        expect(ex.tls?.certificateError).toMatch(want);
        expect(ex.tls?.trustedAnyway).toBeFalsy();
      });
    }
  });

  it('slow trickle both ways: response head and body 1–3 bytes at a time, request body trickled by the client; byte-identical and recorded complete', async () => {
    const respBody = slice(77, 600);
    const up = await upstream((r) => {
      if (bystanderHandler(r)) return;
      const wire = Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nX-RequestType: Execute\r\nX-Trickle: yes\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nPROCESSING\r\n\r\n${respBody.length.toString(16)}\r\n`,
        ),
        respBody,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
      let at = 0;
      const t = setInterval(() => {
        if (r.socket.destroyed) return clearInterval(t);
        const n = 1 + (at % 3);
        r.socket.write(wire.subarray(at, at + n));
        at += n;
        if (at >= wire.length) clearInterval(t);
      }, 2);
    });
    const { port, exchanges } = await proxy({ reverseTarget: `http://127.0.0.1:${up.port}` });
    const b = bystander(port);
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    const reqBody = slice(5, 300);
    c.send(
      `POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nX-RequestType: Execute\r\nContent-Length: ${reqBody.length}\r\n\r\n`,
    );
    for (let i = 0; i < reqBody.length; i += 7) {
      c.send(reqBody.subarray(i, i + 7));
      await sleep(2);
    }
    const r = await c.response({ timeoutMs: 20_000 });
    expect(r.body.equals(Buffer.concat([Buffer.from('PROCESSING\r\n'), respBody]))).toBe(true);
    expect(r.headerLines).toContain('X-Trickle: yes');
    await until(() => faultOf(exchanges).length === 1);
    const ex = faultOf(exchanges)[0]!;
    expect(ex.aborted).toBeUndefined();
    expect(Buffer.from(ex.request.body).equals(reqBody)).toBe(true);
    expect(Buffer.from(ex.response!.body).equals(Buffer.concat([Buffer.from('PROCESSING\r\n'), respBody]))).toBe(true);
    expect(up.requests.find((q) => !q.startLine.includes('/bystander'))!.body.equals(reqBody)).toBe(true);
    await b.stop();
  }, 30_000);

  for (const how of ['FIN', 'RST'] as const) {
    it(`client abort (${how}) in the middle of a streamed response: recorded as aborted, the upstream connection torn down`, async () => {
      let timer: NodeJS.Timeout | undefined;
      const up = await upstream((r) => {
        if (bystanderHandler(r)) return;
        r.socket.write(
          'HTTP/1.1 200 OK\r\nX-RequestType: NotificationWait\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nPROCESSING\r\n\r\n',
        );
        timer = setInterval(() => !r.socket.destroyed && r.socket.write('9\r\nPENDING\r\n\r\n'), 50);
      });
      cleanups.push(() => clearInterval(timer));
      const { port, exchanges } = await proxy({ reverseTarget: `http://127.0.0.1:${up.port}` });
      const b = bystander(port);
      const c = await rawClient(port);
      c.send(
        'POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nX-RequestType: NotificationWait\r\nX-Fault: abort\r\nContent-Length: 0\r\n\r\n',
      );
      await until(() => c.received().toString('latin1').includes('PENDING'), 5000, 'PENDING at the client');
      if (how === 'RST') c.socket.resetAndDestroy();
      else c.socket.end();
      await until(() => faultOf(exchanges).length === 1, 5000, 'the aborted exchange');
      const ex = faultOf(exchanges)[0]!;
      expect(headerValue(ex.request.headers, 'X-Fault')).toBe('abort');
      expect(ex.aborted, JSON.stringify(ex.aborted)).toBeDefined();
      expect(ex.aborted!.kind).toBe('client-reset');
      expect(ex.aborted!.message.length).toBeGreaterThan(0);
      expect(Buffer.from(ex.response!.body).toString('latin1')).toMatch(/^PROCESSING\r\n(PENDING\r\n)+$/);
      // The upstream leg of the aborted exchange is closed (the long-poll is not left running).
      const faultConn = up.requests.find((q) => !q.startLine.includes('/bystander'))!.conn;
      await until(() => up.closes.some((x) => x.conn === faultConn), 5000, 'the upstream connection to close');
      await b.stop();
    });
  }
});
