/**
 * The ROP buffer walker: pairing responses with requests, the special
 * responses, optional failure fields, context from the same Execute, unknown
 * RopIds and malformed buffers.
 */
import { describe, expect, it } from 'vitest';
import { type StructValue, collectErrors, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
  requestBufferOf,
  ropSummary,
} from '../../../../shared/protocol/rops/buffer.js';
import { child, layout } from './rop-helpers.js';

function ropBuffer(rops: string, handles: number[]): Uint8Array {
  const r = fromHex(rops);
  const out = new Uint8Array(2 + r.length + 4 * handles.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 2 + r.length, true);
  out.set(r, 2);
  handles.forEach((h, i) => v.setUint32(2 + r.length + 4 * i, h, true));
  return out;
}
const list = (v: StructValue | undefined) => v!.RopsList as StructValue[];
const FID = '01 00 00 00 00 00 00 0D';

/** Decode a request, then its response; both must re-encode to their bytes. */
function pair(reqHex: string, respHex: string, reqHandles: number[], respHandles: number[]) {
  const qb = ropBuffer(reqHex, reqHandles);
  const rb = ropBuffer(respHex, respHandles);
  const q = decodeRopRequestBuffer(qb);
  const r = decodeRopResponseBuffer(rb, { execRequest: q.value });
  expect(encodeRopRequestBuffer(q.value!)).toEqual(qb);
  expect(encodeRopResponseBuffer(r.value!, q.value)).toEqual(rb);
  return { q, r, qb, rb };
}

describe('special responses', () => {
  it('RopNotify and RopPending after the real responses answer no request', () => {
    const { r, rb } = pair(
      `02 00 00 01 ${FID} 00`,
      `02 01 00 00 00 00 00 00 2A 78 56 34 12 00 04 00 ${FID} 01 00 00 00 00 00 00 01 00 00 6E 03 00`,
      [0x10, 0xffffffff],
      [0x10, 0x11],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    expect(unclaimedBytes(r.tree, 'body', rb.length)).toBe(0);
    expect(ropSummary(r.value)).toEqual([
      {
        id: '0x02',
        name: 'RopOpenFolder',
        handleIndex: 1,
        returnValue: '0x00000000',
        detail: 'HasRules=0 IsGhosted=0',
      },
      { id: '0x2A', name: 'RopNotify', logonId: 0, detail: 'NotificationHandle=0x12345678' },
      { id: '0x6E', name: 'RopPending', detail: 'SessionIndex=3' },
    ]);
    expect(list(r.value)[1]).toMatchObject({ RopId: 0x2a, NotificationHandle: 0x12345678, LogonId: 0 });
    expect(list(r.value)[2]).toEqual({ RopId: 0x6e, SessionIndex: 3 });
    expect(layout(child(r.tree, 'RopsList'))).toEqual([
      ['RopOpenFolder', 2, 8],
      ['RopNotify', 10, 26],
      ['RopPending', 36, 3],
    ]);
  });

  it('RopBackoff ends the pairing: the backed-off ROP and later ones have no response', () => {
    const { r } = pair(
      `02 00 00 01 ${FID} 00 05 00 01 02 00`,
      'F9 00 E8 03 00 00 01 02 64 00 00 00 00 00',
      [0x10, 0xffffffff, 0xffffffff],
      [0x10],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)).toEqual([
      {
        RopId: 0xf9,
        LogonId: 0,
        Duration: 1000,
        BackoffRopCount: 1,
        BackoffRopData: [{ RopIdBackoff: 0x02, Duration: 100 }],
        AdditionalDataSize: 0,
        AdditionalData: new Uint8Array(0),
      },
    ]);
  });

  it('RopBufferTooSmall is last and holds the unexecuted request ROPs byte for byte', () => {
    const { r } = pair(
      `02 00 00 01 ${FID} 00 15 00 01 00 01 32 00`,
      '02 01 00 00 00 00 00 00 FF 00 10 15 00 01 00 01 32 00',
      [0x10, 0xffffffff],
      [0x10, 0x11],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)[1]).toEqual({
      RopId: 0xff,
      SizeNeeded: 0x1000,
      RequestBuffers: fromHex('15 00 01 00 01 32 00'),
    });
    expect(child(child(r.tree, 'RopsList'), 'RopBufferTooSmall')).toMatchObject({ offset: 10, length: 10 });
  });

  it('RopProgress may answer an asynchronous request', () => {
    const { r } = pair(
      `33 00 01 02 01 00 ${'01 00 00 00 00 00 00 05'} 01 00`,
      '50 01 00 00 00 00 00 02 00 00 00 09 00 00 00',
      [0x10, 0x11, 0x12],
      [0x10, 0x11, 0x12],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)[0]).toEqual({
      RopId: 0x50,
      InputHandleIndex: 1,
      ReturnValue: 0,
      LogonId: 0,
      CompletedTaskCount: 2,
      TotalTaskCount: 9,
    });
  });
});

