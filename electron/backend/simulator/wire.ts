/**
 * HTTP-level pieces of the simulator: X-ResponseCode values ([MS-OXCMAPIHTTP]
 * 2.2.3.3.3), request types per endpoint (2.2.3.3.1), cookie parsing, and the
 * response entity stream (PROCESSING / PENDING / DONE, additional headers, body;
 * 2.2.7 and 3.2.5.2).
 */
import {
  canonicalRequestType,
  isEmsmdbRequestType,
  isNspiRequestType,
} from '../../../shared/protocol/mapihttp/request-types.js';

/** X-ResponseCode values used by the simulator ([MS-OXCMAPIHTTP] 2.2.3.3.3). */
export const ResponseCode = {
  Success: 0,
  UnknownFailure: 1,
  InvalidVerb: 2,
  InvalidPath: 3,
  InvalidHeader: 4,
  InvalidRequestType: 5,
  InvalidContextCookie: 6,
  MissingHeader: 7,
  AnonymousNotAllowed: 8,
  TooLarge: 9,
  ContextNotFound: 10,
  NoPrivilege: 11,
  InvalidRequestBody: 12,
  MissingCookie: 13,
  InvalidSequence: 15,
  EndpointDisabled: 16,
  InvalidResponse: 17,
  EndpointShuttingDown: 18,
} as const;

export const RESPONSE_CODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ResponseCode).map(([k, v]) => [v, k]),
);

export type Endpoint = 'emsmdb' | 'nspi';

/** Spec spelling of an X-RequestType value for `endpoint` (case-insensitive), or undefined. */
export function canonicalType(endpoint: Endpoint, value: string): string | undefined {
  const t = canonicalRequestType(value);
  if (t === undefined) return undefined;
  return (endpoint === 'emsmdb' ? isEmsmdbRequestType(t) : isNspiRequestType(t)) ? t : undefined;
}

/** The endpoint a request path addresses ("/mapi/emsmdb/", "/mapi/nspi/"), or undefined. */
export function endpointOfPath(path: string): Endpoint | undefined {
  const p = path.toLowerCase();
  if (p.startsWith('/mapi/emsmdb')) return 'emsmdb';
  if (p.startsWith('/mapi/nspi')) return 'nspi';
  return undefined;
}

/** Request types that create a Session Context. */
export const isCreateType = (t: string): boolean => t === 'Connect' || t === 'Bind';
/** Request types that destroy one. */
export const isDestroyType = (t: string): boolean => t === 'Disconnect' || t === 'Unbind';

/** `name=value` pairs of one or more Cookie header values, in order. */
export function parseCookieHeader(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values)
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (name) out.set(name, part.slice(eq + 1).trim());
    }
  return out;
}

/** Name and value of a Set-Cookie header (attributes dropped). */
export function parseSetCookie(value: string): { name: string; value: string } | undefined {
  const first = value.split(';', 1)[0] ?? '';
  const eq = first.indexOf('=');
  if (eq <= 0) return undefined;
  return { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
}

let dateSecond = -1;
let dateText = '';
/** RFC 7231 date; the text is cached per second (it is on every response). */
export function httpDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== dateSecond) {
    dateSecond = sec;
    dateText = new Date(sec * 1000).toUTCString();
  }
  return dateText;
}

const CRLF = '\r\n';
const enc = new TextEncoder();

/** The part of a response entity after the meta-tags: DONE, additional headers, blank line, body. */
export function doneSection(
  body: Uint8Array,
  startedAt: number,
  now: number,
  extra: readonly [string, string][] = [],
): Uint8Array {
  let text = `DONE${CRLF}`;
  for (const [k, v] of extra) text += `${k}: ${v}${CRLF}`;
  text += `X-ElapsedTime: ${Math.max(0, Math.round(now - startedAt))}${CRLF}`;
  text += `X-StartTime: ${httpDate(startedAt)}${CRLF}${CRLF}`;
  const head = enc.encode(text);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export const PROCESSING_LINE = enc.encode(`PROCESSING${CRLF}`);
export const PENDING_LINE = enc.encode(`PENDING${CRLF}`);

/** Parsed response entity ([MS-OXCMAPIHTTP] 2.2.7): meta-tags, additional headers, body. */
export interface ResponseEntity {
  metaTags: string[];
  headers: [string, string][];
  body: Uint8Array;
  /** Set when the stream is not a meta-tag stream or ends early. */
  error?: string;
}

/**
 * Splits a de-chunked response entity into meta-tags, additional headers and
 * the body. Tolerates PENDING without CRLF (gromox writes keep-alives bare).
 */
export function parseResponseEntity(b: Uint8Array): ResponseEntity {
  const tags: string[] = [];
  let pos = 0;
  const startsWith = (word: string): boolean => {
    if (pos + word.length > b.length) return false;
    for (let i = 0; i < word.length; i++) if (b[pos + i] !== word.charCodeAt(i)) return false;
    return true;
  };
  const skipCrlf = () => {
    if (b[pos] === 0x0d && b[pos + 1] === 0x0a) pos += 2;
  };
  for (;;) {
    if (startsWith('PROCESSING')) {
      tags.push('PROCESSING');
      pos += 10;
      skipCrlf();
    } else if (startsWith('PENDING')) {
      tags.push('PENDING');
      pos += 7;
      skipCrlf();
    } else if (startsWith('DONE')) {
      tags.push('DONE');
      pos += 4;
      skipCrlf();
      break;
    } else {
      if (tags.length === 0) return { metaTags: [], headers: [], body: b };
      return { metaTags: tags, headers: [], body: new Uint8Array(0), error: 'response stream ends before DONE' };
    }
  }
  const headers: [string, string][] = [];
  for (;;) {
    let end = pos;
    while (end + 1 < b.length && !(b[end] === 0x0d && b[end + 1] === 0x0a)) end++;
    if (end + 1 >= b.length)
      return { metaTags: tags, headers, body: new Uint8Array(0), error: 'additional headers not terminated' };
    if (end === pos) {
      pos += 2;
      break;
    }
    const line = String.fromCharCode(...b.subarray(pos, end));
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    pos = end + 2;
  }
  return { metaTags: tags, headers, body: b.subarray(pos) };
}
