/**
 * Back-end slowness: the mailbox server took long to process requests
 * (HttpProxy BackendProcessingLatency, or MapiHttp\Mailbox TotalRequestLatency).
 * NotificationWait is held open by design ([MS-OXCMAPIHTTP] 2.2.4.4) and excluded.
 */
import type { ServerRow } from '../../logs/correlate.js';
import { finding, idList, seconds } from '../util.js';
import { evidenceOf, type TwoSidedRule } from './types.js';

const SLOW_MS = 2000;

function backendMs(r: ServerRow): number | undefined {
  if (r.requestType?.toLowerCase() === 'notificationwait') return undefined;
  if (r.table === 'httpproxy') return r.backendMs;
  if (r.table === 'mapihttp_mailbox') return r.durationMs;
  return undefined;
}

export const backendSlowRule: TwoSidedRule = {
  id: 'backend-slow',
  description: 'The mailbox server (back end) took seconds to process requests.',
  run({ correlation }) {
    const hits: { id: number; ms: number; row: ServerRow }[] = [];
    for (const m of correlation.matches)
      for (const r of m.rows) {
        const ms = backendMs(r);
        if (ms !== undefined && ms >= SLOW_MS) hits.push({ id: m.exchangeId, ms, row: r });
      }
    if (!hits.length) return [];
    hits.sort((a, b) => b.ms - a.ms);
    const f = finding(
      'backend-slow',
      'warning',
      'The mailbox server was slow',
      `The back end took ${seconds(SLOW_MS)} or more on ${idList([...new Set(hits.map((h) => h.id))])}; ` +
        `slowest ${seconds(hits[0]!.ms)} (${hits[0]!.row.table} ${hits[0]!.row.file}:${hits[0]!.row.line}).`,
      'Check the mailbox server: database health and copy status, disk latency, throttling (BudgUse in GenericInfo), and the ROPs of those requests.',
      hits.map((h) => h.id),
    );
    f.serverEvidence = evidenceOf(hits.map((h) => h.row));
    return [f];
  },
};
