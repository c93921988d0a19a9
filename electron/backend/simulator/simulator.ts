/**
 * A MAPI over HTTP server on 127.0.0.1 with the session semantics of
 * [MS-OXCMAPIHTTP] 3.2: cookies minted by Connect/Bind, sequence rotation and
 * validation, one request at a time per context (15), idle expiry announced by
 * X-ExpirationInfo (10 afterwards), PING resetting the timer, NotificationWait
 * held open with PENDING keep-alives, Disconnect/Unbind, reconnect with old
 * cookies. What the answers contain comes from a Responder (capture replay or
 * the scripted mailbox).
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { RawHeader } from '../../../shared/capture/exchange.js';
import { type AutodiscoverOptions, answerAutodiscover } from './autodiscover.js';
import {
  type NtlmAccount,
  challengeMessage,
  namesAccount,
  negTokenRespFor,
  ntlmMessageType,
  readAuthenticate,
  unwrapSpnego,
  verifyNtlmV2,
} from './ntlm-acceptor.js';
import { buildDisconnectResponse, buildNotificationWaitResponse, buildUnbindResponse } from './bodies.js';
import { type CookieStyle, type SessionContext, SessionTable, cookieNames } from './sessions.js';
import type { Responder, SimAnswer, SimRequest } from './types.js';
import {
  type Endpoint,
  PENDING_LINE,
  PROCESSING_LINE,
  RESPONSE_CODE_NAMES,
  ResponseCode,
  canonicalType,
  doneSection,
  endpointOfPath,
  httpDate,
  isCreateType,
  isDestroyType,
  parseCookieHeader,
} from './wire.js';
import type { SimulatorStatusData } from '../../../shared/api/contract.js';

export type AuthMode =
  | { kind: 'none' }
  /** Basic on every request; a wrong or missing header gets 401. */
  | { kind: 'basic'; user: string; password: string }
  /**
   * NTLM ([MS-NLMP], NTLMv2 verified against the password) or Negotiate
   * (SPNEGO carrying NTLM, [MS-SPNG]; raw NTLM under Negotiate is accepted too),
   * bound to the TCP connection: each new connection answers 401 until its own
   * handshake completes ([MS-NTHT] 3.2.5). `user` may be `DOMAIN\user`.
   */
  | { kind: 'ntlm' | 'negotiate'; user: string; password: string };

export interface SimulatorOptions {
  /** 127.x.x.x only; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  cookies?: CookieStyle | { context: string; sequence: string };
  /** Idle expiry of a Session Context in ms (X-ExpirationInfo); default 900000. */
  expiryMs?: number;
  /** Interval of PENDING keep-alives in ms (X-PendingPeriod); default 30000. */
  pendingPeriodMs?: number;
  /** How long a NotificationWait is held without events before EventPending 0; default 300000 (spec 3.2.2). */
  notificationWaitMs?: number;
  /** Processing time added before an answer is sent (to make overlaps observable); default 0. */
  processingDelayMs?: number | ((type: string) => number);
  /** Request types whose sequence cookie is validated; default Execute (gromox behaviour). */
  validateSequence?: readonly string[];
  /** TLS key and certificate (PEM): the server speaks HTTPS. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  auth?: AuthMode;
  serverApplication?: string;
  /**
   * X-ResponseCode numbering: the spec's (default), or gromox's own (7 for a stale
   * sequence, 2 for an unknown or expired context, with its explanation texts and
   * X-ServerApplication Exchange/15.00.0847.4040); see shared/protocol/mapihttp/server-profiles.ts.
   */
  responseCodes?: 'spec' | 'gromox';
  /** Autodiscover at /autodiscover/ (POX and JSON); MAPI over HTTP offered unless `mapiHttp: false`. */
  autodiscover?: AutodiscoverOptions;
  /** Largest accepted request body; larger ones get X-ResponseCode 9. Default 16 MiB. */
  maxBodyBytes?: number;
  responder: Responder;
}

