/**
 * Request and response bodies the simulator and the replayer read and write
 * ([MS-OXCMAPIHTTP] 2.2.4 mailbox bodies, 2.2.5.1/2.2.5.2 Bind/Unbind), the
 * extended buffers of Execute ([MS-OXCRPC] 2.2.2.1, 3.1.4.2.1) and the ROP
 * buffer inside them ([MS-OXCROPS] 2.2.1).
 *
 * Stated with the shared codec layer. These are the few layouts the simulator
 * needs to build and rewrite answers; the full decoders live in shared/protocol.
 */
import {
  type Codec,
  type StructValue,
  DecodeError,
  Reader,
  Writer,
  asciiZ,
  bytes,
  decode,
  encode,
  field,
  guid,
  struct,
  u32,
  utf16Z,
} from '../../../shared/codec/index.js';

const aux = [
  field('AuxiliaryBufferSize', u32, { derive: (v) => (v.AuxiliaryBuffer as Uint8Array).length }),
  field('AuxiliaryBuffer', bytes('AuxiliaryBufferSize')),
];
const ok = (s: { get(n: string): unknown }) => s.get('StatusCode') === 0;

function responseOf(kind: string, fields: ReturnType<typeof field>[]): Codec<StructValue> {
  return struct(kind, [
    field('StatusCode', u32),
    field('ErrorCode', u32, { when: ok }),
    ...fields.map((f) => ({ ...f, opts: { ...f.opts, when: ok } })),
    ...aux,
  ]);
}

export const connectRequest = struct('ConnectRequest', [
  field('UserDn', asciiZ),
  field('Flags', u32),
  field('DefaultCodePage', u32),
  field('LcidSort', u32),
  field('LcidString', u32),
  ...aux,
]);
export const connectResponse = responseOf('ConnectResponse', [
  field('PollsMax', u32),
  field('RetryCount', u32),
  field('RetryDelay', u32),
  field('DnPrefix', asciiZ),
  field('DisplayName', utf16Z),
]);
export const executeRequest = struct('ExecuteRequest', [
  field('Flags', u32),
  field('RopBufferSize', u32, { derive: (v) => (v.RopBuffer as Uint8Array).length }),
  field('RopBuffer', bytes('RopBufferSize')),
  field('MaxRopOut', u32),
  ...aux,
]);
export const executeResponse = responseOf('ExecuteResponse', [
  field('Flags', u32),
  field('RopBufferSize', u32, { derive: (v) => (v.RopBuffer as Uint8Array).length }),
  field('RopBuffer', bytes('RopBufferSize')),
]);
export const disconnectResponse = responseOf('DisconnectResponse', []);
export const notificationWaitResponse = responseOf('NotificationWaitResponse', [field('EventPending', u32)]);
export const bindResponse = responseOf('BindResponse', [field('ServerGuid', guid)]);
export const unbindResponse = responseOf('UnbindResponse', []);
/** Failure layout shared by every request type ([MS-OXCMAPIHTTP] 2.2.4.x.3). */
export const failureResponse = struct('FailureResponse', [field('StatusCode', u32), ...aux]);

const NO_AUX = { AuxiliaryBuffer: new Uint8Array(0) };

export function buildConnectResponse(displayName: string, dnPrefix = ''): Uint8Array {
  return encode(connectResponse, {
    StatusCode: 0,
    ErrorCode: 0,
    PollsMax: 60000,
    RetryCount: 6,
    RetryDelay: 10000,
    DnPrefix: dnPrefix,
    DisplayName: displayName,
    ...NO_AUX,
  });
}
export function buildExecuteResponse(ropBuffer: Uint8Array, errorCode = 0): Uint8Array {
  return encode(executeResponse, { StatusCode: 0, ErrorCode: errorCode, Flags: 0, RopBuffer: ropBuffer, ...NO_AUX });
}
export const buildDisconnectResponse = (): Uint8Array => encode(disconnectResponse, { StatusCode: 0, ErrorCode: 0, ...NO_AUX });
export const buildNotificationWaitResponse = (eventPending: boolean): Uint8Array =>
  encode(notificationWaitResponse, { StatusCode: 0, ErrorCode: 0, EventPending: eventPending ? 1 : 0, ...NO_AUX });
export const buildBindResponse = (serverGuid: string): Uint8Array =>
  encode(bindResponse, { StatusCode: 0, ErrorCode: 0, ServerGuid: serverGuid, ...NO_AUX });
/** NspiUnbind returns UnbindSuccess (1) as ErrorCode ([MS-OXNSPI] 3.1.4.1.2). */
export const buildUnbindResponse = (): Uint8Array => encode(unbindResponse, { StatusCode: 0, ErrorCode: 1, ...NO_AUX });

