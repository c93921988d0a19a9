import { create } from 'zustand';

export type Theme = 'dark' | 'light';
export type DetailTab = 'decoded' | 'headers' | 'timing';

/** A byte range in one buffer, highlighted in the hex view. */
export interface ByteSelection {
  buffer: string;
  offset: number;
  length: number;
}

interface UiStore {
  theme: Theme;
  detailTab: DetailTab;
  /** Path of the selected tree node (indexes from the root). */
  selectedNode?: string;
  bytes?: ByteSelection;
  /** Which side of the exchange the tree shows. */
  side: 'request' | 'response';
  setTheme(t: Theme): void;
  setDetailTab(t: DetailTab): void;
  selectNode(path: string | undefined, bytes?: ByteSelection): void;
  setSide(s: 'request' | 'response'): void;
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

export const useUiStore = create<UiStore>((set) => ({
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
}));
