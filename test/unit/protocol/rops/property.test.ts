import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import {
  propertyRops,
  ropCopyProperties,
  ropCopyTo,
  ropDeleteProperties,
  ropDeletePropertiesNoReplicate,
  ropGetNamesFromPropertyIds,
  ropGetPropertiesAll,
  ropGetPropertiesList,
  ropGetPropertiesSpecific,
  ropGetPropertyIdsFromNames,
  ropProgress,
  ropQueryNamedProperties,
  ropSetProperties,
  ropSetPropertiesNoReplicate,
} from '../../../../shared/protocol/rops/property.js';
import { child, executeRopBuffer, hexOf, layout, roundTrip } from './rop-helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

describe('RopSetProperties', () => {
  it('T16 ([MS-OXCPRPT] 4.x): two string values, PropertyValueSize 0x24', () => {
    const hex =
      '0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00';
    const { value, tree } = roundTrip(ropSetProperties.request, hex);
    expect(value).toMatchObject({
      RopId: 0x0a,
      LogonId: 0,
      InputHandleIndex: 0,
      PropertyValueSize: 36,
      PropertyValueCount: 2,
    });
    expect(value.PropertyValues).toEqual([
      { PropertyTag: 0x003d001f, PropertyValue: '' },
      { PropertyTag: 0x0e1d001f, PropertyValue: 'Hello World' },
    ]);
    expect(layout(tree).slice(3)).toEqual([
      ['PropertyValueSize', 3, 2],
      ['PropertyValueCount', 5, 2],
      ['PropertyValues', 7, 34],
    ]);
    expect(layout(child(tree, 'PropertyValues'))).toEqual([
      ['TaggedPropertyValue', 7, 6],
      ['TaggedPropertyValue', 13, 28],
    ]);
    // Sizes and counts are derived when left out.
    const built = encode(ropSetProperties.request!, {
      LogonId: 0,
      InputHandleIndex: 0,
      PropertyValues: value.PropertyValues,
    });
    expect(hexOf(built)).toBe(hexOf(fromHex(hex)));
  });

  it('real capture (syncgw exchange 38): one binary value, empty problem list', () => {
    const q = executeRopBuffer(fixture('syncgw/execute_req38.bin'), 'request');
    const r = executeRopBuffer(fixture('syncgw/execute_resp38.bin'), 'response');
    const dq = roundTrip(ropSetProperties.request, hexOf(q.rops));
    expect(dq.value).toMatchObject({ LogonId: 0, InputHandleIndex: 0, PropertyValueSize: 28, PropertyValueCount: 1 });
    const tpv = (dq.value.PropertyValues as { PropertyTag: number; PropertyValue: Uint8Array }[])[0]!;
    expect(tpv.PropertyTag).toBe(0x7c040102);
    expect(tpv.PropertyValue.length).toBe(20);
    expect(hexOf(tpv.PropertyValue.subarray(0, 4))).toBe('1b 46 c7 32');
    const dr = roundTrip(ropSetProperties.response, hexOf(r.rops));
    expect(dr.value).toEqual({
      RopId: 0x0a,
      InputHandleIndex: 0,
      ReturnValue: 0,
      PropertyProblemCount: 0,
      PropertyProblems: [],
    });
  });

  it('real capture (gromox-ruler 026): PtypBoolean value, ecNullObject failure', () => {
    const q = executeRopBuffer(fixture('gromox-ruler/cap1/026-mapi-emsmdb-Execute.request.bin'), 'request');
    const r = executeRopBuffer(fixture('gromox-ruler/cap1/026-mapi-emsmdb-Execute.response.bin'), 'response');
    // RopCreateFolder (52 bytes) comes first; RopSetProperties is the second ROP.
    expect(q.rops[52]).toBe(0x0a);
    const dq = roundTrip(ropSetProperties.request, hexOf(q.rops.subarray(52)));
    expect(dq.value).toEqual({
      RopId: 0x0a,
      LogonId: 0x0c,
      InputHandleIndex: 1,
      PropertyValueSize: 7,
      PropertyValueCount: 1,
      PropertyValues: [{ PropertyTag: 0x10f4000b, PropertyValue: 1 }], // PidTagAttributeHidden = true
    });
    const dr = roundTrip(ropSetProperties.response, hexOf(r.rops.subarray(6)));
    expect(dr.value).toEqual({ RopId: 0x0a, InputHandleIndex: 1, ReturnValue: 0x4b9 });
    expect(dr.tree.children![2]!.display).toMatch(/0x000004B9/);
  });

  it('PropertyValueSize caps the values: a short size gives an error node inside the window', () => {
    // Size 3 (1 byte of values) cannot hold a TaggedPropertyValue; the window absorbs the failure.
    const { tree } = decode(ropSetProperties.request!, fromHex('0A 00 00 03 00 01 00 0B'));
    const errs = collectErrors(tree);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.path.startsWith('RopSetPropertiesRequest/PropertyValues'))).toBe(true);
  });

  it('RopSetPropertiesNoReplicate shares the layout; problems decode with index, tag and code', () => {
    roundTrip(ropSetPropertiesNoReplicate.request, '79 00 01 0A 00 01 00 03 00 76 66 0A 00 00 00');
    const { value, tree } = roundTrip(
      ropSetPropertiesNoReplicate.response,
      '79 01 00000000 0100 0000 03007666 05000780',
    );
    expect(value.PropertyProblems).toEqual([{ Index: 0, PropertyTag: 0x66760003, ErrorCode: 0x80070005 }]);
    expect(layout(child(tree, 'PropertyProblems'))).toEqual([['PropertyProblem', 8, 10]]);
  });
});

