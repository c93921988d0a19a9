/** The NTLM handshake must stay on one TCP connection; Type 3 on another connection fails. */
import type { Finding, Rule } from '../types.js';
import { finding } from '../util.js';

export const ntlmSplitRule: Rule = {
  id: 'ntlm-split',
  description: 'NTLM negotiate and authenticate messages were sent on different TCP connections.',
  run({ facts }) {
    const out: Finding[] = [];
    /** Last NTLM Type 1 per target, waiting for its Type 3. */
    const open = new Map<string, { id: number; connectionId: number; session?: number | undefined }>();
    for (const f of facts) {
      const t = f.authorization?.ntlmType;
      if (t === undefined) continue;
      const key = f.url.replace(/\?.*$/, '');
      if (t === 1) open.set(key, { id: f.id, connectionId: f.connectionId, session: f.session });
      else if (t === 3) {
        const first = open.get(key);
        open.delete(key);
        if (first && first.connectionId !== f.connectionId)
          out.push(
            finding(
              'ntlm-split',
              'error',
              'NTLM handshake split across connections',
              `The NTLM negotiate message went out on connection ${first.connectionId} (exchange ${first.id}) and the authenticate message on connection ${f.connectionId} (exchange ${f.id}). NTLM authenticates a connection, so the server rejects the second leg; a proxy or load balancer that does not keep client connections pinned to server connections causes this.`,
              'Make the proxy or load balancer keep connection affinity (no connection pooling or multiplexing for /mapi/), or use Negotiate/Kerberos or OAuth.',
              [first.id, f.id],
              { session: f.session ?? first.session, paths: [{ exchangeId: f.id, path: 'Authorization' }] },
            ),
          );
      }
    }
    return out;
  },
};