export interface SimLogEntry {
  at: number;
  connectionId: number;
  remoteAddress: string;
  type: string;
  contextId?: number;
  httpStatus: number;
  responseCode: number;
  /** Why a request was refused, or where the answer came from. */
  note?: string;
  durationMs: number;
}

/** The status type is part of the API contract; the simulator fills it. */
export type SimulatorStatus = SimulatorStatusData;

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

interface ConnState {
  id: number;
  /** Handshake step: 0 none, 1 challenged, 2 authenticated. */
  auth: number;
  serverChallenge?: Buffer | undefined;
  identity?: string;
  /** Sent with the answer that completes a Negotiate handshake (NegTokenResp accept-completed). */
  finalToken?: string | undefined;
}

export class ExchangeSimulator extends EventEmitter {
  readonly sessions: SessionTable;
  readonly log: SimLogEntry[] = [];
  private server: (http.Server | https.Server) | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly conns = new WeakMap<Socket, ConnState>();
  private nextConn = 1;
  private requests = 0;
  private readonly byCode = new Map<string, number>();
  private readonly sources = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private readonly waiters = new Map<number, Set<(eventPending: boolean) => void>>();
  private readonly opts: Required<Omit<SimulatorOptions, 'tls' | 'cookies'>> & { tls: SimulatorOptions['tls'] };
  private readonly names;
  private baseUrl = '';
  private stopping = false;

