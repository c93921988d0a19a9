/**
 * Test vectors T1–T20, built from the [MS-OXCROPS] layouts, for the ROP engine and the
 * store, folder, table, message and transport families: exact values and
 * offsets, and encode(decode(bytes)) === bytes.
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
  ropSummary,
} from '../../../../shared/protocol/rops/buffer.js';
import {
  ropCopyFolder,
  ropCreateFolder,
  ropDeleteFolder,
  ropGetContentsTable,
  ropGetSearchCriteria,
  ropMoveFolder,
  ropSetSearchCriteria,
} from '../../../../shared/protocol/rops/folder.js';
import { ropGetMessageStatus } from '../../../../shared/protocol/rops/message.js';
import { ropQueryRows, ropSortTable } from '../../../../shared/protocol/rops/table.js';
import { child, layout, roundTrip } from './rop-helpers.js';

/** Wraps ROP bytes as a ROP buffer: RopSize · ROPs · handle table. */
function ropBuffer(rops: string, handles: number[]): Uint8Array {
  const r = fromHex(rops);
  const out = new Uint8Array(2 + r.length + 4 * handles.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 2 + r.length, true);
  out.set(r, 2);
  handles.forEach((h, i) => v.setUint32(2 + r.length + 4 * i, h, true));
  return out;
}

describe('T1 [MS-OXCROPS] 4.4: RopRelease input buffer', () => {
  const bytes = fromHex('08 00 01 00 00 01 00 01 6F 00 00 00 6E 00 00 00');
  it('decodes RopSize, two RopRelease, the handle table', () => {
    const { value, tree } = decodeRopRequestBuffer(bytes);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', bytes.length)).toBe(0);
    expect(value).toEqual({
      RopSize: 8,
      RopsList: [
        { RopId: 1, LogonId: 0, InputHandleIndex: 0 },
        { RopId: 1, LogonId: 0, InputHandleIndex: 1 },
      ],
      ServerObjectHandleTable: [0x6f, 0x6e],
    });
    expect(layout(tree)).toEqual([
      ['RopSize', 0, 2],
      ['RopsList', 2, 6],
      ['ServerObjectHandleTable', 8, 8],
    ]);
    expect(layout(child(tree, 'RopsList'))).toEqual([
      ['RopRelease', 2, 3],
      ['RopRelease', 5, 3],
    ]);
    expect(encodeRopRequestBuffer(value!)).toEqual(bytes);
    expect(ropSummary(value)).toEqual([
      { id: '0x01', name: 'RopRelease', handleIndex: 0, logonId: 0 },
      { id: '0x01', name: 'RopRelease', handleIndex: 1, logonId: 0 },
    ]);
  });
  it('the response to it holds no ROP responses', () => {
    const resp = fromHex('02 00 6F 00 00 00 6E 00 00 00');
    const { value, tree } = decodeRopResponseBuffer(resp, { execRequest: decodeRopRequestBuffer(bytes).value });
    expect(collectErrors(tree)).toEqual([]);
    expect(value).toEqual({ RopSize: 2, RopsList: [], ServerObjectHandleTable: [0x6f, 0x6e] });
  });
});

describe('T2 [MS-OXCTABL] 4.1.1: RopGetContentsTable request', () => {
  it('decodes the output handle index and flags', () => {
    const { value } = roundTrip(ropGetContentsTable.request, '05 00 00 01 00');
    expect(value).toEqual({ RopId: 5, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0 });
  });
});

describe('T3/T4 [MS-OXCTABL] 4.3.1, 4.3.2: RopSortTable', () => {
  it('request: counts and two sort orders, the first a MultivalueInstance category', () => {
    const { value, tree } = roundTrip(
      ropSortTable.request,
      '13 00 00 00 02 00 01 00 01 00 1F 30 08 80 00 40 00 06 0E 01',
    );
    expect(value).toEqual({
      RopId: 0x13,
      LogonId: 0,
      InputHandleIndex: 0,
      SortTableFlags: 0,
      SortOrderCount: 2,
      CategoryCount: 1,
      ExpandedCount: 1,
      SortOrders: [
        { PropertyType: 0x301f, PropertyId: 0x8008, Order: 0 },
        { PropertyType: 0x0040, PropertyId: 0x0e06, Order: 1 },
      ],
    });
    expect(layout(tree).slice(3)).toEqual([
      ['SortTableFlags', 3, 1],
      ['SortOrderCount', 4, 2],
      ['CategoryCount', 6, 2],
      ['ExpandedCount', 8, 2],
      ['SortOrders', 10, 10],
    ]);
    expect(layout(child(tree, 'SortOrders'))).toEqual([
      ['SortOrder', 10, 5],
      ['SortOrder', 15, 5],
    ]);
  });
  it('response: TableStatus TBLSTAT_COMPLETE', () => {
    const { value, tree } = roundTrip(ropSortTable.response, '13 01 00 00 00 00 00');
    expect(value).toEqual({ RopId: 0x13, InputHandleIndex: 1, ReturnValue: 0, TableStatus: 0 });
    expect(child(tree, 'TableStatus')).toMatchObject({ offset: 6, display: 'TBLSTAT_COMPLETE (0x00)' });
  });
});

