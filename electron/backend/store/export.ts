/**
 * Export of a capture (or HAR/SAZ) or of the workspace's exchanges to HAR 1.2, Fiddler SAZ, or
 * the decoded tree of every exchange as a JSON array (the `decode --json` shape), used by
 * `mapiscope export` and the backend's `file.export`. Redaction is on unless `redact: false`.
 * Streams: one exchange in memory at a time (SAZ input excepted). A file is written to a
 * temporary name and renamed at the end, so a failure never leaves a partial file behind.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { mapiBlockWithDecoder } from '../../../shared/capture/har/mapi.js';
import { HarWriter } from '../../../shared/capture/har/writer.js';
import { Redactor, type RedactionReport } from '../../../shared/capture/redact.js';
import { DecodedNameCollector } from '../../../shared/redact/identities.js';
import { structuredBodies } from '../../../shared/redact/structured.js';
import { SazWriter } from '../../../shared/capture/saz/writer.js';
import { decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { bodyDecodeJson } from '../../../shared/protocol/decode-json.js';
import { VERSION } from '../version.js';
import { detectFormat, iterateExchanges, type CaptureFileFormat } from './load.js';

export type ExportFormat = 'har' | 'saz' | 'json';

/** Node's base64 (native, several times faster than the pure-TS one shared/ must use). */
export const nativeBase64 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export interface ExportOptions {
  format: ExportFormat;
  redact: boolean;
  names?: string[];
  /** Leave the transport decoder out of `_mapi` (headers and meta-tags only, no ROP names): faster. */
  noRops?: boolean;
  /** First pass over the input to find user/mailbox names (headers, credentials and every decoded body), added to `names`. */
  discoverNames?: boolean;
  /** Called every ~1000 exchanges and at the end. */
  progress?: (done: number) => void;
}

export interface ExportResult {
  exchanges: number;
  bytes: number;
  inputFormat?: CaptureFileFormat;
  warnings: string[];
  redaction?: RedactionReport;
  /** How many names the first pass found (with discoverNames). */
  discoveredNames?: number;
}

/** The output file cannot be created. */
export class ExportWriteError extends Error {
  override name = 'ExportWriteError';
}

/** Byte sink: a file stream with backpressure, or a string callback (stdout). */
export interface Sink {
  write(piece: string | Uint8Array): Promise<void>;
  bytes: number;
}

function streamSink(ws: WriteStream): Sink {
  const s: Sink = {
    bytes: 0,
    write(piece) {
      s.bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
      return new Promise((resolve, reject) => {
        const ok = ws.write(piece, (e) => (e ? reject(e) : undefined));
        if (ok) resolve();
        else ws.once('drain', resolve);
      });
    },
  };
  return s;
}

/**
 * Where exported exchanges come from: a fresh pass in capture order on each call (with
 * discoverNames the names pass comes first, `main` false; then the export itself, `main` true).
 */
export type ExchangeSource = (main: boolean) => AsyncIterable<Exchange>;

/** Exports `input` into `sink`; shared by the command and the tests. */
export async function exportCapture(input: string, sink: Sink, opts: ExportOptions): Promise<ExportResult> {
  const warnings: string[] = [];
  const result: ExportResult = { exchanges: 0, bytes: 0, warnings };
  // Fail on an unreadable or unknown file before the first byte is written.
  await detectFormat(input);
  return exportExchanges(
    (main) =>
      main ? iterateExchanges(input, { warnings, format: (f) => (result.inputFormat = f) }) : iterateExchanges(input),
    sink,
    opts,
    result,
  );
}

