/**
 * Reliability fuzzing of the decoders, beyond test/fuzz (transport) and the ROP walker fuzz:
 *  1. structure-aware: real bodies (EMSMDB and NSPI fixtures) and ROP samples are decoded, their
 *     values perturbed leaf by leaf (type-preserving) and *encoded* again — random inputs shaped
 *     like the structure — then decoded, and the encoded bytes mutated and decoded once more;
 *  2. oxcdata and NSPI structures on their own (property values, restrictions, EntryIDs, rule
 *     actions, STAT, property tag arrays, AB property rows): random bytes decoded into random
 *     valid values, perturbed, encoded, decoded, mutated, decoded;
 *  3. mutated NSPI bodies under every NSPI request type.
 * Asserted: no exception escapes, no single decode over 50 ms (best of 3, to tell a slow input
 * from a GC pause), a clean decode of encoder output re-encodes to the same bytes, and heap
 * growth after a forced GC stays bounded. Short form by default (a few seconds); the long form
 * (RELIABILITY_LONG=1) runs to its case target within a time bound and prints the figures.
 */
import { describe, expect, it } from 'vitest';
import { type Codec, decode, encode, fromHex } from '../../shared/codec/index.js';
import { bodyCodec, decodeBody } from '../../shared/protocol/decode-exchange.js';
import { nspiRequestCodecs } from '../../shared/protocol/nspi/index.js';
import { abPropertyValueList, largePropertyTagArray, stat } from '../../shared/protocol/nspi/structures.js';
import {
  abEntryId,
  folderEntryId,
  messageEntryId,
  oneOffEntryId,
  restrictionCodec,
  ruleActionCodec,
  sortOrderSet,
  taggedPropertyValueCodec,
  typedPropertyValueCodec,
} from '../../shared/protocol/oxcdata/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
} from '../../shared/protocol/rops/buffer.js';
import { SAMPLES } from '../unit/protocol/rops/samples.js';
import { SAMPLES2 } from '../unit/protocol/rops/samples2.js';
import { emsmdbBodyFixtures, fixture, listFixtures } from '../unit/protocol/transport-helpers.js';
import { LONG, MB, Stopwatch, heapAfterGc, mutateBytes, perturb, randomBytes, report, rng } from './fuzz-lib.js';

const CEILING_MS = 50;
/** Per group: [short seconds, long seconds, long case target]. The long targets add up to > 10^6. */
const BUDGET = {
  bodies: [1.5, 150, 120_000],
  rops: [1.5, 150, 300_000],
  oxcdata: [1.5, 180, 500_000],
  nspi: [1, 90, 150_000],
} as const;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const totals = { cases: 0, max: 0, retried: 0, over10: 0 };

function loop(group: keyof typeof BUDGET, body: (i: number) => void): { cases: number; seconds: number } {
  const [short, long, target] = BUDGET[group];
  const until = performance.now() + (LONG ? long : short) * 1000;
  let i = 0;
  while (performance.now() < until && (!LONG || i < target)) {
    // Check the clock every 64 rounds only.
    for (const end = i + 64; i < end; i++) body(i);
  }
  return { cases: i, seconds: (performance.now() - until) / 1000 + (LONG ? long : short) };
}

function heapGuard() {
  let base = 0;
  return {
    warm: () => (base = heapAfterGc()),
    check: (what: string) => {
      const grown = heapAfterGc() - base;
      // Bounded: the fuzzers keep nothing between cases, so a leak shows as steady growth.
      expect(grown, `${what}: heap grew ${(grown / MB).toFixed(1)} MB`).toBeLessThan(48 * MB);
      return grown;
    },
  };
}

/** NSPI bodies among the fixtures (syncgw) with their request type. */
const NSPI_TYPES: Record<string, string> = {
  bind: 'Bind',
  unbind: 'Unbind',
  dntomid: 'DNToMId',
  getmatches: 'GetMatches',
  getprops: 'GetProps',
  getspecialtable: 'GetSpecialTable',
  queryrows: 'QueryRows',
};
function nspiFixtures() {
  return listFixtures('syncgw', /^[a-z]+_(req|resp)\d+\.bin$/).flatMap((f) => {
    const m = /\/([a-z]+)_(req|resp)\d+\.bin$/.exec(f)!;
    const t = NSPI_TYPES[m[1]!];
    return t
      ? [{ file: f, requestType: t, direction: m[2] === 'req' ? ('request' as const) : ('response' as const) }]
      : [];
  });
}

