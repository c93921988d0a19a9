/**
 * ProxyEngine on http-mitm-proxy 1.1.0 (patched, see patches/http-mitm-proxy+1.1.0.patch).
 *
 * The library streams chunk by chunk, but out of the box it is not faithful. What this file
 * changes, and where:
 *  - Headers: requests go upstream from `rawHeaders` as a flat array (case, order, duplicates
 *    kept, no Host/Connection added); responses are written from the upstream `rawHeaders` by
 *    replacing `writeHead` for that response, with Date/Connection/Keep-Alive injection off.
 *  - One upstream connection per client connection: every client socket gets its own
 *    keep-alive agents with maxSockets 1 (NTLM/Negotiate are connection-bound). When the pinned
 *    upstream socket closes while idle, the client socket is closed too, so the client sees the
 *    server's close instead of silently landing on a fresh, unauthenticated upstream socket.
 *  - Failures: an upstream RST mid-response resets the client socket, a FIN closes it; never the
 *    library's clean end with error text (the patch lets `ctx.errorHandled` skip that).
 *  - Client resets and closes are recorded from the raw sockets (the library swallows ECONNRESET).
 *  - Passive capture: we tap `data` on the upstream response inside onResponse, never
 *    onResponseData (which would force chunked framing on every response).
 *  - Upstream TLS stays verified; a certificate problem is a recorded error and a 502 with a clear
 *    text, until the host is explicitly trusted with trustHost().
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { CertificateAuthority } from '../ca/ca.js';
import type { Endpoint, Exchange, RawHeader } from '../../../shared/capture/exchange.js';
import type {
  ConnectionEvent,
  ProxyEngine,
  ProxyEngineEvents,
  ProxyEngineOptions,
  LocalResponse,
  ProxyLogger,
  ProxyMode,
} from './engine.js';
import {
  type Cb,
  MitmAdapter,
  type MitmCtx,
  PinnedAgent,
  agentSockets,
  tlsServerName,
  writeRawHead,
} from './mitm-adapter.js';
import { CERT_ERROR_CODES, ExchangeRecorder, classifyUpstreamFailure, rawPairs } from './recorder.js';

/** Epoch milliseconds with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

type FlowCtx = MitmCtx<Flow>;

interface Conn {
  id: number;
  socket: Socket;
  client: Endpoint;
  agents: { http?: PinnedAgent; https?: PinnedAgent };
  inflight: Set<Flow>;
  error?: NodeJS.ErrnoException;
  closed: boolean;
}

interface Flow {
  rec: ExchangeRecorder;
  conn: Conn;
  ctx: FlowCtx;
  upstreamReset: boolean;
  upstreamHost: string;
  certError?: { code?: string; message: string };
}

const ORIGINAL_URL = Symbol('mapiscope.originalUrl');
const REQUEST_TIME = Symbol('mapiscope.requestTime');
type TaggedRequest = http.IncomingMessage & { [ORIGINAL_URL]?: string; [REQUEST_TIME]?: number };

/** The exchange an upstream socket currently carries (for reset classification). */
const upstreamFlow = new WeakMap<Socket, { flow?: Flow }>();

/** Upstream sockets that delivered at least one complete response. */
const served = new WeakSet<Socket>();

