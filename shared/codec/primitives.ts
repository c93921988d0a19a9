/**
 * Primitive wire types ([MS-DTYP] little-endian integers, strings, GUIDs,
 * FILETIME). Strings decode losslessly: 8-bit strings byte-for-char
 * (Latin-1), UTF-16 strings code unit for code unit, so encode reproduces the
 * exact bytes even for unpaired surrogates.
 */
import { type Codec, type SizeSpec, type Scope, hex, leaf, readsNoScope, withDisplay } from './codec.js';
import { latin1Decode, latin1Encode, toHex } from './bytes.js';
import type { DecodedNode } from './node.js';
import { DecodeError, type Reader } from './reader.js';
import type { Writer } from './writer.js';

export const u8 = readsNoScope(
  leaf<number>(
    'uint8',
    1,
    (r) => r.u8(),
    (w, v) => w.u8(v),
  ),
);
export const u16 = readsNoScope(
  leaf<number>(
    'uint16',
    2,
    (r) => r.u16(),
    (w, v) => w.u16(v),
  ),
);
export const u32 = readsNoScope(
  leaf<number>(
    'uint32',
    4,
    (r) => r.u32(),
    (w, v) => w.u32(v),
  ),
);
export const i16 = readsNoScope(
  leaf<number>(
    'int16',
    2,
    (r) => r.i16(),
    (w, v) => w.i16(v),
  ),
);
export const i32 = readsNoScope(
  leaf<number>(
    'int32',
    4,
    (r) => r.i32(),
    (w, v) => w.i32(v),
  ),
);
export const u64 = readsNoScope(
  leaf<bigint>(
    'uint64',
    8,
    (r) => r.u64(),
    (w, v) => w.u64(v),
  ),
);
export const i64 = readsNoScope(
  leaf<bigint>(
    'int64',
    8,
    (r) => r.i64(),
    (w, v) => w.i64(v),
  ),
);
export const f32 = readsNoScope(
  leaf<number>(
    'float',
    4,
    (r) => r.f32(),
    (w, v) => w.f32(v),
  ),
);
export const f64 = readsNoScope(
  leaf<number>(
    'double',
    8,
    (r) => r.f64(),
    (w, v) => w.f64(v),
  ),
);

export const u8hex = withDisplay(u8, (v) => hex(v, 2));
export const u16hex = withDisplay(u16, (v) => hex(v, 4));
export const u32hex = withDisplay(u32, (v) => hex(v, 8));
export const u64hex = withDisplay(u64, (v) => '0x' + v.toString(16).toUpperCase().padStart(16, '0'));

/** One byte that must be 0x00 or 0x01 (values outside are kept and flagged in the display). */
export const bool8 = readsNoScope(
  leaf<number>(
    'bool',
    1,
    (r) => r.u8(),
    (w, v) => w.u8(v),
    (v) => (v === 0 ? 'False' : v === 1 ? 'True' : `True (non-canonical ${hex(v, 2)})`),
  ),
);
export const bool16 = readsNoScope(
  leaf<number>(
    'bool16',
    2,
    (r) => r.u16(),
    (w, v) => w.u16(v),
    (v) => (v === 0 ? 'False' : 'True'),
  ),
);

// --- byte runs -------------------------------------------------------------

function sizeOf(spec: SizeSpec, s: Scope): number {
  if (typeof spec === 'number') return spec;
  if (typeof spec === 'string') return s.num(spec);
  throw new Error('function sizes need an env');
}

/** `size` raw bytes (a number or the name of an earlier field). */
export function bytes(size: SizeSpec | ((s: Scope) => number)): Codec<Uint8Array> {
  return fixedIf(
    size,
    leaf<Uint8Array>(
      'bytes',
      typeof size === 'number' ? size : 0,
      (r, s) => r.take(typeof size === 'function' ? (size as (s: Scope) => number)(s) : sizeOf(size, s)),
      (w, v) => w.bytes(v),
      (v) => (v.length <= 32 ? toHex(v, ' ') : `${v.length} bytes`),
    ),
  );
}

