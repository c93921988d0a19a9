/**
 * Every real Execute body in test/fixtures decodes to ROPs with zero error
 * nodes and zero unparsed bytes, with the exact ROP list and selected field
 * values; request and response re-encode to the identical bytes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type StructValue, collectErrors, findAll, unclaimedBytes } from '../../../../shared/codec/index.js';
import { decodeBody, encodeBody, ropBuffersOf } from '../../../../shared/protocol/decode-exchange.js';
import { decodeRopRequestBuffer, encodeRopRequestBuffer } from '../../../../shared/protocol/rops/buffer.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

interface Case {
  request: string;
  response: string;
  /** ROP names (without "Rop") of the request, then of the response. */
  q: string[];
  r: string[];
}

const sg = (n: number, q: string[], r: string[]): Case => ({
  request: `syncgw/execute_req${n}.bin`,
  response: `syncgw/execute_resp${n}.bin`,
  q,
  r,
});
const gr = (cap: string, n: string, q: string[], r: string[]): Case => ({
  request: `gromox-ruler/${cap}/${n}-mapi-emsmdb-Execute.request.bin`,
  response: `gromox-ruler/${cap}/${n}-mapi-emsmdb-Execute.response.bin`,
  q,
  r,
});

const logon = ['Logon'];
const openFolder = ['OpenFolder'];
const rulesTable = ['GetRulesTable', 'SetColumns', 'QueryRows'];
const ics = ['SynchronizationUploadStateStreamBegin', 'SynchronizationUploadStateStreamEnd'];

const CASES: Case[] = [
  sg(19, logon, logon),
  sg(20, ['GetPropertyIdsFromNames'], ['GetPropertyIdsFromNames']),
  sg(21, ['GetAddressTypes'], ['GetAddressTypes']),
  sg(22, ['Release'], []),
  sg(28, ['LongTermIdFromId'], ['LongTermIdFromId']),
  sg(37, ['OpenFolder', 'GetPropertiesSpecific'], ['OpenFolder', 'GetPropertiesSpecific']),
  sg(38, ['SetProperties'], ['SetProperties']),
  sg(39, ['Release', 'GetLocalReplicaIds'], ['GetLocalReplicaIds']),
  sg(43, ['GetPropertiesSpecific'], ['GetPropertiesSpecific']),
  sg(
    44,
    ['OpenFolder', 'SynchronizationConfigure', ...ics, ...ics, 'FastTransferSourceGetBuffer'],
    ['OpenFolder', 'SynchronizationConfigure', ...ics, ...ics, 'FastTransferSourceGetBuffer'],
  ),
  sg(45, ['OpenFolder', 'OpenFolder', 'OpenFolder'], ['OpenFolder', 'OpenFolder', 'OpenFolder']),
  sg(47, ['Release', 'Release', 'Release', 'GetPropertiesSpecific'], ['GetPropertiesSpecific']),
  sg(48, ['Release', 'OpenFolder', 'GetPropertiesSpecific'], ['OpenFolder', 'GetPropertiesSpecific']),
  sg(54, ['Release', 'Release', 'GetReceiveFolder'], ['GetReceiveFolder']),
  sg(55, ['OpenFolder', 'GetPropertiesSpecific'], ['OpenFolder', 'GetPropertiesSpecific']),
  ...['002', '006', '011', '018', '023', '029', '035', '040', '045', '049'].map((n) => gr('cap1', n, logon, logon)),
  ...['003', '007', '012', '019', '020', '024', '030', '036', '041', '046', '050'].map((n) =>
    gr('cap1', n, openFolder, openFolder),
  ),
  ...['008', '032', '037', '042'].map((n) => gr('cap1', n, rulesTable, rulesTable)),
  gr('cap1', '025', ['OpenFolder', 'GetHierarchyTable'], ['OpenFolder', 'GetHierarchyTable']),
  gr('cap1', '026', ['CreateFolder', 'SetProperties'], ['CreateFolder', 'SetProperties']),
  gr('cap1', '031', ['ModifyRules'], ['ModifyRules']),
  gr('cap1', '047', ['Release', 'OpenFolder', 'GetContentsTable'], ['OpenFolder', 'GetContentsTable']),
  gr('cap1', '051', ['OpenFolder', 'GetPropertiesSpecific'], ['OpenFolder', 'GetPropertiesSpecific']),
  gr('cap2', '002', logon, logon),
];

/** ROPs of a decoded Execute body, in wire order. */
function rops(value: StructValue | undefined): StructValue[] {
  return ropBuffersOf(value).flatMap((b) => b.RopsList as StructValue[]);
}

