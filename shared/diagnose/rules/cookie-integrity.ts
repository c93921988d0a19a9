/** Session cookies missing, stale (going backwards), unknown, or never set ([MS-OXCMAPIHTTP] 3.1.5.1). */
import type { ExchangeFacts } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList, isMapi } from '../util.js';

const TEXT: Record<string, { severity: 'error' | 'warning'; title: string; message: string; fix: string }> = {
  'context-missing': {
    severity: 'error',
    title: 'Session context cookie missing',
    message:
      'Requests of an established session arrived without its session context cookie, so the server cannot find the session.',
    fix: 'Check proxies, SSL inspection and load balancers between Outlook and the server for cookie stripping.',
  },
  'sequence-missing': {
    severity: 'error',
    title: 'Sequence cookie missing',
    message: 'Requests arrived without the sequence cookie the server set on the previous response.',
    fix: 'The client must send every cookie of the previous response; look for a middlebox that drops cookies.',
  },
  'sequence-stale': {
    severity: 'error',
    title: 'Sequence cookie went backwards',
    message:
      'Requests carried an older sequence cookie than the latest one the server had set: a retry or a replay of an earlier request, which the server rejects as out of sequence.',
    fix: 'Look for retried POSTs (same X-RequestId) and proxies that resend requests after a timeout.',
  },
  'sequence-unknown': {
    severity: 'warning',
    title: 'Sequence cookie the server never set',
    message: 'Requests carried a sequence cookie value that no response in this capture set.',
    fix: 'If the capture is complete, something rewrote the cookie; otherwise capture from before the session started.',
  },
};

export const cookieIntegrityRule: Rule = {
  id: 'cookie-integrity',
  description: 'Session cookies missing, stale, unknown, or not set by Connect/Bind.',
  run({ facts, sessions }) {
    const out: Finding[] = [];
    const mid = new Set(sessions.filter((s) => s.startedMidSession).map((s) => s.id));
    const bad = facts.filter(
      (f) =>
        isMapi(f) &&
        TEXT[f.cookieCheck] !== undefined &&
        !(f.cookieCheck === 'sequence-unknown' && f.session !== undefined && mid.has(f.session)),
    );
    for (const [, list] of groupBy(bad, (f) => `${f.session}:${f.cookieCheck}`)) {
      const t = TEXT[list[0]!.cookieCheck]!;
      const ids = list.map((f) => f.id);
      out.push(
        finding(
          'cookie-integrity',
          t.severity,
          t.title,
          `${t.message} ${idList(ids)}: ${list[0]!.cookieDetail ?? ''}`.trim(),
          t.fix,
          ids,
          {
            session: list[0]!.session,
            paths: list.map((f) => ({ exchangeId: f.id, path: 'Cookie' })),
          },
        ),
      );
    }
    // A successful Connect/Bind must set the session cookies.
    const noSet = facts.filter(
      (f: ExchangeFacts) =>
        (f.requestType === 'Connect' || f.requestType === 'Bind') &&
        f.status === 200 &&
        f.responseCode === 0 &&
        (f.statusCode ?? 0) === 0 &&
        f.setCookieNames.length === 0,
    );
    if (noSet.length) {
      const ids = noSet.map((f) => f.id);
      out.push(
        finding(
          'cookie-integrity',
          'error',
          'Connect/Bind set no cookies',
          `${idList(ids)} succeeded without any Set-Cookie header, so the client cannot address the new session. A proxy or load balancer in between probably strips Set-Cookie.`,
          'Capture closer to the server, or check the reverse proxy and load balancer cookie handling.',
          ids,
          { paths: noSet.map((f) => ({ exchangeId: f.id, path: 'Set-Cookie' })) },
        ),
      );
    }
    return out;
  },
};
