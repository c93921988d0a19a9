/**
 * An exchange's HTTP heads read once ([MS-OXCMAPIHTTP] 2.2.2 endpoints, 2.2.3 headers and
 * cookies): one loop over each header list gives the typed `ExchangeHead` that the decoders
 * (`decodeExchange`), the session model, the list summaries and, through the facts, the
 * diagnoses read. Single-valued headers take their first occurrence, as a lookup would.
 *
 * The headers after DONE in the response stream (X-ResponseCode, X-ElapsedTime, X-StartTime,
 * 2.2.3.3) are body bytes: the stream decoder reads them with `readFinalHeaders`.
 */
import { type Exchange, type RawHeader, requestPath } from '../../capture/exchange.js';
import { COOKIE_ROLES, type Cookie, type SetCookie, parseCookieHeader, parseSetCookie } from './headers.js';
import { canonicalRequestType, isEmsmdbRequestType, parseResponseCode } from './request-types.js';
import { isRpcOverHttp } from './rpcproxy.js';

export type Endpoint = 'emsmdb' | 'nspi' | 'autodiscover' | 'rpcproxy' | 'other';

/** What a cookie is used for: the session context, the request sequence, or server affinity. */
export type CookieRole = 'context' | 'sequence' | 'affinity';

export interface HeadAuthorization {
  /** The scheme word of `Authorization` ("Basic", "NTLM", "Negotiate", "Bearer", …). */
  scheme: string;
  /** NTLM message type (1, 2, 3) when an NTLM or Negotiate token carries an NTLMSSP message. */
  ntlmType?: number;
}

/** An exchange's HTTP heads, typed. Absent fields were not sent. */
export interface ExchangeHead {
  endpoint: Endpoint;
  /** The request's X-RequestType as sent (2.2.3.3.1). */
  requestTypeSent?: string;
  /** The request's X-RequestType in its canonical spelling, or trimmed when not a MAPI/HTTP type. */
  requestType?: string;
  /**
   * The type the bodies are decoded as: the request's X-RequestType, else the response's, for
   * MAPI endpoints; "Autodiscover"; the RPC over HTTP method.
   */
  bodyType?: string;
  host?: string;
  requestId?: string;
  clientInfo?: string;
  clientApplication?: string;
  userAgent?: string;
  authorization?: HeadAuthorization;
  /** Every cookie of every Cookie header, in order (2.2.3.2.3). */
  cookies: Cookie[];
  /** `cookieRoles[i]` is the role of `cookies[i]` by its name (`cookieRoleOf`). */
  cookieRoles: CookieRole[];
  /** HTTP status code; absent when no response head was received. */
  status?: number;
  /** The response head's X-ResponseCode (2.2.3.3.3), when a decimal number. */
  responseCode?: number;
  serverApplication?: string;
  /** X-PendingPeriod (2.2.3.3.5), milliseconds. */
  pendingPeriodMs?: number;
  /** X-ExpirationInfo (2.2.3.3.6), milliseconds. */
  expirationMs?: number;
  wwwAuthenticate: string[];
  setCookies: SetCookie[];
  /** `setCookieRoles[i]` is the role of `setCookies[i]` by its name. */
  setCookieRoles: CookieRole[];
}

/** The headers after DONE in a response stream ([MS-OXCMAPIHTTP] 2.2.3.3). */
export interface FinalHeaders {
  /** X-ResponseCode after DONE: authoritative over the HTTP header's (2.2.3.3.3). */
  responseCode?: number;
  /** X-ElapsedTime (2.2.3.3.9): the server's processing time, milliseconds. */
  elapsedMs?: number;
  /** X-StartTime (2.2.3.3.10) as sent: when the server started processing the request. */
  startTime?: string;
}

const roleCache = new Map<string, CookieRole>();

