/**
 * An Execute response that answers fewer ROPs than were requested. The server
 * answers every request ROP except RopRelease, in order ([MS-OXCROPS] 3.2.5.2);
 * it may stop early only with RopBackoff or RopBufferTooSmall (their own rules),
 * so a shorter list leaves the client without any result for the rest.
 */
import type { UnansweredRop } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList } from '../util.js';

export const unansweredRopsRule: Rule = {
  id: 'unanswered-rops',
  description: 'An Execute response answered fewer ROPs than the request sent (no RopBackoff or RopBufferTooSmall).',
  run({ facts }) {
    const rows: { id: number; session?: number | undefined; requested: number; rops: UnansweredRop[] }[] = [];
    for (const f of facts)
      if (f.unansweredRops?.length)
        rows.push({ id: f.id, session: f.session, requested: f.ropCount ?? 0, rops: f.unansweredRops });
    const out: Finding[] = [];
    for (const [, list] of groupBy(rows, (r) => String(r.session ?? 0))) {
      const ids = list.map((r) => r.id);
      const missed = list.flatMap((r) => r.rops);
      const byRop = [...groupBy(missed, (r) => r.ropName)].map(([n, l]) => `${n} ×${l.length}`).join(', ');
      const first = list[0]!;
      const example = `${first.requested} ROP${first.requested === 1 ? '' : 's'} requested, ${first.requested - first.rops.length} answered in exchange ${first.id}`;
      out.push(
        finding(
          'unanswered-rops',
          'error',
          'ROPs left unanswered',
          `${missed.length} request ROP(s) got no response although the Execute succeeded and the server sent no RopBackoff or RopBufferTooSmall: ${byRop} (${example}). Seen in ${idList(ids)}. The client cannot tell whether they ran, and handles they should have created stay unset.`,
          'The server skipped ROPs it does not implement or failed while writing the response; it must answer each one, with an error code (ecNotSupported) if it cannot run it.',
          ids,
          {
            session: first.session,
            paths: list.flatMap((r) =>
              r.rops.map((x) => ({ exchangeId: r.id, path: `RopBuffer/RopsList/${x.ropName}` })),
            ),
          },
        ),
      );
    }
    return out;
  },
};
