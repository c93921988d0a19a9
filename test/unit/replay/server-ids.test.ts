/**
 * Server-assigned ids re-mapped like handles: learned from the captured and
 * live answers of RopCreateFolder / RopCreateMessage / RopSaveChangesMessage
 * (decoded by the shared ROP decoders) and written into later requests.
 * Layouts: [MS-OXCROPS] 2.2.4.2 RopCreateFolder, 2.2.4.3 RopDeleteFolder,
 * 2.2.6.2 RopCreateMessage, 2.2.4.11 RopDeleteMessages.
 */
import { describe, expect, it } from 'vitest';
import { Writer } from '../../../shared/codec/index.js';
import { decodeAnswer } from '../../../electron/backend/replay/diff.js';
import { CHANGING_ROPS, ServerIdMap, changingRops } from '../../../electron/backend/replay/server-ids.js';
import {
  ropSynchronizationImportReadStateChanges,
  ropSynchronizationUploadStateStreamBegin,
} from '../../../shared/protocol/rops/ics.js';
import { buildExecuteRequest, buildExecuteResponse } from '../../../electron/backend/simulator/bodies.js';
import { PROCESSING_LINE, doneSection } from '../../../electron/backend/simulator/wire.js';
import { ropResponse } from '../../../electron/backend/simulator/mailbox.js';
import { encode } from '../../../shared/codec/index.js';
import { ropGetRulesTable } from '../../../shared/protocol/rops/rule.js';
import { ropQueryRows, ropSetColumns } from '../../../shared/protocol/rops/table.js';

const entity = (body: Uint8Array) => {
  const done = doneSection(body, 0, 0);
  const out = new Uint8Array(PROCESSING_LINE.length + done.length);
  out.set(PROCESSING_LINE, 0);
  out.set(done, PROCESSING_LINE.length);
  return out;
};

function createFolderRequest(): Uint8Array {
  const name = 'Replayed';
  const w = new Writer(64);
  w.u8(0x1c).u8(0).u8(0).u8(1).u8(1).u8(0).u8(0).u8(0); // RopId, LogonId, In, Out, FolderType, UseUnicode, OpenExisting, Reserved
  for (const c of name + '\0') w.u8(c.charCodeAt(0));
  w.u8(0); // Comment ""
  return buildExecuteRequest(w.finish(), [0x100, 0xffffffff]);
}
function createFolderResponse(fid: bigint): Uint8Array {
  const w = new Writer(32);
  w.u8(0x1c).u8(1).u32(0).u64(fid).u8(0); // RopId, OutputHandleIndex, ReturnValue, FolderId, IsExistingFolder
  return entity(buildExecuteResponse([{ rops: w.finish(), handles: [0x100, 0x200] }]));
}
function deleteFolderRops(fid: bigint): Uint8Array {
  const w = new Writer(16);
  w.u8(0x1d).u8(0).u8(0).u8(0x05).u64(fid); // RopId, LogonId, InputHandleIndex, DeleteFolderFlags, FolderId
  return w.finish();
}

