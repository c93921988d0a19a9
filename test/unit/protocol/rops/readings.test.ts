import { describe, expect, it } from 'vitest';
import { type DecodedNode, decode, encode, fromHex } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopRequestBuffer,
  encodeRopResponseBuffer,
} from '../../../../shared/protocol/rops/buffer.js';
import { ropGetValidAttachments } from '../../../../shared/protocol/rops/message.js';

const rop = (tree: DecodedNode, i: number): DecodedNode => {
  const find = (n: DecodedNode): DecodedNode | undefined =>
    n.name === 'RopsList' ? n : (n.children ?? []).map(find).find((x) => x);
  return find(tree)!.children![i]!;
};
const at = (n: DecodedNode, name: string) => n.children!.find((c) => c.name === name)!;

/** RopSize, the ROPs, one server handle. */
const buffer = (rops: string, handles = '01000000') =>
  fromHex((2 + rops.length / 2).toString(16).padStart(2, '0') + '00' + rops + handles);

describe('layouts implementations disagree on: the reading that leaves a consistent buffer', () => {
  // RopGetValidAttachments (52 00 00), then RopGetMessageStatus (1F 00 00 · MessageId).
  const request = decodeRopRequestBuffer(buffer('520000' + '1F0000' + '0001000000000002'));
  const execRequest = request.value;

  it('RopGetValidAttachments with a 2-byte AttachmentIdCount ([MS-OXCROPS] 2.2.6.18.2) reads as specified', () => {
    const bytes = buffer('5200' + '00000000' + '0200' + '01000000' + '02000000' + '2000' + '00000000' + '08000000');
    const d = decodeRopResponseBuffer(bytes, { execRequest });
    expect(d.failures).toBe(0);
    const r = rop(d.tree, 0);
    expect(d.value!.RopsList[0]).toMatchObject({
      AttachmentIdCount: 2,
      AttachmentIdArray: [1, 2],
      Reading: 'as specified',
    });
    expect([at(r, 'AttachmentIdCount').offset, at(r, 'AttachmentIdCount').length]).toEqual([8, 2]);
    expect(at(r, 'Reading')).toMatchObject({ length: 0, display: expect.stringContaining('the layout as specified') });
    expect(encodeRopResponseBuffer(d.value!, execRequest)).toEqual(bytes);
  });

  it('RopGetValidAttachments with a 4-byte AttachmentIdCount (gromox) is read as such and says so', () => {
    const bytes = buffer('5200' + '00000000' + '02000000' + '01000000' + '02000000' + '2000' + '00000000' + '08000000');
    const d = decodeRopResponseBuffer(bytes, { execRequest });
    expect(d.failures).toBe(0);
    const r = rop(d.tree, 0);
    expect(d.value!.RopsList[0]).toMatchObject({
      AttachmentIdCount: 2,
      AttachmentIdArray: [1, 2],
      Reading: '32-bit AttachmentIdCount (as gromox writes it)',
    });
    expect([at(r, 'AttachmentIdCount').offset, at(r, 'AttachmentIdCount').length]).toEqual([8, 4]);
    expect(at(r, 'AttachmentIdArray')).toMatchObject({ offset: 12, length: 8 });
    expect(at(r, 'Reading').display).toBe(
      '32-bit AttachmentIdCount (as gromox writes it): the layout as specified leaves an inconsistent ROP buffer here',
    );
    // The next response is still found and paired.
    expect(rop(d.tree, 1).display).toMatch(/^answers request #2/);
    expect(encodeRopResponseBuffer(d.value!, execRequest)).toEqual(bytes);
  });

  it('a count of 0 in 4 bytes, followed by a RopGetMessageStatus response with RopId 0x1F', () => {
    const bytes = buffer('5200' + '00000000' + '00000000' + '1F00' + '00000000' + '08000000');
    const d = decodeRopResponseBuffer(bytes, { execRequest });
    expect(d.failures).toBe(0);
    expect(d.value!.RopsList.map((x: { RopId: number }) => x.RopId)).toEqual([0x52, 0x1f]);
    expect(d.value!.RopsList[0].Reading).toBe('32-bit AttachmentIdCount (as gromox writes it)');
    expect(rop(d.tree, 1).display).toMatch(/^answers request #2/);
    expect(d.value!.RopsList[1].MessageStatusFlags).toBe(8);
    expect(encodeRopResponseBuffer(d.value!, execRequest)).toEqual(bytes);
  });

  it('RopGetMessageStatus answered with RopId 0x20 as [MS-OXCROPS] 2.2.6.9.2 has it', () => {
    const bytes = buffer('5200' + '00000000' + '0000' + '2000' + '00000000' + '08000000');
    const d = decodeRopResponseBuffer(bytes, { execRequest });
    expect(d.failures).toBe(0);
    expect(rop(d.tree, 1).display).toMatch(/^answers request #2/);
  });

  it('a lone response (no request): the end of its window decides, and a value without Reading encodes as specified', () => {
    const spec = ropGetValidAttachments.response!;
    const d = decode(spec, fromHex('520000000000' + '01000000' + '07000000'));
    expect(d.failures).toBe(0);
    expect(d.value).toMatchObject({
      AttachmentIdArray: [7],
      Reading: '32-bit AttachmentIdCount (as gromox writes it)',
    });
    expect(encode(spec, { RopId: 0x52, InputHandleIndex: 0, ReturnValue: 0, AttachmentIdArray: [7] })).toEqual(
      fromHex('520000000000' + '0100' + '07000000'),
    );
  });

  it('RopRegisterNotification: the specified layout, and the 2-byte NotificationTypes with Extended', () => {
    // NotificationTypes 0x04 · Reserved 0 · WantWholeStore 1: the same under both readings, read as specified.
    const plain = buffer('29000001' + '04' + '00' + '01', '01000000FFFFFFFF');
    const a = decodeRopRequestBuffer(plain);
    expect(a.failures).toBe(0);
    expect(a.value!.RopsList[0]).toMatchObject({
      NotificationTypes: 4,
      Reserved: 0,
      WantWholeStore: 1,
      Reading: 'as specified',
    });
    expect(encodeRopRequestBuffer(a.value!)).toEqual(plain);
    // 0x0402 (NewMail | Extended) · Reserved 0 · WantWholeStore 1: read as specified, WantWholeStore would be 0
    // and 16 bytes of ids would have to follow; only the other reading fits.
    const ext = buffer('29000001' + '0204' + '00' + '01', '01000000FFFFFFFF');
    const b = decodeRopRequestBuffer(ext);
    expect(b.failures).toBe(0);
    expect(b.value!.RopsList[0]).toMatchObject({
      NotificationTypes: 0x0402,
      Reserved: 0,
      WantWholeStore: 1,
      Reading: '2-byte NotificationTypes with Extended (0x0400) and a Reserved byte',
    });
    expect(at(rop(b.tree, 0), 'NotificationTypes')).toMatchObject({
      offset: 6,
      length: 2,
      display: '0x0402 (NewMail | Extended)',
    });
    expect(encodeRopRequestBuffer(b.value!)).toEqual(ext);
  });
});
