/**
 * [MS-OXCROPS] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxcrops).
 */
import { describe, expect, it } from 'vitest';
import { collectErrors, unclaimedBytes } from '../../../../shared/codec/index.js';
import { decodeRopRequestBuffer, encodeRopRequestBuffer } from '../../../../shared/protocol/rops/buffer.js';
import { specExample } from './spec-example.js';

describe('[MS-OXCROPS] 4.4 RopRelease ROP request', () => {
  it('a whole ROP input buffer: RopSize 8, two RopRelease (handle indexes 0 and 1), handles 0x6F and 0x6E', () => {
    const ex = specExample('ms-oxcrops/4.4-RopRelease-input-buffer.hex');
    const { value, tree } = decodeRopRequestBuffer(ex.bytes);
    expect(collectErrors(tree)).toEqual([]);
    expect(unclaimedBytes(tree, 'body', ex.bytes.length)).toBe(0);
    expect(value).toEqual({
      RopSize: 8,
      RopsList: [
        { RopId: 0x01, LogonId: 0, InputHandleIndex: 0 },
        { RopId: 0x01, LogonId: 0, InputHandleIndex: 1 },
      ],
      ServerObjectHandleTable: [0x6f, 0x6e],
    });
    expect(tree.children!.map((c) => [c.name, c.offset, c.length])).toEqual([
      ['RopSize', 0, 2],
      ['RopsList', 2, 6],
      ['ServerObjectHandleTable', 8, 8],
    ]);
    expect(encodeRopRequestBuffer(value!)).toEqual(ex.bytes);
  });
});
