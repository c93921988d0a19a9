/**
 * Extended buffers ([MS-OXCRPC] 2.2.2.1, 3.1.4.1.1, 3.1.4.2.1): an 8-byte
 * RPC_HEADER_EXT followed by `Size` bytes of payload, obfuscated (XOR 0xA5,
 * 3.1.4.1.1.3) and/or LZ77-compressed (3.1.4.1.1.2). Decoding undoes XOR first,
 * then decompression; a transformed payload becomes its own buffer ("rpcext#N")
 * so offsets inside it refer to the decompressed bytes.
 *
 * Execute's RopBuffer holds one or more extended buffers (packed requests,
 * chained responses, 3.1.4.2.1.1/3.1.4.2.1.2); an AuxiliaryBuffer holds one.
 */
import {
  type Codec,
  type PayloadValue,
  type StructValue,
  DecodeError,
  arrayToEnd,
  decode,
  field,
  flagsOf,
  payload,
  struct,
  u16,
  u16hex,
  withShape,
} from '../../codec/index.js';
import { compressLz77, decompressLz77 } from './lz77.js';

export { compressLz77, decompressLz77 } from './lz77.js';

/** RPC_HEADER_EXT.Flags ([MS-OXCRPC] 2.2.2.1). */
export const RpcExtFlags = { Compressed: 0x0001, XorMagic: 0x0002, Last: 0x0004 } as const;

/** Every byte XOR 0xA5 ([MS-OXCRPC] 3.1.4.1.1.3); its own inverse. */
export function xorMagic(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! ^ 0xa5;
  return out;
}

export const rpcHeaderExt = struct(
  'RPC_HEADER_EXT',
  [
    field('Version', u16hex, { doc: 'MUST be 0x0000.' }),
    field('Flags', flagsOf(u16, RpcExtFlags)),
    field('Size', u16, { doc: 'Payload bytes on the wire (after compression/obfuscation).' }),
    field('SizeActual', u16, { doc: 'Payload bytes once decompressed.' }),
  ],
  {
    summary: (v) =>
      `Size ${Number(v.Size)}, SizeActual ${Number(v.SizeActual)}${v.Flags & RpcExtFlags.Compressed ? ', compressed' : ''}${
        v.Flags & RpcExtFlags.XorMagic ? ', XOR' : ''
      }${v.Flags & RpcExtFlags.Last ? ', last' : ''}`,
  },
);

const hdr = (s: { get(n: string): unknown }): StructValue => (s.get('RPC_HEADER_EXT') as StructValue | undefined) ?? {};

/**
 * One extended buffer whose payload decodes as `inner`. `payloadName` names
 * the node of the decoded payload (e.g. "ROP_REQUEST_BUFFER", "AuxBlocks").
 */
export function extendedBuffer<T>(inner: Codec<T>, payloadName: string, kind = 'ExtendedBuffer'): Codec<StructValue> {
  return struct(
    kind,
    [
      field('RPC_HEADER_EXT', rpcHeaderExt),
      field(
        'Payload',
        payload<T>({
          kind: 'Payload',
          size: (s) => Number(hdr(s).Size ?? 0),
          bufferPrefix: 'rpcext',
          payloadName,
          inner,
          transform: (wire, s) => {
            const h = hdr(s);
            const flags = Number(h.Flags ?? 0);
            const actual = Number(h.SizeActual ?? 0);
            if (Number(h.Version ?? 0) !== 0)
              throw new DecodeError(`RPC_HEADER_EXT Version ${Number(h.Version)} is not 0`, 0);
            let b: Uint8Array | undefined;
            if (flags & RpcExtFlags.XorMagic) b = xorMagic(wire);
            if (flags & RpcExtFlags.Compressed) return decompressLz77(b ?? wire, actual);
            if (actual !== wire.length)
              throw new DecodeError(`uncompressed payload: SizeActual ${actual} differs from Size ${wire.length}`, 0);
            return b;
          },
          untransform: (bytesOut, s) => {
            const flags = Number(hdr(s).Flags ?? 0);
            let b = bytesOut;
            if (flags & RpcExtFlags.Compressed) b = compressLz77(b);
            if (flags & RpcExtFlags.XorMagic) b = xorMagic(b);
            return b;
          },
        }),
      ),
    ],
    {
      summary: (v) => {
        const h = v.RPC_HEADER_EXT as StructValue;
        return `${Number(h.Size)} bytes on the wire, ${Number(h.SizeActual)} bytes of payload`;
      },
    },
  );
}

