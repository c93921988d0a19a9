/**
 * The shapes the Replay panel reads from the replay service
 * (electron/backend/replay/service.ts, replayer.ts), restated here because the
 * renderer imports only shared/. Keep in step with ReplayRun / ReplayReport.
 */

export interface ReplaySessionRow {
  index: number;
  endpoint: string;
  exchanges: number;
  types: string[] | Record<string, number>;
  firstId?: number;
}

export type Verdict =
  'context-kept' | 'context-reestablished' | 'context-lost' | 'sequence-rejected-recovered' | 'failure';

export interface DiffEntry {
  path: string;
  captured: string;
  replayed: string;
}

export interface SideResult {
  status?: number;
  responseCode?: number;
  rops: { id: string; name: string; returnValue?: string }[];
}

export interface ExchangeReport {
  position: number;
  capturedId: number;
  session: number;
  type: string;
  role: 'replay' | 'resend' | 'reconnect' | 'redo';
  captured: SideResult;
  replayed: SideResult & {
    connectionId: number;
    localAddress: string;
    durationMs: number;
    requestId: string;
    aborted?: string;
    pendingKeepAlives?: number;
  };
  matches: boolean;
  diff: DiffEntry[];
  note?: string;
}

export interface SwitchReport {
  step: string;
  at: number;
  verdict: Verdict;
  responseCodes: (number | string)[];
  recoveryMs?: number;
  redone?: number;
  detail: string;
}

export interface ReplayReport {
  target: string;
  sessions: { index: number; endpoint: string; exchanges: number }[];
  startedAt: number;
  durationMs: number;
  exchanges: ExchangeReport[];
  switches: SwitchReport[];
  summary: {
    replayed: number;
    succeeded: number;
    failed: number;
    matched: number;
    withDiffs: number;
    recoveryRequests: number;
  };
  problems: string[];
}

export interface ReplayRun {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  target: string;
  startedAt: number;
  exchangesDone: number;
  switchesDone: number;
  error?: string;
  report?: ReplayReport;
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  'context-kept': 'Context kept: the session survived the switch unchanged',
  'context-reestablished': 'Context re-established: the client reconnected and redid its work',
  'context-lost': 'Context lost: the server no longer knew the session',
  'sequence-rejected-recovered': 'Stale sequence rejected, then recovered',
  failure: 'Failure: the session did not recover',
};

export function verdictTone(v: Verdict): 'ok' | 'warn' | 'err' {
  return v === 'context-kept' ? 'ok' : v === 'failure' || v === 'context-lost' ? 'err' : 'warn';
}