function decodePair(c: Case) {
  const qb = fixture(c.request);
  const rb = fixture(c.response);
  const q = decodeBody('Execute', 'request', qb);
  const r = decodeBody('Execute', 'response', rb, { execRequest: q.value });
  return { q, r, qb, rb };
}

describe('real Execute bodies: ROP lists, zero errors, zero unparsed bytes, round trip', () => {
  for (const c of CASES) {
    it(`${c.request}: ${c.q.join(', ') || '(none)'} → ${c.r.join(', ') || '(no responses)'}`, () => {
      const { q, r, qb, rb } = decodePair(c);
      expect(q.errors).toEqual([]);
      expect(r.errors).toEqual([]);
      expect(q.unparsedBytes).toBe(0);
      expect(r.unparsedBytes).toBe(0);
      expect(q.rops.map((x) => x.name)).toEqual(c.q.map((n) => `Rop${n}`));
      expect(r.rops.map((x) => x.name)).toEqual(c.r.map((n) => `Rop${n}`));
      // The server answered every ROP that expects a response (RopRelease gets none).
      expect(findAll(r.tree, 'UnansweredRops')).toEqual([]);
      expect(encodeBody(q)).toEqual(qb);
      expect(encodeBody(r, { execRequest: q.value })).toEqual(rb);
    });
  }
});

