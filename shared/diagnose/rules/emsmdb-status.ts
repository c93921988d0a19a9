/** Connect/Execute/… answered with a non-zero StatusCode or ErrorCode ([MS-OXCMAPIHTTP] 2.2.4). */
import { EMSMDB_ERROR_NAMES } from '../../protocol/emsmdb/index.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, hex8, idList } from '../util.js';

function explain(code: number): { title: string; why: string; fix: string; severity: 'error' | 'warning' } {
  const name = EMSMDB_ERROR_NAMES[code] ?? hex8(code);
  if (code === 0x4b6)
    return {
      title: 'ecRpcFormat: the server could not parse the request',
      why: 'The server rejected the request body as malformed (ecRpcFormat).',
      fix: 'The client or something in the path changed the body (compression, size fields); compare the request with the decoded tree.',
      severity: 'error',
    };
  if (code === 0x6bb || code === 0x480)
    return {
      title: 'Server busy',
      why: `The server answered ${name}: it is too busy to serve the request now.`,
      fix: 'Usually transient; if it repeats, check the server load and the client connection limits.',
      severity: 'warning',
    };
  return {
    title: `Request failed: ${name}`,
    why: `The server answered ${name} (${hex8(code)}) although the HTTP layer succeeded.`,
    fix: 'ecClientVerDisallowed / ecVersionMismatch point at client versions; ecLoginFailure / ecUnknownUser at the account; ecProtocolDisabled at MAPI being disabled for the user.',
    severity: 'error',
  };
}

export const emsmdbStatusRule: Rule = {
  id: 'emsmdb-status',
  description: 'A mailbox request failed at the EMSMDB level (StatusCode or ErrorCode not 0).',
  run({ facts }) {
    const bad = facts.filter((f) => (f.statusCode ?? 0) !== 0 || (f.errorCode ?? 0) !== 0);
    const out: Finding[] = [];
    for (const [, list] of groupBy(bad, (f) => `${f.session}:${f.requestType}:${f.statusCode || f.errorCode}`)) {
      const f0 = list[0]!;
      const code = f0.statusCode || f0.errorCode || 0;
      const e = explain(code);
      const ids = list.map((f) => f.id);
      out.push(
        finding(
          'emsmdb-status',
          e.severity,
          e.title,
          `${e.why} ${f0.requestType ?? 'Request'} in ${idList(ids)}.`,
          e.fix,
          ids,
          {
            session: f0.session,
            paths: list.map((f) => ({
              exchangeId: f.id,
              path: (f.statusCode ?? 0) !== 0 ? 'StatusCode' : 'ErrorCode',
            })),
          },
        ),
      );
    }
    return out;
  },
};
