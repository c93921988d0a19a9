/**
 * HAR export and import on a large synthetic MAPI capture (Execute-like
 * exchanges: 4 KiB binary request, 60 KiB binary response in 3 chunks, made on
 * the fly from a shared random pool so the source itself holds no memory).
 * Baselines, measured in the same run on the same exchanges:
 * - throughput: per exchange, JSON.stringify of both bodies as base64
 *   (Buffer.toString('base64')), the least work any JSON export must do;
 * - memory: building the whole HAR document in memory and JSON.stringify-ing it
 *   once (the naive exporter), on a capture small enough for it to survive;
 *   the streaming writer is measured on that size and on the full size, so the
 *   two streaming figures side by side show whether memory grows with the capture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureWriter, readCapture } from '../../electron/backend/store/capture-file.js';
import { exportToFile } from '../../electron/backend/store/export.js';
import { HarReader, HarWriter, exchangeToHarEntry } from '../../shared/capture/har/index.js';
import type { Bench, BenchResult } from './types.js';

const MB = 1024 * 1024;
const REQ = 4 * 1024;
const RES = 60 * 1024;

const pool = (() => {
  const b = new Uint8Array(2 * MB);
  let x = 12345;
  for (let i = 0; i < b.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
})();

function* synthetic(count: number): Generator<Exchange> {
  const t0 = 1795000000000;
  for (let i = 0; i < count; i++) {
    const at = (i * 7919) % (pool.length - RES - REQ);
    const start = t0 + i * 20.5;
    yield {
      id: i + 1,
      connectionId: 1 + (i % 4),
      timings: { requestStart: start, requestEnd: start + 1, responseHeaders: start + 3, responseEnd: start + 15 },
      request: {
        method: 'POST',
        url: '/mapi/emsmdb/?MailboxId=x@contoso.com',
        httpVersion: 'HTTP/1.1',
        headers: [
          { name: 'Host', value: 'mail.contoso.com' },
          { name: 'Content-Type', value: 'application/mapi-http' },
          { name: 'X-RequestType', value: 'Execute' },
          { name: 'X-RequestId', value: `{C715155F-2BE8-44E0-BD34-2960065754C8}:${i}` },
          { name: 'Cookie', value: 'MapiContext=abc; MapiSequence=def' },
        ],
        body: pool.subarray(at, at + REQ),
      },
      response: {
        statusCode: 200,
        statusMessage: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: [
          { name: 'Content-Type', value: 'application/mapi-http' },
          { name: 'X-ResponseCode', value: '0' },
          { name: 'Transfer-Encoding', value: 'chunked' },
        ],
        body: pool.subarray(at + REQ, at + REQ + RES),
        chunks: [
          { time: start + 3, offset: 0, length: 12 },
          { time: start + 10, offset: 12, length: 9 },
          { time: start + 15, offset: 21, length: RES - 21 },
        ],
      },
    };
  }
}

const bodyMB = (count: number): number => (count * (REQ + RES)) / MB;

/** Streams a HAR of `count` exchanges into a byte counter; returns seconds, output bytes and peak RSS growth. */
const nativeBase64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

