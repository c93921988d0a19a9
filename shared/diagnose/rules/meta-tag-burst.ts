/** All meta-tags arrived together at the end of a long response: a buffering middlebox. */
import type { Rule } from '../types.js';
import { finding, seconds } from '../util.js';
import { DEFAULT_PENDING_PERIOD_MS } from './pending-gap.js';

export const metaTagBurstRule: Rule = {
  id: 'meta-tag-burst',
  description:
    'PROCESSING, PENDING and DONE arrived in one burst after a long wait (the response was buffered on the way).',
  run({ facts, sessions }) {
    return facts
      .filter((f) => {
        const tags = f.metaTags ?? [];
        if (tags.length < 2 || tags.some((t) => t.time === undefined)) return false;
        const first = tags[0]!.time!;
        if (tags.some((t) => t.time !== first)) return false;
        const period =
          f.pendingPeriodMs ?? sessions.find((s) => s.id === f.session)?.pendingPeriodMs ?? DEFAULT_PENDING_PERIOD_MS;
        const sent = f.requestEnd ?? f.requestStart;
        return first - sent > period;
      })
      .map((f) => {
        const wait = f.metaTags![0]!.time! - (f.requestEnd ?? f.requestStart);
        return finding(
          'meta-tag-burst',
          'warning',
          'Meta-tags arrived in one burst',
          `The server sends PROCESSING at once and PENDING while it works, but here all ${f.metaTags!.length} meta-tags arrived together after ${seconds(wait)}. Something between server and client buffered the streamed response; Outlook sees no sign of life meanwhile and may time out.`,
          'Disable response buffering for /mapi/ on reverse proxies, SSL inspection and antivirus web filters.',
          [f.id],
          { session: f.session },
        );
      });
  },
};
