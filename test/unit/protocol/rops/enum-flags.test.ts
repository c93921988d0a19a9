import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DecodedNode, fromHex } from '../../../../shared/codec/index.js';
import { decodeRopRequestBuffer } from '../../../../shared/protocol/rops/buffer.js';
import { ropOpenAttachment, ropOpenEmbeddedMessage, ropOpenMessage } from '../../../../shared/protocol/rops/message.js';
import { ropLockRegionStream } from '../../../../shared/protocol/rops/stream.js';
import { ruleActionCodec } from '../../../../shared/protocol/oxcdata/values.js';
import { child, roundTrip } from './rop-helpers.js';

function find(n: DecodedNode, name: string, out: DecodedNode[] = []): DecodedNode[] {
  if (n.name === name) out.push(n);
  for (const c of n.children ?? []) find(c, name, out);
  return out;
}

describe('enumerations are not shown as bit flags', () => {
  // RopModifyRecipients: header 01 00 00 (RopId 0x0E) · ColumnCount 0 · RowCount 1 · RowId 0 · RecipientType · RowSize 0.
  const modifyRecipients = (type: string) => `0E0000` + `0000` + `0100` + `00000000` + type + `0000`;

  it.each([
    ['01', '0x01 (To)'],
    ['03', '0x03 (Bcc)'], // was "To | Cc | Bcc"
    ['91', '0x91 (To | Resend | ResendNotNeeded)'],
    ['13', '0x13 (Bcc | Resend)'],
    ['05', '0x05 (unknown 0x05)'],
    ['23', '0x23 (Bcc | 0x20)'],
  ])('RecipientType %s reads %s ([MS-OXOMSG] 2.2.3.1)', (b, shown) => {
    // RopSize 0x11 (itself + 15 bytes of ROP), then one server handle; RecipientType at 2 + 3 + 2 + 2 + 4 = 13.
    const d = decodeRopRequestBuffer(fromHex('1100' + modifyRecipients(b) + 'FFFFFFFF'));
    const t = find(d.tree, 'RecipientType'); // the empty RecipientRow after it is an error node of its own
    expect(t.map((n) => [n.offset, n.length, n.value, n.display])).toEqual([[13, 1, parseInt(b, 16), shown]]);
  });

  it('the real Outlook 2007 RopModifyRecipients row (openchange fixture) is a To recipient', () => {
    const bytes = new Uint8Array(
      readFileSync(
        new URL('../../../fixtures/openchange/001_Outlook_2007_in_ModifyRecipients.decompressed.bin', import.meta.url),
      ),
    );
    const t = find(decodeRopRequestBuffer(bytes).tree, 'RecipientType');
    expect(t.map((n) => [n.offset, n.display])).toEqual([[68, '0x01 (To)']]);
  });

  it.each([
    ['00', '0x00 (ReadOnly)'],
    ['01', '0x01 (ReadWrite)'],
    ['03', '0x03 (BestAccess)'], // was "ReadWrite | BestAccess"
    ['07', '0x07 (BestAccess | OpenSoftDeleted)'],
  ])('RopOpenMessage OpenModeFlags %s reads %s ([MS-OXCMSG] 2.2.3.1.1)', (b, shown) => {
    // RopId 03 · LogonId 00 · InputHandleIndex 00 · OutputHandleIndex 01 · CodePageId 0x0FFF · FolderId · OpenModeFlags · MessageId
    const { tree } = roundTrip(ropOpenMessage.request, `03000001FF0F0100000000000001${b}0100000000000002`);
    expect([child(tree, 'OpenModeFlags')!.offset, child(tree, 'OpenModeFlags')!.display]).toEqual([14, shown]);
  });

  it('RopOpenAttachment and RopOpenEmbeddedMessage modes are one value each ([MS-OXCMSG] 2.2.3.12.1, 2.2.3.16.1)', () => {
    expect(
      child(roundTrip(ropOpenAttachment.request, '2200000103' + '00000000').tree, 'OpenAttachmentFlags')!.display,
    ).toBe('BestAccess (0x03)');
    expect(child(roundTrip(ropOpenEmbeddedMessage.request, '46000001E40402').tree, 'OpenModeFlags')!.display).toBe(
      'Create (0x02)',
    );
  });

  it('RopLockRegionStream LockFlags is one value ([MS-OXCPRPT] 2.2.24.1): 1 exclusive, anything else a write lock', () => {
    const at = (flags: string) =>
      child(
        roundTrip(ropLockRegionStream.request, '5B0000' + '0000000000000000' + '0001000000000000' + flags).tree,
        'LockFlags',
      )!;
    expect([at('01000000').offset, at('01000000').display]).toEqual([19, 'LockExclusive (0x00000001)']);
    expect(at('00000000').display).toBe('write lock (0x00000000)');
  });

  it('ActionFlavor bits are named per ActionType ([MS-OXORULE] 2.2.5.1)', () => {
    // NoOfActions 2: OP_FORWARD (7) with flavor 0x05 and an empty recipient list; OP_REPLY (3) with flavor 0x02.
    const block = (type: string, flavor: string, data: string) =>
      (9 + data.length / 2).toString(16).padStart(2, '0') + '00' + type + flavor + '00000000' + data;
    const fwdData = '0000'; // RecipientCount 0
    const replyData = '0100000000000001' + '0200000000000002' + '00000000000000000000000000000000'; // FID, MID, GUID
    const hex = '0200' + block('07', '05000000', fwdData) + block('03', '02000000', replyData);
    const { tree } = roundTrip(ruleActionCodec('rop'), hex);
    expect(find(tree, 'ActionFlavor').map((n) => n.display)).toEqual(['0x00000005 (PR | AT)', '0x00000002 (ST)']);
  });
});
