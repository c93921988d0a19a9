import { describe, expect, it } from 'vitest';
import { DecodeError, fromHex, toHex } from '../../../../shared/codec/index.js';
import { compressLz77, decompressLz77 } from '../../../../shared/protocol/rpcext/lz77.js';
import { fixture } from '../transport-helpers.js';
import { xorshift32 } from '../../../helpers/prng.js';

const ascii = (s: string) => new TextEncoder().encode(s);

const rng = xorshift32;

describe('LZ77/DIRECT2: specification examples', () => {
  it('[MS-XCA] 3.1 example 1: 26 literals, end bit in the same mask', () => {
    const c = fromHex('3f000000 6162636465666768696a6b6c6d6e6f707172737475767778797a');
    expect(new TextDecoder().decode(decompressLz77(c, 26))).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(toHex(compressLz77(ascii('abcdefghijklmnopqrstuvwxyz')))).toBe(toHex(c));
  });

  it('[MS-XCA] 3.1 example 2: "abc"×100 via nibble 15, byte 255 and the 16-bit length', () => {
    const c = fromHex('ffffff1f 616263 1700 0f ff 2601');
    const out = decompressLz77(c, 300);
    expect(new TextDecoder().decode(out)).toBe('abc'.repeat(100));
    expect(toHex(compressLz77(ascii('abc'.repeat(100))))).toBe(toHex(c));
  });

  it('[MS-OXCRPC] 3.1.4.1.1.2.2.1 end-marker example ABCABCDEF / ABCABCDEFG with 32-bit masks', () => {
    const a = fromHex('ffffff11 414243 1000 444546');
    const b = fromHex('ffffff10 414243 1000 44454647');
    expect(new TextDecoder().decode(decompressLz77(a, 9))).toBe('ABCABCDEF');
    expect(new TextDecoder().decode(decompressLz77(b, 10))).toBe('ABCABCDEFG');
    expect(toHex(compressLz77(ascii('ABCABCDEF')))).toBe(toHex(a));
    expect(toHex(compressLz77(ascii('ABCABCDEFG')))).toBe(toHex(b));
  });

  it('[MS-OXCRPC] 3.1.4.1.1.2.2.1 bitmask 0x01000000: 7 literals, a match, then literals', () => {
    // 7 literals "ABCDEFG", metadata (distance 7, length 3) → "ABC", then 24 literals.
    const tail = 'abcdefghijklmnopqrstuvwx';
    const c = new Uint8Array([
      0x00,
      0x00,
      0x00,
      0x01,
      ...ascii('ABCDEFG'),
      0x30,
      0x00,
      ...ascii(tail),
      0xff,
      0xff,
      0xff,
      0xff,
    ]);
    expect(new TextDecoder().decode(decompressLz77(c, 7 + 3 + 24))).toBe('ABCDEFGABC' + tail);
  });

  it('[MS-OXCRPC] 3.1.4.1.1.2.1.4 AABCBBABC: six literals and one match (distance 5, length 3)', () => {
    const c = fromHex('ffffff03 414142434242 2000');
    expect(new TextDecoder().decode(decompressLz77(c, 9))).toBe('AABCBBABC');
  });

  it('[MS-OXCRPC] 3.1.4.1.1.2.2.4 length table rows 10, 25, 26, 280, 281', () => {
    const rows: [number, string][] = [
      [10, 'ffffff7f 78 0700 00'],
      [25, 'ffffff7f 78 0700 0f00'],
      [26, 'ffffff7f 78 0700 0f01'],
      [280, 'ffffff7f 78 0700 0fff1501'],
      [281, 'ffffff7f 78 0700 0fff1601'],
    ];
    for (const [len, hexStr] of rows) {
      const c = fromHex(hexStr);
      const out = decompressLz77(c, len + 1);
      expect(out.every((b) => b === 0x78)).toBe(true);
      expect(toHex(compressLz77(new Uint8Array(len + 1).fill(0x78)))).toBe(toHex(c));
    }
  });

  it('shares one nibble byte between two long matches (low nibble, then high nibble)', () => {
    const c = fromHex('ff072000 30313233343536373839 4f00 a2 5152535455565758595a 4f00');
    const out = new TextDecoder().decode(decompressLz77(c, 10 + 12 + 10 + 20));
    expect(out).toBe('0123456789' + '012345678901' + 'QRSTUVWXYZ' + 'QRSTUVWXYZQRSTUVWXYZ');
  });
});

