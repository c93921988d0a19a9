/**
 * The inner response stream ([MS-OXCMAPIHTTP] 2.2.7, 3.1.5.6, 3.2.5.2), parsed
 * from the de-chunked entity body:
 *
 *   PROCESSING\r\n  PENDING\r\n*  DONE\r\n  (Name: value\r\n)*  \r\n  <binary body>
 *
 * gromox writes PENDING without its CRLF, so a tag is recognised by its text
 * with the CRLF optional. Bodies without this preamble are accepted as is. An
 * X-ResponseCode among the additional headers overrides the HTTP header's
 * (3.2.5.2). A stream that ends before DONE (a NotificationWait still held
 * when the capture stopped) is marked incomplete, not an error.
 */
import {
  type Codec,
  type DecodeEnv,
  type Decoded,
  type DecodedNode,
  type Scope,
  type StructValue,
  DecodeError,
  NO_NODE,
  Reader,
  decodeWindow,
  latin1Decode,
  latin1Encode,
} from '../../codec/index.js';
import { type FinalHeaders, readFinalHeaders } from './head.js';
import { responseCodeName } from './request-types.js';

export type MetaTag = 'PROCESSING' | 'PENDING' | 'DONE';
const TAGS: readonly MetaTag[] = ['PROCESSING', 'PENDING', 'DONE'];

export interface MetaTagAt {
  tag: MetaTag;
  /** Offset of the tag's first byte in the body. */
  offset: number;
  /** Bytes of the tag including its CRLF, if any. */
  length: number;
  /** False when the tag had no CRLF (gromox PENDING). */
  crlf: boolean;
}

export interface AdditionalHeader {
  name: string;
  value: string;
  offset: number;
  length: number;
}

export interface StreamPreamble {
  metaTags: MetaTagAt[];
  additionalHeaders: AdditionalHeader[];
  /** Offset where the binary body starts (body length when incomplete). */
  bodyOffset: number;
  /** DONE, the additional headers and the blank line were all seen. */
  complete: boolean;
  /** Set when the stream is malformed (not merely cut short). */
  error?: { message: string; offset: number };
}

/** The Latin-1 characters that String.prototype.trim removes: TAB, LF, VT, FF, CR, space, NBSP. */
function isLatin1Space(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;
}

function startsWith(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Whether `b` begins with a meta-tag (or a cut-off prefix of one). */
export function hasPreamble(b: Uint8Array): boolean {
  return TAGS.some(
    (t) => startsWith(b, 0, t) || (b.length > 0 && b.length < t.length && t.startsWith(latin1Decode(b))),
  );
}

const MAX_HEADER_LINE = 8192;

function preambleError(
  metaTags: MetaTagAt[],
  additionalHeaders: AdditionalHeader[],
  message: string,
  offset: number,
): StreamPreamble {
  return { metaTags, additionalHeaders, bodyOffset: offset, complete: false, error: { message, offset } };
}

/** Parse the preamble; never throws. Call only when `hasPreamble(b)`. */
export function parsePreamble(b: Uint8Array): StreamPreamble {
  const metaTags: MetaTagAt[] = [];
  const additionalHeaders: AdditionalHeader[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= b.length) return { metaTags, additionalHeaders, bodyOffset: pos, complete: false };
    const tag = TAGS.find((t) => startsWith(b, pos, t));
    if (!tag) {
      const rest = latin1Decode(b.subarray(pos, Math.min(b.length, pos + 10)));
      if (TAGS.some((t) => t.startsWith(rest)) && pos + rest.length === b.length)
        return { metaTags, additionalHeaders, bodyOffset: b.length, complete: false }; // cut inside a tag
      return preambleError(metaTags, additionalHeaders, 'expected PROCESSING, PENDING or DONE', pos);
    }
    const at = pos;
    pos += tag.length;
    let crlf = false;
    if (b[pos] === 0x0d && b[pos + 1] === 0x0a) {
      pos += 2;
      crlf = true;
    }
    metaTags.push({ tag, offset: at, length: pos - at, crlf });
    if (tag === 'DONE') break;
  }
  // Additional headers up to the blank line.
  for (;;) {
    if (pos >= b.length) return { metaTags, additionalHeaders, bodyOffset: pos, complete: false };
    let eol = -1;
    const limit = Math.min(b.length - 1, pos + MAX_HEADER_LINE);
    for (let i = pos; i < limit; i++)
      if (b[i] === 0x0d && b[i + 1] === 0x0a) {
        eol = i;
        break;
      }
    if (eol < 0) {
      if (b.length - pos < MAX_HEADER_LINE)
        return { metaTags, additionalHeaders, bodyOffset: b.length, complete: false };
      return preambleError(metaTags, additionalHeaders, 'additional header line without CRLF', pos);
    }
    if (eol === pos) {
      pos += 2;
      return { metaTags, additionalHeaders, bodyOffset: pos, complete: true };
    }
    let colon = pos;
    while (colon < eol && b[colon] !== 0x3a) colon++;
    if (colon === pos || colon === eol) {
      const line = latin1Decode(b.subarray(pos, eol));
      return preambleError(
        metaTags,
        additionalHeaders,
        `additional header line without a name: ${JSON.stringify(line.slice(0, 40))}`,
        pos,
      );
    }
    // Name and value decoded apart, the value without the white space String.prototype.trim would remove.
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && isLatin1Space(b[vs]!)) vs++;
    while (ve > vs && isLatin1Space(b[ve - 1]!)) ve--;
    additionalHeaders.push({
      name: latin1Decode(b.subarray(pos, colon)).trim(),
      value: latin1Decode(b.subarray(vs, ve)),
      offset: pos,
      length: eol + 2 - pos,
    });
    pos = eol + 2;
  }
}