describe('ROP node text', () => {
  it('names the request each response answers and flags an echoed index that differs', () => {
    const { r, q } = pair(
      `02 00 00 01 ${FID} 00 02 00 00 02 ${FID} 00`,
      '02 01 00 00 00 00 00 00 02 03 00 00 00 00 00 00',
      [0x10, 0xffffffff, 0xffffffff],
      [0x10, 0x11, 0x12],
    );
    expect(child(q.tree, 'RopsList')!.children![0]!.display).toBe('FolderId=1-0x00000000000D OpenModeFlags=0');
    const nodes = child(r.tree, 'RopsList')!.children!;
    expect(nodes[0]!.display).toBe('answers request #1 · HasRules=0 IsGhosted=0');
    expect(nodes[1]!.display).toBe("answers request #2 (OutputHandleIndex 3 ≠ request's 2) · HasRules=0 IsGhosted=0");
  });
});

describe('failure layouts', () => {
  const req = `1D 00 00 01 ${FID} 04 00 00 01 00`; // RopDeleteFolder, then RopGetHierarchyTable
  it('optional failure field present: taken because the next byte is the next expected RopId', () => {
    const { r } = pair(req, '1D 00 0F 01 04 80 01 04 01 00 00 00 00 05 00 00 00', [0x10, 0xffffffff], [0x10, 0x11]);
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)).toEqual([
      { RopId: 0x1d, InputHandleIndex: 0, ReturnValue: 0x8004010f, PartialCompletion: 1 },
      { RopId: 0x04, OutputHandleIndex: 1, ReturnValue: 0, RowCount: 5 },
    ]);
  });
  it('optional failure field absent: the response stops after ReturnValue', () => {
    const { r } = pair(req, '1D 00 0F 01 04 80 04 01 00 00 00 00 05 00 00 00', [0x10, 0xffffffff], [0x10, 0x11]);
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)).toEqual([
      { RopId: 0x1d, InputHandleIndex: 0, ReturnValue: 0x8004010f },
      { RopId: 0x04, OutputHandleIndex: 1, ReturnValue: 0, RowCount: 5 },
    ]);
  });
  it('RopLogon redirect (ecWrongServer) carries the server name', () => {
    const { r } = pair(
      'FE 00 00 01 0C 00 00 01 00 00 00 00 00 00',
      'FE 00 78 04 00 00 01 0A 73 65 72 76 65 72 2E 63 6F 00',
      [0xffffffff],
      [0xffffffff],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    expect(list(r.value)[0]).toEqual({
      RopId: 0xfe,
      OutputHandleIndex: 0,
      ReturnValue: 0x478,
      LogonFlags: 1,
      ServerNameSize: 10,
      ServerName: 'server.co',
    });
  });
  it('RopLogon success without its request: context unavailable, nothing guessed', () => {
    const rb = ropBuffer(`FE 00 00 00 00 00 01 ${'00 '.repeat(160)}`, [0x10]);
    const { value, tree } = decodeRopResponseBuffer(rb);
    const errs = collectErrors(tree);
    expect(errs.map((e) => e.path)).toEqual(['RopBuffer/RopsList/RopLogon/LogonResponse']);
    expect(errs[0]!.message).toMatch(/^context unavailable: the RopLogon request/);
    expect(encodeRopResponseBuffer(value!)).toEqual(rb);
  });
});

