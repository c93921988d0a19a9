/**
 * Seeded pseudo-random generators for tests, fuzzers and benches: the same seed gives the same
 * sequence, so a failure can be replayed. One home for them; each returns a `next()` function.
 */

/** xorshift32 (Marsaglia, "Xorshift RNGs", 2003): a u32 per call; seed 0 is taken as 1. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The xorshift32 sequence as floats in [0, 1). */
export function xorshift32Float(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 0x100000000;
}

/** mulberry32: floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A linear congruential generator (Numerical Recipes constants): floats in [0, 1). */
export function lcgFloat(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}
