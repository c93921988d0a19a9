/** A session idle longer than X-ExpirationInfo: the server has discarded its context ([MS-OXCMAPIHTTP] 3.2.6). */
import type { Finding, Rule } from '../types.js';
import { finding } from '../util.js';

export const idleExpiryRule: Rule = {
  id: 'idle-expiry',
  description: 'The client stayed idle longer than X-ExpirationInfo and then reused the session.',
  run({ sessions }) {
    const out: Finding[] = [];
    for (const s of sessions)
      for (const e of s.events.filter((x) => x.kind === 'idle-expired'))
        out.push(
          finding(
            'idle-expiry',
            'warning',
            'Session idle beyond its expiration',
            `Session ${s.id}: ${e.detail}. Without a PING or NotificationWait in between, the next request gets Context Not Found and Outlook has to reconnect.`,
            'Outlook keeps sessions alive with PING and NotificationWait; if they are missing, look for a blocked or failing NotificationWait (proxies that cut long requests).',
            [s.exchangeIds[s.exchangeIds.indexOf(e.exchangeId) - 1] ?? e.exchangeId, e.exchangeId],
            { session: s.id },
          ),
        );
    return out;
  },
};
