/**
 * LZ77 with DIRECT2 encoding, the compression of RPC_HEADER_EXT payloads
 * ([MS-OXCRPC] 3.1.4.1.1.2; byte-identical to [MS-XCA] 2.3/2.4 "Plain LZ77").
 *
 * Stream: 32-bit flag words (LE, consumed from bit 31 down); a 0 bit is a
 * literal byte, a 1 bit is a u16 match token (high 13 bits = distance-1, low 3
 * bits = length-3) or, when no input is left, the end marker. Length 10+ uses
 * the shared-nibble extension ([MS-OXCRPC] 3.1.4.1.1.2.2.4): a nibble byte whose
 * low half serves one match and high half the next, then an extra byte, then a
 * u16 (and, per [MS-XCA], a u32 when that u16 is zero).
 */
import { DecodeError } from '../../codec/index.js';

/**
 * Decompress `src` into exactly `expectedSize` bytes. Throws DecodeError (with
 * the input offset) on a malformed stream: a distance before the start, a
 * truncated token, output longer or shorter than `expectedSize`.
 */
export function decompressLz77(src: Uint8Array, expectedSize: number): Uint8Array {
  if (!Number.isInteger(expectedSize) || expectedSize < 0 || expectedSize > 0x1000000)
    throw new DecodeError(`LZ77: invalid expected size ${expectedSize}`, 0);
  const out = new Uint8Array(expectedSize);
  const n = src.length;
  let i = 0;
  let o = 0;
  let flags = 0;
  let bits = 0;
  let nibbleAt = -1;
  for (;;) {
    if (bits === 0) {
      if (i + 4 > n) {
        if (i === n && o === expectedSize) break; // stream ended on a word boundary
        throw new DecodeError(`LZ77: truncated flag word at input offset ${i}`, i);
      }
      flags = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
      i += 4;
      bits = 32;
    }
    bits--;
    if (((flags >>> bits) & 1) === 0) {
      if (i >= n) throw new DecodeError(`LZ77: literal expected at input offset ${i}, input ended`, i);
      if (o >= expectedSize) throw new DecodeError(`LZ77: output exceeds expected ${expectedSize} bytes`, i);
      out[o++] = src[i++]!;
      continue;
    }
    if (i === n) break; // end marker
    const tokenAt = i;
    if (i + 2 > n) throw new DecodeError(`LZ77: truncated match token at input offset ${i}`, i);
    const token = src[i]! | (src[i + 1]! << 8);
    i += 2;
    const dist = (token >>> 3) + 1;
    let len = token & 7;
    if (len === 7) {
      if (nibbleAt < 0) {
        if (i >= n) throw new DecodeError(`LZ77: truncated length nibble at input offset ${i}`, i);
        nibbleAt = i;
        len = src[i++]! & 0x0f;
      } else {
        len = src[nibbleAt]! >>> 4;
        nibbleAt = -1;
      }
      if (len === 15) {
        if (i >= n) throw new DecodeError(`LZ77: truncated length byte at input offset ${i}`, i);
        len = src[i++]!;
        if (len === 255) {
          if (i + 2 > n) throw new DecodeError(`LZ77: truncated 16-bit length at input offset ${i}`, i);
          len = src[i]! | (src[i + 1]! << 8);
          i += 2;
          if (len === 0) {
            if (i + 4 > n) throw new DecodeError(`LZ77: truncated 32-bit length at input offset ${i}`, i);
            len = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
            i += 4;
          }
          // The u16 (or u32) holds the whole length minus 3; below 22 a shorter form applies.
          if (len < 22) throw new DecodeError(`LZ77: 16-bit length ${len} too small`, i);
          len += 3;
        } else {
          len += 7 + 15 + 3; // 25..279
        }
      } else {
        len += 7 + 3; // 10..24
      }
    } else {
      len += 3;
    }
    if (dist > o) throw new DecodeError(`LZ77: match distance ${dist} before start of output (at ${o})`, tokenAt);
    if (o + len > expectedSize)
      throw new DecodeError(`LZ77: match of ${len} bytes overruns expected size ${expectedSize}`, tokenAt);
    let from = o - dist;
    if (dist >= len) {
      out.copyWithin(o, from, from + len);
      o += len;
    } else {
      const end = o + len;
      while (o < end) out[o++] = out[from++]!;
    }
  }
  if (o !== expectedSize) throw new DecodeError(`LZ77: decompressed ${o} bytes, expected ${expectedSize}`, i);
  return out;
}

const HASH_BITS = 14;
const WINDOW = 8192;
const MAX_CHAIN = 32;