/** Exports the exchanges of `source` into `sink` (the backend exports its workspace this way). */
export async function exportExchanges(
  input: ExchangeSource,
  sink: Sink,
  opts: ExportOptions,
  result: ExportResult = { exchanges: 0, bytes: 0, warnings: [] },
): Promise<ExportResult> {
  const names = [...(opts.names ?? [])];
  if (opts.redact && opts.discoverNames) {
    const c = new DecodedNameCollector();
    for await (const ex of input(false)) c.add(ex);
    names.push(...c.names());
    result.discoveredNames = c.names().length;
  }
  const redactor = opts.redact ? new Redactor({ names, structured: structuredBodies }) : undefined;
  const source = input(true);
  const each = async function* (): AsyncGenerator<Exchange> {
    for await (const ex of source) {
      result.exchanges++;
      if (opts.progress && result.exchanges % 1000 === 0) opts.progress(result.exchanges);
      yield redactor ? redactor.exchange(ex) : ex;
    }
  };
  if (opts.format === 'har') {
    const w = new HarWriter({
      creatorVersion: VERSION,
      ...(opts.noRops ? {} : { mapi: mapiBlockWithDecoder((ex) => decodeExchange(ex)) }),
      base64: nativeBase64,
    });
    await sink.write(w.begin());
    for await (const ex of each()) await sink.write(w.add(ex));
    const extra: Record<string, unknown> = {};
    if (redactor) {
      const r = redactor.report();
      extra._redaction = {
        counts: r.counts,
        distinctSecrets: r.distinctSecrets,
        redactedExchanges: r.redactedExchanges,
      };
    } else extra._redaction = { disabled: true };
    await sink.write(w.end(extra));
  } else if (opts.format === 'saz') {
    const w = new SazWriter({
      creator: `MapiScope ${VERSION} Session Archive (Fiddler SAZ format)`,
      deflate: (b) => deflateRawSync(b),
    });
    for (const p of w.begin()) await sink.write(p);
    for await (const ex of each()) for (const p of w.add(ex)) await sink.write(p);
    for (const p of w.end()) await sink.write(p);
  } else {
    await sink.write('[');
    let first = true;
    for await (const ex of each()) {
      const d = decodeExchange(ex);
      const o = {
        id: ex.id,
        endpoint: d.endpoint,
        requestType: d.requestType,
        responseCode: d.responseCode,
        request: d.request ? bodyDecodeJson(d.request) : undefined,
        response: d.response ? bodyDecodeJson(d.response) : undefined,
      };
      await sink.write((first ? '\n' : ',\n') + JSON.stringify(o));
      first = false;
    }
    await sink.write('\n]\n');
  }
  opts.progress?.(result.exchanges);
  if (redactor) result.redaction = redactor.report();
  result.bytes = sink.bytes;
  return result;
}

/** Writes to `out` through a temporary file renamed at the end; removes it on failure. */
export function exportToFile(input: string, out: string, opts: ExportOptions): Promise<ExportResult> {
  return writeThroughTemp(out, (sink) => exportCapture(input, sink, opts));
}

/** `exportExchanges` to `out`, through a temporary file like `exportToFile`. */
export function exportExchangesToFile(input: ExchangeSource, out: string, opts: ExportOptions): Promise<ExportResult> {
  return writeThroughTemp(out, (sink) => exportExchanges(input, sink, opts));
}

async function writeThroughTemp(out: string, write: (sink: Sink) => Promise<ExportResult>): Promise<ExportResult> {
  const tmp = `${out}.partial-${process.pid}`;
  const ws = createWriteStream(tmp, { flags: 'wx', highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  }).catch((e: NodeJS.ErrnoException) => {
    throw new ExportWriteError(`cannot write ${out}: ${e.code ?? e.message}`);
  });
  try {
    const r = await write(streamSink(ws));
    await new Promise<void>((resolve, reject) => ws.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(tmp, out);
    return r;
  } catch (e) {
    ws.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}

export function redactionSummary(r: RedactionReport): string {
  const parts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.length
    ? `redacted in ${r.redactedExchanges} of ${r.exchanges} exchanges: ${parts.join(', ')} (${r.distinctSecrets} distinct secret(s), same pseudonym for the same value)`
    : `redaction: nothing to redact in ${r.exchanges} exchanges`;
}
