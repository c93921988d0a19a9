/**
 * Byte helpers, the one home for them: base64, UTF-8, Latin-1, hex, and
 * concatenation/search. Pure TS (no Buffer), so shared/ and the renderer use
 * the same code; Node callers may pass a native base64 where speed matters.
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

// Base64 output is pure ASCII: the UTF-8 decoder has the fastest ASCII path.
const ascii = new TextDecoder('utf-8');

/** Two output characters per 12 input bits, as one little-endian u16 (ASCII byte pairs). */
const ENC12 = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) ENC12[i] = ENC[i >> 6]! | (ENC[i & 63]! << 8);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Standard base64 with padding. Output is built as bytes and decoded once, so big bodies stay fast. */
export function base64Encode(b: Uint8Array): string {
  const n = b.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  const whole = n - (n % 3);
  if (LITTLE_ENDIAN) {
    const out16 = new Uint16Array(out.buffer, 0, out.length >> 1);
    let o16 = 0;
    for (; i < whole; i += 3) {
      const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
      out16[o16++] = ENC12[v >>> 12]!;
      out16[o16++] = ENC12[v & 4095]!;
    }
    o = o16 * 2;
  } else
    for (; i < whole; i += 3) {
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
 * optional. Bad input (any other character, data after padding) gives
 * undefined, so callers can say where the bad value was; `base64DecodeOrThrow`
 * turns that into an error.
 */
export function base64Decode(s: string): Uint8Array | undefined {
  const fast = base64DecodeFast(s);
  if (fast) return fast;
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

/** The common case (no whitespace, length a multiple of 4): 4 characters at a time; undefined to fall back. */
function base64DecodeFast(s: string): Uint8Array | undefined {
  const len = s.length;
  if (len === 0 || len % 4 !== 0) return undefined;
  const pad = s.charCodeAt(len - 1) === 61 ? (s.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const out = new Uint8Array((len / 4) * 3 - pad);
  const body = pad ? len - 4 : len;
  let o = 0;
  let i = 0;
  for (; i < body; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 255) return undefined;
    const a = DEC[c0]!;
    const b = DEC[c1]!;
    const c = DEC[c2]!;
    const d = DEC[c3]!;
    if ((a | b | c | d) > 63) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad) {
    const a = DEC[s.charCodeAt(i) & 255]!;
    const b = DEC[s.charCodeAt(i + 1) & 255]!;
    const c = pad === 1 ? DEC[s.charCodeAt(i + 2) & 255]! : 0;
    if ((a | b | c) > 63 || s.charCodeAt(i) > 255 || s.charCodeAt(i + 1) > 255 || s.charCodeAt(i + 2) > 255)
      return undefined;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    if (pad === 1) out[o++] = (v >>> 8) & 255;
  }
  return out;
}

/** `base64Decode`, with bad input as a `RangeError` (for data that must be base64, e.g. an API parameter). */
export function base64DecodeOrThrow(s: string): Uint8Array {
  const b = base64Decode(s);
  if (!b) throw new RangeError('not base64 text');
  return b;
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

/** Latin-1 (one char per byte): HTTP header blocks and 8-bit strings, whose bytes must survive exactly. */
export function latin1Decode(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += 4096)
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(b.length, i + 4096)) as unknown as number[]);
  return s;
}

/** Inverse of latin1Decode: one byte per char; a char above U+00FF keeps only its low byte. */
export function latin1Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Header text to bytes: Latin-1 when every char fits (so `latin1Decode` gives the
 * text back), else the whole text as UTF-8 (headers built from text, never lost).
 */
export function latin1OrUtf8Encode(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return utf8.encode(s);
  return latin1Encode(s);
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** " 00" … " ff": the byte texts after the first with the usual space separator. */
const HEX_SP = HEX.map((h) => ' ' + h);
/** Hex text of `b`, bytes separated by `sep`. */
export function toHex(b: Uint8Array, sep = ''): string {
  if (sep === ' ' && b.length) {
    let s = HEX[b[0]!]!;
    for (let i = 1; i < b.length; i++) s += HEX_SP[b[i]!];
    return s;
  }
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i && sep ? sep : '') + HEX[b[i]!];
  return s;
}
/** Bytes of a hex text; anything but hex digits is skipped. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}