describe('RopGetPropertiesSpecific: the row follows the paired request', () => {
  const q = executeRopBuffer(fixture('syncgw/execute_req43.bin'), 'request');
  const r = executeRopBuffer(fixture('syncgw/execute_resp43.bin'), 'response');

  it('real capture (syncgw exchange 43): 5 tags, flagged row with values and NotFound errors', () => {
    const dq = roundTrip(ropGetPropertiesSpecific.request, hexOf(q.rops));
    expect(dq.value).toMatchObject({ PropertySizeLimit: 0, WantUnicode: 0, PropertyTagCount: 5 });
    expect(dq.value.PropertyTags).toEqual([0x661c001f, 0x661b0102, 0x341d001f, 0x341e0102, 0x341f0102]);
    const dr = roundTrip(ropGetPropertiesSpecific.response, hexOf(r.rops), { ropRequest: dq.value });
    const row = dr.value.RowData as {
      Flag: number;
      ValueArray: { Flag: number; PropertyValue?: unknown; ErrorCode?: number }[];
    };
    expect(row.Flag).toBe(1);
    expect(row.ValueArray[0]).toEqual({ Flag: 0, PropertyValue: 't1@gromm.fritz.box' });
    expect((row.ValueArray[1]!.PropertyValue as Uint8Array).length).toBe(129);
    expect(row.ValueArray.slice(2)).toEqual([
      { Flag: 0x0a, ErrorCode: 0x8004010f },
      { Flag: 0x0a, ErrorCode: 0x8004010f },
      { Flag: 0x0a, ErrorCode: 0x8004010f },
    ]);
    const rowNode = child(dr.tree, 'RowData')!;
    expect(rowNode).toMatchObject({ offset: 6, length: r.rops.length - 6 });
    expect(layout(rowNode).map(([n, o]) => [n, o])).toEqual([
      ['Flag', 6],
      ['PidTagMailboxOwnerName', 7],
      ['PidTagMailboxOwnerEntryId', 46],
      ['0x341D001F', 178],
      ['0x341E0102', 183],
      ['0x341F0102', 188],
    ]);
  });

  it('without the paired request: a "context unavailable" node holding the raw bytes', () => {
    const { value, tree } = decode(ropGetPropertiesSpecific.response!, r.rops);
    const node = child(tree, 'RowData')!;
    expect(node.error).toMatch(/^context unavailable: /);
    expect(node).toMatchObject({ offset: 6, length: r.rops.length - 6 });
    // The raw bytes are kept, so the response still re-encodes identically.
    expect(encode(ropGetPropertiesSpecific.response!, value!)).toEqual(r.rops);
  });

  it('failure response is the 6-byte header', () => {
    expect(roundTrip(ropGetPropertiesSpecific.response, '07 01 B9040000').value).toEqual({
      RopId: 7,
      InputHandleIndex: 1,
      ReturnValue: 0x4b9,
    });
  });
});

