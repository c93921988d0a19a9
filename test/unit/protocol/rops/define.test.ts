import { describe, expect, expectTypeOf, it } from 'vitest';
import { collectErrors, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import type { RequestOf, ResponseOf } from '../../../../shared/protocol/rops/define.js';
import { ropOpenFolder } from '../../../../shared/protocol/rops/folder.js';
import { ropSortTable } from '../../../../shared/protocol/rops/table.js';

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

describe('defineRop: decoded values are typed by the field lists', () => {
  it('RopSortTable request: header and fields by type, unknown names rejected at compile time', () => {
    // The hand-built sample of samples.ts: two sort orders, one of them a category.
    const b = fromHex('13 00 00 00 02 00 01 00 01 00 1F 30 08 80 00 40 00 06 0E 01');
    const v = decode(ropSortTable.request!, b).value as RequestOf<typeof ropSortTable>;
    expectTypeOf(v.SortTableFlags).toEqualTypeOf<number>();
    expectTypeOf(v.InputHandleIndex).toEqualTypeOf<number>();
    expectTypeOf(v.SortOrders).toBeArray();
    expect(v.SortOrderCount).toBe(2);
    expect(v.CategoryCount).toBe(1);
    expect(v.SortOrders).toHaveLength(2);
    // @ts-expect-error RopSortTable's request has no PropertyTags
    expect(v.PropertyTags).toBeUndefined();
  });
  it('responses: the success fields may be absent (a failure carries the header only)', () => {
    expectTypeOf<ResponseOf<typeof ropOpenFolder>['ReturnValue']>().toEqualTypeOf<number>();
    expectTypeOf<ResponseOf<typeof ropOpenFolder>['HasRules']>().toEqualTypeOf<number | undefined>();
  });
});
