/**
 * ROP buffer decode rate. Each figure sits beside a baseline measured in the
 * same run over the same bytes: the transport's raw framing of the same ROP
 * buffers (RopSize + opaque ROP bytes + handle table) for the real captures,
 * and a byte checksum loop for a large synthetic RopQueryRows response.
 * Rates are per CPU-second of this process (`cpuRate`): waits for a core on a
 * loaded machine do not count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type StructValue, collectErrors, decode, encode } from '../../shared/codec/index.js';
import { decodeBody, ropBuffersOf } from '../../shared/protocol/decode-exchange.js';
import { rawRopRequestBuffer, rawRopResponseBuffer } from '../../shared/protocol/emsmdb/index.js';
import { ropRequestBuffer, ropResponseBuffer } from '../../shared/protocol/rops/buffer.js';
import { MB, checksum, consume, cpuRate, sink } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

interface Pair {
  request: Uint8Array;
  response: Uint8Array;
  requestValue: StructValue;
}

/** The ROP buffers (first payload) of every real Execute pair, re-encoded from their decode. */
function load(): Pair[] {
  const files: [string, string][] = [];
  for (const f of readdirSync(join(FIX, 'syncgw'))) {
    const m = /^execute_req(\d+)\.bin$/.exec(f);
    if (m) files.push([join(FIX, 'syncgw', f), join(FIX, 'syncgw', `execute_resp${m[1]}.bin`)]);
  }
  for (const cap of ['gromox-ruler/cap1', 'gromox-ruler/cap2'])
    for (const f of readdirSync(join(FIX, cap)).filter((x) => x.endsWith('-Execute.request.bin')))
      files.push([join(FIX, cap, f), join(FIX, cap, f.replace('request', 'response'))]);
  const out: Pair[] = [];
  for (const [q, r] of files) {
    const qd = decodeBody('Execute', 'request', new Uint8Array(readFileSync(q)));
    const rd = decodeBody('Execute', 'response', new Uint8Array(readFileSync(r)), { execRequest: qd.value });
    const qb = ropBuffersOf(qd.value)[0];
    const rb = ropBuffersOf(rd.value)[0];
    if (!qb || !rb) continue;
    out.push({
      request: encode(ropRequestBuffer, qb),
      response: encode(ropResponseBuffer, rb, { execRequest: qb }),
      requestValue: qb,
    });
  }
  return out;
}

/** A RopSetColumns + RopQueryRows request and a response with `rows` rows of 6 columns. */
function queryRows(rows: number): { request: Uint8Array; response: Uint8Array } {
  const cols = [0x67480014, 0x0037001f, 0x0e060040, 0x0e080003, 0x0e070003, 0x300b0102];
  const req: StructValue = {
    RopsList: [
      { RopId: 0x12, LogonId: 0, InputHandleIndex: 1, SetColumnsFlags: 0, PropertyTags: cols },
      { RopId: 0x15, LogonId: 0, InputHandleIndex: 1, QueryRowsFlags: 0, ForwardRead: 1, RowCount: rows },
    ],
    ServerObjectHandleTable: [0x10, 0x11],
  };
  const request = encode(ropRequestBuffer, req);
  const row = (i: number) => ({
    Flag: 0,
    ValueArray: [
      BigInt(i) << 16n,
      `Subject of message number ${i}`,
      133141398210000000n + BigInt(i),
      1024 + i,
      i & 3,
      new Uint8Array(16).fill(i & 0xff),
    ],
  });
  const resp: StructValue = {
    RopsList: [
      { RopId: 0x12, InputHandleIndex: 1, ReturnValue: 0, TableStatus: 0 },
      {
        RopId: 0x15,
        InputHandleIndex: 1,
        ReturnValue: 0,
        Origin: 2,
        RowData: Array.from({ length: rows }, (_, i) => row(i)),
      },
    ],
    ServerObjectHandleTable: [0x10, 0x11],
  };
  const qv = decode(ropRequestBuffer, request).value!;
  return { request, response: encode(ropResponseBuffer, resp, { execRequest: qv }) };
}

const bench: Bench = {
  name: 'rops',
  async run({ quick }) {
    const ms = quick ? 150 : 1000;
    const results: BenchResult[] = [];

    const pairs = load();
    const bytes = pairs.reduce((n, p) => n + p.request.length + p.response.length, 0);
    const framing = cpuRate(
      () => {
        for (const p of pairs) {
          consume(decode(rawRopRequestBuffer, p.request).tree.length);
          consume(decode(rawRopResponseBuffer, p.response).tree.length);
        }
      },
      ms,
      ms / 3,
    );
    const full = cpuRate(
      () => {
        for (const p of pairs) {
          consume(decode(ropRequestBuffer, p.request).tree.length);
          consume(decode(ropResponseBuffer, p.response, { context: { execRequest: p.requestValue } }).tree.length);
        }
      },
      ms,
      ms / 3,
    );
    results.push({
      name: `real ROP buffers, request + paired response (${pairs.length} pairs, ${bytes} bytes)`,
      value: (full * bytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'raw framing of the same buffers (ROP bytes opaque)', value: (framing * bytes) / MB },
      ratio: full / framing,
      note: `${Math.round(full * pairs.length * 2)} ROP buffers/s`,
    });

    const nRows = 250; // ~25 KB: one ROP buffer must fit its 32 KB extended buffer
    const big = queryRows(nRows);
    const bigReq = decode(ropRequestBuffer, big.request).value!;
    const check = decode(ropResponseBuffer, big.response, { context: { execRequest: bigReq } });
    if (collectErrors(check.tree).length) throw new Error('synthetic QueryRows response does not decode cleanly');
    const checksumRate = cpuRate(() => checksum([big.response]), ms, ms / 3);
    const rows = cpuRate(
      () => {
        consume(decode(ropResponseBuffer, big.response, { context: { execRequest: bigReq } }).tree.length);
      },
      ms,
      ms / 3,
    );
    results.push({
      name: `RopQueryRows response, ${nRows} rows × 6 columns (${big.response.length} bytes)`,
      value: (rows * big.response.length) / MB,
      unit: 'MB/s',
      baseline: { name: 'byte checksum loop, same bytes', value: (checksumRate * big.response.length) / MB },
      ratio: rows / checksumRate,
    });
    const value = decode(ropResponseBuffer, big.response, { context: { execRequest: bigReq } }).value!;
    const enc = cpuRate(
      () => {
        consume(encode(ropResponseBuffer, value, { execRequest: bigReq }).length);
      },
      ms,
      ms / 3,
    );
    results.push({
      name: 'RopQueryRows response, encode from the decoded value',
      value: (enc * big.response.length) / MB,
      unit: 'MB/s',
      baseline: { name: 'decode of the same bytes', value: (rows * big.response.length) / MB },
      ratio: enc / rows,
    });
    if (sink() === 0.5) results.push({ name: 'unreachable', value: 0, unit: '' });
    return results;
  },
};

export default bench;
