/**
 * Exchange summaries for the list, appended in batches (one render per
 * animation frame however fast a capture streams), the selection, and the
 * decoded exchanges already fetched.
 */
import { create } from 'zustand';
import type { ExchangeDecodeDto, ExchangeDto } from '../../../shared/api/contract';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import { api } from '../api/client';

interface ExchangesStore {
  items: ExchangeSummary[];
  selectedId?: number;
  decoded: Map<number, ExchangeDecodeDto>;
  raw: Map<number, ExchangeDto>;
  loadingId?: number;
  loadError?: string;
  setItems(items: ExchangeSummary[]): void;
  appendBatch(items: ExchangeSummary[]): void;
  select(id: number | undefined): void;
  reload(): Promise<void>;
}

export const useExchangesStore = create<ExchangesStore>((set, get) => ({
  items: [],
  decoded: new Map(),
  raw: new Map(),
  setItems: (items) => set({ items, decoded: new Map(), raw: new Map(), selectedId: undefined }),
  appendBatch: (batch) => set((s) => ({ items: s.items.concat(batch) })),
  select(id) {
    set({ selectedId: id, loadError: undefined });
    if (id === undefined || get().decoded.has(id)) return;
    set({ loadingId: id });
    void Promise.all([api().call('exchanges.decode', { id }), api().call('exchanges.get', { id })])
      .then(([d, r]) => {
        const decoded = new Map(get().decoded);
        decoded.set(id, d);
        const raw = new Map(get().raw);
        raw.set(id, r);
        // Keep the caches bounded.
        if (decoded.size > 64) decoded.delete(decoded.keys().next().value!);
        if (raw.size > 64) raw.delete(raw.keys().next().value!);
        set({ decoded, raw, loadingId: get().loadingId === id ? undefined : get().loadingId });
      })
      .catch((e: unknown) => set({ loadError: e instanceof Error ? e.message : String(e), loadingId: undefined }));
  },
  async reload() {
    const { items } = await api().call('exchanges.list', {});
    get().setItems(items);
  },
}));

/** Batches incoming summaries per animation frame. */
export function createIngest(append: (items: ExchangeSummary[]) => void): (s: ExchangeSummary) => void {
  let pending: ExchangeSummary[] = [];
  let scheduled = false;
  return (s) => {
    pending.push(s);
    if (scheduled) return;
    scheduled = true;
    const flush = () => {
      scheduled = false;
      const batch = pending;
      pending = [];
      append(batch);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  };
}
