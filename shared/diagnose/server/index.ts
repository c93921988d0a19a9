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
import { runRules } from '../util.js';
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
  return runRules(rules, input, { ranOn: '', attach: 'the capture and logs' });
}
