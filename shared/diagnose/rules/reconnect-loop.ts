/**
 * Reconnect loops: one client instance that keeps starting sessions without
 * closing the previous ones (context lost → Connect, Connect after Connect, …).
 *
 * "One client" is proven, not guessed: either the new Connect/Bind carried the
 * previous session's cookies, or both sessions share the X-ClientInfo GUID
 * (unique per client instance, [MS-OXCMAPIHTTP] 2.2.3.3.4) and the client
 * address, and the new session started while the previous context was still
 * within its expiry (X-ExpirationInfo). Separate client runs (another GUID or
 * address, or a start after the old context expired) are not a loop.
 */
import type { SessionInfo } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, seconds } from '../util.js';

/** Reconnects within this window count towards a loop. */
export const RECONNECT_WINDOW_MS = 5 * 60_000;
export const RECONNECT_THRESHOLD = 3;
/** Context expiry assumed when the server sent no X-ExpirationInfo. */
export const DEFAULT_EXPIRY_MS = RECONNECT_WINDOW_MS;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The client-instance GUID of an X-ClientInfo value ("{GUID}:123", "{GUID}-5"), upper case. */
export function clientInstanceOf(clientInfo: string | undefined): string | undefined {
  if (!clientInfo) return undefined;
  const m = GUID.exec(clientInfo);
  return m ? m[0].toUpperCase() : undefined;
}

/** The address (without port) of "address:port". */
function hostOf(endpoint: string): string {
  const i = endpoint.lastIndexOf(':');
  return i > 0 ? endpoint.slice(0, i) : endpoint;
}

/** Why `b` re-established `a`'s session, or undefined when nothing proves it is the same client. */
function reconnectReason(a: SessionInfo, b: SessionInfo): string | undefined {
  if (a.state === 'closed') return undefined;
  if (b.reconnectOf === a.id) return `session ${b.id} carried the cookies of session ${a.id}`;
  const ga = clientInstanceOf(a.clientInfo);
  if (!ga || ga !== clientInstanceOf(b.clientInfo)) return undefined;
  const lastA = a.clientAddresses[a.clientAddresses.length - 1];
  const firstB = b.clientAddresses[0];
  if (!lastA || !firstB || hostOf(lastA) !== hostOf(firstB)) return undefined;
  const expiry = a.expirationMs ?? DEFAULT_EXPIRY_MS;
  const gap = b.start - a.end;
  // Still in use after `b` started: a parallel session, not a replaced one.
  if (gap < 0 || gap > expiry) return undefined;
  return `session ${b.id} started ${seconds(gap)} after session ${a.id}, within its ${a.expirationMs !== undefined ? 'X-ExpirationInfo' : 'assumed expiry'} of ${seconds(expiry)}`;
}

export const reconnectLoopRule: Rule = {
  id: 'reconnect-loop',
  description:
    'The same client instance (X-ClientInfo GUID and address, or its old cookies) re-established its session again and again within minutes.',
  run({ sessions }) {
    const out: Finding[] = [];
    const started = sessions.filter((s) => !s.startedMidSession);
    for (const [, list] of groupBy(started, (s) => `${s.endpoint}|${s.mailbox ?? ''}|${s.server ?? ''}`)) {
      // Each session that re-established the one before it (same client, proven).
      const re: SessionInfo[] = [];
      const why = new Map<SessionInfo, string>();
      for (let i = 1; i < list.length; i++) {
        const b = list[i]!;
        for (let j = i - 1; j >= 0; j--) {
          const reason = reconnectReason(list[j]!, b);
          if (reason !== undefined) {
            re.push(b);
            why.set(b, reason);
            break;
          }
        }
      }
      let best: SessionInfo[] = [];
      for (let i = 0, j = 0; j < re.length; j++) {
        while (re[j]!.start - re[i]!.start > RECONNECT_WINDOW_MS) i++;
        if (j - i + 1 > best.length) best = re.slice(i, j + 1);
      }
      if (best.length < RECONNECT_THRESHOLD) continue;
      const first = best[0]!;
      const last = best[best.length - 1]!;
      const ids = best.map((s) => s.exchangeIds[0]!);
      const guid = clientInstanceOf(first.clientInfo);
      out.push(
        finding(
          'reconnect-loop',
          'error',
          'Reconnect loop',
          `The same client${guid ? ` (X-ClientInfo {${guid}}${first.clientAddresses[0] ? ` from ${hostOf(first.clientAddresses[0])}` : ''})` : ''} started ${best.length} new ${first.endpoint === 'nspi' ? 'address book' : 'mailbox'} sessions within ${seconds(last.start - first.start)}, each while the previous one was still alive and not disconnected (sessions ${best.map((s) => s.id).join(', ')}; ${why.get(first)}). Each new Connect throws away the server-side state, so Outlook keeps resynchronizing.`,
          'Look at what ended each previous session: context-lost responses, dropped connections (load balancer idle timeouts) or authentication failures right before each Connect.',
          ids,
          { session: first.id },
        ),
      );
    }
    return out;
  },
};
