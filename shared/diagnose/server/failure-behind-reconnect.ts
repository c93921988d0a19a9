/**
 * Server-side failures behind a client's reconnect loop: sessions that the
 * client re-established ([MS-OXCMAPIHTTP] 3.2.5.1 Connect), whose last
 * requests before the reconnect failed on the server (HTTP 5xx, a MAPI status
 * other than 0, or GenericErrors in the front-end log).
 */
import type { ServerRow } from '../../logs/correlate.js';
import { finding, idList } from '../util.js';
import { evidenceOf, type TwoSidedRule } from './types.js';

const failed = (r: ServerRow) =>
  (r.httpStatus !== undefined && r.httpStatus >= 500) || r.mapiStatus !== undefined || !!r.errors;

export const failureBehindReconnectRule: TwoSidedRule = {
  id: 'server-failure-behind-reconnect',
  description: 'The requests before a client reconnect failed on the server.',
  run({ sessions, correlation }) {
    const rowsByExchange = new Map(correlation.matches.map((m) => [m.exchangeId, m.rows]));
    const out = [];
    const replaced = sessions.filter((s) => s.replacedBy !== undefined);
    const ids: number[] = [];
    const rows: ServerRow[] = [];
    for (const s of replaced) {
      for (const id of s.exchangeIds.slice(-3)) {
        const bad = (rowsByExchange.get(id) ?? []).filter(failed);
        if (bad.length) {
          ids.push(id);
          rows.push(...bad);
        }
      }
    }
    if (!ids.length) return [];
    const what = [
      ...new Set(
        rows.map((r) =>
          r.httpStatus && r.httpStatus >= 500
            ? `HTTP ${r.httpStatus}`
            : r.mapiStatus
              ? `status ${r.mapiStatus}`
              : (r.errors ?? '').split(';')[0],
        ),
      ),
    ]
      .filter(Boolean)
      .slice(0, 4)
      .join(', ');
    const f = finding(
      'server-failure-behind-reconnect',
      'error',
      'Server failures behind the client’s reconnects',
      `The last requests of ${replaced.length} re-established session(s) failed on the server (${what}): ${idList(ids)}.`,
      'The client reconnects because the server fails these requests: read the cited log rows (GenericErrors, status) and fix that server-side cause; client-side settings will not help.',
      ids,
    );
    f.serverEvidence = evidenceOf(rows);
    out.push(f);
    return out;
  },
};
