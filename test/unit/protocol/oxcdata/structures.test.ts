import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  type DecodedNode,
  collectErrors,
  decode,
  encode,
  findNode,
  fromHex,
  toHex,
  unclaimedBytes,
  utf16Encode,
} from '../../../../shared/codec/index.js';
import {
  NO_COLUMNS,
  abEntryId,
  oneOffEntryId,
  PropertySet,
  errorCode,
  errorCodeName,
  errorCodeSpecName,
  folderEntryId,
  folderId,
  globalCounter,
  idToString,
  idToU64,
  longTermId,
  messageId,
  namedPropertyName,
  propertyName,
  propertyProblem,
  propertyRowSet,
  propertyValue,
  recipientRow,
  restriction,
  restrictionCodec,
  ruleAction,
  sortOrderSet,
  taggedPropertyValue,
} from '../../../../shared/protocol/oxcdata/index.js';

const w = (s: string) => toHex(utf16Encode(s)) + '0000';

function clean<T>(codec: Codec<T>, hex: string) {
  const b = fromHex(hex);
  const { value, tree } = decode(codec, b);
  expect(collectErrors(tree)).toEqual([]);
  expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
  expect(toHex(encode(codec, value as T))).toBe(toHex(b));
  return { value: value as T, tree, at: (p: string): DecodedNode => findNode(tree, p)! };
}

describe('oxcdata: identifiers ([MS-OXCDATA] 2.2.1)', () => {
  it('T8 [MS-OXCFOLD] 4.1.2: FolderId 0001-00000E915212', () => {
    const { value, tree, at } = clean(folderId, '01 00 00 00 0E 91 52 12');
    expect(value).toEqual({ ReplicaId: 1, GlobalCounter: 0x0e915212 });
    expect(tree.display).toBe('1-0x00000E915212');
    expect(at('ReplicaId')).toMatchObject({ offset: 0, length: 2 });
    expect(at('GlobalCounter')).toMatchObject({ offset: 2, length: 6, display: '0x00000E915212' });
    expect(idToU64(value)).toBe(0x1252910e00000001n);
  });

  it('T9 [MS-OXCFOLD] 4.2.1: MessageId layout is the same, counter most significant byte first', () => {
    const { value } = clean(messageId, '01 00 00 00 0E 8E DF 36');
    expect(idToString(value)).toBe('1-0x00000E8EDF36');
    expect(toHex(encode(globalCounter, 0x123456789abc))).toBe('123456789abc');
  });

  it('LongTermId: DatabaseGuid, GlobalCounter, Pad (24 bytes)', () => {
    const { value, at } = clean(longTermId, 'd5cdd5021b9c101b939708002b2cf9ae 000000000abc 0000');
    expect(value).toEqual({ DatabaseGuid: '02d5cdd5-9c1b-1b10-9397-08002b2cf9ae', GlobalCounter: 0xabc, Pad: 0 });
    expect(at('Pad')).toMatchObject({ offset: 22, length: 2 });
  });

  it('Folder EntryID (46 bytes) with FolderType eitLTPrivateFolder', () => {
    const hex =
      '00000000' +
      '1b55fa20aa6e4e08a27a0a4a5f1d4f8d' +
      '0100' +
      'd5cdd5021b9c101b939708002b2cf9ae' +
      '000000000001' +
      '0000';
    const { value, at } = clean(folderEntryId, hex);
    expect(value).toMatchObject({ Flags: 0, FolderType: 1, GlobalCounter: 1 });
    expect(at('FolderType')).toMatchObject({ offset: 20, display: 'eitLTPrivateFolder (0x0001)' });
    expect(at('GlobalCounter')).toMatchObject({ offset: 38, length: 6 });
  });
});

