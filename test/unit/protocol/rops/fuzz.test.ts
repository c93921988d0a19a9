/**
 * Fuzzing the ROP buffer walker: random ROP input buffers assembled from the
 * request samples of every family (and their responses) and then mutated never throw,
 * never hang, cover their input with the tree, and re-encode byte for byte
 * whenever they decode without error.
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
} from '../../../../shared/protocol/rops/buffer.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { SAMPLES } from './samples.js';
import { SAMPLES2 } from './samples2.js';
import { mulberry32 } from '../../../helpers/prng.js';

const ALL = [...SAMPLES, ...SAMPLES2];

const rng = mulberry32;

/** ROPs whose request and (first) response sample need no context outside the buffer. */
const PAIRS = [...ropsById.values()]
  .map((d) => ({
    id: d.id,
    q: ALL.find((s) => s.id === d.id && s.side === 'request' && !s.context),
    r: ALL.find((s) => s.id === d.id && s.side === 'response' && !s.context),
    answered: d.response !== undefined,
  }))
  .filter((p) => p.q && (p.r || !p.answered) && p.id !== 0x11 && p.id !== 0x64);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function frame(rops: Uint8Array, handles: number): Uint8Array {
  const out = new Uint8Array(2 + rops.length + 4 * handles);
  new DataView(out.buffer).setUint16(0, 2 + rops.length, true);
  out.set(rops, 2);
  return out;
}

describe('ROP buffer fuzz', () => {
  it(`random sequences of ${PAIRS.length} sampled ROPs: clean pairs round-trip, mutations never throw`, () => {
    const rand = rng(0xc0ffee);
    let clean = 0;
    const t0 = performance.now();
    for (let round = 0; round < 600; round++) {
      const picks = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => PAIRS[Math.floor(rand() * PAIRS.length)]!);
      const q = frame(concat(picks.map((p) => fromHex(p.q!.hex))), 3);
      const r = frame(concat(picks.filter((p) => p.answered).map((p) => fromHex(p.r!.hex))), 3);
      const dq = decodeRopRequestBuffer(q);
      const dr = decodeRopResponseBuffer(r, { execRequest: dq.value });
      // Unmutated: everything decodes and round-trips.
      expect(collectErrors(dq.tree)).toEqual([]);
      expect(collectErrors(dr.tree)).toEqual([]);
      expect(unclaimedBytes(dr.tree, 'body', r.length)).toBe(0);
      expect(encodeRopRequestBuffer(dq.value!)).toEqual(q);
      expect(encodeRopResponseBuffer(dr.value!, dq.value)).toEqual(r);
      // Mutated: no exception, the tree covers the input, clean decodes still round-trip.
      for (const [bytes, isReq] of [
        [q, true],
        [r, false],
      ] as const) {
        const m = bytes.slice();
        for (let e = 0; e < 1 + Math.floor(rand() * 4); e++)
          m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
        const cut = m.subarray(0, Math.floor(rand() * 4) === 0 ? Math.floor(rand() * m.length) : m.length);
        const d = isReq ? decodeRopRequestBuffer(cut) : decodeRopResponseBuffer(cut, { execRequest: dq.value });
        expect(d.tree.length).toBe(cut.length);
        if (collectErrors(d.tree).length === 0) {
          clean++;
          const again = isReq ? encodeRopRequestBuffer(d.value!) : encodeRopResponseBuffer(d.value!, dq.value);
          expect(again).toEqual(cut);
        }
      }
    }
    expect(clean).toBeGreaterThan(50);
    expect(performance.now() - t0).toBeLessThan(20000);
  });
});