describe('named-property ROPs', () => {
  it('real capture (syncgw exchange 20): RopGetPropertyIdsFromNames with two PSETID_Common LIDs', () => {
    const q = executeRopBuffer(fixture('syncgw/execute_req20.bin'), 'request');
    const r = executeRopBuffer(fixture('syncgw/execute_resp20.bin'), 'response');
    const dq = roundTrip(ropGetPropertyIdsFromNames.request, hexOf(q.rops));
    expect(dq.value).toMatchObject({ LogonId: 0, InputHandleIndex: 0, Flags: 2, PropertyNameCount: 2 });
    expect(dq.value.PropertyNames).toEqual([
      { Kind: 0, GUID: '00062008-0000-0000-c000-000000000046', LID: 0x8580 },
      { Kind: 0, GUID: '00062008-0000-0000-c000-000000000046', LID: 0x8581 },
    ]);
    expect(layout(child(dq.tree, 'PropertyNames'))).toEqual([
      ['PropertyName', 6, 21],
      ['PropertyName', 27, 21],
    ]);
    const dr = roundTrip(ropGetPropertyIdsFromNames.response, hexOf(r.rops));
    expect(dr.value).toEqual({
      RopId: 0x56,
      InputHandleIndex: 0,
      ReturnValue: 0,
      PropertyIdCount: 2,
      PropertyIds: [0x8104, 0x8105],
    });
  });

  it('ecWarnWithErrors (0x00040380) keeps the success layout; other errors do not', () => {
    const warn = roundTrip(ropGetPropertyIdsFromNames.response, '56 00 80030400 0200 0481 0000');
    expect(warn.value).toMatchObject({ ReturnValue: 0x40380, PropertyIds: [0x8104, 0] });
    expect(roundTrip(ropGetPropertyIdsFromNames.response, '56 00 0F010480').tree.length).toBe(6);
  });

  it('RopGetNamesFromPropertyIds: ids in, a string name and a LID name out', () => {
    const q = roundTrip(ropGetNamesFromPropertyIds.request, '55 00 01 0200 0480 0580');
    expect(q.value.PropertyIds).toEqual([0x8004, 0x8005]);
    // Kind 1: GUID, NameSize 6, "ab" + terminator; Kind 0: GUID, LID 0x8580.
    const r = roundTrip(
      ropGetNamesFromPropertyIds.response,
      '55 01 00000000 0200 01 2903020000000000C000000000000046 06 610062000000 00 0820060000000000C000000000000046 80850000',
    );
    expect(r.value.PropertyNames).toEqual([
      { Kind: 1, GUID: '00020329-0000-0000-c000-000000000046', NameSize: 6, Name: 'ab' },
      { Kind: 0, GUID: '00062008-0000-0000-c000-000000000046', LID: 0x8580 },
    ]);
  });

  it('RopQueryNamedProperties: optional PropertyGuid; ids then names', () => {
    const noGuid = roundTrip(ropQueryNamedProperties.request, '5F 00 01 02 00');
    expect(noGuid.value).toEqual({ RopId: 0x5f, LogonId: 0, InputHandleIndex: 1, QueryFlags: 2, HasGuid: 0 });
    const withGuid = roundTrip(ropQueryNamedProperties.request, '5F 00 01 00 01 0820060000000000C000000000000046');
    expect(withGuid.value.PropertyGuid).toBe('00062008-0000-0000-c000-000000000046');
    const r = roundTrip(
      ropQueryNamedProperties.response,
      '5F 01 00000000 0100 0481 00 0820060000000000C000000000000046 80850000',
    );
    expect(r.value).toMatchObject({ IdCount: 1, PropertyIds: [0x8104] });
    expect(layout(r.tree).slice(3)).toEqual([
      ['IdCount', 6, 2],
      ['PropertyIds', 8, 2],
      ['PropertyNames', 10, 21],
    ]);
  });
});