/** What a cookie name is used for: known names first, then the name's shape. */
export function cookieRoleOf(name: string): CookieRole {
  let r = roleCache.get(name);
  if (r === undefined) {
    r = cookieRoleByName(name);
    if (roleCache.size < 1000) roleCache.set(name, r);
  }
  return r;
}

function cookieRoleByName(name: string): CookieRole {
  const known = COOKIE_ROLES[name.toLowerCase()];
  if (known)
    return known.startsWith('sequence') ? 'sequence' : known.startsWith('session context') ? 'context' : 'affinity';
  if (/seq/i.test(name)) return 'sequence';
  if (/rout|backend|affinity|^x-/i.test(name)) return 'affinity';
  return 'context';
}

/** A header value in milliseconds (X-PendingPeriod, X-ExpirationInfo, X-ElapsedTime): decimal digits only. */
export function parseMilliseconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : undefined;
}

/** Reads both heads of an exchange in one pass each. */
export function parseExchangeHead(ex: Exchange): ExchangeHead {
  const q = ex.request;
  let requestTypeSent: string | undefined;
  let host: string | undefined;
  let requestId: string | undefined;
  let clientInfo: string | undefined;
  let clientApplication: string | undefined;
  let userAgent: string | undefined;
  let authorization: string | undefined;
  const cookies: Cookie[] = [];
  for (const h of q.headers) {
    switch (h.name.toLowerCase()) {
      case 'x-requesttype':
        requestTypeSent ??= h.value;
        break;
      case 'host':
        host ??= h.value;
        break;
      case 'x-requestid':
        requestId ??= h.value;
        break;
      case 'x-clientinfo':
        clientInfo ??= h.value;
        break;
      case 'x-clientapplication':
        clientApplication ??= h.value;
        break;
      case 'user-agent':
        userAgent ??= h.value;
        break;
      case 'authorization':
        authorization ??= h.value;
        break;
      case 'cookie':
        for (const c of parseCookieHeader(h.value)) cookies.push({ name: c.name, value: c.value });
        break;
    }
  }
  const requestType =
    requestTypeSent !== undefined ? (canonicalRequestType(requestTypeSent) ?? requestTypeSent.trim()) : undefined;
  const endpoint = endpointFrom(q.method, q.url, requestTypeSent);
  const head: ExchangeHead = {
    endpoint,
    cookies,
    cookieRoles: cookies.map((c) => cookieRoleOf(c.name)),
    wwwAuthenticate: [],
    setCookies: [],
    setCookieRoles: [],
  };
  if (requestTypeSent !== undefined) head.requestTypeSent = requestTypeSent;
  if (requestType !== undefined) head.requestType = requestType;
  if (host !== undefined) head.host = host;
  if (requestId !== undefined) head.requestId = requestId;
  if (clientInfo !== undefined) head.clientInfo = clientInfo;
  if (clientApplication !== undefined) head.clientApplication = clientApplication;
  if (userAgent !== undefined) head.userAgent = userAgent;
  if (authorization) head.authorization = authorizationOf(authorization);

  let responseType: string | undefined;
  const r = ex.response;
  if (r) {
    head.status = r.statusCode;
    readResponseHead(r.headers, head, (t) => (responseType ??= t));
  }
  const bodyType = bodyTypeOf(endpoint, q.method, requestTypeSent ?? responseType);
  if (bodyType !== undefined) head.bodyType = bodyType;
  return head;
}

