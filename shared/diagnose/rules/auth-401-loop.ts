/**
 * 401 loops: unlike the normal 401 → 200 of each new connection (NTLM,
 * Negotiate, Bearer challenges), the client keeps getting 401 and never gets in.
 */
import type { ExchangeFacts } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, idList } from '../util.js';

export const AUTH_LOOP_THRESHOLD = 3;

export const auth401LoopRule: Rule = {
  id: 'auth-401-loop',
  description: 'Repeated 401 responses without a successful authentication (not the normal 401 → 200).',
  run({ facts }) {
    const out: Finding[] = [];
    // Per target (host + path) in capture order: runs of 401 not ended by a success.
    for (const [, list] of groupBy(facts, (f) => `${f.endpoint}|${f.url.replace(/\?.*$/, '')}`)) {
      let run: ExchangeFacts[] = [];
      const flush = () => {
        if (run.length >= AUTH_LOOP_THRESHOLD) {
          const ids = run.map((f) => f.id);
          const schemes = [...new Set(run.flatMap((f) => f.wwwAuthenticate ?? []).map((w) => w.split(' ')[0]!))];
          const sent = [...new Set(run.map((f) => f.authorization?.scheme).filter((s): s is string => !!s))];
          out.push(
            finding(
              'auth-401-loop',
              'error',
              'Authentication loop (repeated 401)',
              `${idList(ids)} were all rejected with 401. A single 401 before a 200 is normal for each new connection; ${run.length} in a row means the credentials or the scheme are not accepted. The server offered ${schemes.join(', ') || 'no WWW-Authenticate'}; the client sent ${sent.join(', ') || 'no Authorization'}.`,
              'Check the account and password, the authentication methods of the /mapi virtual directory (NTLM, Negotiate, OAuth), and proxies that break connection-based authentication.',
              ids,
              { session: run[0]!.session },
            ),
          );
        }
        run = [];
      };
      for (const f of list) {
        if (f.status === 401) run.push(f);
        else if (f.status !== undefined) flush();
      }
      flush();
    }
    return out;
  },
};
