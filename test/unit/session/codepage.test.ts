/**
 * The code page of 8-bit strings through the session ([MS-OXCROPS] 2.2.1.3):
 * Connect's DefaultCodePage for objects no message owns, a message's
 * CodePageId (RopOpenMessage) for the message and what it owns, in the same
 * Execute and in later ones; the real ruler⇄gromox Connect for the first.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import type { DecodedNode } from '../../../shared/codec/index.js';
import { SessionModel } from '../../../shared/session/model.js';
import { decodeBody, decodeExchange } from '../../../shared/protocol/decode-exchange.js';
import { LOGON_HANDLE, ROPS, ScriptedClient, hex, loadCap1 } from './helpers.js';

const NONE = 0xffffffff;
const MSG_HANDLE = 0x55;

function run(exchanges: readonly Exchange[]): SessionModel {
  const m = new SessionModel();
  for (const ex of exchanges) m.add(ex);
  return m;
}

/** Displays of the string nodes that say which code page they were read in. */
function codePageNotes(n: DecodedNode | undefined, out: [string, number, string][] = []): [string, number, string][] {
  if (!n) return out;
  if (typeof n.value === 'string' && n.display?.includes(' · ')) out.push([n.name, n.offset, n.display]);
  for (const c of n.children ?? []) codePageNotes(c, out);
  return out;
}

describe('8-bit strings in the code page the session says', () => {
  it("the real Connect's DefaultCodePage becomes the session's (gromox-ruler cap1)", () => {
    const cap = loadCap1();
    const connect = cap[0]!;
    const dcp = decodeBody('Connect', 'request', connect.request.body).value!.DefaultCodePage as number;
    const m = run(cap);
    const firstExecute = cap.find((e) => e.request.headers.some((h) => h.value === 'Execute'))!;
    expect(m.viewFor(firstExecute.id)!.defaultCodePage()).toEqual({
      id: dcp,
      source: `Connect DefaultCodePage, exchange ${connect.id}`,
    });
  });

  // "café €" in windows-1252 and "Привет" in windows-1251.
  const CAFE = '636166E9208000';
  const PRIVET = 'CFF0E8E2E5F200';

  function capture(): ScriptedClient {
    const c = new ScriptedClient();
    // Connect: UserDn "/o=x", Flags 0, DefaultCodePage 1251, LcidSort, LcidString, AuxiliaryBufferSize 0.
    c.connect({ requestBody: hex('2f6f3d7800 00000000 E3040000 09040000 09040000 00000000') });
    c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
    c.execute(
      // RopOpenMessage (CodePageId 1252, BestAccess) → index 1; PidTagSubject_A of the message; PidTagDisplayName_A of the logon.
      '03 00 00 01 E404 0100000000000001 03 0100000000000002' +
        ' 07 00 01 0000 0000 0100 1E003700' +
        ' 07 00 00 0000 0000 0100 1E000130',
      [LOGON_HANDLE, NONE],
      // OpenMessage: no named props, SubjectPrefix empty, NormalizedSubject String8, no recipients.
      `03 01 00000000 00 01 02 ${CAFE} 0000 0000 00` + ` 07 01 00000000 00 ${CAFE}` + ` 07 00 00000000 00 ${PRIVET}`,
      [LOGON_HANDLE, MSG_HANDLE],
    );
    c.execute('07 00 00 0000 0000 0100 1E003700', [MSG_HANDLE], `07 00 00000000 00 ${CAFE}`, [MSG_HANDLE]);
    return c;
  }

  it('a message opened with CodePageId 1252 and the logon under DefaultCodePage 1251, in one Execute', () => {
    const c = capture();
    const m = run(c.exchanges);
    const d = m.decode(c.exchanges[2]!);
    expect(d.response!.errors).toEqual([]);
    expect(codePageNotes(d.response!.tree)).toEqual([
      ['String', expect.any(Number), '"café €" · windows-1252 (1252), from RopOpenMessage CodePageId'],
      ['PidTagSubject', expect.any(Number), '"café €" · windows-1252 (1252), from RopOpenMessage CodePageId'],
      [
        'PidTagDisplayName',
        expect.any(Number),
        '"Привет" · windows-1251 (1251), from Connect DefaultCodePage, exchange 1',
      ],
    ]);
    const v = d.response!.value!;
    expect(JSON.stringify(v)).toContain('"NormalizedSubject":{"StringType":2,"String":"café €"}');
  });

  it("a later Execute on the message handle takes the message's code page from the session", () => {
    const c = capture();
    const m = run(c.exchanges);
    expect(m.viewFor(4)!.codePageForHandle(MSG_HANDLE)).toEqual({ id: 1252, source: 'RopOpenMessage CodePageId' });
    expect(m.viewFor(4)!.codePageForHandle(LOGON_HANDLE)).toBeUndefined();
    const d = m.decode(c.exchanges[3]!);
    expect(codePageNotes(d.response!.tree)).toEqual([
      ['PidTagSubject', expect.any(Number), '"café €" · windows-1252 (1252), from RopOpenMessage CodePageId'],
    ]);
  });

  it('without the session: the request in the same Execute still gives the message code page; the rest is unknown', () => {
    const c = capture();
    const d = decodeExchange(c.exchanges[2]!);
    expect(codePageNotes(d.response!.tree).map((x) => x.slice(0, 1).concat(x.slice(2)))).toEqual([
      ['String', '"café €" · windows-1252 (1252), from RopOpenMessage CodePageId'],
      ['PidTagSubject', '"café €" · windows-1252 (1252), from RopOpenMessage CodePageId'],
      ['PidTagDisplayName', '"Ïðèâåò" · code page unknown, shown as ISO-8859-1'],
    ]);
  });
});
