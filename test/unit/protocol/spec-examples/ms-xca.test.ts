/**
 * [MS-XCA] 3.1 Plain LZ77 examples. The LZ77 of RPC_HEADER_EXT payloads
 * ([MS-OXCRPC] 3.1.4.1.1.2: LZ77 with DIRECT2 encoding) is this format: the
 * examples decompress to the text the spec states, both through the
 * decompressor and through an extended buffer with Compressed | Last, and the
 * project's compressor reproduces the printed bytes.
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, rest } from '../../../../shared/codec/index.js';
import { compressLz77, decompressLz77, extendedBuffer } from '../../../../shared/protocol/rpcext/index.js';
import { specExample } from './spec-example.js';

const examples = ['3.1-a-plain-lz77-alphabet.hex', '3.1-b-plain-lz77-abc-x100.hex'];
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('[MS-XCA] 3.1 Plain LZ77', () => {
  it('the stated plain texts: the alphabet (26 bytes) and "abc" x 100 (300 bytes)', () => {
    expect(specExample(`ms-xca/${examples[0]}`).plain).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(specExample(`ms-xca/${examples[1]}`).plain).toBe('abc'.repeat(100));
  });
  for (const f of examples) {
    it(`${f}: decompresses to the stated text; our compressor prints the same bytes`, () => {
      const ex = specExample(`ms-xca/${f}`);
      const plain = utf8(ex.plain!);
      expect(decompressLz77(ex.bytes, plain.length)).toEqual(plain);
      expect(compressLz77(plain)).toEqual(ex.bytes);
    });
  }
  it('first example: flag word 0x0000003F (26 literal bits, then six 1 bits), 26 literals after it', () => {
    const b = specExample(`ms-xca/${examples[0]}`).bytes;
    expect(new DataView(b.buffer, b.byteOffset).getUint32(0, true)).toBe(0x3f);
    expect(b.length).toBe(4 + 26);
  });
  it('second example: abc, then a match token of distance 3 whose length 297 uses nibble, byte and u16', () => {
    const b = specExample(`ms-xca/${examples[1]}`).bytes;
    const v = new DataView(b.buffer, b.byteOffset);
    expect(v.getUint32(0, true)).toBe(0x1fffffff); // 3 literals, a match, the rest 1 bits
    const token = v.getUint16(7, true);
    expect((token >>> 3) + 1).toBe(3); // distance
    expect(token & 7).toBe(7); // length continues
    expect(b[9]! & 0x0f).toBe(15); // nibble: continues
    expect(b[10]).toBe(255); // byte: continues
    expect(v.getUint16(11, true)).toBe(0x126); // 294 = 297 - 3
  });
  it('inside an RPC_HEADER_EXT (Compressed | Last) the payload is the stated text', () => {
    const ex = specExample(`ms-xca/${examples[1]}`);
    const hdr = new Uint8Array(8);
    const v = new DataView(hdr.buffer);
    v.setUint16(0, 0, true); // Version
    v.setUint16(2, 0x0001 | 0x0004, true); // Compressed | Last
    v.setUint16(4, ex.bytes.length, true); // Size
    v.setUint16(6, 300, true); // SizeActual
    const wire = new Uint8Array([...hdr, ...ex.bytes]);
    const { value, tree, buffers } = decode(extendedBuffer(rest, 'Text'), wire);
    expect(collectErrors(tree)).toEqual([]);
    const payload = value!.Payload as { bufferId: string; value: Uint8Array };
    expect(payload.value).toEqual(utf8('abc'.repeat(100)));
    // The decompressed bytes are their own buffer, which the payload's nodes refer to.
    expect(buffers.get(payload.bufferId)).toEqual(utf8('abc'.repeat(100)));
  });
});
