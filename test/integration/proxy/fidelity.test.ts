import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { CertificateAuthority } from '../../../electron/backend/ca/ca.js';
import type {
  ConnectionEvent,
  ProxyEngineOptions,
  UntrustedCertificateEvent,
} from '../../../electron/backend/proxy/engine.js';
import { MitmProxyEngine } from '../../../electron/backend/proxy/mitm-engine.js';
import tls from 'node:tls';
import {
  type RawUpstream,
  rawClient,
  rawUpstream,
  selfSignedCert,
  sleep,
  tunnelClient,
  until,
  wrapClient,
} from './helpers.js';

let caDir: string;
let ca: CertificateAuthority;
let upstreamCert: { key: string; cert: string };
const cleanups: (() => Promise<void> | void)[] = [];
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
  caDir = await mkdtemp(path.join(tmpdir(), 'msca-'));
  ca = await CertificateAuthority.loadOrCreate(caDir);
  upstreamCert = selfSignedCert();
  for (const m of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoleCalls.push([m, ...a]));
  }
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(caDir, { recursive: true, force: true });
});

async function startProxy(opts: Partial<ProxyEngineOptions> = {}) {
  const engine = new MitmProxyEngine({ mode: 'forward', ca, ...opts });
  const exchanges: Exchange[] = [];
  const conns: ConnectionEvent[] = [];
  const untrusted: UntrustedCertificateEvent[] = [];
  engine.on('exchange', (e) => exchanges.push(e));
  engine.on('connection', (e) => conns.push(e));
  engine.on('untrusted-certificate', (e) => untrusted.push(e));
  const addr = await engine.start();
  cleanups.push(() => engine.stop());
  return { engine, port: addr.port, exchanges, conns, untrusted };
}

async function upstream(...args: Parameters<typeof rawUpstream>): Promise<RawUpstream> {
  const u = await rawUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('header fidelity and no injected headers', () => {
  it('forwards request and response heads byte for byte (case, order, duplicates), nothing added', async () => {
    const up = await upstream((r) => {
      r.socket.write(
        'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nWWW-Authenticate: Negotiate\r\nwww-authenticate: NTLM\r\nX-MiXeD-CaSe: a\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n',
      );
    });
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    const reqHead =
      'POST /mapi/emsmdb/?MailboxId=a@b HTTP/1.1\r\nHost: mail.contoso.com\r\nX-RequestType: Execute\r\ncontent-type: application/mapi-http\r\nCookie: a=1\r\nCookie: b=2\r\nUser-Agent: Microsoft Office/16.0\r\nuser-agent: second\r\nContent-Length: 4\r\n\r\n';
    c.send(reqHead + 'ABCD');
    const res = await c.response();
    expect(res.startLine).toBe('HTTP/1.1 401 Unauthorized');
    expect(res.headerLines).toEqual([
      'Content-Length: 0',
      'WWW-Authenticate: Negotiate',
      'www-authenticate: NTLM',
      'X-MiXeD-CaSe: a',
      'Set-Cookie: a=1',
      'Set-Cookie: b=2',
    ]);
    await until(() => up.requests.length === 1);
    expect(up.requests[0]!.raw.toString('latin1')).toBe(reqHead + 'ABCD');
    await until(() => exchanges.length === 1);
    const ex = exchanges[0]!;
    expect(ex.request.headers.map((h) => `${h.name}: ${h.value}`)).toEqual(reqHead.split('\r\n').slice(1, 9));
    expect(ex.response!.headers.filter((h) => /www-authenticate/i.test(h.name))).toEqual([
      { name: 'WWW-Authenticate', value: 'Negotiate' },
      { name: 'www-authenticate', value: 'NTLM' },
    ]);
    expect(Buffer.from(ex.request.body).toString()).toBe('ABCD');
    expect(ex.response!.statusCode).toBe(401);
    expect(ex.origin).toBe(`http://127.0.0.1:${up.port}`);
  });

  it('a close-delimited upstream body is passed on close-delimited (no chunked framing added)', async () => {
    const up = await upstream((r) => {
      r.socket.write('HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nold-style body');
      setTimeout(() => r.socket.end(), 30);
    });
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await Promise.race([c.ended, sleep(3000).then(() => 'hang')])).toBe('end');
    expect(c.received().toString('latin1')).toBe('HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nold-style body');
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.aborted).toBeUndefined();
    expect(Buffer.from(exchanges[0]!.response!.body).toString()).toBe('old-style body');
  });

  it('forwards chunked trailers and records them', async () => {
    const up = await upstream((r) =>
      r.socket.write(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n4\r\nbody\r\n0\r\nX-Checksum: abc\r\n\r\n',
      ),
    );
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const r = await c.response();
    expect(r.raw.toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n4\r\nbody\r\n0\r\nX-Checksum: abc\r\n\r\n',
    );
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.response!.trailers).toEqual([{ name: 'X-Checksum', value: 'abc' }]);
  });

  it('forward mode: absolute-form in, origin-form upstream, Proxy-* headers not forwarded, URL recorded as sent', async () => {
    const up = await upstream((r) => r.socket.write(ok('hi')));
    const { port, exchanges } = await startProxy();
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send(
      `GET http://127.0.0.1:${up.port}/autodiscover/autodiscover.xml HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nProxy-Connection: keep-alive\r\nAccept: */*\r\n\r\n`,
    );
    const res = await c.response();
    expect(res.body.toString()).toBe('hi');
    expect(res.headerLines).toEqual(['Content-Length: 2']);
    await until(() => up.requests.length === 1);
    expect(up.requests[0]!.raw.toString('latin1')).toBe(
      `GET /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nAccept: */*\r\n\r\n`,
    );
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.request.url).toBe(`http://127.0.0.1:${up.port}/autodiscover/autodiscover.xml`);
  });
});

