/**
 * The capture the filter bench filters: the session bench's sessions (Connect,
 * Logon, OpenFolder + GetContentsTable + SetColumns, 20 × QueryRows,
 * NotificationWait, PING, Release, Disconnect), with QueryRows responses of
 * `rows` rows each (PidTagSubject from a pool of realistic subjects,
 * PidTagMessageSize), so 100k exchanges weigh about 1 GB. Shared by the bench
 * and its workers.
 */
import type { Exchange } from '../../shared/capture/exchange.js';
import { FOLDER_HANDLE, LOGON_HANDLE, ROPS, ScriptedClient, TABLE_HANDLE } from '../unit/session/helpers.js';
import { synthetic } from './session.bench.js';

const NONE = 0xffffffff;
const hex16 = (v: number) => (v & 0xff).toString(16).padStart(2, '0') + ((v >> 8) & 0xff).toString(16).padStart(2, '0');
const hex32 = (v: number) => hex16(v & 0xffff) + hex16((v >>> 16) & 0xffff);
const utf16z = (s: string) => [...s].map((c) => hex16(c.charCodeAt(0))).join('') + '0000';

const WORDS = ['Invoice', 'Quarterly statement', 'Re: project Fabrikam', 'Meeting notes', 'Order', 'Fwd: contract'];
const subject = (k: number) => `${WORDS[k % WORDS.length]} ${1000 + k} for Contoso Ltd (customer ${k % 97})`;

/** A RopQueryRows response with `rows` rows over (PidTagSubject, PidTagMessageSize), subjects from `seed` on. */
function queryRowsResp(rows: number, seed: number): string {
  let s = `15 00 00000000 02 ${hex16(rows)}`;
  for (let r = 0; r < rows; r++) s += ` 00 ${utf16z(subject(seed + r))} ${hex32(2048 + ((seed + r) % 50000))}`;
  return s;
}

export function filterTemplate(rows: number): Exchange[] {
  const c = new ScriptedClient();
  c.connect();
  c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
  c.execute(
    `${ROPS.openFolderReq(0, 1)} ${ROPS.contentsTableReq(1, 2)} ${ROPS.setColumnsReq(2)}`,
    [LOGON_HANDLE, NONE, NONE],
    `${ROPS.openFolderResp(1)} ${ROPS.contentsTableResp(2)} ${ROPS.setColumnsResp(2)}`,
    [LOGON_HANDLE, FOLDER_HANDLE, TABLE_HANDLE],
  );
  for (let i = 0; i < 20; i++)
    c.execute(ROPS.queryRowsReq(0), [TABLE_HANDLE], queryRowsResp(rows, i * rows), [TABLE_HANDLE]);
  c.notificationWait({ duration: 2000, elapsed: 1990 });
  c.ping();
  c.execute(ROPS.releaseReq(0), [TABLE_HANDLE], '', [TABLE_HANDLE]);
  c.disconnect();
  return c.exchanges;
}

/** The exchanges of the sessions `k` with k % parts === part (all when parts is 1), in capture order. */
export function* filterCapture(n: number, rows: number, part = 0, parts = 1): Generator<Exchange> {
  const tpl = filterTemplate(rows);
  let i = 0;
  for (const ex of synthetic(n, tpl)) {
    const k = Math.floor(i++ / tpl.length);
    if (k % parts === part) yield ex;
  }
}
