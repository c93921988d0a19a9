/**
 * HTTP layer of MAPI/HTTP ([MS-OXCMAPIHTTP] 2.2.2, 2.2.3): request line,
 * headers in wire order and case, the X- headers, cookies. Trees point into
 * the head rebuilt as text (`shared/capture/head-text.ts` layout: start line,
 * `Name: value` lines, each ending CRLF), buffer ids "request-head" /
 * "response-head".
 */
import type { DecodedNode } from '../../codec/index.js';
import type { Exchange, RawHeader } from '../../capture/exchange.js';
import { headerValue } from '../../capture/exchange.js';
import { canonicalRequestType, parseResponseCode, responseCodeName } from './request-types.js';

export interface Cookie {
  name: string;
  value: string;
}
export interface SetCookie extends Cookie {
  attributes: { name: string; value?: string }[];
}

/** What a cookie name is known for (names are implementation-specific, [MS-OXCMAPIHTTP] 2.2.3.2.3). */
export const COOKIE_ROLES: Readonly<Record<string, string>> = {
  mapicontext: 'session context cookie (Exchange)',
  mapisequence: 'sequence cookie (Exchange)',
  mapirouting: 'routing cookie (Exchange)',
  'x-backendcookie': 'back-end server affinity cookie (Exchange)',
  sid: 'session context cookie (gromox)',
  sequence: 'sequence cookie (gromox)',
};

export function cookieRole(name: string): string | undefined {
  return COOKIE_ROLES[name.toLowerCase()];
}

interface Part {
  text: string;
  /** Offset of `text` in the parsed string. */
  at: number;
}

function splitTrim(s: string, sep: string, base = 0): Part[] {
  const out: Part[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s[i] === sep) {
      let a = start;
      let b = i;
      while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
      while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
      if (b > a) out.push({ text: s.slice(a, b), at: base + a });
      start = i + 1;
    }
  }
  return out;
}

/** `Cookie:` header value → pairs with their offsets in the value. */
export function parseCookieHeader(value: string): (Cookie & { at: number; length: number })[] {
  return splitTrim(value, ';').map((p) => {
    const eq = p.text.indexOf('=');
    return eq < 0
      ? { name: p.text, value: '', at: p.at, length: p.text.length }
      : { name: p.text.slice(0, eq).trim(), value: p.text.slice(eq + 1).trim(), at: p.at, length: p.text.length };
  });
}

/** `Set-Cookie:` header value → name, value, attributes (Path, Expires, Secure, HttpOnly, …). */
export function parseSetCookie(value: string): SetCookie {
  const parts = splitTrim(value, ';');
  const first = parts[0]?.text ?? '';
  const eq = first.indexOf('=');
  const name = eq < 0 ? first : first.slice(0, eq).trim();
  const val = eq < 0 ? '' : first.slice(eq + 1).trim();
  const attributes = parts.slice(1).map((p) => {
    const e = p.text.indexOf('=');
    return e < 0 ? { name: p.text } : { name: p.text.slice(0, e).trim(), value: p.text.slice(e + 1).trim() };
  });
  return { name, value: val, attributes };
}

/** All cookies the request sent (every Cookie header, in order). */
export function requestCookies(headers: readonly RawHeader[]): Cookie[] {
  const out: Cookie[] = [];
  for (const h of headers)
    if (h.name.toLowerCase() === 'cookie')
      for (const c of parseCookieHeader(h.value)) out.push({ name: c.name, value: c.value });
  return out;
}

export function responseSetCookies(headers: readonly RawHeader[]): SetCookie[] {
  return headers.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => parseSetCookie(h.value));
}

/** `GUID:counter` (X-RequestId, X-ClientInfo); other shapes are opaque. */
export function splitGuidCounter(v: string): { guid: string; counter?: number } | undefined {
  const m = /^(\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?)(?:[:-](\d+))?$/.exec(
    v.trim(),
  );
  if (!m) return undefined;
  return m[2] === undefined ? { guid: m[1]! } : { guid: m[1]!, counter: Number(m[2]) };
}

/** The MAPI/HTTP headers of a request, looked up case-insensitively. */
export interface MapiRequestHeaders {
  requestType?: string;
  /** Canonical spelling (e.g. "Bind" for "BIND"); undefined when not a MAPI/HTTP type. */
  canonicalRequestType?: string;
  requestId?: string;
  clientInfo?: string;
  clientApplication?: string;
  contentType?: string;
}

export function mapiRequestHeaders(headers: readonly RawHeader[]): MapiRequestHeaders {
  const t = headerValue(headers, 'X-RequestType');
  const out: MapiRequestHeaders = {};
  if (t !== undefined) {
    out.requestType = t;
    const c = canonicalRequestType(t);
    if (c) out.canonicalRequestType = c;
  }
  const set = (k: keyof MapiRequestHeaders, h: string) => {
    const v = headerValue(headers, h);
    if (v !== undefined) out[k] = v;
  };
  set('requestId', 'X-RequestId');
  set('clientInfo', 'X-ClientInfo');
  set('clientApplication', 'X-ClientApplication');
  set('contentType', 'Content-Type');
  return out;
}

export interface MapiResponseHeaders {
  requestType?: string;
  responseCode?: number;
  pendingPeriod?: number;
  expirationInfo?: number;
  serverApplication?: string;
  requestId?: string;
  clientInfo?: string;
  contentType?: string;
}

