import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, findNode, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  PropertyType,
  NO_COLUMNS,
  encodeValue,
  flaggedPropertyValue,
  propertyRow,
  propertyTag,
  propertyTagName,
  propertyTypeName,
  propertyValue,
  taggedPropertyValue,
  taggedPropertyValueArray,
  typedPropertyValue,
} from '../../../../shared/protocol/oxcdata/index.js';
import { struct, field, u16 } from '../../../../shared/codec/index.js';

function clean(tree: Parameters<typeof collectErrors>[0], size: number) {
  expect(collectErrors(tree)).toEqual([]);
  expect(unclaimedBytes(tree, 'body', size)).toBe(0);
}

describe('oxcdata: property tags', () => {
  it('names canonical tags and shows them', () => {
    expect(propertyTagName(0x3001001f)).toBe('PidTagDisplayName');
    expect(propertyTagName(0x0037001f)).toBe('PidTagSubject');
    expect(propertyTagName(0x8001001f)).toBeUndefined();
    const spot: [number, string][] = [
      [0x0e1d001f, 'PidTagNormalizedSubject'],
      [0x674a0014, 'PidTagMid'],
      [0x3fde0003, 'PidTagInternetCodepage'],
      [0x65e00102, 'PidTagSourceKey'],
      [0x0ff90102, 'PidTagRecordKey'],
      [0x36d00102, 'PidTagIpmAppointmentEntryId'],
      [0x7c070102, 'PidTagRoamingDictionary'],
      [0x64f00102, 'PidTagMimeSkeleton'],
    ];
    for (const [tag, name] of spot) expect(propertyTagName(tag)).toBe(name);
    let named = 0;
    for (let id = 0; id < 0x8000; id++) if (propertyTagName(id << 16)) named++;
    expect(named).toBeGreaterThanOrEqual(480);
    const { value, tree } = decode(propertyTag, fromHex('1f 00 01 30'));
    expect(value).toBe(0x3001001f);
    expect(tree.display).toBe('PidTagDisplayName (0x3001001F)');
    expect(decode(propertyTag, fromHex('1f 00 05 80')).tree.display).toBe('0x8005001F (PtypString)');
    expect(propertyTypeName(PropertyType.PtypMultipleBinary)).toBe('PtypMultipleBinary');
    expect(propertyTypeName(0x301f)).toBe('PtypMultipleString | MultivalueInstance');
  });
});

describe('oxcdata: TaggedPropertyValue (spec vectors)', () => {
  it('T19 [MS-OXCSTOR] 4: PtypInteger32 0x66760003 = 10', () => {
    const b = fromHex('03 00 76 66 0A 00 00 00');
    const { value, tree } = decode(taggedPropertyValue, b);
    expect(value).toEqual({ PropertyTag: 0x66760003, PropertyValue: 10 });
    expect(tree.children![0]).toMatchObject({
      name: 'PropertyTag',
      offset: 0,
      length: 4,
      display: 'PidTagRuleSequence (0x66760003)',
    });
    expect(tree.children![1]).toMatchObject({ name: 'PropertyValue', offset: 4, length: 4, value: 10 });
    clean(tree, b.length);
    expect(encode(taggedPropertyValue, value!)).toEqual(b);
  });

  it('T16 [MS-OXCPRPT] 4: two PtypString TPVs', () => {
    const b = fromHex(
      '02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00',
    );
    const S = struct('SetProps', [
      field('PropertyValueCount', u16, { derive: (v) => v.PropertyValues.length }),
      field('PropertyValues', taggedPropertyValueArray('PropertyValueCount')),
    ]);
    const { value, tree } = decode(S, b);
    expect(value!.PropertyValues).toEqual([
      { PropertyTag: 0x003d001f, PropertyValue: '' },
      { PropertyTag: 0x0e1d001f, PropertyValue: 'Hello World' },
    ]);
    const second = findNode(tree, 'PropertyValues/TaggedPropertyValue[1]')!;
    expect(second).toMatchObject({ offset: 8, length: 28, display: 'PidTagNormalizedSubject (0x0E1D001F)' });
    expect(findNode(second, 'PropertyValue')).toMatchObject({ offset: 12, length: 24 });
    clean(tree, b.length);
    expect(encode(S, value!)).toEqual(b);
  });
});