describe('selected field values from real traffic', () => {
  it('syncgw 19: Outlook private logon and gromox private-mailbox response', () => {
    const { q, r } = decodePair(CASES[0]!);
    expect(rops(q.value)[0]).toEqual({
      RopId: 0xfe,
      LogonId: 0,
      OutputHandleIndex: 0,
      LogonFlags: 0x09,
      OpenFlags: 0x21000000,
      StoreState: 0,
      EssdnSize: 101,
      Essdn: '/O=I638513D0/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=0100000001000000-T1',
    });
    const resp = rops(r.value)[0]!;
    expect(resp).toMatchObject({
      RopId: 0xfe,
      ReturnValue: 0,
      LogonFlags: 0x09,
      ResponseFlags: 0x07,
      MailboxGuid: '7aa9f315-e0bb-43c2-a6c2-a406c292e8a5',
      ReplId: 0xffff,
      LogonTime: { Seconds: 21, Minutes: 10, Hour: 20, DayOfWeek: 1, Day: 28, Month: 11, Year: 2022 },
      StoreState: 0,
    });
    const f = resp.FolderIds as Record<string, { ReplicaId: number; GlobalCounter: number }>;
    expect(Object.keys(f)).toHaveLength(13);
    expect(f.MailboxRoot).toEqual({ ReplicaId: 1, GlobalCounter: 1 });
    expect(f.IpmSubtree).toEqual({ ReplicaId: 1, GlobalCounter: 9 });
    expect(f.Inbox).toEqual({ ReplicaId: 1, GlobalCounter: 13 });
    expect(f.Shortcuts).toEqual({ ReplicaId: 1, GlobalCounter: 4 });
    // 6 header bytes + 160 private-mailbox bytes: the whole RopsList.
    expect(findAll(r.tree, 'RopLogon')[0]!.length).toBe(166);
  });

  it('gromox-ruler 002: ruler logs on as alice with LogonId 12', () => {
    const { q, r } = decodePair(CASES.find((c) => c.request.includes('cap1/002'))!);
    expect(rops(q.value)[0]).toMatchObject({ LogonId: 12, LogonFlags: 1, OpenFlags: 0x0100000c, EssdnSize: 109 });
    expect(rops(q.value)[0]!.Essdn).toMatch(/cn=0100000001000000-alice$/);
    expect(rops(r.value)[0]).toMatchObject({
      MailboxGuid: 'c78618db-a67d-46d2-bf39-b9f8166302d6',
      LogonTime: { Year: 2026, Month: 11, Day: 22 },
    });
  });

  it('syncgw 21: GetAddressTypes lists SMTP and EX', () => {
    const { r } = decodePair(CASES.find((c) => c.request.endsWith('req21.bin'))!);
    expect(rops(r.value)[0]).toEqual({
      RopId: 0x49,
      InputHandleIndex: 0,
      ReturnValue: 0,
      AddressTypeCount: 2,
      AddressTypeSize: 8,
      AddressTypes: ['SMTP', 'EX'],
    });
  });

  it('syncgw 28: LongTermIdFromId of the Inbox', () => {
    const { q, r } = decodePair(CASES.find((c) => c.request.endsWith('req28.bin'))!);
    expect(rops(q.value)[0]!.ObjectId).toEqual({ ReplicaId: 1, GlobalCounter: 13 });
    expect(rops(r.value)[0]!.LongTermId).toEqual({
      DatabaseGuid: '00000001-18a5-6f7b-bcdc-ea1ed03c5657',
      GlobalCounter: 13,
      Pad: 0,
    });
  });

  it('syncgw 45 (LZ77-compressed request): three OpenFolder into output indexes 1–3', () => {
    const { q, r } = decodePair(CASES.find((c) => c.request.endsWith('req45.bin'))!);
    expect(
      rops(q.value).map((x) => [x.OutputHandleIndex, (x.FolderId as { GlobalCounter: number }).GlobalCounter]),
    ).toEqual([
      [1, 1],
      [2, 9],
      [3, 13],
    ]);
    expect(rops(r.value).map((x) => [x.OutputHandleIndex, x.HasRules, x.IsGhosted])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
    ]);
    expect(ropBuffersOf(r.value)[0]!.ServerObjectHandleTable).toEqual([0, 4, 5, 6]);
  });

  it('syncgw 45: the decompressed payload (third-party golden) decodes to the same ROPs', () => {
    const b = fixture('syncgw/execute_req45.decompressed.bin');
    const { value, tree } = decodeRopRequestBuffer(b);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
    const { q } = decodePair(CASES.find((c) => c.request.endsWith('req45.bin'))!);
    expect(value).toEqual(ropBuffersOf(q.value)[0]);
    expect(encodeRopRequestBuffer(value!)).toEqual(b);
  });

  it('syncgw 54: RopRelease gets no response; GetReceiveFolder answers for index 2', () => {
    const { r } = decodePair(CASES.find((c) => c.request.endsWith('req54.bin'))!);
    expect(rops(r.value)).toEqual([
      {
        RopId: 0x27,
        InputHandleIndex: 2,
        ReturnValue: 0,
        FolderId: { ReplicaId: 1, GlobalCounter: 13 },
        ExplicitMessageClass: '',
      },
    ]);
  });

  it('gromox-ruler 026: search-folder creation with UTF-16 names, answered ecNullObject', () => {
    const { q, r } = decodePair(CASES.find((c) => c.request.includes('cap1/026'))!);
    expect(rops(q.value)[0]).toMatchObject({
      RopId: 0x1c,
      FolderType: 2,
      UseUnicodeStrings: 1,
      DisplayName: 'searcher',
      Comment: 'some comment',
    });
    expect(rops(r.value).map((x) => x.ReturnValue)).toEqual([0x4b9, 0x4b9]);
  });

  it('gromox-ruler 047: contents table flags Associated | UseUnicode', () => {
    const { q } = decodePair(CASES.find((c) => c.request.includes('cap1/047'))!);
    expect(rops(q.value)[2]).toEqual({
      RopId: 5,
      LogonId: 12,
      InputHandleIndex: 1,
      OutputHandleIndex: 2,
      TableFlags: 0x42,
    });
  });

  it('openchange Outlook 2007 (decompressed): RemoveAllRecipients, ModifyRecipients, SetProperties, SubmitMessage, GetPropertiesSpecific', () => {
    const b = fixture('openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin');
    const { value, tree } = decodeRopRequestBuffer(b);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
    const list = value!.RopsList as StructValue[];
    expect(list.map((x) => ropsById.get(x.RopId as number)!.name)).toEqual([
      'RopRemoveAllRecipients',
      'RopModifyRecipients',
      'RopSetProperties',
      'RopSubmitMessage',
      'RopGetPropertiesSpecific',
    ]);
    const mod = list[1]!;
    expect(mod.ColumnCount).toBe(12);
    expect((mod.RecipientColumns as number[]).slice(0, 3)).toEqual([0x0ffe0003, 0x39000003, 0x39ff001f]);
    const row = (mod.RecipientRows as StructValue[])[0]!;
    expect(row).toMatchObject({ RowId: 0, RecipientType: 1, RecipientRowSize: 340 });
    expect(row.RecipientRow).toMatchObject({
      AddressPrefixUsed: 69,
      X500DN: 'Jkerihuel',
      DisplayName: 'Julien Kerihuel',
      SimpleDisplayName: 'jkerihuel',
      RecipientColumnCount: 12,
    });
    expect(((row.RecipientRow as StructValue).RecipientProperties as { ValueArray: unknown[] }).ValueArray[3]).toBe(
      'jkerihuel@openchange2003.local',
    );
    expect(list[3]).toEqual({ RopId: 0x32, LogonId: 0, InputHandleIndex: 0, SubmitFlags: 0 });
    expect(value!.ServerObjectHandleTable).toEqual([0x45]);
    expect(encodeRopRequestBuffer(value!)).toEqual(b);
  });
});
