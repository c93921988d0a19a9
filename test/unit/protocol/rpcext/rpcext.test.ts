import { describe, expect, it } from 'vitest';
import {
  collectErrors,
  decode,
  encode,
  findNode,
  fromHex,
  toHex,
  unclaimedBytes,
  type PayloadValue,
  type StructValue,
} from '../../../../shared/codec/index.js';
import { auxiliaryBuffer } from '../../../../shared/protocol/aux/index.js';
import { rawRopRequestBuffer } from '../../../../shared/protocol/emsmdb/index.js';
import {
  buildExtendedBufferChain,
  encodeRpcExtBuffer,
  extendedBufferChain,
  xorMagic,
} from '../../../../shared/protocol/rpcext/index.js';

// TRANSPORT.md §4.B V1 (AUX payload) and its framings V1a (Last) / V1b (XorMagic|Last).
const V1 = `
1c 00 02 04 01 00 00 00 43 da 1f 6b a4 2e 0b 4b
8d 6f 2a 9a 2a 0b 5c 11 03 00 00 00 34 00 02 0b
01 00 00 00 2b 1c 3a 0f 8e 9d 70 4f a1 b2 c3 d4
e5 f6 07 18 1c 00 00 00 4f 00 55 00 54 00 4c 00
4f 00 4f 00 4b 00 2e 00 45 00 58 00 45 00 00 00
20 00 01 4a 11 11 11 11 22 22 33 33 44 44 55 55
55 55 55 55 00 00 00 00 01 00 00 00 00 00 00 00`;
const v1 = fromHex(V1);
const V4A = fromHex('00 00 05 00 15 00 2b 00 ff ff 23 00 41 42 43 44 45 46 47 48 49 4a 4f 00 0f 05 58 59 5a');
const V4B = fromHex('00 00 07 00 15 00 2b 00 5a 5a 86 a5 e4 e7 e6 e1 e0 e3 e2 ed ec ef ea a5 aa a0 fd fc ff');

describe('RPC_HEADER_EXT', () => {
  it('V1 vector is 112 bytes', () => expect(v1.length).toBe(112));

  it('V1a: Last, uncompressed: payload decoded in place, offsets in "body"', () => {
    const b = new Uint8Array([...fromHex('00000400 70007000'), ...v1]);
    const { value, tree, buffers } = decode(auxiliaryBuffer, b);
    expect(buffers.size).toBe(0);
    const h = findNode(tree, 'ExtendedBuffer/RPC_HEADER_EXT')!;
    expect(h).toMatchObject({ offset: 0, length: 8 });
    expect(findNode(h, 'Flags')).toMatchObject({ value: 4, display: '0x0004 (Last)' });
    expect(findNode(h, 'Size')).toMatchObject({ value: 0x70, offset: 4 });
    const blocks = findNode(tree, 'ExtendedBuffer/AuxBlocks')!;
    expect(blocks).toMatchObject({ offset: 8, length: 112 });
    expect(blocks.children!.map((c) => c.offset)).toEqual([8, 8 + 0x1c, 8 + 0x1c + 0x34]);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
    expect(encode(auxiliaryBuffer, value!)).toEqual(b);
  });

  it('V1b: XorMagic|Last: bytes XORed with 0xA5 become their own buffer equal to V1', () => {
    const b = new Uint8Array([...fromHex('00000600 70007000'), ...xorMagic(v1)]);
    expect(toHex(b.subarray(8, 12))).toBe('b9a5a7a1');
    const { value, tree, buffers } = decode(auxiliaryBuffer, b);
    expect([...buffers.keys()]).toEqual(['rpcext#1']);
    expect(toHex(buffers.get('rpcext#1')!)).toBe(toHex(v1));
    const p = findNode(tree, 'ExtendedBuffer/Payload')!;
    expect(p).toMatchObject({ offset: 8, length: 112 });
    const inner = findNode(p, 'AuxBlocks')!;
    expect(inner).toMatchObject({ buffer: 'rpcext#1', offset: 0, length: 112 });
    const pv = (value![0] as StructValue).Payload as PayloadValue<StructValue[]>;
    expect(pv.bufferId).toBe('rpcext#1');
    expect(((pv.value![1] as StructValue).Block as StructValue).ProcessName).toBe('OUTLOOK.EXE');
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'rpcext#1', 112)).toBe(0);
    expect(encode(auxiliaryBuffer, value!)).toEqual(b);
  });

  it('V4a Compressed|Last and V4b Compressed|XorMagic|Last decode to ABCDEFGHIJ×4 + XYZ', () => {
    const expected = toHex(new TextEncoder().encode('ABCDEFGHIJ'.repeat(4) + 'XYZ'));
    const raw = extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER');
    for (const b of [V4A, V4B]) {
      expect(b.length).toBe(29);
      const { buffers } = decode(raw, b);
      expect(toHex(buffers.get('rpcext#1')!)).toBe(expected);
    }
  });

  it('a SizeActual that disagrees with an uncompressed Size is an error node, not an exception', () => {
    const b = fromHex('00000400 04000500 02000000');
    const { tree } = decode(extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER'), b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/SizeActual 5 differs from Size 4/);
    expect(errs[0]!.offset).toBe(8);
  });

  it('a corrupt compressed payload is an error node covering the payload', () => {
    const b = new Uint8Array(V4A);
    b[22] = 0xff; // metadata distance now beyond the output
    b[23] = 0xff;
    const { tree } = decode(extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER'), b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ path: 'ExtendedBuffer[]/ExtendedBuffer/Payload', offset: 8 });
    expect(errs[0]!.message).toMatch(/^LZ77: /);
  });

  it('a chain whose final buffer lacks Last is reported after that buffer', () => {
    const { tree } = decode(extendedBufferChain(rawRopRequestBuffer, 'X'), fromHex('00000000 02000200 0200'));
    expect(collectErrors(tree)).toEqual([
      {
        path: 'ExtendedBuffer[]/LastFlag',
        message: 'the final extended buffer does not have the Last flag',
        offset: 10,
        buffer: 'body',
      },
    ]);
  });

  it('a Version other than 0 is reported', () => {
    const b = fromHex('01000400 02000200 0200');
    const errs = collectErrors(decode(extendedBufferChain(rawRopRequestBuffer, 'X'), b).tree);
    expect(errs.map((e) => e.message)).toEqual(['RPC_HEADER_EXT Version 1 is not 0']);
  });
});

