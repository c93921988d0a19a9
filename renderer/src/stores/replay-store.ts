/**
 * The Replay panel's state: replayable sessions (`replay.sessions`), the plan
 * being edited, and the current run, followed through the backend's
 * `replay-progress` events (no polling) and read whole with `replay.report`
 * once it ends. After the event channel reconnects, `resync()` asks
 * `replay.status` once, so a final event missed meanwhile cannot leave the
 * panel on "running". Against a server, the ROPs of the session that would
 * change its mailbox (`replay.changes`) are listed and the run needs the
 * "allow changes" switch, off by default and reset with each session.
 */
import { create } from 'zustand';
import { api } from '../api/client';
import { defaultRow, planText, type PlanRow, type SwitchKind } from '../replay/plan-text';
import type { ReplayChangeRow, ReplayReport, ReplayRun, ReplaySessionRow } from '../replay/replay-types';

interface ReplayStore {
  sessions: ReplaySessionRow[];
  sessionsError?: string | undefined;
  session?: number | undefined;
  /** "simulator" or a base URL. */
  targetKind: 'simulator' | 'url';
  url: string;
  realtime: boolean;
  /** Replay ROPs that change a server's mailbox (sent only for a URL target). */
  allowChanges: boolean;
  /** The chosen session's captured Executes that change a mailbox. */
  changes: ReplayChangeRow[];
  plan: PlanRow[];
  reason?: string | undefined;
  run?: ReplayRun | undefined;
  report?: ReplayReport | undefined;
  error?: string | undefined;
  /** Progress lines from the backend's log events for the current run. */
  log: string[];
  loadSessions(): Promise<void>;
  setSession(i: number | undefined): void;
  setTarget(kind: 'simulator' | 'url', url?: string): void;
  setRealtime(on: boolean): void;
  setAllowChanges(on: boolean): void;
  loadChanges(): Promise<void>;
  addStep(kind: SwitchKind): void;
  updateStep(i: number, row: PlanRow): void;
  removeStep(i: number): void;
  start(): Promise<void>;
  cancel(): Promise<void>;
  onLog(message: string): void;
  /** A `replay-progress` event: applied when it is about the current run. */
  onProgress(run: ReplayRun): void;
  /** The event channel (re)connected: one `replay.status` for a run still shown as running. */
  resync(): Promise<void>;
}

/** replay.start is in flight: its run's events can arrive before its id does. */
let starting = false;
/** The latest event per run id that arrived while replay.start was in flight. */
const early = new Map<number, ReplayRun>();
/** The run whose report has been asked for (once per run). */
let reportFor: number | undefined;

const isFinal = (r: ReplayRun) => r.state !== 'running';

export const useReplayStore = create<ReplayStore>((set, get) => ({
  sessions: [],
  targetKind: 'simulator',
  url: 'http://127.0.0.1:8080',
  realtime: false,
  allowChanges: false,
  changes: [],
  plan: [],
  log: [],
  async loadSessions() {
    try {
      const list = await api().call('replay.sessions', {});
      const cur = get().session;
      set({
        sessions: list,
        sessionsError: undefined,
        session: cur !== undefined && list.some((s) => s.index === cur) ? cur : list[0]?.index,
      });
      const session = get().session;
      const check = await api().call('replay.check', session !== undefined ? { session } : {});
      set({ reason: check.reason ?? undefined });
      await get().loadChanges();
    } catch (e) {
      set({ sessions: [], sessionsError: e instanceof Error ? e.message : String(e) });
    }
  },
  setSession(session) {
    set({ session, allowChanges: false, changes: [] });
    void get().loadChanges();
  },
  async loadChanges() {
    const session = get().session;
    try {
      const changes = await api().call('replay.changes', session !== undefined ? { session } : {});
      if (get().session === session) set({ changes });
    } catch {
      if (get().session === session) set({ changes: [] });
    }
  },
  setAllowChanges: (allowChanges) => set({ allowChanges }),
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
    starting = true;
    early.clear();
    reportFor = undefined;
    try {
      const r = await api().call('replay.start', {
        target,
        ...(st.session !== undefined ? { session: st.session } : {}),
        ...(st.plan.length ? { plan: planText(st.plan) } : {}),
        ...(st.realtime ? { realtime: true } : {}),
        ...(st.targetKind === 'url' && st.allowChanges ? { allowChanges: true } : {}),
      });
      const seen = early.get(r.id);
      set({ run: { id: r.id, state: r.state, target, startedAt: Date.now(), exchangesDone: 0, switchesDone: 0 } });
      if (seen) apply(seen);
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      starting = false;
      early.clear();
    }
  },
  async cancel() {
    const run = get().run;
    if (!run) return;
    await api()
      .call('replay.cancel', { id: run.id })
      .catch(() => undefined);
  },
  onLog(message) {
    const run = get().run;
    if (!run || !message.startsWith(`replay ${run.id}:`)) return;
    const log = get().log.concat(message.slice(`replay ${run.id}: `.length));
    set({ log: log.length > 500 ? log.slice(-500) : log });
  },
  onProgress(run) {
    const cur = get().run;
    if (!cur) {
      if (starting) early.set(run.id, run);
      return;
    }
    if (cur.id === run.id) apply(run);
  },
  async resync() {
    const cur = get().run;
    if (!cur || isFinal(cur)) return;
    try {
      const run = await api().call('replay.status', { id: cur.id });
      if (get().run?.id === cur.id) apply(run);
    } catch (e) {
      if (get().run?.id === cur.id) set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
}));

/** Shows a state of the current run; a final one is shown once and its report fetched once. */
function apply(run: ReplayRun): void {
  const { getState: get, setState: set } = useReplayStore;
  const cur = get().run;
  if (!cur || cur.id !== run.id || isFinal(cur)) return;
  set({ run });
  if (!isFinal(run)) return;
  if (run.state === 'failed') {
    set({ error: run.error ?? 'the replay failed' });
    return;
  }
  if (reportFor === run.id) return;
  reportFor = run.id;
  void fetchReport(run.id);
}

async function fetchReport(id: number): Promise<void> {
  const { getState: get, setState: set } = useReplayStore;
  try {
    const report = await api().call('replay.report', { id });
    if (get().run?.id === id) set({ report });
  } catch (e) {
    if (get().run?.id === id) set({ error: e instanceof Error ? e.message : String(e) });
  }
}
