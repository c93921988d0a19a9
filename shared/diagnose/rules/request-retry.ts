/** The same X-RequestId sent more than once in a session: a retry by the client or a middlebox ([MS-OXCMAPIHTTP] 2.2.3.3.2). */
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList, isMapi } from '../util.js';

export const requestRetryRule: Rule = {
  id: 'request-retry',
  description: 'A request was sent again with the same X-RequestId (retried by the client or by a proxy).',
  run({ facts }) {
    const out: Finding[] = [];
    const withId = facts.filter((f) => isMapi(f) && f.requestId !== undefined && f.session !== undefined);
    for (const [, list] of groupBy(withId, (f) => `${f.session}|${f.requestId}`)) {
      if (list.length < 2) continue;
      const ids = list.map((f) => f.id);
      const failed = list.filter((f) => f.responseCode === 15).map((f) => f.id);
      out.push(
        finding(
          'request-retry',
          'warning',
          'Request sent more than once',
          `X-RequestId ${list[0]!.requestId} was sent ${list.length} times in session ${list[0]!.session} (${idList(ids)}). Each new HTTP request should carry a new X-RequestId counter, so the same id means the request was retried as is${failed.length ? `; the server rejected ${idList(failed)} as out of sequence (15)` : ''}. A retry after the server had already run the request repeats its ROPs.`,
          'Look at what happened to the first attempt (timeout, dropped connection) and for proxies that retry POSTs on their own.',
          ids,
          { session: list[0]!.session, paths: list.map((f) => ({ exchangeId: f.id, path: 'X-RequestId' })) },
        ),
      );
    }
    return out;
  },
};
