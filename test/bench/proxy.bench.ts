/**
 * Proxy bench: a MAPI-shaped chunked Execute (10 KB request; 200 with Transfer-Encoding: chunked,
 * "PROCESSING", optional "PENDING"s, "DONE" + meta + 30 KB binary) through each target, measured
 * side by side in one run with alternating rounds (A B C … A B C …):
 *   direct (baseline) · minimal TCP relay (the floor of any user-space proxy) · ours (MitmProxyEngine) ·
 *   the product path: `mapiscope capture` itself (bin/mapiscope.mjs, the engine, its recorder and the
 *   capture writer writing the .mscap, one line per exchange to its stderr, here a file) ·
 *   raw http-mitm-proxy 1.1.0 (keepAlive, no handlers) · mockttp 4.4.2 pass-through · mitmdump if
 *   installed, streaming bodies, and `mitmdump -w` writing its flow file (bodies buffered, as it must
 *   to save them).
 * Figures: latency p50/p99 at concurrency 1, exchanges/s at 8 and 32, delay each streamed PENDING
 * chunk takes from the upstream's write to the client's read, CPU time per exchange in the
 * throughput rounds (the proxy's main thread, which runs its event loop, and the whole process), and
 * each proxy's peak RSS. The product path's rows come first, with the goals.
 *
 * The upstream (the MAPI-shaped server) runs in a child process of its own, as Exchange never shares
 * Outlook's event loop: "direct" is then one process hop (client → upstream) and a proxy two. For
 * continuity with earlier figures, a second upstream inside the client's process is measured as
 * "direct (upstream in the client process)", latency only. Each proxy and the relay run in their own
 * child process too (this file with MAPISCOPE_BENCH_CHILD set). Every child exits when its stdin
 * closes (the parent exited or was killed) and after a hard time limit. Plain HTTP forward proxying;
 * everything on 127.0.0.1 with ephemeral ports; every loop is bounded by count and time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchResult } from './types.js';

const SELF = fileURLToPath(import.meta.url);
const REQ_SIZE = 10 * 1024;
const RESP_SIZE = 30 * 1024;
const MAPI_PATH = '/mapi/emsmdb/?MailboxId=bench@mapiscope.test';
const now = () => performance.timeOrigin + performance.now();

/* ---------------- child processes: the upstream, the relay, one proxy each ---------------- */

/** Hard limit on a child's life, whatever happens to the parent (a full run takes a few minutes). */
const CHILD_TTL_MS = 20 * 60_000;

async function child(kind: string): Promise<void> {
  // Bounded lifetime: the parent holds our stdin open; it closes when the parent exits or is killed.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  setTimeout(() => process.exit(3), CHILD_TTL_MS).unref();
  const ready = (port: number) => process.stdout.write(`READY ${port}\n`);
  const quiet = () => undefined;
  if (kind === 'upstream') {
    ready((await startUpstream()).port);
  } else if (kind === 'relay') {
    ready(await startRelay());
  } else if (kind === 'ours') {
    const { MitmProxyEngine } = await import('../../electron/backend/proxy/mitm-engine.js');
    const e = new MitmProxyEngine({ mode: 'forward', host: '127.0.0.1', port: 0 });
    let n = 0;
    e.on('exchange', () => void n++);
    ready((await e.start()).port);
  } else if (kind === 'hmp') {
    for (const m of ['log', 'info', 'debug', 'warn', 'error'] as const) console[m] = quiet;
    const { Proxy } = await import('http-mitm-proxy');
    const p = new Proxy();
    const dir = process.env.MAPISCOPE_BENCH_DIR!;
    await new Promise<void>((r, j) =>
      p.listen({ host: '127.0.0.1', port: 0, keepAlive: true, sslCaDir: path.join(dir, 'hmp-ca') }, ((e?: Error) =>
        e ? j(e) : r()) as () => void),
    );
    ready((p as unknown as { httpPort: number }).httpPort);
  } else if (kind === 'mockttp') {
    // mockttp listens without a host (all interfaces): pin host-less listen() calls to 127.0.0.1.
    const net = await import('node:net');
    const orig = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: import('node:net').Server, ...a: unknown[]) {
      if (typeof a[0] === 'number' && typeof a[1] !== 'string') a.splice(1, 0, '127.0.0.1');
      else if (
        a[0] &&
        typeof a[0] === 'object' &&
        (a[0] as { port?: unknown }).port !== undefined &&
        !(a[0] as { host?: unknown }).host
      ) {
        a[0] = { ...a[0], host: '127.0.0.1' };
      }
      return (orig as (...x: unknown[]) => import('node:net').Server).apply(this, a);
    } as typeof orig;
    const mod = (await import('mockttp')) as unknown as typeof import('mockttp') & {
      default?: typeof import('mockttp');
    };
    const mockttp = mod.default ?? mod;
    const server = mockttp.getLocal({ recordTraffic: false });
    await server.start(0);
    await server.forAnyRequest().thenPassThrough();
    ready(server.port);
  } else throw new Error(`unknown bench child ${kind}`);
}