describe('oxcdata: address-book and one-off EntryIDs ([MS-OXCDATA] 2.2.5)', () => {
  it('Address Book EntryID: GUID, Version 1, Type, X500DN', () => {
    const { value, at } = clean(
      abEntryId,
      '00000000 dca740c8c042101ab4b908002b2fe182 01000000 00000000 2f6f3d782f636e3d6100',
    );
    expect(value).toEqual({
      Flags: 0,
      ProviderUID: 'c840a7dc-42c0-1a10-b4b9-08002b2fe182',
      Version: 1,
      Type: 0,
      X500DN: '/o=x/cn=a',
    });
    expect(at('X500DN')).toMatchObject({ offset: 28, length: 10 });
  });
  it('One-Off EntryID: Unicode bit selects UTF-16 strings', () => {
    const hex = '00000000 812b1fa4bea310199d6e00dd010f5402 0000 0180' + w('Al') + w('SMTP') + w('a@b');
    const { value, at } = clean(oneOffEntryId, hex);
    expect(value).toEqual({
      Flags: 0,
      ProviderUID: 'a41f2b81-a3be-1910-9d6e-00dd010f5402',
      Version: 0,
      OneOffFlags: 0x8001,
      DisplayName: 'Al',
      AddressType: 'SMTP',
      EmailAddress: 'a@b',
    });
    expect(at('OneOffFlags').display).toBe('0x8001 (MAPI_ONE_OFF_UNICODE | MAPI_ONE_OFF_NO_RICH_INFO)');
    expect(at('EmailAddress')).toMatchObject({ offset: 40, length: 8 });
    const ansi = clean(oneOffEntryId, '00000000 812b1fa4bea310199d6e00dd010f5402 0000 0000 416c00 534d545000 61406200');
    expect(ansi.value).toMatchObject({ DisplayName: 'Al', AddressType: 'SMTP', EmailAddress: 'a@b' });
  });
});

describe('oxcdata: EntryIDs recognised inside binary values', () => {
  it('a Folder EntryID in PidTagEntryId gets its fields; other binaries stay plain', () => {
    const fid =
      '00000000' +
      '1b55fa20aa6e4e08a27a0a4a5f1d4f8d' +
      '0100' +
      'd5cdd5021b9c101b939708002b2cf9ae' +
      '000000000001' +
      '0000';
    const { value, at } = clean(taggedPropertyValue, '0201ff0f 2e00' + fid);
    expect(value.PropertyValue).toBeInstanceOf(Uint8Array);
    expect(at('PropertyValue/Data/FolderEntryId')).toMatchObject({ offset: 6, length: 46 });
    expect(at('PropertyValue/Data/FolderEntryId/FolderType')).toMatchObject({
      offset: 26,
      display: 'eitLTPrivateFolder (0x0001)',
    });
    // 46 bytes with a type that is no folder type: plain bytes.
    const other = clean(taggedPropertyValue, '0201ff0f 2e00' + fid.replace('0100d5cd', '0200d5cd'));
    expect(other.at('PropertyValue/Data').children).toBeUndefined();
    // NSPI width: not annotated here (the NSPI layer names its own EntryIDs).
    expect(
      decode(propertyValue(0x0102, { width: 'nspi' }), fromHex('ff 2e000000' + fid)).tree.children![1]!.children![1]!
        .children,
    ).toBeUndefined();
  });
});

