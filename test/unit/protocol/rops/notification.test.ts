import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import { notificationData } from '../../../../shared/protocol/rops/notification-data.js';
import { notificationRops, ropRegisterNotification } from '../../../../shared/protocol/rops/notification.js';
import { ropNotify } from '../../../../shared/protocol/rops/special.js';
import { child, hexOf, layout, roundTrip } from './rop-helpers.js';

// Bytes built from [MS-OXCNOTIF] 2.2.1.4.1.2 (no capture in the fixtures carries RopNotify).
const FID = '0100 00000000E8EA'; // 0001-00000000E8EA
const MID = '0100 0000000A0B0C';

describe('RopRegisterNotification', () => {
  it('whole store: 7 bytes, 1-byte NotificationTypes then Reserved', () => {
    const { value, tree } = roundTrip(ropRegisterNotification.request, '29 00 00 01 12 00 01');
    expect(value).toEqual({
      RopId: 0x29,
      LogonId: 0,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      NotificationTypes: 0x12,
      Reserved: 0,
      WantWholeStore: 1,
      Reading: 'as specified', // the 2-byte reading of NotificationTypes would be the same here
    });
    expect(tree.children![4]!.display).toBe('0x12 (NewMail | ObjectModified)');
    expect(layout(tree).slice(4)).toEqual([
      ['NotificationTypes', 4, 1],
      ['Reserved', 5, 1],
      ['WantWholeStore', 6, 1],
      ['Reading', 7, 0],
    ]);
  });

  it('one folder: FolderId and MessageId follow (23 bytes)', () => {
    const { value, tree } = roundTrip(ropRegisterNotification.request, `29 00 00 01 80 00 00 ${FID} 0000 000000000000`);
    expect(value).toMatchObject({ NotificationTypes: 0x80, Reserved: 0, WantWholeStore: 0 });
    expect(value.FolderId).toEqual({ ReplicaId: 1, GlobalCounter: 0xe8ea });
    expect(layout(tree).slice(7)).toEqual([
      ['FolderId', 7, 8],
      ['MessageId', 15, 8],
      ['Reading', 23, 0],
    ]);
    expect(tree.length).toBe(23);
    roundTrip(ropRegisterNotification.response, '29 01 00000000');
    expect(notificationRops).toEqual([ropRegisterNotification]);
  });
});