/**
 * Extended buffers until the window ends (RopBuffer: packed or chained
 * buffers). The final buffer must carry Last ([MS-OXCRPC] 3.1.4.2.1.1.2,
 * 3.1.4.2.1.2.2); a missing Last is reported as an error leaf after it, a Last
 * before the end is noted on that buffer.
 */
export function extendedBufferChain<T>(inner: Codec<T>, payloadName: string): Codec<StructValue[]> {
  const items = arrayToEnd(extendedBuffer(inner, payloadName), { item: 'ExtendedBuffer' });
  return withShape<Codec<StructValue[]>>(
    {
      kind: items.kind,
      minSize: 0,
      decode(r, name, scope, env) {
        const d = items.decode(r, name, scope, env);
        const kids = d.node.children ?? [];
        d.value.forEach((b, i) => {
          const last = (Number((b.RPC_HEADER_EXT as StructValue | undefined)?.Flags ?? 0) & RpcExtFlags.Last) !== 0;
          const lastMissing = i === d.value.length - 1 && !last;
          if (lastMissing) env.failures++;
          const node = kids[i];
          if (!node) return; // values only: no nodes to add to
          if (lastMissing) {
            kids.push({
              name: 'LastFlag',
              offset: node.offset + node.length,
              length: 0,
              error: 'the final extended buffer does not have the Last flag',
            });
          } else if (i < d.value.length - 1 && last)
            node.display = `${node.display ?? ''} (Last set, yet more buffers follow)`;
        });
        return d;
      },
      encode: items.encode,
    },
    { type: 'window', inner: () => items },
  );
}

/** Payload values (the decoded `inner` of each buffer) of a decoded chain, in order. */
export function chainPayloads<T = StructValue>(chain: readonly StructValue[] | undefined): (T | undefined)[] {
  return (chain ?? []).map((b) => (b.Payload as PayloadValue<T> | undefined)?.value);
}

export interface EncodeRpcExtOptions {
  /** LZ77-compress the payload (kept only when smaller, as [MS-OXCRPC] 3.1.4.1.1 suggests). Default false. */
  compress?: boolean;
  /** Obfuscate with XOR 0xA5. Default false. */
  xor?: boolean;
  /** Set the Last flag. Default true. */
  last?: boolean;
  /** Keep the compressed form even when not smaller (tests). */
  forceCompress?: boolean;
}

/** One extended buffer (RPC_HEADER_EXT + payload) for `payloadBytes`. */
export function encodeRpcExtBuffer(payloadBytes: Uint8Array, opts: EncodeRpcExtOptions = {}): Uint8Array {
  if (payloadBytes.length > 0xffff)
    throw new Error(`RPC_HEADER_EXT payload of ${payloadBytes.length} bytes exceeds 65535`);
  let wire = payloadBytes;
  let flags = opts.last === false ? 0 : RpcExtFlags.Last;
  if (opts.compress) {
    const c = compressLz77(payloadBytes);
    if (c.length < payloadBytes.length || opts.forceCompress) {
      wire = c;
      flags |= RpcExtFlags.Compressed;
    }
  }
  if (wire.length > 0xffff) throw new Error(`RPC_HEADER_EXT wire payload of ${wire.length} bytes exceeds 65535`);
  if (opts.xor) {
    wire = xorMagic(wire);
    flags |= RpcExtFlags.XorMagic;
  }
  const out = new Uint8Array(8 + wire.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0, true);
  v.setUint16(2, flags, true);
  v.setUint16(4, wire.length, true);
  v.setUint16(6, payloadBytes.length, true);
  out.set(wire, 8);
  return out;
}

/**
 * The codec value of a chain built from payloads (for `encode()` of a body
 * that carries a RopBuffer or AuxiliaryBuffer): each payload framed with
 * `encodeRpcExtBuffer`, the last one flagged Last.
 */
export function buildExtendedBufferChain<T>(
  inner: Codec<T>,
  payloadName: string,
  payloads: readonly Uint8Array[],
  opts: Omit<EncodeRpcExtOptions, 'last'> = {},
): StructValue[] {
  const parts = payloads.map((p, i) => encodeRpcExtBuffer(p, { ...opts, last: i === payloads.length - 1 }));
  let total = 0;
  for (const p of parts) total += p.length;
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return decode(extendedBufferChain(inner, payloadName), all).value ?? [];
}
