/**
 * The FastTransfer stream kind comes from the ROP that opened the transfer
 * ([MS-OXCFXICS] 2.2.4.3, 2.2.3.1.1): in the same Execute (the real syncgw
 * exchange 44: RopSynchronizationConfigure then RopFastTransferSourceGetBuffer)
 * or through the session model (a scripted capture); the content decides only
 * when that ROP is not known.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodedNode } from '../../../shared/codec/index.js';
import { decodeBody } from '../../../shared/protocol/decode-exchange.js';
import { SessionModel } from '../../../shared/session/model.js';
import { LOGON_HANDLE, ROPS, ScriptedClient } from './helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/syncgw/${p}`, import.meta.url)));

function structures(n: DecodedNode | undefined, out: DecodedNode[] = []): DecodedNode[] {
  if (!n) return out;
  if (n.name === 'Structure') out.push(n);
  for (const c of n.children ?? []) structures(c, out);
  return out;
}

describe('FastTransfer stream kind from the opening ROP', () => {
  it('real Execute 44: RopSynchronizationConfigure (Hierarchy) in the same request names the stream', () => {
    const q = decodeBody('Execute', 'request', fixture('execute_req44.bin'));
    const r = decodeBody('Execute', 'response', fixture('execute_resp44.bin'), { execRequest: q.value });
    const [s] = structures(r.tree);
    expect(s).toMatchObject({ value: 'hierarchySync', generated: true });
    expect(s!.display).toBe(
      'hierarchySync (from RopSynchronizationConfigure (SynchronizationType 2), request #2 of this Execute): ' +
        '19 folderChange, 1 state, IncrSyncEnd',
    );
  });

  it('the same response without its request: the content decides, and says nothing of a ROP', () => {
    const r = decodeBody('Execute', 'response', fixture('execute_resp44.bin'));
    expect(structures(r.tree).map((s) => s.display)).toEqual(['hierarchySync: 19 folderChange, 1 state, IncrSyncEnd']);
  });

  it('through the session: RopFastTransferSourceCopyMessages in one Execute, RopFastTransferSourceGetBuffer in the next', () => {
    const FOLDER = 0x22;
    const FX = 0x44;
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [0xffffffff], ROPS.logonResp, [LOGON_HANDLE]);
    c.execute(ROPS.openFolderReq(0, 1), [LOGON_HANDLE, 0xffffffff], ROPS.openFolderResp(1), [LOGON_HANDLE, FOLDER]);
    // CopyMessages on the folder: one MessageId, CopyFlags 0, SendOptions 0 → output index 1.
    c.execute('4B 00 00 01 0100 0100000000000002 00 00', [FOLDER, 0xffffffff], `4B 01 00000000`, [FOLDER, FX]);
    // GetBuffer (BufferSize 0xBABE, max 0x8000): Done, one PtypInteger32 property (PidTagImportance 1).
    const stream = '03001700 01000000';
    c.execute(
      '4E 00 00 BEBA 0080',
      [FX],
      `4E 00 00000000 0300 0000 0000 00 ${(stream.replace(/ /g, '').length / 2).toString(16).padStart(2, '0')}00 ${stream}`,
      [FX],
    );
    const m = new SessionModel();
    for (const ex of c.exchanges) m.add(ex);
    expect(m.viewFor(5)!.fastTransferKind(FX)).toEqual({
      kind: 'messageList',
      source: 'RopFastTransferSourceCopyMessages, exchange 4',
    });
    const d = m.decode(c.exchanges[4]!);
    expect(d.response!.errors).toEqual([]);
    expect(structures(d.response!.tree).map((s) => [s.value, s.display])).toEqual([
      ['messageList', 'messageList (from RopFastTransferSourceCopyMessages, exchange 4): 1 property'],
    ]);
  });

  it('RopFastTransferSourceCopyTo on a message opened earlier in the same Execute gives messageContent', () => {
    const c = new ScriptedClient();
    c.connect();
    c.execute(ROPS.logonReq, [0xffffffff], ROPS.logonResp, [LOGON_HANDLE]);
    const stream = '03001700 01000000';
    c.execute(
      // OpenMessage → 1; CopyTo on 1 → 2 (Level 0, CopyFlags 0, SendOptions 0, no excluded tags); GetBuffer on 2.
      '03 00 00 01 E404 0100000000000001 00 0100000000000002' +
        ' 4D 00 01 02 00 00000000 00 0000' +
        ' 4E 00 02 BEBA 0080',
      [LOGON_HANDLE, 0xffffffff, 0xffffffff],
      '03 01 00000000 00 00 00 0000 0000 00' + ' 4D 02 00000000' + ` 4E 02 00000000 0300 0000 0000 00 0800 ${stream}`,
      [LOGON_HANDLE, 0x55, 0x66],
    );
    const m = new SessionModel();
    for (const ex of c.exchanges) m.add(ex);
    const d = m.decode(c.exchanges[2]!);
    expect(d.response!.errors).toEqual([]);
    expect(structures(d.response!.tree).map((s) => s.display)).toEqual([
      'messageContent (from RopFastTransferSourceCopyTo on a message, request #2 of this Execute): 1 property',
    ]);
  });
});
