/**
 * Table ROPs: [MS-OXCROPS] 2.2.5, semantics [MS-OXCTABL] 2.2.2.
 *
 * Rows carry no tags: RopQueryRows, RopFindRow and RopExpandRow rows use the
 * columns of the last RopSetColumns on the table (context.ts `tableColumns`).
 */
import { type Codec, array, enumOf, field, i32, u8, u16, u32, u64hex } from '../../codec/index.js';
import { propertyTag } from '../oxcdata/types.js';
import { propertyRow } from '../oxcdata/values.js';
import { sortOrder } from '../oxcdata/restriction.js';
import { bool8, countedList, flags8, restrictionData, sizedBytes } from './common.js';
import { contextual, tableColumns } from './context.js';
import { type RopDefinition, defineRop } from './define.js';

/** [MS-OXCTABL] 2.2.2.1.1 TableStatus. */
export const TableStatus: Readonly<Record<number, string>> = {
  0x00: 'TBLSTAT_COMPLETE',
  0x09: 'TBLSTAT_SORTING',
  0x0a: 'TBLSTAT_SORT_ERROR',
  0x0b: 'TBLSTAT_SETTING_COLS',
  0x0d: 'TBLSTAT_SETCOL_ERROR',
  0x0e: 'TBLSTAT_RESTRICTING',
  0x0f: 'TBLSTAT_RESTRICT_ERROR',
};
/** [MS-OXCTABL] 2.2.2.1.2 bookmarks / origins. */
export const Bookmark: Readonly<Record<number, string>> = {
  0x00: 'BOOKMARK_BEGINNING',
  0x01: 'BOOKMARK_CURRENT',
  0x02: 'BOOKMARK_END',
  0x03: 'BOOKMARK_CUSTOM',
};
export const AsyncFlags = { TBL_ASYNC: 0x01 } as const;
export const QueryRowsFlags = { NoAdvance: 0x01, EnablePackedBuffers: 0x02 } as const;
export const FindRowFlags = { Backwards: 0x01 } as const;

const tableStatus = field('TableStatus', enumOf(u8, TableStatus), {
  doc: 'Status of the asynchronous table operation.',
});
const origin = (doc: string) => field('Origin', enumOf(u8, Bookmark), { doc });

/** One property row over the table's columns, or a "context unavailable" node. */
const tableRow = contextual(
  'PropertyRow',
  (s, env) => tableColumns(s, env, s.num('InputHandleIndex')),
  (cols) => propertyRow(cols),
);
/** `count` rows over the table's columns; no rows need no columns (the only reading of a count of 0). */
function tableRows(count: string): Codec<unknown> {
  return contextual(
    'PropertyRow[]',
    (s, env) => (s.num(count) === 0 ? { ok: true, value: [] } : tableColumns(s, env, s.num('InputHandleIndex'))),
    (cols) => array({ ...propertyRow(cols), minSize: 1 }, count, { item: 'PropertyRow' }),
  );
}
const rowsDerive = (list: string) => ({
  derive: (v: Record<string, unknown>) => (Array.isArray(v[list]) ? (v[list] as unknown[]).length : 0),
});

export const ropSetColumns = defineRop({
  id: 0x12,
  name: 'RopSetColumns',
  specRef: 'MS-OXCROPS 2.2.5.1',
  contextEffect: 'setsColumns',
  doc: 'Sets the columns of a table; later rows of that table carry values in this order.',
  request: [
    field('SetColumnsFlags', flags8(AsyncFlags)),
    ...countedList('PropertyTagCount', 'PropertyTags', propertyTag, 'PropertyTag'),
  ],
  response: [tableStatus],
});

export const ropSortTable = defineRop({
  id: 0x13,
  name: 'RopSortTable',
  specRef: 'MS-OXCROPS 2.2.5.2',
  request: [
    field('SortTableFlags', flags8(AsyncFlags)),
    field('SortOrderCount', u16, { derive: (v) => (v.SortOrders as unknown[]).length }),
    field('CategoryCount', u16, { doc: 'Leading sort orders that are categories.' }),
    field('ExpandedCount', u16, { doc: 'Categories that start expanded.' }),
    field('SortOrders', array(sortOrder, 'SortOrderCount', { item: 'SortOrder' })),
  ],
  response: [tableStatus],
});

export const ropRestrict = defineRop({
  id: 0x14,
  name: 'RopRestrict',
  specRef: 'MS-OXCROPS 2.2.5.3',
  request: [field('RestrictFlags', flags8(AsyncFlags)), ...restrictionData()],
  response: [tableStatus],
});

export const ropQueryRows = defineRop({
  id: 0x15,
  name: 'RopQueryRows',
  specRef: 'MS-OXCROPS 2.2.5.4',
  chainable: true,
  request: [
    field('QueryRowsFlags', flags8(QueryRowsFlags)),
    field('ForwardRead', bool8),
    field('RowCount', u16, { doc: 'Maximum number of rows to return.' }),
  ],
  response: [
    origin('Position of the cursor after the read.'),
    field('RowCount', u16, rowsDerive('RowData')),
    field('RowData', tableRows('RowCount'), { doc: 'Rows over the columns set by RopSetColumns.' }),
  ],
});

export const ropAbort = defineRop({
  id: 0x38,
  name: 'RopAbort',
  specRef: 'MS-OXCROPS 2.2.5.5',
  request: [],
  response: [tableStatus],
});