  constructor(options: SimulatorOptions) {
    super();
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.test(host))
      throw new Error(`the simulator listens on loopback addresses only (127.x.x.x), not ${host}`);
    this.opts = {
      host,
      port: options.port ?? 0,
      expiryMs: options.expiryMs ?? 900_000,
      pendingPeriodMs: options.pendingPeriodMs ?? 30_000,
      notificationWaitMs: options.notificationWaitMs ?? 300_000,
      processingDelayMs: options.processingDelayMs ?? 0,
      validateSequence: options.validateSequence ?? ['Execute'],
      auth: options.auth ?? { kind: 'none' },
      serverApplication:
        options.serverApplication ??
        (options.responseCodes === 'gromox' ? 'Exchange/15.00.0847.4040' : 'Exchange/15.02.2562.045'),
      responseCodes: options.responseCodes ?? 'spec',
      autodiscover: options.autodiscover ?? {},
      maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
      responder: options.responder,
      tls: options.tls,
    };
    this.names = cookieNames(options.cookies ?? 'exchange');
    this.sessions = new SessionTable(this.names, this.opts.expiryMs);
  }

  get url(): string {
    return this.baseUrl;
  }
  /** Mailbox endpoint URL. */
  get emsmdbUrl(): string {
    return `${this.baseUrl}/mapi/emsmdb/?MailboxId=simulated@mapiscope.test`;
  }
  get nspiUrl(): string {
    return `${this.baseUrl}/mapi/nspi/?MailboxId=simulated@mapiscope.test`;
  }
  get cookieNames(): { context: string; sequence: string } {
    return { context: this.names.context, sequence: this.names.sequence };
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const server = this.opts.tls
      ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler)
      : http.createServer(handler);
    server.keepAliveTimeout = 30_000;
    server.headersTimeout = 30_000;
    server.requestTimeout = 60_000;
    const onConn = (s: Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      this.conns.set(s, { id: this.nextConn++, auth: 0 });
      s.on('close', () => this.sockets.delete(s));
    };
    server.on(this.opts.tls ? 'secureConnection' : 'connection', onConn);
    server.on('clientError', (_e, s: Socket) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.baseUrl = `${this.opts.tls ? 'https' : 'http'}://${a.address}:${a.port}`;
    const every = Math.max(50, Math.min(5_000, Math.floor(this.opts.expiryMs / 2)));
    this.sweepTimer = setInterval(() => {
      for (const c of this.sessions.list()) if (this.sessions.isExpired(c)) this.endContext(c, 'expired');
    }, every);
    this.sweepTimer.unref();
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const set of this.waiters.values()) for (const w of set) w(false);
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    for (const c of this.sessions.list()) this.endContext(c, 'stopped');
    this.server = undefined;
    this.stopping = false;
  }

  /** Completes the outstanding NotificationWait of a context (or all) with EventPending = 1. */
  signalEvent(contextId?: number): number {
    let n = 0;
    for (const [id, set] of this.waiters) {
      if (contextId !== undefined && id !== contextId) continue;
      for (const w of set) {
        w(true);
        n++;
      }
    }
    return n;
  }

  status(): SimulatorStatus {
    const now = Date.now();
    const byResponseCode: Record<string, number> = {};
    for (const [k, v] of this.byCode) byResponseCode[k] = v;
    const s: SimulatorStatus = {
      url: this.baseUrl,
      mode: this.opts.responder.mode,
      cookies: this.cookieNames,
      expiryMs: this.opts.expiryMs,
      pendingPeriodMs: this.opts.pendingPeriodMs,
      contexts: this.sessions.list().map((c) => ({
        id: c.id,
        endpoint: c.endpoint,
        requests: c.requests,
        idleMs: now - c.lastActivity,
        inFlight: c.inFlight,
        notifyInFlight: c.notifyInFlight,
      })),
      requests: this.requests,
      byResponseCode,
      connections: this.nextConn - 1,
      sourceAddresses: [...this.sources],
    };
    const r = this.opts.responder.stats?.();
    if (r) s.responder = r;
    return s;
  }

  // -------------------------------------------------------------------------

  private endContext(ctx: SessionContext, reason: 'disconnect' | 'expired' | 'reconnect' | 'stopped'): void {
    this.sessions.destroy(ctx, reason);
    // An outstanding NotificationWait of a destroyed context completes now (no events).
    const waiting = this.waiters.get(ctx.id);
    if (waiting) for (const w of [...waiting]) w(false);
    this.opts.responder.onDestroy?.(ctx);
    this.emit('context', { kind: reason, id: ctx.id, endpoint: ctx.endpoint });
  }

  private delayFor(type: string): number {
    const d = this.opts.processingDelayMs;
    return typeof d === 'function' ? d(type) : d;
  }

  private async readBody(req: http.IncomingMessage): Promise<Uint8Array | 'too-large' | 'aborted'> {
    return new Promise((resolve) => {
      const parts: Buffer[] = [];
      let n = 0;
      let done = false;
      req.on('data', (c: Buffer) => {
        n += c.length;
        if (n > this.opts.maxBodyBytes) {
          if (!done) resolve('too-large');
          done = true;
          return;
        }
        parts.push(c);
      });
      req.on('end', () => {
        if (!done) resolve(new Uint8Array(Buffer.concat(parts)));
        done = true;
      });
      req.on('aborted', () => {
        if (!done) resolve('aborted');
        done = true;
      });
      req.on('close', () => {
        if (!done) resolve(req.complete ? new Uint8Array(Buffer.concat(parts)) : 'aborted');
        done = true;
      });
    });
  }

  private record(e: SimLogEntry): void {
    this.requests++;
    // Requests that got no MAPI answer (401, aborted uploads) are counted apart from X-ResponseCode values.
    const key =
      e.responseCode >= 0
        ? String(e.responseCode)
        : e.httpStatus === 401
          ? 'http-401'
          : e.note === 'autodiscover'
            ? 'autodiscover'
            : 'aborted';
    this.byCode.set(key, (this.byCode.get(key) ?? 0) + 1);
    this.log.push(e);
    // Trim in batches: a splice per request would cost O(n) each time.
    if (this.log.length > 6_000) this.log.splice(0, this.log.length - 5_000);
    this.emit('request', e);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const socket = req.socket;
    const conn = this.conns.get(socket) ?? { id: 0, auth: 0 };
    const remoteAddress = socket.remoteAddress ?? '';
    this.sources.add(remoteAddress);
    const headers: RawHeader[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.push({ name: req.rawHeaders[i]!, value: req.rawHeaders[i + 1]! });
    const hv = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const requestId = hv('x-requestid');
    const clientInfo = hv('x-clientinfo');
    const rawType = hv('x-requesttype');
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    const endpoint = endpointOfPath(path);
    const type = endpoint && rawType ? canonicalType(endpoint, rawType) : undefined;
    let ctx: SessionContext | undefined;
    const setCookies: string[] = [];

    const baseHeaders = (code: number): string[] => {
      const h: string[] = [
        'Cache-Control',
        'private',
        'Content-Type',
        code === 0 ? 'application/mapi-http' : 'text/html',
      ];
      if (rawType) h.push('X-RequestType', type ?? rawType);
      if (requestId) h.push('X-RequestId', requestId);
      if (clientInfo) h.push('X-ClientInfo', clientInfo);
      h.push('X-ResponseCode', String(code));
      h.push('X-PendingPeriod', String(this.opts.pendingPeriodMs), 'X-ExpirationInfo', String(this.opts.expiryMs));
      h.push('X-ServerApplication', this.opts.serverApplication);
      for (const c of setCookies) h.push('Set-Cookie', c);
      if (conn.finalToken) {
        h.push('WWW-Authenticate', conn.finalToken);
        conn.finalToken = undefined;
      }
      h.push('Date', httpDate(Date.now()));
      return h;
    };
    const logIt = (httpStatus: number, code: number, note?: string) =>
      this.record({
        at: started,
        connectionId: conn.id,
        remoteAddress,
        type: type ?? rawType ?? '',
        ...(ctx ? { contextId: ctx.id } : {}),
        httpStatus,
        responseCode: code,
        ...(note ? { note } : {}),
        durationMs: Date.now() - started,
      });
    const fail = (specCode: number, note: string): void => {
      const gromox = this.opts.responseCodes === 'gromox' ? GROMOX_CODES[specCode] : undefined;
      const code = gromox ? gromox[0] : specCode;
      const html = gromox
        ? `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>MAPI OVER HTTP ERROR</title>\r\n</head><body>\r\n<h1>Diagnostic Information</h1>\r\n<p>${gromox[1]}</p>\r\n</body></html>\r\n`
        : `<html><head><title>${RESPONSE_CODE_NAMES[code] ?? 'Error'}</title></head><body>X-ResponseCode ${code}: ${note}</body></html>`;
      const h = baseHeaders(code);
      h.push('Content-Length', String(Buffer.byteLength(html)));
      if (!res.destroyed) {
        res.writeHead(200, h);
        res.end(html);
      }
      logIt(200, code, note);
    };
    const cookieFor = (name: string, value: string, ep: Endpoint) => `${name}=${value}${this.names.attributes(ep)}`;

    const body = await this.readBody(req);
    if (body === 'aborted') {
      // The request never arrived completely: the server did nothing ([MS-OXCMAPIHTTP] 3.1.7.1).
      logIt(0, -1, 'request aborted before its body was complete');
      return;
    }
    if (this.stopping) return fail(ResponseCode.EndpointShuttingDown, 'simulator is stopping');
    if (body === 'too-large')
      return fail(ResponseCode.TooLarge, `request body larger than ${this.opts.maxBodyBytes} bytes`);

    // HTTP authentication comes before anything MAPI ([MS-OXCMAPIHTTP] 2.2.2).
    const identity = await this.authenticate(req, res, conn, (why) => logIt(401, -1, why));
    if (identity === null) return;

    if (/^\/autodiscover\//i.test(path)) {
      const a = answerAutodiscover(
        req.method ?? 'GET',
        new URL(url, this.baseUrl),
        body,
        hv('x-mapihttpcapability') !== undefined,
        this.baseUrl,
        this.opts.autodiscover,
      );
      res.writeHead(a.status, ['Content-Type', a.contentType, 'Content-Length', String(Buffer.byteLength(a.body))]);
      res.end(a.body);
      return logIt(a.status, -1, 'autodiscover');
    }
    if (req.method !== 'POST') return fail(ResponseCode.InvalidVerb, `method ${req.method} is not POST`);
    if (!endpoint) return fail(ResponseCode.InvalidPath, `path ${path} is neither /mapi/emsmdb/ nor /mapi/nspi/`);
    if (!rawType) return fail(ResponseCode.MissingHeader, 'X-RequestType is missing');
    if (!type)
      return fail(ResponseCode.InvalidRequestType, `X-RequestType "${rawType}" is not valid on /mapi/${endpoint}/`);
    if (!requestId) return fail(ResponseCode.MissingHeader, 'X-RequestId is missing');

    const cookies = parseCookieHeader(headers.filter((h) => h.name.toLowerCase() === 'cookie').map((h) => h.value));
    const sreq: SimRequest = { endpoint, type, url, headers, body, cookies, connectionId: conn.id, remoteAddress };

    if (isCreateType(type)) {
      if ((endpoint === 'emsmdb') !== (type === 'Connect'))
        return fail(ResponseCode.InvalidRequestType, `${type} on /mapi/${endpoint}/`);
      // Reconnect: cookies of a live context destroy it first; the sequence cookie is ignored (3.2.5.6).
      const old = this.sessions.lookup(endpoint, cookies);
      let replaced: SessionContext | undefined;
      if (old.kind === 'ok') {
        replaced = old.ctx;
        this.endContext(old.ctx, 'reconnect');
      }
      ctx = this.sessions.create(
        endpoint,
        identity,
        replaced?.id ?? (old.kind === 'unknown' ? old.ended?.id : undefined),
      );
      this.emit('context', { kind: 'created', id: ctx.id, endpoint, replaces: ctx.replaces });
      this.opts.responder.onCreate?.(ctx, sreq, replaced);
    } else {
      const found = this.sessions.lookup(endpoint, cookies);
      if (found.kind === 'missing' && type === 'PING') {
        // Exchange answers a PING without session cookies (a reachability check, as Outlook sends
        // it before Connect; see test/fixtures/exchange-se/session-en-us__01-ping.meta.txt).
        const entity = doneSection(new Uint8Array(0), started, Date.now());
        const h = baseHeaders(0);
        h.push('Content-Length', String(PROCESSING_LINE.length + entity.length));
        res.writeHead(200, h);
        res.write(PROCESSING_LINE);
        res.end(entity);
        return logIt(200, 0);
      }
      if (found.kind === 'missing') return fail(ResponseCode.MissingCookie, `cookie ${this.names.context} is missing`);
      if (found.kind === 'unknown')
        return fail(
          ResponseCode.ContextNotFound,
          found.ended ? `Session Context ${found.ended.id} ended (${found.ended.reason})` : 'no such Session Context',
        );
      ctx = found.ctx;
      if (ctx.identity !== identity)
        return fail(ResponseCode.ContextNotFound, 'authenticated identity differs from the Session Context');
    }
    const c = ctx;
    c.requests++;
    setCookies.push(cookieFor(this.names.context, c.contextCookie, endpoint));

    if (type === 'PING') {
      this.sessions.touch(c);
      const entity = doneSection(new Uint8Array(0), started, Date.now());
      const h = baseHeaders(0);
      h.push('Content-Length', String(PROCESSING_LINE.length + entity.length));
      res.writeHead(200, h);
      res.write(PROCESSING_LINE);
      res.end(entity);
      return logIt(200, 0);
    }

    if (type === 'NotificationWait') return this.notificationWait(c, res, baseHeaders, started, logIt);

    // One request at a time per Session Context ([MS-OXCMAPIHTTP] 3.2.5.1).
    if (!isCreateType(type) && c.inFlight > 0)
      return fail(ResponseCode.InvalidSequence, 'another request of this Session Context is in progress');
    if (this.opts.validateSequence.includes(type)) {
      const seq = cookies.get(this.names.sequence);
      if (seq === undefined) return fail(ResponseCode.MissingCookie, `cookie ${this.names.sequence} is missing`);
      if (seq !== c.sequenceCookie)
        return fail(ResponseCode.InvalidSequence, `stale or out-of-order ${this.names.sequence} cookie`);
    }

    c.inFlight++;
    let answerNote: string | undefined;
    try {
      if (isDestroyType(type)) {
        setCookies.push(cookieFor(this.names.sequence, c.sequenceCookie, endpoint));
        this.endContext(c, 'disconnect');
      } else {
        setCookies.push(cookieFor(this.names.sequence, this.sessions.rotateSequence(c), endpoint));
      }
      res.writeHead(200, baseHeaders(0));
      res.write(PROCESSING_LINE);
      let answer: SimAnswer;
      if (type === 'Disconnect') answer = { body: buildDisconnectResponse() };
      else if (type === 'Unbind') answer = { body: buildUnbindResponse() };
      else {
        const delay = this.delayFor(type);
        const keepAlive = this.keepAlive(res);
        try {
          if (delay > 0) await sleep(delay);
          answer = await this.opts.responder.answer(sreq, c);
        } finally {
          clearInterval(keepAlive);
        }
      }
      answerNote = answer.source;
      const extra: [string, string][] = [...(answer.extra ?? [])];
      if (answer.lateResponseCode !== undefined) extra.unshift(['X-ResponseCode', String(answer.lateResponseCode)]);
      if (!res.destroyed) res.end(doneSection(answer.body, started, Date.now(), extra));
      logIt(200, answer.lateResponseCode ?? 0, answerNote);
    } catch (e) {
      // A responder failure is a late failure: headers (code 0) are out, the real code follows DONE.
      const msg = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) return fail(ResponseCode.UnknownFailure, msg);
      if (!res.destroyed) res.end(doneSection(new Uint8Array(0), started, Date.now(), [['X-ResponseCode', '1']]));
      logIt(200, 1, msg);
    } finally {
      c.inFlight--;
      this.sessions.touch(c);
    }
  }

  /** PENDING every X-PendingPeriod while a request runs ([MS-OXCMAPIHTTP] 3.2.5.2). */
  private keepAlive(res: http.ServerResponse): NodeJS.Timeout {
    const t = setInterval(() => {
      if (!res.destroyed && !res.writableEnded) res.write(PENDING_LINE);
    }, this.opts.pendingPeriodMs);
    t.unref();
    return t;
  }

  private notificationWait(
    c: SessionContext,
    res: http.ServerResponse,
    baseHeaders: (code: number) => string[],
    started: number,
    logIt: (status: number, code: number, note?: string) => void,
  ): void {
    c.notifyInFlight++;
    res.writeHead(200, baseHeaders(0));
    res.write(PROCESSING_LINE);
    const keepAlive = this.keepAlive(res);
    let finished = false;
    let set = this.waiters.get(c.id);
    if (!set) this.waiters.set(c.id, (set = new Set()));
    const finish = (eventPending: boolean, note: string) => {
      if (finished) return;
      finished = true;
      clearInterval(keepAlive);
      clearTimeout(timer);
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(c.id);
      c.notifyInFlight--;
      // A NotificationWait keeps the context alive and refreshes it on completion (3.2.5.5).
      this.sessions.touch(c);
      if (!res.destroyed) res.end(doneSection(buildNotificationWaitResponse(eventPending), started, Date.now()));
      logIt(200, 0, note);
    };
    const timer = setTimeout(() => finish(false, 'no events'), this.opts.notificationWaitMs);
    timer.unref();
    const waiter = (ev: boolean) => finish(ev, ev ? 'event pending' : 'context ended');
    set.add(waiter);
    res.on('close', () => {
      if (!res.writableEnded) finish(false, 'client closed the connection');
    });
  }

  /** Returns the identity, undefined without auth, or null after answering 401. */
  private async authenticate(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    conn: ConnState,
    log: (why: string) => void,
  ): Promise<string | undefined | null> {
    const auth = this.opts.auth;
    if (auth.kind === 'none') return undefined;
    const header = req.headers.authorization ?? '';
    const deny = (challenges: string[], why: string) => {
      const h: string[] = [];
      for (const c of challenges) h.push('WWW-Authenticate', c);
      h.push('Content-Length', '0', 'Date', httpDate(Date.now()));
      if (!res.destroyed) {
        res.writeHead(401, h);
        res.end();
      }
      log(why);
      return null;
    };
    if (auth.kind === 'basic') {
      const want = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
      return header === want
        ? auth.user
        : deny(
            ['Basic realm="mapiscope-simulator"'],
            header ? 'Basic: wrong user or password' : 'authentication required',
          );
    }
    const offers = auth.kind === 'negotiate' ? ['Negotiate', 'NTLM'] : ['NTLM'];
    if (conn.auth === 2 && !header) return conn.identity!;
    const m = /^(NTLM|Negotiate)\s+(\S+)$/i.exec(header);
    const scheme = m ? (m[1]!.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate') : undefined;
    if (!m || !offers.includes(scheme!)) {
      conn.auth = 0;
      return deny(offers, header ? `${header.split(' ')[0]} is not offered` : 'authentication required');
    }
    const raw = Buffer.from(m[2]!, 'base64');
    let token: Buffer | undefined;
    try {
      const u = scheme === 'Negotiate' ? unwrapSpnego(raw) : { ntlm: raw, offersNtlm: true };
      if (!u.offersNtlm) {
        conn.auth = 0;
        return deny([`Negotiate ${negTokenRespFor(2).toString('base64')}`], 'Negotiate without NTLM (Kerberos only)');
      }
      token = u.ntlm;
    } catch {
      token = undefined;
    }
    const type = token ? ntlmMessageType(token) : 0;
    const slash = auth.user.indexOf('\\');
    const account: NtlmAccount =
      slash > 0
        ? { domain: auth.user.slice(0, slash), user: auth.user.slice(slash + 1), password: auth.password }
        : { user: auth.user, password: auth.password };
    const wrap = (b: Buffer, state: 0 | 1) =>
      scheme === 'Negotiate' && ntlmMessageType(raw) === 0 ? negTokenRespFor(state, b) : b;
    if (type === 1) {
      const ch = challengeMessage(account.domain ?? 'MAPISCOPE');
      conn.auth = 1;
      conn.serverChallenge = ch.serverChallenge;
      return deny([`${scheme} ${wrap(ch.message, 1).toString('base64')}`], `${scheme} challenge`);
    }
    if (type === 3 && conn.auth === 1 && conn.serverChallenge && token) {
      const challenge = conn.serverChallenge;
      conn.serverChallenge = undefined;
      let ok = false;
      let who = '';
      try {
        const f = readAuthenticate(token);
        who = f.domain ? `${f.domain}\\${f.user}` : f.user;
        ok = namesAccount(f, account) && (await verifyNtlmV2(f, challenge, account.password));
      } catch {
        ok = false;
      }
      if (!ok) {
        conn.auth = 0;
        return deny(offers, `${scheme}: credentials of ${who || 'an unreadable message'} refused`);
      }
      conn.auth = 2;
      conn.identity = auth.user;
      if (scheme === 'Negotiate' && ntlmMessageType(raw) === 0)
        conn.finalToken = `Negotiate ${negTokenRespFor(0).toString('base64')}`;
      return auth.user;
    }
    conn.auth = 0;
    return deny(offers, `${scheme}: unexpected handshake message`);
  }
}

/** Spec code → gromox's number and explanation (gromox exch/mh `resp_code` and `g_error_text`). */
const GROMOX_CODES: Readonly<Record<number, [number, string]>> = {
  2: [1, 'The request has an invalid verb.'],
  10: [2, 'The request has an invalid session context cookie.'],
  7: [3, 'The request has a missing required header.'],
  11: [4, 'The client has no privileges to the Session Context.'],
  12: [5, 'The request body is invalid.'],
  13: [6, 'The request is missing a required cookie.'],
  15: [7, 'The request has violated the sequencing requirement of one request at a time per Session Context.'],
  5: [8, 'Invalid request type for this endpoint.'],
};

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
