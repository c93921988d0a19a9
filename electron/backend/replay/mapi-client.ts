/**
 * A MAPI over HTTP client as a conforming one behaves ([MS-OXCMAPIHTTP] 3.1):
 * keeps every cookie the server sent, per endpoint, sends them all on the next
 * request, counts X-RequestId up on every HTTP request, and authenticates
 * through the shared Authenticator (Basic/Bearer on every request, an
 * NTLM/Negotiate handshake on every new TCP connection). Connections are
 * explicit so a replay can drop or move them.
 */
import type { RawHeader } from '../../../shared/capture/exchange.js';
import { type AuthError, Authenticator, type HandshakeRecord } from '../auth/authenticator.js';
import { type ResponseEntity, endpointOfPath, parseResponseEntity, parseSetCookie } from '../simulator/wire.js';
import { type DropPoint, HttpConnection, type HttpResult } from './http-client.js';

export interface MapiClientOptions {
  localAddress?: string;
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string;
  /** Shared by every client of one run, so the scheme chosen once is kept and every handshake is listed. */
  auth?: Authenticator;
  /** GUID part of X-RequestId (constant per Session Context). */
  requestIdGuid?: string;
  clientInfo?: string;
  clientApplication?: string;
  timeoutMs?: number;
}

export interface MapiResult extends HttpResult {
  connectionId: number;
  localAddress: string;
  /** X-ResponseCode from the HTTP headers. */
  headerResponseCode?: number;
  /** The code that counts: a late X-ResponseCode after DONE overrides the header ([MS-OXCMAPIHTTP] 3.2.5.2). */
  responseCode?: number;
  entity?: ResponseEntity;
  /** Request headers as sent. */
  sentHeaders: RawHeader[];
  requestId: string;
  /** The handshake this request needed (a new connection under NTLM/Negotiate). */
  handshake?: HandshakeRecord;
  /** Authentication failed: the answer is the server's last 401. */
  authError?: AuthError;
}

export interface SendOptions {
  drop?: DropPoint;
  /** Use a fresh TCP connection for this request. */
  newConnection?: boolean;
  /** Bind the (new) connection to this source address. */
  localAddress?: string;
  /** Cookies to send instead of the jar's (stale sequence tests). */
  cookies?: ReadonlyMap<string, string>;
  /** Headers copied from a capture (X-ClientInfo, User-Agent, …); session headers are set by the client. */
  extraHeaders?: readonly RawHeader[];
  /** Reuse this X-RequestId (resubmission "as-is" after a send failure). */
  requestId?: string;
  timeoutMs?: number;
}

const SESSION_HEADERS = new Set([
  'host',
  'content-length',
  'cookie',
  'x-requesttype',
  'x-requestid',
  'authorization',
  'connection',
  'transfer-encoding',
  'content-type',
  'accept-encoding',
]);

export class MapiClient {
  private conn: HttpConnection | undefined;
  /** Cookies by endpoint ("emsmdb", "nspi"), name → value. */
  readonly jars = new Map<string, Map<string, string>>();
  private counter = 0;
  private requestsOn = new WeakMap<HttpConnection, number>();
  readonly base: URL;
  readonly connections: { id: number; localAddress: string; opened: number }[] = [];
  localAddress: string | undefined;
  readonly requestIdGuid: string;
  readonly auth: Authenticator;

  constructor(
    baseUrl: string,
    readonly opts: MapiClientOptions = {},
  ) {
    this.base = new URL(baseUrl);
    this.auth = opts.auth ?? new Authenticator();
    this.localAddress = opts.localAddress;
    this.requestIdGuid = opts.requestIdGuid ?? '{' + crypto.randomUUID().toUpperCase() + '}';
  }

  jar(endpoint: string): Map<string, string> {
    let j = this.jars.get(endpoint);
    if (!j) this.jars.set(endpoint, (j = new Map()));
    return j;
  }