describe('LZ77/DIRECT2: real payloads decompressed by a third-party decoder', () => {
  it('execute_req45: the RopBuffer payload equals the golden .decompressed.bin', () => {
    const body = fixture('syncgw/execute_req45.bin');
    // Execute request: Flags(4) RopBufferSize(4) then RPC_HEADER_EXT at offset 8.
    const v = new DataView(body.buffer, body.byteOffset);
    expect(v.getUint16(10, true)).toBe(0x0005); // Compressed | Last
    const size = v.getUint16(12, true);
    const actual = v.getUint16(14, true);
    expect([size, actual]).toEqual([33, 57]);
    const out = decompressLz77(body.subarray(16, 16 + size), actual);
    expect(toHex(out)).toBe(toHex(fixture('syncgw/execute_req45.decompressed.bin')));
  });

  it('openchange Outlook 2007 EcDoRpcExt2 rgbIn: 0x145 bytes → 0x1cb bytes golden payload', () => {
    const stub = fixture('openchange/001_Outlook_2007_in_ModifyRecipients_comp.dat');
    const v = new DataView(stub.buffer, stub.byteOffset);
    expect(v.getUint16(28 + 2, true)).toBe(0x0005);
    expect(v.getUint16(28 + 4, true)).toBe(0x145);
    expect(v.getUint16(28 + 6, true)).toBe(0x1cb);
    const out = decompressLz77(stub.subarray(36, 36 + 0x145), 0x1cb);
    const golden = fixture('openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin');
    expect(out.length).toBe(0x1cb);
    expect(toHex(out)).toBe(toHex(golden));
  });

  it('our compressor round-trips the golden payloads and is smaller than the input', () => {
    for (const g of [
      'syncgw/execute_req45.decompressed.bin',
      'openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin',
    ]) {
      const p = fixture(g);
      const c = compressLz77(p);
      expect(c.length).toBeLessThan(p.length);
      expect(toHex(decompressLz77(c, p.length))).toBe(toHex(p));
    }
  });
});

describe('LZ77/DIRECT2: round trips on random data', () => {
  it('random, repetitive and edge-sized inputs decompress to themselves', () => {
    const next = rng(0x5eed);
    const sizes = [0, 1, 2, 3, 4, 31, 32, 33, 63, 64, 65, 255, 1000, 8191, 8192, 8193, 20000, 65535];
    for (const n of sizes)
      for (const kind of ['random', 'runs', 'text']) {
        const b = new Uint8Array(n);
        if (kind === 'random') for (let i = 0; i < n; i++) b[i] = next() & 0xff;
        else if (kind === 'runs')
          for (let i = 0; i < n;) {
            const v = next() & 3;
            const len = 1 + (next() % 400);
            for (let k = 0; k < len && i < n; k++) b[i++] = v;
          }
        else for (let i = 0; i < n; i++) b[i] = 'the quick brown fox '.charCodeAt((i * 7 + (next() % 3)) % 20);
        const c = compressLz77(b);
        const d = decompressLz77(c, n);
        expect(d.length).toBe(n);
        expect(Buffer.compare(Buffer.from(d), Buffer.from(b)), `${kind} ${n}`).toBe(0);
      }
  });

  it('long runs use the 16-bit length form (run of 60000 zero bytes)', () => {
    const b = new Uint8Array(60000);
    const c = compressLz77(b);
    expect(c.length).toBeLessThan(20);
    expect(decompressLz77(c, 60000).every((x) => x === 0)).toBe(true);
  });
});

describe('LZ77/DIRECT2: malformed streams are rejected', () => {
  const bad: [string, string, number, RegExp][] = [
    ['distance before the start', 'ffffffff 1000', 3, /distance 3 before start/],
    ['truncated flag word', 'ffff', 1, /truncated flag word/],
    ['truncated match token', 'ffffff7f 78 07', 11, /truncated match token/],
    ['truncated length nibble', 'ffffff7f 78 0700', 11, /truncated length nibble/],
    ['16-bit length below 22', 'ffffff7f 78 0700 0fff 0500', 11, /too small/],
    ['output shorter than expected', 'ffffff1f 616263', 10, /decompressed 3 bytes, expected 10/],
    ['output longer than expected', 'ffffff1f 616263', 2, /exceeds expected 2/],
    ['match overruns expected size', 'ffffff7f 78 0700 00', 5, /overruns expected size 5/],
    ['literal expected but input ended', '00000000 61', 5, /literal expected/],
  ];
  for (const [what, hexStr, size, re] of bad)
    it(what, () => {
      let err: unknown;
      try {
        decompressLz77(fromHex(hexStr), size);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as Error).message).toMatch(re);
    });

  it('an absurd expected size is refused before allocating', () => {
    expect(() => decompressLz77(new Uint8Array(4), 0x7fffffff)).toThrow(/invalid expected size/);
  });
});
