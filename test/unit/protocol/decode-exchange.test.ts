import { describe, expect, it } from 'vitest';
import { collectErrors, unclaimedBytes } from '../../../shared/codec/index.js';
import { decodeBody, scanTree } from '../../../shared/protocol/decode-exchange.js';
import { emsmdbBodyFixtures, fixture } from './transport-helpers.js';

describe('scanTree agrees with collectErrors / unclaimedBytes', () => {
  it('on every emsmdb fixture, whole and truncated, with and without ROP decoding', () => {
    let withErrors = 0;
    for (const f of emsmdbBodyFixtures()) {
      const whole = fixture(f.file);
      for (const b of [whole, whole.subarray(0, Math.floor(whole.length * 0.6))])
        for (const ctx of [{ rawRops: true }, {}]) {
          const d = decodeBody(f.requestType, f.direction, b, ctx);
          let expected = 0;
          for (const [id, buf] of Object.entries(d.buffers)) expected += unclaimedBytes(d.tree, id, buf.length);
          const s = scanTree(d.tree, d.buffers);
          expect(s.unparsed, f.file).toBe(expected);
          expect(s.errors, f.file).toEqual(collectErrors(d.tree));
          expect(d.unparsedBytes).toBe(expected);
          if (s.errors.length) withErrors++;
        }
    }
    expect(withErrors).toBeGreaterThan(100); // the truncated halves exercise the error paths
  });
});