describe('oxcdata: rows', () => {
  it('T18 [MS-OXORULE] 4.2.2: StandardPropertyRow over the SetColumns tags', () => {
    const row = fromHex(
      '00 01 00 00 00 01 3F F8 56 10 00 01 00 00 00 01 00 00 00 55 55 55 55 D1 44 E3 40 50 00 72 00 6F 00 6A 00 65 00 63 00 74 00 20 00 58 00 00 00',
    );
    const codec = propertyRow([0x66740014, 0x66840102, 0x6682001f]);
    const { value, tree } = decode(codec, row);
    expect(value).toMatchObject({ Flag: 0 });
    const va = (value as { ValueArray: unknown[] }).ValueArray;
    expect(va[0]).toBe(0x56f83f0100000001n);
    expect(va[1]).toEqual(fromHex('01 00 00 00 01 00 00 00 55 55 55 55 D1 44 E3 40'));
    expect(va[2]).toBe('Project X');
    expect(tree.children![1]).toMatchObject({ name: 'PidTagRuleId', offset: 1, length: 8 });
    expect(tree.children![2]).toMatchObject({ name: 'PidTagRuleProviderData', offset: 9, length: 18 });
    expect(findNode(tree, 'PidTagRuleProviderData/Count')).toMatchObject({ value: 16, offset: 9, length: 2 });
    expect(tree.children![3]).toMatchObject({ name: 'PidTagRuleName', offset: 27, length: 20 });
    clean(tree, row.length);
    expect(encode(codec, value!)).toEqual(row);
  });

  it('T6 [MS-OXCTABL] 4.5.3.2: FlaggedPropertyRow with a NotFound error value', () => {
    const row = fromHex('01 00 01 00 00 00 00 F1 1F 32 0A 0F 01 04 80 00 01 00 00 00 00 F1 88 BD');
    const codec = propertyRow([0x67480014, 0x0e1d001f, 0x67490014]);
    const { value, tree } = decode(codec, row);
    const va = (value as { ValueArray: unknown[] }).ValueArray;
    expect(va[0]).toEqual({ Flag: 0, PropertyValue: 0x321ff10000000001n });
    expect(va[1]).toEqual({ Flag: 0x0a, ErrorCode: 0x8004010f });
    expect(va[2]).toEqual({ Flag: 0, PropertyValue: BigInt.asIntN(64, 0xbd88f10000000001n) });
    expect(findNode(tree, 'PidTagNormalizedSubject/ErrorCode')).toMatchObject({
      offset: 11,
      length: 4,
      display: 'MAPI_E_NOT_FOUND / NotFound (0x8004010F)',
    });
    clean(tree, row.length);
    expect(encode(codec, value!)).toEqual(row);
  });

  it('a bad row Flag is an error node covering the rest of the window', () => {
    const { tree } = decode(propertyRow([0x0e070003]), fromHex('07 01000000'));
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ offset: 1 });
    expect(errs[0]!.message).toMatch(/PropertyRow Flag must be 0x00 or 0x01, found 0x07/);
    expect(tree.children![0]).toMatchObject({ name: 'Flag', offset: 0, length: 1, value: 7 });
  });

  it('without columns: explicit context-unavailable node, raw bytes kept, no error', () => {
    const row = fromHex('00 01 02 03');
    const codec = propertyRow(() => undefined);
    const { value, tree } = decode(codec, row);
    expect(collectErrors(tree)).toEqual([]);
    expect(tree.children![0]).toMatchObject({ name: 'ContextUnavailable', offset: 0, length: 4 });
    expect(tree.children![0]!.display).toContain(NO_COLUMNS);
    expect(encode(codec, value!)).toEqual(row);
  });
});

describe('oxcdata: values of every type (ROP widths)', () => {
  const cases: [number, string, unknown][] = [
    [PropertyType.PtypInteger16, 'feff', -2],
    [PropertyType.PtypInteger32, '0a000000', 10],
    [PropertyType.PtypFloating64, '000000000000f03f', 1],
    [PropertyType.PtypBoolean, '01', 1],
    [PropertyType.PtypInteger64, '0100000000000000', 1n],
    [PropertyType.PtypString8, '616200', 'ab'],
    [PropertyType.PtypString, '6100620000 00'.replace(' ', ''), 'ab'],
    [PropertyType.PtypBinary, '0200aabb', fromHex('aabb')],
    [PropertyType.PtypMultipleInteger32, '02000000 01000000 02000000', [1, 2]],
    [PropertyType.PtypMultipleString, '02000000 610000 00 6200 0000'.replace(/ /g, ''), ['a', 'b']],
    [PropertyType.PtypMultipleBinary, '01000000 0100 ff', [fromHex('ff')]],
    [PropertyType.PtypGuid, 'd5cdd5021b9c101b939708002b2cf9ae', '02d5cdd5-9c1b-1b10-9397-08002b2cf9ae'],
    [PropertyType.PtypNull, '', null],
  ];
  for (const [type, hexs, expected] of cases) {
    it(`${propertyTypeName(type)} decodes and round-trips`, () => {
      const b = fromHex(hexs);
      const { value, tree } = decode(propertyValue(type), b);
      expect(value).toEqual(expected);
      clean(tree, b.length);
      expect(encodeValue(type, value)).toEqual(b);
    });
  }
  it('typed and flagged wrappers', () => {
    const b = fromHex('1f00 6100 0000');
    expect(decode(typedPropertyValue, b).value).toEqual({ PropertyType: 0x1f, PropertyValue: 'a' });
    expect(decode(flaggedPropertyValue(0x0003), fromHex('01')).value).toEqual({ Flag: 1 });
  });
});
