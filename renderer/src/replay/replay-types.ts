/**
 * The shapes the Replay panel reads from the replay service, from the API
 * contract (shared/api/contract.ts, shared/api/replay.ts: one definition for both sides).
 */

export type { ReplayChangeRow, ReplaySessionRow } from '../../../shared/api/contract';

export type { DiffEntry, ExchangeReport, SideResult, SwitchReport, Verdict } from '../../../shared/api/replay';
export type { ReplayReportData as ReplayReport, ReplayRunData as ReplayRun } from '../../../shared/api/replay';
import type { Verdict } from '../../../shared/api/replay';

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