describe('NotificationData', () => {
  it('NewMail about a message: ids, MessageFlags, 8-bit MessageClass', () => {
    const { value, tree } = roundTrip(notificationData, `0280 ${FID} ${MID} 01000000 00 49504D2E4E6F746500`);
    expect(value).toMatchObject({
      NotificationFlags: 0x8002,
      MessageFlags: 1,
      UnicodeFlag: 0,
      MessageClass: 'IPM.Note',
    });
    expect(value.MessageId).toEqual({ ReplicaId: 1, GlobalCounter: 0x0a0b0c });
    expect(tree.children![0]!.display).toBe('0x8002 (NewMail | M)');
    expect(tree.display).toBe('NewMail');
    expect(layout(tree).map(([n, o]) => [n, o])).toEqual([
      ['NotificationFlags', 0],
      ['FolderId', 2],
      ['MessageId', 10],
      ['MessageFlags', 18],
      ['UnicodeFlag', 22],
      ['MessageClass', 23],
    ]);
  });

  it('NewMail with a UTF-16 MessageClass', () => {
    expect(roundTrip(notificationData, `0280 ${FID} ${MID} 00000000 01 49005000 4D000000`).value.MessageClass).toBe(
      'IPM',
    );
  });

  it('ObjectModified folder with T and U: TagCount 0, then both counts', () => {
    const { value } = roundTrip(notificationData, `1030 ${FID} 0000 0A000000 03000000`);
    expect(value).toMatchObject({
      NotificationFlags: 0x3010,
      TagCount: 0,
      TotalMessageCount: 10,
      UnreadMessageCount: 3,
    });
    expect(value.Tags).toBeUndefined();
    expect(value.ParentFolderId).toBeUndefined();
  });

  it('ObjectCreated folder: ParentFolderId and the created tags', () => {
    const { value, tree } = roundTrip(notificationData, `0400 ${FID} ${FID} 0200 1F000130 03000236`);
    expect(value).toMatchObject({ TagCount: 2, Tags: [0x3001001f, 0x36020003] });
    expect(layout(tree).map(([n]) => n)).toEqual([
      'NotificationFlags',
      'FolderId',
      'ParentFolderId',
      'TagCount',
      'Tags',
    ]);
  });

  it('ObjectCreated with TagCount 0xFFFF lists no tags', () => {
    expect(roundTrip(notificationData, `0400 ${FID} ${FID} FFFF`).value.Tags).toBeUndefined();
  });

  it('ObjectMoved message: old ids, no parent folder ids', () => {
    const { tree } = roundTrip(notificationData, `2080 ${FID} ${MID} ${FID} ${MID}`);
    expect(layout(tree).map(([n]) => n)).toEqual([
      'NotificationFlags',
      'FolderId',
      'MessageId',
      'OldFolderId',
      'OldMessageId',
    ]);
  });

  it('ObjectCopied folder: ParentFolderId, OldFolderId, OldParentFolderId', () => {
    const { tree } = roundTrip(notificationData, `4000 ${FID} ${FID} ${FID} ${FID}`);
    expect(layout(tree).map(([n]) => n)).toEqual([
      'NotificationFlags',
      'FolderId',
      'ParentFolderId',
      'OldFolderId',
      'OldParentFolderId',
    ]);
  });

  it('ObjectDeleted message in a search folder (S and M): ParentFolderId present', () => {
    const { tree } = roundTrip(notificationData, `08C0 ${FID} ${MID} ${FID}`);
    expect(layout(tree).map(([n]) => n)).toEqual(['NotificationFlags', 'FolderId', 'MessageId', 'ParentFolderId']);
  });

  it('SearchCompleted and Extended', () => {
    expect(layout(roundTrip(notificationData, `8000 ${FID}`).tree).map(([n]) => n)).toEqual([
      'NotificationFlags',
      'FolderId',
    ]);
    expect(roundTrip(notificationData, '0004').tree.length).toBe(2);
  });

  it('TableModified TableChanged: only the event type', () => {
    const { value, tree } = roundTrip(notificationData, '0001 0100');
    expect(value).toEqual({ NotificationFlags: 0x0100, TableEventType: 1 });
    expect(tree.display).toBe('TableModified: TableChanged');
  });

  it('TableModified TableRowDeleted about a message: row ids, no row data', () => {
    const { tree } = roundTrip(notificationData, `0081 0400 ${FID} ${MID} 00000000`);
    expect(layout(tree).map(([n]) => n)).toEqual([
      'NotificationFlags',
      'TableEventType',
      'TableRowFolderID',
      'TableRowMessageID',
      'TableRowInstance',
    ]);
  });

  const rowAdded = `0081 0300 ${FID} ${MID} 00000000 ${FID} ${MID} 00000000 0D00 00 0300000000000000 6100 0000`;

  it('TableRowAdded: the row uses the columns of the notifying table (from context)', () => {
    const cols = [0x67480014, 0x3001001f]; // PidTagFolderId, PidTagDisplayName
    const { value, tree } = roundTrip(notificationData, rowAdded, { columns: cols });
    expect(value.TableRowDataSize).toBe(13);
    expect(value.TableRowData).toEqual({ Flag: 0, ValueArray: [3n, 'a'] });
    expect(child(tree, 'TableRowData')).toMatchObject({ offset: 46, length: 13 });
  });

  it('TableRowAdded without columns: "context unavailable" node with the raw row bytes', () => {
    const b = fromHex(rowAdded);
    const { value, tree } = decode(notificationData, b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/^context unavailable: no NotificationHandle/);
    expect(child(tree, 'TableRowData')).toMatchObject({ offset: 46, length: 13 });
    expect(encode(notificationData, value!)).toEqual(b);
  });

  it('inside RopNotify: columns found by NotificationHandle in the session model', () => {
    const session = { columnsForHandle: (h: number) => (h === 0x1234 ? [0x67480014, 0x3001001f] : undefined) };
    const hex = `2A 34120000 00 ${rowAdded}`;
    const { value } = roundTrip(ropNotify.response, hex, { session });
    expect((value.NotificationData as { TableRowData: unknown }).TableRowData).toEqual({
      Flag: 0,
      ValueArray: [3n, 'a'],
    });
    // Another handle: the session does not know it, so the row stays raw.
    const other = decode(ropNotify.response!, fromHex(`2A 35120000 00 ${rowAdded}`), { context: { session } });
    expect(collectErrors(other.tree)[0]!.message).toBe(
      'context unavailable: columns of the table with handle 0x00001235 are not known (no RopSetColumns seen for it)',
    );
    expect(hexOf(encode(ropNotify.response!, other.value!))).toBe(hexOf(fromHex(`2A 35120000 00 ${rowAdded}`)));
  });

  it('a TableRowDataSize beyond the bytes is an error node, not an exception', () => {
    const { tree } = decode(
      notificationData,
      fromHex(`0081 0300 ${FID} ${MID} 00000000 ${FID} ${MID} 00000000 FF00 00`),
      {
        context: { columns: [0x67480014] },
      },
    );
    expect(collectErrors(tree).map((e) => e.path)).toEqual(['NotificationData/TableRowData']);
  });
});
