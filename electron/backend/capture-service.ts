/**
 * CaptureService: runs the proxy engine, writes every completed exchange (and connection event)
 * to a capture file as it happens, and streams them to listeners (the backend's event bus, the
 * CLI). Also owns the CA (status, export, trust instructions).
 *
 * Events: 'exchange' (the completed Exchange, after it is in the file), 'state' (CaptureServiceState),
 * 'connection' (ConnectionEvent), 'untrusted-certificate', 'chunk' (live response progress),
 * 'error' is never emitted: write failures are reported in state.error and logged, the proxy keeps
 * forwarding traffic.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureState } from '../../shared/api/contract.js';
import { base64Encode } from '../../shared/codec/bytes.js';
import type { CaptureStartDto, CaptureStateDto } from '../../shared/api/contract.js';
import { exchangeToDto } from '../../shared/api/dto.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import type { ExchangeSummary } from '../../shared/capture/summary.js';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import type { Backend, BackendService } from './backend.js';
import { defaultDataDir } from './data-dir.js';
import { type CaOptions, type CaStatus, CertificateAuthority, trustInstructions } from './ca/ca.js';
import type {
  ChunkEvent,
  ClientRejectedCertificateEvent,
  ConnectionEvent,
  LocalResponse,
  ProxyEngine,
  ProxyEngineOptions,
  ProxyLogger,
  ProxyMode,
  UntrustedCertificateEvent,
} from './proxy/engine.js';
import { MitmProxyEngine } from './proxy/mitm-engine.js';
import { CaptureWriter, openCapture } from './store/capture-file.js';
import { captureStore, openStore } from './store-source.js';
import { learnHosts } from './system-proxy/learn-hosts.js';
import { type CommandRunner, execRunner } from './system-proxy/runner.js';
import { CaTrust, type CaTrustOptions, caIdentity } from './trust/ca-trust.js';
import {
  AUTODISCOVER_PATTERNS,
  PAC_PATH,
  type PacOtherwise,
  hostsFromPacQuery,
  normalizeHosts,
  pacScript,
  previousFromPacQuery,
} from './system-proxy/pac.js';
import { textParam } from './rpc.js';

/** `capture.start` options (shared/api/contract.ts). */
export type CaptureStartOptions = CaptureStartDto;

/** The capture service's state (shared/api/contract.ts). */
export type CaptureServiceState = CaptureStateDto;

export interface CaptureServiceOptions {
  /** App data folder (CA under <dataDir>/ca, captures under <dataDir>/captures). */
  dataDir?: string;
  /** CA folder, overriding <dataDir>/ca. */
  caDir?: string;
  caOptions?: CaOptions;
  logger?: ProxyLogger;
  /** Replaceable engine (tests, a future non-http-mitm-proxy engine). */
  engineFactory?: (o: ProxyEngineOptions) => ProxyEngine;
  /** Full exchanges kept in memory for get(); older ones are read back from the file. */
  recentLimit?: number;
  /**
   * When the backend's workspace holds more than this many bytes of live exchanges, the older
   * ones are served from the capture file instead (default 64 MiB).
   */
  liveMemoryBytes?: number;
}

export interface CaptureServiceEvents {
  /** A completed exchange once it is in the file, with its list summary (computed once, here). */
  exchange: [Exchange, ExchangeSummary];
  state: [CaptureServiceState];
  connection: [ConnectionEvent];
  'untrusted-certificate': [UntrustedCertificateEvent];
  'client-rejected-certificate': [ClientRejectedCertificateEvent];
  chunk: [ChunkEvent];
}

export { defaultDataDir };

