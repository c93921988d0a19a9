/**
 * Every diagnosis rule, in one table (the order findings of equal position
 * are listed in). Adding a rule: write rules/<id>.ts exporting a `Rule`,
 * import it here and add it to the list.
 */
import { auth401LoopRule } from './rules/auth-401-loop.js';
import { autodiscoverNoMapiHttpRule } from './rules/autodiscover-no-mapihttp.js';
import { bufferTooSmallRule } from './rules/buffer-too-small.js';
import { connectionDroppedRule } from './rules/connection-dropped.js';
import { cookieIntegrityRule } from './rules/cookie-integrity.js';
import { emsmdbStatusRule } from './rules/emsmdb-status.js';
import { idleExpiryRule } from './rules/idle-expiry.js';
import { latencyRule } from './rules/latency.js';
import { metaTagBurstRule } from './rules/meta-tag-burst.js';
import { midSessionCaptureRule } from './rules/mid-session-capture.js';
import { networkChangeRule } from './rules/network-change.js';
import { ntlmSplitRule } from './rules/ntlm-split.js';
import { outlookAnywhereRule } from './rules/outlook-anywhere.js';
import { pendingGapRule } from './rules/pending-gap.js';
import { reconnectLoopRule } from './rules/reconnect-loop.js';
import { requestRetryRule } from './rules/request-retry.js';
import { responseCodeMismatchRule } from './rules/response-code-mismatch.js';
import { responseCodeRule } from './rules/response-code.js';
import { ropBackoffRule } from './rules/rop-backoff.js';
import { ropErrorRule } from './rules/rop-error.js';
import { unansweredRopsRule } from './rules/unanswered-rops.js';
import { unknownHandleRule } from './rules/unknown-handle.js';
import { unsupportedVersionRule } from './rules/unsupported-version.js';
import { upstreamCertificateRule } from './rules/upstream-certificate.js';
import { usedAfterCloseRule } from './rules/used-after-close.js';
import type { Rule } from './types.js';

export const rules: readonly Rule[] = [
  responseCodeRule,
  responseCodeMismatchRule,
  emsmdbStatusRule,
  reconnectLoopRule,
  cookieIntegrityRule,
  usedAfterCloseRule,
  requestRetryRule,
  idleExpiryRule,
  pendingGapRule,
  metaTagBurstRule,
  connectionDroppedRule,
  networkChangeRule,
  auth401LoopRule,
  ntlmSplitRule,
  ropErrorRule,
  unansweredRopsRule,
  unknownHandleRule,
  ropBackoffRule,
  bufferTooSmallRule,
  latencyRule,
  upstreamCertificateRule,
  unsupportedVersionRule,
  outlookAnywhereRule,
  autodiscoverNoMapiHttpRule,
  midSessionCaptureRule,
];

export const rulesById: ReadonlyMap<string, Rule> = (() => {
  const m = new Map<string, Rule>();
  for (const r of rules) {
    if (m.has(r.id)) throw new Error(`duplicate diagnosis rule id ${r.id}`);
    m.set(r.id, r);
  }
  return m;
})();
