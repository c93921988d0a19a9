/**
 * AuxiliaryBuffer ([MS-OXCRPC] 3.1.4.1.1.1.1/.2, 3.1.4.1.2): one extended
 * buffer (RPC_HEADER_EXT with Last set) whose payload is a run of AUX blocks.
 * Use it capped to the body's AuxiliaryBufferSize:
 *   `...auxiliaryBufferFields` or
 *   `field('AuxiliaryBuffer', sized(auxiliaryBuffer, 'AuxiliaryBufferSize'))`.
 * An empty window (size 0) decodes to `[]`.
 */
import { type Codec, type FieldDef, type StructValue, arrayToEnd, field, sized, u32 } from '../../codec/index.js';
import { buildExtendedBufferChain, extendedBufferChain, type EncodeRpcExtOptions } from '../rpcext/index.js';
import { auxBlockEntry } from './blocks.js';

export * from './blocks.js';

/** The AUX blocks of one payload, to the end of it. */
export const auxBlocks: Codec<StructValue[]> = arrayToEnd(auxBlockEntry, { item: 'AuxBlock' });

/** Extended buffer(s) carrying AUX blocks; value: one StructValue per extended buffer. */
export const auxiliaryBuffer: Codec<StructValue[]> = extendedBufferChain(auxBlocks, 'AuxBlocks');

/** The two trailing fields every MAPI/HTTP body ends with; the size is derived on encode. */
export const auxiliaryBufferFields: readonly FieldDef[] = [
  field('AuxiliaryBufferSize', u32, { derive: (_v, h) => h.sizeOf('AuxiliaryBuffer') }),
  field('AuxiliaryBuffer', sized(auxiliaryBuffer, 'AuxiliaryBufferSize')),
];

/**
 * AuxiliaryBuffer value from AUX block values (see `auxBlockValue`), framed in
 * one RPC_HEADER_EXT; `[]` when there are no blocks (AuxiliaryBufferSize 0).
 */
export function buildAuxiliaryBuffer(
  blocks: readonly StructValue[],
  opts: Omit<EncodeRpcExtOptions, 'last'> = {},
): StructValue[] {
  if (blocks.length === 0) return [];
  const payloadBytes = encodeAuxBlocks(blocks);
  return buildExtendedBufferChain(auxBlocks, 'AuxBlocks', [payloadBytes], opts);
}

import { encode } from '../../codec/index.js';
export function encodeAuxBlocks(blocks: readonly StructValue[]): Uint8Array {
  return encode(auxBlocks, [...blocks]);
}
