/**
 * Proxy bench: a MAPI-shaped chunked Execute (10 KB request; 200 with Transfer-Encoding: chunked,
 * "PROCESSING", optional "PENDING"s, "DONE" + meta + 30 KB binary) through each target, measured
 * side by side in one run with alternating rounds (A B C … A B C …):
 *   direct (baseline) · ours (MitmProxyEngine) · ours+capture (CaptureService writing a file) ·
 *   raw http-mitm-proxy 1.1.0 (keepAlive, no handlers) · mockttp 4.6.5 pass-through · mitmdump if installed.
 * Figures: latency p50/p99 at concurrency 1, exchanges/s at 8 and 32, delay each streamed PENDING
 * chunk takes from the upstream's write to the client's read, and each proxy's peak RSS.
 *
 * Each proxy runs in its own child process (this file with MAPISCOPE_BENCH_CHILD set), so the
 * client and upstream in this process do not share its event loop. Plain HTTP forward proxying;
 * everything on 127.0.0.1 with ephemeral ports; every loop is bounded by count and time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/* ---------------- child processes: one proxy each ---------------- */

async function child(kind: string): Promise<void> {
  const ready = (port: number) => process.stdout.write(`READY ${port}\n`);
  const quiet = () => undefined;
  if (kind === 'ours' || kind === 'ours-capture') {
    if (kind === 'ours') {
      const { MitmProxyEngine } = await import('../../electron/backend/proxy/mitm-engine.js');
      const e = new MitmProxyEngine({ mode: 'forward', host: '127.0.0.1', port: 0 });
      let n = 0;
      e.on('exchange', () => void n++);
      ready((await e.start()).port);
    } else {
      const { CaptureService } = await import('../../electron/backend/capture-service.js');
      const dir = process.env.MAPISCOPE_BENCH_DIR!;
      const svc = new CaptureService({ dataDir: dir });
      const st = await svc.start({ host: '127.0.0.1', port: 0, out: path.join(dir, 'bench.mscap') });
      process.on('SIGTERM', () => void svc.stop().then(() => process.exit(0)));
      ready(st.port!);
    }
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
        a[0] = { ...(a[0] as object), host: '127.0.0.1' };
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

if (process.env.MAPISCOPE_BENCH_CHILD) {
  await child(process.env.MAPISCOPE_BENCH_CHILD);
}

/* ---------------- upstream (in this process) ---------------- */

interface Upstream {
  port: number;
  pendingSent: Map<string, number[]>;
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const respBody = Buffer.alloc(RESP_SIZE, 0x5a);
  const pendingSent = new Map<string, number[]>();
  const srv = http.createServer((req, res) => {
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

/* ---------------- client ---------------- */

interface Target {
  name: string;
  /** Proxy port; undefined = direct. */
  proxyPort?: number;
  pid?: number;
  child?: ChildProcess;
}

const reqBody = Buffer.alloc(REQ_SIZE, 0x41);

function exchange(
  t: Target,
  upPort: number,
  agent: http.Agent,
  extra: Record<string, string> = {},
  onData?: (b: Buffer, time: number) => void,
): Promise<number> {
  const t0 = now();
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

async function latencyRound(t: Target, upPort: number, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) out.push(await exchange(t, upPort, agent));
  } finally {
    agent.destroy();
  }
  return out.sort((a, b) => a - b);
}

async function throughputRound(
  t: Target,
  upPort: number,
  conc: number,
  ms: number,
): Promise<{ rate: number; errors: number }> {
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
            await exchange(t, upPort, agent);
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
async function chunkDelayRound(t: Target, up: Upstream, reps: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const delays: number[] = [];
  try {
    for (let r = 0; r < reps; r++) {
      const id = `c${++seq}`;
      const arrivals: number[] = [];
      await exchange(t, up.port, agent, { 'X-Bench-Pending': '5,40', 'X-Bench-Id': id }, (b, time) => {
        const s = b.toString('latin1');
        for (let k = s.indexOf('PENDING'); k >= 0; k = s.indexOf('PENDING', k + 1)) arrivals.push(time);
      });
      const sent = up.pendingSent.get(id) ?? [];
      for (let i = 0; i < Math.min(sent.length, arrivals.length); i++) delays.push(arrivals[i]! - sent[i]!);
    }
  } finally {
    agent.destroy();
  }
  return delays;
}

async function startChild(kind: string, dir: string): Promise<Target> {
  const c = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, MAPISCOPE_BENCH_CHILD: kind, MAPISCOPE_BENCH_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${kind} did not start in 30 s: ${err.slice(0, 400)}`)), 30_000);
    c.stdout!.on('data', (d: Buffer) => {
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
  return { name: kind, proxyPort: port, pid: c.pid!, child: c };
}

/**
 * mitmdump (Debian package mitmproxy) as a plain forward proxy on 127.0.0.1, bodies streamed
 * (`stream_large_bodies=1`, as a MAPI long-poll needs), its config in the bench's temp folder.
 */
async function startMitmdump(dir: string): Promise<Target> {
  const port = await new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const c = spawn(
    'mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '-q',
      '--set',
      `confdir=${path.join(dir, 'mitmproxy')}`,
      '--set',
      'stream_large_bodies=1',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
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
  return { name: 'mitmdump', proxyPort: port, pid: c.pid!, child: c };
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
    const dir = await mkdtemp(path.join(tmpdir(), 'msbench-proxy-'));
    const up = await startUpstream();
    const targets: Target[] = [{ name: 'direct' }];
    const names = {
      ours: 'ours (MitmProxyEngine)',
      'ours-capture': 'ours + capture file',
      hmp: 'raw http-mitm-proxy keepAlive',
      mockttp: 'mockttp passThrough',
      mitmdump: 'mitmdump (streaming bodies)',
    } as Record<string, string>;
    try {
      for (const k of ['ours', 'ours-capture', 'hmp', 'mockttp']) {
        try {
          targets.push(await startChild(k, dir));
        } catch (e) {
          results.push({ name: `${names[k]}: not started`, value: NaN, unit: '', note: (e as Error).message });
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
        try {
          targets.push(await startMitmdump(dir));
        } catch (e) {
          results.push({ name: 'mitmdump: not started', value: NaN, unit: '', note: (e as Error).message });
        }
      }
      const rounds = quick ? 2 : 3;
      const latN = quick ? 150 : 600;
      const tputMs = quick ? 700 : 2500;
      // Warm-up (JIT, sockets) for everyone.
      for (const t of targets) await latencyRound(t, up.port, 30);

      const lat = new Map<string, { p50: number[]; p99: number[] }>();
      const tput = new Map<string, Map<number, number[]>>();
      const errs = new Map<string, number>();
      const chunk = new Map<string, number[]>();
      for (let r = 0; r < rounds; r++) {
        for (const t of targets) {
          const l = await latencyRound(t, up.port, latN);
          const e = lat.get(t.name) ?? { p50: [], p99: [] };
          e.p50.push(pct(l, 50));
          e.p99.push(pct(l, 99));
          lat.set(t.name, e);
        }
        for (const conc of [8, 32]) {
          for (const t of targets) {
            const { rate, errors } = await throughputRound(t, up.port, conc, tputMs);
            const m = tput.get(t.name) ?? new Map<number, number[]>();
            m.set(conc, [...(m.get(conc) ?? []), rate]);
            tput.set(t.name, m);
            errs.set(t.name, (errs.get(t.name) ?? 0) + errors);
          }
        }
        for (const t of targets)
          chunk.set(t.name, [...(chunk.get(t.name) ?? []), ...(await chunkDelayRound(t, up, quick ? 2 : 4))]);
      }
      const label = (n: string) => names[n] ?? n;
      const base = (n: string, f: (name: string) => number) => ({ name: 'direct', value: f('direct') });
      const p50 = (n: string) => median(lat.get(n)!.p50);
      const p99 = (n: string) => median(lat.get(n)!.p99);
      const rate = (n: string, c: number) => median(tput.get(n)!.get(c)!);
      const cd = (n: string) => median(chunk.get(n)!);
      for (const t of targets) {
        if (t.name === 'direct') continue;
        const e = errs.get(t.name) ?? 0;
        const note = e ? `${e} failed requests` : undefined;
        results.push({
          name: `${label(t.name)} latency p50 c=1`,
          value: p50(t.name),
          unit: 'ms',
          baseline: base(t.name, p50),
          ratio: p50(t.name) / p50('direct'),
          ...(note ? { note } : {}),
        });
        results.push({
          name: `${label(t.name)} latency p99 c=1`,
          value: p99(t.name),
          unit: 'ms',
          baseline: base(t.name, p99),
          ratio: p99(t.name) / p99('direct'),
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
        const rss = peakRssMb(t.pid);
        if (rss !== undefined)
          results.push({
            name: `${label(t.name)} peak RSS`,
            value: rss,
            unit: 'MB',
            note: 'VmHWM of the proxy process after the whole run',
          });
      }
      // The goals against mitmproxy: p50 ≤ 0.5× and throughput ≥ 2× mitmdump's.
      if (lat.has('mitmdump') && lat.has('ours')) {
        results.push({
          name: 'ours vs mitmdump: latency p50 c=1',
          value: p50('ours'),
          unit: 'ms',
          baseline: { name: 'mitmdump', value: p50('mitmdump') },
          ratio: p50('ours') / p50('mitmdump'),
          note: 'goal ≤ 0.5×',
        });
        for (const c of [8, 32])
          results.push({
            name: `ours vs mitmdump: throughput c=${c}`,
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
        note: `${latN} sequential exchanges per latency round, ${tputMs} ms per throughput round; plain HTTP forward proxy`,
      });
    } finally {
      for (const t of targets) {
        if (!t.child) continue;
        t.child.kill('SIGTERM');
        await new Promise<void>((r) => {
          const timer = setTimeout(() => {
            t.child!.kill('SIGKILL');
            r();
          }, 3000);
          t.child!.once('exit', () => {
            clearTimeout(timer);
            r();
          });
        });
      }
      await up.close();
      await rm(dir, { recursive: true, force: true });
    }
    return results;
  },
};

export default bench;
