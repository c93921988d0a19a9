/**
 * Time lost between the client and the front end: the client waited much
 * longer than the front end says the request took (HttpProxy TotalRequestTime
 * runs from the request's arrival to the end of the response). The difference
 * was spent on the way: a load balancer, a proxy, the network, or TLS.
 */
import type { ServerRow } from '../../logs/correlate.js';
import { finding, idList, roundTrip, seconds } from '../util.js';
import { evidenceOf, type TwoSidedRule } from './types.js';

/** Gap worth reporting: at least 1 s and at least half of what the client saw. */
const MIN_GAP_MS = 1000;

export const frontEndGapRule: TwoSidedRule = {
  id: 'client-front-end-gap',
  description: 'The client waited much longer than the front end (HttpProxy TotalRequestTime) took.',
  run({ facts, correlation }) {
    const byId = new Map(facts.map((f) => [f.id, f]));
    const hits: { id: number; gap: number; row: ServerRow }[] = [];
    for (const m of correlation.matches) {
      const f = byId.get(m.exchangeId);
      const client = f && roundTrip(f);
      const row = m.rows.find((r) => r.table === 'httpproxy' && r.durationMs !== undefined);
      if (client === undefined || !row) continue;
      const gap = client - row.durationMs!;
      if (gap >= MIN_GAP_MS && gap >= client / 2) hits.push({ id: m.exchangeId, gap, row });
    }
    if (!hits.length) return [];
    hits.sort((a, b) => b.gap - a.gap);
    const worst = hits[0]!;
    const f = finding(
      'client-front-end-gap',
      'warning',
      'Time lost between the client and the front end',
      `${hits.length} request(s) took the client far longer than the front end logged: ${idList(hits.map((h) => h.id))}; ` +
        `worst ${seconds(worst.gap)} more than the front end's ${seconds(worst.row.durationMs!)} ` +
        `(exchange ${worst.id}, ${worst.row.file}:${worst.row.line}).`,
      'Look between Outlook and the Exchange front end: load balancer, reverse proxy, SSL offload, network path. The server was not the slow part.',
      hits.map((h) => h.id),
    );
    f.serverEvidence = evidenceOf(hits.map((h) => h.row));
    return [f];
  },
};
