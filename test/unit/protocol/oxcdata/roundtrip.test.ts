/**
 * Generated round trips: every property type of [MS-OXCDATA] 2.11.1, single
 * and multi-valued, in ROP and NSPI widths — encode a random value, decode the
 * bytes, get the same value, no error node, every byte claimed, and the
 * re-encoded bytes identical. Seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, guidToString, toHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import { PropertyType as T, propertyTypeName, propertyValue } from '../../../../shared/protocol/oxcdata/index.js';
import { xorshift32Float } from '../../../helpers/prng.js';

const rng = xorshift32Float;

type Gen = (r: () => number) => unknown;
const int = (r: () => number, n: number) => Math.floor(r() * n);
const big64 = (r: () => number) => BigInt.asIntN(64, (BigInt(int(r, 2 ** 32)) << 32n) | BigInt(int(r, 2 ** 32)));
const bytes = (r: () => number, max: number) => Uint8Array.from({ length: int(r, max) }, () => int(r, 256));
const str8 = (r: () => number) => String.fromCharCode(...Array.from({ length: int(r, 12) }, () => 1 + int(r, 255)));
const str16 = (r: () => number) => String.fromCharCode(...Array.from({ length: int(r, 12) }, () => 1 + int(r, 0xfffe)));

const SINGLE: Record<number, Gen> = {
  [T.PtypNull]: () => null,
  [T.PtypInteger16]: (r) => int(r, 65536) - 32768,
  [T.PtypInteger32]: (r) => int(r, 2 ** 32) - 2 ** 31,
  [T.PtypFloating32]: (r) => Math.fround((r() - 0.5) * 1e6),
  [T.PtypFloating64]: (r) => (r() - 0.5) * 1e12,
  [T.PtypCurrency]: big64,
  [T.PtypFloatingTime]: (r) => r() * 50000,
  [T.PtypErrorCode]: (r) => int(r, 2 ** 32),
  [T.PtypBoolean]: (r) => int(r, 2),
  [T.PtypInteger64]: big64,
  [T.PtypString8]: str8,
  [T.PtypString]: str16,
  [T.PtypTime]: (r) => BigInt.asUintN(64, big64(r)),
  [T.PtypGuid]: (r) => guidToString(Uint8Array.from({ length: 16 }, () => int(r, 256))),
  [T.PtypBinary]: (r) => bytes(r, 40),
  [T.PtypObject]: (r) => bytes(r, 10),
};

const WRAPPED = new Set<number>([T.PtypString8, T.PtypString, T.PtypBinary]);

function valueFor(type: number, width: 'rop' | 'nspi', r: () => number): unknown {
  const hv = (v: unknown) => ({ HasValue: 0xff, Value: v });
  if (type & 0x1000) {
    const base = type & ~0x1000;
    const items = Array.from({ length: int(r, 5) }, () => SINGLE[base]!(r));
    if (width === 'rop') return items;
    return hv(WRAPPED.has(base) ? items.map(hv) : items);
  }
  const v = SINGLE[type]!(r);
  return width === 'nspi' && WRAPPED.has(type) ? hv(v) : v;
}

const TYPES = [
  ...Object.keys(SINGLE).map(Number),
  T.PtypMultipleInteger16,
  T.PtypMultipleInteger32,
  T.PtypMultipleFloating32,
  T.PtypMultipleFloating64,
  T.PtypMultipleCurrency,
  T.PtypMultipleFloatingTime,
  T.PtypMultipleInteger64,
  T.PtypMultipleString8,
  T.PtypMultipleString,
  T.PtypMultipleTime,
  T.PtypMultipleGuid,
  T.PtypMultipleBinary,
];

describe('oxcdata: generated round trips of every property type', () => {
  for (const width of ['rop', 'nspi'] as const) {
    for (const type of TYPES) {
      it(`${propertyTypeName(type)} (${width})`, () => {
        const r = rng(type * 7919 + (width === 'rop' ? 1 : 2));
        const codec = propertyValue(type, { width });
        for (let i = 0; i < 40; i++) {
          const v = valueFor(type, width, r);
          const b = encode(codec, v);
          const d = decode(codec, b);
          expect(collectErrors(d.tree)).toEqual([]);
          expect(unclaimedBytes(d.tree, 'body', b.length)).toBe(0);
          expect(d.value).toEqual(v);
          expect(toHex(encode(codec, d.value))).toBe(toHex(b));
        }
      });
    }
  }

  it('count widths differ exactly as [MS-OXCDATA] 2.11.1 and [MS-OXCMAPIHTTP] 2.2.1.1 say', () => {
    const bin = Uint8Array.of(0xaa, 0xbb);
    expect(toHex(encode(propertyValue(T.PtypBinary), bin))).toBe('0200aabb');
    expect(toHex(encode(propertyValue(T.PtypBinary, { width: 'nspi' }), { HasValue: 0xff, Value: bin }))).toBe(
      'ff02000000aabb',
    );
    expect(toHex(encode(propertyValue(T.PtypMultipleInteger16), [1, 2]))).toBe('0200000001000200');
    expect(toHex(encode(propertyValue(T.PtypMultipleBinary), [bin]))).toBe('010000000200aabb');
    expect(
      toHex(
        encode(propertyValue(T.PtypMultipleBinary, { width: 'nspi' }), {
          HasValue: 0xff,
          Value: [{ HasValue: 0xff, Value: bin }, { HasValue: 0 }],
        }),
      ),
    ).toBe('ff02000000ff02000000aabb00');
    expect(toHex(encode(propertyValue(T.PtypInteger32, { width: 'nspi' }), 5))).toBe('05000000');
  });

  it('unknown types and MultivalueInstance columns', () => {
    const bad = decode(propertyValue(0x0099), Uint8Array.of(1, 2, 3));
    expect(collectErrors(bad.tree)[0]!.message).toMatch(/unknown property type 0x0099/);
    // 0x3003: MultivalueInstance of PtypMultipleInteger32 → one PtypInteger32 per row.
    expect(decode(propertyValue(0x3003), Uint8Array.of(7, 0, 0, 0)).value).toBe(7);
    // PtypUnspecified: the value names its own type (TypedPropertyValue).
    expect(decode(propertyValue(0x0000), Uint8Array.of(0x0b, 0, 1)).value).toEqual({
      PropertyType: 0x0b,
      PropertyValue: 1,
    });
  });
});
