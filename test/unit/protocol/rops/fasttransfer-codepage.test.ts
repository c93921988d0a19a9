import { describe, expect, it } from 'vitest';
import { decode, encode, fromHex } from '../../../../shared/codec/index.js';
import { fxStream } from '../../../../shared/protocol/rops/fasttransfer-stream.js';

/**
 * [MS-OXCFXICS] 2.2.4.1.1.1 code page property types, as servers send them
 * when the client sets SendOptions UseCpid: the reported stream (PidTagSubject
 * as type 0x84B0, code page 1200) between StartMessage and EndMessage, with a
 * 0x84E4 (1252) value and a plain PtypString8 value after it.
 */
const HEX =
  '03000C40' + // StartMessage
  'B0843700' +
  '06000000' +
  '680069000000' + // 0x003784B0, 6 bytes: "hi" in UTF-16LE + terminator
  'E4843D00' +
  '03000000' +
  '803100' + // 0x003D84E4, 3 bytes: "€1" in windows-1252 + terminator
  '1E001A00' +
  '02000000' +
  'E900' + // 0x001A001E (PtypString8), in the code page in use
  '03000D40'; // EndMessage

describe('FastTransfer code page property types ([MS-OXCFXICS] 2.2.4.1.1.1)', () => {
  const bytes = fromHex(HEX);

  it('decode every element: no "unknown property type", nothing left unparsed', () => {
    const d = decode(fxStream, bytes, { context: { fxStructure: false } });
    expect(d.failures).toBe(0);
    expect(d.value).toEqual([
      { Kind: 'Marker', PropertyTag: 0x400c0003 },
      { Kind: 'PropertyValue', PropertyTag: 0x003784b0, Value: 'hi' },
      { Kind: 'PropertyValue', PropertyTag: 0x003d84e4, Value: '€1' },
      { Kind: 'PropertyValue', PropertyTag: 0x001a001e, Value: 'é' },
      { Kind: 'Marker', PropertyTag: 0x400d0003 },
    ]);
    const els = d.tree.children!;
    expect(els.map((e) => [e.name, e.offset, e.length])).toEqual([
      ['Marker', 0, 4],
      ['PropertyValue', 4, 14],
      ['PropertyValue', 18, 11],
      ['PropertyValue', 29, 10],
      ['Marker', 39, 4],
    ]);
    expect(els[1]!.children!.map((c) => [c.name, c.offset, c.length, c.display])).toEqual([
      ['PropertyTag', 4, 4, 'PidTagSubject (code page string, utf-16le (1200)) (0x003784B0)'],
      ['PropertyValue', 8, 10, '"hi" · utf-16le (1200), from the property type 0x84B0'],
    ]);
    expect(els[2]!.children![1]!.display).toBe('"€1" · windows-1252 (1252), from the property type 0x84E4');
    expect(els[3]!.children![1]!.display).toBe('"é" · code page unknown, shown as ISO-8859-1');
    expect(encode(fxStream, d.value)).toEqual(bytes);
  });

  it('a PtypString8 value takes the code page in use (here from the context)', () => {
    const context = { fxStructure: false, codePage: { id: 1251, source: 'Connect DefaultCodePage' } };
    const d = decode(fxStream, bytes, { context });
    expect(d.value?.[3]).toEqual({ Kind: 'PropertyValue', PropertyTag: 0x001a001e, Value: 'й' });
    expect(d.tree.children![3]!.children![1]!.display).toBe('"й" · windows-1251 (1251), from Connect DefaultCodePage');
    expect(encode(fxStream, d.value, context)).toEqual(bytes);
  });

  it('a code-page string not valid in its code page stays bytes (lossless)', () => {
    const bad = fromHex('A4833700' + '03000000' + '80FF00'); // 0x83A4 = code page 932; 0x80 0xFF is not Shift_JIS
    const d = decode(fxStream, bad, { context: { fxStructure: false } });
    expect(d.failures).toBe(0);
    expect(d.value).toEqual([{ Kind: 'PropertyValue', PropertyTag: 0x003783a4, Value: fromHex('80FF00') }]);
    expect(encode(fxStream, d.value)).toEqual(bad);
  });
});
