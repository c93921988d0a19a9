/**
 * The one place that reaches into http-mitm-proxy's untyped internals and Node's private
 * http fields (patches/http-mitm-proxy+1.1.0.patch adds `ctx.errorHandled`). The engine
 * (mitm-engine.ts) talks to the library only through `MitmAdapter` and these helpers, so the
 * casts and what they rely on are listed here, once:
 *  - the library's proxy object: certificate hooks, the per-host TLS servers (`sslServers`,
 *    `_createHttpsServer`), its own loopback hop for CONNECT to plain HTTP (`connectRequests`),
 *    and a TLS client handed in as if it had sent CONNECT (`_onHttpServerConnectData`);
 *  - keep-alive agents pinned to one client connection (`createConnection`, `addRequest` and
 *    the rendered head `_header`, to drop a Connection line the client did not send);
 *  - an agent's sockets (to mirror a client reset), a TLS socket's `servername`;
 *  - a response written from raw header pairs (`writeHead` with a flat array) and without
 *    chunked framing for a close-delimited body (`useChunkedEncodingByDefault`).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type tls from 'node:tls';
import { Proxy as MitmProxy } from 'http-mitm-proxy';
import type { ProxyLogger } from './engine.js';

/** A request/response pair as the library hands it to the hooks (the fields the engine uses). */
export interface MitmCtx<F = unknown> {
  isSSL: boolean;
  connectRequest?: http.IncomingMessage;
  clientToProxyRequest: http.IncomingMessage;
  proxyToClientResponse: http.ServerResponse;
  proxyToServerRequestOptions: {
    method: string;
    path: string;
    host: string;
    port: number;
    headers: Record<string, unknown> | string[];
    agent: http.Agent;
    [k: string]: unknown;
  };
  proxyToServerRequest?: http.ClientRequest;
  serverToProxyResponse?: http.IncomingMessage;
  /** Our patch: when set, the library leaves the client response alone after an error. */
  errorHandled?: boolean;
  /** The engine's own record of this exchange. */
  mapiscope?: F;
}
export type Cb = (err?: Error | null) => void;
interface MitmInternals {
  logger: ProxyLogger;
  httpServer?: http.Server;
  httpPort: number;
  connectRequests: Record<string, http.IncomingMessage>;
  listen(opts: Record<string, unknown>, cb: (err?: Error) => void): void;
  close(): void;
  onConnect(fn: (req: http.IncomingMessage, socket: Socket, head: Buffer, cb: Cb) => void): void;
  onRequest(fn: (ctx: MitmCtx, cb: Cb) => void): void;
  onResponse(fn: (ctx: MitmCtx, cb: Cb) => void): void;
  onError(fn: (ctx: MitmCtx | null, err: Error & { code?: string; syscall?: string }, kind?: string) => void): void;
  onCertificateRequired: (
    host: string,
    cb: (err: Error | null, files?: { keyFile: string; certFile: string; hosts: string[] }) => void,
  ) => void;
  onCertificateMissing: (
    ctx: { hostname: string },
    files: unknown,
    cb: (err: Error | null, d?: { certFileData: string; keyFileData: string; hosts: string[] }) => void,
  ) => void;
  _createHttpsServer(
    opts: Record<string, unknown>,
    cb: (port: number, server: https.Server, wss: unknown) => void,
  ): void;
  _onHttpServerConnectData(req: http.IncomingMessage, socket: Socket, head: Buffer): void;
  sslServers: Record<string, { server?: https.Server; port: number }>;
}

export interface CertificateFiles {
  keyFile: string;
  certFile: string;
  hosts: string[];
}
export interface CertificateData {
  certFileData: string;
  keyFileData: string;
  hosts: string[];
}

/** http-mitm-proxy's proxy object, typed and limited to what the engine uses. */
export class MitmAdapter<F> {
  private readonly p: MitmInternals;

  constructor(logger: ProxyLogger) {
    this.p = new MitmProxy() as unknown as MitmInternals;
    this.p.logger = logger;
  }

  get httpServer(): http.Server | undefined {
    return this.p.httpServer;
  }

  /** Leaf certificates for intercepted hosts: by file path (first use) or by content (a missing file). */
  certificates(
    required: (host: string, cb: (err: Error | null, files?: CertificateFiles) => void) => void,
    missing: (host: string, cb: (err: Error | null, data?: CertificateData) => void) => void,
  ): void {
    this.p.onCertificateRequired = required;
    this.p.onCertificateMissing = (c, _files, cb) => missing(c.hostname, cb);
  }

  /** Runs `tune` on every TLS interception server the library creates (with the host it is for), before it is used. */
  onHttpsServer(tune: (server: https.Server, host: string | undefined) => void): void {
    const create = this.p._createHttpsServer.bind(this.p);
    this.p._createHttpsServer = (o, cb) =>
      create(o, (port, server, wss) => {
        tune(server, (o as { hosts?: string[] }).hosts?.[0]);
        cb(port, server, wss);
      });
  }

  onConnect(fn: (req: http.IncomingMessage, socket: Socket, head: Buffer, cb: Cb) => void): void {
    this.p.onConnect(fn);
  }
  onRequest(fn: (ctx: MitmCtx<F>, cb: Cb) => void): void {
    this.p.onRequest(fn as (ctx: MitmCtx, cb: Cb) => void);
  }
  onResponse(fn: (ctx: MitmCtx<F>, cb: Cb) => void): void {
    this.p.onResponse(fn as (ctx: MitmCtx, cb: Cb) => void);
  }
  onError(fn: (ctx: MitmCtx<F> | null, err: Error & { code?: string; syscall?: string }, kind?: string) => void): void {
    this.p.onError(
      fn as (ctx: MitmCtx | null, err: Error & { code?: string; syscall?: string }, kind?: string) => void,
    );
  }

