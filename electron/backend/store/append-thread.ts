/**
 * The capture file's appender on a worker thread, so that encoding (JSON, CRC32), the write()
 * calls, the index and fdatasync never run on the proxy's event loop.
 *
 * The caller's thread only copies the two bodies into one transferable buffer and queues the
 * exchange's head (format.ts `exchangeHead`). At most one batch is on its way to the thread at a
 * time: with none outstanding, what is queued during one turn of the event loop is posted at the end
 * of that turn; while one is outstanding, records wait for its acknowledgement and are posted together
 * as the next batch from the handler of that acknowledgement. So under load a cross-thread wake-up
 * (each way) carries a batch, not a record, and one client alone waits for no other record. The
 * thread writes records in the order they were queued: a batch goes out in one writev() (group
 * commit), then its index entries in one write, then one acknowledgement for the batch.
 *
 * Durability (the contract `CaptureWriter.append` keeps): the promise of an append resolves once
 * the thread's write() of its record has returned, i.e. the kernel holds the bytes and a `kill -9`
 * of the process can no longer lose them (a power loss can, until the next fdatasync, at most
 * `syncMs` later). A record is written whole or, if the process dies inside the write, leaves a
 * torn tail that both readers detect (format.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { INDEX_ENTRY, RecordType, exchangeHead } from './format.js';

export interface AppendThreadOptions {
  /** Open descriptors of the data file and its index; they stay owned (and closed) by the caller. */
  fd: number;
  indexFd: number;
  /** Where the next record and index entry go. */
  pos: number;
  ipos: number;
  /** fdatasync at most this often (ms); 0 = before each acknowledgement. */
  syncMs: number;
}

/** A record handed to the thread; `body` holds the request body then the response body. */
interface RecordMessage {
  seq: number;
  type: RecordType;
  id: number;
  head?: Record<string, unknown>;
  body?: ArrayBuffer;
  value?: unknown;
}

type Reply = { k: 'ack'; upTo: number; error?: string } | { k: 'closed'; pos: number; ipos: number; error?: string };

interface Pending {
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * The thread's code. It runs from its own source text (`new Worker(src, { eval: true })`), so it
 * works the same from TypeScript sources (tsx, vitest) and from the bundled app: it may use only
 * `process.getBuiltinModule` and `workerData`, nothing from this module's scope. The record
 * layout it writes is format.ts's (`encodeExchange`, `encodeJson`, `indexEntry`); a unit test
 * requires the bytes to be identical.
 */
function appendThreadMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const { crc32 } = process.getBuiltinModule('node:zlib');
  const port = parentPort!;
  const d = workerData as AppendThreadOptions & { exchangeType: number; indexEntry: number };
  let pos = d.pos;
  let ipos = d.ipos;
  let queue: RecordMessage[] = [];
  let scheduled = false;
  let failure: string | undefined;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const none = new Uint8Array(0);

