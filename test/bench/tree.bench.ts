/**
 * The decoder's performance goals (test/bench/README.md), each beside a baseline measured in the
 * same run, rounds alternating (figure, baseline, figure, baseline, …) so that
 * drift on a shared machine hits both alike; the median round is reported.
 * Throughput is per CPU-second of this process (GC threads included), so a
 * busy machine's waits for a core do not count; latencies are wall time.
 *
 * - MB/s of the real Execute bodies (syncgw, gromox-ruler cap1 + cap2; the
 *   syncgw set has LZ77-compressed RopBuffers) with full ROP decode, each
 *   response decoded against its request as `decodeExchange` does. Baseline:
 *   a byte checksum loop over the same bytes.
 * - The whole tree of one exchange (`decodeExchange`) over the gromox-ruler
 *   cap1 exchanges: p50 / p99 per exchange. Baseline: the same exchanges with
 *   the ROP buffers framed only (`rawRops: true`, the transport layer's cost).
 * - Values-only decoding (`{ tree: false }`, the session model's forward pass)
 *   of the same bodies and exchanges, beside the tree decode of the same run.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBodyFolder } from '../../electron/backend/store/body-folder.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import { decodeBody, decodeExchange, ropBuffersOf } from '../../shared/protocol/decode-exchange.js';
import type { Bench, BenchResult } from './types.js';
import { cpuRate } from './measure.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const MB = 1024 * 1024;

interface Pair {
  request: Uint8Array;
  response?: Uint8Array;
}

function loadPairs(): Pair[] {
  const out: Pair[] = [];
  const read = (p: string) => new Uint8Array(readFileSync(p));
  for (const f of readdirSync(join(FIX, 'syncgw'))) {
    const m = /^execute_req(\d+)\.bin$/.exec(f);
    if (!m) continue;
    const resp = join(FIX, 'syncgw', `execute_resp${m[1]}.bin`);
    out.push({ request: read(join(FIX, 'syncgw', f)), response: read(resp) });
  }
  for (const cap of ['gromox-ruler/cap1', 'gromox-ruler/cap2'])
    for (const f of readdirSync(join(FIX, cap)).filter((x) => x.endsWith('-Execute.request.bin')))
      out.push({ request: read(join(FIX, cap, f)), response: read(join(FIX, cap, f.replace('request', 'response'))) });
  return out;
}

let sink = 0;

function decodePairs(pairs: readonly Pair[], tree = true): void {
  for (const p of pairs) {
    const q = decodeBody('Execute', 'request', p.request, {}, { tree });
    sink ^= q.errors.length;
    if (!p.response) continue;
    const bufs = ropBuffersOf(q.value);
    const ctx = bufs.length === 1 ? { execRequest: bufs[0] } : bufs.length ? { execRequest: bufs } : {};
    sink ^= decodeBody('Execute', 'response', p.response, ctx, { tree }).errors.length;
  }
}

function checksum(pairs: readonly Pair[]): void {
  let s = 0;
  for (const p of pairs)
    for (const b of [p.request, p.response]) if (b) for (let i = 0; i < b.length; i++) s = (s + b[i]!) | 0;
  sink ^= s;
}

/** Calls per CPU-second of `f` over about `ms` ms of CPU time, after a warm-up of a fifth of that. */
const rate = (f: () => void, ms: number): number => cpuRate(f, ms, ms / 5);

/** Per-exchange times (ms) of `decodeExchange` over `exs`, repeated for about `ms` ms. */
function times(exs: readonly Exchange[], ms: number, ctx: Record<string, unknown>, tree = true): number[] {
  for (let i = 0; i < 3; i++) for (const ex of exs) decodeExchange(ex, ctx, { tree });
  const out: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < ms)
    for (const ex of exs) {
      const s = performance.now();
      sink ^= decodeExchange(ex, ctx, { tree }).metaTags.length;
      out.push(performance.now() - s);
    }
  return out;
}

