/**
 * The exchanges the user is looking at: a live capture, an opened file or an
 * import. Keeps the list summaries of all of them; the exchanges themselves
 * are in memory (HAR/SAZ import, body folder, the newest of a live capture)
 * or read on demand from a capture file (an opened one, the older part of a
 * live capture) through a byte-bounded LRU of recently used ones, so a
 * multi-GB capture costs its summaries.
 */
import type { Exchange } from '../../shared/capture/exchange.js';
import type { ExchangeSummary } from '../../shared/capture/summary.js';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import type { EventBus } from './event-bus.js';

/** Random and sequential access to the exchanges of a file, by position in capture order. */
export interface ExchangeStore {
  /** The exchange at `position` (0-based). */
  at(position: number): Promise<Exchange>;
  /** Positions `from` … `to - 1`, in order, one exchange decoded at a time. */
  read(from: number, to: number): AsyncIterable<Exchange>;
  close(): Promise<void>;
}

/** Bytes an exchange holds (bodies, header texts, a fixed part): what the LRU counts. */
export function exchangeBytes(ex: Exchange): number {
  let n = 512 + ex.request.body.byteLength + ex.request.url.length * 2;
  for (const h of ex.request.headers) n += 32 + (h.name.length + h.value.length) * 2;
  if (ex.response) {
    n += ex.response.body.byteLength;
    for (const h of ex.response.headers) n += 32 + (h.name.length + h.value.length) * 2;
  }
  return n;
}

/** Recently used exchanges by position, bounded by their byte count. */
export class ExchangeLru {
  private map = new Map<number, { ex: Exchange; bytes: number }>();
  private total = 0;
  constructor(readonly limit: number) {}

  get(pos: number): Exchange | undefined {
    const hit = this.map.get(pos);
    if (!hit) return undefined;
    this.map.delete(pos);
    this.map.set(pos, hit);
    return hit.ex;
  }

  /** Keeps `ex` unless it alone is over the limit; evicts the least recently used to stay within it. */
  set(pos: number, ex: Exchange): void {
    const bytes = exchangeBytes(ex);
    if (bytes > this.limit) return;
    const old = this.map.get(pos);
    if (old) {
      this.total -= old.bytes;
      this.map.delete(pos);
    }
    this.map.set(pos, { ex, bytes });
    this.total += bytes;
    for (const [k, v] of this.map) {
      if (this.total <= this.limit) break;
      this.map.delete(k);
      this.total -= v.bytes;
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.total;
  }
}

export interface WorkspaceOptions {
  /** Bytes of file-backed exchanges kept in memory (default 64 MiB). */
  cacheBytes?: number;
}

/** A store with readers in progress: a store replaced by `adopt` is closed once they are done. */
class Held {
  private users = 0;
  private released?: () => void;
  private closed?: Promise<void>;
  constructor(readonly store: ExchangeStore) {}

  enter(): void {
    this.users++;
  }

  leave(): void {
    this.users--;
    if (this.users === 0 && this.released) this.released();
  }

  /** Closes now (the content is gone: readers in progress fail, and are told to stop). */
  close(): Promise<void> {
    this.closed ??= this.store.close().catch(() => undefined);
    return this.closed;
  }

  /** Closes when the last reader is done (the content is the same, served by another store). */
  release(): Promise<void> {
    if (this.users === 0) return this.close();
    return new Promise<void>((resolve) => (this.released = resolve)).then(() => this.close());
  }
}

export class Workspace {
  private summaries: ExchangeSummary[] = [];
  private byId = new Map<number, number>();
  /** Positions 0 … base - 1 are read from the store; the exchanges from `base` on are in `memory`. */
  private base = 0;
  private memory: Exchange[] = [];
  private memBytes = 0;
  private held: Held | undefined;
  private readonly lru: ExchangeLru;
  private closing: Promise<void> = Promise.resolve();
  private gen = 0;
  file: string | undefined;

  constructor(
    private readonly events: EventBus,
    opts: WorkspaceOptions = {},
  ) {
    this.lru = new ExchangeLru(opts.cacheBytes ?? 64 * 1024 * 1024);
  }

  get count(): number {
    return this.summaries.length;
  }

  /** Changes whenever the content is replaced (file open, import, clear, capture start); not on `adopt`. */
  get generation(): number {
    return this.gen;
  }

