/** Vitest helpers for the spec-example tests: decode one printed ROP through the registry, with exact checks. */
import { expect } from 'vitest';
import {
  type DecodeContext,
  type DecodedNode,
  type StructValue,
  collectErrors,
  decode,
  encode,
  unclaimedBytes,
} from '../../../../shared/codec/index.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { type SpecExample, specExample } from './spec-example.js';

export interface DecodedExample {
  ex: SpecExample;
  value: StructValue;
  tree: DecodedNode;
}

/**
 * Decodes a printed ROP request or response with the codec the registry holds
 * for its RopId (the first byte), and requires what a real buffer would get:
 * no error node, every byte claimed, and the identical bytes on re-encoding.
 */
export function decodeRopExample(file: string, context?: DecodeContext): DecodedExample {
  const ex = specExample(file);
  const side = ex.kind === 'rop-request' ? 'request' : ex.kind === 'rop-response' ? 'response' : undefined;
  expect(side, `${file} is a single ROP`).toBeDefined();
  const def = ropsById.get(ex.bytes[0]!);
  expect(def, `RopId 0x${ex.bytes[0]!.toString(16)} registered`).toBeDefined();
  const codec = side === 'request' ? def!.request : def!.response;
  expect(codec, `${def!.name} has a ${side} codec`).toBeDefined();
  const { value, tree } = decode(codec!, ex.bytes, { context });
  expect(collectErrors(tree)).toEqual([]);
  expect(unclaimedBytes(tree, 'body', ex.bytes.length)).toBe(0);
  expect(tree.length).toBe(ex.bytes.length);
  expect(encode(codec!, value!, context)).toEqual(ex.bytes);
  return { ex, value: value as StructValue, tree };
}

/** [offset, length] of the named child of a node. */
export function span(node: DecodedNode | undefined, name: string): [number, number] | undefined {
  const c = node?.children?.find((n) => n.name === name);
  return c ? [c.offset, c.length] : undefined;
}
