import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import { type FxElement, fxStream } from '../../../../shared/protocol/rops/fasttransfer-stream.js';
import {
  fastTransferRops,
  ropFastTransferDestinationConfigure,
  ropFastTransferDestinationPutBuffer,
  ropFastTransferDestinationPutBufferExtended,
  ropFastTransferSourceCopyFolder,
  ropFastTransferSourceCopyMessages,
  ropFastTransferSourceCopyProperties,
  ropFastTransferSourceCopyTo,
  ropFastTransferSourceGetBuffer,
  ropTellVersion,
} from '../../../../shared/protocol/rops/fasttransfer.js';
import { decodeRopRequestBuffer, decodeRopResponseBuffer } from '../../../../shared/protocol/rops/buffer.js';
import { child, executeRopBuffer, hexOf, layout, roundTrip } from './rop-helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

describe('RopFastTransferSourceGetBuffer (real capture, syncgw exchange 44)', () => {
  const q = executeRopBuffer(fixture('syncgw/execute_req44.bin'), 'request');
  const r = executeRopBuffer(fixture('syncgw/execute_resp44.bin'), 'response');

  it('request: BufferSize 0xBABE, so MaximumBufferSize (2 bytes) follows', () => {
    // Last ROP of the request (offset 89 of the RopsList).
    const { value, tree } = roundTrip(ropFastTransferSourceGetBuffer.request, hexOf(q.rops.subarray(89)));
    expect(value).toEqual({
      RopId: 0x4e,
      LogonId: 0,
      InputHandleIndex: 2,
      BufferSize: 0xbabe,
      MaximumBufferSize: 0x7bc0,
    });
    expect(layout(tree).slice(3)).toEqual([
      ['BufferSize', 3, 2],
      ['MaximumBufferSize', 5, 2],
    ]);
  });

  it('request without the sentinel has no MaximumBufferSize', () => {
    expect(roundTrip(ropFastTransferSourceGetBuffer.request, '4E 00 02 78 3C').value).toEqual({
      RopId: 0x4e,
      LogonId: 0,
      InputHandleIndex: 2,
      BufferSize: 0x3c78,
    });
  });

  it('response: Done, 6469-byte hierarchy sync stream lexed without errors', () => {
    const { value, tree } = roundTrip(ropFastTransferSourceGetBuffer.response, hexOf(r.rops.subarray(38)));
    expect(value).toMatchObject({
      ReturnValue: 0,
      TransferStatus: 3,
      InProgressCount: 0x1945,
      TotalStepCount: 0x1945,
      Reserved: 0,
      TransferBufferSize: 6469,
    });
    expect(tree.children![3]!.display).toBe('Done (0x0003)');
    const els = value.TransferBuffer as FxElement[];
    expect(els).toHaveLength(376);
    expect(els.filter((e) => e.Kind === 'Marker')).toHaveLength(22);
    expect(els.some((e) => e.Kind === 'Partial')).toBe(false);
    expect(els[0]).toEqual({ Kind: 'Marker', PropertyTag: 0x40120003 }); // IncrSyncChg
    expect(els[4]).toMatchObject({ Kind: 'PropertyValue', PropertyTag: 0x3001001f, Value: 'Gesendete Elemente' });
    expect(els[6]).toMatchObject({ PropertyTag: 0x30070040, Value: 0x01d90365156a2b80n });
    expect(els.slice(-5).map((e) => ('PropertyTag' in e ? [e.Kind, e.PropertyTag] : e.Kind))).toEqual([
      ['Marker', 0x403a0003], // IncrSyncStateBegin
      ['MetaProperty', 0x40170003], // MetaTagIdsetGiven: Integer32 tag, binary value
      ['MetaProperty', 0x67960102], // MetaTagCnsetSeen
      ['Marker', 0x403b0003], // IncrSyncStateEnd
      ['Marker', 0x40140003], // IncrSyncEnd
    ]);
    const given = els.at(-4) as { Value: Uint8Array };
    expect(given.Value.length).toBe(30);
    const buf = child(tree, 'TransferBuffer')!;
    expect(buf).toMatchObject({ offset: 15, length: 6469 });
    expect(buf.children![0]).toMatchObject({
      name: 'Marker',
      offset: 15,
      length: 4,
      display: 'IncrSyncChg (0x40120003)',
    });
    expect(layout(buf.children![4])).toEqual([
      ['PropertyTag', 41, 4],
      ['PropertyValue', 45, 42],
    ]);
    expect(buf.children!.at(-4)!.display).toMatch(/^MetaTagIdsetGiven: /);
  });

  it('the ICS state at the end of the stream: IDSET and CNSET decoded into replicas and GLOBSET commands', () => {
    const { tree } = roundTrip(ropFastTransferSourceGetBuffer.response, hexOf(r.rops.subarray(38)));
    const buf = child(tree, 'TransferBuffer')!;
    const given = child(buf.children!.at(-4), 'PropertyValue')!;
    expect(given.children!.map((c) => c.name)).toEqual(['Length', 'Replica']);
    const replica = given.children![1]!;
    expect(replica.display).toBe('{00000001-18a5-6f7b-bcdc-ea1ed03c5657}, 2 id range(s)');
    expect(replica.children!.map((c) => [c.name, c.length, c.display])).toEqual([
      ['ReplGuid', 16, '{00000001-18a5-6f7b-bcdc-ea1ed03c5657}'],
      ['Push', 6, 'push 5 byte(s) of the counter: 0x0000000000…'],
      ['Range', 3, '0x00000000000A – 0x000000000017'],
      ['Range', 3, '0x000000000019 – 0x00000000001D'],
      ['Pop', 1, undefined],
      ['End', 1, undefined],
    ]);
    // Offsets are in the response buffer: the IDSET starts after the 4-byte tag and the 4-byte length.
    expect(replica.offset).toBe(buf.children!.at(-4)!.offset + 8);
    const seen = child(buf.children!.at(-3), 'PropertyValue')!.children![1]!;
    expect(seen.children!.map((c) => [c.name, c.display])).toEqual([
      ['ReplGuid', '{00000001-18a5-6f7b-bcdc-ea1ed03c5657}'],
      ['Range', '0x000000000001 – 0x800000000065'],
      ['End', undefined],
    ]);
  });

  it('bytes that are not a well-formed IDSET stay raw (no guessed structure)', () => {
    const { tree } = roundTrip(fxStream, '03 00 17 40 12 00 00 00 0100000000000000000000000000000009 00');
    expect(child(tree.children![0], 'PropertyValue')!.children).toBeUndefined();
  });

  it('a buffer that ends inside a value keeps the tail as a partial element, not an error', () => {
    const full = r.rops.subarray(38 + 15, 38 + 15 + 60);
    const { value, tree } = decode(fxStream, full);
    expect(collectErrors(tree)).toEqual([]);
    const last = (value as FxElement[]).at(-1)!;
    expect(last.Kind).toBe('Partial');
    expect(tree.children!.at(-1)!.display).toMatch(/continues in the next buffer/);
    expect(encode(fxStream, value!)).toEqual(full);
  });

  it('the next buffer completes the open element when the carry is supplied; the split loses nothing', () => {
    const stream = r.rops.subarray(38 + 15);
    const whole = decode(fxStream, stream).value as FxElement[];
    // Split inside element 4 (PidTagDisplayName "Gesendete Elemente", at stream offset 26..71).
    const cut = 40;
    const a = decode(fxStream, stream.subarray(0, cut));
    const partA = a.value as FxElement[];
    expect(partA.slice(0, 4)).toEqual(whole.slice(0, 4));
    const open = partA.at(-1)!;
    expect(open.Kind).toBe('Partial');
    const carry = (open as { Bytes: Uint8Array }).Bytes;
    expect(carry.length).toBe(14);
    const b = decode(fxStream, stream.subarray(cut), { context: { fxCarry: carry } });
    expect(collectErrors(b.tree)).toEqual([]);
    const partB = b.value as FxElement[];
    expect(partB[0]).toMatchObject({ Kind: 'Continued', Carry: carry, Element: whole[4] });
    expect((partB[0] as { Bytes: Uint8Array }).Bytes.length).toBe(46 - 14);
    expect(b.tree.children![0]).toMatchObject({ name: 'Continued', offset: 0, length: 32 });
    expect(b.tree.children![0]!.display).toMatch(
      /^end of PidTagDisplayName .*: "Gesendete Elemente" \(begun in the previous buffer with 14 byte/,
    );
    expect(partB.slice(1)).toEqual(whole.slice(5));
    expect(encode(fxStream, partB)).toEqual(stream.subarray(cut));
  });

  it('the carry also comes from the session model, by the server handle of the download context', () => {
    const stream = r.rops.subarray(38 + 15);
    const carry = stream.subarray(26, 40);
    const session = {
      columnsForHandle: () => undefined,
      fastTransferCarry: (h: number) => (h === 0x77 ? carry : undefined),
    };
    // A lone GetBuffer response: the walker's handle table is not there, so no handle, so no carry.
    const lone = decode(fxStream, stream.subarray(40), { context: { session } });
    expect((lone.value as FxElement[])[0]!.Kind).not.toBe('Continued');
    // Inside an Execute: request handle index 2 holds the context handle 0x77.
    const body = stream.subarray(40, 40 + 32 + 4); // the rest of the DisplayName, then the first 4 bytes of the next element
    const resp = fromHex(`4E 02 00000000 0300 0000 0000 00 ${body.length.toString(16).padStart(2, '0')} 00`);
    const rops = new Uint8Array([...resp, ...body]);
    const req = fromHex('07 00 4E 00 02 00 10 77 00 00 00 77 00 00 00 77 00 00 00');
    const q = decodeRopRequestBuffer(req);
    expect(collectErrors(q.tree)).toEqual([]);
    const size = rops.length + 2;
    const rb = new Uint8Array([size & 0xff, size >> 8, ...rops]);
    const d = decodeRopResponseBuffer(rb, { execRequest: q.value, session });
    expect(collectErrors(d.tree)).toEqual([]);
    const els = (d.value!.RopsList as { TransferBuffer: FxElement[] }[])[0]!.TransferBuffer;
    expect(els[0]).toMatchObject({
      Kind: 'Continued',
      Element: { PropertyTag: 0x3001001f, Value: 'Gesendete Elemente' },
    });
    expect(els[1]).toMatchObject({ Kind: 'Partial' });
  });

  it('an unknown property type is an error node; the bytes are kept for re-encoding', () => {
    const b = fromHex('03 00 12 40 77 00 01 00 AA BB');
    const { value, tree } = decode(fxStream, b);
    expect(collectErrors(tree).map((e) => e.message)).toEqual([
      'unknown property type 0x0077 in the FastTransfer stream',
    ]);
    expect(encode(fxStream, value!)).toEqual(b);
  });

  it('named properties carry GUID, Kind and LID or name', () => {
    const b = fromHex(
      '03 00 00 80 0820060000000000C000000000000046 00 80850000 05000000' +
        '1F 00 01 80 2903020000000000C000000000000046 01 6100 0000 04000000 6200 0000',
    );
    const { value } = roundTrip(fxStream, hexOf(b));
    expect(value).toEqual([
      {
        Kind: 'PropertyValue',
        PropertyTag: 0x80000003,
        PropertySet: '00062008-0000-0000-c000-000000000046',
        NameKind: 0,
        Lid: 0x8580,
        Value: 5,
      },
      {
        Kind: 'PropertyValue',
        PropertyTag: 0x8001001f,
        PropertySet: '00020329-0000-0000-c000-000000000046',
        NameKind: 1,
        Name: 'a',
        Value: 'b',
      },
    ]);
  });

  it('MetaTagFXDelProp shows the property it deletes', () => {
    const { value, tree } = roundTrip(fxStream, '03 00 16 40 0D 00 13 0E');
    expect(value).toEqual([{ Kind: 'MetaProperty', PropertyTag: 0x40160003, Value: 0x0e13000d }]);
    expect(tree.children![0]!.display).toMatch(/^MetaTagFXDelProp: PidTagMessageAttachments/);
  });

  it('multi-valued values: count then items', () => {
    const { value } = roundTrip(
      fxStream,
      '03 10 00 70 02000000 01000000 02000000 1F 10 01 70 01000000 04000000 7800 0000',
    );
    expect(value).toEqual([
      { Kind: 'PropertyValue', PropertyTag: 0x70001003, Value: [1, 2] },
      { Kind: 'PropertyValue', PropertyTag: 0x7001101f, Value: ['x'] },
    ]);
  });
});

describe('FastTransfer ROP layouts (built from [MS-OXCROPS] 2.2.12)', () => {
  it('RopFastTransferDestinationConfigure', () => {
    const { value } = roundTrip(ropFastTransferDestinationConfigure.request, '53 00 00 01 04 01');
    expect(value).toEqual({
      RopId: 0x53,
      LogonId: 0,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      SourceOperation: 4,
      CopyFlags: 1,
    });
    roundTrip(ropFastTransferDestinationConfigure.response, '53 01 00000000');
  });

  it('RopFastTransferDestinationPutBuffer: stream in, 2-byte counters out', () => {
    const q = roundTrip(ropFastTransferDestinationPutBuffer.request, '54 00 01 0800 03000C40 03000D40');
    expect(q.value.TransferData).toEqual([
      { Kind: 'Marker', PropertyTag: 0x400c0003 },
      { Kind: 'Marker', PropertyTag: 0x400d0003 },
    ]);
    const r = roundTrip(ropFastTransferDestinationPutBuffer.response, '54 01 00000000 0100 0200 0300 00 0800');
    expect(r.value).toMatchObject({
      TransferStatus: 1,
      InProgressCount: 2,
      TotalStepCount: 3,
      Reserved: 0,
      BufferUsedSize: 8,
    });
    expect(r.tree.length).toBe(15);
    // gromox sends the counters after an error too; without them, the 6-byte header.
    expect(
      roundTrip(ropFastTransferDestinationPutBuffer.response, '54 01 72040000 0000 0000 0000 00 0400').value
        .BufferUsedSize,
    ).toBe(4);
    expect(roundTrip(ropFastTransferDestinationPutBuffer.response, '54 01 72040000').tree.length).toBe(6);
  });

  it('RopFastTransferDestinationPutBufferExtended: 4-byte counters', () => {
    roundTrip(ropFastTransferDestinationPutBufferExtended.request, '9D 00 01 0400 03000C40');
    const r = roundTrip(
      ropFastTransferDestinationPutBufferExtended.response,
      '9D 01 00000000 0300 01000000 02000000 00 0400',
    );
    expect(layout(r.tree).slice(3)).toEqual([
      ['TransferStatus', 6, 2],
      ['InProgressCount', 8, 4],
      ['TotalStepCount', 12, 4],
      ['Reserved', 16, 1],
      ['BufferUsedSize', 17, 2],
    ]);
  });

  it('RopFastTransferSourceGetBuffer with ecServerBusy: BackoffTime instead of the buffer', () => {
    const r = roundTrip(ropFastTransferSourceGetBuffer.response, '4E 00 80040000 0000 0000 0000 00 0000 E8030000');
    expect(r.value).toMatchObject({ ReturnValue: 0x480, TransferBufferSize: 0, BackoffTime: 1000 });
    expect(r.value.TransferBuffer).toBeUndefined();
  });

  it('RopFastTransferSourceCopyFolder / CopyMessages / CopyTo / CopyProperties', () => {
    expect(roundTrip(ropFastTransferSourceCopyFolder.request, '4C 00 00 01 10 03').value).toMatchObject({
      CopyFlags: 0x10,
      SendOptions: 3,
    });
    const m = roundTrip(ropFastTransferSourceCopyMessages.request, '4B 00 00 01 0100 0100000000000E8E 20 01');
    expect(m.value).toMatchObject({
      MessageIdCount: 1,
      MessageIds: [{ ReplicaId: 1, GlobalCounter: 0xe8e }],
      CopyFlags: 0x20,
      SendOptions: 1,
    });
    const t = roundTrip(ropFastTransferSourceCopyTo.request, '4D 00 00 01 00 00200000 01 0100 0D00130E');
    expect(t.value).toMatchObject({ Level: 0, CopyFlags: 0x2000, SendOptions: 1, PropertyTags: [0x0e13000d] });
    expect(layout(t.tree).slice(4, 7)).toEqual([
      ['Level', 4, 1],
      ['CopyFlags', 5, 4],
      ['SendOptions', 9, 1],
    ]);
    const p = roundTrip(ropFastTransferSourceCopyProperties.request, '69 00 00 01 01 01 00 0100 1F003700');
    expect(p.value).toMatchObject({ Level: 1, CopyFlags: 1, SendOptions: 0, PropertyTags: [0x0037001f] });
    for (const d of [
      ropFastTransferSourceCopyFolder,
      ropFastTransferSourceCopyMessages,
      ropFastTransferSourceCopyTo,
      ropFastTransferSourceCopyProperties,
    ])
      roundTrip(d.response, `${d.id.toString(16)} 01 00000000`);
  });

  it('RopTellVersion: three 16-bit parts', () => {
    const { value, tree } = roundTrip(ropTellVersion.request, '86 00 01 0F00 0100 E20D');
    expect(value.Version).toEqual([15, 1, 3554]);
    expect(child(tree, 'Version')!.display).toBe('15.1.3554');
    roundTrip(ropTellVersion.response, '86 01 00000000');
    expect(fastTransferRops.map((d) => d.id).sort((a, b) => a - b)).toEqual([
      0x4b, 0x4c, 0x4d, 0x4e, 0x53, 0x54, 0x69, 0x86, 0x9d,
    ]);
  });
});