// ---------------------------------------------------------------------------
// Extended buffers ([MS-OXCRPC] 2.2.2.1)

export const RpcExtFlags = { Compressed: 0x0001, XorMagic: 0x0002, Last: 0x0004 } as const;

export interface ExtBuffer {
  /** Flags as they were on the wire. */
  flags: number;
  /** Payload after XOR and decompression. */
  payload: Uint8Array;
}

/** Splits a RopBuffer into its extended buffers and undoes XorMagic and LZ77. Throws DecodeError. */
export function readExtBuffers(buf: Uint8Array): ExtBuffer[] {
  const r = new Reader(buf);
  const out: ExtBuffer[] = [];
  while (r.remaining > 0) {
    const version = r.u16();
    const flags = r.u16();
    const size = r.u16();
    const sizeActual = r.u16();
    if (version !== 0) throw new DecodeError(`RPC_HEADER_EXT version ${version}`, r.pos - 8);
    let data: Uint8Array = r.take(size).slice();
    if (flags & RpcExtFlags.XorMagic) for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ 0xa5;
    if (flags & RpcExtFlags.Compressed) data = lz77Decompress(data, sizeActual);
    else if (size !== sizeActual) throw new DecodeError(`Size ${size} differs from SizeActual ${sizeActual} without compression`, r.pos);
    out.push({ flags, payload: data });
    if (flags & RpcExtFlags.Last) break;
  }
  return out;
}

/** One uncompressed, unobfuscated extended buffer around `payload`. */
export function writeExtBuffer(payload: Uint8Array, last = true): Uint8Array {
  if (payload.length > 0xffff) throw new Error(`extended buffer payload of ${payload.length} bytes exceeds 65535`);
  const w = new Writer(8 + payload.length);
  w.u16(0).u16(last ? RpcExtFlags.Last : 0).u16(payload.length).u16(payload.length).bytes(payload);
  return w.finish();
}

/**
 * Plain LZ77 + DIRECT2 decompression ([MS-OXCRPC] 3.1.4.1.1.2, same format as
 * [MS-XCA] 2.4). Bitmasks are read MSB first; a set bit is a match (13-bit
 * distance − 1, 3-bit length − 3, extended through shared nibbles, a byte and a u16).
 */
export function lz77Decompress(src: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let inPos = 0;
  let outPos = 0;
  let mask = 0;
  let bitsLeft = 0;
  let nibbleAt = -1;
  while (outPos < expected) {
    if (bitsLeft === 0) {
      if (inPos + 4 > src.length) break;
      mask = (src[inPos]! | (src[inPos + 1]! << 8) | (src[inPos + 2]! << 16) | (src[inPos + 3]! << 24)) >>> 0;
      inPos += 4;
      bitsLeft = 32;
    }
    bitsLeft--;
    const isMatch = (mask >>> bitsLeft) & 1;
    if (!isMatch) {
      if (inPos >= src.length) break;
      out[outPos++] = src[inPos++]!;
      continue;
    }
    if (inPos + 2 > src.length) break;
    const meta = src[inPos]! | (src[inPos + 1]! << 8);
    inPos += 2;
    const distance = (meta >>> 3) + 1;
    let length = meta & 7;
    if (length === 7) {
      let nibble: number;
      if (nibbleAt < 0) {
        nibbleAt = inPos;
        nibble = (src[inPos++] ?? 0) & 0x0f;
      } else {
        nibble = (src[nibbleAt] ?? 0) >>> 4;
        nibbleAt = -1;
      }
      if (nibble === 15) {
        const b = src[inPos++] ?? 0;
        if (b === 255) {
          let l2 = (src[inPos] ?? 0) | ((src[inPos + 1] ?? 0) << 8);
          inPos += 2;
          if (l2 === 0) {
            l2 = ((src[inPos] ?? 0) | ((src[inPos + 1] ?? 0) << 8) | ((src[inPos + 2] ?? 0) << 16) | ((src[inPos + 3] ?? 0) << 24)) >>> 0;
            inPos += 4;
          }
          length = l2 + 3;
        } else length = b + 25;
      } else length = nibble + 10;
    } else length += 3;
    if (distance > outPos) throw new DecodeError(`LZ77 match reaches ${distance} bytes back from offset ${outPos}`, inPos);
    for (let k = 0; k < length && outPos < expected; k++, outPos++) out[outPos] = out[outPos - distance]!;
  }
  if (outPos !== expected) throw new DecodeError(`LZ77 payload decompressed to ${outPos} bytes, SizeActual is ${expected}`, inPos);
  return out;
}

