/**
 * The NSPI types the captures do not contain, built byte by byte from the
 * [MS-OXCMAPIHTTP] 2.2.5.x field tables, plus the failure layout and bad input.
 */
import { describe, expect, it } from 'vitest';
import {
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
import { nspiRequestCodecs, nspiResponseCodecs } from '../../../../shared/protocol/nspi/index.js';

const w = (s: string) => toHex(utf16Encode(s)) + '0000';
const a = (s: string) => Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('') + '00';
const AUX0 = '00000000';
const OK = '00000000 00000000';
const STAT = '00000000 00000000 11000000 00000000 00000000 05000000 e4040000 09040000 09040000';

function check(type: string, request: boolean, hex: string) {
  const b = fromHex(hex);
  const codec = (request ? nspiRequestCodecs : nspiResponseCodecs)[type]!;
  const { value, tree } = decode(codec, b);
  expect(collectErrors(tree)).toEqual([]);
  expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
  expect(toHex(encode(codec, value!))).toBe(toHex(b));
  return { value: value!, tree, at: (p: string): DecodedNode => findNode(tree, p)! };
}

describe('nspi: the 12 types without captures (request and response)', () => {
  it('has a codec for all 19 request types in both directions', () => {
    const names = [
      'Bind',
      'Unbind',
      'CompareMIds',
      'DNToMId',
      'GetMatches',
      'GetPropList',
      'GetProps',
      'GetSpecialTable',
      'GetTemplateInfo',
      'ModLinkAtt',
      'ModProps',
      'QueryColumns',
      'QueryRows',
      'ResolveNames',
      'ResortRestriction',
      'SeekEntries',
      'UpdateStat',
      'GetMailboxUrl',
      'GetAddressBookUrl',
    ];
    expect(Object.keys(nspiRequestCodecs).sort()).toEqual([...names].sort());
    expect(Object.keys(nspiResponseCodecs).sort()).toEqual([...names].sort());
  });

  it('CompareMIds: MinimalId1/2; Result after ErrorCode', () => {
    const q = check('CompareMIds', true, `00000000 00 11000000 12000000 ${AUX0}`);
    expect(q.value).toMatchObject({ Reserved: 0, HasState: 0, MinimalId1: 0x11, MinimalId2: 0x12 });
    expect(q.at('MinimalId2')).toMatchObject({ offset: 9, length: 4 });
    const r = check('CompareMIds', false, `${OK} ffffffff ${AUX0}`);
    expect(r.value.Result).toBe(-1);
    expect(r.at('Result')).toMatchObject({ offset: 8, length: 4 });
  });

  it('GetPropList: Flags fSkipObjects, MinimalId, CodePage; PropertyTags', () => {
    const q = check('GetPropList', true, `01000000 11000000 e4040000 ${AUX0}`);
    expect(q.value).toMatchObject({ Flags: 1, MinimalId: 0x11, CodePage: 1252 });
    expect(q.at('Flags').display).toBe('0x00000001 (fSkipObjects)');
    const r = check('GetPropList', false, `${OK} ff 02000000 1f000130 1f00fe39 ${AUX0}`);
    expect(r.value.PropertyTags.PropertyTags).toEqual([0x3001001f, 0x39fe001f]);
    expect(r.at('PropertyTags/PropertyTags/PropertyTag[1]')).toMatchObject({
      offset: 17,
      display: 'PidTagSmtpAddress (0x39FE001F)',
    });
  });

  it('GetTemplateInfo: TemplateDn after HasTemplateDn; Row as a value list', () => {
    const q = check('GetTemplateInfo', true, `01000000 00000000 ff ${a('/o=x')} e4040000 09040000 ${AUX0}`);
    expect(q.value).toMatchObject({
      Flags: 1,
      DisplayType: 0,
      HasTemplateDn: 0xff,
      TemplateDn: '/o=x',
      CodePage: 1252,
      LocaleId: 0x409,
    });
    expect(q.at('CodePage')).toMatchObject({ offset: 14 });
    const r = check('GetTemplateInfo', false, `${OK} e4040000 ff 01000000 0201 0100 ff 03000000 aabbcc ${AUX0}`);
    expect(r.value.Row.PropertyValues[0]).toEqual({
      PropertyType: 0x0102,
      PropertyId: 0x0001,
      Value: { HasValue: 0xff, Value: fromHex('aabbcc') },
    });
    expect(r.at('Row/PropertyValues/AddressBookTaggedPropertyValue').display).toBe('PidTagTemplateData (0x00010102)');
  });

  it('ModLinkAtt: EntryIds as size-prefixed Ephemeral EntryIDs; empty success response', () => {
    const guidHex = '24eb51e4fdec9b4a8f96cf8a0ce006d8';
    const q = check(
      'ModLinkAtt',
      true,
      `00000000 0d000980 11000000 ff 01000000 20000000 87000000 ${guidHex} 01000000 00000000 12000000 ${AUX0}`,
    );
    expect(q.value).toMatchObject({
      Flags: 0,
      PropertyTag: 0x8009000d,
      MinimalId: 0x11,
      HasEntryIds: 0xff,
      EntryIdCount: 1,
    });
    expect(q.at('PropertyTag').display).toBe('PidTagAddressBookMember (0x8009000D)');
    expect(q.value.EntryIds[0].EntryId).toEqual({
      IDType: 0x87,
      R1: 0,
      R2: 0,
      R3: 0,
      ProviderUID: 'e451eb24-ecfd-4a9b-8f96-cf8a0ce006d8',
      R4: 1,
      DisplayType: 0,
      Mid: 0x12,
    });
    expect(q.at('EntryIds/EntryId/EntryId/Mid')).toMatchObject({ offset: 49, length: 4 });
    const r = check('ModLinkAtt', false, `${OK} ${AUX0}`);
    expect(r.value).toEqual({ StatusCode: 0, ErrorCode: 0, AuxiliaryBufferSize: 0, AuxiliaryBuffer: [] });
  });

  it('ModLinkAtt: a PermanentEntryID with GUID_NSPI and a DN', () => {
    const eid = `00000000 dca740c8c042101ab4b908002b2fe182 01000000 00000000 ${a('/o=x/cn=a')}`;
    const size = fromHex(eid).length;
    const q = check(
      'ModLinkAtt',
      true,
      `01000000 0d001580 11000000 ff 01000000 ${size.toString(16).padStart(2, '0')}000000 ${eid} ${AUX0}`,
    );
    expect(q.value.EntryIds[0].EntryId).toMatchObject({
      IDType: 0,
      ProviderUID: 'c840a7dc-42c0-1a10-b4b9-08002b2fe182',
      DistinguishedName: '/o=x/cn=a',
    });
    expect(q.at('EntryIds/EntryId/EntryId/ProviderUID').display).toBe(
      'GUID_NSPI {c840a7dc-42c0-1a10-b4b9-08002b2fe182}',
    );
    expect(q.at('Flags').display).toBe('0x00000001 (fDelete)');
  });

  it('ModLinkAtt: bare EntryIDs (as gromox and the Microsoft test suite write them) decode too', () => {
    const guidHex = '24eb51e4fdec9b4a8f96cf8a0ce006d8';
    const perm = `00000000 dca740c8c042101ab4b908002b2fe182 01000000 00000000 ${a('/o=x/cn=a')}`;
    const q = check(
      'ModLinkAtt',
      true,
      `00000000 0d000980 11000000 ff 02000000 87000000 ${guidHex} 01000000 00000000 12000000 ${perm} ${AUX0}`,
    );
    expect(q.value.EntryIds).toEqual([
      {
        EntryId: {
          IDType: 0x87,
          R1: 0,
          R2: 0,
          R3: 0,
          ProviderUID: 'e451eb24-ecfd-4a9b-8f96-cf8a0ce006d8',
          R4: 1,
          DisplayType: 0,
          Mid: 0x12,
        },
      },
      {
        EntryId: {
          IDType: 0,
          R1: 0,
          R2: 0,
          R3: 0,
          ProviderUID: 'c840a7dc-42c0-1a10-b4b9-08002b2fe182',
          R4: 1,
          DisplayTypeString: 0,
          DistinguishedName: '/o=x/cn=a',
        },
      },
    ]);
    expect(q.at('EntryIds/EntryId[1]')).toMatchObject({ offset: 49, length: 38, display: '/o=x/cn=a' });
    // An IDType that is neither: an error node, not a guess.
    const bad = decode(
      nspiRequestCodecs.ModLinkAtt!,
      fromHex(`00000000 0d000980 11000000 ff 01000000 55000000 ${guidHex} 01000000 00000000 12000000 ${AUX0}`),
    );
    expect(collectErrors(bad.tree)[0]!.message).toMatch(
      /IDType 0x55 is neither 0x87 \(ephemeral\) nor 0x00 \(permanent\)/,
    );
  });

  it('ModProps: properties to remove and values to set', () => {
    const q = check('ModProps', true, `00000000 00 ff 01000000 1f000430 ff 01000000 1e000430 ff ${a('hi')} ${AUX0}`);
    expect(q.value.PropertiesToRemove.PropertyTags).toEqual([0x3004001f]);
    expect(q.value.PropertyValues.PropertyValues[0]).toEqual({
      PropertyType: 0x1e,
      PropertyId: 0x3004,
      Value: { HasValue: 0xff, Value: 'hi' },
    });
    expect(q.at('PropertyValues/PropertyValues/AddressBookTaggedPropertyValue/Value/Value')).toMatchObject({
      offset: 24,
      length: 3,
    });
  });

  it('QueryColumns: MapiFlags NspiUnicodeProptypes; Columns', () => {
    const q = check('QueryColumns', true, `00000000 00000080 ${AUX0}`);
    expect(q.at('MapiFlags').display).toBe('0x80000000 (NspiUnicodeProptypes)');
    const r = check('QueryColumns', false, `${OK} ff 01000000 1f000130 ${AUX0}`);
    expect(r.value.Columns.PropertyTags).toEqual([0x3001001f]);
  });

  it('ResolveNames: UTF-16 names; MIds and rows (HasRowsAndColumns)', () => {
    const q = check('ResolveNames', true, `00000000 00 ff 01000000 1f000130 ff 02000000 ${w('al')} ${w('bo')} ${AUX0}`);
    expect(q.value).toMatchObject({ HasPropertyTags: 0xff, HasNames: 0xff, NameCount: 2, NameValues: ['al', 'bo'] });
    expect(q.at('NameValues/NameValue[1]')).toMatchObject({ offset: 25, length: 6, value: 'bo' });
    const r = check(
      'ResolveNames',
      false,
      `${OK} b0040000 ff 02000000 11000000 00000000 ff 01000000 1f000130 02000000 00 ff ${w('Al')} 01 0a 0f010480 ${AUX0}`,
    );
    expect(r.value).toMatchObject({ CodePage: 1200, MinimalIds: [0x11, 0], HasRowsAndColumns: 0xff, RowCount: 2 });
    expect(r.at('MinimalIds/MinimalEntryID[1]').display).toBe('MID_UNRESOLVED (0)');
    expect(r.at('MinimalIds/MinimalEntryID').display).toBe('MId 0x00000011');
    expect(r.value.RowData).toEqual([
      { Flag: 0, ValueArray: [{ HasValue: 0xff, Value: 'Al' }] },
      { Flag: 1, ValueArray: [{ Flag: 0x0a, ErrorCode: 0x8004010f }] },
    ]);
    expect(r.at('RowData/AddressBookPropertyRow[1]/PidTagDisplayName/ErrorCode')).toMatchObject({
      offset: 48,
      length: 4,
      display: 'MAPI_E_NOT_FOUND / NotFound (0x8004010F)',
    });
  });

  it('ResortRestriction: STAT and MIds both ways', () => {
    const q = check('ResortRestriction', true, `00000000 ff ${STAT} ff 02000000 11000000 12000000 ${AUX0}`);
    expect(q.value).toMatchObject({ HasState: 0xff, MinimalIdCount: 2, MinimalIds: [0x11, 0x12] });
    expect(q.value.State).toMatchObject({ CurrentRec: 0x11, TotalRecs: 5, CodePage: 1252, TemplateLocale: 0x409 });
    expect(q.at('MinimalIds')).toMatchObject({ offset: 46, length: 8 });
    const r = check('ResortRestriction', false, `${OK} 00 ff 02000000 12000000 11000000 ${AUX0}`);
    expect(r.value).toMatchObject({ HasState: 0, MinimalIds: [0x12, 0x11] });
  });

  it('SeekEntries: Target AddressBookTaggedPropertyValue, explicit table, columns; rows absent', () => {
    const q = check(
      'SeekEntries',
      true,
      `00000000 00 ff 1f00 0130 ff ${w('A')} ff 01000000 11000000 ff 01000000 1f000130 ${AUX0}`,
    );
    expect(q.value.Target).toEqual({ PropertyType: 0x1f, PropertyId: 0x3001, Value: { HasValue: 0xff, Value: 'A' } });
    expect(q.at('Target').display).toBe('PidTagDisplayName (0x3001001F)');
    expect(q.value).toMatchObject({ HasExplicitTable: 0xff, ExplicitTableCount: 1, ExplicitTable: [0x11] });
    const r = check('SeekEntries', false, `${OK} 00 00 ${AUX0}`);
    expect(r.value).toMatchObject({ HasState: 0, HasColumnsAndRows: 0 });
    expect(r.value.Columns).toBeUndefined();
  });

  it('UpdateStat: DeltaRequested; Delta after HasDelta', () => {
    const q = check('UpdateStat', true, `00000000 ff ${STAT} 01 ${AUX0}`);
    expect(q.value.DeltaRequested).toBe(1);
    expect(q.at('DeltaRequested')).toMatchObject({ offset: 41, length: 1 });
    const r = check('UpdateStat', false, `${OK} ff ${STAT} ff fdffffff ${AUX0}`);
    expect(r.value).toMatchObject({ HasDelta: 0xff, Delta: -3 });
    expect(r.at('Delta')).toMatchObject({ offset: 46, length: 4 });
  });

  it('GetMailboxUrl / GetAddressBookUrl: UTF-16 DN in, UTF-16 URL out', () => {
    const q = check('GetMailboxUrl', true, `00000000 ${w('/o=x/cn=srv')} ${AUX0}`);
    expect(q.value.ServerDn).toBe('/o=x/cn=srv');
    const r = check('GetMailboxUrl', false, `${OK} ${w('https://h/mapi/emsmdb/?MailboxId=a')} ${AUX0}`);
    expect(r.value.ServerUrl).toBe('https://h/mapi/emsmdb/?MailboxId=a');
    const q2 = check('GetAddressBookUrl', true, `00000000 ${w('/o=x/cn=u')} ${AUX0}`);
    expect(q2.value.UserDn).toBe('/o=x/cn=u');
    const r2 = check('GetAddressBookUrl', false, `${OK} ${w('https://h/mapi/nspi/?MailboxId=a')} ${AUX0}`);
    expect(r2.at('ServerUrl')).toMatchObject({ offset: 8, length: 66 });
  });

  it('encode derives Has* bytes and counts from a built value', () => {
    const built = encode(nspiResponseCodecs.DNToMId!, {
      StatusCode: 0,
      ErrorCode: 0,
      MinimalIds: [0x11, 0x22],
      AuxiliaryBuffer: [],
    });
    expect(toHex(built)).toBe('00000000' + '00000000' + 'ff' + '02000000' + '11000000' + '22000000' + '00000000');
    const absent = encode(nspiRequestCodecs.UpdateStat!, { Reserved: 0, DeltaRequested: 0, AuxiliaryBuffer: [] });
    expect(toHex(absent)).toBe('00000000' + '00' + '00' + '00000000');
  });
});

describe('nspi: failure layout and bad input', () => {
  it('StatusCode ≠ 0: only StatusCode and the aux fields', () => {
    const r = check('QueryRows', false, `bb060000 ${AUX0}`);
    expect(r.value).toEqual({ StatusCode: 0x6bb, AuxiliaryBufferSize: 0, AuxiliaryBuffer: [] });
    expect(r.at('StatusCode').display).toBe('RPC_S_SERVER_TOO_BUSY (0x000006BB)');
    expect(r.tree.display).toBe('failure, StatusCode 0x000006BB');
  });

  it('a huge wire count becomes an error node, no allocation, no throw', () => {
    const b = fromHex(`${OK} ff ffffff7f`);
    const { tree } = decode(nspiResponseCodecs.DNToMId!, b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/exceeds the NSPI maximum of 100000/);
    const b2 = fromHex(`${OK} ff 10270000 11000000`);
    expect(collectErrors(decode(nspiResponseCodecs.DNToMId!, b2).tree)[0]!.message).toMatch(
      /count 10000 needs at least 40000 bytes, only 4 remain/,
    );
  });

  it('a bad HasValue byte in an AddressBook value is an error node at its offset', () => {
    const b = fromHex(`${OK} e4040000 ff 01000000 1f00 0130 07 4100 0000 ${AUX0}`);
    const errs = collectErrors(decode(nspiResponseCodecs.GetProps!, b).tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ offset: 21 });
    expect(errs[0]!.message).toMatch(/HasValue must be 0x00 or 0xFF, found 0x07/);
  });

  it('every truncation of a real row-bearing body decodes without throwing and reports an error', () => {
    const full = fromHex(`${OK} ff ${STAT} ff 01000000 1f000130 01000000 00 ff ${w('Alice')} ${AUX0}`);
    expect(collectErrors(decode(nspiResponseCodecs.QueryRows!, full).tree)).toEqual([]);
    for (let n = 4; n < full.length; n++) {
      const { tree } = decode(nspiResponseCodecs.QueryRows!, full.subarray(0, n));
      expect(collectErrors(tree).length).toBeGreaterThan(0);
    }
  });
});