function readResponseHead(headers: readonly RawHeader[], head: ExchangeHead, requestType: (t: string) => void): void {
  let responseCode: string | undefined;
  let pending: string | undefined;
  let expiration: string | undefined;
  let server: string | undefined;
  for (const h of headers) {
    switch (h.name.toLowerCase()) {
      case 'x-responsecode':
        responseCode ??= h.value;
        break;
      case 'x-pendingperiod':
        pending ??= h.value;
        break;
      case 'x-expirationinfo':
        expiration ??= h.value;
        break;
      case 'x-serverapplication':
        server ??= h.value;
        break;
      case 'x-requesttype':
        requestType(h.value);
        break;
      case 'www-authenticate':
        head.wwwAuthenticate.push(h.value);
        break;
      case 'set-cookie': {
        const c = parseSetCookie(h.value);
        head.setCookies.push(c);
        head.setCookieRoles.push(cookieRoleOf(c.name));
        break;
      }
    }
  }
  const rc = responseCode === undefined ? undefined : parseResponseCode(responseCode);
  if (rc !== undefined) head.responseCode = rc;
  const pp = parseMilliseconds(pending);
  if (pp !== undefined) head.pendingPeriodMs = pp;
  const xi = parseMilliseconds(expiration);
  if (xi !== undefined) head.expirationMs = xi;
  if (server !== undefined) head.serverApplication = server;
}

/** Which service a request is for, by its path, its method (RPC over HTTP), then its X-RequestType. */
function endpointFrom(method: string, url: string, requestType: string | undefined): Endpoint {
  const path = requestPath(url).toLowerCase();
  if (isRpcOverHttp(method, path)) return 'rpcproxy';
  if (path.includes('/mapi/emsmdb')) return 'emsmdb';
  if (path.includes('/mapi/nspi')) return 'nspi';
  if (path.includes('/autodiscover/')) return 'autodiscover';
  // A MAPI/HTTP type without the conventional path (the path is opaque, [MS-OXCMAPIHTTP] 2.2.2).
  const t = canonicalRequestType(requestType ?? '');
  if (t) return isEmsmdbRequestType(t) ? 'emsmdb' : 'nspi';
  return 'other';
}

function bodyTypeOf(endpoint: Endpoint, method: string, requestType: string | undefined): string | undefined {
  switch (endpoint) {
    case 'emsmdb':
    case 'nspi':
      return requestType !== undefined ? (canonicalRequestType(requestType) ?? requestType.trim()) : undefined;
    case 'autodiscover':
      return 'Autodiscover';
    case 'rpcproxy': {
      const m = method.toUpperCase();
      return m.startsWith('RPC_') ? m : 'RPC_IN_DATA';
    }
    case 'other':
      return undefined;
  }
}

function authorizationOf(auth: string): HeadAuthorization {
  const sp = auth.indexOf(' ');
  const scheme = sp < 0 ? auth : auth.slice(0, sp);
  const out: HeadAuthorization = { scheme };
  if (/^(ntlm|negotiate)$/i.test(scheme) && sp > 0) {
    const t = ntlmType(auth.slice(sp + 1));
    if (t !== undefined) out.ntlmType = t;
  }
  return out;
}

/** The MessageType of an NTLMSSP message in a base64 token ([MS-NLMP] 2.2.1). */
function ntlmType(token: string): number | undefined {
  try {
    const bin = atob(token.trim());
    if (!bin.startsWith('NTLMSSP\0') || bin.length < 12) return undefined;
    return bin.charCodeAt(8) | (bin.charCodeAt(9) << 8);
  } catch {
    return undefined;
  }
}

/** The headers after DONE, typed; for a repeated header the last value counts. */
export function readFinalHeaders(headers: readonly { name: string; value: string }[]): FinalHeaders {
  let code: string | undefined;
  let elapsed: string | undefined;
  let start: string | undefined;
  for (const h of headers)
    switch (h.name.toLowerCase()) {
      case 'x-responsecode':
        code = h.value;
        break;
      case 'x-elapsedtime':
        elapsed = h.value;
        break;
      case 'x-starttime':
        start = h.value;
        break;
    }
  const out: FinalHeaders = {};
  const c = code === undefined ? undefined : parseResponseCode(code);
  if (c !== undefined) out.responseCode = c;
  const e = parseMilliseconds(elapsed);
  if (e !== undefined) out.elapsedMs = e;
  if (start !== undefined) out.startTime = start;
  return out;
}
