/**
 * Test helpers for the proxy: a raw-socket upstream (exact bytes both ways), a raw client with
 * arrival times, a tiny HTTP/1.1 message parser, and a throwaway self-signed certificate.
 * Everything listens on 127.0.0.1 with port 0 and is bounded by timeouts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** A self-signed certificate for CN/SAN 127.0.0.1, made with the openssl CLI. */
export function selfSignedCert(cn = '127.0.0.1'): { key: string; cert: string } {
  const d = mkdtempSync(path.join(tmpdir(), 'mscert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(d, 'k.pem'),
        '-out',
        path.join(d, 'c.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=IP:${cn}`,
      ],
      { stdio: 'ignore', timeout: 20_000 },
    );
    return { key: readFileSync(path.join(d, 'k.pem'), 'utf8'), cert: readFileSync(path.join(d, 'c.pem'), 'utf8') };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

export interface ParsedMessage {
  startLine: string;
  /** Header lines exactly as on the wire, without CRLF. */
  headerLines: string[];
  headers: [string, string][];
  body: Buffer;
  /** Bytes of the whole message, framing included. */
  raw: Buffer;
  chunked: boolean;
}

/**
 * Parses one HTTP/1.1 message from the start of `buf`. Returns undefined if incomplete.
 * Body framing: Content-Length, chunked, or (responses only, `toClose`) until the end.
 */
export function parseMessage(
  buf: Buffer,
  opts: { toClose?: boolean; noBody?: boolean } = {},
): ParsedMessage | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const startLine = lines.shift()!;
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
  });
  const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
  let o = end + 4;
  if (opts.noBody)
    return { startLine, headerLines: lines, headers, body: Buffer.alloc(0), raw: buf.subarray(0, o), chunked: false };
  const te = get('transfer-encoding');
  if (te && /chunked/i.test(te)) {
    const parts: Buffer[] = [];
    for (;;) {
      const le = buf.indexOf('\r\n', o);
      if (le < 0) return undefined;
      const size = parseInt(buf.subarray(o, le).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error(`bad chunk size at ${o}`);
      if (size === 0) {
        const tEnd = buf.indexOf('\r\n\r\n', le);
        if (tEnd < 0) return undefined;
        return {
          startLine,
          headerLines: lines,
          headers,
          body: Buffer.concat(parts),
          raw: buf.subarray(0, tEnd + 4),
          chunked: true,
        };
      }
      if (buf.length < le + 2 + size + 2) return undefined;
      parts.push(buf.subarray(le + 2, le + 2 + size));
      o = le + 2 + size + 2;
    }
  }
  const cl = get('content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    if (buf.length < o + n) return undefined;
    return {
      startLine,
      headerLines: lines,
      headers,
      body: buf.subarray(o, o + n),
      raw: buf.subarray(0, o + n),
      chunked: false,
    };
  }
  if (opts.toClose) return undefined;
  return { startLine, headerLines: lines, headers, body: Buffer.alloc(0), raw: buf.subarray(0, o), chunked: false };
}

export interface UpstreamRequest extends ParsedMessage {
  /** 1-based upstream connection number. */
  conn: number;
  socket: Socket;
}

export interface RawUpstream {
  port: number;
  /** Upstream TCP connections accepted so far. */
  connections: number;
  requests: UpstreamRequest[];
  /** Resolves when a connection closes: 'close' or 'reset' (ECONNRESET). */
  closes: { conn: number; how: 'close' | 'reset' }[];
  close(): Promise<void>;
}

/** A raw HTTP/1.1 upstream: `handle` writes the exact response bytes to the socket. */
export async function rawUpstream(
  handle: (req: UpstreamRequest) => void,
  opts: { tls?: { key: string; cert: string } } = {},
): Promise<RawUpstream> {
  const sockets = new Set<Socket>();
  const state: RawUpstream = {
    port: 0,
    connections: 0,
    requests: [],
    closes: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const onSocket = (s: Socket) => {
    const conn = ++state.connections;
    sockets.add(s);
    let buf = Buffer.alloc(0);
    let how: 'close' | 'reset' = 'close';
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') how = 'reset';
    });
    s.on('close', () => {
      sockets.delete(s);
      state.closes.push({ conn, how });
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const m = parseMessage(buf);
        if (!m) break;
        buf = buf.subarray(m.raw.length);
        const r = { ...m, conn, socket: s };
        state.requests.push(r);
        handle(r);
      }
    });
  };
  const server = opts.tls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

export interface RawClient {
  socket: Socket;
  /** Every data event with its arrival time. */
  arrivals: { time: number; bytes: Buffer }[];
  ended: Promise<'end' | 'close' | 'reset'>;
  send(s: string | Buffer): void;
  /** Waits for a complete response (parsed from the bytes received since `from`). */
  response(opts?: { from?: number; timeoutMs?: number; noBody?: boolean }): Promise<ParsedMessage>;
  received(): Buffer;
  close(): void;
}

export function wrapClient(socket: Socket): RawClient {
  const arrivals: { time: number; bytes: Buffer }[] = [];
  let how: 'end' | 'close' | 'reset' = 'close';
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    arrivals.push({ time: now(), bytes: d });
    for (const w of waiters) w();
  });
  socket.on('end', () => (how = 'end'));
  socket.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNRESET') how = 'reset';
  });
  const ended = new Promise<'end' | 'close' | 'reset'>((r) =>
    socket.on('close', () => {
      r(how);
      for (const w of waiters) w();
    }),
  );
  const received = () => Buffer.concat(arrivals.map((a) => a.bytes));
  return {
    socket,
    arrivals,
    ended,
    send: (s) => socket.write(s),
    received,
    close: () => socket.destroy(),
    response: ({ from = 0, timeoutMs = 5000, noBody = false } = {}) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = parseMessage(received().subarray(from), { noBody });
          if (m) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(m);
          } else if (socket.destroyed) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`connection ended before a complete response (${received().length - from} bytes)`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no complete response within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

export async function rawClient(port: number): Promise<RawClient> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('error', j);
  });
  return wrapClient(s);
}

/** CONNECT through the proxy, then TLS to the intercepted origin, trusting `ca`. */
export async function tunnelClient(
  proxyPort: number,
  target: string,
  ca: string,
  servername?: string,
): Promise<RawClient> {
  const s = net.connect(proxyPort, '127.0.0.1');
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('error', j);
  });
  s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    let b = Buffer.alloc(0);
    const t = setTimeout(() => reject(new Error('CONNECT timed out')), 5000);
    const on = (d: Buffer) => {
      b = Buffer.concat([b, d]);
      if (b.indexOf('\r\n\r\n') >= 0) {
        s.off('data', on);
        clearTimeout(t);
        if (!b.toString('latin1').startsWith('HTTP/1.1 200'))
          reject(new Error(`CONNECT refused: ${b.toString('latin1')}`));
        else resolve();
      }
    };
    s.on('data', on);
  });
  const host = target.replace(/:\d+$/, '');
  const t = tls.connect({
    socket: s,
    ca,
    host,
    ...(servername ? { servername } : net.isIP(host) ? {} : { servername: host }),
  });
  await new Promise<void>((r, j) => {
    t.once('secureConnect', () => r());
    t.once('error', j);
  });
  const c = wrapClient(t);
  // The RST/close arrives on the TCP socket under the TLS layer.
  s.on('error', () => undefined);
  return c;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 10 ms until true or `timeoutMs` passes. */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