export const ropGetStatus = defineRop({
  id: 0x16,
  name: 'RopGetStatus',
  specRef: 'MS-OXCROPS 2.2.5.6',
  request: [],
  response: [tableStatus],
});

export const ropQueryPosition = defineRop({
  id: 0x17,
  name: 'RopQueryPosition',
  specRef: 'MS-OXCROPS 2.2.5.7',
  request: [],
  response: [
    field('Numerator', u32, { doc: 'Index of the current row.' }),
    field('Denominator', u32, { doc: 'Number of rows in the table.' }),
  ],
});

export const ropSeekRow = defineRop({
  id: 0x18,
  name: 'RopSeekRow',
  specRef: 'MS-OXCROPS 2.2.5.8',
  request: [
    origin('Where to start seeking.'),
    field('RowCount', i32, { doc: 'Rows to move; negative moves backwards.' }),
    field('WantRowMovedCount', bool8),
  ],
  response: [field('HasSoughtLess', bool8), field('RowsSought', i32)],
});

export const ropSeekRowBookmark = defineRop({
  id: 0x19,
  name: 'RopSeekRowBookmark',
  specRef: 'MS-OXCROPS 2.2.5.9',
  request: [...sizedBytes('BookmarkSize', 'Bookmark'), field('RowCount', i32), field('WantRowMovedCount', bool8)],
  response: [field('RowNoLongerVisible', bool8), field('HasSoughtLess', bool8), field('RowsSought', i32)],
});

export const ropSeekRowFractional = defineRop({
  id: 0x1a,
  name: 'RopSeekRowFractional',
  specRef: 'MS-OXCROPS 2.2.5.10',
  request: [field('Numerator', u32), field('Denominator', u32)],
  response: [],
});

export const ropCreateBookmark = defineRop({
  id: 0x1b,
  name: 'RopCreateBookmark',
  specRef: 'MS-OXCROPS 2.2.5.11',
  request: [],
  response: sizedBytes('BookmarkSize', 'Bookmark'),
});

export const ropQueryColumnsAll = defineRop({
  id: 0x37,
  name: 'RopQueryColumnsAll',
  specRef: 'MS-OXCROPS 2.2.5.12',
  request: [],
  response: countedList('PropertyTagCount', 'PropertyTags', propertyTag, 'PropertyTag'),
});

export const ropFindRow = defineRop({
  id: 0x4f,
  name: 'RopFindRow',
  specRef: 'MS-OXCROPS 2.2.5.13',
  request: [
    field('FindRowFlags', flags8(FindRowFlags)),
    ...restrictionData(),
    origin('Where the search starts.'),
    ...sizedBytes('BookmarkSize', 'Bookmark'),
  ],
  response: [
    field('RowNoLongerVisible', bool8),
    field('HasRowData', bool8),
    field('RowData', tableRow, { when: (s) => s.num('HasRowData') !== 0 }),
  ],
});

export const ropFreeBookmark = defineRop({
  id: 0x89,
  name: 'RopFreeBookmark',
  specRef: 'MS-OXCROPS 2.2.5.14',
  request: sizedBytes('BookmarkSize', 'Bookmark'),
  response: [],
});

export const ropResetTable = defineRop({
  id: 0x81,
  name: 'RopResetTable',
  specRef: 'MS-OXCROPS 2.2.5.15',
  contextEffect: 'resetsColumns',
  doc: 'Removes the columns, sort order and restriction of a table.',
  request: [],
  response: [],
});

export const ropExpandRow = defineRop({
  id: 0x59,
  name: 'RopExpandRow',
  specRef: 'MS-OXCROPS 2.2.5.16',
  request: [field('MaxRowCount', u16), field('CategoryId', u64hex, { doc: 'PidTagInstID of the category row.' })],
  response: [
    field('ExpandedRowCount', u32, { doc: 'Rows the category now shows.' }),
    field('RowCount', u16, rowsDerive('RowData')),
    field('RowData', tableRows('RowCount')),
  ],
});

export const ropCollapseRow = defineRop({
  id: 0x5a,
  name: 'RopCollapseRow',
  specRef: 'MS-OXCROPS 2.2.5.17',
  request: [field('CategoryId', u64hex)],
  response: [field('CollapsedRowCount', u32)],
});

export const ropGetCollapseState = defineRop({
  id: 0x6b,
  name: 'RopGetCollapseState',
  specRef: 'MS-OXCROPS 2.2.5.18',
  request: [field('RowId', u64hex), field('RowInstanceNumber', u32)],
  response: sizedBytes('CollapseStateSize', 'CollapseState'),
});

export const ropSetCollapseState = defineRop({
  id: 0x6c,
  name: 'RopSetCollapseState',
  specRef: 'MS-OXCROPS 2.2.5.19',
  request: sizedBytes('CollapseStateSize', 'CollapseState'),
  response: sizedBytes('BookmarkSize', 'Bookmark'),
});

export const tableRops: readonly RopDefinition[] = [
  ropSetColumns,
  ropSortTable,
  ropRestrict,
  ropQueryRows,
  ropAbort,
  ropGetStatus,
  ropQueryPosition,
  ropSeekRow,
  ropSeekRowBookmark,
  ropSeekRowFractional,
  ropCreateBookmark,
  ropQueryColumnsAll,
  ropFindRow,
  ropFreeBookmark,
  ropResetTable,
  ropExpandRow,
  ropCollapseRow,
  ropGetCollapseState,
  ropSetCollapseState,
];