describe('server-assigned ids', () => {
  const CAPTURED = 0x0001000000001234n;
  const LIVE = 0x0001000000009abcn;

  it('learns the folder id RopCreateFolder returned and rewrites it in a later RopDeleteFolder', () => {
    const req = createFolderRequest();
    const cap = decodeAnswer('Execute', req, createFolderResponse(CAPTURED));
    const live = decodeAnswer('Execute', req, createFolderResponse(LIVE));
    expect(cap.rops).toEqual([{ id: '0x1C', name: 'RopCreateFolder', returnValue: '0x00000000' }]);
    const ids = new ServerIdMap();
    expect(ids.learn(cap, live)).toBe(1);
    expect(ids.entries()).toEqual([[CAPTURED, LIVE]]);
    const before = deleteFolderRops(CAPTURED);
    const after = ids.rewrite(before);
    expect(after).not.toBe(before);
    // FolderId at offset 4, little-endian; the rest untouched.
    expect([...after.subarray(0, 4)]).toEqual([0x1d, 0, 0, 0x05]);
    expect(new DataView(after.buffer, after.byteOffset).getBigUint64(4, true)).toBe(LIVE);
    // Bytes without a captured id come back as the same array.
    const other = deleteFolderRops(0x42n);
    expect(ids.rewrite(other)).toBe(other);
  });

  it('learns nothing from a failed ROP or identical ids', () => {
    const req = createFolderRequest();
    const ids = new ServerIdMap();
    const same = decodeAnswer('Execute', req, createFolderResponse(CAPTURED));
    expect(ids.learn(same, same)).toBe(0);
    const w = new Writer(8);
    w.u8(0x1c).u8(1).u32(0x80040102);
    const failed = decodeAnswer('Execute', req, entity(buildExecuteResponse([{ rops: w.finish(), handles: [0x100] }])));
    expect(ids.learn(same, failed)).toBe(0);
    expect(ids.size).toBe(0);
  });

  it('the changing ROPs are named by their definitions: read-state imports change, an upload-state begin does not', () => {
    // [MS-OXCROPS] 2.2.2: 0x80 is RopSynchronizationImportReadStateChanges, 0x75 RopSynchronizationUploadStateStreamBegin.
    expect(CHANGING_ROPS.has(ropSynchronizationImportReadStateChanges.id)).toBe(true);
    expect(CHANGING_ROPS.has(ropSynchronizationUploadStateStreamBegin.id)).toBe(false);
    expect(CHANGING_ROPS.size).toBe(38);
  });

  it('names the mailbox-changing ROPs of a request', () => {
    expect(changingRops(createFolderRequest())).toEqual(['RopCreateFolder']);
    expect(changingRops(buildExecuteRequest(deleteFolderRops(1n), [0x100]))).toEqual(['RopDeleteFolder']);
  });

  /** A rules table read ([MS-OXCROPS] 2.2.11.2, 2.2.5.1, 2.2.5.4) over PidTagRuleName, PidTagRuleId. */
  const COLUMNS = [0x6682001f, 0x66740014];
  const rulesRequest = buildExecuteRequest(
    new Uint8Array([
      ...encode(ropGetRulesTable.request!, { LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0x40 }),
      ...encode(ropSetColumns.request!, { LogonId: 0, InputHandleIndex: 1, SetColumnsFlags: 0, PropertyTags: COLUMNS }),
      ...encode(ropQueryRows.request!, {
        LogonId: 0,
        InputHandleIndex: 1,
        QueryRowsFlags: 0,
        ForwardRead: 1,
        RowCount: 10,
      }),
    ]),
    [0x100, 0xffffffff],
  );
  const rulesAnswer = (rows: [string, bigint][]) =>
    decodeAnswer(
      'Execute',
      rulesRequest,
      entity(
        buildExecuteResponse([
          {
            rops: new Uint8Array([
              ...ropResponse(ropGetRulesTable, 1, 0),
              ...ropResponse(ropSetColumns, 1, 0, { TableStatus: 0 }),
              ...ropResponse(
                ropQueryRows,
                1,
                0,
                { Origin: 2, RowData: rows.map(([n, id]) => ({ Flag: 0, ValueArray: [n, id] })) },
                { columns: COLUMNS },
              ),
            ]),
            handles: [0x100, 0x200],
          },
        ]),
      ),
    );

  it('learns rule ids from rules-table rows paired by their other columns, whatever their order', () => {
    const ids = new ServerIdMap();
    const cap = rulesAnswer([
      ['first', 0x0001000000000011n],
      ['second', 0x0001000000000012n],
    ]);
    const live = rulesAnswer([
      ['second', 0x0001000000000922n],
      ['first', 0x0001000000000911n],
    ]);
    expect(ids.learn(cap, live)).toBe(2);
    expect(ids.entries()).toEqual([
      [0x0001000000000011n, 0x0001000000000911n],
      [0x0001000000000012n, 0x0001000000000922n],
    ]);
  });

  it('maps no id from a row that could be another object: no match, or several rows alike', () => {
    const ids = new ServerIdMap();
    const cap = rulesAnswer([
      ['first', 0x0001000000000011n],
      ['twin', 0x0001000000000013n],
      ['twin', 0x0001000000000014n],
    ]);
    const live = rulesAnswer([
      ['other', 0x0001000000000911n],
      ['twin', 0x0001000000000913n],
      ['twin', 0x0001000000000914n],
    ]);
    expect(ids.learn(cap, live)).toBe(0);
    expect(ids.size).toBe(0);
  });
});
