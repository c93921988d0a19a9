/**
 * NSPI 8-bit strings in STAT's CodePage ([MS-OXNSPI] 2.2.8), on the real
 * GetMatches pair of syncgw exchange 6 (Outlook's request, gromox's rows).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodedNode } from '../../../../shared/codec/index.js';
import { decodeBody } from '../../../../shared/protocol/decode-exchange.js';
import { decodeExchange } from '../../../../shared/protocol/decode-exchange.js';
import type { Exchange } from '../../../../shared/capture/exchange.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/syncgw/${p}`, import.meta.url)));

function find(n: DecodedNode, pred: (n: DecodedNode) => boolean): DecodedNode | undefined {
  if (pred(n)) return n;
  for (const c of n.children ?? []) {
    const f = find(c, pred);
    if (f) return f;
  }
  return undefined;
}

function exchange(req: Uint8Array, resp: Uint8Array): Exchange {
  const h = [{ name: 'X-RequestType', value: 'GetMatches' }];
  return {
    id: 1,
    connectionId: 1,
    client: { address: '127.0.0.1', port: 1 },
    server: { address: '127.0.0.1', port: 2 },
    origin: 'http://127.0.0.1',
    timings: { requestStart: 0, responseEnd: 1, responseChunks: [] },
    request: { method: 'POST', url: '/mapi/nspi/?MailboxId=x', httpVersion: '1.1', headers: h, body: req },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [...h, { name: 'X-ResponseCode', value: '0' }],
      body: resp,
    },
  } as unknown as Exchange;
}

describe('NSPI strings in the STAT CodePage', () => {
  const req = fixture('getmatches_req6.bin');
  const resp = fixture('getmatches_resp6.bin');
  const reqStat = find(decodeBody('GetMatches', 'request', req).tree, (n) => n.name === 'CodePage')!;
  const decoded = decodeBody('GetMatches', 'response', resp).tree;
  const respStat = find(decoded, (n) => n.name === 'CodePage')!;
  // PidTagDisplayName (0x3001001E) of the row is "t1"; its first byte becomes 0x80 so that the code page matters.
  const name = find(decoded, (n) => n.name === 'Value' && n.value === 't1')!;
  const patched = (cp?: number) => {
    const b = resp.slice();
    b[name.offset] = 0x80;
    if (cp !== undefined) new DataView(b.buffer).setUint32(respStat.offset, cp, true);
    return b;
  };
  const valueIn = (b: Uint8Array) =>
    find(decodeExchange(exchange(req, b)).response!.tree, (n) => n.name === 'Value' && n.offset === name.offset)!;

  it('the real request (Outlook) and response (gromox) carry STAT CodePage 1252; the row has a PtypString8 name', () => {
    expect([reqStat.offset, reqStat.value, reqStat.display]).toEqual([29, 1252, 'Windows-1252 (1252)']);
    expect([respStat.offset, respStat.value]).toEqual([33, 1252]);
    expect([name.offset, name.length, name.display]).toEqual([126, 3, '"t1"']);
  });

  it("the row's 8-bit strings are read in the STAT's code page: 0x80 is the euro sign", () => {
    const v = valueIn(patched());
    expect([v.offset, v.length, v.value]).toEqual([126, 3, '€1']);
    expect(v.display).toBe('"€1" · windows-1252 (1252), from STAT CodePage at offset 33');
  });

  it('with the STAT patched to 1251 the same byte is Cyrillic', () => {
    expect(valueIn(patched(1251)).display).toBe('"Ђ1" · windows-1251 (1251), from STAT CodePage at offset 33');
  });

  it('STAT CodePage 1200 (CP_WINUNICODE) is not an 8-bit code page: the bytes are not read as UTF-16', () => {
    const v = valueIn(patched(1200));
    expect([v.length, v.value, v.display]).toEqual([
      3,
      '\u00801',
      '"\u00801" · code page unknown, shown as ISO-8859-1',
    ]);
  });
});