/** Value of a decoded response stream. */
export interface ResponseStreamValue extends StructValue {
  /** Exact preamble bytes (meta-tags, additional headers, blank line); re-emitted by encode. */
  Preamble?: Uint8Array;
  MetaTags: MetaTag[];
  AdditionalHeaders: { name: string; value: string }[];
  /** The decoded body (StructValue of the request type's codec), or the diagnostic text bytes. */
  Body: unknown;
  /** X-ResponseCode that applies (additional header over the HTTP header); undefined if neither. */
  ResponseCode?: number;
  /** The additional headers read once (`readFinalHeaders`); absent when there are none. */
  FinalHeaders?: FinalHeaders;
  Complete: boolean;
}

const htmlText = (b: Uint8Array): string =>
  new TextDecoder('utf-8', { fatal: false })
    .decode(b)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Diagnostic body of a failed request (X-ResponseCode ≠ 0, text/html). */
export function diagnosticText(code: number): Codec<Uint8Array> {
  return {
    kind: 'DiagnosticText',
    minSize: 0,
    decode(r, name, _scope, env) {
      const at = r.pos;
      const v = r.take(r.remaining);
      const text = htmlText(v);
      return {
        value: v,
        node: {
          name,
          offset: at,
          length: v.length,
          value: text,
          display: `${
            code < 0
              ? `HTTP ${typeof env.context.httpStatus === 'number' ? env.context.httpStatus : 'error'} body`
              : `X-ResponseCode ${code} (${responseCodeName(code)})`
          }${text ? `: ${text.slice(0, 300)}` : ''}`,
        },
      };
    },
    encode(w, v) {
      w.bytes(v);
    },
  };
}

/**
 * A response body: optional preamble, then `inner` (or diagnostic text when
 * the applicable X-ResponseCode is non-zero). `env.context.responseCode` is the
 * HTTP header's X-ResponseCode, if known. Node name of the body: `bodyName`.
 */
/** What the body is: the request type's structure, or the diagnostic text of a failed request (X-ResponseCode ≠ 0). */
function bodyCodecFor(code: number | undefined, inner: Codec<unknown>): Codec<unknown> {
  return code !== undefined && code !== 0 ? diagnosticText(code) : inner;
}

/** The stream's value: the exact preamble bytes, its meta-tags and headers, the decoded body. */
function streamValue(
  p: StreamPreamble,
  all: Uint8Array,
  body: unknown,
  code: number | undefined,
  fin: FinalHeaders | undefined,
): ResponseStreamValue {
  const value: ResponseStreamValue = {
    Preamble: all.subarray(0, p.error ? all.length : p.bodyOffset),
    MetaTags: p.metaTags.map((t) => t.tag),
    AdditionalHeaders: p.additionalHeaders.map((h) => ({ name: h.name, value: h.value })),
    Body: body,
    Complete: p.complete,
  };
  if (code !== undefined) value.ResponseCode = code;
  if (fin) value.FinalHeaders = fin;
  return value;
}

/** The additional headers after DONE, typed; undefined when there are none. */
function finalHeadersOf(p: StreamPreamble): FinalHeaders | undefined {
  return p.additionalHeaders.length ? readFinalHeaders(p.additionalHeaders) : undefined;
}

/** `responseStream`'s decode in values-only mode: the same value and failures, no nodes. */
function valuesOnly(
  p: StreamPreamble,
  r: Reader,
  start: number,
  all: Uint8Array,
  inner: Codec<unknown>,
  bodyName: string,
  headerCode: number | undefined,
  scope: Scope,
  env: DecodeEnv,
): Decoded<ResponseStreamValue> {
  for (const t of p.metaTags) env.note(META_TAGS_NOTE, { tag: t.tag, offset: start + t.offset });
  const fin = finalHeadersOf(p);
  const late = fin?.responseCode;
  const code = late ?? headerCode;
  let body: unknown;
  if (p.error) env.failures++;
  else if (p.complete) {
    const c = bodyCodecFor(code, inner);
    const win = new Reader(r.bytes, r.bufferId, start + p.bodyOffset, r.end, r.view);
    body = decodeWindow(c, win, bodyName, scope, env).value;
  }
  r.pos = r.end;
  return { value: streamValue(p, all, body, code, fin), node: NO_NODE };
}

