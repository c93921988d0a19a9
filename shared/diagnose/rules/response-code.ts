/** Final X-ResponseCode ≠ 0, by name ([MS-OXCMAPIHTTP] 2.2.3.3.3). */
import { responseCodeName } from '../../protocol/mapihttp/request-types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList, isMapi } from '../util.js';

interface Explain {
  title: string;
  message: string;
  fix: string;
}

function explain(code: number): Explain {
  switch (code) {
    case 6:
    case 10:
    case 13:
      return {
        title: 'Session context lost',
        message:
          code === 10
            ? 'The server no longer knows this session context (it expired while idle, the mailbox moved, or the signed-in identity changed).'
            : code === 6
              ? 'The server rejected the session context cookie as invalid.'
              : 'A cookie the session needs was missing from the request; something between Outlook and the server may strip cookies.',
        fix: 'Outlook should reconnect (Connect/Bind with the old cookies). If it keeps happening, check load-balancer affinity, proxies that rewrite cookies, and the idle time against X-ExpirationInfo.',
      };
    case 15:
      return {
        title: 'Requests out of sequence',
        message:
          'The server saw two requests of one session at the same time, or a request sent with an old sequence cookie (a retry or a replay by a middlebox).',
        fix: 'Look for duplicated or retried POSTs (same X-RequestId) and proxies that retry requests on their own.',
      };
    case 16:
      return {
        title: 'MAPI over HTTP endpoint disabled',
        message: 'MAPI over HTTP is disabled for this user, organization or server.',
        fix: 'Check MapiHttpEnabled on the organization and the mailbox (Get-OrganizationConfig, Get-CASMailbox) and the virtual directory.',
      };
    case 18:
      return {
        title: 'Server shutting down',
        message: 'The MAPI over HTTP endpoint is draining (maintenance, application pool recycle or failover).',
        fix: 'Usually transient; if it persists, check the server health and the load balancer pool.',
      };
    default:
      return {
        title: `Request failed: ${responseCodeName(code)}`,
        message: `The server answered X-ResponseCode ${code} (${responseCodeName(code)}); the body carries its diagnostic text.`,
        fix: 'Read the diagnostic body of the evidence exchanges; codes 2–5, 7, 9 and 12 point at a client or middlebox that changed the request.',
      };
  }
}

export const responseCodeRule: Rule = {
  id: 'response-code',
  description: 'A MAPI/HTTP request failed: the final X-ResponseCode is not 0.',
  run({ facts }) {
    const failed = facts.filter((f) => isMapi(f) && f.responseCode !== undefined && f.responseCode !== 0);
    const out: Finding[] = [];
    for (const [, list] of groupBy(failed, (f) => `${f.session ?? 0}:${f.responseCode}`)) {
      const code = list[0]!.responseCode!;
      const e = explain(code);
      const ids = list.map((f) => f.id);
      out.push(
        finding(
          'response-code',
          code === 18 ? 'warning' : 'error',
          e.title,
          `${e.message} X-ResponseCode ${code} (${responseCodeName(code)}) in ${idList(ids)}.`,
          e.fix,
          ids,
          { session: list[0]!.session },
        ),
      );
    }
    return out;
  },
};
