/** RopBackoff: the server asks the client to slow down ([MS-OXCROPS] 2.2.15.2). */
import { ropName } from '../../protocol/rops/header.js';
import type { Finding, Rule } from '../types.js';
import { finding, seconds } from '../util.js';

export const ropBackoffRule: Rule = {
  id: 'rop-backoff',
  description: 'The server sent RopBackoff: it is throttling this client.',
  run({ facts }) {
    const out: Finding[] = [];
    for (const f of facts)
      for (const b of f.backoff ?? []) {
        const rops = b.rops.map((r) => `${ropName(r.ropId) ?? r.ropId} for ${seconds(r.durationMs)}`).join(', ');
        out.push(
          finding(
            'rop-backoff',
            'warning',
            'Server throttling (RopBackoff)',
            `The server told the client to back off${b.logonId !== undefined ? ` logon ${b.logonId}` : ''}${b.durationMs !== undefined ? ` for ${seconds(b.durationMs)}` : ''}${rops ? ` (${rops})` : ''}. The ROPs after it in that request were not run.`,
            'Check the throttling policy of the user and the server load; many clients or add-ins on one mailbox cause this.',
            [f.id],
            { session: f.session },
          ),
        );
      }
    return out;
  },
};
