/** Test helpers shared by the ROP family tests (property, stream, FastTransfer, ICS, …). */
import { expect } from 'vitest';
import {
  type Codec,
  type DecodeContext,
  type DecodedNode,
  type StructValue,
  collectErrors,
  decode,
  encode,
  fromHex,
  unclaimedBytes,
} from '../../../../shared/codec/index.js';

export interface Decoded {
  value: StructValue;
  tree: DecodedNode;
  bytes: Uint8Array;
}

/**
 * Decodes `hex` with `codec`, asserts no error node and no unclaimed byte,
 * re-encodes the value and asserts the identical bytes. Returns the decode.
 */
export function roundTrip(codec: Codec<StructValue> | undefined, hex: string, context?: DecodeContext): Decoded {
  expect(codec, 'codec defined').toBeDefined();
  const bytes = fromHex(hex);
  const { value, tree } = decode(codec!, bytes, { context });
  expect(collectErrors(tree)).toEqual([]);
  expect(unclaimedBytes(tree, 'body', bytes.length)).toBe(0);
  expect(value).toBeDefined();
  expect(tree.length).toBe(bytes.length);
  expect(encode(codec!, value!, context)).toEqual(bytes);
  return { value: value!, tree, bytes };
}

/** [name, offset, length] of a node's children, for exact layout assertions. */
export function layout(node: DecodedNode | undefined): [string, number, number][] {
  return (node?.children ?? []).map((c) => [c.name, c.offset, c.length]);
}

export function child(node: DecodedNode | undefined, name: string): DecodedNode | undefined {
  return node?.children?.find((c) => c.name === name);
}

export { executeRopBuffer, hexOf } from './execute-body.js';

export { mulberry32 as rng } from '../../../helpers/prng.js';
