/**
 * HAR reader. Our own files (entries with `_exchange` v1) come back exactly:
 * byte-identical bodies, headers in order and case, exact timestamps, chunks.
 * Other tools' HAR (Chrome, Firefox, Fiddler, HTTP Toolkit, mitmproxy) is read
 * as faithfully as it allows, and every loss is said in `warnings` (grouped by
 * kind, with the entry numbers), never silently.
 *
 * Input arrives in pieces (`HarReader.push`) so big files stream; `readHar`
 * is the one-shot form. A fault throws `CaptureFileError` naming the file,
 * line, column and entry; entries read before it are on `error.partial`.
 */
import type { BodyChunk, Endpoint, Exchange, HttpResponse, RawHeader } from '../exchange.js';
import { headerValue } from '../exchange.js';
import { base64Decode, utf8Encode } from '../../codec/bytes.js';
import { CaptureFileError } from '../../capture/errors.js';
import type { HarCreator, HarExchangeBlock } from './model.js';
import { HAR_CREATOR_NAME } from './model.js';
import { HarScanError, HarScanner } from './scanner.js';
import { exchangeVersion } from '../http-message.js';

export interface HarReadResult {
  exchanges: Exchange[];
  warnings: string[];
  creator?: HarCreator;
}

/** Collects per-entry losses and reports each kind once with its entry numbers. */
class Warnings {
  private kinds = new Map<string, number[]>();
  private plain: string[] = [];
  add(kind: string, entry?: number): void {
    if (entry === undefined) {
      if (!this.plain.includes(kind)) this.plain.push(kind);
      return;
    }
    let l = this.kinds.get(kind);
    if (!l) this.kinds.set(kind, (l = []));
    if (l[l.length - 1] !== entry) l.push(entry);
  }
  list(): string[] {
    const out = [...this.plain];
    for (const [kind, entries] of this.kinds) out.push(`${entryList(entries)}: ${kind}`);
    return out;
  }
}

function entryList(n: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < n.length;) {
    let j = i;
    while (j + 1 < n.length && n[j + 1] === n[j]! + 1) j++;
    ranges.push(i === j ? `${n[i]}` : `${n[i]}-${n[j]}`);
    i = j + 1;
  }
  const shown = ranges.length > 12 ? [...ranges.slice(0, 12), `… (${n.length} in all)`] : ranges;
  return `${n.length === 1 ? 'entry' : 'entries'} ${shown.join(', ')}`;
}

export class HarReader {
  private scanner = new HarScanner();
  private warn = new Warnings();
  private connIds = new Map<string, number>();
  private nextConn = 1;
  private lastTime = 0;
  private ownEntries = 0;
  private foreignEntries = 0;
  private started = false;
  creator?: HarCreator;
  /** Every exchange handed out so far is also counted here (for `partial`). */
  readonly done: Exchange[] = [];

  private readonly b64: (s: string) => Uint8Array | undefined;

  constructor(
    readonly fileName: string,
    /** Keep handed-out exchanges in `done` (for partial results); streaming callers turn it off. */
    private readonly keep = true,
    /** Base64 decoder (undefined for invalid text); Node callers may pass a native one. */
    opts: { base64?: (s: string) => Uint8Array | undefined } = {},
  ) {
    this.b64 = opts.base64 ?? base64Decode;
  }

  get warnings(): string[] {
    return this.warn.list();
  }

