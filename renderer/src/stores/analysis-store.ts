/**
 * What the session model and the diagnoses say about the loaded exchanges:
 * `sessions.list` and `findings.list` from the backend's session service,
 * re-read (debounced) whenever the exchanges change. Nothing is computed
 * here that the backend does not say; a missing service is reported as such.
 */
import { create } from 'zustand';
import type { Finding, Severity } from '../../../shared/diagnose/types';
import type { SessionInfo } from '../../../shared/session/types';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import { api } from '../api/client';
import { useExchangesStore } from './exchanges-store';

/** One RPC's state: never asked, available with data, or not provided by this backend. */
export type Availability = 'unknown' | 'ok' | 'missing' | 'failed';

interface AnalysisStore {
  sessions: SessionInfo[];
  findings: Finding[];
  sessionsState: Availability;
  findingsState: Availability;
  error?: string | undefined;
  loading: boolean;
  /** Highest severity per exchange id, from the findings. */
  severityById: Map<number, Severity>;
  reload(): Promise<void>;
  /** Schedules a reload (coalesces bursts of live exchanges). */
  invalidate(delayMs?: number): void;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Highest severity per evidence exchange (the same rule as shared/diagnose's severityByExchange). */
export function severityMap(findings: readonly Finding[]): Map<number, Severity> {
  const m = new Map<number, Severity>();
  for (const f of findings)
    for (const id of f.evidence) {
      const cur = m.get(id);
      if (!cur || RANK[f.severity] < RANK[cur]) m.set(id, f.severity);
    }
  return m;
}

/** Session number per exchange id, from the sessions' exchange lists. */
export function sessionMap(sessions: readonly SessionInfo[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of sessions) for (const id of s.exchangeIds) m.set(id, s.id);
  return m;
}

/**
 * The list's summaries with `session` and `severity` filled in from the session
 * service where the summary lacks them (so the Sess column and the `session:`
 * and `severity:` filters work). Returns the same array when nothing changes.
 */
export function enrich(
  items: readonly ExchangeSummary[],
  sessionOf: Map<number, number>,
  severityOf: Map<number, Severity>,
): ExchangeSummary[] {
  let out: ExchangeSummary[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!;
    const session = s.session ?? sessionOf.get(s.id);
    const severity = severityOf.get(s.id) ?? s.severity;
    if (session === s.session && severity === s.severity) continue;
    out ??= items.slice();
    const e: ExchangeSummary = { ...s };
    if (session !== undefined) e.session = session;
    if (severity !== undefined) e.severity = severity;
    out[i] = e;
  }
  return out ?? (items as ExchangeSummary[]);
}

/** The list of a `{ total, items }` answer (session-service.ts); a bare array or `{ <key>: T[] }` is accepted too. */
export function listOf<T>(r: unknown, key: string): T[] {
  if (Array.isArray(r)) return r as T[];
  const o = r as Record<string, unknown> | null;
  const v = o?.items ?? o?.[key];
  return Array.isArray(v) ? (v as T[]) : [];
}

function isMissing(e: unknown): boolean {
  return e instanceof Error && /no such method/i.test(e.message);
}

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<void> | undefined;
let again = false;

export const useAnalysisStore = create<AnalysisStore>((set, get) => ({
  sessions: [],
  findings: [],
  sessionsState: 'unknown',
  findingsState: 'unknown',
  loading: false,
  severityById: new Map(),
  async reload() {
    if (inflight) {
      again = true;
      return inflight;
    }
    set({ loading: true });
    const one = async <T>(
      load: () => Promise<{ items: T[] }>,
    ): Promise<{ list: T[]; state: Availability; error?: string }> => {
      try {
        return { list: (await load()).items, state: 'ok' };
      } catch (e) {
        return {
          list: [],
          state: isMissing(e) ? 'missing' : 'failed',
          error: e instanceof Error ? e.message : String(e),
        };
      }
    };
    inflight = (async () => {
      const [s, f] = await Promise.all([
        one(() => api().call('sessions.list', {})),
        one(() => api().call('findings.list', {})),
      ]);
      const error = s.state === 'failed' ? s.error : f.state === 'failed' ? f.error : undefined;
      const severityById = severityMap(f.list);
      const ex = useExchangesStore.getState();
      const items = enrich(ex.items, sessionMap(s.list), severityById);
      if (items !== ex.items) useExchangesStore.setState({ items });
      set({
        sessions: s.list,
        findings: f.list,
        sessionsState: s.state,
        findingsState: f.state,
        severityById,
        loading: false,
        ...(error ? { error } : { error: undefined }),
      });
    })();
    try {
      await inflight;
    } finally {
      inflight = undefined;
      if (again) {
        again = false;
        void get().reload();
      }
    }
  },
  invalidate(delayMs = 800) {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void get().reload();
    }, delayMs);
  },
}));
