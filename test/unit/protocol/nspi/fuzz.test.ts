/**
 * Mutated real NSPI bodies through every NSPI codec: decoding never throws,
 * never reports an internal failure (a bug, not bad input), covers the whole
 * input with its root node, and stays fast. Seeded, so a failure reproduces.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectErrors, decode } from '../../../../shared/codec/index.js';
import { nspiRequestCodecs, nspiResponseCodecs } from '../../../../shared/protocol/nspi/index.js';
import { xorshift32Float } from '../../../helpers/prng.js';

const FIX = join(__dirname, '../../../fixtures/syncgw');
const TYPES: Record<string, string> = {
  bind: 'Bind',
  unbind: 'Unbind',
  getspecialtable: 'GetSpecialTable',
  getmatches: 'GetMatches',
  queryrows: 'QueryRows',
  dntomid: 'DNToMId',
  getprops: 'GetProps',
};
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 150);

const rng = xorshift32Float;

function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const out = Uint8Array.from(b);
  const kind = Math.floor(r() * 4);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    return out;
  }
  if (kind === 1) return out.subarray(0, Math.floor(r() * out.length));
  if (kind === 2) {
    // a count-like field set huge
    const at = Math.floor(r() * Math.max(1, out.length - 4));
    out.set([0xff, 0xff, 0xff, r() < 0.5 ? 0x7f : 0x00], at);
    return out;
  }
  const at = Math.floor(r() * out.length);
  const ins = Uint8Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256));
  const res = new Uint8Array(out.length + ins.length);
  res.set(out.subarray(0, at));
  res.set(ins, at);
  res.set(out.subarray(at), at + ins.length);
  return res;
}

describe('nspi: fuzzed real bodies', () => {
  const files = readdirSync(FIX)
    .map((f) => ({ f, m: /^([a-z]+)_(req|resp)\d+\.bin$/.exec(f) }))
    .filter((x) => x.m && TYPES[x.m[1]!]);
  for (const { f, m } of files) {
    it(`${f}: ${ITERATIONS} mutations, every codec of its direction`, () => {
      const b = new Uint8Array(readFileSync(join(FIX, f)));
      const table = m![2] === 'req' ? nspiRequestCodecs : nspiResponseCodecs;
      const r = rng(f.length * 131 + b.length);
      const t0 = performance.now();
      for (let i = 0; i < ITERATIONS; i++) {
        const bad = mutate(b, r);
        // its own type, and one other type chosen at random (bytes of the wrong shape)
        const others = Object.keys(table);
        for (const t of [TYPES[m![1]!]!, others[Math.floor(r() * others.length)]!]) {
          const { tree } = decode(table[t]!, bad);
          expect(tree.length).toBe(bad.length);
          const internal = collectErrors(tree).filter((e) => e.message.startsWith('internal decoder failure'));
          expect(internal).toEqual([]);
        }
      }
      expect(performance.now() - t0).toBeLessThan(20_000);
    });
  }
});
