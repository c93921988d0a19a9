import { create } from 'zustand';
import { compileFilter } from '../../../shared/filter/filter';
import { FieldCatalog } from '../../../shared/filter/catalog';
import type { FieldTest } from '../../../shared/filter/parse';
import type { FieldInfo } from '../../../shared/filter/types';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import type { FilterFieldsDto } from '../../../shared/api/contract';
import { api } from '../api/client';

export type SortKey = 'id' | 'time' | 'type' | 'status' | 'code' | 'duration' | 'req' | 'resp' | 'session';

/** A filter on decoded fields, evaluated by the backend over the whole capture (`filter.run`). */
export interface BackendRun {
  runId: string;
  text: string;
  running: boolean;
  /** Session pass progress while the run waits for it. */
  fed?: number;
  total?: number;
  /** The result: matching ids, and how many exchanges it covered. */
  ids?: ReadonlySet<number>;
  evaluated?: number;
  ms?: number;
  error?: string;
}

interface FilterStore {
  text: string;
  /** What the filter box shows: the applied text, or a filter prepared from the tree (applied on Enter). */
  draft: string;
  errors: { at: number; message: string }[];
  test: (s: ExchangeSummary) => boolean;
  /** The field tests of the applied filter (the tree highlights their matches). */
  tests: readonly FieldTest[];
  /** Every field the backend can filter on; until it arrives, only the list-row fields. */
  catalog?: FieldCatalog;
  fields?: readonly FieldInfo[];
  backend?: BackendRun | undefined;
  setDraft(t: string): void;
  loadCatalog(): Promise<void>;
  /** Runs the backend part of the filter again (content changed). */
  rerun(): void;
  cancel(): void;
  onProgress(d: { runId: string; fed: number; total: number; done: boolean }): void;
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

/** A catalog from `filter.fields` (enum names restored from the shared tables). */
export function catalogFromDto(dto: FilterFieldsDto): { catalog: FieldCatalog; fields: FieldInfo[] } {
  const fields = dto.fields.map((f) => {
    const { namesRef, ...rest } = f;
    const out: FieldInfo = { ...rest };
    if (namesRef && dto.tables[namesRef]) out.names = dto.tables[namesRef];
    return out;
  });
  return { catalog: new FieldCatalog(fields), fields };
}

let runSeq = 0;
let runTimer: ReturnType<typeof setTimeout> | undefined;
const ALL = () => true;

export const useFilterStore = create<FilterStore>((set, get) => {
  /** Compiles `text` with the best catalog known, and starts the backend run it needs. */
  const apply = (text: string) => {
    const c = compileFilter(text, get().catalog);
    if (!c.needsBackend || c.errors.length || !get().catalog) {
      set({ text, draft: text, errors: c.errors, test: c.test, tests: c.compiled.tests, backend: undefined });
      return;
    }
    const prev = get().backend;
    if (prev?.running)
      void api()
        .call('filter.cancel', { runId: prev.runId })
        .catch(() => undefined);
    const run: BackendRun = { runId: `f${++runSeq}`, text, running: true };
    // Until the result arrives the list keeps the rows shown before.
    set({ text, draft: text, errors: [], tests: c.compiled.tests, backend: run });
    clearTimeout(runTimer);
    runTimer = setTimeout(() => void start(run), 150);
  };
  const start = async (run: BackendRun) => {
    try {
      const r = await api().call('filter.run', { expr: run.text, runId: run.runId });
      if (get().backend?.runId !== run.runId) return;
      if (r.errors.length) {
        set({ errors: r.errors, backend: { ...run, running: false } });
        return;
      }
      const ids = new Set(r.ids);
      set({
        backend: { ...run, running: false, ids, evaluated: r.evaluated, total: r.total, ms: r.ms },
        test: (s) => ids.has(s.id),
      });
    } catch (e) {
      if (get().backend?.runId !== run.runId) return;
      const msg = e instanceof Error ? e.message : String(e);
      set({ backend: { ...run, running: false, error: msg }, test: ALL });
    }
  };
  return {
    text: current.text,
    draft: current.text,
    errors: compiled.errors,
    test: compiled.test,
    tests: compiled.compiled.tests,
    saved: loadSaved(),
    sort: current.sort,
    setText(text) {
      apply(text);
      persistCurrent(text, get().sort);
    },
    setDraft(draft) {
      set({ draft });
    },
    async loadCatalog() {
      try {
        const { catalog, fields } = catalogFromDto(await api().call('filter.fields', {}));
        set({ catalog, fields });
        apply(get().text);
      } catch {
        // an older backend: the list-row fields only
      }
    },
    rerun() {
      if (get().backend) apply(get().text);
    },
    cancel() {
      const b = get().backend;
      if (!b?.running) return;
      clearTimeout(runTimer);
      void api()
        .call('filter.cancel', { runId: b.runId })
        .catch(() => undefined);
      set({ backend: { ...b, running: false, error: 'cancelled' }, test: ALL });
    },
    onProgress(d) {
      const b = get().backend;
      if (b?.runId === d.runId && b.running) set({ backend: { ...b, fed: d.fed, total: d.total } });
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
  };
});

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