  /** True when some exchanges are read from a file on demand. */
  get storeBacked(): boolean {
    return this.held !== undefined;
  }

  /** Exchanges served by the file (positions 0 … onDisk - 1); the rest are in memory. */
  get onDisk(): number {
    return this.base;
  }

  /** Bytes of the exchanges held in memory outside the cache (live capture, import). */
  get memoryBytes(): number {
    return this.memBytes;
  }

  /** What the cache of file-backed exchanges holds (entries, bytes, limit). */
  cacheStats(): { entries: number; bytes: number; limit: number } {
    return { entries: this.lru.size, bytes: this.lru.bytes, limit: this.lru.limit };
  }

  /** Adds one exchange (live capture) after those shown, and announces it. */
  add(ex: Exchange, refine?: (s: ExchangeSummary, ex: Exchange) => ExchangeSummary): ExchangeSummary {
    const base = summarizeExchange(ex);
    const s = refine ? refine(base, ex) : base;
    this.byId.set(ex.id, this.summaries.length);
    this.memory.push(ex);
    this.memBytes += exchangeBytes(ex);
    this.summaries.push(s);
    this.events.emit({ type: 'exchange', data: s });
    return s;
  }

  /**
   * Replaces the whole content with exchanges in memory (import, clear) and announces one reset.
   * The content changes at once; the promise resolves when a previous file's handle is closed.
   */
  replace(list: readonly Exchange[], file?: string): Promise<void> {
    const closed = this.drop();
    this.memory = [...list];
    this.memBytes = this.memory.reduce((n, ex) => n + exchangeBytes(ex), 0);
    this.summaries = this.memory.map((ex) => summarizeExchange(ex));
    this.byId = new Map(this.memory.map((ex, i) => [ex.id, i]));
    this.file = file;
    this.events.emit({ type: 'exchanges-reset', data: { total: this.summaries.length } });
    return closed;
  }

  /**
   * Shows the exchanges of a file: `summaries[i]` describes the exchange at `store.at(i)`. The
   * workspace owns the store from here on (closed on the next replace, openStore, clear or close).
   * Live exchanges added afterwards are kept in memory after them.
   */
  openStore(store: ExchangeStore, summaries: ExchangeSummary[], file?: string): Promise<void> {
    const closed = this.drop();
    this.held = new Held(store);
    this.base = summaries.length;
    this.summaries = summaries;
    this.byId = new Map(summaries.map((s, i) => [s.id, i]));
    this.file = file;
    this.events.emit({ type: 'exchanges-reset', data: { total: summaries.length } });
    return closed;
  }

  /**
   * Lets a fresh store of the file being written serve the older in-memory exchanges (a live
   * capture: its records are in its file before they are added here). `ids` are the store's
   * exchange ids in order; the first min(ids.length, count) must be those shown, else nothing
   * changes and the store is closed. No event: the content is the same. Returns whether it was
   * adopted; the previous store is closed once its readers are done.
   */
  async adopt(store: ExchangeStore, ids: readonly number[]): Promise<boolean> {
    const n = Math.min(ids.length, this.summaries.length);
    let same = n > this.base;
    for (let i = 0; same && i < n; i++) same = ids[i] === this.summaries[i]!.id;
    if (!same) {
      await store.close().catch(() => undefined);
      return false;
    }
    const old = this.held;
    this.held = new Held(store);
    this.memory = this.memory.slice(n - this.base);
    this.memBytes = this.memory.reduce((k, ex) => k + exchangeBytes(ex), 0);
    this.base = n;
    if (old) await old.release();
    return true;
  }

  /** Forgets the content and closes the store (the promise tells when). */
  private drop(): Promise<void> {
    this.gen++;
    this.headsCache = undefined;
    this.lru.clear();
    this.memory = [];
    this.memBytes = 0;
    this.base = 0;
    const h = this.held;
    this.held = undefined;
    if (h) this.closing = Promise.all([this.closing, h.close()]).then(() => undefined);
    return this.closing;
  }

  /** Empties the workspace; resolves with how many exchanges it held once a file is closed. */
  async clear(): Promise<number> {
    const n = this.summaries.length;
    await this.replace([]);
    return n;
  }

  /** Empties the workspace without an event and closes its file (the backend stops). */
  async close(): Promise<void> {
    await this.drop();
    this.summaries = [];
    this.byId = new Map();
  }

