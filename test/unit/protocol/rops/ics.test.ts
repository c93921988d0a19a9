import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import {
  icsRops,
  ropGetLocalReplicaIds,
  ropSetLocalReplicaMidsetDeleted,
  ropSynchronizationConfigure,
  ropSynchronizationGetTransferState,
  ropSynchronizationImportDeletes,
  ropSynchronizationImportHierarchyChange,
  ropSynchronizationImportMessageChange,
  ropSynchronizationImportMessageMove,
  ropSynchronizationImportReadStateChanges,
  ropSynchronizationOpenCollector,
  ropSynchronizationUploadStateStreamBegin,
  ropSynchronizationUploadStateStreamContinue,
  ropSynchronizationUploadStateStreamEnd,
} from '../../../../shared/protocol/rops/ics.js';
import { child, executeRopBuffer, hexOf, layout, roundTrip } from './rop-helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

describe('ICS download setup (real capture, syncgw exchange 44)', () => {
  const q = executeRopBuffer(fixture('syncgw/execute_req44.bin'), 'request');
  const r = executeRopBuffer(fixture('syncgw/execute_resp44.bin'), 'response');

  it('RopSynchronizationConfigure: hierarchy sync, no restriction, 8 tags', () => {
    const { value, tree } = roundTrip(ropSynchronizationConfigure.request, hexOf(q.rops.subarray(13, 61)));
    expect(value).toEqual({
      RopId: 0x70,
      LogonId: 0,
      InputHandleIndex: 1,
      OutputHandleIndex: 2,
      SynchronizationType: 2,
      SendOptions: 0x09,
      SynchronizationFlags: 0x0101,
      RestrictionDataSize: 0,
      SynchronizationExtraFlags: 0,
      PropertyTagCount: 8,
      PropertyTags: [0x36010003, 0x36020003, 0x36030003, 0x0e080003, 0x0ff40003, 0x3fe00102, 0x3fe10102, 0x0e270102],
    });
    expect(layout(tree).slice(4, 10)).toEqual([
      ['SynchronizationType', 4, 1],
      ['SendOptions', 5, 1],
      ['SynchronizationFlags', 6, 2],
      ['RestrictionDataSize', 8, 2],
      ['SynchronizationExtraFlags', 10, 4],
      ['PropertyTagCount', 14, 2],
    ]);
    expect(tree.children![4]!.display).toBe('Hierarchy (0x02)');
    expect(tree.children![5]!.display).toBe('0x09 (Unicode | ForceUnicode)');
    expect(tree.children![6]!.display).toBe('0x0101 (Unicode | NoForeignIdentifiers)');
    expect(roundTrip(ropSynchronizationConfigure.response, hexOf(r.rops.subarray(8, 14))).value).toEqual({
      RopId: 0x70,
      OutputHandleIndex: 2,
      ReturnValue: 0,
    });
  });

  it('RopSynchronizationUploadStateStreamBegin/End: MetaTagIdsetGiven and MetaTagCnsetSeen, empty', () => {
    const b1 = roundTrip(ropSynchronizationUploadStateStreamBegin.request, hexOf(q.rops.subarray(61, 72)));
    expect(b1.value).toEqual({
      RopId: 0x75,
      LogonId: 0,
      InputHandleIndex: 2,
      StateProperty: 0x40170003,
      TransferBufferSize: 0,
    });
    expect(roundTrip(ropSynchronizationUploadStateStreamEnd.request, hexOf(q.rops.subarray(72, 75))).value).toEqual({
      RopId: 0x77,
      LogonId: 0,
      InputHandleIndex: 2,
    });
    const b2 = roundTrip(ropSynchronizationUploadStateStreamBegin.request, hexOf(q.rops.subarray(75, 86)));
    expect(b2.value.StateProperty).toBe(0x67960102);
    roundTrip(ropSynchronizationUploadStateStreamBegin.response, hexOf(r.rops.subarray(14, 20)));
    roundTrip(ropSynchronizationUploadStateStreamEnd.response, hexOf(r.rops.subarray(20, 26)));
  });

  it('with a restriction: RestrictionData is decoded inside its window', () => {
    // ExistRestriction (0x08) on PidTagSubject.
    const hex = '70 00 01 02 01 01 0000 0500 08 1F003700 00000000 0000';
    const { value, tree } = roundTrip(ropSynchronizationConfigure.request, hex);
    expect(value.RestrictionData).toEqual({ RestrictType: 8, PropTag: 0x0037001f });
    expect(child(tree, 'RestrictionData')).toMatchObject({ offset: 10, length: 5 });
  });
});

