/**
 * Capturing Outlook on this machine: the system proxy routing, the CA's trust stores and the
 * "Capture Outlook" checklist, as the backend reports them (`systemProxy.*`, `ca.trust*`,
 * `outlook.checklist`, the `system-proxy` event).
 */
import { create } from 'zustand';
import type { CaTrustDto, OutlookChecklistDto, SystemProxyDto } from '../../../shared/api/desktop';
import { api } from '../api/client';

function initialRoute(): boolean {
  try {
    const v = localStorage.getItem('mapiscope.routeOutlook');
    if (v === '1' || v === '0') return v === '1';
  } catch {
    /* no storage */
  }
  // On by default in the desktop app; in a browser the backend may be another machine's.
  return api().desktop !== undefined;
}

interface DesktopStore {
  /** "Route Outlook through MapiScope" when a capture starts. */
  routeOutlook: boolean;
  setRouteOutlook(on: boolean): void;
  proxy?: SystemProxyDto;
  trust?: CaTrustDto;
  checklist?: OutlookChecklistDto;
  checklistOpen: boolean;
  setChecklistOpen(open: boolean): void;
  /** The last action's outcome ("trusted in …", an error). */
  message?: { text: string; error: boolean } | undefined;
  setMessage(text: string | undefined, error?: boolean): void;
  refresh(): Promise<void>;
  refreshChecklist(): Promise<void>;
  onProxy(p: SystemProxyDto): void;
  /** Runs an action, then reads the state again; errors become the message. */
  act(f: () => Promise<string | undefined>): Promise<void>;
}

export const useDesktopStore = create<DesktopStore>((set, get) => ({
  routeOutlook: initialRoute(),
  setRouteOutlook(on) {
    try {
      localStorage.setItem('mapiscope.routeOutlook', on ? '1' : '0');
    } catch {
      /* no storage */
    }
    set({ routeOutlook: on });
  },
  checklistOpen: false,
  setChecklistOpen(open) {
    set({ checklistOpen: open });
    if (open) void get().refreshChecklist();
  },
  setMessage(text, error = false) {
    set({ message: text === undefined ? undefined : { text, error } });
  },
  async refresh() {
    try {
      const [proxy, trust] = await Promise.all([
        api().call('systemProxy.status', {}),
        api().call('ca.trustStatus', {}),
      ]);
      set({ proxy, trust });
    } catch {
      /* an older backend without the desktop service */
    }
    if (get().checklistOpen) await get().refreshChecklist();
  },
  async refreshChecklist() {
    try {
      const checklist = await api().call('outlook.checklist', {});
      set({ checklist, proxy: checklist.routing, trust: checklist.ca });
    } catch (e) {
      set({ message: { text: e instanceof Error ? e.message : String(e), error: true } });
    }
  },
  onProxy(p) {
    set({ proxy: p });
    if (get().checklistOpen) void get().refreshChecklist();
  },
  async act(f) {
    try {
      const text = await f();
      set({ message: text ? { text, error: false } : undefined });
    } catch (e) {
      set({ message: { text: e instanceof Error ? e.message : String(e), error: true } });
    }
    await get().refresh();
    await get().refreshChecklist();
  },
}));

/** Starts routing through the running capture; resolves with a line for the user. */
export async function routeOutlook(all = false): Promise<string> {
  const p = await api().call('systemProxy.on', all ? { all: true } : {});
  return p.mode === 'all'
    ? `All traffic goes through MapiScope (127.0.0.1:${p.proxy?.port ?? ''})`
    : `Outlook's Exchange hosts go through MapiScope by PAC (${p.pacUrl ?? ''})`;
}

/** What the status bar says about routing. */
export function routingText(p: SystemProxyDto | undefined): { text: string; tone: 'ok' | 'warn' | 'off' } {
  if (!p || p.mode === 'off') return { text: 'Outlook not routed', tone: 'off' };
  if (!p.ours) return { text: 'Routing changed by someone else', tone: 'warn' };
  if (p.owner && !p.owner.running) return { text: 'Routing left by a stopped MapiScope', tone: 'warn' };
  if (p.mode === 'all') return { text: `Routed: all traffic → 127.0.0.1:${p.proxy?.port ?? ''}`, tone: 'ok' };
  const named = p.hosts.filter((h) => !h.includes('*'));
  return {
    text: `Routed by PAC: ${named.length ? named.slice(0, 3).join(', ') + (named.length > 3 ? ` +${named.length - 3}` : '') : 'Autodiscover hosts'}`,
    tone: 'ok',
  };
}
