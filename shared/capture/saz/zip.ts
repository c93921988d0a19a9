/**
 * The ZIP container under SAZ (PKWARE APPNOTE 4.3): a reader that walks the
 * central directory and says clearly what it cannot open (encrypted members,
 * AES, ZIP64, unknown compression, CRC mismatch), with a fallback walk over the
 * local headers for archives cut short; and a streaming writer (one member at a
 * time; only the central directory, ~80 bytes a member, stays in memory) that
 * can set the archive comment Fiddler uses for its version string.
 * Inflate/deflate come from fflate.
 */
import { deflateSync, inflateSync } from 'fflate';
import { latin1Decode, utf8Decode } from '../../codec/bytes.js';
import { CaptureFileError } from '../../capture/errors.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Set when read from the central directory. */
  fromDirectory: boolean;
  /** Data offset, once known. */
  dataOffset?: number;
}

export interface ZipArchive {
  comment: string;
  entries: ZipEntry[];
  /** True when the central directory was missing and members were found by walking local headers. */
  recovered: boolean;
  /** The reason the walk stopped early (recovered archives only). */
  recoveryStop?: string;
  /** Member bytes, uncompressed and CRC-checked; throws CaptureFileError naming the member. */
  read(entry: ZipEntry): Uint8Array;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

const u64 = (b: Uint8Array, o: number): bigint => BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;

export function openZip(data: Uint8Array, file: string): ZipArchive {
  if (data.length < 4 || u32(data, 0) !== SIG_LOCAL) {
    if (data.length >= 22 && u32(data, 0) === SIG_EOCD) return archive(data, file, [], '', false);
    throw new CaptureFileError(
      file,
      'offset 0',
      data.length === 0 ? 'empty file' : 'not a ZIP archive (a SAZ file is a ZIP; no local file header at the start)',
    );
  }
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65557); i--)
    if (u32(data, i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) return recover(data, file);
  let count = u16(data, eocd + 10);
  let cdSize = u32(data, eocd + 12);
  let cdOffset = u32(data, eocd + 16);
  const commentLen = u16(data, eocd + 20);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    // ZIP64 end of central directory (APPNOTE 4.3.14/4.3.15): more than 65535 members.
    const loc = eocd - 20;
    if (loc < 0 || u32(data, loc) !== 0x07064b50)
      throw new CaptureFileError(file, 'end of central directory', 'ZIP64 locator missing (corrupt archive)');
    const z = Number(u64(data, loc + 8));
    if (z + 56 > data.length || u32(data, z) !== 0x06064b50)
      throw new CaptureFileError(file, 'ZIP64 end of central directory', 'bad signature (corrupt archive)');
    count = Number(u64(data, z + 32));
    cdSize = Number(u64(data, z + 40));
    cdOffset = Number(u64(data, z + 48));
  }
  if (cdOffset + cdSize > eocd) return recover(data, file);
  const comment = utf8Decode(data.subarray(eocd + 22, eocd + 22 + commentLen));
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > data.length || u32(data, p) !== SIG_CENTRAL)
      throw new CaptureFileError(
        file,
        `central directory entry ${i + 1} (offset ${p})`,
        'bad signature (corrupt archive)',
      );
    const flags = u16(data, p + 8);
    const nameLen = u16(data, p + 28);
    const extraLen = u16(data, p + 30);
    const cmtLen = u16(data, p + 32);
    const nameBytes = data.subarray(p + 46, p + 46 + nameLen);
    if (u32(data, p + 42) === 0xffffffff || u32(data, p + 20) === 0xffffffff)
      throw new CaptureFileError(
        file,
        `central directory entry ${i + 1}`,
        'ZIP64 member sizes or offsets (archive over 4 GiB) are not supported',
      );
    entries.push({
      name: flags & 0x800 ? utf8Decode(nameBytes) : latin1Decode(nameBytes),
      flags,
      method: u16(data, p + 10),
      crc: u32(data, p + 16),
      compressedSize: u32(data, p + 20),
      size: u32(data, p + 24),
      localOffset: u32(data, p + 42),
      fromDirectory: true,
    });
    p += 46 + nameLen + extraLen + cmtLen;
  }
  return archive(data, file, entries, comment, false);
}