const SILENT: ProxyLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class MitmProxyEngine extends EventEmitter<ProxyEngineEvents> implements ProxyEngine {
  readonly mode: ProxyMode;
  private proxy: MitmAdapter<Flow> | undefined;
  private conns = new Map<Socket, Conn>();
  private nextConnId = 1;
  private nextExchangeId: number;
  private trusted: Set<string>;
  private upstreamCa?: string[];
  private target?: { secure: boolean; host: string; port: number };
  private addr: Endpoint | undefined;
  private front: net.Server | undefined;
  private emitted = 0;
  private readonly log: ProxyLogger;

  constructor(private readonly opts: ProxyEngineOptions) {
    super();
    this.mode = opts.mode;
    this.nextExchangeId = opts.firstId ?? 1;
    this.trusted = new Set((opts.trustedHosts ?? []).map((h) => h.toLowerCase()));
    if (opts.upstreamCa) {
      const extra = Array.isArray(opts.upstreamCa) ? opts.upstreamCa : [opts.upstreamCa];
      this.upstreamCa = [...tls.rootCertificates, ...extra];
    }
    if (opts.mode === 'reverse') {
      if (!opts.reverseTarget) throw new Error('reverse mode needs a target URL (http(s)://host:port)');
      const u = new URL(opts.reverseTarget);
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        throw new Error(`reverse target must be http(s)://, got ${opts.reverseTarget}`);
      const secure = u.protocol === 'https:';
      this.target = { secure, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (secure ? 443 : 80)) };
    }
    const sink = opts.logger ?? SILENT;
    const fwd =
      (level: 'debug' | 'info' | 'warn' | 'error') =>
      (...args: unknown[]) => {
        sink[level](...args);
        if (this.listenerCount('log') > 0) this.emit('log', { level, message: args.map(fmt).join(' ') });
      };
    this.log = { debug: fwd('debug'), info: fwd('info'), warn: fwd('warn'), error: fwd('error') };
  }

  get address(): Endpoint | undefined {
    return this.addr;
  }

  trustHost(hostPort: string): void {
    this.trusted.add(hostPort.toLowerCase());
  }
  untrustHost(hostPort: string): void {
    this.trusted.delete(hostPort.toLowerCase());
  }
  trustedHosts(): string[] {
    return [...this.trusted];
  }

  stats() {
    let inFlight = 0;
    for (const c of this.conns.values()) inFlight += c.inflight.size;
    return { connections: this.conns.size, inFlight, exchanges: this.emitted };
  }

  async start(): Promise<Endpoint> {
    if (this.proxy) throw new Error('proxy already started');
    const p = new MitmAdapter<Flow>(this.log);
    this.proxy = p;
    this.installHooks(p);

    // Reverse mode listens through a front server that accepts TLS and plain HTTP on one port;
    // the library's own server then only takes connections handed to it (its port stays internal).
    const front = this.mode === 'reverse';
    await p.listen({
      host: front ? '127.0.0.1' : (this.opts.host ?? '127.0.0.1'),
      port: front ? 0 : (this.opts.port ?? 0),
      keepAlive: true,
      // Our CA serves every certificate (onCertificateRequired); the library never makes its own.
      sslCaDir: false,
    });
    const server = p.httpServer;
    if (!server) throw new Error('http-mitm-proxy did not create its server');
    this.watchConnections(p, server);
    if (this.opts.localRoute && !front) this.serveLocalRoutes(server, this.opts.localRoute);
    if (front) {
      const fs = net.createServer((socket) => this.onFrontConnection(socket, p, server));
      this.front = fs;
      await new Promise<void>((resolve, reject) => {
        fs.once('error', reject);
        fs.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
      });
      const a = fs.address() as AddressInfo;
      this.addr = { address: a.address, port: a.port };
      return this.addr;
    }
    const a = server.address() as AddressInfo;
    this.addr = { address: a.address, port: a.port };
    return this.addr;
  }
  /** Certificates, TLS server tuning and the library's connect/request/response/error hooks. */
  private installHooks(p: MitmAdapter<Flow>): void {
    const ca = this.opts.ca;
    p.certificates(
      (hostname, cb) => {
        if (!ca) {
          cb(new Error('no CA configured for HTTPS interception'));
          return;
        }
        ca.leafFor(hostname).then(
          () => cb(null, { keyFile: caPaths(ca).leafKey, certFile: ca.leafPath(hostname), hosts: [hostname] }),
          (e: Error) => cb(e),
        );
      },
      (hostname, cb) => {
        if (!ca) {
          cb(new Error('no CA configured for HTTPS interception'));
          return;
        }
        ca.leafFor(hostname).then(
          (leaf) => cb(null, { certFileData: leaf.certPem, keyFileData: leaf.keyPem, hosts: [hostname] }),
          (e: Error) => cb(e),
        );
      },
    );
    p.onHttpsServer((server, host) => {
      tuneServer(server);
      server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) =>
        this.onClientTlsError(err, socket, host),
      );
      server.prependListener('request', (req: TaggedRequest) => {
        req[REQUEST_TIME] = nowMs();
      });
    });

    p.onConnect((req, socket, _head, cb) => {
      this.renewInterceptServer(p, (req.url ?? '').replace(/:\d+$/, ''));
      const conn = this.connFor(socket);
      this.emitConn({
        type: 'connect',
        connectionId: conn.id,
        time: nowMs(),
        client: conn.client,
        target: req.url ?? '',
      });
      if (!ca) {
        socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      cb();
    });
    p.onRequest((ctx, cb) => this.onRequest(ctx, cb));
    p.onResponse((ctx, cb) => this.onResponse(ctx, cb));
    p.onError((ctx, err, kind) => this.onError(ctx, err, kind));
  }

  /** The library's HTTP server: tuned, each request stamped on arrival, each client connection recorded (its own loopback hop excepted). */
  private watchConnections(p: MitmAdapter<Flow>, server: http.Server): void {
    tuneServer(server);
    server.on('connection', (s: Socket) => {
      if (!isLoopback(s.remoteAddress)) {
        this.connFor(s);
        return;
      }
      // From loopback this may be the library's own hop for a CONNECT tunnel to plain HTTP (the
      // tunnel's CONNECT socket is the client connection). The hop registers itself in
      // connectRequests from its connect callback, which has run by the next check phase.
      setImmediate(() => {
        if (this.conns.has(s) || p.isConnectHop(s)) return;
        if (s.destroyed) {
          // Opened and gone before we looked: still recorded.
          const id = this.nextConnId++;
          const client = { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 };
          this.emitConn({ type: 'open', connectionId: id, time: nowMs(), client });
          this.emitConn({ type: 'close', connectionId: id, time: nowMs(), client });
          return;
        }
        this.connFor(s);
      });
    });
    // Before the library: it rewrites an absolute-form URL to origin-form in place.
    server.prependListener('request', (req: TaggedRequest) => {
      if (req.url !== undefined) req[ORIGINAL_URL] = req.url;
      req[REQUEST_TIME] = nowMs();
    });
  }

  /**
   * A client aborted the TLS handshake with our certificate: with a certificate alert it does not
   * trust our CA (or the leaf), which is worth telling the user; anything else is only logged.
   */
  private onClientTlsError(err: NodeJS.ErrnoException, socket: tls.TLSSocket, host: string | undefined): void {
    const code = err.code ?? '';
    const name = tlsServerName(socket) || host || '';
    if (!CLIENT_CERT_ALERT.test(code)) {
      this.log.debug(`TLS handshake with a client for ${name} failed: ${code} ${err.message}`);
      return;
    }
    this.emit('client-rejected-certificate', { host: name, code, error: err.message, time: nowMs() });
  }

  /** Requests addressed to the proxy itself that `route` answers never reach the library. */
  private serveLocalRoutes(server: http.Server, route: NonNullable<ProxyEngineOptions['localRoute']>): void {
    const library = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = req.url ?? '';
      const host = splitHostPort(req.headers.host ?? '', 80);
      const local =
        url.startsWith('/') && this.isSelf(host.host.replace(/^\[|\]$/g, ''), host.port)
          ? route(req.method ?? 'GET', url)
          : undefined;
      if (!local) {
        for (const l of library) l.call(server, req, res);
        return;
      }
      const send = (r: LocalResponse) => {
        res.writeHead(r.status, { ...r.headers, 'Content-Length': Buffer.byteLength(r.body) });
        res.end(req.method === 'HEAD' ? undefined : r.body);
      };
      if (!(local instanceof Promise)) return send(local);
      local.then(send, (e: Error) =>
        send({ status: 500, headers: { 'Content-Type': 'text/plain' }, body: `${e.message}\n` }),
      );
    });
  }

  /**
   * The library keeps one TLS server per host for its lifetime, with the leaf it was created with.
   * When that leaf is due for renewal, drop the server so the next tunnel gets a fresh one.
   */
  private renewInterceptServer(p: MitmAdapter<Flow>, host: string): void {
    const ca = this.opts.ca;
    if (!ca || !ca.needsRenewal(host) || !p.dropInterceptServer(host)) return;
    this.log.debug(`leaf certificate for ${host} due for renewal: new interception server`);
  }

  /**
   * Reverse mode: a client talks to us as if we were the server, with TLS or without. TLS goes
   * through the library's interception path exactly like a CONNECT tunnel to the target (the leaf
   * is minted for the name the client asked for in SNI); plain HTTP goes to the HTTP server.
   */
  private onFrontConnection(socket: Socket, p: MitmAdapter<Flow>, server: http.Server): void {
    socket.on('error', () => undefined);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      const t = this.target!;
      if (first[0] === 0x16) {
        if (!this.opts.ca) {
          this.log.warn('reverse mode: a TLS client connected but no CA is configured; closing');
          socket.destroy();
          return;
        }
        const sni = parseSni(first);
        const name = sni ?? t.host;
        const conn = this.connFor(socket);
        this.emitConn({
          type: 'connect',
          connectionId: conn.id,
          time: nowMs(),
          client: conn.client,
          target: `${name}:${t.port}`,
        });
        this.renewInterceptServer(p, name);
        p.interceptTls(socket, first, `${name}:${t.port}`);
        return;
      }
      socket.unshift(first);
      server.emit('connection', socket);
      socket.resume();
    });
  }

  async stop(): Promise<void> {
    const p = this.proxy;
    if (!p) return;
    this.proxy = undefined;
    const t = nowMs();
    const closed: Promise<void>[] = [];
    for (const c of [...this.conns.values()]) {
      for (const f of [...c.inflight])
        this.abortFlow(f, 'client-reset', 'capture stopped while the exchange was in flight', t);
      this.closeConn(c);
      if (!c.socket.destroyed || this.conns.has(c.socket)) {
        closed.push(new Promise<void>((r) => c.socket.once('close', () => r())));
      }
      c.socket.destroy();
    }
    // Let every socket report its close (the 'connection' events) before stop() resolves.
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000).unref())]);
    const server = p.httpServer;
    const front = this.front;
    this.front = undefined;
    if (front) await new Promise<void>((r) => front.close(() => r()));
    p.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server && server.listening ? server.close(() => r()) : r()));
    this.addr = undefined;
  }

  /* ---------- connections ---------- */

  private connFor(socket: Socket): Conn {
    let c = this.conns.get(socket);
    if (c) return c;
    const conn: Conn = {
      id: this.nextConnId++,
      socket,
      client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      agents: {},
      inflight: new Set(),
      closed: false,
    };
    c = conn;
    this.conns.set(socket, conn);
    this.emitConn({ type: 'open', connectionId: conn.id, time: nowMs(), client: conn.client });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      conn.error ??= e;
      this.emitConn({
        type: 'error',
        connectionId: conn.id,
        time: nowMs(),
        client: conn.client,
        error: `${e.code ?? ''} ${e.message}`.trim(),
      });
    });
    socket.once('close', () => {
      const t = nowMs();
      const reason = conn.error
        ? `client connection error: ${conn.error.code ?? conn.error.message}`
        : 'client closed the connection';
      for (const f of [...conn.inflight]) {
        // A response already fully handed to the socket but not yet 'finish'ed still counts as delivered.
        this.abortFlow(f, 'client-reset', reason, t);
      }
      this.closeConn(conn, conn.error?.code === 'ECONNRESET');
      this.conns.delete(socket);
      this.emitConn({
        type: 'close',
        connectionId: conn.id,
        time: t,
        client: conn.client,
        ...(conn.error ? { error: conn.error.code ?? conn.error.message } : {}),
      });
    });
    return conn;
  }

  private closeConn(conn: Conn, reset = false): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const a of [conn.agents.http, conn.agents.https]) {
      if (!a) continue;
      if (reset) {
        // Mirror a client RST onto the upstream socket(s).
        for (const s of agentSockets(a.agent)) resetSocket(s);
      }
      a.destroy();
    }
  }

  private agentFor(conn: Conn, secure: boolean): http.Agent {
    const key = secure ? 'https' : 'http';
    let a = conn.agents[key];
    if (!a) {
      a = new PinnedAgent(secure, (s) => {
        // The server closed our pinned socket after serving it while the client had nothing in
        // flight: close the client side too, as the client would see talking to the server directly.
        if (served.has(s) && !conn.closed && conn.inflight.size === 0) conn.socket.end();
      });
      conn.agents[key] = a;
    }
    return a.agent;
  }

  private emitConn(e: ConnectionEvent): void {
    this.emit('connection', e);
  }

  /* ---------- exchanges ---------- */

  private onRequest(ctx: FlowCtx, cb: Cb): void {
    const req = ctx.clientToProxyRequest as TaggedRequest;
    const outer = ctx.connectRequest?.socket ?? req.socket;
    const conn = this.connFor(outer);
    const opts = ctx.proxyToServerRequestOptions;
    let secure = ctx.isSSL;
    let host = opts.host;
    let port = opts.port;
    if (ctx.isSSL && ctx.connectRequest?.url) {
      // Inside a CONNECT tunnel the upstream is the tunnel's target, not whatever Host says.
      const hp = splitHostPort(ctx.connectRequest.url, 443);
      host = hp.host;
      port = hp.port;
    }
    if (this.target) {
      secure = this.target.secure;
      host = this.target.host;
      port = this.target.port;
      ctx.isSSL = secure; // the library picks http/https from ctx.isSSL when it sends the request
    }
    const url = req[ORIGINAL_URL] ?? req.url ?? '/';
    const head = {
      method: req.method ?? 'GET',
      url,
      httpVersion: req.httpVersion,
      headers: rawPairs(req.rawHeaders),
    };
    const origin = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const rec = new ExchangeRecorder(conn.id, req[REQUEST_TIME] ?? nowMs(), head, origin, conn.client);
    const flow: Flow = { rec, conn, ctx, upstreamReset: false, upstreamHost: `${host}:${port}`.toLowerCase() };
    ctx.mapiscope = flow;
    conn.inflight.add(flow);

    // A plain request addressed to the proxy itself would loop forever.
    if (this.mode === 'forward' && !ctx.isSSL && !/^[a-z]+:\/\//i.test(url) && this.isSelf(host, port)) {
      ctx.errorHandled = true;
      this.syntheticResponse(
        flow,
        400,
        'Bad Request',
        'MapiScope is a forward proxy: send absolute-form requests (or CONNECT).\n',
      );
      return;
    }

    const raw = req.rawHeaders;
    const headers: string[] = [];
    const forwardPlain = this.mode === 'forward' && !ctx.isSSL;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      // Proxy-* headers are addressed to us, not to the origin (only on the plain forward leg).
      if (forwardPlain && /^proxy-/i.test(raw[i]!)) continue;
      headers.push(raw[i]!, raw[i + 1]!);
    }
    opts.host = host;
    opts.port = port;
    opts.headers = headers;
    opts.agent = this.agentFor(conn, secure);
    opts.setHost = false;
    if (secure) {
      if (!isIpLiteral(host)) opts.servername = host;
      if (this.trusted.has(flow.upstreamHost)) opts.rejectUnauthorized = false;
      if (this.upstreamCa) opts.ca = this.upstreamCa;
    }
    req.on('data', (b: Buffer) => rec.requestData(b));
    req.once('end', () => rec.requestDone(nowMs()));
    cb();
  }

  private isSelf(host: string, port: number): boolean {
    if (!this.addr || port !== this.addr.port) return false;
    return host === this.addr.address || host === 'localhost' || host === '127.0.0.1' || host === '::1';
  }

  private onResponse(ctx: FlowCtx, cb: Cb): void {
    const flow = ctx.mapiscope;
    const res = ctx.serverToProxyResponse;
    if (!flow || !res) {
      cb();
      return;
    }
    const rec = flow.rec;
    const t = nowMs();
    rec.responseHead(
      {
        statusCode: res.statusCode ?? 0,
        statusMessage: res.statusMessage ?? '',
        httpVersion: res.httpVersion,
        headers: rawPairs(res.rawHeaders),
      },
      t,
    );
    const up = res.socket as Socket | null;
    if (up) {
      rec.server = { address: up.remoteAddress ?? '', port: up.remotePort ?? 0 };
      // One listener per upstream socket (it serves many responses under keep-alive).
      let slot = upstreamFlow.get(up);
      if (!slot) {
        const fresh: { flow?: Flow } = {};
        slot = fresh;
        upstreamFlow.set(up, fresh);
        up.on('error', (e: NodeJS.ErrnoException) => {
          if (fresh.flow && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) fresh.flow.upstreamReset = true;
        });
      }
      slot.flow = flow;
      if (up instanceof tls.TLSSocket) {
        const c = up.getCipher();
        const authErr = up.authorizationError ? String(up.authorizationError) : undefined;
        rec.tls = {
          ...(up.getProtocol() ? { protocol: up.getProtocol() ?? '' } : {}),
          ...(c ? { cipher: c.name } : {}),
          ...(tlsServerName(up) !== undefined ? { serverName: tlsServerName(up)! } : {}),
          ...(authErr ? { certificateError: authErr, trustedAnyway: true } : {}),
        };
      }
    }
    const out = ctx.proxyToClientResponse;
    out.sendDate = false;
    out.removeHeader('connection'); // marks the response so Node adds no Connection/Keep-Alive line
    const lower = res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
    // A close-delimited body upstream is passed on the same way (Node would add chunked framing).
    const closeDelimited = !lower.includes('content-length') && !lower.includes('transfer-encoding');
    writeRawHead(out, res.statusCode ?? 502, res.statusMessage ?? '', res.rawHeaders.slice(), closeDelimited);
    const url = rec.head.url;
    res.on('data', (b: Buffer) => {
      const ch = rec.responseData(b, nowMs());
      if (this.listenerCount('chunk') > 0) this.emit('chunk', { connectionId: flow.conn.id, url, ...ch });
    });
    res.once('end', () => {
      if (up) served.add(up);
      const tr = rawPairs(res.rawTrailers);
      rec.responseTrailers(tr);
      if (tr.length > 0) out.addTrailers(tr.map((h) => [h.name, h.value] as [string, string]));
    });
    if (this.opts.holdUntil) this.holdEndUntilRecorded(flow, out);
    out.once('finish', () => this.completeFlow(flow, nowMs()));
    cb();
  }

  /**
   * Crash safety: when the library ends the client response, complete and announce the exchange
   * first, and pass the end on once `holdUntil` says it is recorded (bounded by `holdLimitMs`).
   * The flow stays in flight until the end is delivered, so connection bookkeeping waits for it.
   */
  private holdEndUntilRecorded(flow: Flow, out: http.ServerResponse): void {
    const end = out.end;
    let held = false;
    out.end = ((...args: unknown[]) => {
      const pass = () => (end as (...a: unknown[]) => http.ServerResponse).apply(out, args);
      if (held || flow.rec.finished) return pass();
      held = true;
      const t = nowMs();
      if (!flow.rec.complete(t)) return pass();
      const ex = this.finish(flow, { keepInflight: true });
      const wait = this.opts.holdUntil?.(ex);
      if (!wait) {
        flow.conn.inflight.delete(flow);
        return pass();
      }
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((r) => (timer = setTimeout(r, this.opts.holdLimitMs ?? 2000)));
      void Promise.race([
        wait.then(
          () => undefined,
          () => undefined,
        ),
        limit,
      ]).then(() => {
        clearTimeout(timer);
        flow.conn.inflight.delete(flow);
        if (!out.destroyed) pass();
      });
      return out;
    }) as typeof out.end;
  }

  private onError(ctx: FlowCtx | null, err: Error & { code?: string; syscall?: string }, kind?: string): void {
    const flow = ctx?.mapiscope;
    if (!ctx || !flow) return;
    ctx.errorHandled = true;
    const t = nowMs();
    const rec = flow.rec;
    if (rec.finished) return;
    const out = ctx.proxyToClientResponse;
    const clientSide = kind === 'CLIENT_TO_PROXY_REQUEST_ERROR' || kind === 'PROXY_TO_CLIENT_RESPONSE_ERROR';
    if (clientSide) {
      this.abortFlow(flow, 'client-reset', `client side: ${err.code ?? ''} ${err.message}`.trim(), t);
      return;
    }
    const code = err.code ?? '';
    if (kind === 'PROXY_TO_SERVER_REQUEST_ERROR' && CERT_ERROR_CODES.has(code)) {
      flow.certError = { code, message: err.message };
      rec.tls = {
        ...(rec.tls ?? {}),
        certificateError: `${code}: ${err.message}`,
        serverName: flow.upstreamHost.replace(/:\d+$/, ''),
      };
      const msg =
        `upstream certificate for ${flow.upstreamHost} is not trusted (${code}: ${err.message}); ` +
        `use "trust anyway" for this host to continue`;
      this.syntheticResponse(flow, 502, 'Bad Gateway', `MapiScope: ${msg}\n`, { kind: 'upstream-error', message: msg });
      return;
    }
    const abortKind = classifyUpstreamFailure({ sawReset: flow.upstreamReset, error: err });
    const message = `${kind ?? 'error'}: ${code ? code + ' ' : ''}${err.message}`;
    if (out.headersSent || abortKind === 'upstream-reset' || abortKind === 'upstream-close') {
      // Pass the failure on as what it was: RST as RST, FIN as FIN. Never a clean end.
      this.abortFlow(flow, abortKind, message, t);
      const outer = flow.conn.socket;
      if (abortKind === 'upstream-reset') resetSocket(outer);
      else outer.destroy();
      return;
    }
    // Nothing reached the client yet and the upstream never answered (refused, DNS, TLS...).
    this.syntheticResponse(flow, 502, 'Bad Gateway', `MapiScope: upstream ${flow.upstreamHost} failed: ${message}\n`, {
      kind: abortKind,
      message,
    });
  }

  /**
   * A response made by the proxy itself (upstream unreachable, untrusted certificate, loop). The
   * exchange records no upstream response; it is finished once the client has the answer, so the
   * connection bookkeeping still sees it in flight while it is written.
   */
  private syntheticResponse(
    flow: Flow,
    status: number,
    statusMessage: string,
    text: string,
    abort?: { kind: Parameters<ExchangeRecorder['abort']>[0]; message: string },
  ): void {
    const out = flow.ctx.proxyToClientResponse;
    if (!abort) flow.rec.responseHead({ statusCode: status, statusMessage, httpVersion: '1.1', headers: [] }, nowMs());
    const done = () => {
      if (abort) this.abortFlow(flow, abort.kind, abort.message, nowMs());
      else this.completeFlow(flow, nowMs());
    };
    if (out.headersSent || out.destroyed) {
      done();
      return;
    }
    const body = Buffer.from(text, 'utf8');
    out.writeHead(status, statusMessage, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
    });
    out.once('finish', done);
    out.once('close', done);
    out.end(body);
    flow.ctx.clientToProxyRequest.resume();
  }

  private completeFlow(flow: Flow, t: number): void {
    if (!flow.rec.complete(t)) return;
    this.finish(flow);
  }

  private abortFlow(flow: Flow, kind: Parameters<ExchangeRecorder['abort']>[0], message: string, t: number): void {
    if (!flow.rec.abort(kind, message, t)) return;
    this.finish(flow);
  }

  private finish(flow: Flow, opts: { keepInflight?: boolean } = {}): Exchange {
    if (!opts.keepInflight) flow.conn.inflight.delete(flow);
    const ex: Exchange = flow.rec.build(this.nextExchangeId++);
    this.emitted++;
    if (flow.certError) {
      this.emit('untrusted-certificate', {
        host: flow.upstreamHost,
        error: flow.certError.message,
        ...(flow.certError.code ? { code: flow.certError.code } : {}),
        exchangeId: ex.id,
      });
    }
    this.emit('exchange', ex);
    return ex;
  }
}

