import { create } from 'zustand';
import { compileFilter } from '../../../shared/filter/filter';
import type { ExchangeSummary } from '../../../shared/capture/summary';

export type SortKey = 'id' | 'time' | 'type' | 'status' | 'code' | 'duration' | 'req' | 'resp' | 'session';

interface FilterStore {
  text: string;
  errors: { at: number; message: string }[];
  test: (s: ExchangeSummary) => boolean;
  saved: { name: string; text: string }[];
  sort: { key: SortKey; dir: 1 | -1 };
  setText(t: string): void;
  save(name: string): void;
  remove(name: string): void;
  setSort(key: SortKey): void;
}

function loadSaved(): { name: string; text: string }[] {
  try {
    const v = JSON.parse(localStorage.getItem('mapiscope.filters') ?? '[]') as unknown;
    if (Array.isArray(v)) return v.filter((x) => typeof x?.name === 'string' && typeof x?.text === 'string');
  } catch {
    /* ignore */
  }
  return [
    { name: 'Failures', text: 'code!=0' },
    { name: 'Slow (> 2.5 s)', text: 'latency>2.5s -type:NotificationWait' },
    { name: 'Dropped connections', text: 'aborted' },
  ];
}

function persist(saved: { name: string; text: string }[]): void {
  try {
    localStorage.setItem('mapiscope.filters', JSON.stringify(saved));
  } catch {
    /* ignore */
  }
}

const SORT_KEYS: readonly SortKey[] = ['id', 'time', 'type', 'status', 'code', 'duration', 'req', 'resp', 'session'];

/** The filter text and sort of the last run (they survive a restart). */
function loadCurrent(): { text: string; sort: { key: SortKey; dir: 1 | -1 } } {
  const out: { text: string; sort: { key: SortKey; dir: 1 | -1 } } = { text: '', sort: { key: 'id', dir: 1 } };
  try {
    const v = JSON.parse(localStorage.getItem('mapiscope.filter.current') ?? '{}') as {
      text?: unknown;
      key?: unknown;
      dir?: unknown;
    };
    if (typeof v.text === 'string') out.text = v.text;
    if (SORT_KEYS.includes(v.key as SortKey)) out.sort = { key: v.key as SortKey, dir: v.dir === -1 ? -1 : 1 };
  } catch {
    /* ignore */
  }
  return out;
}

function persistCurrent(text: string, sort: { key: SortKey; dir: 1 | -1 }): void {
  try {
    localStorage.setItem('mapiscope.filter.current', JSON.stringify({ text, key: sort.key, dir: sort.dir }));
  } catch {
    /* ignore */
  }
}

const current = loadCurrent();
const compiled = compileFilter(current.text);

export const useFilterStore = create<FilterStore>((set, get) => ({
  text: current.text,
  errors: compiled.errors,
  test: compiled.test,
  saved: loadSaved(),
  sort: current.sort,
  setText(text) {
    const c = compileFilter(text);
    set({ text, errors: c.errors, test: c.test });
    persistCurrent(text, get().sort);
  },
  save(name) {
    const saved = [...get().saved.filter((s) => s.name !== name), { name, text: get().text }];
    persist(saved);
    set({ saved });
  },
  remove(name) {
    const saved = get().saved.filter((s) => s.name !== name);
    persist(saved);
    set({ saved });
  },
  setSort(key) {
    const cur = get().sort;
    const sort: { key: SortKey; dir: 1 | -1 } = { key, dir: cur.key === key ? (cur.dir === 1 ? -1 : 1) : 1 };
    set({ sort });
    persistCurrent(get().text, sort);
  },
}));

const sortValue: Record<SortKey, (s: ExchangeSummary) => number | string> = {
  id: (s) => s.id,
  time: (s) => s.time,
  type: (s) => s.requestType ?? s.method,
  status: (s) => s.status ?? -1,
  code: (s) => s.responseCode ?? -1,
  duration: (s) => s.durationMs ?? -1,
  req: (s) => s.requestBytes,
  resp: (s) => s.responseBytes,
  session: (s) => s.session ?? -1,
};

export function visibleRows(
  items: readonly ExchangeSummary[],
  test: (s: ExchangeSummary) => boolean,
  sort: { key: SortKey; dir: 1 | -1 },
): ExchangeSummary[] {
  const rows = items.filter(test);
  if (sort.key === 'id' && sort.dir === 1) return rows;
  const f = sortValue[sort.key];
  return rows.sort((a, b) => {
    const x = f(a);
    const y = f(b);
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * sort.dir;
  });
}