/**
 * Compress `src` (greedy longest match over the previous 8 KB, hash chains).
 * Any output decodes back to `src` with `decompressLz77(out, src.length)`;
 * byte equality with another compressor is not a goal.
 */
export function compressLz77(src: Uint8Array): Uint8Array {
  const n = src.length;
  // Worst case: every byte literal, plus a flag word per 32 elements and the end word.
  const out = new Uint8Array(n + 4 * Math.ceil((n + 1) / 32) + 8);
  let flagPos = 0;
  let op = 4;
  let flags = 0;
  let bitCount = 0; // elements in the current flag word
  let nibbleAt = -1;
  // Hash table sized to the input: small payloads should not pay for a 64 KB table.
  let hashBits = 8;
  while (hashBits < HASH_BITS && 1 << hashBits < n) hashBits++;
  const head = new Int32Array(1 << hashBits).fill(-1);
  const prev = new Int32Array(Math.min(n, WINDOW) || 1);
  const hash = (p: number) =>
    Math.imul((src[p]! << 16) | (src[p + 1]! << 8) | src[p + 2]!, 0x9e3779b1) >>> (32 - hashBits);
  const insert = (p: number) => {
    if (p + 2 >= n) return;
    const h = hash(p);
    prev[p % WINDOW] = head[h]!;
    head[h] = p;
  };
  const pushFlag = (bit: number) => {
    flags = (flags << 1) | bit;
    bitCount++;
    if (bitCount === 32) {
      out[flagPos] = flags & 0xff;
      out[flagPos + 1] = (flags >>> 8) & 0xff;
      out[flagPos + 2] = (flags >>> 16) & 0xff;
      out[flagPos + 3] = (flags >>> 24) & 0xff;
      flagPos = op;
      op += 4;
      flags = 0;
      bitCount = 0;
    }
  };

  let p = 0;
  while (p < n) {
    let bestLen = 0;
    let bestDist = 0;
    if (p + 2 < n) {
      const h = hash(p);
      let cand = head[h]!;
      let chain = MAX_CHAIN;
      const maxLen = n - p;
      while (cand >= 0 && p - cand <= WINDOW && chain-- > 0) {
        if (src[cand + bestLen] === src[p + bestLen] && src[cand] === src[p]) {
          let l = 0;
          while (l < maxLen && src[cand + l] === src[p + l]) l++;
          if (l > bestLen) {
            bestLen = l;
            bestDist = p - cand;
            if (l === maxLen) break;
          }
        }
        const nxt = prev[cand % WINDOW]!;
        if (nxt >= cand) break;
        cand = nxt;
      }
    }
    if (bestLen >= 3) {
      // Lengths above 0xFFFF+3 need the u32 form; cap to keep the token simple.
      if (bestLen > 0xffff + 3) bestLen = 0xffff + 3;
      const l = bestLen - 3;
      const d = bestDist - 1;
      if (l < 7) {
        const t = (d << 3) | l;
        out[op++] = t & 0xff;
        out[op++] = t >>> 8;
      } else {
        const t = (d << 3) | 7;
        out[op++] = t & 0xff;
        out[op++] = t >>> 8;
        const l2 = l - 7; // 0.. for lengths 10..
        const nib = l2 < 15 ? l2 : 15;
        if (nibbleAt < 0) {
          nibbleAt = op;
          out[op++] = nib;
        } else {
          out[nibbleAt] = out[nibbleAt]! | (nib << 4);
          nibbleAt = -1;
        }
        if (l2 >= 15) {
          const l3 = l2 - 15; // lengths 25..
          if (l3 < 255) {
            out[op++] = l3;
          } else {
            out[op++] = 255;
            const full = bestLen - 3; // u16 carries length-3
            out[op++] = full & 0xff;
            out[op++] = full >>> 8;
          }
        }
      }
      pushFlag(1);
      const end = p + bestLen;
      for (; p < end; p++) insert(p);
    } else {
      out[op++] = src[p]!;
      pushFlag(0);
      insert(p);
      p++;
    }
  }
  // End marker: one 1 bit, rest of the word filled with 1s.
  flags = (flags << 1) | 1;
  bitCount++;
  const fill = 32 - bitCount;
  const word = fill === 32 ? 0xffffffff : ((flags << fill) | ((1 << fill) - 1)) >>> 0;
  out[flagPos] = word & 0xff;
  out[flagPos + 1] = (word >>> 8) & 0xff;
  out[flagPos + 2] = (word >>> 16) & 0xff;
  out[flagPos + 3] = (word >>> 24) & 0xff;
  return out.slice(0, op);
}
