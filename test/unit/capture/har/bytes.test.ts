import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, utf8Exact } from '../../../../shared/codec/bytes.js';
import { bytesOf } from '../factory.js';

describe('base64 (ours, no Buffer)', () => {
  it('matches Node for every length 0..200 and a 1 MiB body, both ways', () => {
    for (let n = 0; n <= 200; n++) {
      const b = bytesOf(n, n + 1);
      const want = Buffer.from(b).toString('base64');
      expect(base64Encode(b)).toBe(want);
      expect(Buffer.from(base64Decode(want)!).equals(Buffer.from(b))).toBe(true);
    }
    const big = bytesOf(1 << 20, 99);
    expect(base64Encode(big)).toBe(Buffer.from(big).toString('base64'));
    expect(Buffer.compare(base64Decode(Buffer.from(big).toString('base64'))!, big)).toBe(0);
  });

  it('accepts URL-safe, unpadded and line-wrapped text; rejects anything else', () => {
    const b = new Uint8Array([0xfb, 0xff, 0xfe, 0x01]);
    expect(Array.from(base64Decode('-__-AQ')!)).toEqual([0xfb, 0xff, 0xfe, 0x01]);
    expect(Array.from(base64Decode('+//+AQ==')!)).toEqual(Array.from(b));
    expect(Array.from(base64Decode('+//+\r\nAQ==')!)).toEqual(Array.from(b));
    expect(base64Decode('+//+AQ=x')).toBeUndefined();
    expect(base64Decode('ab*d')).toBeUndefined();
    expect(base64Decode('abcé')).toBeUndefined();
    expect(Array.from(base64Decode('')!)).toEqual([]);
  });

  it('utf8Exact: text only when re-encoding gives the same bytes', () => {
    expect(utf8Exact(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
    expect(utf8Exact(new Uint8Array([0x41, 0xff]))).toBeUndefined();
  });
});