/* ---------------- upstream (a child of its own; a second one in this process for continuity) ---------------- */

/**
 * The MAPI-shaped server. Besides the POSTs it answers `GET /sent?id=…` (JSON array of the send
 * times of that exchange's PENDING chunks, then forgotten) and `GET /now` (its clock), both on the
 * clock `performance.timeOrigin + performance.now()` of its own process.
 */
async function startUpstream(): Promise<{ port: number; pendingSent: Map<string, number[]>; close(): Promise<void> }> {
  const respBody = Buffer.alloc(RESP_SIZE, 0x5a);
  const pendingSent = new Map<string, number[]>();
  const srv = http.createServer((req, res) => {
    if (req.method === 'GET') {
      const u = new URL(req.url ?? '/', 'http://x');
      let body: string;
      if (u.pathname === '/now') body = JSON.stringify(now());
      else if (u.pathname === '/sent') {
        const id = u.searchParams.get('id') ?? '';
        body = JSON.stringify(pendingSent.get(id) ?? []);
        pendingSent.delete(id);
      } else {
        res.writeHead(404, { 'Content-Length': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }
    let got = 0;
    req.on('data', (c: Buffer) => (got += c.length));
    req.on('end', () => {
      if (got !== REQ_SIZE) {
        res.writeHead(400, { 'Content-Length': '0' });
        res.end();
        return;
      }
      res.writeHead(200, [
        'Content-Type',
        'application/mapi-http',
        'X-RequestType',
        'Execute',
        'X-ResponseCode',
        '0',
        'Transfer-Encoding',
        'chunked',
      ]);
      res.write('PROCESSING\r\n');
      const [count, interval] = String(req.headers['x-bench-pending'] ?? '0,0')
        .split(',')
        .map(Number) as [number, number];
      const id = String(req.headers['x-bench-id'] ?? '');
      const sent: number[] = [];
      let i = 0;
      const finish = () => {
        if (id) pendingSent.set(id, sent);
        res.write('DONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 5\r\n\r\n');
        res.end(respBody);
      };
      if (count <= 0) return finish();
      const t = setInterval(() => {
        sent.push(now());
        res.write('PENDING\r\n');
        if (++i >= count) {
          clearInterval(t);
          setTimeout(finish, interval);
        }
      }, interval);
    });
  });
  srv.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as AddressInfo).port,
    pendingSent,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

/** How the client reaches an upstream and reads its PENDING send times on the client's clock. */
interface Upstream {
  port: number;
  /** Send times of exchange `id`'s PENDING chunks, converted to this process's clock. */
  sent(id: string): Promise<number[]>;
  /** Estimated (upstream clock − client clock) in ms; 0 in process. */
  offset: number;
  close(): Promise<void>;
}

async function inProcessUpstream(): Promise<Upstream> {
  const u = await startUpstream();
  return {
    port: u.port,
    offset: 0,
    sent: (id) => {
      const s = u.pendingSent.get(id) ?? [];
      u.pendingSent.delete(id);
      return Promise.resolve(s);
    },
    close: () => u.close(),
  };
}

function getJson(port: number, p: string, agent: http.Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (s += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(s));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * The upstream child. Its send times are on its own clock (`performance.timeOrigin + performance.now()`
 * of another process), so they can differ from ours by a constant offset (each process's timeOrigin is
 * a wall-clock reading at its start). We estimate that offset once, NTP-style, from the `GET /now`
 * with the shortest round trip, and subtract it so the absolute chunk delays stay meaningful; whatever
 * error is left is the same constant for every target, so it cancels in the "added delay" figure
 * (proxied minus direct, both against this one upstream).
 */
async function childUpstream(c: ChildProcess, port: number): Promise<Upstream> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 50; i++) {
    const t0 = now();
    const theirs = (await getJson(port, '/now', agent)) as number;
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
  }
  return {
    port,
    offset: best.offset,
    sent: async (id) =>
      ((await getJson(port, `/sent?id=${encodeURIComponent(id)}`, agent)) as number[]).map((t) => t - best.offset),
    close: async () => {
      agent.destroy();
      await stopChild(c);
    },
  };
}

/* ---------------- minimal TCP relay: the floor of any user-space proxy ---------------- */

/**
 * A forward proxy that does nothing but copy bytes: per client connection one upstream connection
 * (opened on the first request head; the bench sends every request of a connection to one origin),
 * request heads rewritten from absolute form to origin form, request bodies (Content-Length or
 * chunked) passed through byte for byte, responses relayed as they arrive (socket.write on 'data',
 * noDelay both ways). It parses no response and records nothing.
 */
function startRelay(): Promise<number> {
  const srv = net.createServer((client) => {
    client.setNoDelay(true);
    let upstream: net.Socket | undefined;
    let origin = '';
    let pending: Buffer = Buffer.alloc(0);
    let state: 'head' | 'fixed' | 'size' | 'data' | 'trailer' = 'head';
    let remaining = 0;
    const fail = () => {
      client.destroy();
      upstream?.destroy();
    };
    client.on('error', fail);
    client.on('end', () => upstream?.end());
    client.on('close', () => upstream?.destroy());
    client.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      const out: Buffer[] = [];
      let off = 0;
      while (off < pending.length) {
        if (state === 'fixed' || state === 'data') {
          const n = Math.min(remaining, pending.length - off);
          out.push(pending.subarray(off, off + n));
          off += n;
          remaining -= n;
          if (remaining === 0) state = state === 'fixed' ? 'head' : 'size';
          continue;
        }
        const sep = state === 'head' ? '\r\n\r\n' : '\r\n';
        const end = pending.indexOf(sep, off, 'latin1');
        if (end < 0) break;
        const next = end + sep.length;
        if (state === 'head') {
          const head = pending.toString('latin1', off, end);
          const eol = head.indexOf('\r\n');
          const m = /^(\S+) http:\/\/([^/\s]+)(\S*) (HTTP\/1\.[01])$/.exec(eol < 0 ? head : head.slice(0, eol));
          if (!m) return fail();
          const [, method, host, p, version] = m as unknown as [string, string, string, string, string];
          if (!upstream) {
            origin = host;
            const colon = host.lastIndexOf(':');
            const u = net.connect({
              host: colon < 0 ? host : host.slice(0, colon),
              port: colon < 0 ? 80 : Number(host.slice(colon + 1)),
            });
            u.setNoDelay(true);
            u.on('data', (b: Buffer) => client.write(b));
            u.on('end', () => client.end());
            u.on('error', fail);
            u.on('close', () => client.destroy());
            upstream = u;
          } else if (host !== origin) return fail();
          out.push(Buffer.from(`${method} ${p || '/'} ${version}${eol < 0 ? '' : head.slice(eol)}\r\n\r\n`, 'latin1'));
          if (/\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head)) state = 'size';
          else {
            const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
            remaining = cl ? Number(cl[1]) : 0;
            state = remaining > 0 ? 'fixed' : 'head';
          }
        } else if (state === 'size') {
          out.push(pending.subarray(off, next));
          const size = parseInt(pending.toString('latin1', off, end), 16);
          if (!(size >= 0)) return fail();
          if (size === 0) state = 'trailer';
          else {
            state = 'data';
            remaining = size + 2; // the data and its CRLF
          }
        } else {
          out.push(pending.subarray(off, next));
          if (end === off) state = 'head'; // the empty line that ends the trailers
        }
        off = next;
      }
      pending = off < pending.length ? pending.subarray(off) : Buffer.alloc(0);
      if (pending.length > 64 * 1024) return fail();
      if (out.length && upstream) upstream.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as AddressInfo).port));
  });
}