describe('encodeRpcExtBuffer and chains', () => {
  const payload = new TextEncoder().encode('ABCDEFGHIJ'.repeat(4) + 'XYZ');

  it('compress + xor reproduces V4b exactly, compress alone V4a', () => {
    expect(toHex(encodeRpcExtBuffer(payload, { compress: true, xor: true }))).toBe(toHex(V4B));
    expect(toHex(encodeRpcExtBuffer(payload, { compress: true }))).toBe(toHex(V4A));
  });

  it('keeps the payload raw when compression does not help', () => {
    const b = encodeRpcExtBuffer(fromHex('0102'), { compress: true });
    expect(toHex(b)).toBe('00000400020002000102');
  });

  it('builds a two-buffer chain (only the last flagged Last) that decodes back to each payload', () => {
    const p1 = fromHex('0500 010000 01000000');
    const p2 = fromHex('0200 02000000');
    const chain = buildExtendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER', [p1, p2], { xor: true });
    const bytes = encode(extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER'), chain);
    expect(toHex(bytes.subarray(0, 8))).toBe('0000020009000900');
    expect(toHex(bytes.subarray(17, 25))).toBe('0000060006000600');
    const { value, tree } = decode(extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER'), bytes);
    expect(collectErrors(tree)).toEqual([]);
    const payloads = value!.map((b) => (b.Payload as PayloadValue<StructValue>).value!);
    expect(payloads[0]).toMatchObject({ RopSize: 5, ServerObjectHandleTable: [1] });
    expect(toHex(payloads[0]!.RopsBytes as Uint8Array)).toBe('010000');
    expect(payloads[1]).toMatchObject({ RopSize: 2, ServerObjectHandleTable: [2] });
  });

  it('an edited payload value re-encodes with the header flags (compress, xor)', () => {
    const raw = extendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER');
    const chain = buildExtendedBufferChain(rawRopRequestBuffer, 'ROP_REQUEST_BUFFER', [
      fromHex('0500 010000 01000000'),
    ]);
    const pv = chain[0]!.Payload as PayloadValue<StructValue>;
    pv.value = { ...pv.value!, ServerObjectHandleTable: [7] };
    pv.edited = true;
    const out = encode(raw, chain);
    const again = decode(raw, out).value!;
    expect((again[0]!.Payload as PayloadValue<StructValue>).value!.ServerObjectHandleTable).toEqual([7]);
  });
});
