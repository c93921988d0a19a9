/**
 * A bounded little-endian reader over one buffer. A reader never reads past
 * its `end`: `sub(len)` opens a window capped to a declared size, and running
 * out raises a DecodeError that the structure layer turns into an error node.
 */
import type { DecodedNode } from './node.js';

export class DecodeError extends Error {
  /** The part of the structure decoded before the failure, if any. */
  partial?: DecodedNode;
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export class Reader {
  readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    /** Id of the buffer these bytes belong to ("body", "rpcext#1", …). */
    readonly bufferId: string = 'body',
    start = 0,
    readonly end: number = bytes.length,
    /** The DataView over `bytes`, shared by the windows of one buffer (creating one per window is costly). */
    view?: DataView,
  ) {
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A reader over the next `len` bytes; this reader skips past them. Throws if fewer remain. */
  sub(len: number): Reader {
    this.need(len);
    const r = new Reader(this.bytes, this.bufferId, this.pos, this.pos + len, this.view);
    this.pos += len;
    return r;
  }

  /** A reader over the next `len` bytes (or what remains) without advancing. */
  peekWindow(len: number): Reader {
    return new Reader(this.bytes, this.bufferId, this.pos, Math.min(this.end, this.pos + len), this.view);
  }

  need(n: number): void {
    if (n < 0 || !Number.isFinite(n)) throw new DecodeError(`invalid length ${n}`, this.pos);
    if (this.pos + n > this.end)
      throw new DecodeError(`needs ${n} byte(s) at offset ${this.pos}, only ${this.end - this.pos} remain`, this.pos);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** The next `n` bytes as a view into the underlying buffer (no copy). */
  take(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  peekU8(at = 0): number | undefined {
    return this.pos + at < this.end ? this.bytes[this.pos + at] : undefined;
  }
  peekU16(at = 0): number | undefined {
    return this.pos + at + 2 <= this.end ? this.view.getUint16(this.pos + at, true) : undefined;
  }
  peekU32(at = 0): number | undefined {
    return this.pos + at + 4 <= this.end ? this.view.getUint32(this.pos + at, true) : undefined;
  }
}
