/**
 * Decode throughput of the transport decoders on real Execute bodies, each
 * figure beside a baseline measured in the same run over the same bytes:
 * a plain byte checksum loop (the cost of touching every byte once) and, for
 * LZ77, a plain copy of the decompressed bytes. Rates are per CPU-second of
 * this process (`cpuRate`), so waits for a core on a loaded machine do not
 * count; the first figure's note gives the load average.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PayloadValue, type StructValue, encode } from '../../shared/codec/index.js';
import { decodeBody } from '../../shared/protocol/decode-exchange.js';
import { executeResponseRaw, rawRopResponseBuffer } from '../../shared/protocol/emsmdb/index.js';
import { buildExtendedBufferChain } from '../../shared/protocol/rpcext/index.js';
import { compressLz77, decompressLz77 } from '../../shared/protocol/rpcext/lz77.js';
import { MB, checksum, consume, cpuRate, sink } from './measure.js';
import type { Bench, BenchResult } from './types.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

function load(): { type: 'request' | 'response'; bytes: Uint8Array }[] {
  const out: { type: 'request' | 'response'; bytes: Uint8Array }[] = [];
  for (const f of readdirSync(join(FIX, 'syncgw')).filter((x) => /^execute_(req|resp)\d+\.bin$/.test(x)))
    out.push({
      type: f.includes('_req') ? 'request' : 'response',
      bytes: new Uint8Array(readFileSync(join(FIX, 'syncgw', f))),
    });
  for (const cap of ['gromox-ruler/cap1', 'gromox-ruler/cap2'])
    for (const f of readdirSync(join(FIX, cap)).filter((x) => /-Execute\.(request|response)\.bin$/.test(x)))
      out.push({
        type: f.endsWith('request.bin') ? 'request' : 'response',
        bytes: new Uint8Array(readFileSync(join(FIX, cap, f))),
      });
  return out;
}

const bench: Bench = {
  name: 'decode',
  async run({ quick }) {
    const ms = quick ? 150 : 1000;
    const results: BenchResult[] = [];
    const bodies = load();
    const bytes = bodies.reduce((n, b) => n + b.bytes.length, 0);
    const plain = bodies.map((b) => b.bytes);
    const baseMBs = (cpuRate(() => checksum(plain), ms) * bytes) / MB;
    // One untimed pass of each decode first (V8's tiers, the codecs' compiled decoders), as the tree bench does.
    cpuRate(() => {
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes);
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes, {}, { tree: false });
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes, { rawRops: true });
    }, ms);

    const full = cpuRate(() => {
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes);
    }, ms);
    results.push({
      name: `Execute bodies, full decode incl. ROPs (${bodies.length} real bodies, ${bytes} bytes)`,
      value: (full * bytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'byte checksum loop, same bytes', value: baseMBs },
      ratio: (full * bytes) / MB / baseMBs,
      note: `${Math.round(full * bodies.length)} bodies/CPU-s; load average ${loadavg()[0]!.toFixed(1)}`,
    });
    const values = cpuRate(() => {
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes, {}, { tree: false });
    }, ms);
    results.push({
      name: 'Execute bodies, values only ({ tree: false }, the session pass), same bodies',
      value: (values * bytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'full decode with the tree, same run', value: (full * bytes) / MB },
      ratio: values / full,
      note: `${Math.round(values * bodies.length)} bodies/s; responses decoded without their requests, so those with context-unavailable nodes are decoded again with the tree (the tree bench pairs them)`,
    });
    const raw = cpuRate(() => {
      for (const b of bodies) decodeBody('Execute', b.type, b.bytes, { rawRops: true });
    }, ms);
    results.push({
      name: 'Execute bodies, transport layer only (ROPs raw)',
      value: (raw * bytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'byte checksum loop, same bytes', value: baseMBs },
      ratio: (raw * bytes) / MB / baseMBs,
      note: `${Math.round(raw * bodies.length)} bodies/s`,
    });

    // A large real ROP response payload (execute_resp44, FastTransfer data) re-framed compressed.
    const resp44 = decodeBody(
      'Execute',
      'response',
      new Uint8Array(readFileSync(join(FIX, 'syncgw/execute_resp44.bin'))),
      { rawRops: true },
    );
    const payloadBytes = encode(
      rawRopResponseBuffer,
      ((resp44.value!.RopBuffer as StructValue[])[0]!.Payload as PayloadValue<StructValue>).value!,
    );
    const compressedBody = encode(executeResponseRaw, {
      StatusCode: 0,
      ErrorCode: 0,
      Flags: 0,
      RopBuffer: buildExtendedBufferChain(rawRopResponseBuffer, 'ROP_RESPONSE_BUFFER', [payloadBytes], {
        compress: true,
      }),
      AuxiliaryBuffer: [],
    });
    const wire = compressedBody.subarray(24, compressedBody.length - 4);
    const lzBodyRate = cpuRate(() => decodeBody('Execute', 'response', compressedBody), ms);
    const baseOne = (cpuRate(() => checksum([compressedBody]), ms) * compressedBody.length) / MB;
    results.push({
      name: `Execute response with LZ77 RopBuffer (execute_resp44 payload ${payloadBytes.length} B → ${compressedBody.length} B body), full decode`,
      value: (lzBodyRate * compressedBody.length) / MB,
      unit: 'MB/s (wire)',
      baseline: { name: 'byte checksum loop, same body', value: baseOne },
      ratio: (lzBodyRate * compressedBody.length) / MB / baseOne,
      note: `${((lzBodyRate * payloadBytes.length) / MB).toFixed(1)} MB/s of decompressed payload`,
    });

    // LZ77 alone on the real payloads.
    const golden = [
      payloadBytes,
      new Uint8Array(readFileSync(join(FIX, 'openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin'))),
      new Uint8Array(readFileSync(join(FIX, 'syncgw/execute_req45.decompressed.bin'))),
    ];
    const comp = golden.map((g) => compressLz77(g));
    const outBytes = golden.reduce((n, g) => n + g.length, 0);
    const dec = cpuRate(() => {
      for (let i = 0; i < comp.length; i++) decompressLz77(comp[i]!, golden[i]!.length);
    }, ms);
    const copy = cpuRate(() => {
      for (const g of golden) consume(g.slice()[0]!);
    }, ms);
    results.push({
      name: 'LZ77 decompress (3 real payloads, output bytes)',
      value: (dec * outBytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'Uint8Array copy of the same output', value: (copy * outBytes) / MB },
      ratio: dec / copy,
    });
    const cmp = cpuRate(() => {
      for (const g of golden) compressLz77(g);
    }, ms);
    const baseG = (cpuRate(() => checksum(golden), ms) * outBytes) / MB;
    results.push({
      name: 'LZ77 compress (3 real payloads, input bytes)',
      value: (cmp * outBytes) / MB,
      unit: 'MB/s',
      baseline: { name: 'byte checksum loop, same bytes', value: baseG },
      ratio: (cmp * outBytes) / MB / baseG,
      note: `ratio ${(comp.reduce((n, c) => n + c.length, 0) / outBytes).toFixed(3)} of input; wire ${wire.length} B for resp44`,
    });
    if (sink() === 0x7fffffff) results.push({ name: 'sink', value: sink(), unit: '' });
    return results;
  },
};

export default bench;
