/**
 * Reconnect loops: a client that keeps starting sessions without closing the
 * previous ones (Connect after Connect, context lost → Connect, …).
 */
import type { SessionInfo } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, seconds } from '../util.js';

/** Reconnects within this window count towards a loop. */
export const RECONNECT_WINDOW_MS = 5 * 60_000;
export const RECONNECT_THRESHOLD = 3;

export const reconnectLoopRule: Rule = {
  id: 'reconnect-loop',
  description: 'The same client re-established its session again and again within a few minutes.',
  run({ sessions }) {
    const out: Finding[] = [];
    const started = sessions.filter((s) => !s.startedMidSession);
    for (const [, list] of groupBy(
      started,
      (s) => `${s.endpoint}|${s.clientInfo ?? ''}|${s.mailbox ?? ''}|${s.server ?? ''}`,
    )) {
      // A start counts as a reconnect when the session before it (same client) was not disconnected.
      const re: SessionInfo[] = [];
      for (let i = 1; i < list.length; i++) if (list[i - 1]!.state !== 'closed') re.push(list[i]!);
      let best: SessionInfo[] = [];
      for (let i = 0, j = 0; j < re.length; j++) {
        while (re[j]!.start - re[i]!.start > RECONNECT_WINDOW_MS) i++;
        if (j - i + 1 > best.length) best = re.slice(i, j + 1);
      }
      if (best.length < RECONNECT_THRESHOLD) continue;
      const first = best[0]!;
      const last = best[best.length - 1]!;
      const ids = best.map((s) => s.exchangeIds[0]!);
      out.push(
        finding(
          'reconnect-loop',
          'error',
          'Reconnect loop',
          `The client started ${best.length} new ${first.endpoint === 'nspi' ? 'address book' : 'mailbox'} sessions within ${seconds(last.start - first.start)} without disconnecting the previous ones (sessions ${best.map((s) => s.id).join(', ')}). Each new Connect throws away the server-side state, so Outlook keeps resynchronizing.`,
          'Look at what ended each previous session: context-lost responses, dropped connections (load balancer idle timeouts) or authentication failures right before each Connect.',
          ids,
          { session: first.id },
        ),
      );
    }
    return out;
  },
};
