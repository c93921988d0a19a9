/**
 * Diagnoses that need both halves: the capture (client) and Exchange's logs
 * (server), joined per request by shared/logs/correlate.ts.
 */
import type { Correlation, ServerRow } from '../../logs/correlate.js';
import type { DiagnoseInput, Finding, ServerEvidence } from '../types.js';

export interface TwoSidedInput extends DiagnoseInput {
  readonly correlation: Correlation;
}

export interface TwoSidedRule {
  readonly id: string;
  readonly description: string;
  run(input: TwoSidedInput): Finding[];
}

export const evidenceOf = (rows: readonly ServerRow[], max = 20): ServerEvidence[] =>
  rows.slice(0, max).map((r) => ({ table: r.table, file: r.file, line: r.line }));
