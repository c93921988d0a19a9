/**
 * Requests the server never logged: MAPI requests the client sent while the
 * logs were being written (inside their time span) that no log row answers.
 * They stopped before the Exchange front end (a proxy, load balancer or
 * another server answered), or the logs of that server were not collected.
 */
import { finding, idList } from '../util.js';
import type { TwoSidedRule } from './types.js';

export const unloggedRequestRule: TwoSidedRule = {
  id: 'unlogged-request',
  description: 'Client requests inside the logs’ time span that the server never logged.',
  run({ correlation }) {
    const ids = correlation.unmatchedClient;
    if (!ids.length) return [];
    return [
      finding(
        'unlogged-request',
        'warning',
        'Requests the server never logged',
        `${ids.length} MAPI request(s) were sent while the logs were written but appear in no log row: ${idList(ids)}.`,
        'Check that the logs of every front-end server behind the load balancer were collected; if they were, these requests were answered before reaching Exchange (proxy, load balancer, firewall).',
        ids,
      ),
    ];
  },
};