describe('oxcdata: restrictions ([MS-OXCDATA] 2.12), ROP widths', () => {
  it('And(Or(Content, Property), Not(Exist)) with exact offsets', () => {
    const hex =
      '00 0200' + // And, RestrictCount 2 (u16 in ROPs)
      '01 0200' + // Or, 2
      '03 0100 0100 1f003700 1f003700' +
      w('hi') + // Content: FL_SUBSTRING, FL_IGNORECASE, PidTagSubject, "hi"
      '04 04 03001700 03001700 01000000' + // Property: EQ PidTagImportance = 1
      '02 08 1f001a00'; // Not(Exist PidTagMessageClass)
    const { value, tree, at } = clean(restriction, hex);
    expect(tree.display).toBe('AndRestriction: AND of 2');
    expect(value).toEqual({
      RestrictType: 0,
      RestrictCount: 2,
      Restricts: [
        {
          RestrictType: 1,
          RestrictCount: 2,
          Restricts: [
            {
              RestrictType: 3,
              FuzzyLevelLow: 1,
              FuzzyLevelHigh: 1,
              PropertyTag: 0x0037001f,
              TaggedValue: { PropertyTag: 0x0037001f, PropertyValue: 'hi' },
            },
            {
              RestrictType: 4,
              RelOp: 4,
              PropTag: 0x00170003,
              TaggedValue: { PropertyTag: 0x00170003, PropertyValue: 1 },
            },
          ],
        },
        { RestrictType: 2, Restriction: { RestrictType: 8, PropTag: 0x001a001f } },
      ],
    });
    const or = at('Restricts/Restriction');
    expect(or).toMatchObject({ offset: 3, length: 36 });
    const content = findNode(or, 'Restricts/Restriction')!;
    expect(content).toMatchObject({
      offset: 6,
      length: 19,
      display: 'ContentRestriction: PidTagSubject (0x0037001F) FL_SUBSTRING',
    });
    expect(findNode(content, 'FuzzyLevelHigh')!.display).toBe('0x0001 (FL_IGNORECASE)');
    expect(findNode(content, 'TaggedValue/PropertyValue')).toMatchObject({ offset: 19, length: 6, value: 'hi' });
    expect(findNode(or, 'Restricts/Restriction[1]')).toMatchObject({
      offset: 25,
      length: 14,
      display: 'PropertyRestriction: PidTagImportance (0x00170003) == value',
    });
    expect(at('Restricts/Restriction[1]')).toMatchObject({ offset: 39, length: 6, display: 'NotRestriction: NOT' });
    expect(at('Restricts/Restriction[1]/Restriction')).toMatchObject({
      offset: 40,
      display: 'ExistRestriction: EXISTS PidTagMessageClass (0x001A001F)',
    });
  });

  it('CompareProperties, BitMask, Size, SubObject, Comment, Count', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        '05 02 4000060e 40003900',
        { RestrictType: 5, RelOp: 2, PropTag1: 0x0e060040, PropTag2: 0x00390040 },
        'ComparePropertiesRestriction: PidTagMessageDeliveryTime (0x0E060040) > PidTagClientSubmitTime (0x00390040)',
      ],
      [
        '06 01 0300070e 02000000',
        { RestrictType: 6, BitmapRelOp: 1, PropTag: 0x0e070003, Mask: 2 },
        'BitMaskRestriction: PidTagMessageFlags (0x0E070003) & 0x00000002 != 0',
      ],
      [
        '07 00 0201f90f 00010000',
        { RestrictType: 7, RelOp: 0, PropTag: 0x0ff90102, Size: 256 },
        'SizeRestriction: size(PidTagRecordKey (0x0FF90102)) < 256',
      ],
      [
        '09 0d00120e 08 1f000130',
        { RestrictType: 9, Subobject: 0x0e12000d, Restriction: { RestrictType: 8, PropTag: 0x3001001f } },
        'SubObjectRestriction: SUBOBJECT PidTagMessageRecipients (0x0E12000D)',
      ],
      [
        '0a 01 03007666 0a000000 01 08 1f003700',
        {
          RestrictType: 10,
          TaggedValuesCount: 1,
          TaggedValues: [{ PropertyTag: 0x66760003, PropertyValue: 10 }],
          RestrictionPresent: 1,
          Restriction: { RestrictType: 8, PropTag: 0x0037001f },
        },
        'CommentRestriction',
      ],
      [
        '0a 00 00',
        { RestrictType: 10, TaggedValuesCount: 0, TaggedValues: [], RestrictionPresent: 0 },
        'CommentRestriction',
      ],
      [
        '0b 05000000 08 1f003700',
        { RestrictType: 11, Count: 5, SubRestriction: { RestrictType: 8, PropTag: 0x0037001f } },
        'CountRestriction: first 5 matching',
      ],
    ];
    for (const [hex, expected, display] of cases) {
      const { value, tree } = clean(restriction, hex);
      expect(value).toEqual(expected);
      expect(tree.display).toBe(display);
    }
  });

  it('NSPI width: u32 RestrictCount and the presence byte before TaggedValue', () => {
    const hex = '00 01000000 04 04 1f000130 ff 1f000130 ff' + w('x');
    const { value, at } = clean(restrictionCodec('nspi'), hex);
    expect(value.RestrictCount).toBe(1);
    expect(value.Restricts[0]).toEqual({
      RestrictType: 4,
      RelOp: 4,
      PropTag: 0x3001001f,
      HasTaggedValue: 0xff,
      TaggedValue: { PropertyTag: 0x3001001f, PropertyValue: { HasValue: 0xff, Value: 'x' } },
    });
    expect(at('Restricts/Restriction/HasTaggedValue')).toMatchObject({ offset: 11, length: 1 });
  });

  it('bad input: unknown RestrictType, nesting bomb, truncation → error nodes, never a throw', () => {
    const unk = decode(restriction, fromHex('0c 00'));
    expect(collectErrors(unk.tree)[0]!.message).toMatch(/unknown RestrictType 0x0C/);
    const bomb = decode(restriction, new Uint8Array(200).fill(0x02));
    expect(collectErrors(bomb.tree).some((e) => /nesting deeper than 64/.test(e.message))).toBe(true);
    const count = decode(restriction, fromHex('00 ffff 08'));
    expect(collectErrors(count.tree)[0]!.message).toMatch(/count 65535 needs at least 65535 bytes, only 1 remain/);
    const full = fromHex('00 0200 08 1f003700 04 04 03001700 03001700 01000000');
    for (let n = 0; n < full.length; n++)
      expect(collectErrors(decode(restriction, full.subarray(0, n)).tree).length).toBeGreaterThan(0);
  });

  it('PtypRestriction as a property value', () => {
    const { value } = clean(propertyValue(0x00fd), '08 1f003700');
    expect(value).toEqual({ RestrictType: 8, PropTag: 0x0037001f });
  });
});