  // Helpers are methods of one object, not named local functions: bundlers that keep function names
  // would wrap those in a helper of this module's scope, which the thread does not have.
  const io = {
    writevAll(parts: Uint8Array[], at: number): void {
      let total = 0;
      for (const p of parts) total += p.length;
      const n = fs.writevSync(d.fd, parts, at);
      if (n === total) return;
      // A short write (rare on regular files): the rest in plain writes.
      const rest = Buffer.concat(parts).subarray(n);
      let done = 0;
      while (done < rest.length) done += fs.writeSync(d.fd, rest, done, rest.length - done, at + n + done);
    },
    sync(): void {
      timer = undefined;
      if (!dirty) return;
      dirty = false;
      fs.fdatasync(d.fd, () => undefined);
    },
    flush(): void {
      scheduled = false;
      while (queue.length > 0) {
        // writev takes at most 1024 buffers (IOV_MAX): 4 per record.
        const batch = queue.length <= 200 ? queue : queue.slice(0, 200);
        queue = queue.length <= 200 ? [] : queue.slice(200);
        const upTo = batch[batch.length - 1]!.seq;
        if (failure) {
          port.postMessage({ k: 'ack', upTo, error: failure });
          continue;
        }
        const parts: Uint8Array[] = [];
        const index = Buffer.allocUnsafe(d.indexEntry * batch.length);
        let at = pos;
        for (let i = 0; i < batch.length; i++) {
          const m = batch[i]!;
          const json = Buffer.from(JSON.stringify(m.type === d.exchangeType ? m.head : m.value), 'utf8');
          const body = m.body ? new Uint8Array(m.body) : none;
          const exchange = m.type === d.exchangeType;
          // record := u32 payloadLength | u8 type | payload | u32 crc32(type + payload);
          // an exchange payload starts with u32 jsonLength.
          const pre = Buffer.allocUnsafe(exchange ? 9 : 5);
          const payloadLength = (exchange ? 4 : 0) + json.length + body.length;
          pre.writeUInt32LE(payloadLength, 0);
          pre[4] = m.type;
          if (exchange) pre.writeUInt32LE(json.length, 5);
          const crc = Buffer.allocUnsafe(4);
          // Never crc32() an empty view: zlib answers 0 for a null data pointer, whatever the running value.
          const sum = crc32(json, crc32(pre.subarray(4)));
          crc.writeUInt32LE(body.length > 0 ? crc32(body, sum) : sum, 0);
          parts.push(pre, json, body, crc);
          const length = 9 + payloadLength;
          const e = i * d.indexEntry;
          index.writeDoubleLE(at, e);
          index.writeUInt32LE(length, e + 8);
          index.writeUInt32LE(m.id >>> 0, e + 12);
          index.writeUInt32LE(m.type, e + 16);
          at += length;
        }
        try {
          io.writevAll(parts, pos);
          pos = at;
          let done = 0;
          while (done < index.length) done += fs.writeSync(d.indexFd, index, done, index.length - done, ipos + done);
          ipos += index.length;
          dirty = true;
          if (d.syncMs === 0) {
            dirty = false;
            fs.fdatasyncSync(d.fd);
          } else timer ??= setTimeout(io.sync, d.syncMs);
          port.postMessage({ k: 'ack', upTo });
        } catch (e) {
          // A failed write (disk full…) may leave a partial record: later opens report it as torn.
          failure = (e as Error).message;
          port.postMessage({ k: 'ack', upTo, error: failure });
        }
      }
    },
  };
  port.on('message', (m: RecordMessage[] | { close: true }) => {
    if (!Array.isArray(m)) {
      io.flush();
      if (timer) clearTimeout(timer);
      let error = failure;
      try {
        if (dirty) fs.fdatasyncSync(d.fd);
      } catch (e) {
        error ??= (e as Error).message;
      }
      port.postMessage({ k: 'closed', pos, ipos, ...(error ? { error } : {}) });
      port.close();
      return;
    }
    for (const r of m) queue.push(r);
    if (!scheduled) {
      scheduled = true;
      setImmediate(io.flush);
    }
  });
}

/** Source text of the thread. */
const SOURCE = `(${appendThreadMain.toString()})();\n`;

/** Posts records to the append thread and resolves each once the thread has written it. */
export class AppendThread {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private seq = 0;
  private failure?: Error;
  private closing?: Promise<{ pos: number; ipos: number }>;
  private settleClosed?: (r: { pos: number; ipos: number; error?: string }) => void;
  private refed = false;
  private exited = false;
  /** Records queued and not yet posted, and the buffers they transfer. */
  private outbox: RecordMessage[] = [];
  private transfers: ArrayBuffer[] = [];
  /** Highest seq posted to the thread, and whether a post is scheduled for the end of this turn. */
  private posted = 0;
  private scheduled = false;

