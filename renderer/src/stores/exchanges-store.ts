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
  /** The focused exchange (shown in the detail pane). */
  selectedId?: number | undefined;
  /** Every selected exchange (Ctrl/Shift click); contains selectedId. */
  selectedIds: ReadonlySet<number>;
  /** Where a Shift range starts. */
  anchorId?: number | undefined;
  decoded: Map<number, ExchangeDecodeDto>;
  raw: Map<number, ExchangeDto>;
  loadingId?: number | undefined;
  loadError?: string | undefined;
  setItems(items: ExchangeSummary[]): void;
  appendBatch(items: ExchangeSummary[]): void;
  select(id: number | undefined): void;
  /** Ctrl/Cmd click: adds or removes one exchange, focusing it. */
  toggleSelect(id: number): void;
  /** Shift click: the rows between the anchor and `id` in the visible order. */
  selectRange(id: number, order: readonly number[]): void;
  selectAll(order: readonly number[]): void;
  reload(): Promise<void>;
  refreshRows(): Promise<void>;
}

export const useExchangesStore = create<ExchangesStore>((set, get) => ({
  items: [],
  selectedIds: new Set(),
  decoded: new Map(),
  raw: new Map(),
  setItems(items) {
    const cur = get().items;
    // The same list again (a reconnect re-reads it): keep the selection and the caches.
    const same =
      items.length === cur.length &&
      items[0]?.id === cur[0]?.id &&
      items.at(-1)?.id === cur.at(-1)?.id &&
      items.at(-1)?.durationMs === cur.at(-1)?.durationMs;
    if (same) set({ items });
    else
      set({
        items,
        decoded: new Map(),
        raw: new Map(),
        selectedId: undefined,
        selectedIds: new Set(),
        anchorId: undefined,
      });
  },
  appendBatch: (batch) => set((s) => ({ items: s.items.concat(batch) })),
  select(id) {
    set({ selectedIds: new Set(id === undefined ? [] : [id]), anchorId: id });
    focus(id);
  },
  toggleSelect(id) {
    const ids = new Set(get().selectedIds);
    if (ids.has(id)) {
      ids.delete(id);
      set({ selectedIds: ids, anchorId: id });
      const next = get().selectedId === id ? [...ids].at(-1) : get().selectedId;
      focus(next);
    } else {
      ids.add(id);
      set({ selectedIds: ids, anchorId: id });
      focus(id);
    }
  },
  selectRange(id, order) {
    set({ selectedIds: new Set(rangeIds(order, get().anchorId ?? id, id)) });
    focus(id);
  },
  selectAll(order) {
    set({ selectedIds: new Set(order) });
  },
  async reload() {
    await loadPaged((items, first) => (first ? get().setItems(items) : set({ items })));
  },
  async refreshRows() {
    // Same exchanges, refined rows (session numbers, severities): keep selection and fetched decodes.
    await loadPaged((items) => set({ items }));
  },
}));

/** The first page is small so the list shows at once; the rest follows in large pages. */
const FIRST_PAGE = 2000;
const PAGE = 25_000;
let loadGeneration = 0;

/**
 * Reads the whole list page by page. Rows that arrive live meanwhile (appended after the loaded
 * part) are kept after the pages; a newer load supersedes an older one.
 */
async function loadPaged(apply: (items: ExchangeSummary[], first: boolean) => void): Promise<void> {
  const gen = ++loadGeneration;
  const first = await api().call('exchanges.list', { offset: 0, limit: FIRST_PAGE });
  if (gen !== loadGeneration) return;
  let loaded = first.items;
  apply(loaded, true);
  while (loaded.length < first.total) {
    const next = await api().call('exchanges.list', { offset: loaded.length, limit: PAGE });
    if (gen !== loadGeneration || next.items.length === 0) return;
    const shown = useExchangesStore.getState().items;
    const lastId = next.items[next.items.length - 1]!.id;
    const live = shown.slice(loaded.length).filter((x) => x.id > lastId);
    loaded = loaded.concat(next.items);
    apply(live.length ? loaded.concat(live) : loaded, false);
  }
}

/** The ids from `a` to `b` (inclusive, either order) in `order`; just `b` when `a` is not in it. */
export function rangeIds(order: readonly number[], a: number, b: number): number[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (j < 0) return [];
  if (i < 0) return [b];
  return order.slice(Math.min(i, j), Math.max(i, j) + 1);
}

/** Focuses one exchange and fetches its decode (cached). */
function focus(id: number | undefined): void {
  const set = useExchangesStore.setState;
  const get = useExchangesStore.getState;
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
}

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