describe('T5/T6 [MS-OXCTABL] 4.5.3: RopQueryRows', () => {
  it('T5 request', () => {
    const { value, tree } = roundTrip(ropQueryRows.request, '15 00 00 00 01 32 00');
    expect(value).toEqual({
      RopId: 0x15,
      LogonId: 0,
      InputHandleIndex: 0,
      QueryRowsFlags: 0,
      ForwardRead: 1,
      RowCount: 50,
    });
    expect(layout(tree).slice(3)).toEqual([
      ['QueryRowsFlags', 3, 1],
      ['ForwardRead', 4, 1],
      ['RowCount', 5, 2],
    ]);
  });
  it('T6 response: a FlaggedPropertyRow with values and NotFound errors (first three columns, given as context)', () => {
    // The spec prints only the start of the row; three columns of it are decodable:
    // PidTagFolderId (I8), a column in error, another I8.
    const hex = '15 00 00 00 00 00 02 01 00 01 00 01 00 00 00 00 F1 1F 32 0A 0F 01 04 80 00 01 00 00 00 00 F1 88 BD';
    const context = { columns: [0x67480014, 0x0e080003, 0x674a0014] };
    const b = fromHex(hex);
    // RowCount set to 1: the spec cuts its 9 rows off with "...".
    const { value, tree } = decode(ropQueryRows.response!, b, { context });
    expect(collectErrors(tree)).toEqual([]);
    expect(value).toMatchObject({ RopId: 0x15, InputHandleIndex: 0, ReturnValue: 0, Origin: 2, RowCount: 1 });
    const row = (value!.RowData as { Flag: number; ValueArray: unknown[] }[])[0]!;
    expect(row.Flag).toBe(1);
    expect(row.ValueArray).toEqual([
      { Flag: 0, PropertyValue: 0x321ff10000000001n },
      { Flag: 0x0a, ErrorCode: 0x8004010f },
      { Flag: 0, PropertyValue: BigInt.asIntN(64, 0xbd88f10000000001n) }, // PtypInteger64 is signed
    ]);
    const rowNode = child(tree, 'RowData')!.children![0]!;
    expect(rowNode).toMatchObject({ offset: 9, length: 24 });
    expect(rowNode.children!.map((c) => [c.offset, c.length])).toEqual([
      [9, 1],
      [10, 9],
      [19, 5],
      [24, 9],
    ]);
    expect(encode(ropQueryRows.response!, value!, context)).toEqual(b);
  });
  it('T6 without columns: a "context unavailable" node with the raw row bytes, no guess', () => {
    const b = fromHex('15 00 00 00 00 00 02 01 00 01 00 01 00 00 00 00 F1 1F 32');
    const { value, tree } = decode(ropQueryRows.response!, b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('RopQueryRowsResponse/RowData');
    expect(errs[0]!.message).toMatch(/^context unavailable: /);
    expect(child(tree, 'RowData')).toMatchObject({ offset: 9, length: 10 });
    expect(value!.RowData).toMatchObject({ raw: b.subarray(9) });
    expect(encode(ropQueryRows.response!, value!)).toEqual(b);
  });
});

describe('T7/T8 [MS-OXCFOLD] 4.1: RopCreateFolder', () => {
  it('T7 request: Unicode names', () => {
    const { value, tree } = roundTrip(
      ropCreateFolder.request,
      '1C 00 00 01 01 01 00 00 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00 00 00',
    );
    expect(value).toEqual({
      RopId: 0x1c,
      LogonId: 0,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      FolderType: 1,
      UseUnicodeStrings: 1,
      OpenExisting: 0,
      Reserved: 0,
      DisplayName: 'Folder1',
      Comment: '',
    });
    expect(layout(tree).slice(4)).toEqual([
      ['FolderType', 4, 1],
      ['UseUnicodeStrings', 5, 1],
      ['OpenExisting', 6, 1],
      ['Reserved', 7, 1],
      ['DisplayName', 8, 16],
      ['Comment', 24, 2],
    ]);
  });
  it('T8 response: new folder id, not an existing folder', () => {
    const { value, tree } = roundTrip(ropCreateFolder.response, '1C 01 00 00 00 00 01 00 00 00 0E 91 52 12 00');
    expect(value).toEqual({
      RopId: 0x1c,
      OutputHandleIndex: 1,
      ReturnValue: 0,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e915212 },
      IsExistingFolder: 0,
    });
    expect(child(tree, 'FolderId')).toMatchObject({ offset: 6, length: 8 });
    expect(child(tree, 'IsExistingFolder')).toMatchObject({ offset: 14, length: 1 });
  });
});