describe('connections', () => {
  it('keeps both legs alive: three requests on one client socket use one upstream socket', async () => {
    const up = await upstream((r) => r.socket.write(ok(`r${up.requests.length}`)));
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    let from = 0;
    for (let i = 1; i <= 3; i++) {
      c.send(`GET /x${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
      const r = await c.response({ from });
      from += r.raw.length;
      expect(r.body.toString()).toBe(`r${i}`);
    }
    expect(c.socket.destroyed).toBe(false);
    expect(up.connections).toBe(1);
    expect(up.requests.map((r) => r.conn)).toEqual([1, 1, 1]);
    await until(() => exchanges.length === 3);
    expect(new Set(exchanges.map((e) => e.connectionId)).size).toBe(1);
  });

  it('adds no listeners per request to the long-lived sockets (25 requests on one keep-alive connection)', async () => {
    const warnings: string[] = [];
    const onWarn = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarn);
    cleanups.push(() => void process.off('warning', onWarn));
    const up = await upstream((r) => r.socket.write(ok('k')));
    const { port } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    let from = 0;
    for (let i = 0; i < 25; i++) {
      c.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      from += (await c.response({ from })).raw.length;
    }
    await sleep(20);
    expect(up.connections).toBe(1);
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  });

  it('NTLM-style 3-leg handshake: one upstream socket per client socket, never shared', async () => {
    // The upstream authenticates the *connection*: leg 3 only succeeds on the socket that saw legs 1-2.
    const legs = new Map<number, number>();
    const up = await upstream((r) => {
      const auth = r.headers.find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      const seen = legs.get(r.conn) ?? 0;
      if (!auth) {
        legs.set(r.conn, 1);
        r.socket.write('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n');
      } else if (auth === 'NTLM TlRMTVNTUAABAAAA' && seen === 1) {
        legs.set(r.conn, 2);
        r.socket.write(
          'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM TlRMTVNTUAACAAAA\r\nContent-Length: 0\r\n\r\n',
        );
      } else if (auth === 'NTLM TlRMTVNTUAADAAAA' && seen === 2) {
        r.socket.write(ok(`welcome conn ${r.conn}`));
      } else {
        r.socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      }
    });
    const { port } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const a = await rawClient(port);
    const b = await rawClient(port);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const leg = async (c: typeof a, from: number, auth?: string) => {
      c.send(
        `POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n${auth ? `Authorization: ${auth}\r\n` : ''}\r\n`,
      );
      return c.response({ from });
    };
    // Interleave A and B so a shared pool would hand A's authenticated socket to B.
    const a1 = await leg(a, 0);
    const b1 = await leg(b, 0);
    const a2 = await leg(a, a1.raw.length, 'NTLM TlRMTVNTUAABAAAA');
    const b2 = await leg(b, b1.raw.length, 'NTLM TlRMTVNTUAABAAAA');
    const a3 = await leg(a, a1.raw.length + a2.raw.length, 'NTLM TlRMTVNTUAADAAAA');
    const b3 = await leg(b, b1.raw.length + b2.raw.length, 'NTLM TlRMTVNTUAADAAAA');
    expect([a1.startLine, a2.startLine, a3.startLine]).toEqual([
      'HTTP/1.1 401 Unauthorized',
      'HTTP/1.1 401 Unauthorized',
      'HTTP/1.1 200 OK',
    ]);
    expect([b1.startLine, b2.startLine, b3.startLine]).toEqual([
      'HTTP/1.1 401 Unauthorized',
      'HTTP/1.1 401 Unauthorized',
      'HTTP/1.1 200 OK',
    ]);
    expect(up.connections).toBe(2);
    const connA = up.requests[0]!.conn;
    const connB = up.requests[1]!.conn;
    expect(connA).not.toBe(connB);
    expect(up.requests.map((r) => r.conn)).toEqual([connA, connB, connA, connB, connA, connB]);
    expect(a3.body.toString()).toBe(`welcome conn ${connA}`);
  });

  it('closes the client socket when the pinned upstream socket closes while idle', async () => {
    const up = await upstream((r) => {
      r.socket.write(ok('bye'));
      setTimeout(() => r.socket.end(), 50);
    });
    const { port } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect((await c.response()).body.toString()).toBe('bye');
    const how = await Promise.race([c.ended, sleep(3000).then(() => 'still open')]);
    expect(how).toBe('end');
  });
});

describe('streaming', () => {
  it('passes a chunked MAPI Execute (PROCESSING / PENDING / DONE, 200 ms apart) chunk by chunk and records chunk times', async () => {
    const sent: number[] = [];
    const pieces = ['PROCESSING\r\n', 'PENDING\r\n', 'DONE\r\nX-ElapsedTime: 600\r\n\r\n' + 'B'.repeat(300)];
    const up = await upstream((r) => {
      r.socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nX-ResponseCode: 0\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      pieces.forEach((p, i) =>
        setTimeout(() => {
          sent.push(performance.timeOrigin + performance.now());
          r.socket.write(
            `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n${i === pieces.length - 1 ? '0\r\n\r\n' : ''}`,
          );
        }, i * 200),
      );
    });
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send(
      'POST /mapi/emsmdb/?MailboxId=x HTTP/1.1\r\nHost: x\r\nX-RequestType: Execute\r\nContent-Length: 3\r\n\r\nabc',
    );
    const res = await c.response({ timeoutMs: 5000 });
    expect(res.body.toString()).toBe(pieces.join(''));
    expect(res.headerLines).toEqual([
      'Content-Type: application/mapi-http',
      'X-ResponseCode: 0',
      'Transfer-Encoding: chunked',
    ]);
    // Arrival of each piece at the client: find the data event that carried its text.
    const arrivalOf = (text: string) => c.arrivals.find((a) => a.bytes.toString('latin1').includes(text))!.time;
    const t = [arrivalOf('PROCESSING'), arrivalOf('PENDING'), arrivalOf('DONE')];
    // The upstream wrote the pieces about 200 ms apart (timers may fire late on a loaded machine,
    // so compare with the actual write times). Buffering would deliver all three at DONE time.
    expect(sent[1]! - sent[0]!).toBeGreaterThan(150);
    expect(sent[2]! - sent[1]!).toBeGreaterThan(150);
    for (let i = 0; i < 3; i++) {
      expect(t[i]! - sent[i]!).toBeGreaterThanOrEqual(-1);
      expect(t[i]! - sent[i]!).toBeLessThan(100);
    }
    expect(t[1]! - t[0]!).toBeGreaterThan(sent[1]! - sent[0]! - 100);
    expect(t[2]! - t[1]!).toBeGreaterThan(sent[2]! - sent[1]! - 100);
    await until(() => exchanges.length === 1);
    const ex = exchanges[0]!;
    expect(ex.response!.chunks.map((k) => [k.offset, k.length])).toEqual([
      [0, 12],
      [12, 9],
      [21, Buffer.byteLength(pieces[2]!)],
    ]);
    // The recorded arrival time of each chunk is when it reached the proxy: after the write, before the client read.
    const ct = ex.response!.chunks.map((k) => k.time);
    for (let i = 0; i < 3; i++) {
      expect(ct[i]!).toBeGreaterThanOrEqual(sent[i]! - 1);
      expect(ct[i]!).toBeLessThanOrEqual(t[i]! + 1);
    }
    expect(Buffer.from(ex.response!.body).toString()).toBe(pieces.join(''));
    expect(ex.timings.responseEnd! - ex.timings.requestStart).toBeGreaterThan(sent[2]! - sent[0]!);
    expect(ex.aborted).toBeUndefined();
  });
});

describe('failures', () => {
  it('an upstream RST mid-body resets the client (no clean end) and records upstream-reset', async () => {
    const up = await upstream((r) => {
      r.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nPROCESSING\r\n\r\n');
      setTimeout(() => r.socket.resetAndDestroy(), 100);
    });
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    expect(await Promise.race([c.ended, sleep(3000).then(() => 'hang')])).toBe('reset');
    const got = c.received().toString('latin1');
    expect(got).toContain('PROCESSING');
    expect(got).not.toContain('0\r\n\r\n');
    expect(got).not.toMatch(/ERROR/);
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.aborted?.kind).toBe('upstream-reset');
    expect(Buffer.from(exchanges[0]!.response!.body).toString()).toBe('PROCESSING\r\n');
  });

  it('an upstream FIN mid-body closes the client connection and records upstream-close', async () => {
    const up = await upstream((r) => {
      r.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nPENDING\r\n');
      setTimeout(() => r.socket.destroy(), 100);
    });
    const { port, exchanges } = await startProxy({ mode: 'reverse', reverseTarget: `http://127.0.0.1:${up.port}` });
    const c = await rawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const how = await Promise.race([c.ended, sleep(3000).then(() => 'hang')]);
    expect(how === 'end' || how === 'close').toBe(true);
    expect(c.received().toString('latin1')).toMatch(/\r\n\r\nPENDING\r\n$/);
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.aborted?.kind).toBe('upstream-close');
  });

  it('a dead upstream gives the client a clear 502, is recorded, and the proxy keeps working', async () => {
    const up = await upstream((r) => r.socket.write(ok('alive')));
    const deadPort = up.port;
    await up.close();
    const { port, exchanges } = await startProxy();
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send(`GET http://127.0.0.1:${deadPort}/ HTTP/1.1\r\nHost: 127.0.0.1:${deadPort}\r\n\r\n`);
    const r = await c.response();
    expect(r.startLine).toBe('HTTP/1.1 502 Bad Gateway');
    expect(r.body.toString()).toContain('ECONNREFUSED');
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.aborted).toMatchObject({ kind: 'upstream-error' });
    expect(exchanges[0]!.aborted!.message).toContain('ECONNREFUSED');
    const up2 = await upstream((q) => q.socket.write(ok('alive')));
    const c2 = await rawClient(port);
    cleanups.push(() => c2.close());
    c2.send(`GET http://127.0.0.1:${up2.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${up2.port}\r\n\r\n`);
    expect((await c2.response()).body.toString()).toBe('alive');
  });

  it('records a client reset while the response is pending, and resets the upstream socket', async () => {
    const up = await upstream(() => {
      /* never answers */
    });
    const { port, exchanges, conns } = await startProxy({
      mode: 'reverse',
      reverseTarget: `http://127.0.0.1:${up.port}`,
    });
    const c = await rawClient(port);
    c.send(
      'POST /mapi/emsmdb/?MailboxId=x HTTP/1.1\r\nHost: x\r\nX-RequestType: NotificationWait\r\nContent-Length: 2\r\n\r\nhi',
    );
    await until(() => up.requests.length === 1);
    c.socket.resetAndDestroy();
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.aborted?.kind).toBe('client-reset');
    expect(exchanges[0]!.aborted!.message).toContain('ECONNRESET');
    expect(exchanges[0]!.response).toBeUndefined();
    expect(Buffer.from(exchanges[0]!.request.body).toString()).toBe('hi');
    await until(() => up.closes.length === 1);
    expect(up.closes[0]!.how).toBe('reset');
    await until(() => conns.some((e) => e.type === 'close'));
    expect(conns.find((e) => e.type === 'close')!.error).toBe('ECONNRESET');
  });
});