describe('context from the same Execute', () => {
  it('RopSetMessageReadFlag: no ClientData after a private RopLogon, ClientData after a public one', () => {
    const priv = decodeRopRequestBuffer(
      ropBuffer('FE 01 00 01 00 00 00 00 00 00 00 00 00 00 11 01 01 00 00', [0xffffffff, 0x20]),
    );
    expect(collectErrors(priv.tree)).toEqual([]);
    expect(list(priv.value)[1]).toEqual({
      RopId: 0x11,
      LogonId: 1,
      ResponseHandleIndex: 1,
      InputHandleIndex: 0,
      ReadFlags: 0,
    });
    const cd = '11 '.repeat(24);
    const pub = decodeRopRequestBuffer(
      ropBuffer(`FE 01 00 00 02 00 00 00 00 00 00 00 00 00 11 01 01 00 00 ${cd}`, [0xffffffff, 0x20]),
    );
    expect(collectErrors(pub.tree)).toEqual([]);
    expect(list(pub.value)[1]!.ClientData).toEqual(fromHex(cd));
  });
  it('RopSetMessageReadFlag on its own: the logon is unknown, so the rest is undecodable', () => {
    const { tree } = decodeRopRequestBuffer(ropBuffer('11 01 01 00 00', [0x20]));
    expect(collectErrors(tree)[0]!.message).toMatch(/^context unavailable: LogonFlags of LogonId 1/);
  });
  it('the session model answers for a logon opened in an earlier Execute', () => {
    const session = { columnsForHandle: () => undefined, logonFlags: (id: number) => (id === 1 ? 0x01 : undefined) };
    const { tree, value } = decodeRopRequestBuffer(ropBuffer('11 01 01 00 00', [0x20]), { session });
    expect(collectErrors(tree)).toEqual([]);
    expect(list(value)[0]).not.toHaveProperty('ClientData');
  });
  it('RopReadRecipients uses the RecipientColumns of a RopOpenMessage answered earlier in the response', () => {
    const row = '13 02 41 00 6C 00 00 00 02 00 00 41 00 6C 00 00 00 01 00 00 00';
    const header = `00 01 01 01 00 02 00 1F 00 01 30 03 00 15 0C 00`; // no subject, 1 recipient, 2 columns, 0 rows here
    const { r } = pair(
      `03 00 00 01 FF 0F ${FID} 00 ${FID} 0F 00 01 00 00 00 00 00 00`,
      `03 01 00 00 00 00 ${header} 0F 01 00 00 00 00 01 00 00 00 00 01 E4 04 00 00 15 00 ${row}`,
      [0x10, 0xffffffff],
      [0x10, 0x11],
    );
    expect(collectErrors(r.tree)).toEqual([]);
    const rr = (list(r.value)[1]!.RecipientRows as StructValue[])[0]!;
    expect(rr.RecipientRow).toMatchObject({
      DisplayName: 'Al',
      RecipientProperties: { Flag: 0, ValueArray: ['Al', 1] },
    });
  });
  it('a chained extra payload answers the last request (RopQueryRows) and finds its columns', () => {
    const q = decodeRopRequestBuffer(
      ropBuffer('12 00 01 00 01 00 1F 00 37 00 15 00 01 00 01 32 00', [0x10, 0x11]),
    ).value;
    const extra = ropBuffer('15 01 00 00 00 00 02 01 00 00 41 00 00 00', [0x10, 0x11]);
    const { value, tree } = decodeRopResponseBuffer(extra, { execRequest: q });
    expect(collectErrors(tree)).toEqual([]);
    expect(list(value)[0]!.RowData).toEqual([{ Flag: 0, ValueArray: ['A'] }]);
  });
  it('requestBufferOf finds the ROP input buffer inside an Execute-like value', () => {
    const q = decodeRopRequestBuffer(ropBuffer('01 00 00', [0x10])).value;
    const wrapped = { Flags: 0, RopBuffer: [{ RPC_HEADER_EXT: {}, Payload: { wire: new Uint8Array(0), value: q } }] };
    expect(requestBufferOf(wrapped)).toEqual({
      rops: [{ RopId: 1, LogonId: 0, InputHandleIndex: 0 }],
      handles: [0x10],
    });
    expect(requestBufferOf({ nothing: 1 })).toBeUndefined();
  });
});

describe('malformed buffers', () => {
  it('an unknown RopId stops the walk; the rest is kept as one error node and re-encoded', () => {
    const b = ropBuffer('01 00 00 00 11 22 33', [0x10]);
    const { value, tree } = decodeRopRequestBuffer(b);
    const errs = collectErrors(tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ path: 'RopBuffer/RopsList/UndecodedRops', offset: 5 });
    expect(errs[0]!.message).toMatch(/unknown RopId 0x00; the remaining 4 byte\(s\)/);
    expect(value!.ServerObjectHandleTable).toEqual([0x10]);
    expect(ropSummary(value)).toEqual([{ id: '0x01', name: 'RopRelease', handleIndex: 0, logonId: 0 }]);
    expect(encodeRopRequestBuffer(value!)).toEqual(b);
  });
  it('a truncated ROP in the middle leaves an error node; the handle table still decodes', () => {
    const b = ropBuffer('02 00 00 01 01 00', [0x10, 0x11]);
    const { value, tree } = decodeRopRequestBuffer(b);
    expect(collectErrors(tree).length).toBeGreaterThan(0);
    expect(value!.ServerObjectHandleTable).toEqual([0x10, 0x11]);
    expect(encodeRopRequestBuffer(value!)).toEqual(b);
  });
  it('RopSize beyond the payload or below 2 is an error node, not an exception', () => {
    for (const hex of ['FF 00 01 00 00', '01 00', '00 00 01 00 00 00', '', '05']) {
      const { tree } = decodeRopRequestBuffer(fromHex(hex));
      expect(collectErrors(tree).length).toBeGreaterThan(0);
      const r = decodeRopResponseBuffer(fromHex(hex));
      expect(collectErrors(r.tree).length).toBeGreaterThan(0);
    }
  });
  it('encoding a ROP list that cannot fit RopSize (u16) throws instead of wrapping', () => {
    const rops = Array.from({ length: 22000 }, () => ({ RopId: 1, LogonId: 0, InputHandleIndex: 0 }));
    expect(() => encodeRopRequestBuffer({ RopsList: rops, ServerObjectHandleTable: [] })).toThrow(
      /does not fit RopSize/,
    );
  });
  it('a huge wire count is refused before any allocation', () => {
    // RopSetColumns with PropertyTagCount 0xFFFF and 4 bytes left.
    const { tree } = decodeRopRequestBuffer(ropBuffer('12 00 00 00 FF FF 1F 00 37 00', []));
    expect(collectErrors(tree)[0]!.message).toMatch(/count 65535 needs at least 262140 bytes/);
  });
});