function streamExport(count: number, native = false): { s: number; bytes: number; rssMB: number } {
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const w = new HarWriter(native ? { base64: nativeBase64 } : {});
  let bytes = w.begin().length;
  const t0 = performance.now();
  let n = 0;
  for (const ex of synthetic(count)) {
    bytes += w.add(ex).length;
    if (++n % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  bytes += w.end().length;
  const s = (performance.now() - t0) / 1000;
  peak = Math.max(peak, process.memoryUsage.rss());
  return { s, bytes, rssMB: (peak - rss0) / MB };
}

function baselineStringify(count: number): number {
  const t0 = performance.now();
  let bytes = 0;
  for (const ex of synthetic(count))
    bytes += JSON.stringify({
      req: Buffer.from(ex.request.body).toString('base64'),
      res: Buffer.from(ex.response!.body).toString('base64'),
    }).length;
  if (bytes < 0) throw new Error('unreachable');
  return (performance.now() - t0) / 1000;
}

function naiveWholeDocument(count: number): { s: number; rssMB: number } {
  const rss0 = process.memoryUsage.rss();
  const t0 = performance.now();
  const entries = [];
  for (const ex of synthetic(count)) entries.push(exchangeToHarEntry(ex));
  const text = JSON.stringify({ log: { version: '1.2', creator: { name: 'naive', version: '0' }, entries } });
  const rssMB = (process.memoryUsage.rss() - rss0) / MB;
  const s = (performance.now() - t0) / 1000;
  if (text.length === 0) throw new Error('unreachable');
  return { s, rssMB };
}

const bench: Bench = {
  name: 'har',
  async run({ quick }) {
    const results: BenchResult[] = [];
    const small = quick ? 500 : 2000; // ≈ 31 MB / 125 MB of bodies
    const large = quick ? 2000 : 16384; // ≈ 125 MB / 1 GB of bodies
    // Throughput on the small capture, beside the base64-stringify floor.
    // Order matters for RSS: the streaming runs go before the naive one, whose freed heap would hide growth.
    streamExport(50); // warm-up
    const st = streamExport(small);
    const big = streamExport(large);
    const nat = streamExport(small, true);
    const base = baselineStringify(small);
    const mbs = bodyMB(small) / st.s;
    const baseMbs = bodyMB(small) / base;
    results.push({
      name: `HAR export throughput (${bodyMB(small).toFixed(0)} MB of bodies)`,
      value: mbs,
      unit: 'MB/s',
      baseline: { name: 'JSON.stringify of base64 bodies', value: baseMbs },
      ratio: mbs / baseMbs,
      note: `output ${(st.bytes / MB).toFixed(0)} MB of HAR text`,
    });
    results.push({
      name: `HAR export throughput, Node base64 injected as the CLI does (${bodyMB(small).toFixed(0)} MB of bodies)`,
      value: bodyMB(small) / nat.s,
      unit: 'MB/s',
      baseline: { name: 'JSON.stringify of base64 bodies', value: baseMbs },
      ratio: bodyMB(small) / nat.s / baseMbs,
    });
    // Memory: streaming vs whole document on the small capture; streaming on the large one.
    const naive = naiveWholeDocument(small);
    const st2 = st;
    results.push({
      name: `HAR export peak RSS growth, streaming (${bodyMB(small).toFixed(0)} MB capture)`,
      value: st2.rssMB,
      unit: 'MB',
      baseline: { name: 'whole document JSON.stringify, same capture', value: naive.rssMB },
      ratio: st2.rssMB / Math.max(1, naive.rssMB),
    });
    results.push({
      name: `HAR export peak RSS growth, streaming (${bodyMB(large).toFixed(0)} MB capture)`,
      value: big.rssMB,
      unit: 'MB',
      baseline: { name: `streaming, ${bodyMB(small).toFixed(0)} MB capture`, value: st2.rssMB },
      ratio: big.rssMB / Math.max(1, st2.rssMB),
      note: `${(bodyMB(large) / big.s).toFixed(0)} MB/s; a ratio near 1 means memory does not grow with the capture`,
    });
    // Import: HarReader on pieces vs JSON.parse of the whole text.
    const w = new HarWriter();
    const pieces = [w.begin()];
    for (const ex of synthetic(small)) pieces.push(w.add(ex));
    pieces.push(w.end());
    const text = pieces.join('');
    let t0 = performance.now();
    const r = new HarReader('bench.har', false);
    let got = 0;
    for (let i = 0; i < text.length; i += MB) got += r.push(text.slice(i, i + MB)).length;
    r.finish();
    const readS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const rn = new HarReader('bench.har', false, { base64: (x) => new Uint8Array(Buffer.from(x, 'base64')) });
    for (let i = 0; i < text.length; i += MB) rn.push(text.slice(i, i + MB));
    rn.finish();
    const readNativeS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const parsed = JSON.parse(text) as { log: { entries: unknown[] } };
    const parseS = (performance.now() - t0) / 1000;
    if (got !== small || parsed.log.entries.length !== small) throw new Error(`read ${got} of ${small}`);
    results.push({
      name: `HAR import throughput, streaming, bodies decoded (${(text.length / MB).toFixed(0)} MB of HAR)`,
      value: text.length / MB / readS,
      unit: 'MB/s',
      baseline: { name: 'JSON.parse of the whole text (no body decoding)', value: text.length / MB / parseS },
      ratio: parseS / readS,
    });
    results.push({
      name: `HAR import throughput, Node base64 injected as loadExchanges does (${(text.length / MB).toFixed(0)} MB of HAR)`,
      value: text.length / MB / readNativeS,
      unit: 'MB/s',
      baseline: { name: 'JSON.parse of the whole text (no body decoding)', value: text.length / MB / parseS },
      ratio: parseS / readNativeS,
    });
    // The CLI path end to end: capture file → redaction → HAR file on disk, beside a plain read of the same file.
    const dir = mkdtempSync(join(tmpdir(), 'har-bench-'));
    try {
      const n = quick ? 500 : 4096; // ≈ 31 MB / 256 MB of bodies
      const capPath = join(dir, 'c.mscap');
      const cw = await CaptureWriter.create(capPath, {}, { syncIntervalMs: 60000 });
      for (const ex of synthetic(n)) await cw.append(ex);
      await cw.close();
      let t = performance.now();
      let read = 0;
      for await (const ex of readCapture(capPath)) read += ex.request.body.length;
      const readS = (performance.now() - t) / 1000;
      if (read !== n * REQ) throw new Error('capture read back short');
      const rss0 = process.memoryUsage.rss();
      let peak = rss0;
      t = performance.now();
      await exportToFile(capPath, join(dir, 'out.har'), {
        format: 'har',
        redact: true,
        progress: () => void (peak = Math.max(peak, process.memoryUsage.rss())),
      });
      const s = (performance.now() - t) / 1000;
      peak = Math.max(peak, process.memoryUsage.rss());
      results.push({
        name: `CLI export capture → redacted HAR file (${bodyMB(n).toFixed(0)} MB capture)`,
        value: bodyMB(n) / s,
        unit: 'MB/s',
        baseline: { name: 'readCapture of the same file alone', value: bodyMB(n) / readS },
        ratio: readS / s,
        note: `peak RSS growth ${((peak - rss0) / MB).toFixed(1)} MB (includes the transport decoder for _mapi)`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};

export default bench;