describe('T9 [MS-OXCFOLD] 4.2.1: RopDeleteFolder request', () => {
  it('flags DEL_MESSAGES | DEL_FOLDERS and the folder id', () => {
    const { value, tree } = roundTrip(ropDeleteFolder.request, '1D 00 01 05 01 00 00 00 0E 8E DF 36');
    expect(value).toEqual({
      RopId: 0x1d,
      LogonId: 0,
      InputHandleIndex: 1,
      DeleteFolderFlags: 5,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
    });
    expect(child(tree, 'DeleteFolderFlags')!.display).toBe('0x05 (DEL_MESSAGES | DEL_FOLDERS)');
  });
});

describe('T10/T11 [MS-OXCFOLD] 4.5: RopMoveFolder', () => {
  it('T10 request: source and destination indexes, Unicode new name', () => {
    const { value, tree } = roundTrip(
      ropMoveFolder.request,
      '35 00 01 02 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00',
    );
    expect(value).toEqual({
      RopId: 0x35,
      LogonId: 0,
      SourceHandleIndex: 1,
      DestHandleIndex: 2,
      WantAsynchronous: 1,
      UseUnicode: 1,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
      NewFolderName: 'Folder1',
    });
    expect(child(tree, 'FolderId')).toMatchObject({ offset: 6, length: 8 });
    expect(child(tree, 'NewFolderName')).toMatchObject({ offset: 14, length: 16 });
  });
  it('T11 response: PartialCompletion after ReturnValue, echoing SourceHandleIndex', () => {
    const { value } = roundTrip(ropMoveFolder.response, '35 01 00 00 00 00 00');
    expect(value).toEqual({ RopId: 0x35, SourceHandleIndex: 1, ReturnValue: 0, PartialCompletion: 0 });
  });
});

describe('T12/T13 [MS-OXCFOLD] 4.6: RopCopyFolder', () => {
  it('T12 request: FolderId at offset 7, name at 15', () => {
    const { value, tree } = roundTrip(
      ropCopyFolder.request,
      '36 00 00 01 01 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00',
    );
    expect(value).toMatchObject({
      SourceHandleIndex: 0,
      DestHandleIndex: 1,
      WantAsynchronous: 1,
      WantRecursive: 1,
      UseUnicode: 1,
    });
    expect(child(tree, 'FolderId')).toMatchObject({ offset: 7, length: 8, display: '1-0x00000E8EDF36' });
    expect(child(tree, 'NewFolderName')).toMatchObject({ offset: 15, value: 'Folder1' });
  });
  it('T13 response', () => {
    const { value } = roundTrip(ropCopyFolder.response, '36 00 00 00 00 00 00');
    expect(value).toEqual({ RopId: 0x36, SourceHandleIndex: 0, ReturnValue: 0, PartialCompletion: 0 });
  });
});

describe('T14/T15 [MS-OXCFOLD] 4.8.2, 4.9.1: search criteria', () => {
  it('T14 RopSetSearchCriteria response: header only', () => {
    const { value } = roundTrip(ropSetSearchCriteria.response, '30 01 00 00 00 00');
    expect(value).toEqual({ RopId: 0x30, InputHandleIndex: 1, ReturnValue: 0 });
  });
  it('T15 RopGetSearchCriteria request', () => {
    const { value } = roundTrip(ropGetSearchCriteria.request, '31 00 00 01 01 00');
    expect(value).toEqual({
      RopId: 0x31,
      LogonId: 0,
      InputHandleIndex: 0,
      UseUnicode: 1,
      IncludeRestriction: 1,
      IncludeFolders: 0,
    });
  });
});

