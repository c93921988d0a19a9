/**
 * The replay report contract: what the replay service (electron/backend/replay)
 * produces and the Replay panel and `mapiscope replay --json` read.
 */

export interface DiffEntry {
  path: string;
  captured: string;
  replayed: string;
}

export interface RopResult {
  id: string;
  name: string;
  returnValue?: string;
}

export interface SideResult {
  status?: number;
  responseCode?: number;
  rops: RopResult[];
}

export interface ExchangeReport {
  /** 1-based position in the replay (what plan steps refer to). */
  position: number;
  capturedId: number;
  session: number;
  type: string;
  /** replay: the captured request; resend: again after a failure; reconnect/redo: recovery traffic. */
  role: 'replay' | 'resend' | 'reconnect' | 'redo';
  captured: SideResult;
  replayed: SideResult & {
    connectionId: number;
    localAddress: string;
    durationMs: number;
    requestId: string;
    aborted?: string;
    pendingKeepAlives?: number;
    /** "NTLM handshake on connection 3": this request opened a connection that had to authenticate first. */
    handshake?: string;
  };
  /** Same HTTP status and X-ResponseCode as captured. */
  matches: boolean;
  diff: DiffEntry[];
  note?: string;
}

export type Verdict =
  'context-kept' | 'context-reestablished' | 'context-lost' | 'sequence-rejected-recovered' | 'failure';

export interface SwitchReport {
  step: string;
  at: number;
  verdict: Verdict;
  /** Codes seen from the first attempt to the recovered answer. */
  responseCodes: (number | string)[];
  /** Time from the switch to the first successful answer after it. */
  recoveryMs?: number;
  /** Executes redone after a reconnect. */
  redone?: number;
  detail: string;
}

export interface ReplayReportData {
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
  /** HTTP authentication of the run: the scheme used and every connection-bound handshake. */
  auth?: ReplayAuthReport;
  /** Server-assigned folder, message and rule ids re-mapped like handles (captured → live, hex). */
  serverIds?: { captured: string; live: string }[];
  /** The replay ended early for this reason (refused credentials, unreachable or untrusted target). */
  stoppedBecause?: string;
}

export interface ReplayAuthReport {
  /** basic, ntlm, negotiate or bearer; absent when the target never asked. */
  scheme?: string;
  /** DOMAIN\\user as given; never the password. */
  identity: string;
  handshakes: {
    connectionId: number;
    localAddress: string;
    scheme: string;
    at: number;
    legs: number;
    ok: boolean;
    detail: string;
  }[];
  notes: string[];
}

export interface ReplayRunData<R extends ReplayReportData = ReplayReportData> {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  target: string;
  startedAt: number;
  exchangesDone: number;
  switchesDone: number;
  error?: string;
  report?: R;
}
