import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import {
  ropCloneStream,
  ropCommitStream,
  ropCopyToStream,
  ropGetStreamSize,
  ropLockRegionStream,
  ropOpenStream,
  ropReadStream,
  ropSeekStream,
  ropSetStreamSize,
  ropUnlockRegionStream,
  ropWriteAndCommitStream,
  ropWriteStream,
  ropWriteStreamExtended,
  streamRops,
} from '../../../../shared/protocol/rops/stream.js';
import { layout, roundTrip } from './rop-helpers.js';

// Bytes built from the [MS-OXCROPS] 2.2.9 layouts (no capture in the fixtures has stream ROPs).

describe('stream ROPs: RopReadStream and the 0xBABE rule', () => {
  it('ByteCount other than 0xBABE: no MaximumByteCount', () => {
    const { value, tree } = roundTrip(ropReadStream.request, '2C 00 03 00 10');
    expect(value).toEqual({ RopId: 0x2c, LogonId: 0, InputHandleIndex: 3, ByteCount: 0x1000 });
    expect(layout(tree)).toEqual([
      ['RopId', 0, 1],
      ['LogonId', 1, 1],
      ['InputHandleIndex', 2, 1],
      ['ByteCount', 3, 2],
    ]);
  });

  it('ByteCount 0xBABE: MaximumByteCount (4 bytes) follows', () => {
    const { value, tree } = roundTrip(ropReadStream.request, '2C 01 02 BE BA 00 00 01 00');
    expect(value).toEqual({
      RopId: 0x2c,
      LogonId: 1,
      InputHandleIndex: 2,
      ByteCount: 0xbabe,
      MaximumByteCount: 0x10000,
    });
    expect(layout(tree).slice(3)).toEqual([
      ['ByteCount', 3, 2],
      ['MaximumByteCount', 5, 4],
    ]);
    expect(tree.children![3]!.display).toBe('0xBABE');
  });

  it('0xBABE without the 4 bytes is an error node, not an exception', () => {
    const { tree } = decode(ropReadStream.request!, fromHex('2C 00 00 BE BA 00'));
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('RopReadStreamRequest/MaximumByteCount');
  });

  it('success response: DataSize then Data', () => {
    const { value, tree } = roundTrip(ropReadStream.response, '2C 03 00000000 0500 68 65 6C 6C 6F');
    expect(value.DataSize).toBe(5);
    expect(value.Data).toEqual(new TextEncoder().encode('hello'));
    expect(layout(tree).slice(3)).toEqual([
      ['DataSize', 6, 2],
      ['Data', 8, 5],
    ]);
  });

  it('failure with the data fields (gromox style) and without them (OpenChange style)', () => {
    // With the trailing fields and nothing after: taken.
    const withData = roundTrip(ropReadStream.response, '2C 03 05000080 0200 AA BB');
    expect(withData.value).toMatchObject({ ReturnValue: 0x80000005, DataSize: 2 });
    // Six bytes only.
    const bare = roundTrip(ropReadStream.response, '2C 03 05000080');
    expect(bare.value).toEqual({ RopId: 0x2c, InputHandleIndex: 3, ReturnValue: 0x80000005 });
  });

  it('a DataSize beyond the window is an error node', () => {
    const { tree } = decode(ropReadStream.response!, fromHex('2C 00 00000000 FFFF 01 02'));
    expect(collectErrors(tree).map((e) => e.path)).toEqual(['RopReadStreamResponse/Data']);
  });
});