  /** Feeds the next piece of the file's text; returns the exchanges completed by it. */
  push(text: string): Exchange[] {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Fiddler writes a UTF-8 BOM
    }
    let events;
    try {
      events = this.scanner.push(text);
    } catch (e) {
      throw this.fault(e);
    }
    const out: Exchange[] = [];
    for (const ev of events) {
      if (ev.kind === 'member') {
        if (ev.key === 'creator') {
          try {
            const c = JSON.parse(ev.json) as HarCreator;
            if (c && typeof c === 'object')
              this.creator = { name: String(c.name ?? ''), version: String(c.version ?? '') };
          } catch {
            /* the scanner validated the grammar; a parse failure here cannot happen */
          }
        } else if (ev.key === 'version') {
          const v = safeParse(ev.json);
          if (v !== '1.2' && v !== '1.1') this.warn.add(`HAR version ${JSON.stringify(v)} read as 1.2`);
        }
        continue;
      }
      const no = ev.index + 1;
      let raw: unknown;
      try {
        raw = JSON.parse(ev.json);
      } catch (e) {
        throw this.fault(
          new CaptureFileError(this.fileName, `line ${ev.line} (entry ${no})`, String((e as Error).message)),
        );
      }
      let ex: Exchange | undefined;
      try {
        ex = this.entry(raw, no);
      } catch (e) {
        const why = (e as Error).message;
        if (isObj(raw) && raw._exchange !== undefined) {
          // A damaged lossless block: read the entry as any other tool's, saying so.
          this.warn.add(`_exchange block unusable (${why}); read like another tool's entry`, no);
          const { _exchange: _dropped, ...rest } = raw;
          try {
            ex = this.entry(rest, no);
            this.foreignEntries--; // ours, damaged: already reported above
          } catch (e2) {
            this.warn.add(`unreadable (${(e2 as Error).message}); skipped`, no);
          }
        } else this.warn.add(`unreadable (${why}); skipped`, no);
      }
      if (ex) {
        out.push(ex);
        if (this.keep) this.done.push(ex);
      }
    }
    return out;
  }

  finish(): Exchange[] {
    try {
      this.scanner.finish();
    } catch (e) {
      throw this.fault(e);
    }
    if (this.ownEntries && this.foreignEntries)
      this.warn.add(`${this.foreignEntries} entries were not written by ${HAR_CREATOR_NAME} and were read with losses`);
    return [];
  }

  private fault(e: unknown): CaptureFileError {
    let err: CaptureFileError;
    if (e instanceof CaptureFileError) err = e;
    else if (e instanceof HarScanError)
      err = new CaptureFileError(
        this.fileName,
        `line ${e.line}, column ${e.column}${e.entry !== undefined ? ` (entry ${e.entry + 1})` : ''}`,
        e.reason,
      );
    else err = new CaptureFileError(this.fileName, '', String((e as Error)?.message ?? e));
    err.partial = { exchanges: this.done, warnings: this.warnings };
    return err;
  }

  /** One HAR entry → Exchange, or undefined (skipped, with a warning) when it has no usable request. */
  private entry(raw: unknown, no: number): Exchange | undefined {
    if (!isObj(raw)) {
      this.warn.add('not an object; skipped', no);
      return undefined;
    }
    const rq = raw.request;
    if (!isObj(rq)) {
      this.warn.add('no request; skipped', no);
      return undefined;
    }
    const block = isObj(raw._exchange) && raw._exchange.v === 1 ? checkBlock(raw._exchange) : undefined;
    if (block) this.ownEntries++;
    else this.foreignEntries++;
    const w = (k: string): void => this.warn.add(k, no);

    const urlText = typeof rq.url === 'string' ? rq.url : '';
    if (!urlText) w('request has no url');
    const parsed = splitUrl(urlText);
    const reqHeaders = headers(rq.headers, w, 'request');
    const reqBody = this.requestBody(rq, w);
    const method =
      typeof rq.method === 'string' && rq.method ? rq.method : (w('request has no method; GET assumed'), 'GET');
    const reqVersion = block
      ? (block.versions?.[0] ?? exchangeVersion(scalarText(rq.httpVersion)))
      : httpVersion(rq.httpVersion, w, 'request');

    // Timings.
    let timings: Exchange['timings'];
    if (block) timings = { ...block.timings };
    else {
      let start = typeof raw.startedDateTime === 'string' ? Date.parse(raw.startedDateTime) : NaN;
      if (!Number.isFinite(start)) {
        w(`startedDateTime missing or invalid; previous entry's time used`);
        start = this.lastTime;
      }
      const tm = isObj(raw.timings) ? raw.timings : (w('no timings; zero durations assumed'), {});
      const ms = (k: string): number => {
        const v = tm[k];
        return typeof v === 'number' && v > 0 ? v : 0;
      };
      const requestStart = start + ms('blocked') + ms('dns') + ms('connect');
      const requestEnd = requestStart + ms('send');
      const responseHeaders = requestEnd + ms('wait');
      timings = { requestStart, requestEnd, responseHeaders, responseEnd: responseHeaders + ms('receive') };
    }
    this.lastTime = timings.requestStart;

    // Response.
    let response: HttpResponse | undefined;
    let aborted: Exchange['aborted'];
    const rs = raw.response;
    if (block?.noResponse || !isObj(rs)) {
      if (!block && !isObj(rs)) w('no response object');
    } else {
      const status = typeof rs.status === 'number' ? rs.status : Number(rs.status);
      if (!block && (!Number.isInteger(status) || status <= 0)) {
        // Chrome and others write status 0 for requests that got no response.
        const why =
          typeof rs._error === 'string'
            ? rs._error
            : typeof rs.statusText === 'string' && rs.statusText
              ? rs.statusText
              : 'status 0';
        aborted = { kind: 'upstream-error', message: `no response (${why})` };
      } else {
        const rh = headers(rs.headers, w, 'response');
        const body = this.responseBody(rs, block, rh, w);
        let chunks: BodyChunk[];
        if (block) chunks = (block.chunks ?? []).map(([time, offset, length]) => ({ time, offset, length }));
        else {
          chunks = body.length
            ? [{ time: timings.responseEnd ?? timings.requestStart, offset: 0, length: body.length }]
            : [];
          if (body.length) w('response chunk arrival times not in file; one chunk at the response end assumed');
        }
        response = {
          statusCode: status,
          statusMessage: typeof rs.statusText === 'string' ? rs.statusText : '',
          httpVersion: block
            ? (block.versions?.[1] ?? exchangeVersion(scalarText(rs.httpVersion)))
            : httpVersion(rs.httpVersion, w, 'response'),
          headers: rh,
          body,
          chunks,
          ...(block?.trailers ? { trailers: block.trailers.map((h) => ({ name: h.name, value: h.value })) } : {}),
        };
      }
    }
    if (block?.aborted) aborted = { kind: block.aborted.kind, message: block.aborted.message };

    // Connection, endpoints.
    let connectionId: number;
    if (block) connectionId = block.connectionId;
    else {
      const c = raw.connection;
      if (typeof c === 'string' || typeof c === 'number') {
        const key = String(c);
        let id = this.connIds.get(key);
        if (id === undefined) this.connIds.set(key, (id = this.nextConn++));
        connectionId = id;
      } else {
        connectionId = this.nextConn++;
        w('no connection id; each such exchange is put on its own connection');
      }
    }
    let server: Endpoint | undefined = block?.server;
    if (!block && typeof raw.serverIPAddress === 'string' && raw.serverIPAddress)
      server = { address: raw.serverIPAddress, port: parsed.port };
    const ex: Exchange = {
      id: block ? block.id : no,
      connectionId,
      ...(block?.client ? { client: block.client } : {}),
      ...(server ? { server } : {}),
      ...(block
        ? block.origin !== undefined
          ? { origin: block.origin }
          : {}
        : parsed.origin
          ? { origin: parsed.origin }
          : {}),
      timings,
      request: {
        method,
        url: block ? (block.target ?? urlText) : parsed.target,
        httpVersion: reqVersion,
        headers: reqHeaders,
        body: reqBody,
      },
      ...(response ? { response } : {}),
      ...(aborted ? { aborted } : {}),
      ...(block?.tls ? { tls: block.tls } : {}),
      ...(block?.process !== undefined ? { process: block.process } : {}),
      ...(typeof raw.comment === 'string' ? { comment: raw.comment } : {}),
    };
    return ex;
  }

  private requestBody(rq: Record<string, unknown>, w: (k: string) => void): Uint8Array {
    const content = rq._content;
    if (isObj(content) && typeof content.text === 'string') {
      if (content.encoding === 'base64') {
        const b = this.b64(content.text);
        if (b) return b;
        w('request _content is not valid base64; body dropped');
        return new Uint8Array(0);
      }
      return utf8Encode(content.text);
    }
    const pd = rq.postData;
    if (isObj(pd)) {
      if (typeof pd.text === 'string') {
        if (pd.encoding === 'base64') {
          const b = this.b64(pd.text);
          if (b) return b;
          w('request postData is not valid base64; body read as text');
        }
        return utf8Encode(pd.text);
      }
      if (Array.isArray(pd.params)) {
        w('request body rebuilt from postData.params (original bytes not in file)');
        const parts = pd.params
          .filter(isObj)
          .map((p) => `${encodeURIComponent(scalarText(p.name))}=${encodeURIComponent(scalarText(p.value))}`);
        return utf8Encode(parts.join('&'));
      }
    }
    const status = rq._requestBodyStatus;
    if (typeof status === 'string' && status.startsWith('discarded')) w(`request body not in file (${status})`);
    else if (typeof rq.bodySize === 'number' && rq.bodySize > 0)
      w('request body not in file (bodySize > 0, no postData)');
    return new Uint8Array(0);
  }

  private responseBody(
    rs: Record<string, unknown>,
    block: HarExchangeBlock | undefined,
    rh: RawHeader[],
    w: (k: string) => void,
  ): Uint8Array {
    if (block?.responseBody !== undefined) {
      const b = this.b64(block.responseBody);
      if (b) return b;
      w('_exchange.responseBody is not valid base64; decoded content used');
    }
    const c = rs.content;
    if (!isObj(c)) {
      w('response has no content object');
      return new Uint8Array(0);
    }
    if (typeof c.text !== 'string') {
      const size = typeof c.size === 'number' ? c.size : 0;
      if (size > 0) {
        const note = typeof c.comment === 'string' && c.comment ? ` — "${c.comment}"` : '';
        w(`response body not in file (content.size ${size})${note}`);
      }
      return new Uint8Array(0);
    }
    let body: Uint8Array;
    if (c.encoding === 'base64') {
      const b = this.b64(c.text);
      if (!b) {
        w('response content.text is not valid base64; read as text');
        body = utf8Encode(c.text);
      } else body = b;
    } else {
      if (c.encoding !== undefined && c.encoding !== '')
        w(`response content.encoding ${JSON.stringify(c.encoding)} unknown; read as text`);
      body = utf8Encode(c.text);
      if (!block) w('response body stored as text by the exporting tool; bytes re-encoded as UTF-8');
    }
    const coding = headerValue(rh, 'Content-Encoding');
    if (!block && coding && !/^\s*identity\s*$/i.test(coding) && !(body[0] === 0x1f && body[1] === 0x8b))
      w(`response body is the decoded form but Content-Encoding says "${coding}"`);
    return body;
  }
}

