/**
 * The `_mapi` block of a HAR entry: the MAPI/HTTP facts a reader of the HAR
 * wants without decoding ([MS-OXCMAPIHTTP] 2.2.2 headers, 2.2.7 meta-tags,
 * 2.2.3.3 X-ResponseCode). Kept to one function, `buildMapiBlock`, so moving it
 * onto the transport decoder (shared/protocol/decode-exchange.ts) is one edit.
 * Until then it reads headers and the meta-tag preamble itself.
 */
import { type Exchange, headerValue, headerValues, requestPath } from '../exchange.js';
import type { HarMapiBlock, HarMapiMetaTag } from './model.js';

/** True when the exchange is MAPI/HTTP traffic (an X-RequestType header or a /mapi/ path). */
export function isMapiExchange(ex: Exchange): boolean {
  if (headerValue(ex.request.headers, 'X-RequestType') !== undefined) return true;
  return /^\/mapi\//i.test(requestPath(ex.request.url));
}

export function buildMapiBlock(ex: Exchange): HarMapiBlock | undefined {
  if (!isMapiExchange(ex)) return undefined;
  const rq = ex.request.headers;
  const rs = ex.response?.headers ?? [];
  const m: HarMapiBlock = { connectionId: ex.connectionId };
  const path = requestPath(ex.request.url).toLowerCase();
  const endpoint = /^\/mapi\/([a-z]+)/.exec(path)?.[1];
  if (endpoint !== undefined) m.endpoint = endpoint;
  set(m, 'requestType', headerValue(rq, 'X-RequestType'));
  set(m, 'requestId', headerValue(rq, 'X-RequestId'));
  set(m, 'clientInfo', headerValue(rq, 'X-ClientInfo'));
  set(m, 'clientApplication', headerValue(rq, 'X-ClientApplication'));
  const cookies = parseCookieHeader(headerValues(rq, 'Cookie'));
  if (Object.keys(cookies).length) m.cookies = cookies;
  const setCookies: Record<string, string> = {};
  for (const v of headerValues(rs, 'Set-Cookie')) {
    const pair = v.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) setCookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  if (Object.keys(setCookies).length) m.setCookies = setCookies;
  setInt(m, 'responseCodeHeader', headerValue(rs, 'X-ResponseCode'));
  setInt(m, 'pendingPeriodMs', headerValue(rs, 'X-PendingPeriod'));
  setInt(m, 'expirationInfoMs', headerValue(rs, 'X-ExpirationInfo'));
  if (ex.response) {
    const pre = parseMetaPreamble(ex.response.body);
    if (pre.tags.length) {
      m.metaTags = pre.tags.map((t) => {
        const time = chunkTimeAt(ex, t.offset);
        const out: HarMapiMetaTag = { tag: t.tag, offset: t.offset };
        if (time !== undefined) out.t = round3(time - ex.timings.requestStart);
        return out;
      });
    }
    setInt(m, 'responseCodeFinal', pre.trailer['x-responsecode']);
    setInt(m, 'elapsedMs', pre.trailer['x-elapsedtime']);
    set(m, 'startTime', pre.trailer['x-starttime']);
  }
  if (ex.aborted) m.aborted = `${ex.aborted.kind}: ${ex.aborted.message}`;
  return m;
}

function set<K extends 'requestType' | 'requestId' | 'clientInfo' | 'clientApplication' | 'startTime'>(
  m: HarMapiBlock,
  k: K,
  v: string | undefined,
): void {
  if (v !== undefined) m[k] = v;
}

function setInt<
  K extends 'responseCodeHeader' | 'responseCodeFinal' | 'pendingPeriodMs' | 'expirationInfoMs' | 'elapsedMs',
>(m: HarMapiBlock, k: K, v: string | undefined): void {
  if (v === undefined) return;
  const n = Number(v.trim());
  if (Number.isInteger(n)) m[k] = n;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function parseCookieHeader(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values)
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  return out;
}

function chunkTimeAt(ex: Exchange, offset: number): number | undefined {
  for (const c of ex.response?.chunks ?? [])
    if (offset >= c.offset && offset < c.offset + Math.max(1, c.length)) return c.time;
  return undefined;
}

const TAGS = ['PROCESSING', 'PENDING', 'DONE'] as const;

/**
 * The streamed preamble of a MAPI/HTTP response body: PROCESSING, PENDING…,
 * DONE, then the trailer header block ended by an empty line. Tolerates tags
 * without CRLF (gromox sends PENDING bare).
 */
export function parseMetaPreamble(body: Uint8Array): {
  tags: { tag: string; offset: number }[];
  trailer: Record<string, string>;
  bodyOffset: number;
} {
  const tags: { tag: string; offset: number }[] = [];
  const trailer: Record<string, string> = {};
  let p = 0;
  let done = false;
  while (p < body.length && !done) {
    const tag = TAGS.find((t) => matchAscii(body, p, t));
    if (!tag) break;
    tags.push({ tag, offset: p });
    p += tag.length;
    if (body[p] === 13 && body[p + 1] === 10) p += 2;
    if (tag === 'DONE') done = true;
  }
  if (!done) return { tags, trailer, bodyOffset: 0 };
  while (p < body.length) {
    let e = p;
    while (e < body.length && body[e] !== 10) e++;
    const line = String.fromCharCode(...body.subarray(p, Math.min(e, p + 512))).replace(/\r$/, '');
    p = e + 1;
    if (line === '') break;
    const c = line.indexOf(':');
    if (c > 0) trailer[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return { tags, trailer, bodyOffset: Math.min(p, body.length) };
}

function matchAscii(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** The part of `decodeExchange` (shared/protocol/decode-exchange.ts) the `_mapi` block uses. */
export interface MapiDecodeView {
  requestType?: string;
  responseCode?: number;
  metaTags: readonly { tag: string; offset: number }[];
  request?: { rops: readonly { name: string }[]; errors: readonly unknown[] };
  response?: { rops: readonly { name: string }[]; errors: readonly unknown[] };
}

/**
 * A `_mapi` builder backed by the transport decoder: canonical request type,
 * authoritative response code, meta-tags as the decoder found them, the ROP
 * summary of both directions and the decode error count. The decoder is passed
 * in (shared/capture sits below shared/protocol in the module map).
 */
export function mapiBlockWithDecoder(
  decode: (ex: Exchange) => MapiDecodeView,
): (ex: Exchange) => HarMapiBlock | undefined {
  return (ex) => {
    const m = buildMapiBlock(ex);
    if (!m) return undefined;
    let d: MapiDecodeView;
    try {
      d = decode(ex);
    } catch (e) {
      m.decodeErrors = 1;
      return m;
    }
    if (d.requestType !== undefined) m.requestType = d.requestType;
    if (d.responseCode !== undefined) m.responseCodeFinal = d.responseCode;
    if (d.metaTags.length) {
      m.metaTags = d.metaTags.map((t) => {
        const time = chunkTimeAt(ex, t.offset);
        const out: HarMapiMetaTag = { tag: t.tag, offset: t.offset };
        if (time !== undefined) out.t = round3(time - ex.timings.requestStart);
        return out;
      });
    }
    if (d.request?.rops.length) m.rops = d.request.rops.map((r) => r.name);
    if (d.response?.rops.length) m.responseRops = d.response.rops.map((r) => r.name);
    const errs = (d.request?.errors.length ?? 0) + (d.response?.errors.length ?? 0);
    if (errs) m.decodeErrors = errs;
    return m;
  };
}
