/**
 * A ROP acts on a server handle this session never created, or already released. Evidence is only
 * ROPs the server ran and did not accept: a request rejected before its ROPs ran (HTTP status,
 * X-ResponseCode, StatusCode) or whose response was lost shows nothing about its handles, and a ROP
 * the server answered with success shows the handle was valid after all.
 */
import { errorCodeName } from '../../protocol/oxcdata/errors.js';
import type { HandleRef } from '../../session/types.js';
import type { Finding, Rule } from '../types.js';
import { finding, groupBy, hex8, idList } from '../util.js';

export const unknownHandleRule: Rule = {
  id: 'unknown-handle',
  description: 'A ROP used a server object handle that the session never issued, or that was already released.',
  run({ facts, sessions }) {
    const mid = new Set(sessions.filter((s) => s.startedMidSession).map((s) => s.id));
    const rows: { id: number; session?: number | undefined; r: HandleRef }[] = [];
    for (const f of facts)
      for (const r of f.handleRefs ?? [])
        if (
          shows(r) &&
          (r.status === 'released' || (r.status === 'unknown' && f.session !== undefined && !mid.has(f.session)))
        )
          rows.push({ id: f.id, session: f.session, r });
    const out: Finding[] = [];
    for (const [, list] of groupBy(rows, (x) => `${x.r.handle}:${x.r.status}`)) {
      const { r } = list[0]!;
      const ids = [...new Set(list.map((x) => x.id))];
      const inSessions = [...new Set(list.map((x) => x.session).filter((s): s is number => s !== undefined))];
      const issued = sessions
        .filter((x) => inSessions.includes(x.id))
        .flatMap((x) => x.logons)
        .slice(0, 3)
        .map((l) =>
          l.handle !== undefined ? `RopLogon in exchange ${l.exchangeId} returned ${hex8(l.handle)}` : undefined,
        )
        .filter(Boolean);
      const msg =
        r.status === 'released'
          ? `${r.ropName} used handle ${hex8(r.handle)}, which ${r.createdBy ? `${r.createdBy.ropName} in exchange ${r.createdBy.exchangeId} created and ` : ''}${r.releasedBy ? `RopRelease in exchange ${r.releasedBy.exchangeId} released` : 'was released'}.`
          : `${r.ropName} used handle ${hex8(r.handle)}, which the server never returned in ${inSessions.length > 1 ? `any of sessions ${inSessions.join(', ')}` : 'this session'}${issued.length ? ` (${issued.join('; ')}${inSessions.length > 3 ? '; …' : ''})` : ''}.`;
      out.push(
        finding(
          'unknown-handle',
          'error',
          r.status === 'released' ? 'Handle used after release' : 'Handle the server never issued',
          `${msg} Seen in ${idList(ids)}; ${answeredWith(list.map((x) => x.r))} The client is using handles it made up or kept from another session.`,
          'The client must take handles from the server object handle table of the responses of this session (after RopLogon, RopOpenFolder, …).',
          ids,
          {
            session: inSessions.length === 1 ? inSessions[0] : undefined,
            paths: list.map((x) => ({ exchangeId: x.id, path: `RopBuffer/RopsList/${x.r.ropName}/InputHandleIndex` })),
          },
        ),
      );
    }
    return out;
  },
};

/** The server ran the ROP and did not accept it (a ROP without response, e.g. RopRelease, has no verdict). */
function shows(r: HandleRef): boolean {
  return r.ran && (r.returnValue === undefined || r.returnValue !== 0);
}

/** "the server answered them with ecNullObject (0x000004B9)." */
function answeredWith(refs: readonly HandleRef[]): string {
  const codes = [...new Set(refs.map((r) => r.returnValue).filter((v): v is number => v !== undefined))];
  if (!codes.length) return 'the server ran them without a response (they carry none).';
  return `the server answered ${refs.length === 1 ? 'it' : 'them'} with ${codes.map((c) => `${errorCodeName(c)} (${hex8(c)})`).join(', ')}.`;
}
