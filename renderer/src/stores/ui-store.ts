import { create } from 'zustand';
import { parseWidths, withoutWidth, withWidth, type ColumnKey, type ColumnWidths } from '../components/list-columns';

export type Theme = 'dark' | 'light';
export type DetailTab = 'decoded' | 'headers' | 'timing' | 'server';
export type View = 'exchanges' | 'sessions' | 'diagnoses' | 'replay' | 'logs' | 'probe';

/** A byte range in one buffer, highlighted in the hex view. */
export interface ByteSelection {
  buffer: string;
  offset: number;
  length: number;
}

interface UiStore {
  view: View;
  helpOpen: boolean;
  theme: Theme;
  detailTab: DetailTab;
  /** Path of the selected tree node (indexes from the root). */
  selectedNode?: string | undefined;
  bytes?: ByteSelection | undefined;
  /** Which side of the exchange the tree shows. */
  side: 'request' | 'response';
  setView(v: View): void;
  setHelpOpen(open: boolean): void;
  setTheme(t: Theme): void;
  setDetailTab(t: DetailTab): void;
  selectNode(path: string | undefined, bytes?: ByteSelection): void;
  setSide(s: 'request' | 'response'): void;
  /** Exports redact credentials and cookies unless the user turned it off (persisted, on by default). */
  redact: boolean;
  setRedact(on: boolean): void;
  aboutOpen: boolean;
  setAboutOpen(open: boolean): void;
  /** The CA / trust panel of the capture bar. */
  caOpen: boolean;
  setCaOpen(open: boolean): void;
  /** Width of the exchange list beside the detail pane, px (persisted; undefined = the default share). */
  listWidth?: number;
  setListWidth(px: number): void;
  /** The exchange list's column widths that differ from the defaults, px (persisted). */
  columnWidths: ColumnWidths;
  setColumnWidth(key: ColumnKey, px: number): void;
  /** Back to the default width of one column (double-click on its edge). */
  resetColumnWidth(key: ColumnKey): void;
  resetColumnWidths(): void;
  /** A finding's tree path to select once that exchange's decode is shown (Diagnoses → evidence). */
  pendingEvidence?: { exchangeId: number; path: string } | undefined;
  setPendingEvidence(e: { exchangeId: number; path: string } | undefined): void;
  /** Fields shown as extra list columns (the tree's "Add as column"; persisted). */
  fieldColumns: string[];
  addFieldColumn(field: string): void;
  removeFieldColumn(field: string): void;
}

function storedColumns(): string[] {
  try {
    const v = JSON.parse(stored('mapiscope.fieldColumns') ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 8) : [];
  } catch {
    return [];
  }
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* no storage */
  }
}

function initialTheme(): Theme {
  try {
    const t = localStorage.getItem('mapiscope.theme');
    if (t === 'light' || t === 'dark') return t;
  } catch {
    /* no storage */
  }
  return 'dark';
}

function initialView(): View {
  try {
    const v = localStorage.getItem('mapiscope.view');
    if (v === 'exchanges' || v === 'sessions' || v === 'diagnoses' || v === 'replay' || v === 'logs' || v === 'probe')
      return v;
  } catch {
    /* no storage */
  }
  return 'exchanges';
}

const COLUMN_WIDTHS_KEY = 'mapiscope.columnWidths';

function storeColumnWidths(w: ColumnWidths): void {
  if (Object.keys(w).length === 0) {
    try {
      localStorage.removeItem(COLUMN_WIDTHS_KEY);
    } catch {
      /* no storage */
    }
  } else store(COLUMN_WIDTHS_KEY, JSON.stringify(w));
}

export const useUiStore = create<UiStore>((set, get) => ({
  view: initialView(),
  helpOpen: false,
  setView(view) {
    try {
      localStorage.setItem('mapiscope.view', view);
    } catch {
      /* ignore */
    }
    set({ view });
  },
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  theme: initialTheme(),
  detailTab: 'decoded',
  side: 'request',
  setTheme(theme) {
    try {
      localStorage.setItem('mapiscope.theme', theme);
    } catch {
      /* ignore */
    }
    set({ theme });
  },
  setDetailTab: (detailTab) => set({ detailTab }),
  selectNode: (selectedNode, bytes) => set({ selectedNode, bytes }),
  setSide: (side) => set({ side, selectedNode: undefined, bytes: undefined }),
  redact: stored('mapiscope.redact') !== 'off',
  setRedact(redact) {
    store('mapiscope.redact', redact ? 'on' : 'off');
    set({ redact });
  },
  aboutOpen: false,
  setAboutOpen: (aboutOpen) => set({ aboutOpen }),
  caOpen: false,
  setCaOpen: (caOpen) => set({ caOpen }),
  ...(Number(stored('mapiscope.listWidth')) > 0 ? { listWidth: Number(stored('mapiscope.listWidth')) } : {}),
  setPendingEvidence: (pendingEvidence) => set({ pendingEvidence }),
  setListWidth(px) {
    store('mapiscope.listWidth', String(Math.round(px)));
    set({ listWidth: px });
  },
  columnWidths: parseWidths(stored(COLUMN_WIDTHS_KEY)),
  setColumnWidth(key, px) {
    const columnWidths = withWidth(get().columnWidths, key, px);
    if (columnWidths[key] === get().columnWidths[key]) return;
    storeColumnWidths(columnWidths);
    set({ columnWidths });
  },
  resetColumnWidth(key) {
    if (get().columnWidths[key] === undefined) return;
    const columnWidths = withoutWidth(get().columnWidths, key);
    storeColumnWidths(columnWidths);
    set({ columnWidths });
  },
  resetColumnWidths() {
    storeColumnWidths({});
    set({ columnWidths: {} });
  },
  fieldColumns: storedColumns(),
  addFieldColumn(field) {
    if (get().fieldColumns.includes(field)) return;
    const fieldColumns = [...get().fieldColumns, field].slice(-8);
    store('mapiscope.fieldColumns', JSON.stringify(fieldColumns));
    set({ fieldColumns });
  },
  removeFieldColumn(field) {
    const fieldColumns = get().fieldColumns.filter((f) => f !== field);
    store('mapiscope.fieldColumns', JSON.stringify(fieldColumns));
    set({ fieldColumns });
  },
}));
