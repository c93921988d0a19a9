import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
} from '../../../../shared/codec/index.js';
import { parsePreamble } from '../../../../shared/protocol/mapihttp/stream.js';
import { nspiRequestCodecs, nspiResponseCodecs } from '../../../../shared/protocol/nspi/index.js';

const FIX = join(__dirname, '../../../fixtures');
const SYNCGW_TYPES: Record<string, string> = {
  bind: 'Bind',
  unbind: 'Unbind',
  getspecialtable: 'GetSpecialTable',
  getmatches: 'GetMatches',
  queryrows: 'QueryRows',
  dntomid: 'DNToMId',
  getprops: 'GetProps',
};

/** gromox-ruler responses keep the PROCESSING/DONE preamble: cut it off (bodies without one are returned as is). */
function body(path: string): Uint8Array {
  const b = new Uint8Array(readFileSync(path));
  const p = parsePreamble(b);
  return p.bodyOffset > 0 ? b.subarray(p.bodyOffset) : b;
}

interface Fixture {
  file: string;
  type: string;
  request: boolean;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const f of readdirSync(join(FIX, 'syncgw'))) {
    const m = /^([a-z]+)_(req|resp)\d+\.bin$/.exec(f);
    if (m && SYNCGW_TYPES[m[1]!])
      out.push({ file: join(FIX, 'syncgw', f), type: SYNCGW_TYPES[m[1]!]!, request: m[2] === 'req' });
  }
  for (const f of readdirSync(join(FIX, 'gromox-ruler/cap1'))) {
    const m = /-mapi-nspi-(\w+)\.(request|response)\.bin$/.exec(f);
    if (m)
      out.push({
        file: join(FIX, 'gromox-ruler/cap1', f),
        type: m[1] === 'BIND' ? 'Bind' : m[1]!,
        request: m[2] === 'request',
      });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

function dec(name: string, request: boolean) {
  const f = fixtures().find((x) => x.file.endsWith(name) && x.request === request)!;
  const b = body(f.file);
  const codec = (request ? nspiRequestCodecs : nspiResponseCodecs)[f.type]!;
  const r = decode(codec, b);
  return { ...r, bytes: b, codec };
}

const node = (t: DecodedNode, p: string): DecodedNode => {
  const n = findNode(t, p);
  if (!n) throw new Error(`no node ${p}`);
  return n;
};

describe('nspi: every real address-book body', () => {
  const all = fixtures();
  it('finds the NSPI fixtures (7 syncgw types + gromox-ruler BIND/QueryRows)', () => {
    expect(all).toHaveLength(30); // 24 syncgw bodies + 6 gromox-ruler bodies
    expect(new Set(all.map((f) => f.type))).toEqual(
      new Set(['Bind', 'Unbind', 'GetSpecialTable', 'GetMatches', 'QueryRows', 'DNToMId', 'GetProps']),
    );
  });
  for (const f of all) {
    it(`${f.file.split('/').slice(-2).join('/')} (${f.type} ${f.request ? 'request' : 'response'}): no errors, no unparsed bytes, byte-identical round trip`, () => {
      const b = body(f.file);
      const codec = (f.request ? nspiRequestCodecs : nspiResponseCodecs)[f.type]!;
      const { value, tree } = decode(codec, b);
      expect(collectErrors(tree)).toEqual([]);
      expect(unclaimedBytes(tree, 'body', b.length)).toBe(0);
      expect(tree.length).toBe(b.length);
      expect(toHex(encode(codec, value!))).toBe(toHex(b));
    });
  }
});

describe('nspi: exact fields of each type present in the captures', () => {
  it('Bind request (syncgw 4): Flags, STAT with code page and locales, empty aux', () => {
    const { value, tree } = dec('bind_req4.bin', true);
    expect(value).toMatchObject({ Flags: 0, HasState: 0xff, AuxiliaryBufferSize: 0 });
    expect(value!.State).toEqual({
      SortType: 0,
      ContainerID: 0,
      CurrentRec: 0,
      Delta: 0,
      NumPos: 0,
      TotalRecs: 0,
      CodePage: 1252,
      TemplateLocale: 0x0407,
      SortLocale: 0x0407,
    });
    expect(node(tree, 'HasState')).toMatchObject({ offset: 4, length: 1 });
    expect(node(tree, 'State')).toMatchObject({ offset: 5, length: 36 });
    expect(node(tree, 'State/CodePage')).toMatchObject({ offset: 29, length: 4, value: 1252 });
    expect(node(tree, 'State/SortLocale')).toMatchObject({ offset: 37, length: 4 });
    expect(node(tree, 'AuxiliaryBufferSize')).toMatchObject({ offset: 41, length: 4, value: 0 });
  });

  it('Bind response (syncgw 4 and gromox-ruler 013): ServerGuid', () => {
    const a = dec('bind_resp4.bin', false);
    expect(a.value).toMatchObject({
      StatusCode: 0,
      ErrorCode: 0,
      ServerGuid: 'e451eb24-ecfd-4a9b-8f96-cf8a0ce006d8',
      AuxiliaryBufferSize: 0,
    });
    expect(node(a.tree, 'ServerGuid')).toMatchObject({ offset: 8, length: 16 });
    const b = dec('013-mapi-nspi-BIND.response.bin', false);
    expect(b.value!.ServerGuid).toBe('7ec0381c-4208-4582-9ee4-bc87033a8be2');
    expect(b.bytes.length).toBe(28);
  });

  it('Unbind request and response (syncgw 10): Reserved, ErrorCode UnbindSuccess', () => {
    expect(dec('unbind_req10.bin', true).value).toEqual({ Reserved: 0, AuxiliaryBufferSize: 0, AuxiliaryBuffer: [] });
    const r = dec('unbind_resp10.bin', false);
    expect(r.value).toMatchObject({ StatusCode: 0, ErrorCode: 1 });
    expect(node(r.tree, 'ErrorCode')).toMatchObject({ offset: 4, length: 4, display: 'UnbindSuccess (0x00000001)' });
  });

  it('GetSpecialTable request and response (syncgw 5): Unicode flag, version, hierarchy rows', () => {
    const q = dec('getspecialtable_req5.bin', true);
    expect(q.value).toMatchObject({ Flags: 4, HasState: 0xff, HasVersion: 0xff, Version: 0 });
    expect(node(q.tree, 'Flags').display).toBe('0x00000004 (NspiUnicodeStrings)');
    expect(node(q.tree, 'State/ContainerID')).toMatchObject({ value: 0x80000000, offset: 9 });
    expect(node(q.tree, 'Version')).toMatchObject({ offset: 42, length: 4 });
    const r = dec('getspecialtable_resp5.bin', false);
    expect(r.value).toMatchObject({ CodePage: 1252, HasVersion: 0xff, Version: 1, HasRows: 0xff, RowsCount: 2 });
    const row0 = r.value!.Rows[0].PropertyValues as { PropertyType: number; PropertyId: number; Value: unknown }[];
    expect(row0.map((v) => ((v.PropertyId << 16) | v.PropertyType) >>> 0)).toEqual([
      0x0fff0102, 0x36000003, 0x30050003, 0xfffd0003, 0x3001001f, 0xfffb000b,
    ]);
    // PidTagEntryId: a PermanentEntryID (IDType 0, GUID_NSPI) inside a HasValue-wrapped u32-counted binary.
    expect(row0[0]!.Value).toEqual({
      HasValue: 0xff,
      Value: fromHex('00000000 dca740c8c042101ab4b908002b2fe182 01000000 00010000 2f00'),
    });
    expect(row0[1]!.Value).toBe(9); // PidTagContainerFlags
    expect(row0[4]!.Value).toEqual({ HasValue: 0 }); // PidTagDisplayName absent in the GAL row
    expect(row0[5]!.Value).toBe(0); // PidTagAddressBookIsMaster false
    const entry = node(r.tree, 'Rows/AddressBookPropertyValueList/PropertyValues/AddressBookTaggedPropertyValue');
    expect(entry).toMatchObject({ offset: 26, length: 39, display: 'PidTagEntryId (0x0FFF0102)' });
    expect(node(entry, 'Value/Value/Count')).toMatchObject({ offset: 31, length: 4, value: 30 });
    const isMaster = node(r.tree, 'Rows/AddressBookPropertyValueList/PropertyValues/AddressBookTaggedPropertyValue[5]');
    expect(isMaster).toMatchObject({ offset: 94, length: 5, display: 'PidTagAddressBookIsMaster (0xFFFB000B)' });
  });

  it('GetMatches request (syncgw 6): ANR property restriction with NSPI presence bytes, 15 columns', () => {
    const { value, tree } = dec('getmatches_req6.bin', true);
    expect(value).toMatchObject({
      Reserved: 0,
      HasMinimalIds: 0,
      InterfaceOptionFlags: 0,
      HasFilter: 0xff,
      HasPropertyName: 0,
      RowCount: 5000,
      HasColumns: 0xff,
    });
    expect(value!.State.TotalRecs).toBe(5000);
    expect(value!.Filter).toEqual({
      RestrictType: 4,
      RelOp: 4,
      PropTag: 0x360c001f,
      HasTaggedValue: 0xff,
      TaggedValue: { PropertyTag: 0x360c001f, PropertyValue: { HasValue: 0xff, Value: '=SMTP:t1@gromm.fritz.box' } },
    });
    expect(node(tree, 'Filter')).toMatchObject({
      offset: 47,
      length: 62,
      display: 'PropertyRestriction: PidTagAnr (0x360C001F) == value',
    });
    expect(node(tree, 'Filter/PropTag')).toMatchObject({ offset: 49, length: 4 });
    expect(node(tree, 'Filter/HasTaggedValue')).toMatchObject({ offset: 53, length: 1 });
    expect(node(tree, 'Filter/TaggedValue/PropertyValue/Value')).toMatchObject({ offset: 59, length: 50 });
    expect(node(tree, 'RowCount')).toMatchObject({ offset: 110, value: 5000 });
    expect(value!.Columns.PropertyTags).toEqual([
      0x3001001e, 0x3a17001e, 0x3a08001e, 0x3a19001e, 0x3a18001e, 0x39fe001e, 0x3a16001e, 0x3a00001e, 0x3002001e,
      0x0fff0102, 0x0ffe0003, 0x39000003, 0x39050003, 0x0ff60102, 0x3003001e,
    ]);
    expect(node(tree, 'Columns/PropertyTags/PropertyTag[5]').display).toBe('PidTagSmtpAddress (0x39FE001E)');
  });

  it('GetMatches response (syncgw 6): one MId, one FlaggedPropertyRow over the 15 columns', () => {
    const { value, tree } = dec('getmatches_resp6.bin', false);
    expect(value).toMatchObject({
      HasState: 0xff,
      HasMinimalIds: 0xff,
      MinimalIdCount: 1,
      MinimalIds: [0x11],
      HasColumnsAndRows: 0xff,
      RowCount: 1,
    });
    expect(node(tree, 'MinimalIds/MinimalEntryID')).toMatchObject({ offset: 50, length: 4, value: 0x11 });
    const row = value!.RowData[0] as { Flag: number; ValueArray: unknown[] };
    expect(row.Flag).toBe(1);
    expect(row.ValueArray[0]).toEqual({ Flag: 0, PropertyValue: { HasValue: 0xff, Value: 't1' } });
    expect(row.ValueArray[1]).toEqual({ Flag: 1 }); // PidTagTitle not found
    expect(row.ValueArray[5]).toEqual({ Flag: 0, PropertyValue: { HasValue: 0xff, Value: 't1@gromm.fritz.box' } });
    expect(row.ValueArray[10]).toEqual({ Flag: 0, PropertyValue: 6 }); // PidTagObjectType MAPI_MAILUSER
    expect(row.ValueArray[12]).toEqual({ Flag: 0, PropertyValue: 0x40000000 }); // PidTagDisplayTypeEx
    const r = node(tree, 'RowData/AddressBookPropertyRow');
    expect(r).toMatchObject({ offset: 123, length: 224, display: 'FlaggedPropertyRow, 15 columns' });
    expect(node(r, 'PidTagEntryId')).toMatchObject({ offset: 181, length: 38 });
    expect(node(r, 'PidTagEntryId/PropertyValue/Value/Count')).toMatchObject({ offset: 183, value: 32 });
    // The EntryID is an EphemeralEntryID (0x87) naming MId 0x11 on the Bind's server GUID.
    const eid = (row.ValueArray[9] as { PropertyValue: { Value: Uint8Array } }).PropertyValue.Value;
    expect(toHex(eid)).toBe('87000000' + '24eb51e4fdec9b4a8f96cf8a0ce006d8' + '01000000' + '00000000' + '11000000');
  });

  it('QueryRows request (syncgw 7): explicit table without Has byte, 9 columns', () => {
    const { value, tree } = dec('queryrows_req7.bin', true);
    expect(value).toMatchObject({
      Flags: 0,
      ExplicitTableCount: 1,
      ExplicitTable: [0x11],
      RowCount: 1,
      HasColumns: 0xff,
    });
    expect(node(tree, 'ExplicitTableCount')).toMatchObject({ offset: 41, length: 4 });
    expect(node(tree, 'ExplicitTable')).toMatchObject({ offset: 45, length: 4 });
    expect(value!.Columns.PropertyTags).toEqual([
      0x3001001f, 0x3003001e, 0x39000003, 0x8006001e, 0x0e210102, 0x6613101e, 0x800f101e, 0x39050003, 0x39fe001f,
    ]);
    expect(node(tree, 'Columns/PropertyTags/PropertyTag[6]').display).toBe(
      'PidTagAddressBookProxyAddresses (0x800F101E)',
    );
  });

  it('QueryRows response (syncgw 7): multi-valued string with per-element HasValue bytes', () => {
    const { value, tree } = dec('queryrows_resp7.bin', false);
    const row = value!.RowData[0] as { Flag: number; ValueArray: unknown[] };
    expect(row.Flag).toBe(1);
    expect(row.ValueArray[0]).toEqual({ Flag: 0, PropertyValue: { HasValue: 0xff, Value: 't1' } });
    expect(row.ValueArray[4]).toEqual({ Flag: 1 });
    expect(row.ValueArray[6]).toEqual({
      Flag: 0,
      PropertyValue: { HasValue: 0xff, Value: [{ HasValue: 0xff, Value: 'SMTP:t1@gromm.fritz.box' }] },
    });
    const proxy = node(tree, 'RowData/AddressBookPropertyRow/PidTagAddressBookProxyAddresses');
    expect(proxy).toMatchObject({ offset: 384, length: 31 });
    expect(node(proxy, 'PropertyValue/Value/Count')).toMatchObject({ offset: 386, length: 4, value: 1 });
    expect(node(proxy, 'PropertyValue/Value/Value/Value')).toMatchObject({
      offset: 391,
      length: 24,
      value: 'SMTP:t1@gromm.fritz.box',
    });
    expect(node(tree, 'RowData/AddressBookPropertyRow/PidTagSmtpAddress/PropertyValue/Value')).toMatchObject({
      offset: 422,
      length: 38,
      value: 't1@gromm.fritz.box',
    });
  });

  it('QueryRows responses from gromox (ruler 014/015): a StandardPropertyRow, then zero rows', () => {
    const a = dec('014-mapi-nspi-QueryRows.response.bin', false);
    expect(a.value!.State).toMatchObject({
      CurrentRec: 2,
      NumPos: 1,
      TotalRecs: 1,
      TemplateLocale: 0x0409,
      SortLocale: 0x0809,
    });
    expect(a.value!.RowData).toEqual([
      {
        Flag: 0,
        ValueArray: [
          { HasValue: 0xff, Value: 'Alice Tester' },
          { HasValue: 0xff, Value: 'alice@lab.test' },
        ],
      },
    ]);
    expect(node(a.tree, 'RowData/AddressBookPropertyRow/PidTagDisplayName/Value')).toMatchObject({
      offset: 64,
      length: 26,
    });
    expect(node(a.tree, 'State/CurrentRec').display).toBe('MID_END_OF_TABLE');
    const b = dec('015-mapi-nspi-QueryRows.response.bin', false);
    expect(b.value).toMatchObject({ RowCount: 0, RowData: [] });
    const req = dec('014-mapi-nspi-QueryRows.request.bin', true);
    expect(req.value!.Columns.PropertyTags).toEqual([0x3001001f, 0x39fe001f]);
  });

  it('DNToMId request and response (syncgw 8): the server DN resolves to MId 0x11', () => {
    const q = dec('dntomid_req8.bin', true);
    expect(q.value!.Names).toEqual({
      Count: 1,
      Strings: [
        '/O=I638513D0/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=CONFIGURATION/CN=SERVERS/CN=74314067-726F-6D6D-2E66-726901000000@GROMM.FRITZ.BOX',
      ],
    });
    expect(node(q.tree, 'Names/Strings/String')).toMatchObject({ offset: 9, length: 148 });
    const r = dec('dntomid_resp8.bin', false);
    expect(r.value).toMatchObject({ HasMinimalIds: 0xff, MinimalIdCount: 1, MinimalIds: [0x11] });
    expect(node(r.tree, 'MinimalIds')).toMatchObject({ offset: 13, length: 4 });
  });

  it('GetProps request and response (syncgw 32): PidTagAddressBookHomeMessageDatabase as PtypString', () => {
    const q = dec('getprops_req32.bin', true);
    expect(q.value).toMatchObject({ Flags: 0, HasPropertyTags: 0xff });
    expect(q.value!.State).toMatchObject({ CurrentRec: 0x11, CodePage: 1200 });
    expect(q.value!.PropertyTags.PropertyTags).toEqual([0x8006001f]);
    const r = dec('getprops_resp32.bin', false);
    expect(r.value).toMatchObject({ CodePage: 1200, HasPropertyValues: 0xff });
    const pv = r.value!.PropertyValues.PropertyValues[0];
    expect(pv).toMatchObject({ PropertyType: 0x1f, PropertyId: 0x8006 });
    expect(pv.Value.Value).toBe(
      '/O=I638513D0/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=CONFIGURATION/CN=SERVERS/CN=74314067-726F-6D6D-2E66-726901000000@GROMM.FRITZ.BOX/cn=Microsoft Private MDB',
    );
    expect(node(r.tree, 'PropertyValues/PropertyValues/AddressBookTaggedPropertyValue')).toMatchObject({
      offset: 17,
      length: 351,
      display: 'PidTagAddressBookHomeMessageDatabase (0x8006001F)',
    });
  });
});

describe('nspi: through the transport dispatcher (decodeBody)', () => {
  it('every NSPI fixture, raw as captured (gromox preamble included), has no errors and no unparsed bytes', async () => {
    const { decodeBody } = await import('../../../../shared/protocol/decode-exchange.js');
    for (const f of fixtures()) {
      const raw = new Uint8Array(readFileSync(f.file));
      const d = decodeBody(
        f.type === 'Bind' && f.file.includes('BIND') ? 'BIND' : f.type,
        f.request ? 'request' : 'response',
        raw,
      );
      expect({ file: f.file, errors: d.errors, unparsed: d.unparsedBytes }).toEqual({
        file: f.file,
        errors: [],
        unparsed: 0,
      });
      expect(d.value).toBeDefined();
    }
  });
});

describe('nspi: EntryIDs inside PidTagEntryId binaries are shown, value unchanged', () => {
  it('GetMatches row (syncgw 6): EphemeralEntryID with MId 0x11 at offset 215', () => {
    const { tree, value } = dec('getmatches_resp6.bin', false);
    const data = node(tree, 'RowData/AddressBookPropertyRow/PidTagEntryId/PropertyValue/Value/Data');
    expect(data.display).toBe('ephemeral MId 0x00000011');
    expect(node(data, 'EphemeralEntryID')).toMatchObject({ offset: 187, length: 32 });
    expect(node(data, 'EphemeralEntryID/ProviderUID')).toMatchObject({
      offset: 191,
      value: 'e451eb24-ecfd-4a9b-8f96-cf8a0ce006d8',
    });
    expect(node(data, 'EphemeralEntryID/Mid')).toMatchObject({ offset: 215, length: 4, value: 0x11 });
    expect(value!.RowData[0].ValueArray[9].PropertyValue.Value).toBeInstanceOf(Uint8Array);
  });

  it('GetSpecialTable row (syncgw 5): PermanentEntryID of the GAL container, DN "/"', () => {
    const { tree } = dec('getspecialtable_resp5.bin', false);
    const eid = node(
      tree,
      'Rows/AddressBookPropertyValueList/PropertyValues/AddressBookTaggedPropertyValue/Value/Value/Data/PermanentEntryID',
    );
    expect(eid).toMatchObject({ offset: 35, length: 30 });
    expect(node(eid, 'DisplayTypeString')).toMatchObject({ offset: 59, display: 'DT_CONTAINER (0x00000100)' });
    expect(node(eid, 'DistinguishedName')).toMatchObject({ offset: 63, length: 2, value: '/' });
  });
});