// ---------------------------------------------------------------------------
// ROP buffer ([MS-OXCROPS] 2.2.1): RopSize, ROPs, server object handle table

export interface RopPayload {
  rops: Uint8Array;
  handles: number[];
}

export function readRopPayload(p: Uint8Array): RopPayload {
  const r = new Reader(p);
  const ropSize = r.u16();
  if (ropSize < 2 || ropSize > p.length) throw new DecodeError(`RopSize ${ropSize} outside payload of ${p.length} bytes`, 0);
  const rops = r.take(ropSize - 2);
  const handles: number[] = [];
  while (r.remaining >= 4) handles.push(r.u32());
  return { rops, handles };
}

export function writeRopPayload(rp: RopPayload): Uint8Array {
  const w = new Writer(2 + rp.rops.length + 4 * rp.handles.length);
  w.u16(2 + rp.rops.length).bytes(rp.rops);
  for (const h of rp.handles) w.u32(h);
  return w.finish();
}

/** Decoded Execute request: its ROP payloads (usually one). Undefined when the body does not parse. */
export function parseExecuteRequest(body: Uint8Array): { value: StructValue; payloads: RopPayload[] } | undefined {
  const d = decode(executeRequest, body);
  if (!d.value || d.tree.error !== undefined) return undefined;
  try {
    const bufs = readExtBuffers(d.value.RopBuffer as Uint8Array);
    return { value: d.value, payloads: bufs.map((b) => readRopPayload(b.payload)) };
  } catch {
    return undefined;
  }
}

/** Decoded Execute response. */
export function parseExecuteResponse(body: Uint8Array): { value: StructValue; payloads: RopPayload[] } | undefined {
  const d = decode(executeResponse, body);
  if (!d.value || d.tree.error !== undefined) return undefined;
  if (d.value.StatusCode !== 0) return { value: d.value, payloads: [] };
  try {
    const bufs = readExtBuffers(d.value.RopBuffer as Uint8Array);
    return { value: d.value, payloads: bufs.map((b) => readRopPayload(b.payload)) };
  } catch {
    return undefined;
  }
}

/** Re-encodes an Execute request or response body with new ROP payloads (uncompressed, no XOR). */
export function withRopPayloads(kind: 'request' | 'response', value: StructValue, payloads: readonly RopPayload[]): Uint8Array {
  const parts = payloads.map((p, i) => writeExtBuffer(writeRopPayload(p), i === payloads.length - 1));
  let n = 0;
  for (const p of parts) n += p.length;
  const rb = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    rb.set(p, o);
    o += p.length;
  }
  const v: StructValue = { ...value, RopBuffer: rb };
  delete v.RopBufferSize;
  // Uncompressed, unobfuscated output: tell the peer nothing about compression it did not ask for.
  return encode(kind === 'request' ? executeRequest : executeResponse, v);
}

/** RopIds of the ROPs in a request ROP list: the first byte of each ROP cannot be found without
 * per-ROP layouts, so this only returns the first one (the "shape" key uses the ROP registry when
 * it is available). */
export function firstRopId(rops: Uint8Array): number | undefined {
  return rops.length > 0 ? rops[0] : undefined;
}

// ---------------------------------------------------------------------------
// Request builders (used by tests, the probe-style client and the benchmark)

export function buildConnectRequest(userDn: string): Uint8Array {
  return encode(connectRequest, {
    UserDn: userDn,
    Flags: 0,
    DefaultCodePage: 1252,
    LcidSort: 0x409,
    LcidString: 0x409,
    AuxiliaryBuffer: new Uint8Array(0),
  });
}

/** Execute request with one uncompressed extended buffer (Flags NoCompression | NoXorMagic). */
export function buildExecuteRequest(rops: Uint8Array, handles: readonly number[]): Uint8Array {
  return encode(executeRequest, {
    Flags: 0x3,
    RopBuffer: writeExtBuffer(writeRopPayload({ rops, handles: [...handles] })),
    MaxRopOut: 0x40000,
    AuxiliaryBuffer: new Uint8Array(0),
  });
}

/** RopLogon request for a private mailbox ([MS-OXCROPS] 2.2.3.1.1). */
export function ropLogonRequest(essdn: string, outputHandleIndex = 0, logonId = 0): Uint8Array {
  const dn = new TextEncoder().encode(essdn + '\0');
  const w = new Writer(16 + dn.length);
  w.u8(0xfe).u8(logonId).u8(outputHandleIndex).u8(0x01).u32(0x01000c04).u32(0).u16(dn.length).bytes(dn);
  return w.finish();
}

export const buildDisconnectRequest = (): Uint8Array => new Uint8Array(4);
export const buildNotificationWaitRequest = (): Uint8Array => new Uint8Array(8);