describe('structure-aware fuzz (encoders build the inputs)', () => {
  it('real EMSMDB and NSPI bodies: decode → perturb value → encode → decode → mutate → decode', () => {
    const next = rng(0x5eed01);
    const heap = heapGuard();
    const sw = new Stopwatch(CEILING_MS);
    const seeds = [...emsmdbBodyFixtures(), ...nspiFixtures()].flatMap((f) => {
      const bytes = fixture(f.file);
      // Execute responses need their request to decode ROPs; frame them raw here (the ROP walker
      // is fuzzed with context below).
      const rawRops = f.requestType === 'Execute' && f.direction === 'response';
      const d = decodeBody(f.requestType, f.direction, bytes, { rawRops });
      const value = f.direction === 'response' ? d.streamValue : d.value;
      return value ? [{ ...f, value, rawRops, codec: bodyCodec(f.requestType, f.direction, { rawRops }) }] : [];
    });
    expect(seeds.length).toBeGreaterThan(60);
    let encodeRejected = 0;
    let clean = 0;
    heap.warm();
    const r = loop('bodies', (i) => {
      const s = seeds[i % seeds.length]!;
      const v = perturb(s.value, next, 0.08);
      let bytes: Uint8Array;
      try {
        bytes = encode(s.codec, v, { rawRops: s.rawRops });
      } catch {
        encodeRejected++; // a perturbed value the encoder refuses (e.g. a number too wide) is not an input
        return;
      }
      const d = sw.run(
        () => `${s.file} perturbed (${hex(bytes).slice(0, 64)}…)`,
        () => decodeBody(s.requestType, s.direction, bytes, { rawRops: s.rawRops }),
      );
      if (d.errors.length === 0) clean++;
      const m = mutateBytes(bytes, next);
      sw.run(
        () => `${s.file} perturbed+mutated (${hex(m).slice(0, 64)}…)`,
        () => decodeBody(s.requestType, s.direction, m, { rawRops: s.rawRops }),
      );
    });
    const grown = heap.check('bodies');
    expect(clean).toBeGreaterThan(0);
    totals.cases += sw.cases;
    totals.max = Math.max(totals.max, sw.max);
    totals.retried += sw.retried;
    totals.over10 += sw.over10;
    report(
      'bodies',
      sw,
      `${r.cases} rounds in ${r.seconds.toFixed(1)} s, ${clean} clean, ${encodeRejected} values refused by the encoder, heap +${(grown / MB).toFixed(1)} MB`,
    );
  }, 600_000);

  it('ROP buffers from the samples: perturbed values encoded, decoded (with their request), re-encoded when clean', () => {
    const next = rng(0x5eed02);
    const heap = heapGuard();
    const sw = new Stopwatch(CEILING_MS);
    const frame = (rops: Uint8Array) => {
      const out = new Uint8Array(2 + rops.length + 12);
      new DataView(out.buffer).setUint16(0, 2 + rops.length, true);
      out.set(rops, 2);
      return out;
    };
    const all = [...SAMPLES, ...SAMPLES2];
    const seeds = all.flatMap((q) => {
      if (q.side !== 'request' || q.context) return [];
      const dq = decodeRopRequestBuffer(frame(fromHex(q.hex)));
      if (!dq.value) return [];
      const resp = all.find((s) => s.id === q.id && s.side === 'response' && !s.context);
      const dr = resp ? decodeRopResponseBuffer(frame(fromHex(resp.hex)), { execRequest: dq.value }) : undefined;
      return [{ id: q.id, q: dq.value, r: dr?.value }];
    });
    expect(seeds.length).toBeGreaterThan(80);
    let mismatches = 0;
    let clean = 0;
    const mismatchSamples: string[] = [];
    heap.warm();
    const r = loop('rops', (i) => {
      const s = seeds[i % seeds.length]!;
      const side = s.r && i % 2 ? 'response' : 'request';
      let bytes: Uint8Array;
      try {
        bytes =
          side === 'request'
            ? encodeRopRequestBuffer(perturb(s.q, next, 0.2) as typeof s.q)
            : encodeRopResponseBuffer(perturb(s.r, next, 0.2) as typeof s.q, s.q);
      } catch {
        return;
      }
      const what = () => `RopId 0x${s.id.toString(16)} ${side} (${hex(bytes).slice(0, 80)})`;
      const d = sw.run(what, () =>
        side === 'request' ? decodeRopRequestBuffer(bytes) : decodeRopResponseBuffer(bytes, { execRequest: s.q }),
      );
      if (d.value && !hasError(d.tree)) {
        clean++;
        const again = side === 'request' ? encodeRopRequestBuffer(d.value) : encodeRopResponseBuffer(d.value, s.q);
        if (hex(again) !== hex(bytes)) {
          mismatches++;
          if (mismatchSamples.length < 3) mismatchSamples.push(what());
        }
      }
      const m = mutateBytes(bytes, next);
      sw.run(
        () => `RopId 0x${s.id.toString(16)} ${side} mutated (${hex(m).slice(0, 80)})`,
        () => (side === 'request' ? decodeRopRequestBuffer(m) : decodeRopResponseBuffer(m, { execRequest: s.q })),
      );
    });
    const grown = heap.check('rops');
    expect(mismatchSamples, 'clean decodes of encoder output re-encode to the same bytes').toEqual([]);
    totals.cases += sw.cases;
    totals.max = Math.max(totals.max, sw.max);
    totals.retried += sw.retried;
    totals.over10 += sw.over10;
    report(
      'rops',
      sw,
      `${r.cases} rounds in ${r.seconds.toFixed(1)} s, ${clean} clean (all round-trip), heap +${(grown / MB).toFixed(1)} MB`,
    );
    expect(mismatches).toBe(0);
  }, 600_000);

  it('oxcdata and NSPI structures: random bytes → value → perturb → encode → decode → mutate → decode', () => {
    const next = rng(0x5eed03);
    const heap = heapGuard();
    const sw = new Stopwatch(CEILING_MS);
    const codecs: [string, Codec<unknown>][] = [
      ['TaggedPropertyValue/rop', taggedPropertyValueCodec('rop')],
      ['TaggedPropertyValue/nspi', taggedPropertyValueCodec('nspi')],
      ['TypedPropertyValue', typedPropertyValueCodec('rop')],
      ['Restriction/rop', restrictionCodec('rop')],
      ['Restriction/nspi', restrictionCodec('nspi')],
      ['RuleAction', ruleActionCodec('rop')],
      ['SortOrderSet', sortOrderSet],
      ['FolderEntryID', folderEntryId],
      ['MessageEntryID', messageEntryId],
      ['AddressBookEntryID', abEntryId],
      ['OneOffEntryID', oneOffEntryId],
      ['STAT', stat],
      ['LargePropertyTagArray', largePropertyTagArray],
      ['AddressBookPropertyValueList', abPropertyValueList],
    ];
    // Random starting points that decode cleanly: type-led prefixes make random bytes useful.
    const PROP_TYPES = [
      0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x000a, 0x000b, 0x0014, 0x001e, 0x001f, 0x0040, 0x0048, 0x00fb,
      0x00fd, 0x00fe, 0x0102, 0x1002, 0x1003, 0x1014, 0x101e, 0x101f, 0x1040, 0x1048, 0x1102,
    ];
    // Hand-written valid starting points for the recursive structures (random bytes rarely are one).
    const KNOWN: Record<string, string[]> = {
      'Restriction/rop': [
        '08 1F 00 37 00',
        '00 02 00 08 1F 00 37 00 04 04 1F 00 37 00 1F 00 37 00 41 00 00 00',
        '03 01 00 01 00 1F 00 37 00 1F 00 37 00 41 00 62 00 00 00',
        '02 08 03 00 07 10',
      ],
      'Restriction/nspi': [
        '08 1F 00 37 00',
        '01 02 00 00 00 08 1F 00 37 00 04 04 1F 00 37 00 1F 00 37 00 41 00 00 00',
        '03 01 00 01 00 1F 00 37 00 1F 00 37 00 41 00 62 00 00 00',
      ],
    };
    const start = (name: string): Uint8Array => {
      const known = KNOWN[name];
      if (known && next() % 2) return fromHex(known[next() % known.length]!.replace(/ /g, ''));
      const b = randomBytes(8 + (next() % 120), next);
      const dv = new DataView(b.buffer);
      if (name.startsWith('TaggedPropertyValue') || name === 'TypedPropertyValue')
        dv.setUint16(0, PROP_TYPES[next() % PROP_TYPES.length]!, true);
      else if (name.startsWith('Restriction')) b[0] = next() % 12;
      else if (name === 'LargePropertyTagArray' || name === 'SortOrderSet') dv.setUint32(0, next() % 4, true);
      else if (name === 'AddressBookPropertyValueList') {
        dv.setUint32(0, 1, true);
        dv.setUint16(4, PROP_TYPES[next() % PROP_TYPES.length]!, true);
        return b;
      } else if (name.endsWith('EntryID')) dv.setUint32(0, 0, true);
      else if (name === 'RuleAction') {
        // One action block whose ActionLength covers the rest of the buffer.
        dv.setUint16(0, 1, true);
        dv.setUint16(2, b.length - 4, true);
        b[4] = 1 + (next() % 11);
        return b;
      }
      // Small counts in the body: clamp every 4th byte so counted arrays stay within the buffer.
      for (let i = 3; i < b.length; i += 4) if (next() % 2) b[i] = 0;
      return b;
    };
    const seeds = new Map<string, unknown[]>(codecs.map(([n]) => [n, []]));
    let clean = 0;
    let roundTripChecked = 0;
    const mismatchSamples: string[] = [];
    heap.warm();
    const r = loop('oxcdata', (i) => {
      const [name, codec] = codecs[i % codecs.length]!;
      const pool = seeds.get(name)!;
      // One in four rounds starts from fresh random bytes; the others reuse a value that decoded cleanly.
      if (pool.length < 8 || i % 4 === 0) {
        const b = start(name);
        const d = sw.run(
          () => `${name} random (${hex(b)})`,
          () => decode(codec, b),
        );
        // Random bytes rarely end where the structure does: keep the value of the decoded prefix.
        const tail = d.tree.children?.[d.tree.children.length - 1];
        const used = tail?.name === 'TrailingBytes' ? tail.offset : d.tree.length;
        const p = used > 0 && used < b.length ? decode(codec, b.subarray(0, used)) : d;
        if (p.value !== undefined && !hasError(p.tree)) {
          if (pool.length < 64) pool.push(p.value);
          else pool[next() % 64] = p.value;
        }
        return;
      }
      const v = perturb(pool[next() % pool.length], next, 0.25);
      let bytes: Uint8Array;
      try {
        bytes = encode(codec, v);
      } catch {
        return;
      }
      const d = sw.run(
        () => `${name} perturbed (${hex(bytes).slice(0, 96)})`,
        () => decode(codec, bytes),
      );
      if (d.value !== undefined && !hasError(d.tree)) {
        clean++;
        if (i % 8 === 1) {
          roundTripChecked++;
          let again = '';
          try {
            again = hex(encode(codec, d.value));
          } catch (e) {
            again = `threw ${(e as Error).message}`;
          }
          if (again !== hex(bytes) && mismatchSamples.length < 5)
            mismatchSamples.push(`${name}: ${hex(bytes).slice(0, 96)} → ${again.slice(0, 96)}`);
        }
      }
      const m = mutateBytes(bytes, next);
      sw.run(
        () => `${name} perturbed+mutated (${hex(m).slice(0, 96)})`,
        () => decode(codec, m),
      );
    });
    const grown = heap.check('oxcdata');
    for (const [n] of codecs) expect(seeds.get(n)!.length, `${n} found clean random values`).toBeGreaterThan(0);
    expect(mismatchSamples, 'clean decodes of encoder output re-encode to the same bytes').toEqual([]);
    totals.cases += sw.cases;
    totals.max = Math.max(totals.max, sw.max);
    totals.retried += sw.retried;
    totals.over10 += sw.over10;
    report(
      'oxcdata+nspi structures',
      sw,
      `${r.cases} rounds in ${r.seconds.toFixed(1)} s, ${clean} clean, ${roundTripChecked} round-trips checked, heap +${(grown / MB).toFixed(1)} MB`,
    );
  }, 600_000);
});