export function mapiResponseHeaders(headers: readonly RawHeader[]): MapiResponseHeaders {
  const out: MapiResponseHeaders = {};
  const num = (h: string) => parseResponseCode(headerValue(headers, h));
  const str = (h: string) => headerValue(headers, h);
  const put = <K extends keyof MapiResponseHeaders>(k: K, v: MapiResponseHeaders[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('requestType', str('X-RequestType'));
  put('responseCode', num('X-ResponseCode'));
  put('pendingPeriod', num('X-PendingPeriod'));
  put('expirationInfo', num('X-ExpirationInfo'));
  put('serverApplication', str('X-ServerApplication'));
  put('requestId', str('X-RequestId'));
  put('clientInfo', str('X-ClientInfo'));
  put('contentType', str('Content-Type'));
  return out;
}

// --- trees over the head text ------------------------------------------------

/** Lower-case header names, remembered (the same few names come in every exchange; bounded). */
const lowerNames = new Map<string, string>();
function lowerName(name: string): string {
  let l = lowerNames.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (lowerNames.size < 2000) lowerNames.set(name, l);
  }
  return l;
}

function headerNode(h: RawHeader, at: number, kind: 'request' | 'response'): DecodedNode {
  const len = h.name.length + 2 + h.value.length + 2;
  const valueAt = at + h.name.length + 2;
  const node: DecodedNode = { name: h.name, value: h.value, offset: at, length: len };
  const lower = lowerName(h.name);
  const children: DecodedNode[] = [];
  switch (lower) {
    case 'x-requesttype': {
      const c = canonicalRequestType(h.value);
      node.display =
        c === undefined ? `${h.value} (not a MAPI/HTTP request type)` : c === h.value ? c : `${h.value} → ${c}`;
      break;
    }
    case 'x-requestid':
    case 'x-clientinfo': {
      const g = splitGuidCounter(h.value);
      if (g) {
        children.push({ name: 'Guid', value: g.guid, offset: valueAt, length: g.guid.length });
        if (g.counter !== undefined)
          children.push({
            name: 'Counter',
            value: g.counter,
            offset: valueAt + g.guid.length + 1,
            length: h.value.trim().length - g.guid.length - 1,
          });
      }
      break;
    }
    case 'x-responsecode': {
      const c = parseResponseCode(h.value);
      if (c !== undefined) node.display = `${c} (${responseCodeName(c)})`;
      break;
    }
    case 'x-pendingperiod':
    case 'x-expirationinfo':
    case 'x-elapsedtime':
      if (/^\d+$/.test(h.value.trim())) node.display = `${h.value.trim()} ms`;
      break;
    case 'cookie':
      if (kind === 'request')
        for (const c of parseCookieHeader(h.value)) {
          const n: DecodedNode = { name: c.name, value: c.value, offset: valueAt + c.at, length: c.length };
          const role = cookieRole(c.name);
          if (role) n.display = `${role}: ${c.value}`;
          children.push(n);
        }
      break;
    case 'set-cookie': {
      const sc = parseSetCookie(h.value);
      const role = cookieRole(sc.name);
      node.display = `${sc.name}=${sc.value}${role ? ` (${role})` : ''}`;
      const parts = splitTrim(h.value, ';');
      parts.forEach((p, i) => {
        if (i === 0) {
          children.push({
            name: sc.name,
            value: sc.value,
            offset: valueAt + p.at,
            length: p.text.length,
            ...(role ? { display: role } : {}),
          });
        } else {
          const a = sc.attributes[i - 1]!;
          children.push({ name: a.name, value: a.value ?? true, offset: valueAt + p.at, length: p.text.length });
        }
      });
      break;
    }
  }
  if (children.length) node.children = children;
  return node;
}

function headTree(
  name: string,
  startName: string,
  startParts: [string, string][],
  headers: readonly RawHeader[],
  kind: 'request' | 'response',
  bufferId: string,
): DecodedNode {
  const startLine = startParts.map(([, v]) => v).join(' ');
  const parts: DecodedNode[] = [];
  let p = 0;
  for (const [n, v] of startParts) {
    parts.push({ name: n, value: v, offset: p, length: v.length });
    p += v.length + 1;
  }
  const children: DecodedNode[] = [
    { name: startName, value: startLine, offset: 0, length: startLine.length + 2, children: parts },
  ];
  let at = startLine.length + 2;
  const hs: DecodedNode[] = [];
  const hStart = at;
  for (const h of headers) {
    const n = headerNode(h, at, kind);
    hs.push(n);
    at += n.length;
  }
  children.push({
    name: 'Headers',
    offset: hStart,
    length: at - hStart,
    children: hs,
    display: `${hs.length} headers`,
  });
  children.push({ name: 'EndOfHeaders', offset: at, length: 2 });
  return { name, offset: 0, length: at + 2, buffer: bufferId, children };
}

/** Tree of the request head (buffer "request-head"). */
export function requestHeadTree(ex: Exchange): DecodedNode {
  const r = ex.request;
  return headTree(
    'HttpRequest',
    'RequestLine',
    [
      ['Method', r.method],
      ['RequestTarget', r.url],
      ['HttpVersion', `HTTP/${r.httpVersion}`],
    ],
    r.headers,
    'request',
    'request-head',
  );
}

/** Tree of the response head (buffer "response-head"). */
export function responseHeadTree(ex: Exchange): DecodedNode | undefined {
  const r = ex.response;
  if (!r) return undefined;
  return headTree(
    'HttpResponse',
    'StatusLine',
    [
      ['HttpVersion', `HTTP/${r.httpVersion}`],
      ['StatusCode', String(r.statusCode)],
      ['ReasonPhrase', r.statusMessage],
    ],
    r.headers,
    'response',
    'response-head',
  );
}