function tuneServer(server: http.Server | https.Server): void {
  // Node closes idle keep-alive client connections after 5 s; a real Exchange/IIS keeps them
  // for minutes. The proxy must not be the one that closes first.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 120_000;
}

function resetSocket(s: Socket): void {
  const r = s as Socket & { resetAndDestroy?: () => void };
  if (typeof r.resetAndDestroy === 'function' && !s.destroyed && !s.connecting) r.resetAndDestroy();
  else s.destroy();
}

/** The server name from a TLS ClientHello (SNI extension), if the record holds it whole. */
export function parseSni(b: Buffer): string | undefined {
  try {
    if (b[0] !== 0x16 || b[5] !== 0x01) return undefined;
    let o = 5 + 4 + 2 + 32; // record header, handshake header, client_version, random
    o += 1 + b[o]!; // session id
    o += 2 + b.readUInt16BE(o); // cipher suites
    o += 1 + b[o]!; // compression methods
    const end = o + 2 + b.readUInt16BE(o);
    o += 2;
    while (o + 4 <= end && o + 4 <= b.length) {
      const type = b.readUInt16BE(o);
      const len = b.readUInt16BE(o + 2);
      o += 4;
      if (type === 0 && b[o + 2] === 0) {
        const n = b.readUInt16BE(o + 3);
        return b.subarray(o + 5, o + 5 + n).toString('ascii') || undefined;
      }
      o += len;
    }
  } catch {
    /* truncated hello */
  }
  return undefined;
}

/** TLS alerts a client sends when it does not accept the server's certificate (RFC 8446 6.2). */
const CLIENT_CERT_ALERT =
  /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED)$/;

function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) return { host: s, port: defaultPort };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

function isLoopback(a: string | undefined): boolean {
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1' || (a?.startsWith('127.') ?? false);
}

function isIpLiteral(h: string): boolean {
  return /^[\d.]+$/.test(h) || h.includes(':');
}

function caPaths(ca: CertificateAuthority) {
  return CertificateAuthority.paths(ca.dir);
}

function fmt(a: unknown): string {
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  return typeof a === 'string' ? a : JSON.stringify(a);
}

export type { RawHeader };