function hasError(n: { error?: unknown; children?: unknown[] }): boolean {
  if (n.error) return true;
  for (const c of (n.children ?? []) as { error?: unknown; children?: unknown[] }[]) if (hasError(c)) return true;
  return false;
}

describe('NSPI body fuzz', () => {
  it('mutated NSPI fixture bodies under their own and every other NSPI request type', () => {
    const next = rng(0x5eed04);
    const heap = heapGuard();
    const sw = new Stopwatch(CEILING_MS);
    const files = nspiFixtures().map((f) => ({ ...f, bytes: fixture(f.file) }));
    expect(files.length).toBeGreaterThanOrEqual(14);
    const types = Object.keys(nspiRequestCodecs);
    heap.warm();
    const r = loop('nspi', (i) => {
      const f = files[i % files.length]!;
      const m = mutateBytes(f.bytes, next);
      const t = i % 5 === 0 ? types[next() % types.length]! : f.requestType;
      sw.run(
        () => `${f.file} as ${t} (${hex(m).slice(0, 80)})`,
        () => decodeBody(t, f.direction, m),
      );
    });
    const grown = heap.check('nspi');
    totals.cases += sw.cases;
    totals.max = Math.max(totals.max, sw.max);
    totals.retried += sw.retried;
    totals.over10 += sw.over10;
    report('nspi bodies', sw, `${r.cases} rounds in ${r.seconds.toFixed(1)} s, heap +${(grown / MB).toFixed(1)} MB`);
  }, 600_000);

  it('totals', () => {
    console.log(
      `[reliability fuzz] decoders total: ${totals.cases} decodes, max single decode ${totals.max.toFixed(2)} ms (ceiling ${CEILING_MS} ms, best of 3), ${totals.over10} over 10 ms, ${totals.retried} re-run`,
    );
    expect(totals.max).toBeLessThanOrEqual(CEILING_MS);
  });
});