describe('oxcdata: sort orders ([MS-OXCDATA] 2.13)', () => {
  it('T3 [MS-OXCTABL] 4.3.1: SortOrderSet of RopSortTable', () => {
    const { value, at } = clean(sortOrderSet, '02 00 01 00 01 00 1F 30 08 80 00 40 00 06 0E 01');
    expect(value).toEqual({
      SortOrderCount: 2,
      CategorizedCount: 1,
      ExpandedCount: 1,
      SortOrders: [
        { PropertyType: 0x301f, PropertyId: 0x8008, Order: 0 },
        { PropertyType: 0x0040, PropertyId: 0x0e06, Order: 1 },
      ],
    });
    expect(at('SortOrders/SortOrder')).toMatchObject({ offset: 6, length: 5 });
    expect(at('SortOrders/SortOrder/PropertyType').display).toBe('PtypMultipleString | MultivalueInstance (0x301F)');
    expect(at('SortOrders/SortOrder[1]')).toMatchObject({
      offset: 11,
      display: 'PidTagMessageDeliveryTime (0x0E060040) descending',
    });
  });
});

describe('oxcdata: property names ([MS-OXCDATA] 2.6.1) and named-property names', () => {
  it('Kind MNID_ID: PSETID_Appointment LID 0x8205 is PidLidBusyStatus', () => {
    const { value, tree, at } = clean(propertyName, '00 02200600 0000 0000 c000000000000046 05820000');
    expect(value).toEqual({ Kind: 0, GUID: PropertySet.PSETID_Appointment, LID: 0x8205 });
    expect(tree.display).toBe('PidLidBusyStatus');
    expect(at('LID')).toMatchObject({ offset: 17, length: 4 });
  });

  it('Kind MNID_STRING: NameSize counts the terminator; PS_PUBLIC_STRINGS "Keywords" is PidNameKeywords', () => {
    const hex = '01 29030200 0000 0000 c000000000000046 12' + w('Keywords');
    const { value, tree, at } = clean(propertyName, hex);
    expect(value).toEqual({ Kind: 1, GUID: PropertySet.PS_PUBLIC_STRINGS, NameSize: 18, Name: 'Keywords' });
    expect(tree.display).toBe('PidNameKeywords');
    expect(at('Name')).toMatchObject({ offset: 18, length: 18 });
    expect(toHex(encode(propertyName, { Kind: 1, GUID: PropertySet.PS_PUBLIC_STRINGS, Name: 'Keywords' }))).toBe(
      hex.replace(/ /g, ''),
    );
  });

  it('Kind 0xFF: GUID only; unknown names fall back to set:id', () => {
    const { value, tree } = clean(propertyName, 'ff 08200600 0000 0000 c000000000000046');
    expect(value).toEqual({ Kind: 0xff, GUID: PropertySet.PSETID_Common });
    expect(tree.display).toBe('PSETID_Common: no name');
    expect(decode(propertyName, fromHex('00 08200600 0000 0000 c000000000000046 ffff0000')).tree.display).toBe(
      'PSETID_Common:0xFFFF',
    );
  });

  it('namedPropertyName over the common property sets', () => {
    expect(namedPropertyName(PropertySet.PSETID_Appointment, 0x820d)).toBe('PidLidAppointmentStartWhole');
    expect(namedPropertyName(PropertySet.PSETID_Common, 0x8580)).toBe('PidLidInternetAccountName');
    expect(namedPropertyName(PropertySet.PSETID_Address, 0x8083)).toBe('PidLidEmail1EmailAddress');
    expect(namedPropertyName(PropertySet.PSETID_Task, 0x8101)).toBe('PidLidTaskStatus');
    expect(namedPropertyName(PropertySet.PSETID_Meeting, 0x0003)).toBe('PidLidGlobalObjectId');
    expect(namedPropertyName(PropertySet.PS_INTERNET_HEADERS, 'X-Mailer')).toBe('PidNameXMailer');
    expect(namedPropertyName(PropertySet.PSETID_Meeting, 0x001a)).toBe('PidLidOwnerCriticalChange');
    expect(namedPropertyName(PropertySet.PSETID_Meeting, 0x0024)).toBe('PidLidAppointmentMessageClass');
    expect(namedPropertyName(PropertySet.PS_PUBLIC_STRINGS, 0x9000)).toBe('PidLidCategories');
    expect(namedPropertyName(PropertySet.PSETID_Sharing, 0x8a01)).toBe('PidLidSharingProviderGuid');
    expect(namedPropertyName(PropertySet.PS_PUBLIC_STRINGS, 'urn:schemas:calendar:uid')).toBe('PidNameCalendarUid');
    expect(namedPropertyName(PropertySet.PS_INTERNET_HEADERS, 'content-TYPE')).toBe('PidNameContentType');
    expect(namedPropertyName(PropertySet.PSETID_XmlExtractedEntities, 'XmlExtractedUrls')).toBe('PidNameExtractedUrls');
    expect(namedPropertyName(PropertySet.PS_PUBLIC_STRINGS, 'keywords')).toBeUndefined(); // PS_PUBLIC_STRINGS names are case-sensitive
    expect(namedPropertyName(PropertySet.PS_PUBLIC_STRINGS, 'nope')).toBeUndefined();
    expect(namedPropertyName('00000000-0000-0000-0000-000000000000', 1)).toBeUndefined();
  });
});