/** No usable central directory: walk local headers from the start, keeping every member that reads whole. */
function recover(data: Uint8Array, file: string): ZipArchive {
  const entries: ZipEntry[] = [];
  let p = 0;
  let stop: string | undefined;
  while (p + 30 <= data.length && u32(data, p) === SIG_LOCAL) {
    const flags = u16(data, p + 6);
    const method = u16(data, p + 8);
    const nameLen = u16(data, p + 26);
    const extraLen = u16(data, p + 28);
    const start = p + 30 + nameLen + extraLen;
    const nameBytes = data.subarray(p + 30, p + 30 + nameLen);
    const e: ZipEntry = {
      name: flags & 0x800 ? utf8Decode(nameBytes) : latin1Decode(nameBytes),
      flags,
      method,
      crc: u32(data, p + 14),
      compressedSize: u32(data, p + 18),
      size: u32(data, p + 22),
      localOffset: p,
      fromDirectory: false,
      dataOffset: start,
    };
    if (start > data.length) {
      stop = `member "${e.name}" is cut off`;
      break;
    }
    if (flags & 1) {
      entries.push(e);
      break; // read() reports the encryption
    }
    if (!(flags & 8)) {
      if (start + e.compressedSize > data.length) {
        stop = `member "${e.name}" is cut off`;
        break;
      }
      entries.push(e);
      p = start + e.compressedSize;
      continue;
    }
    // Sizes follow the data (data descriptor): find where this member's deflate stream ends.
    if (method !== 8) {
      stop = `member "${e.name}" has no size and is not deflated`;
      break;
    }
    let found = false;
    for (let q = indexOfSig(data, start); ; q = indexOfSig(data, q + 4)) {
      const end = q < 0 ? data.length : q;
      try {
        const out = inflateSync(data.subarray(start, end));
        // The descriptor: optional signature, crc, sizes.
        const d = u32(data, end - 16) === 0x08074b50 ? end - 16 : end - 12;
        e.crc = u32(data, d + (d === end - 16 ? 4 : 0));
        e.size = out.length;
        e.compressedSize = d - start;
        entries.push(e);
        p = end;
        found = true;
      } catch {
        if (q < 0) break;
        continue;
      }
      break;
    }
    if (!found) {
      stop = `member "${e.name}" is cut off`;
      break;
    }
  }
  if (!entries.length)
    throw new CaptureFileError(
      file,
      'offset 0',
      'ZIP archive without a central directory and no readable member (truncated?)',
    );
  return archive(data, file, entries, '', true, stop ?? 'no central directory (truncated archive?)');
}

function indexOfSig(data: Uint8Array, from: number): number {
  for (let i = data.indexOf(0x50, from); i >= 0 && i + 4 <= data.length; i = data.indexOf(0x50, i + 1))
    if (data[i + 1] === 0x4b && data[i + 2] === 3 && data[i + 3] === 4) return i;
  return -1;
}

function archive(
  data: Uint8Array,
  file: string,
  entries: ZipEntry[],
  comment: string,
  recovered: boolean,
  stop?: string,
): ZipArchive {
  return {
    comment,
    entries,
    recovered,
    ...(stop !== undefined ? { recoveryStop: stop } : {}),
    read(e: ZipEntry): Uint8Array {
      const where = `zip member "${e.name}"`;
      if (e.flags & 1 || e.method === 99)
        throw new CaptureFileError(
          file,
          where,
          `is encrypted (password-protected SAZ${e.method === 99 ? ', AES' : ''}); open it in Fiddler and save it again without a password`,
        );
      let start = e.dataOffset;
      if (start === undefined) {
        const p = e.localOffset;
        if (p + 30 > data.length || u32(data, p) !== SIG_LOCAL)
          throw new CaptureFileError(file, where, `bad local header at offset ${p} (corrupt archive)`);
        start = p + 30 + u16(data, p + 26) + u16(data, p + 28);
      }
      if (start + e.compressedSize > data.length)
        throw new CaptureFileError(file, where, 'is cut off (truncated archive)');
      const raw = data.subarray(start, start + e.compressedSize);
      let out: Uint8Array;
      if (e.method === 0) out = raw;
      else if (e.method === 8) {
        try {
          out = inflateSync(raw, { out: new Uint8Array(e.size) });
        } catch (err) {
          throw new CaptureFileError(file, where, `cannot be inflated (${(err as Error).message})`);
        }
      } else throw new CaptureFileError(file, where, `uses compression method ${e.method}, which is not supported`);
      if (out.length !== e.size)
        throw new CaptureFileError(
          file,
          where,
          `size ${out.length} differs from the recorded ${e.size} (corrupt archive)`,
        );
      if (crc32(out) !== e.crc) throw new CaptureFileError(file, where, 'CRC mismatch (corrupt archive)');
      return out;
    },
  };
}

