/**
 * 8-bit strings in their code page. [MS-OXCDATA] 2.11.1: PtypString8 holds
 * "multibyte characters in externally specified encoding"; which one applies
 * is set per session by Connect's DefaultCodePage, per message by the CodePageId
 * of RopOpenMessage/RopCreateMessage/RopOpenEmbeddedMessage ([MS-OXCROPS] 2.2.1.3:
 * objects owned by a message use the message's), per NSPI request by STAT's
 * CodePage ([MS-OXNSPI] 2.2.8), and per FastTransfer value by a code-page
 * property type ([MS-OXCFXICS] 2.2.4.1.1.1).
 *
 * Decoding is exact or not at all: bytes that are not valid in the code page,
 * or that would not encode back to the same bytes, are shown as ISO-8859-1
 * (one character per byte) with a note, so the value still encodes losslessly.
 */
import {
  type CodePageInUse,
  type Codec,
  type DecodeEnv,
  type DecodedNode,
  DecodeError,
  NO_NODE,
  custom,
  latin1Decode,
  latin1Encode,
  readsNoScope,
  utf16Decode,
  utf16Encode,
} from '../../codec/index.js';

export type { CodePageInUse };

/** Windows code page → WHATWG encoding label (the names TextDecoder knows). */
const LABELS: Readonly<Record<number, string>> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1200: 'utf-16le',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  10000: 'macintosh',
  20866: 'koi8-r',
  21866: 'koi8-u',
  28592: 'iso-8859-2',
  28593: 'iso-8859-3',
  28594: 'iso-8859-4',
  28595: 'iso-8859-5',
  28596: 'iso-8859-6',
  28597: 'iso-8859-7',
  28598: 'iso-8859-8',
  28603: 'iso-8859-13',
  28605: 'iso-8859-15',
  65001: 'utf-8',
};
/**
 * windows-1252 bytes 0x80-0x9F (the WHATWG index; the rest is ISO-8859-1).
 * Read here rather than by TextDecoder: Node 20 decodes "windows-1252" as ISO-8859-1.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const cp1252: Pick<TextDecoder, 'decode'> = {
  decode(input) {
    const b = input as Uint8Array;
    let s = '';
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      s += String.fromCharCode(c >= 0x80 && c < 0xa0 ? CP1252_HIGH[c - 0x80]! : c);
    }
    return s;
  },
};

/** Code pages whose characters take one or two bytes. */
const DOUBLE_BYTE = new Set([932, 936, 949, 950]);
/** ISO-8859-1 and US-ASCII: one character per byte, read as is. */
const IDENTITY = new Set([20127, 28591]);

/** The name shown for a code page: "windows-1252 (1252)". */
export function codePageName(id: number): string {
  if (IDENTITY.has(id)) return `${id === 20127 ? 'us-ascii' : 'iso-8859-1'} (${id})`;
  const l = LABELS[id];
  return l ? `${l} (${id})` : `code page ${id}`;
}

/** True when strings in code page `id` can be decoded here. */
export function knownCodePage(id: number): boolean {
  return IDENTITY.has(id) || LABELS[id] !== undefined;
}

type Decoder = Pick<TextDecoder, 'decode'>;
const decoders = new Map<number, Decoder | null>([[1252, cp1252]]);
function decoderFor(id: number): Decoder | undefined {
  let d = decoders.get(id);
  if (d === undefined) {
    const label = LABELS[id];
    try {
      d = label ? new TextDecoder(label, { fatal: true }) : null;
    } catch {
      d = null; // a runtime without this encoding
    }
    decoders.set(id, d);
  }
  return d ?? undefined;
}

/** Character → bytes for the 8-bit and double-byte code pages, built on first use. */
const reverse = new Map<number, Map<string, number[]>>();
function reverseOf(id: number): Map<string, number[]> | undefined {
  let m = reverse.get(id);
  if (m) return m;
  const d = decoderFor(id);
  if (!d) return undefined;
  m = new Map();
  const one = new Uint8Array(1);
  for (let b = 0; b < 0x100; b++) {
    one[0] = b;
    try {
      const c = d.decode(one);
      if (c.length && !m.has(c)) m.set(c, [b]);
    } catch {
      // a lead byte or an undefined byte
    }
  }
  if (DOUBLE_BYTE.has(id)) {
    const two = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++)
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        two[0] = lead;
        two[1] = trail;
        try {
          const c = d.decode(two);
          if (c.length && !m.has(c)) m.set(c, [lead, trail]);
        } catch {
          // not a character
        }
      }
  }
  reverse.set(id, m);
  return m;
}

