/**
 * Findings: verdicts a support engineer can check. Each one names the rule
 * that produced it, says in plain language what happened and what to do, and
 * points at its evidence (exchange ids, optionally tree paths).
 */
import type { ExchangeFacts, SessionInfo } from '../session/types.js';

export type Severity = 'error' | 'warning' | 'info';

export interface EvidencePath {
  exchangeId: number;
  /** Tree path in that exchange's decode ("RopsList/RopOpenFolder"), or a header name. */
  path: string;
}

export interface Finding {
  /** Rule id, e.g. "response-code". */
  rule: string;
  severity: Severity;
  title: string;
  /** The cause, in plain language. */
  message: string;
  /** What to check or change. */
  fix: string;
  /** Exchange ids, ascending. */
  evidence: number[];
  paths?: EvidencePath[];
  /** MAPI session the finding belongs to, when there is one. */
  session?: number;
  /** Exchange server log rows behind a two-sided finding (file and line of each). */
  serverEvidence?: ServerEvidence[];
}

/** A server log row cited as evidence. */
export interface ServerEvidence {
  table: string;
  file: string;
  line: number;
}

/** What the rules read: the session model's sessions and per-exchange facts. */
export interface DiagnoseInput {
  readonly sessions: readonly SessionInfo[];
  readonly facts: readonly ExchangeFacts[];
}

export interface Rule {
  readonly id: string;
  /** One line for `--help` and the findings legend. */
  readonly description: string;
  run(input: DiagnoseInput): Finding[];
}