/** Cheap test: order-0 entropy of a sample; above ~7.5 bits a byte, deflate gains next to nothing. */
function compressible(b: Uint8Array): boolean {
  if (b.length < 4096) return true;
  const n = Math.min(b.length, 16384);
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[b[i]!]!++;
  let bits = 0;
  for (let i = 0; i < 256; i++) {
    const c = counts[i]!;
    if (c) bits -= c * Math.log2(c / n);
  }
  return bits / n < 7.5;
}

/** DOS date/time fields of a Date (local fields as Fiddler writes them; we use UTC). */
function dosTime(d: Date): { time: number; date: number } {
  const y = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((y - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Streaming ZIP writer: `add` returns the bytes to write for one member; `finish` the central directory. */
export class ZipWriter {
  private central: Uint8Array[] = [];
  private offset = 0;
  private count = 0;
  private readonly deflate: (b: Uint8Array) => Uint8Array;

  /** `deflate`: raw DEFLATE (RFC 1951); Node callers may pass zlib's, the default is fflate's. */
  constructor(opts: { deflate?: (b: Uint8Array) => Uint8Array } = {}) {
    this.deflate = opts.deflate ?? ((b) => deflateSync(b, { level: 6 }));
  }

  add(name: string, content: Uint8Array, opts: { mtime?: Date; compress?: boolean } = {}): Uint8Array[] {
    const isDir = name.endsWith('/');
    // Deflate unless a sample shows the bytes do not shrink (compressed or encrypted MAPI bodies):
    // deflating those costs much and saves nothing, and Fiddler reads stored members as well.
    const compress = !isDir && opts.compress !== false && content.length > 0 && compressible(content);
    const data = compress ? this.deflate(content) : content;
    const method = compress ? 8 : 0;
    const crc = crc32(content);
    const nameBytes = new TextEncoder().encode(name);
    const utf8 = /[^\x20-\x7e]/.test(name) ? 0x800 : 0;
    const { time, date } = dosTime(opts.mtime ?? new Date(0));
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, utf8, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, content.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const cd = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, utf8, true);
    cv.setUint16(10, method, true);
    cv.setUint16(12, time, true);
    cv.setUint16(14, date, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, content.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(38, isDir ? 0x10 : 0x20, true);
    cv.setUint32(42, this.offset, true);
    cd.set(nameBytes, 46);
    this.central.push(cd);
    this.count++;
    this.offset += local.length + data.length;
    if (this.offset > 0xffffffff) throw new Error('ZIP archive over 4 GiB (ZIP64) is not supported');
    return [local, data];
  }

  finish(comment = ''): Uint8Array[] {
    const cmt = new TextEncoder().encode(comment);
    let size = 0;
    for (const c of this.central) size += c.length;
    const out = [...this.central];
    const zip64 = this.count > 0xffff;
    if (zip64) {
      // More than 65535 members (a SAZ of over 21845 sessions): ZIP64 end record + locator.
      const z = new Uint8Array(56 + 20);
      const zv = new DataView(z.buffer);
      zv.setUint32(0, 0x06064b50, true);
      zv.setBigUint64(4, 44n, true);
      zv.setUint16(12, 45, true);
      zv.setUint16(14, 45, true);
      zv.setBigUint64(24, BigInt(this.count), true);
      zv.setBigUint64(32, BigInt(this.count), true);
      zv.setBigUint64(40, BigInt(size), true);
      zv.setBigUint64(48, BigInt(this.offset), true);
      zv.setUint32(56, 0x07064b50, true);
      zv.setBigUint64(64, BigInt(this.offset + size), true);
      zv.setUint32(72, 1, true);
      out.push(z);
    }
    const end = new Uint8Array(22 + cmt.length);
    const v = new DataView(end.buffer);
    v.setUint32(0, SIG_EOCD, true);
    v.setUint16(8, zip64 ? 0xffff : this.count, true);
    v.setUint16(10, zip64 ? 0xffff : this.count, true);
    v.setUint32(12, size, true);
    v.setUint32(16, this.offset, true);
    v.setUint16(20, cmt.length, true);
    end.set(cmt, 22);
    out.push(end);
    this.central = [];
    return out;
  }
}