/** A codec of a fixed (numeric) size reads nothing from its scope. */
function fixedIf<C extends Codec<unknown>>(size: unknown, c: C): C {
  return typeof size === 'number' ? readsNoScope(c) : c;
}

/** All bytes to the end of the current window. */
export const rest = readsNoScope(
  leaf<Uint8Array>(
    'bytes',
    0,
    (r) => r.take(r.remaining),
    (w, v) => w.bytes(v),
    (v) => (v.length <= 32 ? toHex(v, ' ') : `${v.length} bytes`),
  ),
);

/** Reserved bytes: decoded and kept (so round trip holds), shown as such. */
export function reserved(size: number): Codec<Uint8Array> {
  return withDisplay(bytes(size), (v) => (v.every((b) => b === 0) ? 'reserved (zero)' : `reserved (${toHex(v, ' ')})`));
}

// --- GUID, FILETIME --------------------------------------------------------

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function guidToString(b: Uint8Array, at = 0): string {
  if (at >= 0 && at + 16 <= b.length) {
    // Byte by byte from a table: the same text as the general form below, without a DataView or arrays.
    // (No closure per call: tsx wraps each named closure it creates in a defineProperty call.)
    return (
      HEX2[b[at + 3]!]! +
      HEX2[b[at + 2]!]! +
      HEX2[b[at + 1]!]! +
      HEX2[b[at]!]! +
      '-' +
      HEX2[b[at + 5]!]! +
      HEX2[b[at + 4]!]! +
      '-' +
      HEX2[b[at + 7]!]! +
      HEX2[b[at + 6]!]! +
      '-' +
      HEX2[b[at + 8]!]! +
      HEX2[b[at + 9]!]! +
      '-' +
      HEX2[b[at + 10]!]! +
      HEX2[b[at + 11]!]! +
      HEX2[b[at + 12]!]! +
      HEX2[b[at + 13]!]! +
      HEX2[b[at + 14]!]! +
      HEX2[b[at + 15]!]!
    );
  }
  const v = new DataView(b.buffer, b.byteOffset + at, 16);
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = Array.from(b.subarray(at + 8, at + 16), (x) => h(x, 2)).join('');
  return `${h(v.getUint32(0, true), 8)}-${h(v.getUint16(4, true), 4)}-${h(v.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

export function guidFromString(s: string): Uint8Array {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(s);
  if (!m) throw new Error(`not a GUID: ${s}`);
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint32(0, parseInt(m[1]!, 16), true);
  v.setUint16(4, parseInt(m[2]!, 16), true);
  v.setUint16(6, parseInt(m[3]!, 16), true);
  const tail = m[4]! + m[5]!;
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(tail.substr(i * 2, 2), 16);
  return out;
}

/** [MS-DTYP] 2.3.4 GUID, value as the lower-case registry form without braces. */
export const guid = readsNoScope(
  leaf<string>(
    'GUID',
    16,
    (r) => guidToString(r.take(16)),
    (w, v) => w.bytes(guidFromString(v)),
    (v) => `{${v}}`,
  ),
);

const FILETIME_EPOCH_DIFF = 11644473600000n; // ms between 1601-01-01 and 1970-01-01

export function filetimeToIso(v: bigint): string | undefined {
  if (v === 0n || v >= 0x7fffffffffffffffn) return undefined;
  const ms = Number(v / 10000n - FILETIME_EPOCH_DIFF);
  const fast = isoOfMs(ms);
  if (fast !== undefined) return fast;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const MS_YEAR_0 = -62167219200000; // 0000-01-01T00:00:00.000Z
const MS_YEAR_10000 = 253402300800000; // 10000-01-01T00:00:00.000Z
const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/**
 * `new Date(ms).toISOString()` for years 0 to 9999 (the four-digit form), by
 * arithmetic (H. Hinnant's civil-from-days); undefined outside that range.
 */
function isoOfMs(ms: number): string | undefined {
  if (!(ms >= MS_YEAR_0 && ms < MS_YEAR_10000) || !Number.isInteger(ms)) return undefined;
  const days = Math.floor(ms / 86400000);
  let t = ms - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const msPart = t % 1000;
  t = (t - msPart) / 1000;
  const sec = t % 60;
  t = (t - sec) / 60;
  const min = t % 60;
  const hour = (t - min) / 60;
  const yy = y < 10 ? '000' + y : y < 100 ? '00' + y : y < 1000 ? '0' + y : String(y);
  const mss = msPart < 10 ? '00' + msPart : msPart < 100 ? '0' + msPart : String(msPart);
  return `${yy}-${pad2(m)}-${pad2(d)}T${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${mss}Z`;
}

/** [MS-DTYP] 2.3.3 FILETIME: 100 ns intervals since 1601-01-01 UTC. */
export const filetime = withDisplay(u64, (v) => filetimeToIso(v) ?? (v === 0n ? '(none)' : v.toString()), 'FILETIME');

// --- strings ---------------------------------------------------------------

export function utf16Decode(b: Uint8Array): string {
  const n = b.length >> 1;
  const units = new Array<number>(n);
  for (let i = 0; i < n; i++) units[i] = b[2 * i]! | (b[2 * i + 1]! << 8);
  if (n <= 4096) return String.fromCharCode.apply(null, units);
  let s = '';
  for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, units.slice(i, i + 4096));
  return s;
}
export function utf16Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

function findZero8(r: Reader): number {
  for (let i = r.pos; i < r.end; i++) if (r.bytes[i] === 0) return i;
  throw new DecodeError('string has no terminating null within its window', r.pos);
}
function findZero16(r: Reader): number {
  for (let i = r.pos; i + 1 < r.end; i += 2) if (r.bytes[i] === 0 && r.bytes[i + 1] === 0) return i;
  throw new DecodeError('UTF-16 string has no terminating null within its window', r.pos);
}

const quote = (s: string) => JSON.stringify(s);

/** Null-terminated 8-bit string (PT_STRING8, ASCII DNs). */
export const asciiZ = readsNoScope(
  leaf<string>(
    'string8',
    1,
    (r) => {
      const z = findZero8(r);
      const s = latin1Decode(r.take(z - r.pos));
      r.pos++;
      return s;
    },
    (w, v) => w.bytes(latin1Encode(v)).u8(0),
    quote,
  ),
);

/** Null-terminated UTF-16LE string (PT_UNICODE). */
export const utf16Z = readsNoScope(
  leaf<string>(
    'unicode',
    2,
    (r) => {
      const z = findZero16(r);
      const s = utf16Decode(r.take(z - r.pos));
      r.pos += 2;
      return s;
    },
    (w, v) => w.bytes(utf16Encode(v)).u16(0),
    quote,
  ),
);

/** 8-bit string of a given byte length (no terminator implied; a trailing NUL is kept in the value). */
export function ascii(size: SizeSpec): Codec<string> {
  return fixedIf(
    size,
    leaf<string>(
      'string8',
      typeof size === 'number' ? size : 0,
      (r, s) => latin1Decode(r.take(sizeOf(size, s))),
      (w, v) => w.bytes(latin1Encode(v)),
      quote,
    ),
  );
}

/** UTF-16LE string of a given byte length. */
export function utf16(sizeBytes: SizeSpec): Codec<string> {
  return fixedIf(
    sizeBytes,
    leaf<string>(
      'unicode',
      typeof sizeBytes === 'number' ? sizeBytes : 0,
      (r, s) => {
        const n = sizeOf(sizeBytes, s);
        if (n % 2) throw new DecodeError(`UTF-16 string of odd byte length ${n}`, r.pos);
        return utf16Decode(r.take(n));
      },
      (w, v) => w.bytes(utf16Encode(v)),
      quote,
    ),
  );
}

/** Writes nothing and reads nothing: a computed value shown in the tree. */
export function computed<T>(compute: (s: Scope) => T, show?: (v: T) => string): Codec<T> {
  return {
    kind: 'computed',
    minSize: 0,
    decode(r, name, scope) {
      const value = compute(scope);
      const node: DecodedNode = { name, offset: r.pos, length: 0, generated: true, value: value as never };
      if (show) node.display = show(value);
      return { value, node };
    },
    encode(_w: Writer) {},
  };
}
