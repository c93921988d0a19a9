/**
 * Mutated real bodies through every transport decoder: no exception may
 * escape, each decode finishes in bounded time, and a body that decodes
 * without error nodes re-encodes to exactly its bytes. A bounded count runs in
 * `npm test`; FUZZ_LONG=1 runs many more (the `fuzz` script).
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../shared/codec/index.js';
import { auxiliaryBuffer } from '../../shared/protocol/aux/index.js';
import { decodeBody, decodeExchange, encodeBody } from '../../shared/protocol/decode-exchange.js';
import { parsePreamble } from '../../shared/protocol/mapihttp/index.js';
import { compressLz77, decompressLz77 } from '../../shared/protocol/rpcext/lz77.js';
import { emsmdbBodyFixtures, fixture, loadMetaExchange } from '../unit/protocol/transport-helpers.js';
import { xorshift32 } from '../helpers/prng.js';

const LONG = process.env.FUZZ_LONG === '1';
const ROUNDS = LONG ? 400 : 12;
/** Generous per-decode ceiling: catches hangs and quadratic blow-ups, not slow machines. */
const MAX_MS = 250;

const rng = xorshift32;

function mutate(src: Uint8Array, next: () => number): Uint8Array {
  const kind = next() % 7;
  const b = new Uint8Array(src);
  const at = src.length ? next() % src.length : 0;
  switch (kind) {
    case 0: // bit flips
      for (let i = 0, n = 1 + (next() % 4); i < n && b.length; i++) b[next() % b.length]! ^= 1 << (next() % 8);
      return b;
    case 1: // interesting values into a u16/u32 slot
      if (b.length >= 4) {
        const v = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xfffffff, 0xffffffff, 0x8000][next() % 9]!;
        const p = next() % (b.length - 3);
        new DataView(b.buffer).setUint32(p, v >>> 0, true);
      }
      return b;
    case 2: // truncate
      return b.subarray(0, at);
    case 3: // delete a run
      return new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + 1 + (next() % 16)))]);
    case 4: // insert random bytes
      return new Uint8Array([
        ...b.subarray(0, at),
        ...Array.from({ length: 1 + (next() % 16) }, () => next() & 0xff),
        ...b.subarray(at),
      ]);
    case 5: // duplicate a run
      return new Uint8Array([...b.subarray(0, at), ...b.subarray(at, at + 32), ...b.subarray(at)]);
    default: // random bytes in place
      for (let i = 0, n = 1 + (next() % 8); i < n && b.length; i++) b[next() % b.length] = next() & 0xff;
      return b;
  }
}

function timed<T>(what: string, f: () => T): T {
  const t0 = performance.now();
  let out: T;
  try {
    out = f();
  } catch (e) {
    throw new Error(`${what} threw: ${e instanceof Error ? e.stack : String(e)}`);
  }
  const ms = performance.now() - t0;
  if (ms > MAX_MS) throw new Error(`${what} took ${ms.toFixed(0)} ms`);
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('transport fuzz', () => {
  const bodies = emsmdbBodyFixtures();

  it(`mutated emsmdb bodies (${bodies.length} fixtures × ${ROUNDS}) never throw; clean decodes round-trip`, () => {
    const next = rng(0xc0ffee);
    let clean = 0;
    for (const f of bodies) {
      const src = fixture(f.file);
      for (let i = 0; i < ROUNDS; i++) {
        const m = mutate(src, next);
        const what = `${f.file} #${i} (${hex(m).slice(0, 80)}…)`;
        const raw = timed(what, () => decodeBody(f.requestType, f.direction, m, { rawRops: true }));
        expect(Array.isArray(raw.errors)).toBe(true);
        expect(raw.unparsedBytes).toBeGreaterThanOrEqual(0);
        if (raw.errors.length === 0) {
          clean++;
          expect(hex(encodeBody(raw, { rawRops: true })), what).toBe(hex(m));
        }
        timed(what + ' (ROPs)', () => decodeBody(f.requestType, f.direction, m));
      }
    }
    expect(clean).toBeGreaterThan(0);
  });

  it('mutated bodies under the wrong request type never throw', () => {
    const next = rng(7);
    const types = [
      'Connect',
      'Execute',
      'Disconnect',
      'NotificationWait',
      'PING',
      'Bind',
      'Autodiscover',
      'RPC_IN_DATA',
      'Nonsense',
    ];
    for (const f of bodies.slice(0, LONG ? bodies.length : 20)) {
      const m = mutate(fixture(f.file), next);
      for (const t of types)
        for (const d of ['request', 'response'] as const) timed(`${f.file} as ${t} ${d}`, () => decodeBody(t, d, m));
    }
  });

  it('mutated LZ77 streams either decompress or throw DecodeError, within bounds', () => {
    const next = rng(99);
    const golden = [
      fixture('syncgw/execute_req45.decompressed.bin'),
      fixture('openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin'),
    ];
    for (const g of golden) {
      const c = compressLz77(g);
      for (let i = 0; i < ROUNDS * 20; i++) {
        const m = mutate(c, next);
        const size = next() % 3 === 0 ? next() % 0x10000 : g.length;
        try {
          const out = decompressLz77(m, size);
          expect(out.length).toBe(size);
        } catch (e) {
          expect((e as Error).name).toBe('DecodeError');
        }
      }
    }
  });

  it('mutated AUX buffers and preambles never throw', () => {
    const next = rng(3);
    const aux = fixture('syncgw/connect_req18.bin').subarray(121);
    const pre = fixture('gromox-ruler/cap2/004-mapi-emsmdb-PING.response.bin');
    for (let i = 0; i < ROUNDS * 20; i++) {
      const m = mutate(aux, next);
      const d = timed('aux', () => decode(auxiliaryBuffer, m));
      if (d.value && !JSON.stringify(d.tree).includes('"error"'))
        expect(hex(encode(auxiliaryBuffer, d.value))).toBe(hex(m));
      timed('preamble', () => parsePreamble(mutate(pre, next)));
    }
  });

  it('mutated whole exchanges (bodies and headers) never throw', () => {
    const next = rng(11);
    const ex = loadMetaExchange('gromox-ruler/cap1/002-mapi-emsmdb-Execute');
    for (let i = 0; i < ROUNDS * 5; i++) {
      const headers = ex.request.headers.map((h) =>
        next() % 4 === 0 ? { name: h.name, value: h.value.slice(0, next() % (h.value.length + 1)) } : h,
      );
      const mutated = {
        ...ex,
        request: { ...ex.request, headers, body: mutate(ex.request.body, next) },
        response: { ...ex.response!, body: mutate(ex.response!.body, next) },
      };
      timed('exchange', () => decodeExchange(mutated));
    }
  });
});