describe('get, list, delete, copy, progress', () => {
  it('RopGetPropertiesAll: TaggedPropertyValues (T19 value inside)', () => {
    roundTrip(ropGetPropertiesAll.request, '08 00 00 0000 0100');
    const r = roundTrip(ropGetPropertiesAll.response, '08 00 00000000 0200 03007666 0A000000 0B00F410 01');
    expect(r.value.PropertyValues).toEqual([
      { PropertyTag: 0x66760003, PropertyValue: 10 },
      { PropertyTag: 0x10f4000b, PropertyValue: 1 },
    ]);
  });

  it('RopGetPropertiesList, RopDeleteProperties(NoReplicate)', () => {
    expect(roundTrip(ropGetPropertiesList.request, '09 00 02').bytes.length).toBe(3);
    expect(
      roundTrip(ropGetPropertiesList.response, '09 02 00000000 0200 1F003700 03000710').value.PropertyTags,
    ).toEqual([0x0037001f, 0x10070003]);
    for (const d of [ropDeleteProperties, ropDeletePropertiesNoReplicate]) {
      const id = d.id.toString(16).padStart(2, '0');
      expect(roundTrip(d.request, `${id} 00 01 0100 1F003700`).value.PropertyTags).toEqual([0x0037001f]);
      roundTrip(d.response, `${id} 01 00000000 0000`);
    }
  });

  it('RopCopyProperties: src/dst handles, null destination 0x503 with 4-byte DestHandleIndex', () => {
    const q = roundTrip(ropCopyProperties.request, '67 00 01 02 00 01 0100 1F003700');
    expect(q.value).toMatchObject({ SourceHandleIndex: 1, DestHandleIndex: 2, WantAsynchronous: 0, CopyFlags: 1 });
    roundTrip(ropCopyProperties.response, '67 01 00000000 0000');
    const nul = roundTrip(ropCopyProperties.response, '67 01 03050000 02000000');
    expect(nul.value).toEqual({ RopId: 0x67, SourceHandleIndex: 1, ReturnValue: 0x503, DestHandleIndex: 2 });
    expect(roundTrip(ropCopyProperties.response, '67 01 05000780').tree.length).toBe(6);
  });

  it('RopCopyTo: excluded tags, problems, null destination', () => {
    const q = roundTrip(ropCopyTo.request, '39 00 00 01 00 01 02 0200 1F003700 0D00130E');
    expect(q.value).toMatchObject({
      WantSubObjects: 1,
      CopyFlags: 2,
      ExcludedTagCount: 2,
      ExcludedTags: [0x0037001f, 0x0e13000d],
    });
    expect(layout(q.tree).slice(4)).toEqual([
      ['WantAsynchronous', 4, 1],
      ['WantSubObjects', 5, 1],
      ['CopyFlags', 6, 1],
      ['ExcludedTagCount', 7, 2],
      ['ExcludedTags', 9, 8],
    ]);
    roundTrip(ropCopyTo.response, '39 00 00000000 0100 0000 1F003700 05000780');
    roundTrip(ropCopyTo.response, '39 00 03050000 01000000');
  });

  it('RopProgress: request WantCancel, response LogonId and counters', () => {
    roundTrip(ropProgress.request, '50 00 03 00');
    const r = roundTrip(ropProgress.response, '50 03 00000000 00 05000000 0A000000');
    expect(r.value).toMatchObject({ LogonId: 0, CompletedTaskCount: 5, TotalTaskCount: 10 });
  });

  it('the family lists every property ROP once', () => {
    expect(propertyRops.map((d) => d.id).sort((a, b) => a - b)).toEqual([
      0x07, 0x08, 0x09, 0x0a, 0x0b, 0x39, 0x50, 0x55, 0x56, 0x5f, 0x67, 0x79, 0x7a,
    ]);
  });
});