describe('T16 [MS-OXCPRPT] 4: RopSetProperties request through the ROP buffer walker', () => {
  it('dispatches by RopId and decodes both tagged values', () => {
    const b = ropBuffer(
      '0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00',
      [0x12],
    );
    const { value, tree } = decodeRopRequestBuffer(b);
    expect(collectErrors(tree)).toEqual([]);
    const rop = (value!.RopsList as Record<string, unknown>[])[0]!;
    expect(rop).toMatchObject({ RopId: 0x0a, PropertyValueSize: 36, PropertyValueCount: 2 });
    expect(rop.PropertyValues).toEqual([
      { PropertyTag: 0x003d001f, PropertyValue: '' },
      { PropertyTag: 0x0e1d001f, PropertyValue: 'Hello World' },
    ]);
    expect(encodeRopRequestBuffer(value!)).toEqual(b);
  });
});

describe('T17/T18 [MS-OXORULE] 4.2: rows need the SetColumns tags of the same Execute', () => {
  const req = fromHex(
    '20 00 3F 00 00 01 40 12 00 01 00 03 00 14 00 74 66 02 01 84 66 1F 00 82 66 15 00 01 00 01 32 00 23 02 00 00 FF FF FF FF',
  );
  const resp = ropBuffer(
    '3F 01 00 00 00 00 12 01 00 00 00 00 00 15 01 00 00 00 00 02 01 00 00 01 00 00 00 01 3F F8 56 10 00 01 00 00 00 01 00 00 00 55 55 55 55 D1 44 E3 40 50 00 72 00 6F 00 6A 00 65 00 63 00 74 00 20 00 58 00 00 00',
    [0x223, 0x145],
  );
  it('T17: the assembled input buffer (40 bytes)', () => {
    const { value, tree } = decodeRopRequestBuffer(req);
    expect(collectErrors(tree)).toEqual([]);
    expect(value!.RopSize).toBe(32);
    expect(ropSummary(value)).toEqual([
      { id: '0x3F', name: 'RopGetRulesTable', handleIndex: 0, logonId: 0, detail: 'TableFlags=64' },
      {
        id: '0x12',
        name: 'RopSetColumns',
        handleIndex: 1,
        logonId: 0,
        detail: 'SetColumnsFlags=0 PropertyTagCount=3 PropertyTags=[3]',
      },
      {
        id: '0x15',
        name: 'RopQueryRows',
        handleIndex: 1,
        logonId: 0,
        detail: 'QueryRowsFlags=0 ForwardRead=1 RowCount=50',
      },
    ]);
    expect((value!.RopsList as Record<string, unknown>[])[1]!.PropertyTags).toEqual([
      0x66740014, 0x66840102, 0x6682001f,
    ]);
    expect(value!.ServerObjectHandleTable).toEqual([0x223, 0xffffffff]);
    expect(encodeRopRequestBuffer(value!)).toEqual(req);
  });
  it('T18: the QueryRows row decodes over those three columns', () => {
    const q = decodeRopRequestBuffer(req).value;
    const { value, tree } = decodeRopResponseBuffer(resp, { execRequest: q });
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', resp.length)).toBe(0);
    expect(ropSummary(value)).toEqual([
      { id: '0x3F', name: 'RopGetRulesTable', handleIndex: 1, returnValue: '0x00000000' },
      { id: '0x12', name: 'RopSetColumns', handleIndex: 1, returnValue: '0x00000000', detail: 'TableStatus=0' },
      {
        id: '0x15',
        name: 'RopQueryRows',
        handleIndex: 1,
        returnValue: '0x00000000',
        detail: 'Origin=2 RowCount=1 RowData=[1]',
      },
    ]);
    const qr = (value!.RopsList as Record<string, unknown>[])[2]!;
    expect(qr).toMatchObject({ Origin: 2, RowCount: 1 });
    expect(qr.RowData).toEqual([
      {
        Flag: 0,
        ValueArray: [0x56f83f0100000001n, fromHex('01 00 00 00 01 00 00 00 55 55 55 55 D1 44 E3 40'), 'Project X'],
      },
    ]);
    const rows = child(child(child(tree, 'RopsList'), 'RopQueryRows'), 'RowData')!;
    // RopsList starts at 2; QueryRows at 2 + 6 + 7 = 15; its row at 15 + 9.
    expect(rows).toMatchObject({ offset: 24, length: 47 });
    expect(layout(rows.children![0])).toEqual([
      ['Flag', 24, 1],
      ['PidTagRuleId', 25, 8],
      ['PidTagRuleProviderData', 33, 18],
      ['PidTagRuleName', 51, 20],
    ]);
    expect(encodeRopResponseBuffer(value!, q)).toEqual(resp);
  });
  it('the same response without its request: context unavailable, reported, raw bytes kept', () => {
    const { value, tree } = decodeRopResponseBuffer(resp);
    const errs = collectErrors(tree);
    expect(errs.map((e) => e.path)).toEqual(['RopBuffer/RopsList/RopQueryRows/RowData']);
    expect(errs[0]!.message).toMatch(/^context unavailable: the request of this Execute is not known/);
    expect(encodeRopResponseBuffer(value!)).toEqual(resp);
  });
  it('a failed RopSetColumns in the same Execute does not supply columns', () => {
    const q = decodeRopRequestBuffer(req).value;
    // One row (RowCount 1): with no rows there would be nothing to read with the columns.
    const failed = ropBuffer(
      '3F 01 00 00 00 00 12 01 0F 01 04 80 15 01 00 00 00 00 02 01 00 00 41 00 00 00',
      [0x223, 0x145],
    );
    const { tree } = decodeRopResponseBuffer(failed, { execRequest: q });
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/^context unavailable: /);
  });
  it('columns from the session model when the table was set up in an earlier Execute', () => {
    const onlyQuery = ropBuffer('15 00 01 00 01 32 00', [0x223, 0x145]);
    const q = decodeRopRequestBuffer(onlyQuery).value;
    const r = ropBuffer(
      '15 01 00 00 00 00 02 01 00 00 01 00 00 00 01 3F F8 56 10 00 01 00 00 00 01 00 00 00 55 55 55 55 D1 44 E3 40 50 00 72 00 6F 00 6A 00 65 00 63 00 74 00 20 00 58 00 00 00',
      [0x223, 0x145],
    );
    const asked: number[] = [];
    const session = {
      columnsForHandle: (h: number) => {
        asked.push(h);
        return h === 0x145 ? [0x66740014, 0x66840102, 0x6682001f] : undefined;
      },
    };
    const { value, tree } = decodeRopResponseBuffer(r, { execRequest: q, session });
    expect(collectErrors(tree)).toEqual([]);
    expect(asked).toEqual([0x145]);
    expect(
      ((value!.RopsList as Record<string, unknown>[])[0]!.RowData as { ValueArray: unknown[] }[])[0]!.ValueArray[2],
    ).toBe('Project X');
  });
});

