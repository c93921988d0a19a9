/**
 * Streaming HAR 1.2 writer: `begin()`, then `entry(ex)` once per exchange,
 * then `end()`; each returns a string piece to write out, so memory holds one
 * exchange at a time however long the capture is.
 *
 * What we write, per HAR 1.2 and what importers reject: integer sizes and status; ISO timestamps with
 * "Z"; headers in wire order and case, duplicates kept; timings send/wait/
 * receive as non-negative integers with `time` their sum; response bodies as
 * UTF-8 text when they are exactly representable, base64 otherwise; request
 * bodies `postData.text` can't carry go to HTTP Toolkit's `_content`.
 */
import { gunzipSync, inflateSync, unzlibSync } from 'fflate';
import { type Exchange, type RawHeader, headerValue, headerValues } from '../exchange.js';
import { base64Encode, utf8Encode, utf8Exact } from '../../codec/bytes.js';
import { absoluteUrl, exchangeVersion, harVersion } from '../http-message.js';
import { buildMapiBlock } from './mapi.js';
import {
  HAR_CREATOR_NAME,
  type HarContent,
  type HarCookie,
  type HarEntry,
  type HarExchangeBlock,
  type HarMapiBlock,
  type HarNameValue,
  type HarRequest,
  type HarResponse,
  type HarTimings,
} from './model.js';

export interface HarWriteOptions {
  /** creator.version; defaults to "0.0.0". */
  creatorVersion?: string;
  /** log.comment. */
  comment?: string;
  /** Builds the `_mapi` block; defaults to `buildMapiBlock`. Return undefined to leave it out. */
  mapi?: (ex: Exchange) => HarMapiBlock | undefined;
  /** Write `_exchange` (lossless fields). Default true. */
  lossless?: boolean;
  /** Base64 encoder; Node callers may pass a native one (Buffer), the default is ours (pure TS). */
  base64?: (b: Uint8Array) => string;
}

export class HarWriter {
  private count = 0;
  constructor(private readonly opts: HarWriteOptions = {}) {}

  /** Number of entries written so far. */
  get entries(): number {
    return this.count;
  }

  /** The file's text up to the first entry. */
  begin(): string {
    const log: Record<string, unknown> = {
      version: '1.2',
      creator: { name: HAR_CREATOR_NAME, version: this.opts.creatorVersion ?? '0.0.0' },
      pages: [],
    };
    if (this.opts.comment !== undefined) log.comment = this.opts.comment;
    const head = JSON.stringify({ log });
    // Open the entries array inside the log object: drop the closing "}}".
    return head.slice(0, -2) + ',"entries":[\n';
  }

  /** One entry's text. */
  add(ex: Exchange): string {
    const text = JSON.stringify(exchangeToHarEntry(ex, this.opts));
    return (this.count++ === 0 ? '' : ',\n') + text;
  }

  /** Closes the file; `extra` adds custom fields to `log` (names must start with "_"). */
  end(extra: Record<string, unknown> = {}): string {
    let tail = '\n]';
    for (const [k, v] of Object.entries(extra)) {
      if (!k.startsWith('_')) throw new Error(`HAR custom field "${k}" must start with "_"`);
      tail += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
    }
    return tail + '}}\n';
  }
}

/** The whole HAR as string pieces, one per exchange. */
export async function* writeHar(
  source: Iterable<Exchange> | AsyncIterable<Exchange>,
  opts: HarWriteOptions & { extra?: () => Record<string, unknown> } = {},
): AsyncGenerator<string> {
  const w = new HarWriter(opts);
  yield w.begin();
  for await (const ex of source) yield w.add(ex);
  yield w.end(opts.extra?.() ?? {});
}

