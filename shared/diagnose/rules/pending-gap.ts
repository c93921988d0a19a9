/** PENDING keep-alives further apart than X-PendingPeriod allows ([MS-OXCMAPIHTTP] 3.1.5.6). */
import type { Finding, Rule } from '../types.js';
import { finding, seconds } from '../util.js';

/** A gap counts when it exceeds the announced period by this factor. */
export const PENDING_GAP_FACTOR = 1.5;
export const DEFAULT_PENDING_PERIOD_MS = 30_000;

export const pendingGapRule: Rule = {
  id: 'pending-gap',
  description:
    'Keep-alives (PENDING) arrived further apart than X-PendingPeriod: something in the path holds data back.',
  run({ facts, sessions }) {
    const out: Finding[] = [];
    for (const f of facts) {
      const times = f.metaTags?.map((m) => m.time).filter((t): t is number => t !== undefined);
      if (!times || times.length < 1) continue;
      const period =
        f.pendingPeriodMs ?? sessions.find((s) => s.id === f.session)?.pendingPeriodMs ?? DEFAULT_PENDING_PERIOD_MS;
      const start = f.responseHeaders ?? f.requestEnd ?? f.requestStart;
      let worst = 0;
      let prev = start;
      for (const t of times) {
        worst = Math.max(worst, t - prev);
        prev = t;
      }
      if (worst <= period * PENDING_GAP_FACTOR) continue;
      out.push(
        finding(
          'pending-gap',
          'warning',
          'Keep-alive gap longer than X-PendingPeriod',
          `The longest wait between meta-tags was ${seconds(worst)}, while the server promised a PENDING every ${seconds(period)}. Outlook may give up on the request; a proxy, SSL inspection or antivirus in the path is probably buffering the response.`,
          'Exempt the MAPI/HTTP URLs from response buffering or inspection on proxies, firewalls and antivirus.',
          [f.id],
          { session: f.session },
        ),
      );
    }
    return out;
  },
};