const NOOP: ProxyLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class CaptureService extends EventEmitter<CaptureServiceEvents> implements BackendService {
  readonly name = 'capture';
  private engine: ProxyEngine | undefined;
  private writer: CaptureWriter | undefined;
  private caPromise: Promise<CertificateAuthority> | undefined;
  private summaries: ExchangeSummary[] = [];
  private recent = new Map<number, Exchange>();
  private st: CaptureServiceState = {
    running: false,
    exchanges: 0,
    connections: 0,
    inFlight: 0,
    trustedHosts: [],
    learnedHosts: [],
  };
  private routeHosts: string[] = [];
  private readonly learned = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private readonly log: ProxyLogger;
  private backend: Backend | undefined;

  constructor(private readonly opts: CaptureServiceOptions = {}) {
    super();
    this.log = opts.logger ?? NOOP;
  }

  get dataDir(): string {
    return this.opts.dataDir ?? defaultDataDir();
  }

  get caDir(): string {
    return this.opts.caDir ?? path.join(this.dataDir, 'ca');
  }

  /** The CA, generated on first use. */
  ca(): Promise<CertificateAuthority> {
    this.caPromise ??= CertificateAuthority.loadOrCreate(this.caDir, this.opts.caOptions ?? {});
    this.caPromise.catch(() => (this.caPromise = undefined));
    return this.caPromise;
  }

  async caStatus(): Promise<CaStatus> {
    return (await this.ca()).status();
  }

  /** Trusting and untrusting the CA in this machine's stores. */
  async caTrust(opts: Omit<CaTrustOptions, 'runner'> & { runner?: CommandRunner } = {}): Promise<CaTrust> {
    const ca = await this.ca();
    return new CaTrust(caIdentity(ca.certPath, ca.exportPem()), { runner: opts.runner ?? execRunner(), ...opts });
  }

  async exportCa(format: 'pem' | 'der'): Promise<string | Buffer> {
    const ca = await this.ca();
    return format === 'pem' ? ca.exportPem() : ca.exportDer();
  }

  async trustInstructions(platform?: NodeJS.Platform | 'all'): Promise<string> {
    return trustInstructions((await this.ca()).certPath, platform);
  }

  state(): CaptureServiceState {
    const s = this.engine?.stats();
    return {
      ...this.st,
      ...(s ? { connections: s.connections, inFlight: s.inFlight } : {}),
      trustedHosts: this.engine?.trustedHosts() ?? this.st.trustedHosts,
      learnedHosts: [...this.learned],
    };
  }

  /** Hosts the PAC routes through MapiScope: Autodiscover's names, the given ones, the learned ones. */
  pacHosts(extra: readonly string[] = []): string[] {
    return normalizeHosts([...AUTODISCOVER_PATTERNS, ...this.routeHosts, ...extra, ...this.learned]);
  }

  /** Adds hosts for the PAC (e.g. from the app's routing switch) while capturing. */
  addRouteHosts(hosts: readonly string[]): void {
    this.routeHosts = normalizeHosts([...this.routeHosts, ...hosts]);
  }

  /**
   * The PAC script answered on the proxy port at /mapiscope.pac: hosts in its query are added, and
   * the hosts that are not Exchange's go where its `previous` says (a proxy; a PAC script, fetched
   * here and run inside ours; direct when there is none or it cannot be fetched).
   */
  private servePac(path: string): LocalResponse | Promise<LocalResponse> | undefined {
    const q = path.indexOf('?');
    if ((q < 0 ? path : path.slice(0, q)) !== PAC_PATH || !this.engine?.address) return undefined;
    const search = q < 0 ? '' : path.slice(q);
    const proxy = { host: '127.0.0.1', port: this.engine.address.port };
    const hosts = this.pacHosts(hostsFromPacQuery(search));
    const answer = (otherwise?: PacOtherwise): LocalResponse => ({
      status: 200,
      headers: { 'Content-Type': 'application/x-ns-proxy-autoconfig', 'Cache-Control': 'no-store' },
      body: pacScript(proxy, hosts, otherwise),
    });
    const previous = previousFromPacQuery(search);
    if (previous?.kind !== 'pac') return answer(previous ? { previous } : undefined);
    return this.previousPac(previous.url).then((r) => answer({ previous, ...r }));
  }

  private readonly previousPacs = new Map<string, { at: number; got: Promise<{ script?: string; error?: string }> }>();

  /** The previous PAC script's text (kept a minute), or why it could not be fetched. */
  private previousPac(url: string): Promise<{ script?: string; error?: string }> {
    const hit = this.previousPacs.get(url);
    if (hit && Date.now() - hit.at < 60_000) return hit.got;
    const got = fetchText(url, 5000).then(
      (script) => ({ script }),
      (e: Error) => ({ error: e.message }),
    );
    this.previousPacs.set(url, { at: Date.now(), got });
    return got;
  }

  /** Starts the proxy and the capture file. Rejects (and stays stopped) if either cannot start. */
  async start(opts: CaptureStartOptions = {}): Promise<CaptureServiceState> {
    const o: CaptureStartOptions = { ...opts, ...(opts.reverse || !opts.target ? {} : { reverse: opts.target }) };
    if (this.engine) throw new Error(`capture already running on ${this.st.host}:${this.st.port}`);
    const mode: ProxyMode = o.reverse ? 'reverse' : (o.mode ?? 'forward');
    if (mode === 'reverse' && !o.reverse) throw new Error('reverse mode needs a target URL');
    // Reverse mode needs the CA too: TLS clients talking to us as if we were the server.
    const ca = await this.ca();
    const file =
      o.out ?? path.join(this.dataDir, 'captures', `capture-${new Date().toISOString().replace(/[:.]/g, '-')}.mscap`);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    // The writer runs on its own thread (store/append-thread.ts): nothing that encodes or writes runs
    // on the proxy's event loop.
    const writer = existsSync(file)
      ? await CaptureWriter.openForAppend(file, { thread: true })
      : await CaptureWriter.create(file, { mode, ...(o.reverse ? { target: o.reverse } : {}) }, { thread: true });
    const engineOpts: ProxyEngineOptions = {
      mode,
      host: o.host ?? '127.0.0.1',
      port: o.port ?? 0,
      ...(o.reverse ? { reverseTarget: o.reverse } : {}),
      ...(ca ? { ca } : {}),
      ...(o.upstreamCa?.length ? { upstreamCa: o.upstreamCa } : {}),
      trustedHosts: o.trustedHosts ?? this.st.trustedHosts,
      logger: this.log,
      firstId: writer.nextId,
      // Crash safety: the client gets the end of a response only once its exchange is on disk.
      holdUntil: (ex) => this.appended.get(ex.id),
      ...(mode === 'forward' ? { localRoute: (_m: string, p: string) => this.servePac(p) } : {}),
    };
    this.routeHosts = normalizeHosts(o.routeHosts ?? []);
    let engine: ProxyEngine;
    try {
      engine = this.opts.engineFactory ? this.opts.engineFactory(engineOpts) : new MitmProxyEngine(engineOpts);
      await engine.start();
    } catch (e) {
      await writer.close().catch(() => undefined);
      this.setState({ ...this.st, running: false, error: `proxy failed to start: ${(e as Error).message}` });
      throw e;
    }
    this.engine = engine;
    this.writer = writer;
    this.summaries = [];
    this.recent.clear();
    engine.on('exchange', (ex) => this.onExchange(ex));
    engine.on('connection', (ev) => {
      this.emit('connection', ev);
      if (this.writer === writer) this.track(writer.appendConnectionEvent({ ...ev }));
    });
    engine.on('untrusted-certificate', (ev) => this.emit('untrusted-certificate', ev));
    engine.on('client-rejected-certificate', (ev) => this.emit('client-rejected-certificate', ev));
    engine.on('chunk', (ev) => {
      if (this.listenerCount('chunk') > 0) this.emit('chunk', ev);
    });
    const addr = engine.address!;
    this.setState({
      running: true,
      mode,
      host: addr.address,
      port: addr.port,
      ...(o.reverse ? { target: o.reverse } : {}),
      file: path.resolve(file),
      startedAt: Date.now(),
      exchanges: 0,
      connections: 0,
      inFlight: 0,
      ...(ca ? { caPath: ca.certPath } : {}),
      trustedHosts: engine.trustedHosts(),
      ...(writer.tornTail ? { tornTail: writer.tornTail } : {}),
      learnedHosts: [],
    });
    return this.state();
  }

  /** Stops the proxy (in-flight exchanges are written as aborted) and closes the file. */
  async stop(): Promise<CaptureServiceState> {
    const engine = this.engine;
    const writer = this.writer;
    if (!engine || !writer) return this.state();
    await engine.stop();
    this.engine = undefined;
    await this.writes;
    await writer.close().catch((e: Error) => this.fail(`closing the capture failed: ${e.message}`));
    this.writer = undefined;
    this.setState({ ...this.st, running: false, connections: 0, inFlight: 0 });
    return this.state();
  }

  trustHost(hostPort: string): CaptureServiceState {
    if (this.engine) this.engine.trustHost(hostPort);
    else if (!this.st.trustedHosts.includes(hostPort))
      this.st.trustedHosts = [...this.st.trustedHosts, hostPort.toLowerCase()];
    this.setState({ ...this.st, trustedHosts: this.engine?.trustedHosts() ?? this.st.trustedHosts });
    return this.state();
  }

  untrustHost(hostPort: string): CaptureServiceState {
    this.engine?.untrustHost(hostPort);
    this.st.trustedHosts = this.st.trustedHosts.filter((h) => h !== hostPort.toLowerCase());
    this.setState({ ...this.st, trustedHosts: this.engine?.trustedHosts() ?? this.st.trustedHosts });
    return this.state();
  }

  /** Summaries of the exchanges captured in the current (or last) run. */
  list(offset = 0, limit = Number.MAX_SAFE_INTEGER): { total: number; items: ExchangeSummary[] } {
    return { total: this.summaries.length, items: this.summaries.slice(offset, offset + limit) };
  }

  /** One exchange of the current (or last) capture by id: from memory, else read back from the file. */
  async get(id: number): Promise<Exchange | undefined> {
    const hit = this.recent.get(id);
    if (hit) return hit;
    const file = this.st.file;
    if (!file || !this.summaries.some((s) => s.id === id)) return undefined;
    await this.writes;
    const c = await openCapture(file);
    try {
      return await c.get(id);
    } finally {
      await c.close();
    }
  }

  /** Waits until everything emitted so far is in the file. */
  flush(): Promise<void> {
    return this.writes;
  }

  private onExchange(ex: Exchange): void {
    const writer = this.writer;
    if (!writer) return;
    const summary = summarizeExchange(ex);
    this.summaries.push(summary);
    if (summary.status === 200 && /\/autodiscover\//i.test(ex.request.url))
      for (const h of learnHosts(ex)) this.learned.add(h);
    this.recent.set(ex.id, ex);
    const limit = this.opts.recentLimit ?? 500;
    if (this.recent.size > limit) this.recent.delete(this.recent.keys().next().value as number);
    // Written first, announced after: a listener that sees 'exchange' can read it from the file.
    // Appends start at once (the writer batches them and resolves them in order).
    const written = writer.append(ex);
    this.appended.set(ex.id, written);
    this.track(
      written.then(() => {
        this.st.exchanges++;
        this.emit('exchange', ex, summary);
      }),
    );
    void written.catch(() => undefined).finally(() => this.appended.delete(ex.id));
  }

  /** Appends in progress by exchange id (the proxy holds a response's end until its append settles). */
  private appended = new Map<number, Promise<void>>();

  private track(p: Promise<void>): void {
    const guarded = p.catch((e: Error) => this.fail(`capture write failed: ${e.message}`));
    this.writes = Promise.all([this.writes, guarded]).then(() => undefined);
  }

  private fail(message: string): void {
    this.log.error(message);
    this.setState({ ...this.st, error: message });
  }

  private setState(s: CaptureServiceState): void {
    this.st = s;
    this.emit('state', this.state());
  }

  /* ---------- BackendService ---------- */

  register(backend: Backend): void {
    this.backend = backend;
    const rpc = backend.rpc;
    const toCaptureState = (s: CaptureServiceState): CaptureState => ({
      running: s.running,
      ...(s.mode ? { mode: s.mode } : {}),
      ...(s.port !== undefined ? { port: s.port } : {}),
      ...(s.target ? { target: s.target } : {}),
      ...(s.file ? { file: s.file } : {}),
      ...(s.error ? { error: s.error } : {}),
    });
    this.on('state', (s) => backend.setCaptureState(toCaptureState(s)));
    this.on('exchange', (ex) => {
      backend.workspace.add(ex);
      this.spill(backend);
    });
    // Live progress for the UI: connections, response chunks, refused certificates.
    this.on('connection', (ev) => backend.events.emit({ type: 'connection', data: { ...ev } }));
    this.on('chunk', (ev) => backend.events.emit({ type: 'chunk', data: { ...ev } }));
    this.on('untrusted-certificate', (ev) =>
      backend.events.emit({
        type: 'untrusted-certificate',
        data: { host: ev.host, error: ev.error, exchangeId: ev.exchangeId, side: 'upstream' },
      }),
    );
    this.on('client-rejected-certificate', (ev) =>
      backend.events.emit({
        type: 'untrusted-certificate',
        data: { host: ev.host, error: `${ev.code}: ${ev.error}`, side: 'client' },
      }),
    );
    rpc.method('capture.start', async (p) => {
      const o = p ?? {};
      const appending = o.out !== undefined && existsSync(o.out);
      const st = await this.start(o);
      await backend.workspace.replace([], st.file);
      this.spillAt = 0;
      if (appending && st.file) {
        // Appending to an existing capture: show what is already in it, served from the file.
        const s = await openStore(st.file);
        if (s) await backend.workspace.openStore(s.store, s.summaries, st.file);
      }
      return st;
    });
    rpc.method('capture.stop', async () => {
      const st = await this.stop();
      // What the workspace keeps in memory once the capture has stopped is bounded by liveMemoryBytes.
      await this.settleSpill();
      return st;
    });
    rpc.method('capture.status', () => this.state());
    rpc.method('capture.trustHost', (p) => this.trustHost(textParam((p as { host?: unknown }).host)));
    rpc.method('capture.untrustHost', (p) => this.untrustHost(textParam((p as { host?: unknown }).host)));
    rpc.method('capture.list', (p) => {
      const q = p ?? {};
      return this.list(q.offset ?? 0, q.limit ?? 100_000);
    });
    rpc.method('capture.get', async (p) => {
      const id = Number((p as { id?: unknown }).id);
      const ex = await this.get(id);
      if (!ex) throw new Error(`no exchange ${id} in the current capture`);
      return exchangeToDto(ex);
    });
    rpc.method('ca.status', () => this.caStatus());
    rpc.method('ca.export', async (p) => {
      const q = (p ?? {}) as { format?: string; path?: unknown };
      const format = q.format === 'der' ? 'der' : 'pem';
      const v = await this.exportCa(format);
      // With a path (the desktop app's save dialog), write the certificate there.
      if (typeof q.path === 'string' && q.path) {
        await writeFile(q.path, v);
        return { format, path: q.path };
      }
      return format === 'pem' ? { format, pem: v as string } : { format, base64: base64Encode(v as Buffer) };
    });
    rpc.method('ca.trustHelp', async (p) => ({
      text: await this.trustInstructions((p as { platform?: NodeJS.Platform }).platform),
    }));
    backend.api.rawRoute('ca.pem', async (_q, res) => {
      const pem = (await this.exportCa('pem')) as string;
      res.writeHead(200, {
        'Content-Type': 'application/x-pem-file',
        'Content-Disposition': 'attachment; filename="mapiscope-ca.pem"',
      });
      res.end(pem);
    });
    backend.api.rawRoute('ca.der', async (_q, res) => {
      const der = (await this.exportCa('der')) as Buffer;
      res.writeHead(200, {
        'Content-Type': 'application/pkix-cert',
        'Content-Disposition': 'attachment; filename="mapiscope-ca.cer"',
      });
      res.end(der);
    });
  }

  /** The hand-over in progress (it re-checks when it ends: exchanges may have arrived meanwhile). */
  private spilling: Promise<void> | undefined;
  /** After a hand-over that did not match, the next try waits for this many bytes in memory. */
  private spillAt = 0;

  /**
   * Hands the workspace's older live exchanges over to the capture file once they exceed
   * `liveMemoryBytes`: they are in the file before they are announced, so a fresh openCapture
   * serves them (the workspace checks that the ids match; the newest stay in memory). A hand-over
   * covers what the file held when it was opened; exchanges announced while it runs (a burst
   * acknowledged together by the writer thread) are handed over by the next round, which starts as
   * soon as this one ends, not at the next exchange — there may be none.
   */
  private spill(backend: Backend): void {
    if (this.spilling) return;
    const limit = this.opts.liveMemoryBytes ?? 64 * 1024 * 1024;
    const ws = backend.workspace;
    const due = (): string | undefined => {
      const file = this.st.file;
      if (!file || ws.file !== file || ws.memoryBytes < Math.max(limit, this.spillAt)) return undefined;
      return file;
    };
    if (!due()) return;
    this.spilling = (async () => {
      for (let file = due(); file; file = due()) {
        const gen = ws.generation;
        const c = await openCapture(file);
        if (ws.generation !== gen || ws.file !== file) return c.close();
        if (!(await ws.adopt(captureStore(c), c.ids))) this.spillAt = ws.memoryBytes + limit;
      }
    })()
      .catch((e: Error) => this.log.warn(`live exchanges stay in memory: ${e.message}`))
      .finally(() => (this.spilling = undefined));
  }

  /** Waits for the hand-over in progress (and the rounds it starts). */
  private async settleSpill(): Promise<void> {
    while (this.spilling) await this.spilling;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.settleSpill();
    this.backend = undefined;
  }
}

/** GETs a small text resource (a PAC script): 200 only, at most 1 MiB, within `timeoutMs`. */
function fetchText(url: string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode ?? '?'}`));
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > 1 << 20) req.destroy(new Error('larger than 1 MiB'));
        else parts.push(b);
      });
      res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}

/** Reads PEM files given on the command line (upstream CAs). */
export async function readPemFiles(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((f) => readFile(f, 'utf8')));
}