/** `s` in code page `id`; undefined when a character has no encoding there. */
export function encodeInCodePage(s: string, id: number): Uint8Array | undefined {
  if (IDENTITY.has(id) || !knownCodePage(id)) {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return undefined;
    return latin1Encode(s);
  }
  if (id === 65001) return new TextEncoder().encode(s);
  if (id === 1200) return utf16Encode(s);
  const m = reverseOf(id);
  if (!m) return undefined;
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x80 && ch.length === 1) out.push(c);
    else {
      const b = m.get(ch);
      if (!b) return undefined;
      out.push(...b);
    }
  }
  return Uint8Array.from(out);
}

function asciiOnly(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

export interface DecodedString8 {
  text: string;
  /** The code page the text was read in; undefined: ISO-8859-1 (unknown code page, or bytes not valid in it). */
  applied?: number;
  /** Why the bytes were not read in the code page in use. */
  note?: string;
}

/** `b` (no terminator) read in `cp`, exactly or as ISO-8859-1 with the reason. */
export function decodeString8(b: Uint8Array, cp: CodePageInUse | undefined): DecodedString8 {
  if (!cp) return { text: latin1Decode(b) };
  const id = cp.id;
  if (IDENTITY.has(id)) return { text: latin1Decode(b), applied: id };
  if (id === 1200) {
    if (b.length % 2) return { text: latin1Decode(b), note: `odd byte count is not UTF-16LE (${id})` };
    return { text: utf16Decode(b), applied: id };
  }
  // Every code page here reads 0x00-0x7F as ASCII (UTF-16 aside).
  if (asciiOnly(b)) return { text: latin1Decode(b), applied: id };
  const d = decoderFor(id);
  if (!d) return { text: latin1Decode(b), note: `${codePageName(id)} is not supported here` };
  let text: string;
  try {
    text = d.decode(b);
  } catch {
    return { text: latin1Decode(b), note: `the bytes are not valid ${codePageName(id)}` };
  }
  if (DOUBLE_BYTE.has(id) || id === 65001) {
    // A few characters have two byte forms; keep the value re-encodable to the same bytes.
    const back = encodeInCodePage(text, id);
    if (!back || back.length !== b.length || back.some((x, i) => x !== b[i]))
      return { text: latin1Decode(b), note: `the bytes do not re-encode identically in ${codePageName(id)}` };
  }
  return { text, applied: id };
}

/** The display of a string read by `decodeString8`: the text, and for non-ASCII bytes which code page. */
export function string8Display(text: string, bytes: Uint8Array, r: DecodedString8, cp: CodePageInUse | undefined) {
  const q = JSON.stringify(text);
  if (asciiOnly(bytes) && r.applied !== 1200) return q;
  if (r.applied !== undefined) return `${q} · ${codePageName(r.applied)}, from ${cp!.source}`;
  if (r.note) return `${q} · shown as ISO-8859-1: ${r.note} (${cp!.source})`;
  return `${q} · code page unknown, shown as ISO-8859-1`;
}

/** Bytes of `v` in the code page in use; ISO-8859-1 when that is unknown or cannot hold `v`. */
function encodeString8(v: string, cp: CodePageInUse | undefined): Uint8Array {
  // A value shown as ISO-8859-1 (bytes not valid in the code page) goes back the same way.
  const b = encodeInCodePage(v, cp?.id ?? 28591) ?? encodeInCodePage(v, 28591);
  if (!b)
    throw new Error(`${JSON.stringify(v)} has a character that ${cp ? codePageName(cp.id) : 'ISO-8859-1'} cannot hold`);
  return b;
}

function findZero(r: { bytes: Uint8Array; pos: number; end: number }): number {
  for (let i = r.pos; i < r.end; i++) if (r.bytes[i] === 0) return i;
  throw new DecodeError('string has no terminating null within its window', r.pos);
}

/**
 * The code page for a PtypString8 value: UTF-16 (1200, 1201) is not an 8-bit
 * code page, so a message or STAT naming it leaves 8-bit strings unknown.
 */
function eightBit(cp: CodePageInUse | undefined): CodePageInUse | undefined {
  return cp && cp.id !== 1200 && cp.id !== 1201 ? cp : undefined;
}

/**
 * Null-terminated PtypString8 ([MS-OXCDATA] 2.11.1, one terminating 0x00) in
 * the code page of `env.codePage` (it reads the env, never the scope).
 */
export const string8Z: Codec<string> = readsNoScope(
  custom<string>(
    'string8',
    1,
    (r, name, _scope, env: DecodeEnv) => {
      const start = r.pos;
      const cp = eightBit(env.codePage);
      const z = findZero(r);
      const b = r.take(z - r.pos);
      r.pos++;
      const d = decodeString8(b, cp);
      if (!env.tree) return { value: d.text, node: NO_NODE };
      const node: DecodedNode = {
        name,
        value: d.text,
        offset: start,
        length: r.pos - start,
        display: string8Display(d.text, b, d, cp),
      };
      return { value: d.text, node };
    },
    (w, v, _scope, env) => {
      w.bytes(encodeString8(v, eightBit(env.codePage))).u8(0);
    },
  ),
);