/** Filled in by `iterateHar` as it goes (the SAZ reader's `SazInfo` has the same shape). */
export interface HarInfo {
  warnings: string[];
  creator?: HarCreator;
}

/**
 * Generator form: the exchanges of a HAR text given whole or in pieces, one at a time
 * (memory follows the biggest entry). `HarReader` is the push form underneath, for
 * callers whose text arrives asynchronously.
 */
export function* iterateHar(
  text: string | Iterable<string>,
  fileName: string,
  info: HarInfo = { warnings: [] },
  opts: { base64?: (s: string) => Uint8Array | undefined; keepForPartial?: boolean } = {},
): Generator<Exchange> {
  const r = new HarReader(fileName, opts.keepForPartial ?? false, opts.base64 ? { base64: opts.base64 } : {});
  try {
    for (const piece of typeof text === 'string' ? slices(text) : text) yield* r.push(piece);
    r.finish();
  } finally {
    info.warnings.splice(0, info.warnings.length, ...r.warnings);
    if (r.creator) info.creator = r.creator;
  }
}

/** Slices of a whole text, so the scanner's string handling is exercised the same way as when streaming. */
function* slices(text: string): Generator<string> {
  const STEP = 1 << 22;
  if (text.length === 0) yield '';
  for (let i = 0; i < text.length; i += STEP) yield text.slice(i, i + STEP);
}