describe('T19 [MS-OXCSTOR] 4: TaggedPropertyValue inside a ROP (RopTransportSend response)', () => {
  it('PidTag 0x66760003 = 10', () => {
    const b = ropBuffer('4A 00 00 00 00 00 00 01 00 03 00 76 66 0A 00 00 00', []);
    const q = decodeRopRequestBuffer(ropBuffer('4A 00 00', [0x11])).value;
    const { value, tree } = decodeRopResponseBuffer(b, { execRequest: q });
    expect(collectErrors(tree)).toEqual([]);
    expect((value!.RopsList as Record<string, unknown>[])[0]).toEqual({
      RopId: 0x4a,
      InputHandleIndex: 0,
      ReturnValue: 0,
      NoPropertiesReturned: 0,
      PropertyValueCount: 1,
      PropertyValues: [{ PropertyTag: 0x66760003, PropertyValue: 10 }],
    });
  });
});

describe('T20 [MS-OXCROPS] 2.2.6.9.2: RopGetMessageStatus is answered with RopId 0x20', () => {
  it('pairs the 0x20 response with the 0x1F request', () => {
    const q = decodeRopRequestBuffer(ropBuffer('1F 00 00 01 00 00 00 00 00 00 05', [0x21])).value;
    expect((q!.RopsList as Record<string, unknown>[])[0]).toMatchObject({
      RopId: 0x1f,
      MessageId: { ReplicaId: 1, GlobalCounter: 5 },
    });
    const b = ropBuffer('20 00 00 00 00 00 08 00 00 00', [0x21]);
    const { value, tree } = decodeRopResponseBuffer(b, { execRequest: q });
    expect(collectErrors(tree)).toEqual([]);
    expect(child(child(tree, 'RopsList'), 'RopGetMessageStatus')).toBeDefined();
    expect((value!.RopsList as Record<string, unknown>[])[0]).toEqual({
      RopId: 0x20,
      InputHandleIndex: 0,
      ReturnValue: 0,
      MessageStatusFlags: 8,
    });
    expect(ropGetMessageStatus.responseId).toBe(0x20);
    expect(encodeRopResponseBuffer(value!, q)).toEqual(b);
  });
});