  /** Position of exchange `id` in capture order. */
  indexOf(id: number): number | undefined {
    return this.byId.get(id);
  }

  /** The exchange with id `id`: from memory, the cache, or read from the file (then cached). */
  async get(id: number): Promise<Exchange | undefined> {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.at(i);
  }

  /** The exchange at position `i`. */
  async at(i: number): Promise<Exchange | undefined> {
    const h = this.held;
    if (!h || i >= this.base) return this.memory[i - this.base];
    const hit = this.lru.get(i);
    if (hit) return hit;
    const gen = this.gen;
    let ex: Exchange;
    h.enter();
    try {
      ex = await h.store.at(i);
    } catch (e) {
      if (gen !== this.gen) return undefined; // replaced (and closed) meanwhile
      throw e;
    } finally {
      h.leave();
    }
    if (gen !== this.gen) return undefined;
    this.lru.set(i, ex);
    return ex;
  }

  /** The exchange if it is at hand without reading the file (in memory or cached). */
  peek(id: number): Exchange | undefined {
    const i = this.byId.get(id);
    if (i === undefined) return undefined;
    return i >= this.base ? this.memory[i - this.base] : this.lru.get(i);
  }

  /** The exchange at position `i` if it is held in memory (not one served by the file). */
  resident(i: number): Exchange | undefined {
    return i >= this.base ? this.memory[i - this.base] : undefined;
  }

  /** All exchanges when they are all in memory; undefined when some are served by a file. */
  inMemory(): readonly Exchange[] | undefined {
    return this.held ? undefined : this.memory;
  }

  /**
   * Exchanges at positions `from` … `to - 1` in capture order, one at a time (those served by a
   * file are streamed from it without filling the cache). Ends early when the content is
   * replaced meanwhile.
   */
  async *iterate(from = 0, to = this.count): AsyncGenerator<Exchange> {
    const gen = this.gen;
    const end = Math.min(to, this.count);
    const h = this.held;
    const base = h ? this.base : 0;
    const list = this.memory;
    if (h && from < base) {
      h.enter();
      try {
        for await (const ex of h.store.read(from, Math.min(end, base))) {
          if (gen !== this.gen) return;
          yield ex;
        }
      } catch (e) {
        if (gen !== this.gen) return;
        throw e;
      } finally {
        h.leave();
      }
    }
    for (let i = Math.max(from, base); i < end; i++) {
      if (gen !== this.gen) return;
      yield list[i - base]!;
    }
  }

  /** Every exchange in memory at once (replay and the simulator need the whole list). */
  async materialize(): Promise<readonly Exchange[]> {
    if (!this.held) return this.memory;
    const out: Exchange[] = [];
    for await (const ex of this.iterate()) out.push(ex);
    return out;
  }

  /** Every exchange with empty bodies (headers, timings): what session grouping needs, cheaply. */
  async heads(): Promise<readonly Exchange[]> {
    if (!this.held) return this.memory;
    // Kept while the content is the same: the Replay panel asks for sessions and checks repeatedly, and each
    // pass would read the whole file again. Heads are headers and timings only.
    const cached = this.headsCache;
    if (cached && cached.gen === this.gen && cached.count === this.count) return cached.list;
    const gen = this.gen;
    const count = this.count;
    const list = await this.readHeads();
    if (gen === this.gen && count === this.count) this.headsCache = { gen, count, list };
    return list;
  }

  private headsCache: { gen: number; count: number; list: readonly Exchange[] } | undefined;

  private async readHeads(): Promise<readonly Exchange[]> {
    const out: Exchange[] = [];
    const none = new Uint8Array(0);
    for await (const ex of this.iterate())
      out.push({
        ...ex,
        request: { ...ex.request, body: none },
        ...(ex.response ? { response: { ...ex.response, body: none } } : {}),
      });
    return out;
  }

  summaryAt(i: number): ExchangeSummary | undefined {
    return this.summaries[i];
  }

  list(offset = 0, limit = Number.MAX_SAFE_INTEGER): { total: number; items: ExchangeSummary[] } {
    return { total: this.summaries.length, items: this.summaries.slice(offset, offset + limit) };
  }

  nextId(): number {
    const last = this.summaries[this.summaries.length - 1];
    return last ? last.id + 1 : 1;
  }
}
