/**
 * Decode throughput of the address-book (NSPI) body codecs and of the
 * [MS-OXCDATA] property rows, each figure beside a baseline measured in the
 * same run over the same bytes: a plain byte checksum loop (the cost of
 * touching every byte once).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '../../shared/codec/index.js';
import { nspiRequestCodecs, nspiResponseCodecs } from '../../shared/protocol/nspi/index.js';
import { propertyRow } from '../../shared/protocol/oxcdata/index.js';
import { MB, checksum, rate, sink } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/syncgw');
const TYPES: Record<string, string> = {
  bind: 'Bind',
  unbind: 'Unbind',
  getspecialtable: 'GetSpecialTable',
  getmatches: 'GetMatches',
  queryrows: 'QueryRows',
  dntomid: 'DNToMId',
  getprops: 'GetProps',
};

function load() {
  const out: { type: string; request: boolean; bytes: Uint8Array }[] = [];
  for (const f of readdirSync(FIX)) {
    const m = /^([a-z]+)_(req|resp)\d+\.bin$/.exec(f);
    if (m && TYPES[m[1]!])
      out.push({ type: TYPES[m[1]!]!, request: m[2] === 'req', bytes: new Uint8Array(readFileSync(join(FIX, f))) });
  }
  return out;
}

const bench: Bench = {
  name: 'nspi',
  async run({ quick }) {
    const ms = quick ? 150 : 1000;
    const results: BenchResult[] = [];
    const bodies = load();
    const total = bodies.reduce((n, b) => n + b.bytes.length, 0);
    const plain = bodies.map((b) => b.bytes);
    const base = (rate(() => checksum(plain), ms) * total) / MB;
    const baseline = { name: 'byte checksum over the same bodies', value: base };

    const nspi =
      (rate(() => {
        for (const b of bodies) decode((b.request ? nspiRequestCodecs : nspiResponseCodecs)[b.type]!, b.bytes);
      }, ms) *
        total) /
      MB;
    results.push({
      name: `decode ${bodies.length} syncgw NSPI bodies (${total} bytes)`,
      value: nspi,
      unit: 'MB/s',
      baseline,
      ratio: nspi / base,
    });

    const values = bodies.map(
      (b) => decode((b.request ? nspiRequestCodecs : nspiResponseCodecs)[b.type]!, b.bytes).value,
    );
    const enc =
      (rate(() => {
        bodies.forEach((b, i) => encode((b.request ? nspiRequestCodecs : nspiResponseCodecs)[b.type]!, values[i]!));
      }, ms) *
        total) /
      MB;
    results.push({
      name: 'encode the same bodies from their values',
      value: enc,
      unit: 'MB/s',
      baseline,
      ratio: enc / base,
    });

    // A synthetic ROP-width table page: 200 StandardPropertyRows of (I8, Binary(16), String).
    const cols = [0x67480014, 0x0ff90102, 0x3001001f];
    const rowCodec = propertyRow(cols);
    const one = encode(rowCodec, {
      Flag: 0,
      ValueArray: [0x1234n, new Uint8Array(16).fill(7), 'Subject line of a message'],
    });
    const page = new Uint8Array(one.length * 200);
    for (let i = 0; i < 200; i++) page.set(one, i * one.length);
    const rows =
      (rate(() => {
        for (let at = 0; at < page.length; at += one.length) decode(rowCodec, page.subarray(at, at + one.length));
      }, ms) *
        page.length) /
      MB;
    const rowBase = (rate(() => checksum([page]), ms) * page.length) / MB;
    results.push({
      name: `decode 200 PropertyRows (${one.length} bytes each)`,
      value: rows,
      unit: 'MB/s',
      baseline: { name: 'byte checksum over the same rows', value: rowBase },
      ratio: rows / rowBase,
      ...(sink() === 0.5 ? { note: 'unreachable' } : {}),
    });
    return results;
  },
};

export default bench;