  listen(opts: Record<string, unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.p.listen(opts, (err?: Error) => (err ? reject(err) : resolve())),
    );
  }

  close(): void {
    this.p.close();
  }

  /** Whether `s` is the library's own loopback hop for a CONNECT tunnel to plain HTTP. */
  isConnectHop(s: Socket): boolean {
    return !!this.p.connectRequests[`${s.remotePort}:${s.localPort}`];
  }

  /** Drops the library's TLS server for `host` (it keeps one per host, with the leaf it was made with). */
  dropInterceptServer(host: string): boolean {
    const entry = this.p.sslServers[host];
    if (!entry) return false;
    delete this.p.sslServers[host];
    entry.server?.close();
    return true;
  }

  /** Hands a TLS client (its first bytes already read) to the interception path, as a CONNECT to `target` would. */
  interceptTls(socket: Socket, first: Buffer, target: string): void {
    const fakeConnect = { url: target, method: 'CONNECT', headers: {}, socket } as unknown as http.IncomingMessage;
    this.p._onHttpServerConnectData(fakeConnect, socket, first);
  }
}

export type UpstreamCloseHook = (s: Socket) => void;
const ON_CLOSE = Symbol('mapiscope.onUpstreamClose');
const INJECTED_KEEPALIVE = 'Connection: keep-alive\r\n\r\n';

/** Removes the Connection line Node rendered into `req`'s head if the client did not send one. */
function stripInjectedConnection(req: http.ClientRequest, o: { headers?: unknown }): void {
  const r = req as unknown as { _header?: string };
  if (typeof r._header !== 'string' || !r._header.endsWith(INJECTED_KEEPALIVE)) return;
  const sent = Array.isArray(o.headers) ? (o.headers as string[]) : [];
  for (let i = 0; i < sent.length; i += 2) if (sent[i]!.toLowerCase() === 'connection') return;
  r._header = r._header.slice(0, -INJECTED_KEEPALIVE.length) + '\r\n';
}

// One class each for http and https, defined once: a class per connection would make every
// agent a different shape for Node's http internals (megamorphic, measurably slower).
class PinnedHttpAgent extends http.Agent {
  [ON_CLOSE]?: UpstreamCloseHook;
  override createConnection(...args: unknown[]): Socket {
    const s = (
      http.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket }
    ).createConnection.apply(this, args);
    s.once('close', () => this[ON_CLOSE]?.(s));
    return s;
  }
  addRequest(req: http.ClientRequest, o: http.RequestOptions): void {
    stripInjectedConnection(req, o);
    (http.Agent.prototype as unknown as { addRequest: (r: http.ClientRequest, o: unknown) => void }).addRequest.call(
      this,
      req,
      o,
    );
  }
}
class PinnedHttpsAgent extends https.Agent {
  [ON_CLOSE]?: UpstreamCloseHook;
  override createConnection(...args: unknown[]): Socket {
    const s = (
      https.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket }
    ).createConnection.apply(this, args);
    s.once('close', () => this[ON_CLOSE]?.(s));
    return s;
  }
  addRequest(req: http.ClientRequest, o: http.RequestOptions): void {
    stripInjectedConnection(req, o);
    (https.Agent.prototype as unknown as { addRequest: (r: http.ClientRequest, o: unknown) => void }).addRequest.call(
      this,
      req,
      o,
    );
  }
}

/**
 * A keep-alive agent holding at most one socket, owned by one client connection. It also
 * removes the `Connection: keep-alive` line Node adds to a request whose client did not send
 * one: ClientRequest renders its head before it calls agent.addRequest, the last point where
 * the head can still be corrected.
 */
export class PinnedAgent {
  readonly agent: http.Agent;
  constructor(secure: boolean, onUpstreamClose: UpstreamCloseHook) {
    const opts = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    const a = secure ? new PinnedHttpsAgent(opts) : new PinnedHttpAgent(opts);
    a[ON_CLOSE] = onUpstreamClose;
    this.agent = a;
  }
  destroy(): void {
    this.agent.destroy();
  }
}

/** Every socket an agent holds, busy or free. */
export function agentSockets(agent: http.Agent): Socket[] {
  const a = agent as unknown as { sockets: Record<string, Socket[]>; freeSockets: Record<string, Socket[]> };
  return [...Object.values(a.sockets), ...Object.values(a.freeSockets)].flatMap((l) => l ?? []);
}

/** The SNI name a client TLS socket was opened with. */
export function tlsServerName(s: tls.TLSSocket): string | undefined {
  const n = (s as unknown as { servername?: unknown }).servername;
  return typeof n === 'string' ? n : undefined;
}

/**
 * Makes `out` write its head from raw header pairs (case, order and duplicates kept; Node
 * writes a flat [name, value, …] array verbatim) and, for a close-delimited body, without
 * the chunked framing Node would add.
 */
export function writeRawHead(
  out: http.ServerResponse,
  status: number,
  message: string,
  rawHeaders: string[],
  closeDelimited: boolean,
): void {
  if (closeDelimited) (out as unknown as { useChunkedEncodingByDefault: boolean }).useChunkedEncodingByDefault = false;
  const writeHead = out.writeHead as unknown as (s: number, m: string, h: string[]) => http.ServerResponse;
  out.writeHead = function (this: http.ServerResponse) {
    return writeHead.call(this, status, message, rawHeaders);
  };
}
