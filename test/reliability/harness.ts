/**
 * Reliability test harness: a MAPI-shaped local upstream that keeps only hashes of what it
 * sent and received (so a long run holds no bodies), a lean keep-alive client (parses each
 * response and drops its bytes), the `mapiscope capture` CLI as a child process, and RSS
 * sampling of that child from /proc. Everything listens on 127.0.0.1 with port 0; every
 * wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage, until } from '../integration/proxy/helpers.js';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/mapiscope.mjs');

export const sha = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

/** 4 MiB of seeded random bytes; bodies are slices of it. */
export const POOL = (() => {
  const b = Buffer.alloc(4 << 20);
  let x = 0x9e3779b9;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b.writeUInt32LE(x, i);
  }
  return b;
})();

export function slice(seed: number, n: number): Buffer {
  const at = (seed * 7919) % (POOL.length - n);
  return POOL.subarray(at, at + n);
}

export interface Seen {
  req: string;
  res: string;
}

export interface MapiUpstream {
  port: number;
  /** By X-Soak-Id: hash of the request body received and of the response body sent (de-chunked). */
  seen: Map<string, Seen>;
  connections: number;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** NotificationWait: how long to hold (ms) and the PENDING interval. */
  holdMs: (id: number) => number;
  pendingMs: number;
  /** Execute: response body size and think time. */
  executeBytes: (id: number) => number;
  executeDelayMs: (id: number) => number;
}

/**
 * A raw HTTP/1.1 upstream answering MAPI-shaped chunked responses (PROCESSING, PENDING…,
 * DONE + meta + body). NotificationWait is held open; Execute answers after a short delay.
 */
export async function mapiUpstream(o: UpstreamOptions): Promise<MapiUpstream> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const seen = new Map<string, Seen>();
  const state = { port: 0, seen, connections: 0 } as MapiUpstream;
  const server = net.createServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    let buf: Buffer = Buffer.alloc(0);
    let busy = false;
    const pump = () => {
      if (busy) return;
      const m = parseMessage(buf);
      if (!m) return;
      buf = buf.subarray(m.raw.length);
      busy = true;
      const hdr = (n: string) => m.headers.find(([k]) => k.toLowerCase() === n)?.[1] ?? '';
      const id = hdr('x-soak-id');
      const n = Number(id.replace(/\D/g, '')) || 0;
      const type = hdr('x-requesttype');
      const parts: Buffer[] = [];
      const write = (data: Buffer | string) => {
        const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
        parts.push(b);
        s.write(`${b.length.toString(16)}\r\n`);
        s.write(b);
        s.write('\r\n');
      };
      s.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nX-RequestType: ${type}\r\nX-ResponseCode: 0\r\nX-Soak-Id: ${id}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      write('PROCESSING\r\n');
      const finish = (body: Buffer) => {
        write(Buffer.concat([Buffer.from('DONE\r\nX-ElapsedTime: 1\r\n\r\n', 'latin1'), body]));
        s.write('0\r\n\r\n');
        seen.set(id, { req: sha(m.body), res: sha(Buffer.concat(parts)) });
        busy = false;
        setImmediate(pump);
      };
      if (type === 'NotificationWait') {
        const hold = o.holdMs(n);
        const t0 = Date.now();
        const tick = setInterval(() => {
          if (s.destroyed) return void (clearInterval(tick), timers.delete(tick));
          if (Date.now() - t0 >= hold) {
            clearInterval(tick);
            timers.delete(tick);
            finish(slice(n, 8 + (n % 32)));
          } else write('PENDING\r\n');
        }, o.pendingMs);
        timers.add(tick);
      } else {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!s.destroyed) finish(slice(n, o.executeBytes(n)));
        }, o.executeDelayMs(n));
        timers.add(t);
      }
    };
    s.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = async () => {
    for (const t of timers) clearTimeout(t);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

/** A keep-alive client that sends one request at a time and keeps no bytes between responses. */
export class LeanClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiter:
    | {
        resolve: (m: { headers: [string, string][]; body: Buffer }) => void;
        reject: (e: Error) => void;
        timer: NodeJS.Timeout;
      }
    | undefined;
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.check();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        clearTimeout(w.timer);
        w.reject(new Error('connection closed before a complete response'));
      }
    });
  }
  static async connect(port: number): Promise<LeanClient> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => {
      s.once('connect', () => r());
      s.once('error', j);
    });
    return new LeanClient(s);
  }
  private check() {
    const w = this.waiter;
    if (!w) return;
    const m = parseMessage(this.buf);
    if (!m) return;
    this.buf = this.buf.subarray(m.raw.length);
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve({ headers: m.headers, body: Buffer.from(m.body) });
  }
  request(head: string, body: Buffer, timeoutMs: number): Promise<{ headers: [string, string][]; body: Buffer }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('closed'));
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.socket.write(`${head}Content-Length: ${body.length}\r\n\r\n`);
      this.socket.write(body);
    });
  }
  close() {
    this.socket.destroy();
  }
}

export interface CliCapture {
  child: ChildProcess;
  io: { stderr: string };
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `mapiscope capture --reverse <upstream> --out <file>` as a child; resolves once it listens. */
export async function startCliCapture(
  upstream: string,
  out: string,
  dataDir: string,
  extra: string[] = [],
): Promise<CliCapture> {
  const child = spawn(
    process.execPath,
    [BIN, 'capture', '--port', '0', '--reverse', upstream, '--out', out, '--data-dir', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const io = { stderr: '' };
  child.stderr.on('data', (d: Buffer) => {
    io.stderr += d.toString();
    // Keep only the tail of a long run's log (the crash test reads lines as they come).
    if (io.stderr.length > 4 << 20) io.stderr = io.stderr.slice(-(1 << 20));
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  try {
    await until(
      () => /listening on 127\.0\.0\.1:(\d+)/.test(io.stderr) || child.exitCode !== null,
      30_000,
      'the CLI to listen',
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const m = /listening on 127\.0\.0\.1:(\d+)/.exec(io.stderr);
  if (!m) throw new Error(`capture did not start: ${io.stderr}`);
  return { child, io, port: Number(m[1]), exited };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
