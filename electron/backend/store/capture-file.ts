/**
 * Capture files: CaptureWriter (append-only, crash-safe), readCapture (streaming) and
 * openCapture (random access through the index). Format: format.ts.
 */
import { open, readFile, rename, stat, writeFile, type FileHandle } from 'node:fs/promises';
import type { Exchange } from '../../../shared/capture/exchange.js';
import {
  type CaptureMeta,
  FORMAT_VERSION,
  INDEX_ENTRY,
  INDEX_HEADER,
  INDEX_MAGIC,
  MAGIC,
  RECORD_OVERHEAD,
  RecordType,
  type StoredConnectionEvent,
  checkRecord,
  decodeExchange,
  encodeExchange,
  encodeJson,
  indexEntry,
  indexHeader,
} from './format.js';
import { AppendThread } from './append-thread.js';

export { FORMAT_VERSION, type CaptureMeta, type StoredConnectionEvent } from './format.js';

export interface TornTail {
  /** Offset of the first byte that is not part of a complete record. */
  offset: number;
  /** How many bytes from there to the end of the file. */
  bytes: number;
  /** Why the tail was rejected. */
  reason?: 'short' | 'crc' | 'type';
}

export class CaptureFormatError extends Error {
  override name = 'CaptureFormatError';
}

interface Entry {
  offset: number;
  length: number;
  id: number;
  type: number;
}

/** Reads a file through a 1 MiB window; records larger than the window are read whole. */
class BlockReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}
  async slice(pos: number, n: number): Promise<Buffer> {
    if (pos >= this.start && pos + n <= this.start + this.buf.length) {
      return this.buf.subarray(pos - this.start, pos - this.start + n);
    }
    const want = Math.min(Math.max(n, 1 << 20), Math.max(0, this.size - pos));
    const b = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(b, got, want - got, pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.buf = b.subarray(0, got);
    this.start = pos;
    return this.buf.subarray(0, Math.min(n, got));
  }
}

interface ScanResult {
  entries: Entry[];
  end: number;
  tornTail?: TornTail;
}

/** Walks records from `from` to the end of the file, calling `each` for every valid one. */
async function scan(
  r: BlockReader,
  from: number,
  each?: (e: Entry, payload: Buffer) => void | Promise<void>,
): Promise<ScanResult> {
  const entries: Entry[] = [];
  let pos = from;
  while (pos < r.size) {
    const head = await r.slice(pos, RECORD_OVERHEAD);
    if (head.length < RECORD_OVERHEAD)
      return { entries, end: pos, tornTail: { offset: pos, bytes: r.size - pos, reason: 'short' } };
    const total = RECORD_OVERHEAD + head.readUInt32LE(0);
    if (pos + total > r.size)
      return { entries, end: pos, tornTail: { offset: pos, bytes: r.size - pos, reason: 'short' } };
    const rec = await r.slice(pos, total);
    const c = checkRecord(rec, 0);
    if (!c.ok) return { entries, end: pos, tornTail: { offset: pos, bytes: r.size - pos, reason: c.reason } };
    const id = c.type === RecordType.Exchange ? exchangeIdOf(c.payload) : 0;
    const e = { offset: pos, length: total, id, type: c.type };
    entries.push(e);
    if (each) await each(e, c.payload);
    pos += total;
  }
  return { entries, end: pos };
}

