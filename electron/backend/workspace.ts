/**
 * The exchanges the user is looking at: a live capture, an opened file or an
 * import. Keeps the list summaries of all of them; the exchanges themselves
 * are either in memory (live capture, HAR/SAZ import, body folder) or, for an
 * opened capture file, read from that file on demand through a byte-bounded
 * LRU of recently used ones, so a multi-GB capture costs its summaries.
 */
import type { Exchange } from '../../shared/capture/exchange.js';
import { type ExchangeSummary, summarizeExchange } from '../../shared/capture/summary.js';
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
  /** Bytes of exchanges a store-backed workspace keeps in memory (default 64 MiB). */
  cacheBytes?: number;
}

export class Workspace {
  private summaries: ExchangeSummary[] = [];
  private byId = new Map<number, number>();
  /** The exchanges, when they are in memory (not store-backed). */
  private memory: Exchange[] = [];
  private store?: ExchangeStore;
  private readonly lru: ExchangeLru;
  private closing: Promise<void> = Promise.resolve();
  private gen = 0;
  file?: string;

  constructor(
    private readonly events: EventBus,
    opts: WorkspaceOptions = {},
  ) {
    this.lru = new ExchangeLru(opts.cacheBytes ?? 64 * 1024 * 1024);
  }

  get count(): number {
    return this.summaries.length;
  }

  /** Changes whenever the content is replaced (file open, import, clear, capture start). */
  get generation(): number {
    return this.gen;
  }

  /** True when the exchanges are read from a file on demand. */
  get storeBacked(): boolean {
    return this.store !== undefined;
  }

  /** What the store-backed cache holds (entries, bytes, limit). */
  cacheStats(): { entries: number; bytes: number; limit: number } {
    return { entries: this.lru.size, bytes: this.lru.bytes, limit: this.lru.limit };
  }

  /** Adds one exchange (live capture) and announces it. A store-backed workspace is emptied first. */
  add(ex: Exchange, refine?: (s: ExchangeSummary, ex: Exchange) => ExchangeSummary): ExchangeSummary {
    if (this.store) void this.replace([], this.file);
    const base = summarizeExchange(ex);
    const s = refine ? refine(base, ex) : base;
    this.byId.set(ex.id, this.summaries.length);
    this.memory.push(ex);
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
    this.summaries = this.memory.map((ex) => summarizeExchange(ex));
    this.byId = new Map(this.memory.map((ex, i) => [ex.id, i]));
    this.file = file;
    this.events.emit({ type: 'exchanges-reset', data: { total: this.summaries.length } });
    return closed;
  }

  /**
   * Shows the exchanges of a file: `summaries[i]` describes the exchange at `store.at(i)`. The
   * workspace owns the store from here on (closed on the next replace, clear or close).
   */
  openStore(store: ExchangeStore, summaries: ExchangeSummary[], file?: string): Promise<void> {
    const closed = this.drop();
    this.store = store;
    this.summaries = summaries;
    this.byId = new Map(summaries.map((s, i) => [s.id, i]));
    this.file = file;
    this.events.emit({ type: 'exchanges-reset', data: { total: summaries.length } });
    return closed;
  }

  /** Forgets the content and closes the store (in the background; the promise tells when). */
  private drop(): Promise<void> {
    this.gen++;
    this.lru.clear();
    this.memory = [];
    const s = this.store;
    this.store = undefined;
    if (s) this.closing = Promise.all([this.closing, s.close().catch(() => undefined)]).then(() => undefined);
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
    const store = this.store;
    if (!store) return this.memory[i];
    const hit = this.lru.get(i);
    if (hit) return hit;
    const gen = this.gen;
    let ex: Exchange;
    try {
      ex = await store.at(i);
    } catch (e) {
      if (gen !== this.gen) return undefined; // replaced (and closed) meanwhile
      throw e;
    }
    if (gen !== this.gen) return undefined;
    this.lru.set(i, ex);
    return ex;
  }

  /** The exchange if it is at hand without reading the file (in memory or cached). */
  peek(id: number): Exchange | undefined {
    const i = this.byId.get(id);
    if (i === undefined) return undefined;
    return this.store ? this.lru.get(i) : this.memory[i];
  }

  /** All exchanges when they are in memory; undefined for a store-backed workspace. */
  inMemory(): readonly Exchange[] | undefined {
    return this.store ? undefined : this.memory;
  }

  /**
   * Exchanges at positions `from` … `to - 1` in capture order, one at a time (a store-backed
   * workspace streams them from the file without filling the cache). Ends early when the content
   * is replaced meanwhile.
   */
  async *iterate(from = 0, to = this.count): AsyncGenerator<Exchange> {
    const gen = this.gen;
    const end = Math.min(to, this.count);
    const store = this.store;
    if (!store) {
      const list = this.memory;
      for (let i = from; i < end; i++) {
        if (gen !== this.gen) return;
        yield list[i]!;
      }
      return;
    }
    try {
      for await (const ex of store.read(from, end)) {
        if (gen !== this.gen) return;
        yield ex;
      }
    } catch (e) {
      if (gen !== this.gen) return;
      throw e;
    }
  }

  /** Every exchange in memory at once (replay and the simulator need the whole list). */
  async materialize(): Promise<readonly Exchange[]> {
    if (!this.store) return this.memory;
    const out: Exchange[] = [];
    for await (const ex of this.iterate()) out.push(ex);
    return out;
  }

  /** Every exchange with empty bodies (headers, timings): what session grouping needs, cheaply. */
  async heads(): Promise<readonly Exchange[]> {
    if (!this.store) return this.memory;
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
