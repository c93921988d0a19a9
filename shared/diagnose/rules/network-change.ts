/** The client's address changed in the middle of a session (Wi-Fi/VPN switch, NAT, proxy pool). */
import type { Finding, Rule } from '../types.js';
import { finding } from '../util.js';

export const networkChangeRule: Rule = {
  id: 'network-change',
  description: 'The client address changed during a session.',
  run({ sessions }) {
    const out: Finding[] = [];
    for (const s of sessions)
      for (const e of s.events.filter((x) => x.kind === 'network-change'))
        out.push(
          finding(
            'network-change',
            'info',
            'Client address changed mid-session',
            `Session ${s.id}: ${e.detail} at exchange ${e.exchangeId}. MAPI over HTTP sessions survive this (the cookies identify the session, not the connection), but requests in flight at the switch are lost.`,
            'Only a problem if drops or reconnects follow; then look at VPN, Wi-Fi roaming or a proxy pool with changing source addresses.',
            [e.exchangeId],
            { session: s.id },
          ),
        );
    return out;
  },
};
