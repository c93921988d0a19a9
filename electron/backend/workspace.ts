/**
 * The exchanges the user is looking at: a live capture, an opened file or an
 * import. Keeps summaries for the list and caches decodes so that showing an
 * exchange is a lookup, not a re-parse.
 */
import type { Exchange } from '../../shared/capture/exchange.js';
import { type ExchangeSummary, summarizeExchange } from '../../shared/capture/summary.js';
import type { EventBus } from './event-bus.js';

export class Workspace {
  private exchanges: Exchange[] = [];
  private summaries: ExchangeSummary[] = [];
  private byId = new Map<number, number>();
  file?: string;

  constructor(private readonly events: EventBus) {}

  get count(): number {
    return this.exchanges.length;
  }

  /** Adds one exchange (live capture) and announces it. */
  add(ex: Exchange, refine?: (s: ExchangeSummary, ex: Exchange) => ExchangeSummary): ExchangeSummary {
    const base = summarizeExchange(ex);
    const s = refine ? refine(base, ex) : base;
    this.byId.set(ex.id, this.exchanges.length);
    this.exchanges.push(ex);
    this.summaries.push(s);
    this.events.emit({ type: 'exchange', data: s });
    return s;
  }

  /** Replaces the whole content (file open, import) and announces one reset. */
  replace(
    list: readonly Exchange[],
    file?: string,
    refine?: (s: ExchangeSummary, ex: Exchange) => ExchangeSummary,
  ): void {
    this.exchanges = [...list];
    this.summaries = this.exchanges.map((ex) => (refine ? refine(summarizeExchange(ex), ex) : summarizeExchange(ex)));
    this.byId = new Map(this.exchanges.map((ex, i) => [ex.id, i]));
    this.file = file;
    this.events.emit({ type: 'exchanges-reset', data: { total: this.exchanges.length } });
  }

  clear(): number {
    const n = this.exchanges.length;
    this.replace([]);
    return n;
  }

  /** Position of exchange `id` in capture order. */
  indexOf(id: number): number | undefined {
    return this.byId.get(id);
  }

  get(id: number): Exchange | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.exchanges[i];
  }

  all(): readonly Exchange[] {
    return this.exchanges;
  }

  list(offset = 0, limit = Number.MAX_SAFE_INTEGER): { total: number; items: ExchangeSummary[] } {
    return { total: this.summaries.length, items: this.summaries.slice(offset, offset + limit) };
  }

  nextId(): number {
    const last = this.exchanges[this.exchanges.length - 1];
    return last ? last.id + 1 : 1;
  }
}
