/** Small helpers the rules share. */
import type { ExchangeFacts } from '../session/types.js';
import type { EvidencePath, Finding, Severity } from './types.js';

export function finding(
  rule: string,
  severity: Severity,
  title: string,
  message: string,
  fix: string,
  evidence: readonly number[],
  extra: { session?: number | undefined; paths?: EvidencePath[] } = {},
): Finding {
  const f: Finding = { rule, severity, title, message, fix, evidence: [...new Set(evidence)].sort((a, b) => a - b) };
  if (extra.session !== undefined) f.session = extra.session;
  if (extra.paths?.length) f.paths = extra.paths;
  return f;
}

export function hex8(v: number): string {
  return '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "exchanges 3, 7 and 12" */
export function idList(ids: readonly number[], max = 8): string {
  const shown = ids.slice(0, max).map(String);
  const more = ids.length > max ? ` and ${ids.length - max} more` : '';
  if (shown.length <= 1) return `exchange ${shown[0] ?? '?'}${more}`;
  return `exchanges ${shown.slice(0, -1).join(', ')}${more ? ', ' + shown[shown.length - 1] + more : ' and ' + shown[shown.length - 1]}`;
}

/** Groups facts by a key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    const l = m.get(k);
    if (l) l.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function isMapi(f: ExchangeFacts): boolean {
  return f.endpoint === 'emsmdb' || f.endpoint === 'nspi';
}

/** Time the client waited for the whole answer. */
export function roundTrip(f: ExchangeFacts): number | undefined {
  return f.responseEnd !== undefined ? f.responseEnd - f.requestStart : undefined;
}

/**
 * Every rule's findings, in rule order; a rule that throws yields one info finding saying so.
 * `ranOn` follows "failed" in its message (" on this capture"), `attach` is what the bug report needs.
 */
export function runRules<I>(
  rules: readonly { id: string; run(input: I): Finding[] }[],
  input: I,
  failure: { ranOn: string; attach: string },
): Finding[] {
  const out: Finding[] = [];
  for (const r of rules) {
    try {
      out.push(...r.run(input));
    } catch (e) {
      out.push({
        rule: r.id,
        severity: 'info',
        title: 'Diagnosis rule failed',
        message: `The ${r.id} rule failed${failure.ranOn}: ${e instanceof Error ? e.message : String(e)}`,
        fix: `Report this as a MapiScope bug with ${failure.attach}.`,
        evidence: [],
      });
    }
  }
  return out;
}
