/**
 * [MS-OXCTABL] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxctabl).
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, decode } from '../../../../shared/codec/index.js';
import { ropQueryRows } from '../../../../shared/protocol/rops/table.js';
import { specExample } from './spec-example.js';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxctabl';

describe('[MS-OXCTABL] 4.1 Obtaining a message list', () => {
  it('4.1.1 RopGetContentsTable request: table into handle slot 1, TableFlags Standard', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1.1-RopGetContentsTable-request.hex`);
    expect(value).toEqual({ RopId: 0x05, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0 });
    expect(span(tree, 'TableFlags')).toEqual([4, 1]);
  });
});

describe('[MS-OXCTABL] 4.2 Setting columns', () => {
  it('4.2.1 RopSetColumns request: six tags from 0006', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.2.1-RopSetColumns-request.hex`);
    expect(value).toEqual({
      RopId: 0x12,
      LogonId: 0,
      InputHandleIndex: 1,
      SetColumnsFlags: 0,
      PropertyTagCount: 6,
      // PidTagFolderId, PidTagMid, PidTagInstID, PidTagInstanceNum, PidTagSubject, PidTagMessageDeliveryTime
      PropertyTags: [0x67480014, 0x674a0014, 0x674d0014, 0x674e0003, 0x0037001f, 0x0e060040],
    });
    expect(span(tree, 'SetColumnsFlags')).toEqual([3, 1]);
    expect(span(tree, 'PropertyTags')).toEqual([6, 24]);
  });
});

describe('[MS-OXCTABL] 4.3 Sorting a table', () => {
  it('4.3.1 RopSortTable request: two sort orders, one category, expanded', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.3.1-RopSortTable-request.hex`);
    expect(value).toEqual({
      RopId: 0x13,
      LogonId: 0,
      InputHandleIndex: 0,
      SortTableFlags: 0,
      SortOrderCount: 2,
      CategoryCount: 1,
      ExpandedCount: 1,
      // 0x8008301F (PidTagAddressBookIsMemberOfDistributionList) ascending, 0x0E060040 descending
      SortOrders: [
        { PropertyType: 0x301f, PropertyId: 0x8008, Order: 0 },
        { PropertyType: 0x0040, PropertyId: 0x0e06, Order: 1 },
      ],
    });
    // "0003: 00 02 00 01 00 01 00" then "000a:" SortOrders.
    expect(span(tree, 'SortTableFlags')).toEqual([3, 1]);
    expect(span(tree, 'ExpandedCount')).toEqual([8, 2]);
    expect(span(tree, 'SortOrders')).toEqual([0x0a, 10]);
  });
  it('4.3.2 RopSortTable response: TableStatus TBLSTAT_COMPLETE at 0006', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.3.2-RopSortTable-response.hex`);
    expect(value).toEqual({ RopId: 0x13, InputHandleIndex: 1, ReturnValue: 0, TableStatus: 0 });
    expect(tree.children!.find((c) => c.name === 'TableStatus')).toMatchObject({
      offset: 6,
      display: 'TBLSTAT_COMPLETE (0x00)',
    });
  });
});

describe('[MS-OXCTABL] 4.5.3 Querying rows', () => {
  it('4.5.3.1 RopQueryRows request: advance, forward, at most 50 rows', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.5.3.1-RopQueryRows-request.hex`);
    expect(value).toEqual({
      RopId: 0x15,
      LogonId: 0,
      InputHandleIndex: 0,
      QueryRowsFlags: 0,
      ForwardRead: 1,
      RowCount: 50,
    });
    expect(span(tree, 'QueryRowsFlags')).toEqual([3, 1]);
    expect(span(tree, 'RowCount')).toEqual([5, 2]);
  });
  it('4.5.3.2 RopQueryRows response (printed truncated, columns not shown): header exact, rows left undecoded', () => {
    const ex = specExample(`${dir}/4.5.3.2-RopQueryRows-response.hex`);
    expect(ex.status).toBe('truncated');
    expect(ex.bytes.length).toBe(64);
    const { value, tree } = decode(ropQueryRows.response!, ex.bytes);
    expect(value).toMatchObject({ RopId: 0x15, InputHandleIndex: 0, ReturnValue: 0, Origin: 2, RowCount: 9 });
    expect(span(tree, 'Origin')).toEqual([6, 1]);
    expect(span(tree, 'RowCount')).toEqual([7, 2]);
    // Without the RopSetColumns the rows have no layout: one "context unavailable" node from 0x0009 to the end.
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/^context unavailable: /);
    expect(span(tree, 'RowData')).toEqual([9, 64 - 9]);
  });
});
