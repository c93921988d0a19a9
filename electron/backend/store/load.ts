/**
 * Opens any capture file the tools accept — HAR (ours or another tool's),
 * Fiddler SAZ, or a MapiScope capture (.mscap) — telling the format from the
 * content, not the name. Used by `decode`, `analyze`, `replay`, `import`,
 * `export` and the backend's "open file".
 *
 * Bad files give a `CaptureFileError` naming the file and the place (line and
 * column, entry, zip member, record offset); what was read before the fault
 * is on `error.partial`, so nothing readable is lost.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { base64Decode } from '../../../shared/codec/bytes.js';
import { CaptureFileError } from '../../../shared/capture/errors.js';
import { HarReader, harTextDecoder } from '../../../shared/capture/har/reader.js';
import { iterateSaz, type SazInfo } from '../../../shared/capture/saz/reader.js';
import { CaptureFormatError, readCapture } from './capture-file.js';
import { MAGIC } from './format.js';

export type CaptureFileFormat = 'har' | 'saz' | 'capture';

export interface LoadedCapture {
  exchanges: Exchange[];
  format: CaptureFileFormat;
  warnings: string[];
}

/** Detects the format from the first bytes: MSCAP magic, a ZIP signature, or JSON text (UTF-8/16, BOM optional). */
export async function detectFormat(path: string): Promise<CaptureFileFormat> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new CaptureFileError(path, '', `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    if ((await fh.stat()).isDirectory()) throw new CaptureFileError(path, '', 'is a folder, not a capture file');
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const b = head.subarray(0, bytesRead);
    if (bytesRead === 0) throw new CaptureFileError(path, 'offset 0', 'empty file');
    if (b.length >= MAGIC.length && b.subarray(0, MAGIC.length).equals(MAGIC)) return 'capture';
    if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6)) return 'saz';
    const text = harTextDecoder(b)
      .decode(b)
      .replace(/^\ufeff/, '')
      .trimStart();
    if (text.startsWith('{')) return 'har';
    if (text.startsWith('['))
      throw new CaptureFileError(path, 'offset 0', 'JSON array, not a HAR file (a HAR starts with {"log": …})');
    throw new CaptureFileError(
      path,
      'offset 0',
      'unknown format: not a HAR (JSON), a Fiddler SAZ (ZIP) or a MapiScope capture',
    );
  } finally {
    await fh.close();
  }
}

/** Reads a whole capture file into memory. */
export async function loadExchanges(path: string): Promise<LoadedCapture> {
  const format = await detectFormat(path);
  const warnings: string[] = [];
  const exchanges: Exchange[] = [];
  try {
    for await (const ex of iterate(path, format, warnings)) exchanges.push(ex);
  } catch (e) {
    const err = asFileError(e, path);
    err.partial = { exchanges, warnings: [...warnings, ...(err.partial?.warnings ?? [])].filter(uniq) };
    throw err;
  }
  return { exchanges, format, warnings };
}

/**
 * Streams the exchanges of a capture file, one at a time: HAR is split entry
 * by entry (memory follows the biggest entry), capture files are read record
 * by record; SAZ holds the archive in memory and inflates one member at a time.
 * Warnings are pushed to `opts.warnings` as they are found.
 */
export async function* iterateExchanges(
  path: string,
  opts: { warnings?: string[]; format?: (f: CaptureFileFormat) => void } = {},
): AsyncGenerator<Exchange> {
  const format = await detectFormat(path);
  opts.format?.(format);
  try {
    yield* iterate(path, format, opts.warnings ?? []);
  } catch (e) {
    throw asFileError(e, path);
  }
}

async function* iterate(path: string, format: CaptureFileFormat, warnings: string[]): AsyncGenerator<Exchange> {
  if (format === 'capture') {
    yield* readCapture(path, {
      onTornTail: (t) =>
        warnings.push(
          `${path}: incomplete record at offset ${t.offset} (${t.bytes} bytes${t.reason ? `, ${t.reason}` : ''}) skipped: the capture was cut short`,
        ),
    });
    return;
  }
  if (format === 'saz') {
    const data = new Uint8Array(await readFile(path));
    const info: SazInfo = { warnings, comment: '' };
    yield* iterateSaz(data, path, info);
    return;
  }
  const reader = new HarReader(path, false, { base64: nativeBase64Decode });
  let decoder: TextDecoder | undefined;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      decoder ??= harTextDecoder(chunk);
      for (const ex of reader.push(decoder.decode(chunk, { stream: true }))) yield ex;
    }
    const rest = decoder ? decoder.decode() : '';
    if (rest) for (const ex of reader.push(rest)) yield ex;
    reader.finish();
  } finally {
    stream.destroy();
    for (const w of reader.warnings) if (!warnings.includes(w)) warnings.push(w);
  }
}

const STRICT_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Node's base64 decoder where the text is plain standard base64; ours (lenient forms, validation) otherwise. */
function nativeBase64Decode(s: string): Uint8Array | undefined {
  if (s.length % 4 === 0 && STRICT_B64.test(s)) {
    const b = Buffer.from(s, 'base64');
    // Small results live in Node's shared pool: copy them so every body owns its ArrayBuffer.
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
  }
  return base64Decode(s);
}

function asFileError(e: unknown, path: string): CaptureFileError {
  if (e instanceof CaptureFileError) return e;
  if (e instanceof CaptureFormatError) return new CaptureFileError(path, '', e.message.replace(`${path}: `, ''));
  const code = (e as NodeJS.ErrnoException)?.code;
  return new CaptureFileError(path, '', code ? `read failed (${code})` : String((e as Error)?.message ?? e));
}

function uniq(v: string, i: number, a: string[]): boolean {
  return a.indexOf(v) === i;
}

/** Size of a file in bytes (for progress). */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