export function exchangeToHarEntry(ex: Exchange, opts: HarWriteOptions = {}): HarEntry {
  const t = ex.timings;
  const url = absoluteUrl(ex);
  const block: HarExchangeBlock = {
    v: 1,
    id: ex.id,
    connectionId: ex.connectionId,
    timings: { requestStart: t.requestStart },
  };
  if (t.requestEnd !== undefined) block.timings.requestEnd = t.requestEnd;
  if (t.responseHeaders !== undefined) block.timings.responseHeaders = t.responseHeaders;
  if (t.responseEnd !== undefined) block.timings.responseEnd = t.responseEnd;
  if (ex.client) block.client = { address: ex.client.address, port: ex.client.port };
  if (ex.server) block.server = { address: ex.server.address, port: ex.server.port };
  if (ex.origin !== undefined) block.origin = ex.origin;
  if (url !== ex.request.url) block.target = ex.request.url;

  const b64 = opts.base64 ?? base64Encode;
  const request = harRequest(ex, url, block, b64);
  const response = harResponse(ex, block, b64);
  const timings = harTimings(ex);
  const entry: HarEntry = {
    startedDateTime: isoTime(t.requestStart),
    time: timings.send + timings.wait + timings.receive,
    request,
    response,
    cache: {},
    timings,
  };
  const ip = ex.server && harIp(ex.server.address);
  if (ip) entry.serverIPAddress = ip;
  entry.connection = String(ex.connectionId);
  if (ex.comment !== undefined) entry.comment = ex.comment;
  if (ex.aborted) block.aborted = { kind: ex.aborted.kind, message: ex.aborted.message };
  if (ex.tls) block.tls = { ...ex.tls };
  if (ex.process !== undefined) block.process = ex.process;
  if (opts.lossless !== false) entry._exchange = block;
  const mapi = (opts.mapi ?? buildMapiBlock)(ex);
  if (mapi) entry._mapi = mapi;
  return entry;
}

function harRequest(ex: Exchange, url: string, block: HarExchangeBlock, b64: (b: Uint8Array) => string): HarRequest {
  const rq = ex.request;
  const r: HarRequest = {
    method: rq.method,
    url,
    httpVersion: harVersion(rq.httpVersion),
    cookies: requestCookies(rq.headers),
    headers: nameValues(rq.headers),
    queryString: queryString(url),
    headersSize: headBlockSize(`${rq.method} ${rq.url} ${harVersion(rq.httpVersion)}`, rq.headers),
    bodySize: rq.body.length,
  };
  if (exchangeVersion(harVersion(rq.httpVersion)) !== rq.httpVersion) versionNote(block, 0, rq.httpVersion);
  if (rq.body.length > 0) {
    const mimeType = headerValue(rq.headers, 'Content-Type') ?? 'application/octet-stream';
    const text = isTextual(mimeType) ? utf8Exact(rq.body) : undefined;
    if (text !== undefined) r.postData = { mimeType, text };
    else {
      r._requestBodyStatus = 'discarded:not-representable';
      r._content = { text: b64(rq.body), size: rq.body.length, encoding: 'base64' };
    }
  }
  return r;
}

function versionNote(block: HarExchangeBlock, i: 0 | 1, v: string): void {
  block.versions ??= [null, null];
  block.versions[i] = v;
}

function harResponse(ex: Exchange, block: HarExchangeBlock, b64: (b: Uint8Array) => string): HarResponse {
  const rs = ex.response;
  if (!rs) {
    block.noResponse = true;
    return {
      status: 0,
      statusText: '',
      httpVersion: harVersion(ex.request.httpVersion),
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      comment: ex.aborted ? `no response: ${ex.aborted.kind}: ${ex.aborted.message}` : 'no response',
    };
  }
  if (exchangeVersion(harVersion(rs.httpVersion)) !== rs.httpVersion) versionNote(block, 1, rs.httpVersion);
  const mimeType = headerValue(rs.headers, 'Content-Type') ?? 'x-unknown';
  const content: HarContent = { size: rs.body.length, mimeType };
  let bytes = rs.body;
  const coding = (headerValue(rs.headers, 'Content-Encoding') ?? '').trim().toLowerCase();
  if (coding && rs.body.length > 0) {
    const decoded = undoContentEncoding(coding, rs.body);
    if (decoded) {
      bytes = decoded;
      content.size = decoded.length;
      content.compression = decoded.length - rs.body.length;
      block.responseBody = b64(rs.body);
    } else content.comment = `body kept as sent (Content-Encoding: ${coding})`;
  }
  if (bytes.length > 0) {
    const text = isTextual(mimeType) ? utf8Exact(bytes) : undefined;
    if (text !== undefined) content.text = text;
    else {
      content.text = b64(bytes);
      content.encoding = 'base64';
    }
  }
  if (rs.chunks.length) block.chunks = rs.chunks.map((c) => [c.time, c.offset, c.length]);
  if (rs.trailers?.length) block.trailers = rs.trailers.map((h) => ({ name: h.name, value: h.value }));
  return {
    status: rs.statusCode,
    statusText: rs.statusMessage,
    httpVersion: harVersion(rs.httpVersion),
    cookies: responseCookies(rs.headers),
    headers: nameValues(rs.headers),
    content,
    redirectURL: headerValue(rs.headers, 'Location') ?? '',
    headersSize: headBlockSize(`${harVersion(rs.httpVersion)} ${rs.statusCode} ${rs.statusMessage}`, rs.headers),
    bodySize: rs.body.length,
  };
}

