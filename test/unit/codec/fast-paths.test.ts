/**
 * The table and arithmetic fast paths of the codec layer give the texts of
 * the general forms they replace, and the structural shortcuts (fieldGroup,
 * structs without a Scope, withDisplay over a leaf) decode as before.
 */
import { describe, expect, it } from 'vitest';
import {
  type Scope,
  bytes,
  decode,
  encode,
  field,
  fieldGroup,
  filetimeToIso,
  guidToString,
  hex,
  memoShow,
  struct,
  toHex,
  u16,
  u32,
  u8,
  withDisplay,
} from '../../../shared/codec/index.js';
import { xorshift32Float } from '../../helpers/prng.js';

const rng = xorshift32Float;

describe('text fast paths', () => {
  const r = rng(7);
  it('hex of 8 digits is padStart', () => {
    for (let i = 0; i < 20000; i++) {
      const v = Math.floor(r() * 0x100000000);
      for (const w of [2, 4, 8]) expect(hex(v, w)).toBe('0x' + v.toString(16).toUpperCase().padStart(w, '0'));
    }
  });
  it('GUID text is the registry form', () => {
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: 20 }, () => Math.floor(r() * 256));
      const v = new DataView(b.buffer, 2, 16);
      const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
      const tail = Array.from(b.subarray(10, 18), (x) => h(x, 2)).join('');
      const want = `${h(v.getUint32(0, true), 8)}-${h(v.getUint16(4, true), 4)}-${h(v.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
      expect(guidToString(b, 2)).toBe(want);
    }
  });
  it('FILETIME text is toISOString', () => {
    const ref = (v: bigint) => {
      const d = new Date(Number(v / 10000n - 11644473600000n));
      return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
    };
    const cases = [1n, 9999n, 116444736000000000n, 116444735999999999n, 0x7ffffffffffffffen];
    for (let i = 0; i < 20000; i++) cases.push(BigInt(Math.floor(r() * 2 ** 53)) * BigInt(1 + Math.floor(r() * 1024)));
    for (const v of cases) expect(filetimeToIso(v)).toBe(ref(v));
  });
  it('toHex with and without separators', () => {
    for (let i = 0; i < 500; i++) {
      const b = Uint8Array.from({ length: i % 40 }, () => Math.floor(r() * 256));
      const ref = (sep: string) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
      for (const sep of ['', ' ', ':']) expect(toHex(b, sep)).toBe(ref(sep));
    }
  });
  it('memoShow answers like its function, small and large values', () => {
    const f = memoShow((v) => `v${v}`, 4);
    for (const v of [0, 1, 0xffff, 0x10000, -1, 1.5, 0xffffffff, 0, 0x10000, 7, 8, 9]) expect(f(v)).toBe(`v${v}`);
  });
});

describe('structural shortcuts', () => {
  it('fieldGroup: one condition for the group, same values and tree as per-field conditions', () => {
    let calls = 0;
    const when = (s: Scope) => {
      calls++;
      return s.num('Flag') === 1;
    };
    const grouped = struct('G', [
      field('Flag', u8),
      ...fieldGroup(when, [field('A', u16), field('B', u32)]),
      field('C', u8),
    ]);
    const plain = struct('G', [
      field('Flag', u8),
      field('A', u16, { when }),
      field('B', u32, { when }),
      field('C', u8),
    ]);
    for (const hexBytes of [
      [1, 2, 0, 3, 0, 0, 0, 9],
      [0, 9],
    ]) {
      const b = Uint8Array.from(hexBytes);
      calls = 0;
      const g = decode(grouped, b);
      expect(calls).toBe(1);
      const p = decode(plain, b);
      expect(g.value).toEqual(p.value);
      expect(g.tree).toEqual(p.tree);
      expect(encode(grouped, g.value!)).toEqual(b);
    }
  });
  it('a struct of fixed fields inside one that reads names still resolves them', () => {
    const inner = struct('Inner', [field('X', u8), field('Y', u16)]);
    expect(inner.scopeFree).toBe(true);
    const outer = struct('Outer', [field('N', u8), field('In', inner), field('Data', bytes('N'))]);
    expect(outer.scopeFree).toBe(false);
    const d = decode(outer, Uint8Array.from([2, 7, 1, 0, 0xaa, 0xbb]));
    expect(d.failures).toBe(0);
    expect(d.value).toEqual({ N: 2, In: { X: 7, Y: 1 }, Data: Uint8Array.from([0xaa, 0xbb]) });
  });
  it('withDisplay over a leaf: its text, else the inner one', () => {
    const inner = withDisplay(u8, (v) => `inner ${v}`);
    const outer = withDisplay(inner, (v) => (v > 1 ? `outer ${v}` : undefined));
    const s = struct('S', [field('A', outer), field('B', outer)]);
    const d = decode(s, Uint8Array.from([1, 2]));
    expect(d.tree.children!.map((c) => c.display)).toEqual(['inner 1', 'outer 2']);
    expect(Object.keys(d.tree.children![0]!)).toEqual(['name', 'value', 'offset', 'length', 'display']);
  });
});
