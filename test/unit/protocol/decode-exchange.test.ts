import { describe, expect, it } from 'vitest';
import { type DecodedNode, collectErrors, unclaimedBytes } from '../../../shared/codec/index.js';
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

  it('on random trees: leaves out of order, overlapping, out of bounds, generated, errors, several buffers', () => {
    let x = 12345;
    const next = (n: number) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x % n;
    };
    const buffers = { body: new Uint8Array(64), 'rpcext#1': new Uint8Array(40) };
    const make = (depth: number, at: number): DecodedNode => {
      const n: DecodedNode = { name: `N${next(5)}`, offset: at, length: 0 };
      if (next(6) === 0) n.buffer = ['body', 'rpcext#1', 'other'][next(3)]!;
      if (depth < 4 && next(3) !== 0) {
        n.children = [];
        let p = at;
        for (let i = 0, k = next(5); i < k; i++) {
          const c = make(depth + 1, next(4) === 0 ? next(80) - 8 : p); // mostly in order, sometimes anywhere
          n.children.push(c);
          p = c.offset + c.length;
        }
      } else n.length = next(7) === 0 ? -1 : next(12);
      if (next(9) === 0) n.error = `bad ${n.name}`;
      if (next(11) === 0) n.generated = true;
      return n;
    };
    for (let i = 0; i < 2000; i++) {
      const tree = make(0, 0);
      tree.buffer = 'body';
      let expected = 0;
      for (const [id, buf] of Object.entries(buffers)) expected += unclaimedBytes(tree, id, buf.length);
      const s = scanTree(tree, buffers);
      expect(s.unparsed, JSON.stringify(tree)).toBe(expected);
      expect(s.errors).toEqual(collectErrors(tree));
    }
  });
});
