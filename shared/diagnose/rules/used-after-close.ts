/** Requests sent with the cookies of a session that was disconnected or replaced. */
import type { Finding, Rule } from '../types.js';
import { finding, idList } from '../util.js';

export const usedAfterCloseRule: Rule = {
  id: 'used-after-close',
  description: 'A request used the cookies of a session that had been disconnected or replaced by a reconnect.',
  run({ sessions }) {
    const out: Finding[] = [];
    for (const s of sessions) {
      const ev = s.events.filter((e) => e.kind === 'used-after-close');
      if (!ev.length) continue;
      const ids = ev.map((e) => e.exchangeId);
      out.push(
        finding(
          'used-after-close',
          'error',
          'Cookies of a closed session reused',
          `${idList(ids)} ${ev[0]!.detail} (session ${s.id}). The server fails such requests; the client must not mix cookies of an old context into a new one.`,
          'If the client is Outlook, this points at a proxy or cache replaying old cookies; for a replay tool, replay the Connect first.',
          ids,
          { session: s.id },
        ),
      );
    }
    return out;
  },
};
