import { describe, expect, it } from 'vitest';
import { decode, encode, fromHex } from '../../../../shared/codec/index.js';
import {
  codePageName,
  decodeString8,
  describeTag,
  encodeInCodePage,
  propertyTagName,
  taggedPropertyValue,
  tagNaming,
} from '../../../../shared/protocol/oxcdata/index.js';

const cp = (id: number, source = 'Connect DefaultCodePage') => ({ codePage: { id, source } });

describe('PtypString8 in its code page ([MS-OXCDATA] 2.11.1)', () => {
  // 0x660B001E with "caf\xE9 \x80" + NUL: the bytes of the reported case.
  const bytes = fromHex('1E000B66636166E9208000');

  it('under code page 1252 reads "café €", names the code page and its source, and encodes back', () => {
    const d = decode(taggedPropertyValue, bytes, { context: cp(1252) });
    expect(d.failures).toBe(0);
    expect(d.value).toEqual({ PropertyTag: 0x660b001e, PropertyValue: 'café €' });
    const v = d.tree.children![1]!;
    expect([v.name, v.offset, v.length]).toEqual(['PropertyValue', 4, 7]);
    expect(v.display).toBe('"café €" · windows-1252 (1252), from Connect DefaultCodePage');
    expect(encode(taggedPropertyValue, d.value, cp(1252))).toEqual(bytes);
  });

  it('with no code page known reads one character per byte and says so', () => {
    const d = decode(taggedPropertyValue, bytes);
    expect(d.value?.PropertyValue).toBe('café \u0080');
    expect(d.tree.children![1]!.display).toBe('"café \u0080" · code page unknown, shown as ISO-8859-1');
    expect(encode(taggedPropertyValue, d.value)).toEqual(bytes);
  });

  it('bytes not valid in the code page in use stay one character per byte, with the reason', () => {
    const d = decode(taggedPropertyValue, bytes, { context: cp(932) });
    expect(d.value?.PropertyValue).toBe('café \u0080');
    expect(d.tree.children![1]!.display).toBe(
      '"café \u0080" · shown as ISO-8859-1: the bytes are not valid shift_jis (932) (Connect DefaultCodePage)',
    );
    expect(encode(taggedPropertyValue, d.value, cp(932))).toEqual(bytes);
  });

  it('ASCII-only strings carry no code-page note', () => {
    const d = decode(taggedPropertyValue, fromHex('1E003700686900'), { context: cp(1251) });
    expect(d.value?.PropertyValue).toBe('hi');
    expect(d.tree.children![1]!.display).toBe('"hi"');
  });

  it.each([
    [1251, 'CFF0E8E2E5F2', 'Привет'],
    [1250, '9A6B6F6C61', 'škola'],
    [1253, 'E1E2E3', 'αβγ'],
    [932, '93FA967B', '日本'],
    [936, 'D6D0CEC4', '中文'],
    [949, 'C7D1B1B9', '한국'],
    [950, 'A4A4A4E5', '中文'],
    [65001, 'C3A920E282AC', 'é €'],
    [874, 'A1', 'ก'],
  ])('code page %i: %s reads %s and encodes back to the same bytes', (id, hex, text) => {
    const b = fromHex(hex);
    const d = decodeString8(b, { id, source: 't' });
    expect(d).toEqual({ text, applied: id });
    expect(encodeInCodePage(text, id)).toEqual(b);
  });

  it('names code pages by their WHATWG label', () => {
    expect(codePageName(1252)).toBe('windows-1252 (1252)');
    expect(codePageName(932)).toBe('shift_jis (932)');
    expect(codePageName(28591)).toBe('iso-8859-1 (28591)');
    expect(codePageName(4711)).toBe('code page 4711');
  });
});

describe('property names respect the property type ([MS-OXPROPS] section 2)', () => {
  it('0x6803000B (Boolean) is not PidTagVoiceMessageSenderName: id and type, candidates as a hint', () => {
    expect(propertyTagName(0x6803000b)).toBeUndefined();
    expect(describeTag(0x6803000b)).toBe(
      '0x6803000B (PtypBoolean); id 0x6803 is PidTagOfflineAddressBookMessageClass (PtypInteger32) or PidTagVoiceMessageSenderName (PtypString) elsewhere',
    );
  });

  it('0x68051003 is PidTagOfflineAddressBookTruncatedProperties, not PidTagVoiceMessageAttachmentOrder', () => {
    expect(propertyTagName(0x68051003)).toBe('PidTagOfflineAddressBookTruncatedProperties');
    expect(propertyTagName(0x6805001f)).toBe('PidTagVoiceMessageAttachmentOrder');
  });

  it('0x36DF0102 is PidTagFolderWebViewInfo', () => {
    expect(describeTag(0x36df0102)).toBe('PidTagFolderWebViewInfo (0x36DF0102)');
  });

  it('8-bit and UTF-16 forms of a string, PtypUnspecified and PtypErrorCode keep the name', () => {
    for (const t of [0x3001001f, 0x3001001e, 0x30010000, 0x3001000a])
      expect(propertyTagName(t)).toBe('PidTagDisplayName');
    expect(tagNaming(0x30010003)).toEqual({ hint: 'PidTagDisplayName (PtypString)' });
  });

  it('an id two properties of one type share names both', () => {
    expect(propertyTagName(0x68410003)).toBe('PidTagScheduleInfoResourceType / PidTagSearchFolderTemplateId');
  });
});