describe('HTTPS', () => {
  it('intercepts CONNECT with the CA trusted by the client and verifies the upstream with an extra CA', async () => {
    const up = await upstream((r) => r.socket.write(ok('secret', 'X-Server: on-prem\r\n')), { tls: upstreamCert });
    const { port, exchanges } = await startProxy({ upstreamCa: upstreamCert.cert });
    const c = await tunnelClient(port, `127.0.0.1:${up.port}`, ca.exportPem());
    cleanups.push(() => c.close());
    c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx');
    const r = await c.response();
    expect(r.body.toString()).toBe('secret');
    expect(r.headerLines).toEqual(['Content-Length: 6', 'X-Server: on-prem']);
    c.send('GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await c.response({ from: r.raw.length });
    expect(up.connections).toBe(1);
    // Inside the tunnel too, the upstream gets the client's bytes unchanged.
    expect(up.requests.map((q) => q.raw.toString('latin1'))).toEqual([
      'POST /mapi/emsmdb/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx',
      'GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    ]);
    await until(() => exchanges.length === 2);
    const ex = exchanges[0]!;
    expect(ex.origin).toBe(`https://127.0.0.1:${up.port}`);
    expect(ex.request.url).toBe('/mapi/emsmdb/');
    expect(ex.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(ex.tls?.certificateError).toBeUndefined();
    expect(exchanges[1]!.connectionId).toBe(ex.connectionId);
  });

  it('an untrusted upstream certificate is a clear recorded error until the host is trusted anyway', async () => {
    const up = await upstream((r) => r.socket.write(ok('after trust')), { tls: upstreamCert });
    const logged: string[] = [];
    const sink = (...a: unknown[]) => void logged.push(a.map(String).join(' '));
    const { engine, port, exchanges, untrusted } = await startProxy({
      logger: { debug: sink, info: sink, warn: sink, error: sink },
    });
    const c = await tunnelClient(port, `127.0.0.1:${up.port}`, ca.exportPem());
    cleanups.push(() => c.close());
    c.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const r = await c.response();
    expect(r.startLine).toBe('HTTP/1.1 502 Bad Gateway');
    expect(r.body.toString()).toContain(`upstream certificate for 127.0.0.1:${up.port} is not trusted`);
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.tls?.certificateError).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN): /);
    expect(exchanges[0]!.aborted?.kind).toBe('upstream-error');
    expect(untrusted).toEqual([
      expect.objectContaining({ host: `127.0.0.1:${up.port}`, exchangeId: exchanges[0]!.id }),
    ]);
    engine.trustHost(untrusted[0]!.host);
    const c2 = await tunnelClient(port, `127.0.0.1:${up.port}`, ca.exportPem());
    cleanups.push(() => c2.close());
    c2.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect((await c2.response()).body.toString()).toBe('after trust');
    await until(() => exchanges.length === 2);
    expect(exchanges[1]!.tls).toMatchObject({ trustedAnyway: true });
    expect(exchanges[1]!.tls!.certificateError).toMatch(/self.signed/i);
    // The library's own diagnostics went to our logger (and not to the console, see below).
    expect(logged).toContain('PROXY_TO_SERVER_REQUEST_ERROR');
  });

  it('reverse mode accepts TLS clients too (leaf minted for the SNI name) and plain HTTP on the same port', async () => {
    const up = await upstream((r) => r.socket.write(ok(`tls-front ${r.conn}`)), { tls: upstreamCert });
    const { port, exchanges, conns } = await startProxy({
      mode: 'reverse',
      reverseTarget: `https://127.0.0.1:${up.port}`,
      upstreamCa: upstreamCert.cert,
    });
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'mail.contoso.test', ca: ca.exportPem() });
    await new Promise<void>((r, j) => {
      s.once('secureConnect', () => r());
      s.once('error', j);
    });
    expect(s.authorized).toBe(true);
    expect(s.getPeerX509Certificate()?.subjectAltName).toBe('DNS:mail.contoso.test');
    const c = wrapClient(s);
    cleanups.push(() => c.close());
    c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: mail.contoso.test\r\nContent-Length: 0\r\n\r\n');
    const r1 = await c.response();
    expect(r1.body.toString()).toBe('tls-front 1');
    c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: mail.contoso.test\r\nContent-Length: 0\r\n\r\n');
    expect((await c.response({ from: r1.raw.length })).body.toString()).toBe('tls-front 1');
    const plain = await rawClient(port);
    cleanups.push(() => plain.close());
    plain.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await plain.response()).body.toString()).toBe('tls-front 2');
    await until(() => exchanges.length === 3);
    expect(exchanges.map((e) => e.connectionId)).toEqual([
      exchanges[0]!.connectionId,
      exchanges[0]!.connectionId,
      exchanges[2]!.connectionId,
    ]);
    expect(exchanges[2]!.connectionId).not.toBe(exchanges[0]!.connectionId);
    expect(exchanges[0]!.request.url).toBe('/mapi/emsmdb/');
    expect(conns.find((e) => e.type === 'connect')?.target).toBe(`mail.contoso.test:${up.port}`);
  });

  it('renews an interception leaf that is due while the proxy keeps running', async () => {
    // The first leaf is minted "9 days ago" (so it is valid now but has one day left).
    let clock = Date.now() - 9 * 86_400_000;
    const dir = await mkdtemp(path.join(tmpdir(), 'msca-renew-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const shortCa = await CertificateAuthority.loadOrCreate(dir, {
      leafValidityDays: 10,
      leafRenewDays: 2,
      now: () => new Date(clock),
    });
    const up = await upstream((r) => r.socket.write(ok('renewed')), { tls: upstreamCert });
    const { port } = await startProxy({ ca: shortCa, upstreamCa: upstreamCert.cert });
    const serialOf = async () => {
      const c = await tunnelClient(port, `127.0.0.1:${up.port}`, shortCa.exportPem());
      const serial = (c.socket as unknown as tls.TLSSocket).getPeerX509Certificate()!.serialNumber;
      c.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect((await c.response()).body.toString()).toBe('renewed');
      c.close();
      return serial;
    };
    const s1 = await serialOf();
    expect(await serialOf()).toBe(s1); // same server, same leaf
    clock = Date.now(); // one day left < 2 renewal days
    const s3 = await serialOf();
    expect(s3).not.toBe(s1);
    expect(await serialOf()).toBe(s3);
  });

  it("a CONNECT tunnel to plain HTTP: one client connection recorded, not the library's internal hop", async () => {
    const up = await upstream((r) => r.socket.write(ok('plain tunnel')));
    const { port, exchanges, conns } = await startProxy();
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send(`CONNECT 127.0.0.1:${up.port} HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\n\r\n`);
    await until(() => c.received().includes('\r\n\r\n'));
    const from = c.received().length;
    c.send(`GET /in-tunnel HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\n\r\n`);
    expect((await c.response({ from })).body.toString()).toBe('plain tunnel');
    await until(() => exchanges.length === 1);
    await sleep(30);
    const opens = conns.filter((e) => e.type === 'open');
    expect(opens.map((e) => e.connectionId)).toEqual([exchanges[0]!.connectionId]);
    expect(exchanges[0]!.origin).toBe(`http://127.0.0.1:${up.port}`);
  });

  it('reverse mode to an https target', async () => {
    const up = await upstream((r) => r.socket.write(ok('rev-tls')), { tls: upstreamCert });
    const { port, exchanges } = await startProxy({
      mode: 'reverse',
      reverseTarget: `https://127.0.0.1:${up.port}`,
      upstreamCa: upstreamCert.cert,
    });
    const c = await rawClient(port);
    cleanups.push(() => c.close());
    c.send('GET /owa/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect((await c.response()).body.toString()).toBe('rev-tls');
    await until(() => exchanges.length === 1);
    expect(exchanges[0]!.origin).toBe(`https://127.0.0.1:${up.port}`);
    expect(exchanges[0]!.tls?.protocol).toMatch(/^TLSv1/);
  });
});

describe('no files outside the CA folder', () => {
  it('the library writes no CA of its own into the working directory', async () => {
    const cwd = process.cwd();
    const dir = await mkdtemp(path.join(tmpdir(), 'mscwd-'));
    process.chdir(dir);
    try {
      const e = new MitmProxyEngine({ mode: 'reverse', reverseTarget: 'http://127.0.0.1:9' });
      await e.start();
      await e.stop();
      const forward = new MitmProxyEngine({ mode: 'forward', ca });
      await forward.start();
      await forward.stop();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('quiet library', () => {
  it('printed nothing on the console during all of the above', () => {
    expect(consoleCalls).toEqual([]);
  });
});