/** Reads a whole HAR (text or bytes: UTF-8 with or without BOM, or UTF-16 with BOM). */
export function readHar(input: string | Uint8Array, fileName = 'input.har'): HarReadResult {
  const text = typeof input === 'string' ? input : decodeHarBytes(input);
  const info: HarInfo = { warnings: [] };
  const exchanges = [...iterateHar(text, fileName, info, { keepForPartial: true })];
  const res: HarReadResult = { exchanges, warnings: info.warnings };
  if (info.creator) res.creator = info.creator;
  return res;
}

/** Text decoder for a HAR file's bytes (BOM-aware), usable as a stream decoder. */
export function harTextDecoder(firstBytes: Uint8Array): TextDecoder {
  if (firstBytes[0] === 0xff && firstBytes[1] === 0xfe) return new TextDecoder('utf-16le');
  if (firstBytes[0] === 0xfe && firstBytes[1] === 0xff) return new TextDecoder('utf-16be');
  return new TextDecoder('utf-8');
}

function decodeHarBytes(b: Uint8Array): string {
  return harTextDecoder(b).decode(b);
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Type-checks our lossless block; throws with the first field that is wrong. */
function checkBlock(b: Record<string, unknown>): HarExchangeBlock {
  const num = (v: unknown, what: string): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what} is not a number`);
  };
  num(b.id, 'id');
  num(b.connectionId, 'connectionId');
  if (!isObj(b.timings)) throw new Error('timings missing');
  num(b.timings.requestStart, 'timings.requestStart');
  for (const k of ['requestEnd', 'responseHeaders', 'responseEnd'])
    if (b.timings[k] !== undefined) num(b.timings[k], `timings.${k}`);
  if (
    b.chunks !== undefined &&
    !(
      Array.isArray(b.chunks) &&
      b.chunks.every((c) => Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'number'))
    )
  )
    throw new Error('chunks is not a list of [time, offset, length]');
  if (b.responseBody !== undefined && typeof b.responseBody !== 'string')
    throw new Error('responseBody is not a string');
  if (b.target !== undefined && typeof b.target !== 'string') throw new Error('target is not a string');
  if (
    b.trailers !== undefined &&
    !(
      Array.isArray(b.trailers) &&
      b.trailers.every((h) => isObj(h) && typeof h.name === 'string' && typeof h.value === 'string')
    )
  )
    throw new Error('trailers are not {name, value} pairs');
  if (b.versions !== undefined && !(Array.isArray(b.versions) && b.versions.length === 2))
    throw new Error('versions is not a pair');
  if (b.aborted !== undefined && !(isObj(b.aborted) && typeof b.aborted.kind === 'string'))
    throw new Error('aborted is not {kind, message}');
  return b as unknown as HarExchangeBlock;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function headers(v: unknown, w: (k: string) => void, what: string): RawHeader[] {
  if (!Array.isArray(v)) {
    w(`${what} headers missing`);
    return [];
  }
  const out: RawHeader[] = [];
  for (const h of v) {
    if (isObj(h) && typeof h.name === 'string') out.push({ name: h.name, value: scalarText(h.value) });
    else w(`${what} header that is not {name, value} dropped`);
  }
  return out;
}

function httpVersion(v: unknown, w: (k: string) => void, what: string): string {
  if (typeof v !== 'string' || !v) {
    w(`${what} httpVersion missing; HTTP/1.1 assumed`);
    return '1.1';
  }
  // Exchanges carry the version as Node reports it: "1.1", "2".
  const s = v.trim();
  if (/^h2$/i.test(s) || /^http\/2(\.0)?$/i.test(s)) return '2';
  if (/^h3$/i.test(s) || /^http\/3(\.0)?$/i.test(s)) return '3';
  if (/^http\/[01]\.\d$/i.test(s)) return s.slice(5);
  w(`${what} httpVersion "${s}" unknown; kept as is`);
  return s;
}

/** Origin-form target, origin and port of an absolute URL (best effort for odd URLs). */
function splitUrl(url: string): { origin?: string; target: string; port: number } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return { target: url || '/', port: 0 };
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!.replace(/^.*@/, '');
  const pm = /:(\d+)$/.exec(authority);
  const port = pm ? Number(pm[1]) : scheme === 'https' ? 443 : 80;
  const rest = m[3]!.replace(/#.*$/, '');
  return { origin: `${scheme}://${authority}`, target: rest.startsWith('/') ? rest : '/' + rest, port };
}

/** A JSON scalar as text (strings as they are, numbers and booleans written); null, missing and objects empty. */
function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
