/** RopBufferTooSmall: the response buffer could not hold the answers ([MS-OXCROPS] 2.2.15.1). */
import type { Finding, Rule } from '../types.js';
import { finding } from '../util.js';

export const bufferTooSmallRule: Rule = {
  id: 'buffer-too-small',
  description: 'The server answered RopBufferTooSmall: the client has to resend the rest with a bigger buffer.',
  run({ facts }) {
    const out: Finding[] = [];
    for (const f of facts)
      for (const b of f.bufferTooSmall ?? [])
        out.push(
          finding(
            'buffer-too-small',
            'info',
            'Response buffer too small',
            `The server needed ${b.sizeNeeded ?? '?'} bytes for the remaining ROPs${b.maxRopOut !== undefined ? ` but the request allowed ${b.maxRopOut} (MaxRopOut)` : ''}; those ROPs were not run and the client must send them again. Frequent occurrences cost round trips.`,
            'Normal now and then; if frequent, the client is asking for too many rows or properties per request.',
            [f.id],
            { session: f.session },
          ),
        );
    return out;
  },
};
