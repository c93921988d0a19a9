/** ROPs that failed (ReturnValue ≠ 0), by error name ([MS-OXCDATA] 2.4). */
import { errorCodeName } from '../../protocol/oxcdata/errors.js';
import type { RopErrorFact } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, hex8, idList } from '../util.js';

/** Failures that are part of normal client logic (asking for something that may not exist). */
const ROUTINE = new Set([0x8004010f /* MAPI_E_NOT_FOUND */]);
const NULL_OBJECT = 0x4b9;
const SERVER_BUSY = new Set([0x480, 0x6bb]);

export const ropErrorRule: Rule = {
  id: 'rop-error',
  description: 'ROPs failed inside a successful Execute (ReturnValue is not 0).',
  run({ facts }) {
    const rows: { id: number; session?: number | undefined; e: RopErrorFact }[] = [];
    for (const f of facts) for (const e of f.ropErrors ?? []) rows.push({ id: f.id, session: f.session, e });
    const out: Finding[] = [];
    for (const [, list] of groupBy(rows, (r) => String(r.e.returnValue))) {
      const rv = list[0]!.e.returnValue;
      const ids = [...new Set(list.map((r) => r.id))];
      const sessions = [...new Set(list.map((r) => r.session).filter((s): s is number => s !== undefined))];
      const byRop = [...groupBy(list, (r) => r.e.ropName)].map(([n, l]) => `${n} ×${l.length}`).join(', ');
      const name = errorCodeName(rv);
      let why = `${list.length} ROP(s) failed with ${name} (${hex8(rv)}): ${byRop}.`;
      let fix =
        'Look up the error for each operation in [MS-OXCROPS]/[MS-OXCDATA]; the request ROP shows what the client asked for.';
      if (rv === NULL_OBJECT) {
        why +=
          ' ecNullObject means the handle a ROP acts on is not a valid object on the server; ROPs on objects that failed to open fail the same way.';
        fix = 'See the unknown-handle finding: the client used a handle the server never issued or already released.';
      } else if (SERVER_BUSY.has(rv)) {
        why += ' The server is too busy to run them and asks the client to retry later.';
        fix = 'Check the server load and throttling policies; Outlook retries on its own.';
      }
      out.push(
        finding(
          'rop-error',
          ROUTINE.has(rv) ? 'info' : 'warning',
          `ROPs failed: ${name}`,
          `${why} Seen in ${idList(ids)}${sessions.length > 1 ? ` (sessions ${sessions.join(', ')})` : ''}. HTTP status, X-ResponseCode and StatusCode were all success: only the ROPs failed.`,
          fix,
          ids,
          {
            session: sessions.length === 1 ? sessions[0] : undefined,
            paths: list.map((r) => ({ exchangeId: r.id, path: `RopBuffer/${r.e.path}` })),
          },
        ),
      );
    }
    return out;
  },
};
