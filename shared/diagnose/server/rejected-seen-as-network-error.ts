/**
 * A request the front end answered (it logged an HTTP status) that the client
 * saw as a network error (no response, or the connection cut): something
 * between them dropped or rewrote the answer, or the front end rejected it and
 * closed the connection.
 */
import type { ServerRow } from '../../logs/correlate.js';
import { finding, idList } from '../util.js';
import { evidenceOf, type TwoSidedRule } from './types.js';

export const rejectedSeenAsNetworkErrorRule: TwoSidedRule = {
  id: 'rejected-seen-as-network-error',
  description: 'The front end logged an answer the client never received (the client saw a network error).',
  run({ facts, correlation }) {
    const byId = new Map(facts.map((f) => [f.id, f]));
    const hits: { id: number; row: ServerRow }[] = [];
    for (const m of correlation.matches) {
      const f = byId.get(m.exchangeId);
      if (!f || (f.status !== undefined && !f.aborted)) continue;
      const row = m.rows.find((r) => r.table === 'httpproxy' && r.httpStatus !== undefined);
      if (row) hits.push({ id: m.exchangeId, row });
    }
    if (!hits.length) return [];
    const statuses = [...new Set(hits.map((h) => h.row.httpStatus))].join(', ');
    const rejected = hits.some((h) => h.row.httpStatus! >= 400);
    const f = finding(
      'rejected-seen-as-network-error',
      rejected ? 'error' : 'warning',
      rejected ? 'Front-end rejections seen by the client as network errors' : 'Front-end answers lost on the way',
      `The front end logged HTTP ${statuses} for ${idList(hits.map((h) => h.id))}, but the client got no response ` +
        `(${hits
          .map((h) => byId.get(h.id)!.aborted ?? 'no response')
          .filter((x, i, a) => a.indexOf(x) === i)
          .join('; ')}).`,
      rejected
        ? 'The server refused these requests (see GenericErrors of the rows); a device between client and server turned the refusal into a dropped connection. Fix the cause of the refusal and check the device.'
        : 'A device between the client and the front end (load balancer, proxy, firewall) dropped the responses: check its timeouts and logs.',
      hits.map((h) => h.id),
    );
    f.serverEvidence = evidenceOf(hits.map((h) => h.row));
    return [f];
  },
};