/** The Exchange id from an exchange payload without decoding the bodies. */
function exchangeIdOf(payload: Buffer): number {
  const jsonLen = payload.readUInt32LE(0);
  // "id" is the first key JSON.stringify writes for an Exchange; fall back to a full parse.
  const m = /^\{"id":(\d+)/.exec(payload.subarray(4, Math.min(4 + jsonLen, 40)).toString('latin1'));
  if (m) return Number(m[1]);
  return (JSON.parse(payload.subarray(4, 4 + jsonLen).toString('utf8')) as { id: number }).id;
}

async function checkMagic(fh: FileHandle, path: string): Promise<void> {
  const b = Buffer.alloc(MAGIC.length);
  const { bytesRead } = await fh.read(b, 0, b.length, 0);
  if (bytesRead < MAGIC.length || !b.equals(MAGIC)) {
    throw new CaptureFormatError(`${path} is not a MapiScope capture file (bad magic)`);
  }
}

/** Loads the index if it is consistent with the data file; returns the entries it can vouch for. */
async function loadIndex(path: string, r: BlockReader): Promise<Entry[]> {
  let raw: Buffer;
  try {
    raw = await readFile(indexPath(path));
  } catch {
    return [];
  }
  if (raw.length < INDEX_HEADER || !raw.subarray(0, INDEX_MAGIC.length).equals(INDEX_MAGIC)) return [];
  const n = Math.floor((raw.length - INDEX_HEADER) / INDEX_ENTRY);
  const out: Entry[] = [];
  let expect = MAGIC.length;
  for (let i = 0; i < n; i++) {
    const o = INDEX_HEADER + i * INDEX_ENTRY;
    const e = {
      offset: raw.readDoubleLE(o),
      length: raw.readUInt32LE(o + 8),
      id: raw.readUInt32LE(o + 12),
      type: raw.readUInt32LE(o + 16),
    };
    if (e.offset !== expect || e.offset + e.length > r.size) break;
    out.push(e);
    expect = e.offset + e.length;
  }
  // Spot check: the last indexed record must be intact, else the index belongs to another file.
  const last = out[out.length - 1];
  if (last) {
    const rec = await r.slice(last.offset, last.length);
    if (!checkRecord(rec, 0).ok) return [];
  }
  return out;
}

export function indexPath(path: string): string {
  return `${path}.idx`;
}

interface Layout {
  meta?: CaptureMeta;
  entries: Entry[];
  end: number;
  tornTail?: TornTail;
  indexed: number;
}

async function layout(path: string, fh: FileHandle, size: number): Promise<Layout> {
  await checkMagic(fh, path);
  const r = new BlockReader(fh, size);
  const indexed = await loadIndex(path, r);
  const from = indexed.length
    ? indexed[indexed.length - 1]!.offset + indexed[indexed.length - 1]!.length
    : MAGIC.length;
  const rest = await scan(r, from);
  const entries = indexed.concat(rest.entries);
  let meta: CaptureMeta | undefined;
  const first = entries[0];
  if (first && first.type === RecordType.Meta) {
    const rec = await r.slice(first.offset, first.length);
    const c = checkRecord(rec, 0);
    if (c.ok) meta = JSON.parse(c.payload.toString('utf8')) as CaptureMeta;
  }
  if (meta && typeof meta.formatVersion === 'number' && meta.formatVersion > FORMAT_VERSION) {
    throw new CaptureFormatError(
      `${path} has format version ${meta.formatVersion}; this build reads up to ${FORMAT_VERSION}`,
    );
  }
  return {
    ...(meta ? { meta } : {}),
    entries,
    end: rest.end,
    ...(rest.tornTail ? { tornTail: rest.tornTail } : {}),
    indexed: indexed.length,
  };
}

export interface CaptureWriterOptions {
  /** fdatasync at most this often while appending (ms); 0 = after every append. Default 1000. */
  syncIntervalMs?: number;
  /**
   * Encode and write on a worker thread (append-thread.ts) instead of this thread's event loop:
   * for a live capture, whose thread also runs the proxy. `append` resolves at the same point
   * either way: once the record's write() has returned.
   */
  thread?: boolean;
}

export class CaptureWriter {
  private chain: Promise<void> = Promise.resolve();
  private queue: { rec: Buffer; type: RecordType; id: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;
  private closed = false;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private failure?: Error;
  private exchanges: number;
  private lastId: number;
  private readonly appender?: AppendThread;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly ifh: FileHandle,
    private pos: number,
    private ipos: number,
    exchanges: number,
    lastId: number,
    private readonly syncMs: number,
    thread: boolean,
    /** The torn tail found (and moved aside) when the file was reopened for append. */
    readonly tornTail?: TornTail & { savedTo?: string },
  ) {
    this.exchanges = exchanges;
    this.lastId = lastId;
    if (thread) this.appender = new AppendThread(path, { fd: fh.fd, indexFd: ifh.fd, pos, ipos, syncMs });
  }

  /** Creates a new capture file (fails if it exists: an existing capture is never overwritten). */
  static async create(path: string, meta: object = {}, opts: CaptureWriterOptions = {}): Promise<CaptureWriter> {
    const fh = await open(path, 'wx');
    try {
      const m: CaptureMeta = {
        ...meta,
        formatVersion: FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        app: 'mapiscope',
      };
      const metaRec = encodeJson(RecordType.Meta, m);
      await fh.write(Buffer.concat([MAGIC, metaRec]), 0, MAGIC.length + metaRec.length, 0);
      await fh.datasync();
      const ifh = await open(indexPath(path), 'w');
      const head = indexHeader();
      const first = indexEntry(MAGIC.length, metaRec.length, 0, RecordType.Meta);
      await ifh.write(Buffer.concat([head, first]), 0, head.length + first.length, 0);
      return new CaptureWriter(
        path,
        fh,
        ifh,
        MAGIC.length + metaRec.length,
        INDEX_HEADER + INDEX_ENTRY,
        0,
        0,
        opts.syncIntervalMs ?? 1000,
        opts.thread ?? false,
      );
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Opens an existing capture to append more. A torn tail (a crash mid-write) is copied to
   * `<path>.torn-<offset>` and cut off, so new records start on a record boundary; the index is
   * brought up to date.
   */
  static async openForAppend(path: string, opts: CaptureWriterOptions = {}): Promise<CaptureWriter> {
    const fh = await open(path, 'r+');
    try {
      const size = (await fh.stat()).size;
      const l = await layout(path, fh, size);
      let torn: (TornTail & { savedTo?: string }) | undefined;
      if (l.tornTail) {
        const bytes = Buffer.alloc(l.tornTail.bytes);
        await fh.read(bytes, 0, bytes.length, l.tornTail.offset);
        const savedTo = `${path}.torn-${l.tornTail.offset}`;
        await writeFile(savedTo, bytes);
        await fh.truncate(l.tornTail.offset);
        await fh.datasync();
        torn = { ...l.tornTail, savedTo };
      }
      // Rewrite the index from what the data file holds (cheap: 20 bytes per record).
      const tmp = `${indexPath(path)}.tmp`;
      const parts = [indexHeader(), ...l.entries.map((e) => indexEntry(e.offset, e.length, e.id, e.type))];
      await writeFile(tmp, Buffer.concat(parts));
      await rename(tmp, indexPath(path));
      const ifh = await open(indexPath(path), 'r+');
      const ex = l.entries.filter((e) => e.type === RecordType.Exchange);
      const lastId = ex.reduce((m, e) => Math.max(m, e.id), 0);
      return new CaptureWriter(
        path,
        fh,
        ifh,
        l.end,
        INDEX_HEADER + l.entries.length * INDEX_ENTRY,
        ex.length,
        lastId,
        opts.syncIntervalMs ?? 1000,
        opts.thread ?? false,
        torn,
      );
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
  }

  /** Exchanges in the file (including those appended through this writer). */
  get count(): number {
    return this.exchanges;
  }

  /** The id a new exchange should get (1 + the highest id in the file). */
  get nextId(): number {
    return this.lastId + 1;
  }

  /** Appends one completed exchange. Resolves when its record is in the file. */
  append(ex: Exchange): Promise<void> {
    if (this.appender) return this.viaThread(() => this.appender!.appendExchange(ex), ex.id);
    return this.enqueue(encodeExchange(ex), RecordType.Exchange, ex.id);
  }

  /** Appends a connection open/close/error event. */
  appendConnectionEvent(ev: StoredConnectionEvent): Promise<void> {
    if (this.appender) return this.viaThread(() => this.appender!.appendJson(RecordType.Connection, ev));
    return this.enqueue(encodeJson(RecordType.Connection, ev), RecordType.Connection, 0);
  }

  private viaThread(post: () => Promise<void>, exchangeId?: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`capture ${this.path} is closed`));
    const written = post();
    if (exchangeId === undefined) return written;
    return written.then(() => {
      this.exchanges++;
      if (exchangeId > this.lastId) this.lastId = exchangeId;
    });
  }

  private enqueue(rec: Buffer, type: RecordType, id: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`capture ${this.path} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rec, type, id, resolve, reject });
      if (!this.flushing) this.chain = this.flushLoop();
    });
  }

  /**
   * Group commit: everything queued while a write is in progress goes out in the next single
   * write (records in call order), and its index entries in one more. Each promise resolves once
   * its record is in the file.
   */
  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 256);
        if (this.failure) {
          for (const b of batch) b.reject(this.failure);
          continue;
        }
        const at = this.pos;
        const entries: Buffer[] = [];
        let o = at;
        for (const b of batch) {
          entries.push(indexEntry(o, b.rec.length, b.id, b.type));
          o += b.rec.length;
        }
        try {
          await writeAll(this.fh, batch.length === 1 ? batch[0]!.rec : Buffer.concat(batch.map((b) => b.rec)), at);
          this.pos = o;
          await writeAll(this.ifh, entries.length === 1 ? entries[0]! : Buffer.concat(entries), this.ipos);
          this.ipos += INDEX_ENTRY * entries.length;
          for (const b of batch) {
            if (b.type === RecordType.Exchange) {
              this.exchanges++;
              if (b.id > this.lastId) this.lastId = b.id;
            }
          }
          this.dirty = true;
          if (this.syncMs === 0) await this.sync();
          else this.timer ??= setTimeout(() => void this.sync().catch(() => undefined), this.syncMs).unref();
        } catch (e) {
          // A failed write (disk full...) may leave a partial record: later opens report it as torn.
          this.failure = new Error(`writing ${this.path} failed: ${(e as Error).message}`);
          for (const b of batch) b.reject(this.failure);
          continue;
        }
        for (const b of batch) b.resolve();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async sync(): Promise<void> {
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    await this.fh.datasync();
  }

  /** Waits for pending appends, syncs and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.appender) {
      // The thread writes what is queued and syncs; the descriptors are closed here either way.
      const end = await this.appender.close().catch((e: Error) => e);
      await this.ifh.close().catch(() => undefined);
      await this.fh.close();
      if (end instanceof Error) throw end;
      this.pos = end.pos;
      this.ipos = end.ipos;
      return;
    }
    await this.chain;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sync().catch(() => undefined);
    await this.ifh.close().catch(() => undefined);
    await this.fh.close();
  }
}

async function writeAll(fh: FileHandle, b: Buffer, pos: number): Promise<void> {
  let done = 0;
  while (done < b.length) {
    const { bytesWritten } = await fh.write(b, done, b.length - done, pos + done);
    done += bytesWritten;
  }
}

export interface ReadCaptureOptions {
  /** Called once if the file ends in a torn record (the generator then ends normally). */
  onTornTail?: (t: TornTail) => void;
  /** Also called for connection events, in file order. */
  onConnectionEvent?: (e: StoredConnectionEvent) => void;
}

/** Streams every complete exchange in file order, one record in memory at a time. */
export async function* readCapture(path: string, opts: ReadCaptureOptions = {}): AsyncGenerator<Exchange> {
  const fh = await open(path, 'r');
  try {
    await checkMagic(fh, path);
    const size = (await fh.stat()).size;
    const r = new BlockReader(fh, size);
    let pos = MAGIC.length;
    while (pos < size) {
      const head = await r.slice(pos, RECORD_OVERHEAD);
      const total = head.length < RECORD_OVERHEAD ? Infinity : RECORD_OVERHEAD + head.readUInt32LE(0);
      const rec = pos + total <= size ? await r.slice(pos, total) : undefined;
      const c = rec ? checkRecord(rec, 0) : ({ ok: false, reason: 'short' } as const);
      if (!c.ok) {
        opts.onTornTail?.({ offset: pos, bytes: size - pos, reason: c.reason });
        return;
      }
      pos += total;
      if (c.type === RecordType.Exchange) yield decodeExchange(c.payload);
      else if (c.type === RecordType.Connection && opts.onConnectionEvent) {
        opts.onConnectionEvent(JSON.parse(c.payload.toString('utf8')) as StoredConnectionEvent);
      }
    }
  } finally {
    await fh.close();
  }
}

export interface OpenCapture {
  /** Complete exchanges in the file. */
  count: number;
  meta?: CaptureMeta;
  /** Exchange ids in file order. */
  ids: number[];
  /** One exchange by its id (reads and decodes only that record). */
  get(id: number): Promise<Exchange>;
  /** The exchange at `position` in file order (0-based; `ids[position]` is its id). */
  at(position: number): Promise<Exchange>;
  /**
   * Streams the exchanges at positions `from` … `to - 1` in file order through a 1 MiB window
   * (one record decoded at a time). A damaged record throws CaptureFormatError.
   */
  read(from?: number, to?: number): AsyncGenerator<Exchange>;
  /** Present when the file ends in an incomplete or corrupt record (skipped). */
  tornTail?: TornTail;
  /** True when the index was missing or behind and part of the file was scanned. */
  scanned: boolean;
  close(): Promise<void>;
}

/** Opens a capture for random access: index first, then a scan of whatever the index does not cover. */
export async function openCapture(path: string): Promise<OpenCapture> {
  const fh = await open(path, 'r');
  try {
    const size = (await stat(path)).size;
    const l = await layout(path, fh, size);
    const byId = new Map<number, Entry>();
    const ids: number[] = [];
    const exEntries: Entry[] = [];
    for (const e of l.entries) {
      if (e.type !== RecordType.Exchange) continue;
      byId.set(e.id, e);
      ids.push(e.id);
      exEntries.push(e);
    }
    let closed = false;
    const decodeRecord = (e: Entry, rec: Buffer): Exchange => {
      const c = checkRecord(rec, 0);
      if (!c.ok)
        throw new CaptureFormatError(`exchange ${e.id} at offset ${e.offset} in ${path} is damaged (${c.reason})`);
      return decodeExchange(c.payload);
    };
    const readEntry = async (e: Entry): Promise<Exchange> => {
      if (closed) throw new Error(`capture ${path} is closed`);
      const b = Buffer.allocUnsafe(e.length);
      const { bytesRead } = await fh.read(b, 0, e.length, e.offset);
      return decodeRecord(e, b.subarray(0, bytesRead));
    };
    return {
      count: ids.length,
      ...(l.meta ? { meta: l.meta } : {}),
      ids,
      ...(l.tornTail ? { tornTail: l.tornTail } : {}),
      scanned: l.indexed < l.entries.length || l.entries.length === 0,
      async get(id: number): Promise<Exchange> {
        if (closed) throw new Error(`capture ${path} is closed`);
        const e = byId.get(id);
        if (!e) throw new RangeError(`no exchange ${id} in ${path}`);
        return readEntry(e);
      },
      async at(position: number): Promise<Exchange> {
        const e = exEntries[position];
        if (!e) throw new RangeError(`no exchange at position ${position} in ${path}`);
        return readEntry(e);
      },
      async *read(from = 0, to = exEntries.length): AsyncGenerator<Exchange> {
        const r = new BlockReader(fh, size);
        for (let i = Math.max(0, from); i < Math.min(to, exEntries.length); i++) {
          if (closed) throw new Error(`capture ${path} is closed`);
          const e = exEntries[i]!;
          yield decodeRecord(e, await r.slice(e.offset, e.length));
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}
