/**
 * Byte helpers for the capture formats: base64 (ours, so shared/ needs no
 * Buffer), UTF-8 round-trip checks, and a small error type that names the file
 * and the place a bad input went wrong.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENC = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENC[i] = ALPHABET.charCodeAt(i);
/** Reverse table: 0..63 for the alphabet (both standard and URL-safe), 64 for '=', 65 for whitespace, 255 invalid. */
const DEC = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) DEC[ALPHABET.charCodeAt(i)] = i;
DEC['-'.charCodeAt(0)] = 62;
DEC['_'.charCodeAt(0)] = 63;
DEC['='.charCodeAt(0)] = 64;
for (const c of [9, 10, 13, 32]) DEC[c] = 65;

const ascii = new TextDecoder('latin1');

/** Standard base64 with padding. Output is built as bytes and decoded once, so big bodies stay fast. */
export function base64Encode(b: Uint8Array): string {
  const n = b.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o++] = ENC[v >>> 18]!;
    out[o++] = ENC[(v >>> 12) & 63]!;
    out[o++] = ENC[(v >>> 6) & 63]!;
    out[o++] = ENC[v & 63]!;
  }
  if (i < n) {
    const v = (b[i]! << 16) | ((i + 1 < n ? b[i + 1]! : 0) << 8);
    out[o++] = ENC[v >>> 18]!;
    out[o++] = ENC[(v >>> 12) & 63]!;
    out[o++] = i + 1 < n ? ENC[(v >>> 6) & 63]! : 61;
    out[o++] = 61;
  }
  return ascii.decode(out);
}

/**
 * Decodes standard or URL-safe base64; whitespace is skipped and padding is
 * optional. Returns undefined when the text holds anything else, so callers
 * can say where the bad value was.
 */
export function base64Decode(s: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let bits = 0;
  let ended = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c < 256 ? DEC[c]! : 255;
    if (d === 65) continue;
    if (d === 255) return undefined;
    if (d === 64) {
      ended = true;
      continue;
    }
    if (ended) return undefined;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  return out.slice(0, o);
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8Encode(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Lenient decode (U+FFFD for bad sequences), a BOM is kept as U+FEFF. */
export function utf8Decode(b: Uint8Array): string {
  return lenientUtf8.decode(b);
}

/** The text of `b` when it is valid UTF-8 (so encoding it again gives the same bytes), else undefined. */
export function utf8Exact(b: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(b);
  } catch {
    return undefined;
  }
}

/** Latin-1 (one char per byte): used for HTTP header blocks, whose bytes must survive exactly. */
export function latin1Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x4000) s += String.fromCharCode(...b.subarray(i, i + 0x4000));
  return s;
}

/** Inverse of latin1Decode; chars above U+00FF are written as UTF-8 (headers built from text). */
export function latin1Encode(s: string): Uint8Array {
  let wide = false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) { wide = true; break; }
  if (wide) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of `needle` in `hay` from `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const n = needle.length;
  if (n === 0) return from;
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i + n <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

import type { Exchange } from '../exchange.js';

/**
 * A bad capture file: `file` and `where` (entry number, line, zip member…) say
 * where, so the message can be shown as is. Readers attach what they read
 * before the fault as `partial` where that makes sense.
 */
export class CaptureFileError extends Error {
  override name = 'CaptureFileError';
  /** What was read before the fault (kept, never thrown away). */
  partial?: { exchanges: Exchange[]; warnings: string[] };
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where ? where + ': ' : ''}${reason}`);
  }
}