describe('oxcdata: RecipientRow ([MS-OXCDATA] 2.8.3)', () => {
  const cols = [0x0c150003, 0x3001001f, 0x39fe001f];
  it('SMTP recipient, Unicode strings, RecipientColumnCount 2 of 3 columns', () => {
    // RecipientFlags 0x021B: U | D | E | Type SMTP (3)
    const hex = '1b02' + w('a@b') + w('A') + '0200' + '00 01000000' + w('A');
    const { value, at } = clean(recipientRow(cols), hex);
    expect(value).toEqual({
      RecipientFlags: 0x021b,
      EmailAddress: 'a@b',
      DisplayName: 'A',
      RecipientColumnCount: 2,
      RecipientProperties: { Flag: 0, ValueArray: [1, 'A'] },
    });
    expect(at('RecipientFlags').display).toBe('0x021B: Type SMTP (3), DisplayName | EmailAddress | Unicode');
    expect(at('EmailAddress')).toMatchObject({ offset: 2, length: 8 });
    expect(at('RecipientColumnCount')).toMatchObject({ offset: 14, value: 2 });
    expect(at('RecipientProperties/PidTagRecipientType')).toMatchObject({ offset: 17, length: 4, value: 1 });
  });

  it('real Outlook 2007 RopModifyRecipients row (openchange fixture): X500DN recipient with 12 columns', () => {
    const buf = new Uint8Array(
      readFileSync(
        join(__dirname, '../../../fixtures/openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin'),
      ),
    );
    // RopSize(2) · RopRemoveAllRecipients(7) · RopModifyRecipients: header(3) ColumnCount(2) 12 tags(48) RowCount(2)
    // RowId(4) RecipientType(1) RecipientRowSize(2) = 0x0154, so the RecipientRow is bytes 71..411.
    expect(buf[9]).toBe(0x0e);
    expect(buf[69]! | (buf[70]! << 8)).toBe(340);
    const columns = Array.from({ length: 12 }, (_, i) =>
      new DataView(buf.buffer, buf.byteOffset).getUint32(14 + 4 * i, true),
    );
    expect(columns).toEqual([
      0x0ffe0003, 0x39000003, 0x39ff001f, 0x39fe001f, 0x3a710003, 0x3a00001f, 0x5fff0003, 0x5fde0003, 0x5ffd0003,
      0x5ff6001f, 0x5ff70102, 0x5fdf0003,
    ]);
    const { value, at } = clean(recipientRow(columns), toHex(buf.subarray(71, 411)));
    expect(value).toMatchObject({
      RecipientFlags: 0x0651,
      AddressPrefixUsed: 69,
      DisplayType: 0,
      X500DN: 'Jkerihuel',
      DisplayName: 'Julien Kerihuel',
      SimpleDisplayName: 'jkerihuel',
      RecipientColumnCount: 12,
    });
    expect(at('RecipientFlags').display).toBe(
      '0x0651: Type X500DN (1), SameAsDisplayName | DisplayName | SimpleDisplayName | Unicode',
    );
    const props = value.RecipientProperties as { Flag: number; ValueArray: unknown[] };
    expect(props.Flag).toBe(0);
    expect(props.ValueArray.slice(0, 4)).toEqual([6, 0, 'jkerihuel', 'jkerihuel@openchange2003.local']);
    expect(props.ValueArray[9]).toBe('Julien Kerihuel');
    expect(at('X500DN')).toMatchObject({ offset: 4, length: 10 });
    expect(at('RecipientProperties/PidTagSmtpAddress')).toMatchObject({ offset: 97, length: 62 });
    expect(at('RecipientProperties/PidTagRecipientEntryId/Count')).toMatchObject({ offset: 227, value: 107 });
    expect(at('RecipientProperties/PidTagRecipientOrder')).toMatchObject({ offset: 336, length: 4, value: 0 });
    // The entry id is an Address Book EntryID ([MS-OXCDATA] 2.2.5.2) naming the same user.
    const eid = clean(abEntryId, toHex(props.ValueArray[10] as Uint8Array));
    expect(eid.value.X500DN).toBe('/o=First Organization/ou=First Administrative Group/cn=Recipients/cn=jkerihuel');
    // … and the tree shows it inside the binary value, at the row's offsets.
    const shown = at('RecipientProperties/PidTagRecipientEntryId/Data/AddressBookEntryId');
    expect(shown).toMatchObject({ offset: 229, length: 107 });
    expect(findNode(shown, 'X500DN')).toMatchObject({ offset: 257, length: 79 });
    expect(at('RecipientProperties/PidTagRecipientEntryId/Data').display).toBe(
      'AddressBookEntryId: /o=First Organization/ou=First Administrative Group/cn=Recipients/cn=jkerihuel',
    );
  });

  it('X500DN recipient: AddressPrefixUsed, DisplayType, 8-bit DN', () => {
    const hex = '1100' + '05 00' + '2f6f3d7800' + '41 00' + '0000' + '00';
    const { value, at } = clean(recipientRow(cols), hex);
    expect(value).toMatchObject({
      RecipientFlags: 0x0011,
      AddressPrefixUsed: 5,
      DisplayType: 0,
      X500DN: '/o=x',
      DisplayName: 'A',
      RecipientColumnCount: 0,
    });
    expect(at('X500DN')).toMatchObject({ offset: 4, length: 5 });
  });

  it('without RecipientColumns: explicit context-unavailable node, no error, raw bytes kept', () => {
    const hex = '1b02' + w('a@b') + w('A') + '0200' + '00 01000000' + w('A');
    const codec = recipientRow(() => undefined);
    const { value, at } = clean(codec, hex);
    expect(value.RecipientProperties).toEqual({ contextUnavailable: NO_COLUMNS, Raw: fromHex('00 01000000' + w('A')) });
    expect(at('RecipientProperties/ContextUnavailable')).toMatchObject({ offset: 16, length: 9 });
  });
});