  get currentConnection(): HttpConnection | undefined {
    return this.conn;
  }

  /** Drops the current TCP connection while nothing is in flight. */
  dropIdle(): void {
    this.conn?.reset();
    this.conn = undefined;
  }

  close(): void {
    this.conn?.close();
    this.conn = undefined;
  }

  nextRequestId(): string {
    this.counter++;
    return `${this.requestIdGuid}:${this.counter}`;
  }

  private async connection(opts: SendOptions): Promise<HttpConnection> {
    if (opts.localAddress !== undefined) this.localAddress = opts.localAddress;
    if (opts.newConnection || opts.localAddress !== undefined || !this.conn?.alive) {
      this.conn?.close();
      const la = this.localAddress;
      this.conn = await HttpConnection.open(this.base, {
        ...(la ? { localAddress: la } : {}),
        ...(this.opts.insecure ? { insecure: true } : {}),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        timeoutMs: this.opts.timeoutMs ?? 10_000,
      });
      this.connections.push({ id: this.conn.id, localAddress: this.conn.localAddress, opened: Date.now() });
    }
    return this.conn;
  }

  /**
   * Sends one MAPI request. `path` is an origin-form target (captured path and query);
   * the endpoint's cookie jar is used and updated from Set-Cookie.
   */
  async send(path: string, type: string, body: Uint8Array, opts: SendOptions = {}): Promise<MapiResult> {
    const endpoint = endpointOfPath(path.split('?', 1)[0] ?? '/') ?? 'other';
    const jar = this.jar(endpoint);
    const cookies = opts.cookies ?? jar;
    const requestId = opts.requestId ?? this.nextRequestId();
    const headers: RawHeader[] = [
      { name: 'Host', value: this.base.host },
      { name: 'Content-Type', value: 'application/mapi-http' },
      { name: 'X-RequestType', value: type },
      { name: 'X-RequestId', value: requestId },
    ];
    if (this.opts.clientInfo) headers.push({ name: 'X-ClientInfo', value: this.opts.clientInfo });
    if (this.opts.clientApplication) headers.push({ name: 'X-ClientApplication', value: this.opts.clientApplication });
    for (const h of opts.extraHeaders ?? []) {
      const n = h.name.toLowerCase();
      if (SESSION_HEADERS.has(n)) continue;
      if (
        (n === 'x-clientinfo' && this.opts.clientInfo) ||
        (n === 'x-clientapplication' && this.opts.clientApplication)
      )
        continue;
      headers.push(h);
    }
    if (cookies.size) headers.push({ name: 'Cookie', value: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    headers.push({ name: 'Content-Length', value: String(body.length) });
    const auth = this.auth;

    let conn: HttpConnection;
    try {
      conn = await this.connection(opts);
    } catch (e) {
      // A dead target is a result, not an exception: the caller reports it.
      const message = e instanceof Error ? e.message : String(e);
      return {
        headers: [],
        body: new Uint8Array(0),
        chunks: [],
        timings: { requestStart: Date.now() },
        connectionClose: true,
        aborted: { kind: 'upstream-error', message: `cannot connect to ${this.base.host}: ${message}` },
        connectionId: 0,
        localAddress: this.localAddress ?? '',
        sentHeaders: headers,
        requestId,
      };
    }
    let sent = headers;
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const attempt = (c: HttpConnection, drop: DropPoint | undefined) => {
      const before = auth.handshakes.length;
      return auth
        .request<HttpResult>({
          connection: c,
          connectionId: c.id,
          localAddress: c.localAddress,
          send: (authorization, opening) => {
            const h = authorization
              ? [...headers.slice(0, -1), { name: 'Authorization', value: authorization }, headers.at(-1)!]
              : headers;
            if (!opening) sent = h;
            return c.request(
              { method: 'POST', target: path, headers: h, body },
              { ...(drop && !opening ? { drop } : {}), timeoutMs },
            );
          },
        })
        .then((r) => ({ ...r, handshake: auth.handshakes.slice(before).at(-1) }));
    };
    const reused = this.conn === conn && this.requestsOn.get(conn) !== undefined;
    this.requestsOn.set(conn, (this.requestsOn.get(conn) ?? 0) + 1);
    let r = await attempt(conn, opts.drop);
    if (
      reused &&
      !opts.drop &&
      r.res.statusCode === undefined &&
      (r.res.aborted?.kind === 'upstream-close' || r.res.aborted?.kind === 'upstream-reset')
    ) {
      // The server closed an idle keep-alive connection as we reused it: it never read the request.
      // Send it once more on a fresh connection, as HTTP clients do.
      try {
        conn = await this.connection({ newConnection: true });
        this.requestsOn.set(conn, 1);
        r = await attempt(conn, undefined);
      } catch {
        // No new connection either: report the first failure.
      }
    }
    const res = r.res;
    const out: MapiResult = {
      ...res,
      connectionId: conn.id,
      localAddress: conn.localAddress,
      sentHeaders: sent,
      requestId,
      ...(r.handshake ? { handshake: r.handshake } : {}),
      ...(r.error ? { authError: r.error } : {}),
    };
    if (res.statusCode !== undefined) {
      for (const h of res.headers)
        if (h.name.toLowerCase() === 'set-cookie') {
          const c = parseSetCookie(h.value);
          if (c) jar.set(c.name, c.value);
        }
      const rc = res.headers.find((h) => h.name.toLowerCase() === 'x-responsecode')?.value;
      if (rc !== undefined && /^\d+$/.test(rc.trim())) {
        out.headerResponseCode = Number(rc);
        out.responseCode = out.headerResponseCode;
      }
      const ct = res.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
      if (res.statusCode === 200 && /mapi-http/i.test(ct)) {
        out.entity = parseResponseEntity(res.body);
        const late = out.entity.headers.find(([k]) => k.toLowerCase() === 'x-responsecode');
        if (late && /^\d+$/.test(late[1])) out.responseCode = Number(late[1]);
      }
    }
    return out;
  }

  /**
   * Any other HTTP request on the client's connection with its authentication
   * (Autodiscover): no MAPI headers, no cookies.
   */
  async sendPlain(
    method: string,
    path: string,
    headers: readonly RawHeader[],
    body: Uint8Array,
    timeoutMs = 30_000,
  ): Promise<
    HttpResult & { connectionId: number; sentHeaders: RawHeader[]; handshake?: HandshakeRecord; authError?: AuthError }
  > {
    const all: RawHeader[] = [
      { name: 'Host', value: this.base.host },
      ...headers,
      { name: 'Content-Length', value: String(body.length) },
    ];
    let conn: HttpConnection;
    try {
      conn = await this.connection({});
    } catch (e) {
      return {
        headers: [],
        body: new Uint8Array(0),
        chunks: [],
        timings: { requestStart: Date.now() },
        connectionClose: true,
        aborted: { kind: 'upstream-error', message: e instanceof Error ? e.message : String(e) },
        connectionId: 0,
        sentHeaders: all,
      };
    }
    const before = this.auth.handshakes.length;
    let sent = all;
    const r = await this.auth.request<HttpResult>({
      connection: conn,
      connectionId: conn.id,
      localAddress: conn.localAddress,
      send: (authorization) => {
        sent = authorization
          ? [...all.slice(0, -1), { name: 'Authorization', value: authorization }, all.at(-1)!]
          : all;
        return conn.request({ method, target: path, headers: sent, body }, { timeoutMs });
      },
    });
    const hs = this.auth.handshakes.slice(before).at(-1);
    return {
      ...r.res,
      connectionId: conn.id,
      sentHeaders: sent,
      ...(hs ? { handshake: hs } : {}),
      ...(r.error ? { authError: r.error } : {}),
    };
  }
}