/**
 * Key of the decode note (`DecodeResult.notes`) listing the meta-tags with
 * their offsets, `{ tag, offset }` each, noted in values-only decodes (where
 * no MetaTag nodes carry the offsets).
 */
export const META_TAGS_NOTE = 'meta-tags';

export function responseStream(inner: Codec<unknown>, bodyName: string): Codec<ResponseStreamValue> {
  return {
    kind: 'MapiHttpResponse',
    minSize: 0,
    decode(r, name, scope, env) {
      const start = r.pos;
      const all = r.bytes.subarray(start, r.end);
      const headerCode = typeof env.context.responseCode === 'number' ? env.context.responseCode : undefined;
      if (!hasPreamble(all)) {
        const code = headerCode;
        const c = bodyCodecFor(code, inner);
        const d = decodeWindow(c, new Reader(r.bytes, r.bufferId, start, r.end, r.view), bodyName, scope, env);
        r.pos = r.end;
        const value: ResponseStreamValue = { MetaTags: [], AdditionalHeaders: [], Body: d.value, Complete: true };
        if (code !== undefined) value.ResponseCode = code;
        return { value, node: d.node };
      }
      const p = parsePreamble(all);
      if (!env.tree) return valuesOnly(p, r, start, all, inner, bodyName, headerCode, scope, env);
      const children: DecodedNode[] = [];
      for (const t of p.metaTags)
        children.push({
          name: 'MetaTag',
          value: t.tag,
          offset: start + t.offset,
          length: t.length,
          display: t.crlf ? t.tag : `${t.tag} (no CRLF)`,
        });
      const fin = finalHeadersOf(p);
      const late = fin?.responseCode;
      const code = late ?? headerCode;
      if (p.metaTags.some((t) => t.tag === 'DONE')) {
        const hs: DecodedNode[] = p.additionalHeaders.map((h) => {
          const n: DecodedNode = { name: h.name, value: h.value, offset: start + h.offset, length: h.length };
          if (/^x-responsecode$/i.test(h.name) && late !== undefined)
            n.display = `${late} (${responseCodeName(late)}), authoritative`;
          else if (/^x-elapsedtime$/i.test(h.name)) n.display = `${h.value} ms`;
          return n;
        });
        const hStart = p.metaTags.at(-1)!;
        const hOff = start + hStart.offset + hStart.length;
        if (hs.length || p.complete)
          children.push({
            name: 'AdditionalHeaders',
            offset: hOff,
            length: (p.complete ? start + p.bodyOffset - 2 : start + p.bodyOffset) - hOff,
            children: hs,
            display: `${hs.length} header${hs.length === 1 ? '' : 's'}`,
          });
        if (p.complete)
          children.push({ name: 'EndOfHeaders', offset: start + p.bodyOffset - 2, length: 2, display: 'blank line' });
      }
      let body: unknown;
      if (p.error) {
        env.failures++;
        children.push({
          name: 'Preamble',
          offset: start + p.error.offset,
          length: r.end - start - p.error.offset,
          error: p.error.message,
        });
      } else if (p.complete) {
        const c = bodyCodecFor(code, inner);
        const d = decodeWindow(
          c,
          new Reader(r.bytes, r.bufferId, start + p.bodyOffset, r.end, r.view),
          bodyName,
          scope,
          env,
        );
        children.push(d.node);
        body = d.value;
      } else {
        children.push({
          name: 'Incomplete',
          offset: start + p.bodyOffset,
          length: 0,
          generated: true,
          display: 'stream ended before the body (response still pending when captured, or cut short)',
        });
      }
      r.pos = r.end;
      const tags = p.metaTags.map((t) => t.tag).join(', ');
      const node: DecodedNode = {
        name,
        offset: start,
        length: r.end - start,
        children,
        display: `${tags}${p.complete ? '' : ' (incomplete)'}${code !== undefined && code > 0 ? `, X-ResponseCode ${code} (${responseCodeName(code)})` : ''}`,
      };
      return { value: streamValue(p, all, body, code, fin), node };
    },
    encode(w, v, scope, env) {
      if (v.Preamble) w.bytes(v.Preamble);
      else if (v.MetaTags.length) {
        let s = v.MetaTags.map((t) => `${t}\r\n`).join('');
        if (v.MetaTags.includes('DONE')) {
          for (const h of v.AdditionalHeaders) s += `${h.name}: ${h.value}\r\n`;
          s += '\r\n';
        }
        w.bytes(latin1Encode(s));
      }
      if (v.Body === undefined) {
        if (v.Complete === false) return;
        throw new DecodeError('response stream: cannot encode a body that failed to decode', 0);
      }
      const code = v.ResponseCode;
      const c = bodyCodecFor(code, inner);
      c.encode(w, v.Body, scope, env);
    },
  };
}