describe('stream ROPs: layouts and round trips', () => {
  it('RopOpenStream request and response', () => {
    const q = roundTrip(ropOpenStream.request, '2B 00 01 02 02 01 09 10 01');
    expect(q.value).toEqual({
      RopId: 0x2b,
      LogonId: 0,
      InputHandleIndex: 1,
      OutputHandleIndex: 2,
      PropertyTag: 0x10090102, // PidTagRtfCompressed
      OpenModeFlags: 1,
    });
    expect(q.tree.children![5]!.display).toBe('ReadWrite (0x01)');
    expect(layout(q.tree).slice(4)).toEqual([
      ['PropertyTag', 4, 4],
      ['OpenModeFlags', 8, 1],
    ]);
    const r = roundTrip(ropOpenStream.response, '2B 02 00000000 34 12 00 00');
    expect(r.value).toEqual({ RopId: 0x2b, OutputHandleIndex: 2, ReturnValue: 0, StreamSize: 0x1234 });
  });

  it('RopWriteStream, RopWriteAndCommitStream: 2-byte WrittenSize', () => {
    const q = roundTrip(ropWriteStream.request, '2D 00 01 0300 01 02 03');
    expect(q.value).toMatchObject({ DataSize: 3, Data: new Uint8Array([1, 2, 3]) });
    const r = roundTrip(ropWriteStream.response, '2D 01 00000000 0300');
    expect(r.value.WrittenSize).toBe(3);
    const q2 = roundTrip(ropWriteAndCommitStream.request, '90 00 01 0100 FF');
    expect(q2.value).toMatchObject({ RopId: 0x90, DataSize: 1 });
    const r2 = roundTrip(ropWriteAndCommitStream.response, '90 01 00000000 0100');
    expect(r2.value.WrittenSize).toBe(1);
    expect(r2.tree.length).toBe(8);
  });

  it('RopWriteStreamExtended: 4-byte WrittenSize', () => {
    roundTrip(ropWriteStreamExtended.request, 'A3 00 00 0200 AB CD');
    const r = roundTrip(ropWriteStreamExtended.response, 'A3 00 00000000 00 00 01 00');
    expect(r.value.WrittenSize).toBe(0x10000);
    expect(layout(r.tree).at(-1)).toEqual(['WrittenSize', 6, 4]);
  });

  it('RopCommitStream, RopGetStreamSize, RopSetStreamSize', () => {
    expect(roundTrip(ropCommitStream.request, '5D 00 04').value).toEqual({
      RopId: 0x5d,
      LogonId: 0,
      InputHandleIndex: 4,
    });
    roundTrip(ropCommitStream.response, '5D 04 00000000');
    roundTrip(ropGetStreamSize.request, '5E 00 04');
    expect(roundTrip(ropGetStreamSize.response, '5E 04 00000000 00 01 00 00').value.StreamSize).toBe(256);
    const s = roundTrip(ropSetStreamSize.request, '2F 00 04 00 00 00 00 01 00 00 00');
    expect(s.value.StreamSize).toBe(0x100000000n);
    expect(s.bytes.length).toBe(11); // [MS-OXCROPS] 2.2.9.6.1: 11-byte request (RopId, LogonId, InputHandleIndex, StreamSize u64)
    roundTrip(ropSetStreamSize.response, '2F 04 00000000');
  });

  it('RopSeekStream: signed Offset, unsigned NewPosition', () => {
    const q = roundTrip(ropSeekStream.request, '2E 00 01 02 F6 FF FF FF FF FF FF FF');
    expect(q.value).toMatchObject({ Origin: 2, Offset: -10n });
    expect(q.tree.children![3]!.display).toBe('End (0x02)');
    expect(q.bytes.length).toBe(12);
    const r = roundTrip(ropSeekStream.response, '2E 01 00000000 0A 00 00 00 00 00 00 00');
    expect(r.value.NewPosition).toBe(10n);
  });

  it('RopCopyToStream: success, null destination (0x503), other failure', () => {
    const q = roundTrip(ropCopyToStream.request, '3A 00 01 02 00 10 00 00 00 00 00 00');
    expect(q.value).toMatchObject({ SourceHandleIndex: 1, DestHandleIndex: 2, ByteCount: 0x1000n });
    const ok = roundTrip(ropCopyToStream.response, '3A 01 00000000 0010000000000000 0010000000000000');
    expect(ok.value).toMatchObject({ ReadByteCount: 0x1000n, WrittenByteCount: 0x1000n });
    const nul = roundTrip(ropCopyToStream.response, '3A 01 03050000 02000000 0000000000000000 0000000000000000');
    expect(nul.value).toMatchObject({ ReturnValue: 0x503, DestHandleIndex: 2, ReadByteCount: 0n });
    expect(layout(nul.tree).slice(3)).toEqual([
      ['DestHandleIndex', 6, 4],
      ['ReadByteCount', 10, 8],
      ['WrittenByteCount', 18, 8],
    ]);
    expect(roundTrip(ropCopyToStream.response, '3A 01 05000780').tree.length).toBe(6);
  });

  it('RopLockRegionStream / RopUnlockRegionStream: 23-byte requests', () => {
    for (const d of [ropLockRegionStream, ropUnlockRegionStream]) {
      const id = d.id.toString(16).padStart(2, '0');
      const q = roundTrip(d.request, `${id} 00 01 0001000000000000 0002000000000000 01000000`);
      expect(q.value).toMatchObject({ RegionOffset: 0x100n, RegionSize: 0x200n, LockFlags: 1 });
      expect(q.bytes.length).toBe(23);
      roundTrip(d.response, `${id} 01 00000000`);
    }
  });

  it('RopCloneStream: in-out handles, bare response', () => {
    const q = roundTrip(ropCloneStream.request, '3B 00 01 02');
    expect(q.value).toEqual({ RopId: 0x3b, LogonId: 0, InputHandleIndex: 1, OutputHandleIndex: 2 });
    expect(roundTrip(ropCloneStream.response, '3B 02 00000000').value.OutputHandleIndex).toBe(2);
  });

  it('every stream definition builds its own request from a value (derived sizes)', () => {
    expect(streamRops.map((d) => d.id).sort((a, b) => a - b)).toEqual([
      0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x3a, 0x3b, 0x5b, 0x5c, 0x5d, 0x5e, 0x90, 0xa3,
    ]);
    const built = encode(ropWriteStream.request!, { LogonId: 0, InputHandleIndex: 1, Data: new Uint8Array([9, 8]) });
    expect(built).toEqual(fromHex('2D 00 01 0200 09 08'));
  });
});
