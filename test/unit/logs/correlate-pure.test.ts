/**
 * correlate() on its own: the session-cookie path (a MapiHttp\Mailbox or
 * MAPIMB row without the request id, found by MapiContext cookie, request
 * type and time), braces and case in request ids, and rows outside the
 * logs' span.
 */
import { describe, expect, it } from 'vitest';
import { correlate, normalizeRequestId, type ServerRow } from '../../../shared/logs/correlate.js';
import { SessionModel } from '../../../shared/session/model.js';
import { ScriptedClient } from '../session/helpers.js';

function model() {
  const c = new ScriptedClient();
  c.send('Connect', { requestId: '{AAAAAAAA-0000-4000-8000-000000000001}:1' });
  c.send('Execute', { requestId: '{AAAAAAAA-0000-4000-8000-000000000001}:2' });
  c.send('Execute', { requestId: '{AAAAAAAA-0000-4000-8000-000000000001}:3', gap: 3000 });
  c.send('Execute', { requestId: '{AAAAAAAA-0000-4000-8000-000000000001}:4', gap: 10_000 });
  const m = new SessionModel();
  for (const e of c.exchanges) m.add(e);
  return { m, c };
}
const end = (c: ScriptedClient, id: number) => c.exchanges[id - 1]!.timings.responseEnd!;

describe('correlate', () => {
  it('joins by X-RequestId whatever the braces and case', () => {
    expect(normalizeRequestId('{fa1aca19-9b3e-458a-b60d-3a18410feee2}:153')).toBe(
      'FA1ACA19-9B3E-458A-B60D-3A18410FEEE2:153',
    );
    const { m, c } = model();
    const row: ServerRow = {
      table: 'httpproxy',
      file: 'f',
      line: 6,
      time: end(c, 1),
      requestId: 'aaaaaaaa-0000-4000-8000-000000000001:1',
    };
    const r = correlate(m.facts(), m.sessions(), [row]);
    expect(r.matches).toEqual([{ exchangeId: 1, by: 'request-id', rows: [row] }]);
  });

  it('joins a row without request id by the session cookie, request type and time', () => {
    const { m, c } = model();
    const cookie = m.sessions()[0]!.contextCookies[0]!.value;
    const byCookie: ServerRow = {
      table: 'mapihttp_mailbox',
      file: 'm',
      line: 7,
      time: end(c, 2) + 100,
      requestType: 'Execute',
      mapiContext: cookie,
    };
    const otherCookie: ServerRow = { ...byCookie, line: 8, time: end(c, 3), mapiContext: 'another' };
    const r = correlate(m.facts(), m.sessions(), [byCookie, otherCookie]);
    expect(r.matches.map((x) => [x.exchangeId, x.by, x.rows.map((y) => y.line)])).toEqual([[2, 'session-cookie', [7]]]);
    // Exchanges 1 and 3 are inside the logs' span (± 2 s) and unanswered; exchange 4 comes 10 s after the last row.
    expect(r.unmatchedClient).toEqual([1, 3]);
    expect(r.outsideLogs).toEqual([4]);
  });
});
