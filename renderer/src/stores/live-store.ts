/**
 * Live proxy activity while capturing: open client connections and responses
 * still streaming (long-polls held with PENDING keep-alives), from the
 * backend's connection/chunk events. A completed exchange ends its stream.
 */
import { create } from 'zustand';
import type { BackendEvent } from '../../../shared/api/contract';

interface Streaming {
  url: string;
  bytes: number;
  since: number;
  last: number;
}

interface LiveStore {
  open: ReadonlySet<number>;
  /** By connection id: the response currently streaming on it. */
  streaming: ReadonlyMap<number, Streaming>;
  refused: { host: string; error: string; side: 'client' | 'upstream' }[];
  onEvent(e: BackendEvent): void;
  reset(): void;
}

export const useLiveStore = create<LiveStore>((set, get) => ({
  open: new Set(),
  streaming: new Map(),
  refused: [],
  onEvent(e) {
    if (e.type === 'connection') {
      const open = new Set(get().open);
      const streaming = new Map(get().streaming);
      if (e.data.type === 'open') open.add(e.data.connectionId);
      else if (e.data.type === 'close' || e.data.type === 'error') {
        open.delete(e.data.connectionId);
        streaming.delete(e.data.connectionId);
      }
      set({ open, streaming });
    } else if (e.type === 'chunk') {
      const streaming = new Map(get().streaming);
      const cur = streaming.get(e.data.connectionId);
      streaming.set(e.data.connectionId, {
        url: e.data.url,
        bytes: e.data.offset + e.data.length,
        since: cur && cur.url === e.data.url && e.data.offset > 0 ? cur.since : e.data.time,
        last: e.data.time,
      });
      set({ streaming });
    } else if (e.type === 'exchange') {
      if (!get().streaming.has(e.data.connectionId)) return;
      const streaming = new Map(get().streaming);
      streaming.delete(e.data.connectionId);
      set({ streaming });
    } else if (e.type === 'untrusted-certificate') {
      set({
        refused: [
          ...get().refused.filter((r) => r.host !== e.data.host),
          { host: e.data.host, error: e.data.error, side: e.data.side ?? 'upstream' },
        ].slice(-5),
      });
    } else if (e.type === 'capture-state' && !e.data.running) get().reset();
  },
  reset: () => set({ open: new Set(), streaming: new Map(), refused: [] }),
}));