const median = (a: readonly number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
};
const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const bench: Bench = {
  name: 'tree',
  async run({ quick }) {
    const ms = quick ? 150 : 800;
    const rounds = quick ? 2 : 4;
    const results: BenchResult[] = [];

    const pairs = loadPairs();
    const bytes = pairs.reduce((n, p) => n + p.request.length + (p.response?.length ?? 0), 0);
    const full: number[] = [];
    const base: number[] = [];
    const lean: number[] = [];
    // One untimed round first: V8's tiers and the codecs' compiled decoders (made at their second decode)
    // settle in it, so the timed rounds measure the steady state that a pass over a whole capture runs in.
    rate(() => decodePairs(pairs), ms);
    rate(() => decodePairs(pairs, false), ms);
    for (let i = 0; i < rounds; i++) {
      full.push((rate(() => decodePairs(pairs), ms) * bytes) / MB);
      base.push((rate(() => checksum(pairs), ms) * bytes) / MB);
      lean.push((rate(() => decodePairs(pairs, false), ms) * bytes) / MB);
    }
    const fullMBs = median(full);
    const baseMBs = median(base);
    results.push({
      name: `Execute bodies, full ROP decode, responses against their requests (${pairs.length} pairs, ${bytes} bytes, LZ77 included)`,
      value: fullMBs,
      unit: 'MB/s',
      baseline: { name: 'byte checksum loop, same bytes', value: baseMBs },
      ratio: fullMBs / baseMBs,
      note: `goal ≥ 50 MB/s; ${Math.round((fullMBs * MB) / (bytes / pairs.length / 2))} bodies/s; after a warm-up round; rounds ${full.map((x) => x.toFixed(1)).join(' ')}`,
    });
    const leanMBs = median(lean);
    results.push({
      name: 'Execute bodies, values only ({ tree: false }, what the session pass decodes over a capture), same pairs',
      value: leanMBs,
      unit: 'MB/s',
      baseline: { name: 'full tree decode, same run', value: fullMBs },
      ratio: leanMBs / fullMBs,
      note: `goal ≥ 50 MB/s; every value incl. LZ77 payloads, no display tree; rounds ${lean.map((x) => x.toFixed(1)).join(' ')}`,
    });

    const exs = loadBodyFolder(join(FIX, 'gromox-ruler/cap1')).exchanges;
    const tree: number[] = [];
    const raw: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < rounds; i++) {
      tree.push(...times(exs, ms, {}));
      raw.push(...times(exs, ms, { rawRops: true }));
      values.push(...times(exs, ms, {}, false));
    }
    tree.sort((a, b) => a - b);
    raw.sort((a, b) => a - b);
    values.sort((a, b) => a - b);
    for (const [label, p] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const v = pct(tree, p) * 1000;
      const b = pct(raw, p) * 1000;
      results.push({
        name: `decodeExchange, whole tree of one exchange, ${label} (gromox-ruler cap1, ${exs.length} exchanges)`,
        value: v,
        unit: 'µs',
        baseline: { name: `same exchanges, ROPs framed only (rawRops), ${label}`, value: b },
        ratio: v / b,
        note: label === 'p99' ? 'goal ≤ 5 ms' : `${tree.length} samples`,
      });
    }
    const mean = (a: readonly number[]) => (a.reduce((x, y) => x + y, 0) / a.length) * 1000;
    results.push({
      name: 'decodeExchange values only ({ tree: false }), mean per exchange, same exchanges',
      value: mean(values),
      unit: 'µs',
      baseline: { name: 'whole tree, mean', value: mean(tree) },
      ratio: mean(values) / mean(tree),
      note: `p50 ${(pct(values, 0.5) * 1000).toFixed(1)} µs, p99 ${(pct(values, 0.99) * 1000).toFixed(1)} µs`,
    });
    if (sink === 0.5) results.push({ name: 'unreachable', value: 0, unit: '' });
    return results;
  },
};

export default bench;
