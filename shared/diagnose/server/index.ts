/**
 * The two-sided rules (capture + server logs), run like the capture-only ones:
 * a failing rule yields one finding saying so.
 */
import type { Finding } from '../types.js';
import { backendSlowRule } from './backend-slow.js';
import { failureBehindReconnectRule } from './failure-behind-reconnect.js';
import { frontEndGapRule } from './front-end-gap.js';
import { rejectedSeenAsNetworkErrorRule } from './rejected-seen-as-network-error.js';
import type { TwoSidedInput, TwoSidedRule } from './types.js';
import { unloggedRequestRule } from './unlogged-request.js';

export type { TwoSidedInput, TwoSidedRule } from './types.js';

export const twoSidedRules: readonly TwoSidedRule[] = [
  frontEndGapRule,
  backendSlowRule,
  rejectedSeenAsNetworkErrorRule,
  failureBehindReconnectRule,
  unloggedRequestRule,
];

export function diagnoseTwoSided(input: TwoSidedInput, rules: readonly TwoSidedRule[] = twoSidedRules): Finding[] {
  const out: Finding[] = [];
  for (const r of rules) {
    try {
      out.push(...r.run(input));
    } catch (e) {
      out.push({
        rule: r.id,
        severity: 'info',
        title: 'Diagnosis rule failed',
        message: `The ${r.id} rule failed: ${e instanceof Error ? e.message : String(e)}`,
        fix: 'Report this as a MapiScope bug with the capture and logs.',
        evidence: [],
      });
    }
  }
  return out;
}
