/**
 * Automatic diagnoses over the session model: every rule of the registry run
 * on the model's sessions and facts. Cheap (facts are small), so the backend
 * can re-run it whenever the list is asked for.
 */
import type { SessionModel } from '../session/model.js';
import { rules as allRules } from './registry.js';
import type { DiagnoseInput, Finding, Rule, Severity } from './types.js';
import { runRules } from './util.js';

export type { DiagnoseInput, EvidencePath, Finding, Rule, Severity } from './types.js';
export { rules, rulesById } from './registry.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface DiagnoseOptions {
  /** Only these rule ids. */
  only?: readonly string[];
  rules?: readonly Rule[];
}

/** Findings ordered by first evidence exchange, then severity. A failing rule yields one finding saying so. */
export function diagnose(input: DiagnoseInput, opts: DiagnoseOptions = {}): Finding[] {
  const list = (opts.rules ?? allRules).filter((r) => !opts.only || opts.only.includes(r.id));
  const out = runRules(list, input, { ranOn: ' on this capture', attach: 'the capture' });
  return out.sort((a, b) => (a.evidence[0] ?? 0) - (b.evidence[0] ?? 0) || RANK[a.severity] - RANK[b.severity]);
}

export function diagnoseModel(model: SessionModel, opts: DiagnoseOptions = {}): Finding[] {
  return diagnose({ sessions: model.sessions(), facts: model.facts() }, opts);
}

/** Highest severity per exchange id (for the exchange list's badge). */
export function severityByExchange(findings: readonly Finding[]): Map<number, Severity> {
  const m = new Map<number, Severity>();
  for (const f of findings)
    for (const id of f.evidence) {
      const cur = m.get(id);
      if (!cur || RANK[f.severity] < RANK[cur]) m.set(id, f.severity);
    }
  return m;
}