function undoContentEncoding(coding: string, body: Uint8Array): Uint8Array | undefined {
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body);
    if (coding === 'deflate') {
      try {
        return unzlibSync(body);
      } catch {
        return inflateSync(body);
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** HAR timings from the four capture instants, integers, never negative. */
export function harTimings(ex: Exchange): HarTimings {
  const t = ex.timings;
  const reqEnd = t.requestEnd ?? t.requestStart;
  const headers = t.responseHeaders ?? reqEnd;
  const end = t.responseEnd ?? headers;
  const d = (a: number, b: number): number => Math.max(0, Math.round(b) - Math.round(a));
  return {
    blocked: -1,
    dns: -1,
    connect: -1,
    ssl: -1,
    send: d(t.requestStart, reqEnd),
    wait: d(reqEnd, headers),
    receive: d(headers, end),
  };
}

/** ISO 8601 with milliseconds and "Z" (what HAR's startedDateTime pattern requires). */
export function isoTime(ms: number): string {
  return new Date(Number.isFinite(ms) ? Math.floor(ms) : 0).toISOString();
}

function nameValues(h: readonly RawHeader[]): HarNameValue[] {
  return h.map((x) => ({ name: x.name, value: x.value }));
}

const textDecoderLen = (s: string): number => utf8Encode(s).length;

function headBlockSize(startLine: string, headers: readonly RawHeader[]): number {
  let n = textDecoderLen(startLine) + 2;
  for (const h of headers) n += textDecoderLen(h.name) + 2 + textDecoderLen(h.value) + 2;
  return n + 2;
}

export function isTextual(mime: string): boolean {
  const m = mime.toLowerCase();
  return (
    m.startsWith('text/') ||
    /[/+](json|xml|javascript|ecmascript|x-www-form-urlencoded|html)\b/.test(m) ||
    m.includes('charset=')
  );
}

function queryString(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const hash = url.indexOf('#', q);
  const s = url.slice(q + 1, hash < 0 ? undefined : hash);
  if (!s) return [];
  return s.split('&').map((p) => {
    const eq = p.indexOf('=');
    return { name: unescapeQ(eq < 0 ? p : p.slice(0, eq)), value: eq < 0 ? '' : unescapeQ(p.slice(eq + 1)) };
  });
}

function unescapeQ(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function requestCookies(h: readonly RawHeader[]): HarCookie[] {
  const out: HarCookie[] = [];
  for (const v of headerValues(h, 'Cookie'))
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  return out;
}

function responseCookies(h: readonly RawHeader[]): HarCookie[] {
  const out: HarCookie[] = [];
  for (const v of headerValues(h, 'Set-Cookie')) {
    const [pair = '', ...attrs] = v.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const c: HarCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const a of attrs) {
      const i = a.indexOf('=');
      const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : a.slice(i + 1).trim();
      if (k === 'path') c.path = val;
      else if (k === 'domain') c.domain = val;
      else if (k === 'httponly') c.httpOnly = true;
      else if (k === 'secure') c.secure = true;
      else if (k === 'expires') {
        const ms = Date.parse(val);
        if (Number.isFinite(ms)) c.expires = new Date(ms).toISOString();
      }
    }
    out.push(c);
  }
  return out;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** serverIPAddress must be a bare IPv4 or IPv6 address (no brackets, no port). */
function harIp(a: string): string | undefined {
  const s = a.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '');
  if (IPV4.test(s)) return s;
  if (/^[0-9a-f:]+$/i.test(s) && s.includes(':') && s.split(':').length <= 8) return s;
  return undefined;
}