describe('oxcdata: other structures', () => {
  it('PropertyProblem (10 bytes)', () => {
    const { value, tree } = clean(propertyProblem, '0100 1f003700 0f010480');
    expect(value).toEqual({ Index: 1, PropertyTag: 0x0037001f, ErrorCode: 0x8004010f });
    expect(tree.display).toBe('#1 PidTagSubject (0x0037001F)');
  });

  it('PropertyRowSet: RowCount then rows', () => {
    const { value, at } = clean(propertyRowSet([0x0e070003]), '0200 00 01000000 01 0a 0f010480');
    expect(value.Rows).toEqual([
      { Flag: 0, ValueArray: [1] },
      { Flag: 1, ValueArray: [{ Flag: 0x0a, ErrorCode: 0x8004010f }] },
    ]);
    expect(at('Rows/PropertyRow[1]')).toMatchObject({ offset: 7, length: 6 });
  });

  it('PtypServerId: Ours = 1 holds FID, MID, Instance (Count 21)', () => {
    const { value, at } = clean(propertyValue(0x00fb), '1500 01 0100000000000abc 0100000000000def 07000000');
    expect(value).toEqual({
      Count: 21,
      ServerId: {
        Ours: 1,
        FolderId: { ReplicaId: 1, GlobalCounter: 0xabc },
        MessageId: { ReplicaId: 1, GlobalCounter: 0xdef },
        Instance: 7,
      },
    });
    expect(at('ServerId/Instance')).toMatchObject({ offset: 19, length: 4 });
    const client = clean(propertyValue(0x00fb), '0300 00 aabb');
    expect((client.value as { ServerId: unknown }).ServerId).toEqual({ Ours: 0, ClientData: fromHex('aabb') });
  });

  it('PtypRuleAction: OP_MARK_AS_READ, OP_TAG and OP_FORWARD blocks', () => {
    const hex =
      '0300' +
      '0900 0b 00000000 00000000' +
      '1100 09 00000000 00000000 03007666 0a000000' +
      '1600 07 00000000 00000000 0100 01 0100 1f000130' +
      w('A');
    const { value, at } = clean(ruleAction, hex);
    expect(value.NoOfActions).toBe(3);
    expect(value.ActionBlocks[0]).toMatchObject({ ActionLength: 9, ActionType: 0x0b, ActionData: {} });
    expect(value.ActionBlocks[1].ActionData).toEqual({ TaggedValue: { PropertyTag: 0x66760003, PropertyValue: 10 } });
    expect(value.ActionBlocks[2].ActionData).toEqual({
      RecipientCount: 1,
      RecipientBlocks: [
        { Reserved: 1, NoOfProperties: 1, PropertyValues: [{ PropertyTag: 0x3001001f, PropertyValue: 'A' }] },
      ],
    });
    expect(at('ActionBlocks/ActionBlock[1]/ActionType').display).toBe('OP_TAG (0x09)');
    expect(at('ActionBlocks/ActionBlock[2]')).toMatchObject({ offset: 32, length: 24 });
  });

  it('error codes by name', () => {
    expect(errorCodeName(0x000004b9)).toBe('ecNullObject');
    expect(errorCodeName(0x8004010f)).toBe('MAPI_E_NOT_FOUND');
    expect(errorCodeName(0x80070005)).toBe('MAPI_E_NO_ACCESS');
    expect(errorCodeName(0x00000478)).toBe('ecWrongServer');
    expect(errorCodeName(0x12345678)).toBe('0x12345678');
    expect(errorCodeSpecName(0x0000046a)).toBe('PublicDatabase');
    expect(errorCodeSpecName(0x00040380)).toBe('ErrorsReturned');
    expect(errorCodeName(0x00000970)).toBe('ecNotEncrypted');
    expect(decode(errorCode, fromHex('80030400')).tree.display).toBe(
      'MAPI_W_ERRORS_RETURNED / ErrorsReturned (0x00040380)',
    );
    expect(decode(errorCode, fromHex('78563412')).tree.display).toBe('0x12345678 (unknown)');
    expect(decode(errorCode, fromHex('b9040000')).tree.display).toBe('ecNullObject / NullObject (0x000004B9)');
    expect(decode(errorCode, fromHex('00000000')).tree.display).toBe('Success (0x00000000)');
  });
});
