import { describe, expect, it } from 'vitest';
import {
  array,
  asciiZ,
  collectErrors,
  decode,
  encode,
  enumOf,
  field,
  flagsOf,
  fromHex,
  sized,
  struct,
  u16,
  u32,
  u8,
  unclaimedBytes,
  utf16Z,
  guid,
} from '../../../shared/codec/index.js';

const Item = struct('Item', [field('Tag', u16), field('Name', asciiZ)]);
const Outer = struct('Outer', [
  field('Kind', enumOf(u8, { 1: 'One', 2: 'Two' })),
  field('Flags', flagsOf(u16, { A: 1, B: 2, C: 4 })),
  field('Count', u16, { derive: (v) => v.Items.length }),
  field('Items', array(Item, 'Count')),
  field('Size', u16, { derive: (_v, h) => h.sizeOf('Body') }),
  field('Body', sized(struct('Body', [field('X', u32)]), 'Size')),
  field('Tail', u8),
]);

describe('codec: struct, array, sized', () => {
  const bytes = fromHex('02 05 00 02 00 0a 00 6869 00 0b 00 00 04 00 78563412 ff');

  it('decodes values and offsets', () => {
    const { value, tree } = decode(Outer, bytes);
    expect(value?.Kind).toBe(2);
    expect(value?.Items).toEqual([
      { Tag: 10, Name: 'hi' },
      { Tag: 11, Name: '' },
    ]);
    expect(value?.Body).toEqual({ X: 0x12345678 });
    const [kind, flags, , items, , body, tail] = tree.children!;
    expect(kind).toMatchObject({ name: 'Kind', offset: 0, length: 1, display: 'Two (0x02)' });
    expect(flags).toMatchObject({ offset: 1, length: 2, display: '0x0005 (A | C)' });
    expect(items!.children![1]).toMatchObject({ name: 'Item', offset: 10, length: 3 });
    expect(items!.children![0]!.children![1]).toMatchObject({ name: 'Name', value: 'hi', offset: 7, length: 3 });
    expect(body).toMatchObject({ name: 'Body', offset: 15, length: 4 });
    expect(tail).toMatchObject({ name: 'Tail', offset: 19, value: 0xff });
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', bytes.length)).toBe(0);
  });

  it('round-trips and derives counts and sizes', () => {
    const { value } = decode(Outer, bytes);
    expect(encode(Outer, value!)).toEqual(bytes);
    const built = encode(Outer, { Kind: 2, Flags: 5, Items: value!.Items, Body: { X: 0x12345678 }, Tail: 0xff });
    expect(built).toEqual(bytes);
  });

  it('bounds a wire count by the bytes that remain', () => {
    const evil = fromHex('01 00 00 ff ff 01 00');
    const { tree } = decode(Outer, evil);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('Outer/Items');
    expect(errs[0]!.message).toMatch(/count 65535 needs at least 196605 bytes, only 2 remain/);
    // error node keeps the undecoded bytes
    expect(tree.children!.at(-1)).toMatchObject({ name: 'Items', offset: 5, length: 2 });
  });

  it('contains a failure inside a sized window and continues after it', () => {
    // Body window of 2 bytes cannot hold a u32; Tail after it still decodes.
    const b = fromHex('01 00 00 00 00 02 00 aa bb 07');
    const { tree, value } = decode(Outer, b);
    expect(value?.Body).toBeUndefined();
    const body = tree.children!.find((c) => c.name === 'Body')!;
    expect(body).toMatchObject({ offset: 7, length: 2 });
    expect(collectErrors(tree).map((e) => e.path)).toEqual(['Outer/Body/X']);
    expect(tree.children!.at(-1)).toMatchObject({ name: 'Tail', value: 7, offset: 9 });
  });

  it('flags trailing bytes inside a window', () => {
    const b = fromHex('01 00 00 00 00 05 00 01020304 ee 07');
    const { tree } = decode(Outer, b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ path: 'Outer/Body/TrailingBytes', offset: 11 });
  });

  it('never throws on truncation', () => {
    for (let n = 0; n < bytes.length; n++) {
      const { tree } = decode(Outer, bytes.subarray(0, n));
      expect(collectErrors(tree).length).toBeGreaterThan(0);
    }
  });

  it('strings and guids are lossless', () => {
    const S = struct('S', [field('U', utf16Z), field('G', guid)]);
    const b = fromHex('3dd8 00de 00d8 4100 0000 d5cdd5021b9c101b939708002b2cf9ae');
    const { value } = decode(S, b);
    expect(value!.G).toBe('02d5cdd5-9c1b-1b10-9397-08002b2cf9ae');
    expect(encode(S, value!)).toEqual(b);
  });
});

describe('describeFlags', () => {
  it('names a flag on bit 31', async () => {
    const { describeFlags } = await import('../../../shared/codec/index.js');
    expect(describeFlags(0x80000001, { High: 0x80000000, Low: 1 })).toBe('0x80000001 (High | Low)');
  });
});
