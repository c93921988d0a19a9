/**
 * [MS-OXORULE] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxorule). The spec prints the three requests,
 * the handle array and the three responses of one RPC as separate dumps; the
 * tests assemble them into the ROP input and output buffers they belong to, so
 * the RopQueryRows row is read with the RopSetColumns tags of the same call.
 */
import { describe, expect, it } from 'vitest';
import { type StructValue, collectErrors, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
} from '../../../../shared/protocol/rops/buffer.js';
import { asRopBuffer, specExample } from './spec-example.js';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxorule';
const bytesOf = (f: string) => specExample(`${dir}/${f}`).bytes;

function handleTable(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 4 }, (_, i) => v.getUint32(4 * i, true));
}

const requests = [
  '4.2.1-a-RopGetRulesTable-request.hex',
  '4.2.1-b-RopSetColumns-request.hex',
  '4.2.1-c-RopQueryRows-request.hex',
];
const responses = [
  '4.2.2-a-RopGetRulesTable-response.hex',
  '4.2.2-b-RopSetColumns-response.hex',
  '4.2.2-c-RopQueryRows-response.hex',
];
const handles = handleTable(bytesOf('4.2.1-d-handle-table.hex'));
const input = asRopBuffer(requests.map(bytesOf), handles);

describe('[MS-OXORULE] 4.2.1 Client request for a rules table', () => {
  it('RopGetRulesTable: folder in slot 0, table into slot 1, Unicode (TableFlags 0x40)', () => {
    const { value } = decodeRopExample(`${dir}/${requests[0]}`);
    expect(value).toEqual({ RopId: 0x3f, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0x40 });
  });
  it('RopSetColumns: PidTagRuleId, PidTagRuleProviderData, PidTagRuleName', () => {
    const { value, tree } = decodeRopExample(`${dir}/${requests[1]}`);
    expect(value).toEqual({
      RopId: 0x12,
      LogonId: 0,
      InputHandleIndex: 1,
      SetColumnsFlags: 0,
      PropertyTagCount: 3,
      PropertyTags: [0x66740014, 0x66840102, 0x6682001f],
    });
    expect(span(tree, 'PropertyTags')).toEqual([6, 12]);
  });
  it('RopQueryRows: advance, forward, 50 rows', () => {
    const { value } = decodeRopExample(`${dir}/${requests[2]}`);
    expect(value).toEqual({
      RopId: 0x15,
      LogonId: 0,
      InputHandleIndex: 1,
      QueryRowsFlags: 0,
      ForwardRead: 1,
      RowCount: 50,
    });
  });
  it('the handle array: HandleIndex 0 = 0x00000223, HandleIndex 1 = 0xFFFFFFFF', () => {
    expect(handles).toEqual([0x223, 0xffffffff]);
  });
  it('assembled into one ROP input buffer, the walker reads the same three ROPs and the handle table', () => {
    const { value, tree } = decodeRopRequestBuffer(input);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', input.length)).toBe(0);
    expect((value!.RopsList as StructValue[]).map((r) => r.RopId)).toEqual([0x3f, 0x12, 0x15]);
    expect(value!.ServerObjectHandleTable).toEqual([0x223, 0xffffffff]);
    expect(encodeRopRequestBuffer(value!)).toEqual(input);
  });
});

describe('[MS-OXORULE] 4.2.2 Server responds to client requests', () => {
  it('RopGetRulesTable and RopSetColumns responses: success, TBLSTAT_COMPLETE', () => {
    expect(decodeRopExample(`${dir}/${responses[0]}`).value).toEqual({
      RopId: 0x3f,
      OutputHandleIndex: 1,
      ReturnValue: 0,
    });
    expect(decodeRopExample(`${dir}/${responses[1]}`).value).toEqual({
      RopId: 0x12,
      InputHandleIndex: 1,
      ReturnValue: 0,
      TableStatus: 0,
    });
  });
  it('RopQueryRows: BOOKMARK_END, one row at 0x0009 read with the request’s three columns', () => {
    // The spec prints no handle table for the response; the request's is reused (its values are not decoded here).
    const output = asRopBuffer(responses.map(bytesOf), handles);
    const execRequest = decodeRopRequestBuffer(input).value;
    const { value, tree } = decodeRopResponseBuffer(output, { execRequest });
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', output.length)).toBe(0);
    const qr = (value!.RopsList as StructValue[])[2]!;
    expect(qr).toMatchObject({ RopId: 0x15, InputHandleIndex: 1, ReturnValue: 0, Origin: 2, RowCount: 1 });
    expect(qr.RowData).toEqual([
      {
        Flag: 0, // "Has Flag: FALSE": a StandardPropertyRow
        ValueArray: [0x56f83f0100000001n, fromHex('01 00 00 00 01 00 00 00 55 55 55 55 d1 44 e3 40'), 'Project X'],
      },
    ]);
    // The QueryRows response starts at 2 + 6 + 7 = 15 in the buffer; its row at 15 + 0x09.
    const qrNode = tree.children!.find((c) => c.name === 'RopsList')!.children![2]!;
    expect(qrNode.offset).toBe(15);
    const row = qrNode.children!.find((c) => c.name === 'RowData')!.children![0]!;
    expect(row.offset - qrNode.offset).toBe(0x09);
    expect(row.children!.map((c) => [c.name, c.offset - qrNode.offset, c.length])).toEqual([
      ['Flag', 0x09, 1],
      ['PidTagRuleId', 0x0a, 8],
      ['PidTagRuleProviderData', 0x12, 18],
      ['PidTagRuleName', 0x24, 20],
    ]);
    expect(encodeRopResponseBuffer(value!, execRequest)).toEqual(output);
  });
});
