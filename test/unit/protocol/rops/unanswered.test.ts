/**
 * A response ROP list shorter than the request's: the tree says how many ROPs
 * were requested and answered, and which got no response ([MS-OXCROPS] 3.2.5.2).
 * The request is the real ruler → gromox GetRulesTable + SetColumns + QueryRows
 * of cap1 exchange 8; the responses are cut from its real response.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectErrors, findAll } from '../../../../shared/codec/index.js';
import { decodeBody } from '../../../../shared/protocol/decode-exchange.js';
import { decodeRopResponseBuffer } from '../../../../shared/protocol/rops/buffer.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));
const request = decodeBody('Execute', 'request', fixture('gromox-ruler/cap1/008-mapi-emsmdb-Execute.request.bin'));

/** ROP output buffer: RopSize, the ROPs (hex), the handle table. */
function responseBuffer(rops: string, handles: number[]): Uint8Array {
  const r = Buffer.from(rops.replace(/\s/g, ''), 'hex');
  const out = Buffer.alloc(2 + r.length + 4 * handles.length);
  out.writeUInt16LE(2 + r.length, 0);
  r.copy(out, 2);
  handles.forEach((h, i) => out.writeUInt32LE(h, 2 + r.length + 4 * i));
  return new Uint8Array(out);
}

function decodeResponse(rops: string) {
  const d = decodeRopResponseBuffer(responseBuffer(rops, [0x0c000001, 0xffffffff]), { execRequest: request.value });
  const list = findAll(d.tree, 'RopsList')[0]!;
  return { d, list, gap: findAll(d.tree, 'UnansweredRops') };
}

describe('unanswered ROPs in the tree', () => {
  it('the request is the real three-ROP rules-table read', () => {
    expect(request.rops.map((r) => r.name)).toEqual(['RopGetRulesTable', 'RopSetColumns', 'RopQueryRows']);
  });

  it('an empty response list: "3 ROPs requested, 0 answered", a generated node of no bytes, no error', () => {
    const { d, list, gap } = decodeResponse('');
    expect(list.display).toBe('0 ROPs · 3 ROPs requested, 0 answered');
    expect(gap).toEqual([
      {
        name: 'UnansweredRops',
        offset: 2,
        length: 0,
        generated: true,
        value: 3,
        display: '3 ROPs requested, 0 answered: no response to #1 RopGetRulesTable, #2 RopSetColumns, #3 RopQueryRows',
      },
    ]);
    expect(collectErrors(d.tree)).toEqual([]);
  });

  it('one answer of three (3F 01 B9040000, as gromox sent it)', () => {
    const { list, gap } = decodeResponse('3F 01 B9040000');
    expect(list.display).toBe('1 ROP · 3 ROPs requested, 1 answered');
    expect(gap.map((n) => [n.offset, n.display])).toEqual([
      [8, '3 ROPs requested, 1 answered: no response to #2 RopSetColumns, #3 RopQueryRows'],
    ]);
  });

  it('all three answered (the real response): no node', () => {
    const { list, gap } = decodeResponse('3F 01 B9040000 12 01 B9040000 15 01 B9040000');
    expect(list.display).toBe('3 ROPs');
    expect(gap).toEqual([]);
  });

  it('RopBackoff stops the list on purpose, and the node says so', () => {
    // RopBackoff ([MS-OXCROPS] 2.2.15.2): LogonId 0C, Duration 1000 ms, one BackoffRop (0x15, 2000 ms), no AdditionalData.
    const { gap } = decodeResponse('3F 01 B9040000 F9 0C E8030000 01 15 D0070000 0000');
    expect(gap.map((n) => n.display)).toEqual([
      '3 ROPs requested, 1 answered: no response to #2 RopSetColumns, #3 RopQueryRows (RopBackoff: the server stopped running the list)',
    ]);
  });
});
