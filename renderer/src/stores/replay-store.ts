/**
 * The Replay panel's state: replayable sessions (`replay.sessions`), the plan
 * being edited, and the current run, polled with `replay.status` while it runs
 * and read whole with `replay.report` when it ends.
 */
import { create } from 'zustand';
import { api } from '../api/client';
import { defaultRow, planText, type PlanRow, type SwitchKind } from '../replay/plan-text';
import type { ReplayReport, ReplayRun, ReplaySessionRow } from '../replay/replay-types';

interface ReplayStore {
  sessions: ReplaySessionRow[];
  sessionsError?: string;
  session?: number;
  /** "simulator" or a base URL. */
  targetKind: 'simulator' | 'url';
  url: string;
  realtime: boolean;
  plan: PlanRow[];
  reason?: string;
  run?: ReplayRun;
  report?: ReplayReport;
  error?: string;
  /** Progress lines from the backend's log events for the current run. */
  log: string[];
  loadSessions(): Promise<void>;
  setSession(i: number | undefined): void;
  setTarget(kind: 'simulator' | 'url', url?: string): void;
  setRealtime(on: boolean): void;
  addStep(kind: SwitchKind): void;
  updateStep(i: number, row: PlanRow): void;
  removeStep(i: number): void;
  start(): Promise<void>;
  cancel(): Promise<void>;
  onLog(message: string): void;
}

let poll: ReturnType<typeof setTimeout> | undefined;

export const useReplayStore = create<ReplayStore>((set, get) => ({
  sessions: [],
  targetKind: 'simulator',
  url: 'http://127.0.0.1:8080',
  realtime: false,
  plan: [],
  log: [],
  async loadSessions() {
    try {
      const list = await api().callRaw<ReplaySessionRow[]>('replay.sessions', {});
      const cur = get().session;
      set({
        sessions: list,
        sessionsError: undefined,
        session: cur !== undefined && list.some((s) => s.index === cur) ? cur : list[0]?.index,
      });
      const check = await api().callRaw<{ reason: string | null }>(
        'replay.check',
        get().session !== undefined ? { session: get().session } : {},
      );
      set({ reason: check.reason ?? undefined });
    } catch (e) {
      set({ sessions: [], sessionsError: e instanceof Error ? e.message : String(e) });
    }
  },
  setSession: (session) => set({ session }),
  setTarget: (targetKind, url) => set({ targetKind, ...(url !== undefined ? { url } : {}) }),
  setRealtime: (realtime) => set({ realtime }),
  addStep(kind) {
    const s = get().sessions.find((x) => x.index === get().session);
    const last = get().plan.at(-1)?.at ?? 1;
    const at = Math.min(Math.max(2, last + 1), Math.max(2, s?.exchanges ?? 2));
    set({ plan: [...get().plan, defaultRow(kind, at)] });
  },
  updateStep: (i, row) => set({ plan: get().plan.map((r, k) => (k === i ? row : r)) }),
  removeStep: (i) => set({ plan: get().plan.filter((_, k) => k !== i) }),
  async start() {
    const st = get();
    const target = st.targetKind === 'simulator' ? 'simulator' : st.url.trim();
    set({ error: undefined, report: undefined, run: undefined, log: [] });
    try {
      const r = await api().callRaw<{ id: number; state: ReplayRun['state'] }>('replay.start', {
        target,
        ...(st.session !== undefined ? { session: st.session } : {}),
        ...(st.plan.length ? { plan: planText(st.plan) } : {}),
        ...(st.realtime ? { realtime: true } : {}),
      });
      set({ run: { id: r.id, state: r.state, target, startedAt: Date.now(), exchangesDone: 0, switchesDone: 0 } });
      schedule(r.id);
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
  async cancel() {
    const run = get().run;
    if (!run) return;
    await api()
      .callRaw('replay.cancel', { id: run.id })
      .catch(() => undefined);
  },
  onLog(message) {
    const run = get().run;
    if (!run || !message.startsWith(`replay ${run.id}:`)) return;
    const log = get().log.concat(message.slice(`replay ${run.id}: `.length));
    set({ log: log.length > 500 ? log.slice(-500) : log });
  },
}));

function schedule(id: number): void {
  if (poll) clearTimeout(poll);
  poll = setTimeout(() => void tick(id), 250);
}

async function tick(id: number): Promise<void> {
  const set = useReplayStore.setState;
  try {
    const run = await api().callRaw<ReplayRun>('replay.status', { id });
    if (useReplayStore.getState().run?.id !== id) return;
    set({ run });
    if (run.state === 'running') return schedule(id);
    if (run.state === 'failed') {
      set({ error: run.error ?? 'the replay failed' });
      return;
    }
    const report = await api().callRaw<ReplayReport>('replay.report', { id });
    set({ report });
  } catch (e) {
    set({ error: e instanceof Error ? e.message : String(e) });
  }
}
