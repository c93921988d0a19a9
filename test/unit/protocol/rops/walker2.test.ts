/**
 * The second-half families inside whole ROP buffers: context taken from the
 * same Execute through the buffer walker (paired request, SetColumns of the
 * notifying table), on real captures and on a buffer built from the spec.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, fromHex, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopResponseBuffer,
} from '../../../../shared/protocol/rops/buffer.js';
import { child, executeRopBuffer } from './rop-helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

/** RopSize + RopsList + handle table of the first extended buffer, as the walker takes it. */
function ropBuffer(body: Uint8Array, side: 'request' | 'response'): Uint8Array {
  const { rops, handles } = executeRopBuffer(body, side);
  const out = new Uint8Array(2 + rops.length + 4 * handles.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 2 + rops.length, true);
  out.set(rops, 2);
  handles.forEach((h, i) => v.setUint32(2 + rops.length + 4 * i, h, true));
  return out;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const ids = (list: unknown) => (list as { RopId: number }[]).map((r) => r.RopId);

describe('GetPropertiesSpecific inside an Execute: tags from the paired request', () => {
  it('syncgw exchange 55: RopOpenFolder then RopGetPropertiesSpecific with 6 binary tags', () => {
    const qb = ropBuffer(fixture('syncgw/execute_req55.bin'), 'request');
    const rb = ropBuffer(fixture('syncgw/execute_resp55.bin'), 'response');
    const q = decodeRopRequestBuffer(qb);
    expect(collectErrors(q.tree)).toEqual([]);
    expect(ids(q.value!.RopsList)).toEqual([0x02, 0x07]);
    const r = decodeRopResponseBuffer(rb, { execRequest: q.value });
    expect(collectErrors(r.tree)).toEqual([]);
    expect(unclaimedBytes(r.tree, 'body', rb.length)).toBe(0);
    const gps = (r.value!.RopsList as { RowData: { Flag: number; ValueArray: unknown[] } }[])[1]!;
    expect(gps.RowData.Flag).toBe(0);
    expect(gps.RowData.ValueArray).toHaveLength(6);
    expect((gps.RowData.ValueArray[0] as Uint8Array).length).toBe(46); // PidTagIpmAppointmentEntryId
    expect(encodeRopResponseBuffer(r.value!, q.value)).toEqual(rb);
  });

  it('syncgw exchanges 44 and 20: ICS setup with the 6469-byte FastTransfer buffer, named-property mapping', () => {
    for (const n of [44, 20, 38, 39]) {
      const qb = ropBuffer(fixture(`syncgw/execute_req${n}.bin`), 'request');
      const rb = ropBuffer(fixture(`syncgw/execute_resp${n}.bin`), 'response');
      const q = decodeRopRequestBuffer(qb);
      const r = decodeRopResponseBuffer(rb, { execRequest: q.value });
      expect(collectErrors(q.tree), `request ${n}`).toEqual([]);
      expect(collectErrors(r.tree), `response ${n}`).toEqual([]);
      expect(unclaimedBytes(r.tree, 'body', rb.length)).toBe(0);
      expect(encodeRopResponseBuffer(r.value!, q.value)).toEqual(rb);
    }
    const q44 = decodeRopRequestBuffer(ropBuffer(fixture('syncgw/execute_req44.bin'), 'request'));
    expect(ids(q44.value!.RopsList)).toEqual([0x02, 0x70, 0x75, 0x77, 0x75, 0x77, 0x4e]);
  });

  it('without the request the row is "context unavailable", and the rest of the buffer still frames', () => {
    const rb = ropBuffer(fixture('syncgw/execute_resp43.bin'), 'response');
    const r = decodeRopResponseBuffer(rb);
    const errs = collectErrors(r.tree);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.some((e) => e.message.startsWith('context unavailable:'))).toBe(true);
  });
});

describe('RopNotify TableRowAdded inside an Execute: columns of the notifying table', () => {
  // Request: RopGetContentsTable (folder 0 -> table 1), RopSetColumns on 1 (PidTagFolderId, PidTagDisplayName).
  const request = fromHex('15 00 05 00 00 01 00 12 00 01 00 02 00 14 00 48 67 1F 00 01 30 00 01 00 00 FF FF FF FF');
  const FID = '01 00 00 00 00 00 E8 EA';
  const MID = '01 00 00 00 00 0A 0B 0C';
  const row = '00 03 00 00 00 00 00 00 00 61 00 00 00';
  const notify = `2A 22 02 00 00 00 00 81 03 00 ${FID} ${MID} 00 00 00 00 ${FID} ${MID} 00 00 00 00 0D 00 ${row}`;
  // Responses: GetContentsTable (RowCount 5), SetColumns, then the notification for table handle 0x222.
  const rops = `05 01 00 00 00 00 05 00 00 00 12 01 00 00 00 00 00 ${notify}`;
  const size = fromHex(rops).length + 2;
  const response = fromHex(`${hex2(size & 0xff)} ${hex2(size >> 8)} ${rops} 00 01 00 00 22 02 00 00`);

  it('the row decodes with the SetColumns tags of the handle index that holds 0x00000222', () => {
    const q = decodeRopRequestBuffer(request);
    expect(collectErrors(q.tree)).toEqual([]);
    const r = decodeRopResponseBuffer(response, { execRequest: q.value });
    expect(collectErrors(r.tree)).toEqual([]);
    const list = r.value!.RopsList as { RopId: number; NotificationData?: { TableRowData: unknown } }[];
    expect(list.map((x) => x.RopId)).toEqual([0x05, 0x12, 0x2a]);
    expect(list[2]!.NotificationData!.TableRowData).toEqual({ Flag: 0, ValueArray: [3n, 'a'] });
    expect(encodeRopResponseBuffer(r.value!, q.value)).toEqual(response);
  });

  it('another table handle: "context unavailable" with the raw row, framing intact', () => {
    const other = response.slice();
    other[other.length - 4] = 0x23; // response handle table now holds 0x223 at index 1
    const q = decodeRopRequestBuffer(request);
    const r = decodeRopResponseBuffer(other, { execRequest: q.value });
    const errs = collectErrors(r.tree);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toBe(
      'context unavailable: columns of the table with handle 0x00000222 are not known (no RopSetColumns seen for it)',
    );
    const table = child(r.tree, 'ServerObjectHandleTable');
    expect(table?.children).toHaveLength(2);
  });
});
