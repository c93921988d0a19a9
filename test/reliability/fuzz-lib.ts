/**
 * Shared pieces of the reliability fuzzers: a seeded PRNG, byte mutations, a
 * type-preserving perturbation of decoded values (so encoders build random
 * *valid-shaped* inputs), a per-decode stopwatch that keeps the maximum, and a
 * heap probe with a real GC (exposed at run time through V8 flags).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const LONG = process.env.RELIABILITY_LONG === '1';

export type Rand = () => number;

export { xorshift32 as rng } from '../helpers/prng.js';

const INTERESTING32 = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
];

export function mutateBytes(src: Uint8Array, next: Rand): Uint8Array {
  const kind = next() % 8;
  const b = new Uint8Array(src);
  const at = src.length ? next() % src.length : 0;
  switch (kind) {
    case 0:
      for (let i = 0, n = 1 + (next() % 4); i < n && b.length; i++) b[next() % b.length]! ^= 1 << (next() % 8);
      return b;
    case 1:
      if (b.length >= 4)
        new DataView(b.buffer).setUint32(
          next() % (b.length - 3),
          INTERESTING32[next() % INTERESTING32.length]! >>> 0,
          true,
        );
      return b;
    case 2:
      if (b.length >= 2)
        new DataView(b.buffer).setUint16(
          next() % (b.length - 1),
          INTERESTING32[next() % INTERESTING32.length]! & 0xffff,
          true,
        );
      return b;
    case 3:
      return b.subarray(0, at);
    case 4: {
      const cut = Math.min(b.length, at + 1 + (next() % 16));
      const out = new Uint8Array(b.length - (cut - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(cut), at);
      return out;
    }
    case 5: {
      const n = 1 + (next() % 16);
      const out = new Uint8Array(b.length + n);
      out.set(b.subarray(0, at));
      for (let i = 0; i < n; i++) out[at + i] = next() & 0xff;
      out.set(b.subarray(at), at + n);
      return out;
    }
    case 6: {
      const run = b.subarray(at, at + 1 + (next() % 32));
      const out = new Uint8Array(b.length + run.length);
      out.set(b.subarray(0, at));
      out.set(run, at);
      out.set(b.subarray(at), at + run.length);
      return out;
    }
    default:
      for (let i = 0, n = 1 + (next() % 8); i < n && b.length; i++) b[next() % b.length] = next() & 0xff;
      return b;
  }
}

export function randomBytes(n: number, next: Rand): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = next() & 0xff;
  return b;
}

function randomNumberLike(v: number, next: Rand): number {
  if (!Number.isInteger(v))
    return next() % 4 === 0 ? [0, -1, 1e308, Number.MIN_VALUE][next() % 4]! : (next() / 0x100000000) * 1e6 - 5e5;
  if (v < 0) return -(next() % 0x80000000);
  const width = v < 0x100 ? 0x100 : v < 0x10000 ? 0x10000 : 0x100000000;
  if (next() % 3 === 0) return INTERESTING32[next() % INTERESTING32.length]! % width;
  return next() % width;
}

/**
 * A copy of a decoded value with some leaves changed, each within its own JS
 * type (numbers keep their width class, strings stay strings, byte arrays stay
 * bytes) and some arrays shortened or grown by a copy of an element. The
 * result is what an encoder can be asked to write: a random input that is
 * shaped like the structure rather than random bytes.
 */
export function perturb(v: unknown, next: Rand, rate = 0.15, depth = 0): unknown {
  const hit = () => next() / 0x100000000 < rate;
  if (depth > 40) return v;
  if (typeof v === 'number') return hit() ? randomNumberLike(v, next) : v;
  if (typeof v === 'bigint') return hit() ? (BigInt(next()) << 32n) | BigInt(next()) : v;
  if (typeof v === 'boolean') return hit() ? !v : v;
  if (typeof v === 'string') {
    if (!hit()) return v;
    const k = next() % 4;
    if (k === 0) return '';
    if (k === 1) return v.slice(0, next() % (v.length + 1));
    if (k === 2)
      return v + String.fromCharCode(...Array.from({ length: 1 + (next() % 12) }, () => 0x20 + (next() % 0x2fe0)));
    return Array.from(v, (c) => (next() % 5 === 0 ? String.fromCharCode(0x20 + (next() % 0x5f)) : c)).join('');
  }
  if (v instanceof Uint8Array) {
    if (!hit()) return v;
    return next() % 2 ? mutateBytes(v, next) : randomBytes(next() % Math.max(4, v.length * 2 + 1), next);
  }
  if (Array.isArray(v)) {
    let a = v.map((e) => perturb(e, next, rate, depth + 1));
    if (a.length && hit()) {
      const k = next() % 3;
      if (k === 0) a = a.slice(0, next() % a.length);
      else if (k === 1) a.push(a[next() % a.length]);
      else a = [...a, ...a];
    }
    return a;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) out[k] = perturb(e, next, rate, depth + 1);
    return out;
  }
  return v;
}

/** Times decodes; a case over the ceiling is re-run (best of 3) so a GC pause is not taken for a slow input. */
export class Stopwatch {
  max = 0;
  maxWhat = '';
  cases = 0;
  /** Cases whose first run went over the ceiling and were re-run (scheduling, GC). */
  retried = 0;
  /** Cases whose (best) time was over 10 ms. */
  over10 = 0;
  constructor(readonly ceilingMs: number) {}
  run<T>(what: () => string, f: () => T): T {
    this.cases++;
    let t0 = performance.now();
    let out: T;
    try {
      out = f();
    } catch (e) {
      throw new Error(`${what()} threw: ${e instanceof Error ? e.stack : String(e)}`);
    }
    let ms = performance.now() - t0;
    if (ms > this.ceilingMs) {
      this.retried++;
      for (let i = 0; i < 2 && ms > this.ceilingMs; i++) {
        t0 = performance.now();
        f();
        ms = Math.min(ms, performance.now() - t0);
      }
    }
    if (ms > 10) this.over10++;
    if (ms > this.max) {
      this.max = ms;
      this.maxWhat = what();
    }
    if (ms > this.ceilingMs) throw new Error(`${what()} took ${ms.toFixed(1)} ms (ceiling ${this.ceilingMs} ms)`);
    return out;
  }
}

let gcFn: (() => void) | undefined;
/** Full GC (V8's gc() made available at run time), then heapUsed in bytes. */
export function heapAfterGc(): number {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;

/** A shared tally printed at the end of each fuzz file (and read by the report). */
export function report(
  name: string,
  s: { cases: number; max: number; maxWhat: string; retried: number; over10: number },
  extra = '',
): void {
  console.log(
    `[reliability fuzz] ${name}: ${s.cases} cases, max decode ${s.max.toFixed(2)} ms (${s.maxWhat.slice(0, 100)}), ${s.over10} over 10 ms, ` +
      `${s.retried} re-run after a first run over the ceiling${extra ? `, ${extra}` : ''}`,
  );
}
