import { describe, expect, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import { ropOpenFolder } from '../../../../shared/protocol/rops/folder.js';

describe('defineRop: RopOpenFolder (worked example)', () => {
  it('request: header with output index, FolderId, OpenModeFlags', () => {
    const b = fromHex('02 00 00 01 01 00 00 00 0E 8E DF 36 00');
    const { value, tree } = decode(ropOpenFolder.request!, b);
    expect(value).toEqual({
      RopId: 2,
      LogonId: 0,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
      OpenModeFlags: 0,
    });
    expect(tree.children!.map((c) => [c.name, c.offset, c.length])).toEqual([
      ['RopId', 0, 1],
      ['LogonId', 1, 1],
      ['InputHandleIndex', 2, 1],
      ['OutputHandleIndex', 3, 1],
      ['FolderId', 4, 8],
      ['OpenModeFlags', 12, 1],
    ]);
    expect(tree.children![0]!.display).toBe('RopOpenFolder (0x02)');
    expect(tree.children![4]!.display).toBe('1-0x00000E8EDF36');
    expect(encode(ropOpenFolder.request!, value!)).toEqual(b);
  });

  it('success response with a ghosted server list', () => {
    const b = fromHex('02 01 00000000 00 01 0200 0100 6100 626300');
    const { value, tree } = decode(ropOpenFolder.response!, b);
    expect(value).toEqual({
      RopId: 2,
      OutputHandleIndex: 1,
      ReturnValue: 0,
      HasRules: 0,
      IsGhosted: 1,
      ServerCount: 2,
      CheapServerCount: 1,
      Servers: ['a', 'bc'],
    });
    expect(collectErrors(tree)).toEqual([]);
    expect(encode(ropOpenFolder.response!, value!)).toEqual(b);
  });

  it('failure response stops after ReturnValue', () => {
    const b = fromHex('02 01 0F010480');
    const { value, tree } = decode(ropOpenFolder.response!, b);
    expect(value).toEqual({ RopId: 2, OutputHandleIndex: 1, ReturnValue: 0x8004010f });
    expect(tree.length).toBe(6);
    expect(encode(ropOpenFolder.response!, value!)).toEqual(b);
  });
});