  constructor(
    readonly path: string,
    opts: AppendThreadOptions,
  ) {
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { ...opts, exchangeType: RecordType.Exchange, indexEntry: INDEX_ENTRY },
    });
    this.worker.unref();
    this.worker.on('message', (r: Reply) => this.onReply(r));
    this.worker.on('error', (e) => this.fail(`the capture writer thread failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.settleClosed) this.fail(`the capture writer thread exited (${code})`);
    });
  }

  /** Resolves once the exchange's record is written (see the file comment); rejects on a write failure. */
  appendExchange(ex: Exchange): Promise<void> {
    const req = ex.request.body;
    const res = ex.response?.body;
    const body = new ArrayBuffer(req.length + (res?.length ?? 0));
    const u = new Uint8Array(body);
    u.set(req, 0);
    if (res) u.set(res, req.length);
    return this.post({ seq: 0, type: RecordType.Exchange, id: ex.id, head: exchangeHead(ex), body }, [body]);
  }

  /** A JSON record (connection event). */
  appendJson(type: RecordType, value: unknown): Promise<void> {
    return this.post({ seq: 0, type, id: 0, value }, []);
  }

  private post(m: RecordMessage, transfer: ArrayBuffer[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`capture ${this.path} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    m.seq = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ seq: m.seq, resolve, reject });
      this.ref(true);
      this.outbox.push(m);
      for (const t of transfer) this.transfers.push(t);
      // With a batch outstanding, its acknowledgement posts this one (onReply).
      if (!this.scheduled && !this.outstanding()) {
        this.scheduled = true;
        setImmediate(this.send);
      }
    });
  }

  /** A posted batch is not acknowledged yet. */
  private outstanding(): boolean {
    return this.pending.length > 0 && this.pending[0]!.seq <= this.posted;
  }

  /** Posts what is queued (scheduled with setImmediate: after the turn's I/O callbacks). */
  private readonly send = (): void => {
    this.scheduled = false;
    if (this.outbox.length === 0) return;
    const batch = this.outbox;
    const transfers = this.transfers;
    this.outbox = [];
    this.transfers = [];
    this.posted = batch[batch.length - 1]!.seq;
    this.worker.postMessage(batch, transfers);
  };

  /**
   * Writes what is queued, syncs, ends the thread; resolves with the positions after the last
   * record, rejects if a write or the final sync failed.
   */
  close(): Promise<{ pos: number; ipos: number }> {
    this.closing ??= new Promise<{ pos: number; ipos: number }>((resolve, reject) => {
      if (this.exited) return reject(this.failure ?? new Error('the capture writer thread has ended'));
      this.settleClosed = (r) =>
        r.error ? reject(this.failure ?? new Error(`writing ${this.path} failed: ${r.error}`)) : resolve(r);
      this.ref(true);
      this.worker.once('exit', () => reject(this.failure ?? new Error('the capture writer thread ended early')));
      this.send();
      this.worker.postMessage({ close: true });
    });
    return this.closing;
  }

  private onReply(r: Reply): void {
    if (r.k === 'closed') {
      this.settle(Infinity, r.error);
      void this.worker.terminate();
      this.settleClosed?.(r);
      return;
    }
    this.settle(r.upTo, r.error);
    // The next batch: what queued up while this one was on its way.
    if (!this.outstanding()) this.send();
  }

  private settle(upTo: number, error?: string): void {
    if (error && !this.failure) this.failure = new Error(`writing ${this.path} failed: ${error}`);
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.seq <= upTo) n++;
    const done = this.pending.splice(0, n);
    for (const p of done) {
      if (error) p.reject(this.failure!);
      else p.resolve();
    }
    if (this.pending.length === 0 && !this.closing) this.ref(false);
  }

  private fail(message: string): void {
    this.failure ??= new Error(message);
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  /** The thread keeps the process alive only while records wait for it. */
  private ref(on: boolean): void {
    if (on === this.refed) return;
    this.refed = on;
    if (on) this.worker.ref();
    else this.worker.unref();
  }
}