describe('RopGetLocalReplicaIds (real capture, syncgw exchange 39)', () => {
  it('request IdCount, response ReplGuid and a big-endian GlobalCount', () => {
    const q = executeRopBuffer(fixture('syncgw/execute_req39.bin'), 'request');
    const r = executeRopBuffer(fixture('syncgw/execute_resp39.bin'), 'response');
    expect(roundTrip(ropGetLocalReplicaIds.request, hexOf(q.rops.subarray(3))).value).toEqual({
      RopId: 0x7f,
      LogonId: 0,
      InputHandleIndex: 1,
      IdCount: 0x10000,
    });
    const { value, tree } = roundTrip(ropGetLocalReplicaIds.response, hexOf(r.rops));
    expect(value).toEqual({
      RopId: 0x7f,
      InputHandleIndex: 1,
      ReturnValue: 0,
      ReplGuid: '00000001-18a5-6f7b-bcdc-ea1ed03c5657',
      GlobalCount: 0x1d0001,
    });
    expect(layout(tree).slice(3)).toEqual([
      ['ReplGuid', 6, 16],
      ['GlobalCount', 22, 6],
    ]);
  });
});

describe('ICS upload ROPs (built from [MS-OXCROPS] 2.2.13)', () => {
  it('RopSynchronizationOpenCollector, RopSynchronizationGetTransferState', () => {
    expect(roundTrip(ropSynchronizationOpenCollector.request, '7E 00 01 02 01').value.IsContentsCollector).toBe(1);
    roundTrip(ropSynchronizationOpenCollector.response, '7E 02 00000000');
    expect(roundTrip(ropSynchronizationGetTransferState.request, '82 00 01 02').bytes.length).toBe(4);
    roundTrip(ropSynchronizationGetTransferState.response, '82 02 00000000');
  });

  it('RopSynchronizationImportMessageChange: flags, values, MessageId 0', () => {
    const q = roundTrip(ropSynchronizationImportMessageChange.request, '72 00 01 02 40 0100 0201E065 0300 AABBCC');
    expect(q.value).toMatchObject({
      ImportFlag: 0x40,
      PropertyValues: [{ PropertyTag: 0x65e00102, PropertyValue: fromHex('AABBCC') }],
    });
    const r = roundTrip(ropSynchronizationImportMessageChange.response, '72 02 00000000 0000000000000000');
    expect(r.value.MessageId).toEqual({ ReplicaId: 0, GlobalCounter: 0 });
  });

  it('RopSynchronizationImportHierarchyChange: two value lists', () => {
    const q = roundTrip(
      ropSynchronizationImportHierarchyChange.request,
      '73 00 01 0100 1F000130 6100 0000 0100 0B00F410 00',
    );
    expect(q.value).toMatchObject({
      HierarchyValueCount: 1,
      HierarchyValues: [{ PropertyTag: 0x3001001f, PropertyValue: 'a' }],
      PropertyValueCount: 1,
      PropertyValues: [{ PropertyTag: 0x10f4000b, PropertyValue: 0 }],
    });
    roundTrip(ropSynchronizationImportHierarchyChange.response, '73 01 00000000 0000000000000000');
  });

  it('RopSynchronizationImportDeletes: a PtypMultipleBinary of source keys', () => {
    const q = roundTrip(
      ropSynchronizationImportDeletes.request,
      '74 00 01 02 0100 02110000 02000000 0100 AA 0200 BBCC',
    );
    expect(q.value).toMatchObject({ ImportDeleteFlags: 2, PropertyValues: [{ PropertyTag: 0x00001102 }] });
    expect((q.value.PropertyValues as { PropertyValue: Uint8Array[] }[])[0]!.PropertyValue).toEqual([
      fromHex('AA'),
      fromHex('BBCC'),
    ]);
    roundTrip(ropSynchronizationImportDeletes.response, '74 01 00000000');
  });

  it('RopSynchronizationImportReadStateChanges: states to the end of MessageReadStatesSize', () => {
    const { value, tree } = roundTrip(
      ropSynchronizationImportReadStateChanges.request,
      '80 00 01 0A00 0200 AABB 01 0200 CCDD 00',
    );
    expect(value.MessageReadStates).toEqual([
      { MessageIdSize: 2, MessageId: fromHex('AABB'), MarkAsRead: 1 },
      { MessageIdSize: 2, MessageId: fromHex('CCDD'), MarkAsRead: 0 },
    ]);
    expect(layout(child(tree, 'MessageReadStates'))).toEqual([
      ['MessageReadState', 5, 5],
      ['MessageReadState', 10, 5],
    ]);
    // A state that overruns the declared size is contained in the window.
    const bad = decode(ropSynchronizationImportReadStateChanges.request!, fromHex('80 00 01 0300 0500 AA'));
    expect(collectErrors(bad.tree)[0]!.path).toMatch(
      /^RopSynchronizationImportReadStateChangesRequest\/MessageReadStates/,
    );
  });

  it('RopSynchronizationImportMessageMove: five 4-byte sized fields', () => {
    const hex = '78 00 01 01000000 AA 02000000 BBBB 00000000 01000000 CC 03000000 DDDDDD';
    const { value, tree } = roundTrip(ropSynchronizationImportMessageMove.request, hex);
    expect(value).toMatchObject({
      SourceFolderIdSize: 1,
      SourceMessageIdSize: 2,
      PredecessorChangeListSize: 0,
      DestinationMessageIdSize: 1,
      ChangeNumberSize: 3,
    });
    expect(layout(tree).slice(3, 5)).toEqual([
      ['SourceFolderIdSize', 3, 4],
      ['SourceFolderId', 7, 1],
    ]);
    roundTrip(ropSynchronizationImportMessageMove.response, '78 01 00000000 0000000000000000');
  });

  it('RopSynchronizationUploadStateStreamContinue: 4-byte StreamDataSize', () => {
    const q = roundTrip(ropSynchronizationUploadStateStreamContinue.request, '76 00 02 03000000 01 02 03');
    expect(q.value).toMatchObject({ StreamDataSize: 3, StreamData: fromHex('010203') });
    roundTrip(ropSynchronizationUploadStateStreamContinue.response, '76 02 00000000');
  });

  it('RopSetLocalReplicaMidsetDeleted: DataSize covers the count and 48-byte ranges', () => {
    const ltid = (n: number) => `0820060000000000C000000000000046 00000000000${n} 0000`;
    const hex = `93 00 01 3400 01000000 ${ltid(1)} ${ltid(9)}`;
    const { value, tree } = roundTrip(ropSetLocalReplicaMidsetDeleted.request, hex);
    expect(value).toMatchObject({ DataSize: 52, LongTermIdRangeCount: 1 });
    expect(value.LongTermIdRanges).toEqual([
      {
        MinLongTermId: { DatabaseGuid: '00062008-0000-0000-c000-000000000046', GlobalCounter: 1, Pad: 0 },
        MaxLongTermId: { DatabaseGuid: '00062008-0000-0000-c000-000000000046', GlobalCounter: 9, Pad: 0 },
      },
    ]);
    expect(layout(child(tree, 'LongTermIdRanges'))).toEqual([['LongTermIdRange', 9, 48]]);
    const built = encode(ropSetLocalReplicaMidsetDeleted.request!, {
      LogonId: 0,
      InputHandleIndex: 1,
      LongTermIdRanges: value.LongTermIdRanges,
    });
    expect(hexOf(built)).toBe(hexOf(fromHex(hex)));
    roundTrip(ropSetLocalReplicaMidsetDeleted.response, '93 01 00000000');
    expect(icsRops).toHaveLength(13);
  });
});