/* ---------------- client ---------------- */

interface Target {
  name: string;
  /** Proxy port; undefined = direct. */
  proxyPort?: number;
  /** The upstream this target's exchanges go to. */
  up: Upstream;
  pid?: number;
  child?: ChildProcess;
}

const reqBody = Buffer.alloc(REQ_SIZE, 0x41);

function exchange(
  t: Target,
  agent: http.Agent,
  extra: Record<string, string> = {},
  onData?: (b: Buffer, time: number) => void,
): Promise<number> {
  const t0 = now();
  const upPort = t.up.port;
  const url = `http://127.0.0.1:${upPort}${MAPI_PATH}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: t.proxyPort ?? upPort,
        method: 'POST',
        path: t.proxyPort ? url : MAPI_PATH,
        agent,
        headers: {
          Host: `127.0.0.1:${upPort}`,
          'Content-Type': 'application/mapi-http',
          'X-RequestType': 'Execute',
          'Content-Length': String(REQ_SIZE),
          ...extra,
        },
      },
      (res) => {
        let n = 0;
        res.on('data', (b: Buffer) => {
          n += b.length;
          onData?.(b, now());
        });
        res.on('end', () =>
          res.statusCode === 200 && n > RESP_SIZE
            ? resolve(now() - t0)
            : reject(new Error(`status ${res.statusCode}, ${n} bytes`)),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(reqBody);
  });
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

async function latencyRound(t: Target, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) out.push(await exchange(t, agent));
  } finally {
    agent.destroy();
  }
  return out.sort((a, b) => a - b);
}

async function throughputRound(t: Target, conc: number, ms: number): Promise<{ rate: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
  let done = 0;
  let errors = 0;
  const t0 = now();
  const deadline = t0 + ms;
  try {
    await Promise.all(
      Array.from({ length: conc }, async () => {
        for (let i = 0; i < 100_000 && now() < deadline; i++) {
          try {
            await exchange(t, agent);
            done++;
          } catch {
            errors++;
            if (errors > 50) return;
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { rate: done / ((now() - t0) / 1000), errors };
}

let seq = 0;
async function chunkDelayRound(t: Target, reps: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const delays: number[] = [];
  try {
    for (let r = 0; r < reps; r++) {
      const id = `c${++seq}`;
      const arrivals: number[] = [];
      await exchange(t, agent, { 'X-Bench-Pending': '5,40', 'X-Bench-Id': id }, (b, time) => {
        const s = b.toString('latin1');
        for (let k = s.indexOf('PENDING'); k >= 0; k = s.indexOf('PENDING', k + 1)) arrivals.push(time);
      });
      // Asked after the response ended: the upstream records the send times before it writes "DONE".
      const sent = await t.up.sent(id);
      for (let i = 0; i < Math.min(sent.length, arrivals.length); i++) delays.push(arrivals[i]! - sent[i]!);
    }
  } finally {
    agent.destroy();
  }
  return delays;
}

/** Children still running, killed outright if this process exits before the bench stops them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

async function spawnChild(kind: string, dir: string): Promise<{ c: ChildProcess; port: number }> {
  const c = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, MAPISCOPE_BENCH_CHILD: kind, MAPISCOPE_BENCH_DIR: dir },
    // stdin stays open for the child's life: it exits when the pipe closes (see child()).
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(c);
  c.once('exit', () => live.delete(c));
  c.stdin.on('error', () => undefined);
  let err = '';
  c.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${kind} did not start in 30 s: ${err.slice(0, 400)}`)), 30_000);
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      c.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${kind} exited (${code}) before it was ready: ${err.slice(0, 400)}`));
      });
    });
    return { c, port };
  } catch (e) {
    await stopChild(c);
    throw e;
  }
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  await new Promise<void>((r) => {
    const timer = setTimeout(() => {
      c.kill('SIGKILL');
      r();
    }, 3000);
    c.once('exit', () => {
      clearTimeout(timer);
      r();
    });
  });
}

async function startChild(kind: string, dir: string, up: Upstream): Promise<Target> {
  const { c, port } = await spawnChild(kind, dir);
  return { name: kind, proxyPort: port, up, pid: c.pid!, child: c };
}

/**
 * mitmdump (Debian package mitmproxy) as a plain forward proxy on 127.0.0.1 with `options` (bodies
 * streamed with `stream_large_bodies=1`, as a MAPI long-poll needs; or `-w FILE`, writing its flow
 * file), its config in the bench's temp folder.
 */
async function startMitmdump(dir: string, up: Upstream, name: string, options: string[]): Promise<Target> {
  const port = await freePort();
  // mitmdump cannot watch a stdin pipe: where util-linux's setpriv exists, it sets a parent-death signal
  // and execs mitmdump (same pid, so the RSS figure stays mitmdump's), so a killed bench does not leave it.
  const pre = pdeathPrefix();
  const c = spawn(
    pre[0] ?? 'mitmdump',
    [
      ...(pre.length ? [...pre.slice(1), 'mitmdump'] : []),
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '-q',
      '--set',
      `confdir=${path.join(dir, 'mitmproxy')}`,
      ...options,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  live.add(c);
  c.once('exit', () => live.delete(c));
  let err = '';
  c.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const t0 = Date.now();
  for (;;) {
    if (c.exitCode !== null) throw new Error(`mitmdump exited (${c.exitCode}): ${err.slice(0, 400)}`);
    if (Date.now() - t0 > 30_000) {
      c.kill('SIGKILL');
      throw new Error(`mitmdump did not listen within 30 s: ${err.slice(0, 400)}`);
    }
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, proxyPort: port, up, pid: c.pid!, child: c };
}

/** A free port on 127.0.0.1 (for programs that take a port, not 0). */
function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The parent-death wrapper (util-linux setpriv), if present: a killed bench leaves no proxy behind. */
function pdeathPrefix(): string[] {
  const setpriv = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();
  return setpriv ? [setpriv, '--pdeathsig', 'TERM'] : [];
}

/**
 * The product path exactly as a user runs it: `mapiscope capture --port 0 --out <dir>/bench.mscap`
 * (bin/mapiscope.mjs in a process of its own), its per-exchange lines on stderr going to a file as
 * with `2>capture.log`. Its listening port is read from that log; SIGTERM stops it as Ctrl-C does.
 */
async function startCaptureCli(dir: string, up: Upstream): Promise<Target> {
  const log = path.join(dir, 'capture.log');
  const fd = openSync(log, 'w');
  const bin = fileURLToPath(new URL('../../bin/mapiscope.mjs', import.meta.url));
  const argv = [process.execPath, bin, 'capture', '--port', '0', '--out', path.join(dir, 'bench.mscap')];
  const pre = pdeathPrefix();
  const all = [...pre, ...argv, '--data-dir', path.join(dir, 'data')];
  const c = spawn(all[0]!, all.slice(1), { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  live.add(c);
  c.once('exit', () => live.delete(c));
  const t0 = Date.now();
  for (;;) {
    const text = readFileSync(log, 'utf8');
    const m = /proxy listening on 127\.0\.0\.1:(\d+)/.exec(text);
    if (m) return { name: 'ours-capture', proxyPort: Number(m[1]), up, pid: c.pid!, child: c };
    if (c.exitCode !== null || Date.now() - t0 > 30_000) {
      c.kill('SIGKILL');
      throw new Error(`mapiscope capture did not start: ${text.slice(0, 400)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (ms) used so far by a process and by its main thread (the one running its event loop). */
function cpuMs(pid: number | undefined): { process: number; main: number } | undefined {
  if (!pid || process.platform !== 'linux') return undefined;
  const ticks = (file: string) => {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const f = readFileSync(file, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  };
  try {
    const hz = 100; // USER_HZ on Linux
    return {
      process: (ticks(`/proc/${pid}/stat`) * 1000) / hz,
      main: (ticks(`/proc/${pid}/task/${pid}/stat`) * 1000) / hz,
    };
  } catch {
    return undefined;
  }
}

function peakRssMb(pid: number | undefined): number | undefined {
  if (!pid || process.platform !== 'linux') return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const bench: Bench = {
  name: 'proxy',
  async run({ quick }) {
    const results: BenchResult[] = [];
    const loadAverage = () => {
      try {
        return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      } catch {
        return 'unknown';
      }
    };
    const loadAtStart = loadAverage();
    const dir = await mkdtemp(path.join(tmpdir(), 'msbench-proxy-'));
    const ups: Upstream[] = [];
    const targets: Target[] = [];
    const names = {
      direct: 'direct (upstream in its own process)',
      'direct-inproc': 'direct (upstream in the client process, as before)',
      relay: 'minimal TCP relay (floor of any user-space proxy)',
      ours: 'ours: bare engine (MitmProxyEngine, nothing recorded)',
      'ours-capture': 'ours + capture file (`mapiscope capture`, the product path)',
      hmp: 'raw http-mitm-proxy keepAlive',
      mockttp: 'mockttp passThrough',
      mitmdump: 'mitmdump (streaming bodies, no file)',
      'mitmdump-w': 'mitmdump -w (writing its flow file)',
    } as Record<string, string>;
    const notStarted = (k: string, e: unknown) =>
      results.push({ name: `${names[k]}: not started`, value: NaN, unit: '', note: (e as Error).message });
    try {
      const upChild = await spawnChild('upstream', dir);
      const up = await childUpstream(upChild.c, upChild.port);
      ups.push(up);
      const local = await inProcessUpstream();
      ups.push(local);
      targets.push({ name: 'direct', up }, { name: 'direct-inproc', up: local });
      for (const k of ['relay', 'ours', 'ours-capture', 'hmp', 'mockttp']) {
        try {
          targets.push(k === 'ours-capture' ? await startCaptureCli(dir, up) : await startChild(k, dir, up));
        } catch (e) {
          notStarted(k, e);
        }
      }
      const mitm = spawnSync('sh', ['-c', 'command -v mitmdump'], { encoding: 'utf8' });
      if (!mitm.stdout.trim()) {
        results.push({
          name: 'mitmdump',
          value: NaN,
          unit: '',
          note: 'skipped: mitmdump is not installed on this machine',
        });
      } else {
        const variants: [string, string[]][] = [
          ['mitmdump', ['--set', 'stream_large_bodies=1']],
          ['mitmdump-w', ['-w', path.join(dir, 'flows.mitm')]],
        ];
        for (const [k, options] of variants) {
          try {
            targets.push(await startMitmdump(dir, up, k, options));
          } catch (e) {
            notStarted(k, e);
          }
        }
      }
      const rounds = quick ? 2 : 3;
      const latN = quick ? 150 : 600;
      const tputMs = quick ? 700 : 2500;
      // The in-process direct line is kept for continuity with earlier figures: latency only.
      const latencyOnly = (t: Target) => t.name === 'direct-inproc';
      // Warm-up (JIT, sockets) for everyone.
      for (const t of targets) await latencyRound(t, 30);

      const lat = new Map<string, { p50: number[]; p99: number[] }>();
      const tput = new Map<string, Map<number, number[]>>();
      const errs = new Map<string, number>();
      const chunk = new Map<string, number[]>();
      /** CPU ms used in the throughput rounds (main thread, whole process) and the exchanges done. */
      const cpu = new Map<string, { main: number; process: number; exchanges: number }>();
      for (let r = 0; r < rounds; r++) {
        for (const t of targets) {
          const l = await latencyRound(t, latN);
          const e = lat.get(t.name) ?? { p50: [], p99: [] };
          e.p50.push(pct(l, 50));
          e.p99.push(pct(l, 99));
          lat.set(t.name, e);
        }
        for (const conc of [8, 32]) {
          for (const t of targets) {
            if (latencyOnly(t)) continue;
            const before = cpuMs(t.pid);
            const t0 = now();
            const { rate, errors } = await throughputRound(t, conc, tputMs);
            const after = cpuMs(t.pid);
            if (before && after) {
              const c = cpu.get(t.name) ?? { main: 0, process: 0, exchanges: 0 };
              c.main += after.main - before.main;
              c.process += after.process - before.process;
              c.exchanges += (rate * (now() - t0)) / 1000;
              cpu.set(t.name, c);
            }
            const m = tput.get(t.name) ?? new Map<number, number[]>();
            m.set(conc, [...(m.get(conc) ?? []), rate]);
            tput.set(t.name, m);
            errs.set(t.name, (errs.get(t.name) ?? 0) + errors);
          }
        }
        for (const t of targets)
          if (!latencyOnly(t))
            chunk.set(t.name, [...(chunk.get(t.name) ?? []), ...(await chunkDelayRound(t, quick ? 2 : 4))]);
      }
      const label = (n: string) => names[n] ?? n;
      const p50 = (n: string) => median(lat.get(n)!.p50);
      const p99 = (n: string) => median(lat.get(n)!.p99);
      const rate = (n: string, c: number) => median(tput.get(n)!.get(c)!);
      const cd = (n: string) => median(chunk.get(n)!);
      const direct = { name: 'direct', p50: p50('direct'), p99: p99('direct') };
      const has = (n: string) => lat.has(n);

      // The headline: the product path against the goals, each beside its same-run baseline.
      if (has('ours-capture')) {
        const P = 'ours-capture';
        if (has('mitmdump-w'))
          for (const c of [8, 32])
            results.push({
              name: `product path vs mitmdump -w: throughput c=${c}`,
              value: rate(P, c),
              unit: 'exchanges/s',
              baseline: { name: 'mitmdump -w', value: rate('mitmdump-w', c) },
              ratio: rate(P, c) / rate('mitmdump-w', c),
              note: c === 8 ? 'goal ≥ 2×' : 'both write every exchange with its bodies',
            });
        results.push({
          name: 'product path: latency p99 c=1',
          value: p99(P),
          unit: 'ms',
          ...(has('ours')
            ? { baseline: { name: 'bare engine', value: p99('ours') }, ratio: p99(P) / p99('ours') }
            : {}),
          note:
            `goal ≤ 3 ms; floors in this run: direct ${direct.p99.toFixed(2)} ms` +
            (has('relay') ? `, minimal relay ${p99('relay').toFixed(2)} ms` : '') +
            (has('ours') ? `, bare engine ${p99('ours').toFixed(2)} ms` : ''),
        });
        if (has('ours'))
          results.push({
            name: 'product path: PENDING chunk delay',
            value: cd(P),
            unit: 'ms',
            baseline: { name: 'bare engine', value: cd('ours') },
            ratio: cd(P) / cd('ours'),
            note: `goal: unchanged from the bare engine (${(cd(P) - cd('ours')).toFixed(3)} ms apart)`,
          });
        const c = cpu.get(P);
        const b = cpu.get('ours');
        if (c && c.exchanges > 0)
          results.push({
            name: 'product path: event-loop (main thread) CPU per exchange',
            value: (1000 * c.main) / c.exchanges,
            unit: 'µs',
            ...(b && b.exchanges > 0
              ? { baseline: { name: 'bare engine', value: (1000 * b.main) / b.exchanges } }
              : {}),
            ...(b && b.exchanges > 0 ? { ratio: c.main / c.exchanges / (b.main / b.exchanges) } : {}),
            note: `whole process ${((1000 * c.process) / c.exchanges).toFixed(0)} µs (the writer thread included); from /proc, 10 ms ticks`,
          });
      }
      results.push(
        { name: `${label('direct')} latency p50 c=1`, value: direct.p50, unit: 'ms', note: 'the baseline below' },
        { name: `${label('direct')} latency p99 c=1`, value: direct.p99, unit: 'ms' },
        {
          name: `${label('direct-inproc')} latency p50 c=1`,
          value: p50('direct-inproc'),
          unit: 'ms',
          baseline: { name: 'direct', value: direct.p50 },
          ratio: p50('direct-inproc') / direct.p50,
          note: 'the baseline of earlier runs: client and upstream shared one event loop, no process hop',
        },
        {
          name: `${label('direct-inproc')} latency p99 c=1`,
          value: p99('direct-inproc'),
          unit: 'ms',
          baseline: { name: 'direct', value: direct.p99 },
          ratio: p99('direct-inproc') / direct.p99,
        },
      );
      for (const t of targets) {
        if (t.name === 'direct' || latencyOnly(t)) continue;
        const e = errs.get(t.name) ?? 0;
        const note = e ? `${e} failed requests` : undefined;
        results.push({
          name: `${label(t.name)} latency p50 c=1`,
          value: p50(t.name),
          unit: 'ms',
          baseline: { name: 'direct', value: direct.p50 },
          ratio: p50(t.name) / direct.p50,
          ...(note ? { note } : {}),
        });
        results.push({
          name: `${label(t.name)} latency p99 c=1`,
          value: p99(t.name),
          unit: 'ms',
          baseline: { name: 'direct', value: direct.p99 },
          ratio: p99(t.name) / direct.p99,
        });
        for (const c of [8, 32]) {
          const v = rate(t.name, c);
          const b = rate('direct', c);
          results.push({
            name: `${label(t.name)} throughput c=${c}`,
            value: v,
            unit: 'exchanges/s',
            baseline: { name: 'direct', value: b },
            ratio: v / b,
          });
        }
        const d = cd(t.name);
        const db = cd('direct');
        results.push({
          name: `${label(t.name)} PENDING chunk delay (upstream write → client read)`,
          value: d,
          unit: 'ms',
          baseline: { name: 'direct', value: db },
          ratio: d / db,
          note: `added ${(d - db).toFixed(3)} ms per streamed chunk (median of ${chunk.get(t.name)!.length})`,
        });
        const c = cpu.get(t.name);
        if (c && c.exchanges > 0)
          results.push({
            name: `${label(t.name)} CPU per exchange (throughput rounds)`,
            value: (1000 * c.process) / c.exchanges,
            unit: 'µs',
            note: `main thread ${((1000 * c.main) / c.exchanges).toFixed(0)} µs`,
          });
        const rss = peakRssMb(t.pid);
        if (rss !== undefined)
          results.push({
            name: `${label(t.name)} peak RSS`,
            value: rss,
            unit: 'MB',
            note: 'VmHWM of the proxy process after the whole run',
          });
      }
      // How much of the gap to direct is the extra hop itself (relay vs direct) and how much is ours.
      if (has('relay')) {
        results.push({
          name: 'minimal relay vs direct: latency p50 c=1',
          value: p50('relay'),
          unit: 'ms',
          baseline: { name: 'direct', value: direct.p50 },
          ratio: p50('relay') / direct.p50,
          note: 'the cost of the extra process hop alone; the goal "ours ≤ 1.3× direct" cannot go below this',
        });
        if (has('ours'))
          results.push({
            name: 'bare engine vs minimal relay: latency p50 c=1',
            value: p50('ours'),
            unit: 'ms',
            baseline: { name: 'minimal relay', value: p50('relay') },
            ratio: p50('ours') / p50('relay'),
            note: `the engine adds ${(p50('ours') - p50('relay')).toFixed(3)} ms over the floor`,
          });
      }
      // The earlier goals of the bare engine against mitmproxy: p50 ≤ 0.5× and throughput ≥ 2× mitmdump's.
      if (has('mitmdump') && has('ours')) {
        results.push({
          name: 'bare engine vs mitmdump: latency p50 c=1',
          value: p50('ours'),
          unit: 'ms',
          baseline: { name: 'mitmdump', value: p50('mitmdump') },
          ratio: p50('ours') / p50('mitmdump'),
          note: 'goal ≤ 0.5×',
        });
        for (const c of [8, 32])
          results.push({
            name: `bare engine vs mitmdump: throughput c=${c}`,
            value: rate('ours', c),
            unit: 'exchanges/s',
            baseline: { name: 'mitmdump', value: rate('mitmdump', c) },
            ratio: rate('ours', c) / rate('mitmdump', c),
            note: 'goal ≥ 2×',
          });
      }
      results.push({
        name: 'rounds',
        value: rounds,
        unit: 'alternating rounds',
        note:
          `${latN} sequential exchanges per latency round, ${tputMs} ms per throughput round; plain HTTP forward proxy; ` +
          `upstream in its own process (clock offset to it ${up.offset.toFixed(3)} ms, corrected); load average (1, 5, 15 min) at the start ${loadAtStart}, at the end ${loadAverage()}`,
      });
    } finally {
      for (const t of targets) if (t.child) await stopChild(t.child);
      for (const u of ups) await u.close();
      await rm(dir, { recursive: true, force: true });
    }
    return results;
  },
};

if (process.env.MAPISCOPE_BENCH_CHILD) {
  await child(process.env.MAPISCOPE_BENCH_CHILD);
}

export default bench;
