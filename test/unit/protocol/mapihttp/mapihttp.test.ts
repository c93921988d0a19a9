import { describe, expect, it } from 'vitest';
import { findNode, fromHex, toHex } from '../../../../shared/codec/index.js';
import { requestHead, responseHead } from '../../../../shared/capture/head-text.js';
import type { Exchange } from '../../../../shared/capture/exchange.js';
import {
  canonicalRequestType,
  decodeBody,
  decodeExchange,
  encodeBody,
  responseCodeName,
} from '../../../../shared/protocol/decode-exchange.js';
import {
  hasPreamble,
  parseCookieHeader,
  parsePreamble,
  parseSetCookie,
  splitGuidCounter,
} from '../../../../shared/protocol/mapihttp/index.js';
import { fixture, loadMetaExchange } from '../transport-helpers.js';

const text = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

describe('request types and response codes', () => {
  it('canonical spellings, any case', () => {
    expect(canonicalRequestType('BIND')).toBe('Bind');
    expect(canonicalRequestType('dntomid')).toBe('DNToMId');
    expect(canonicalRequestType('DnToMinId')).toBe('DNToMId');
    expect(canonicalRequestType('compareminids')).toBe('CompareMIds');
    expect(canonicalRequestType('ping')).toBe('PING');
    expect(canonicalRequestType('getaddressbookurl')).toBe('GetAddressBookUrl');
    expect(canonicalRequestType(' Execute ')).toBe('Execute');
    expect(canonicalRequestType('Frobnicate')).toBeUndefined();
  });
  it('X-ResponseCode names', () => {
    expect(responseCodeName(0)).toBe('Success');
    expect(responseCodeName(10)).toBe('Context Not Found');
    expect(responseCodeName(15)).toBe('Invalid Sequence');
    expect(responseCodeName(18)).toBe('Endpoint Shutting Down');
    expect(responseCodeName(99)).toBe('Unknown response code 99');
  });
});

describe('response stream: meta-tags, additional headers, body', () => {
  it('cap2 NotificationWait held open: PENDING without CRLF, stream ends before DONE', () => {
    const b = fixture('gromox-ruler/cap2/003-mapi-emsmdb-NotificationWait.response.bin');
    expect(latin1(b)).toBe('PROCESSING\r\nPENDINGPENDING');
    const p = parsePreamble(b);
    expect(p.metaTags).toEqual([
      { tag: 'PROCESSING', offset: 0, length: 12, crlf: true },
      { tag: 'PENDING', offset: 12, length: 7, crlf: false },
      { tag: 'PENDING', offset: 19, length: 7, crlf: false },
    ]);
    expect(p.complete).toBe(false);
    const d = decodeBody('NotificationWait', 'response', b);
    expect(d.errors).toEqual([]);
    expect(d.unparsedBytes).toBe(0);
    expect(d.complete).toBe(false);
    expect(d.value).toBeUndefined();
    expect(d.metaTags).toEqual([
      { tag: 'PROCESSING', offset: 0 },
      { tag: 'PENDING', offset: 12 },
      { tag: 'PENDING', offset: 19 },
    ]);
    expect(d.tree.children!.map((c) => c.display)).toEqual([
      'PROCESSING',
      'PENDING (no CRLF)',
      'PENDING (no CRLF)',
      'stream ended before the body (response still pending when captured, or cut short)',
    ]);
    expect(toHex(encodeBody(d))).toBe(toHex(b));
  });

  it('cap2 PING: PROCESSING, DONE, X-ElapsedTime, X-StartTime, blank line, empty body', () => {
    const b = fixture('gromox-ruler/cap2/004-mapi-emsmdb-PING.response.bin');
    const d = decodeBody('ping', 'response', b);
    expect(d.requestType).toBe('PING');
    expect(d.errors).toEqual([]);
    expect(d.unparsedBytes).toBe(0);
    expect(d.complete).toBe(true);
    const h = findNode(d.tree, 'AdditionalHeaders')!;
    expect(h).toMatchObject({ offset: 18, length: 62 });
    expect(h.children!.map((c) => [c.name, c.value, c.offset, c.length])).toEqual([
      ['X-ElapsedTime', '0', 18, 18],
      ['X-StartTime', 'Sun, 22 Nov 2026 11:26:14 GMT', 36, 44],
    ]);
    expect(findNode(d.tree, 'EndOfHeaders')).toMatchObject({ offset: 80, length: 2 });
    expect(findNode(d.tree, 'PINGResponse')).toMatchObject({ offset: 82, length: 0 });
    expect(b.length).toBe(82);
  });

  it('TRANSPORT.md V14 de-chunked Disconnect stream: PROCESSING, PENDING, DONE, headers, 12-byte body', () => {
    const s = new Uint8Array([
      ...text(
        'PROCESSING\r\nPENDING\r\nDONE\r\nX-ElapsedTime: 3\r\nX-StartTime: Mon, 02 Jun 2025 10:00:00 GMT\r\n\r\n',
      ),
      ...new Uint8Array(12),
    ]);
    const d = decodeBody('Disconnect', 'response', s);
    expect(d.errors).toEqual([]);
    expect(d.metaTags!.map((t) => t.offset)).toEqual([0, 12, 21]);
    expect(findNode(d.tree, 'DisconnectResponse')).toMatchObject({ offset: 91, length: 12 });
    expect(d.value).toEqual({ StatusCode: 0, ErrorCode: 0, AuxiliaryBufferSize: 0, AuxiliaryBuffer: [] });
    expect(toHex(encodeBody(d))).toBe(toHex(s));
  });

  it('an X-ResponseCode after DONE is authoritative and turns the body into diagnostic text', () => {
    const s = text(
      'PROCESSING\r\nDONE\r\nX-ResponseCode: 10\r\nX-ElapsedTime: 1\r\n\r\n<html><body><h1>Diagnostic Information</h1><p>context gone</p></body></html>',
    );
    const d = decodeBody('Execute', 'response', s, { responseCode: 0 });
    expect(d.responseCode).toBe(10);
    expect(d.errors).toEqual([]);
    const x = findNode(d.tree, 'AdditionalHeaders/X-ResponseCode')!;
    expect(x.display).toBe('10 (Context Not Found), authoritative');
    const body = findNode(d.tree, 'ExecuteResponse')!;
    expect(body.display).toBe('X-ResponseCode 10 (Context Not Found): Diagnostic Information context gone');
    expect(d.value).toBeUndefined();
    expect(toHex(encodeBody(d))).toBe(toHex(s));
  });

  it('a non-zero header X-ResponseCode with a bare text/html body (no preamble) decodes as text', () => {
    const s = text('<html><p>Missing cookie</p></html>');
    const d = decodeBody('PING', 'response', s, { responseCode: 13 });
    expect(d.errors).toEqual([]);
    expect(d.responseCode).toBe(13);
    // without a preamble the root is the body node itself
    expect(d.tree).toMatchObject({
      name: 'PINGResponse',
      offset: 0,
      length: s.length,
      display: 'X-ResponseCode 13 (Missing Cookie): Missing cookie',
    });
  });

  it('bodies without the preamble (syncgw) decode directly; garbage after a tag is an error node', () => {
    expect(hasPreamble(fixture('syncgw/connect_resp18.bin'))).toBe(false);
    expect(hasPreamble(text('PEND'))).toBe(true);
    const d = decodeBody('PING', 'response', text('PROCESSING\r\nBOGUS\r\n'));
    expect(d.errors.map((e) => [e.path, e.message, e.offset])).toEqual([
      ['MapiHttpResponse/Preamble', 'expected PROCESSING, PENDING or DONE', 12],
    ]);
  });

  it('an additional header line without a name is reported', () => {
    const d = decodeBody('PING', 'response', text('DONE\r\nnot a header\r\n\r\n'));
    expect(d.errors[0]!.message).toMatch(/additional header line without a name/);
  });
});

describe('headers and cookies', () => {
  it('Cookie and Set-Cookie parsing (Exchange names, attributes)', () => {
    expect(parseCookieHeader('MapiRouting=a; MapiContext=b;MapiSequence=c ; X-BackEndCookie=d=e')).toEqual([
      { name: 'MapiRouting', value: 'a', at: 0, length: 13 },
      { name: 'MapiContext', value: 'b', at: 15, length: 13 },
      { name: 'MapiSequence', value: 'c', at: 29, length: 14 },
      { name: 'X-BackEndCookie', value: 'd=e', at: 46, length: 19 },
    ]);
    expect(
      parseSetCookie('X-BackEndCookie=v1; expires=Mon, 01 Jan 2029 00:00:00 GMT; path=/mapi; secure; HttpOnly'),
    ).toEqual({
      name: 'X-BackEndCookie',
      value: 'v1',
      attributes: [
        { name: 'expires', value: 'Mon, 01 Jan 2029 00:00:00 GMT' },
        { name: 'path', value: '/mapi' },
        { name: 'secure' },
        { name: 'HttpOnly' },
      ],
    });
  });

  it("GUID:counter headers (and ruler's X-ClientInfo without a counter)", () => {
    expect(splitGuidCounter('{C715155F-2BE8-44E0-BD34-2960065754C8}:2')).toEqual({
      guid: '{C715155F-2BE8-44E0-BD34-2960065754C8}',
      counter: 2,
    });
    expect(splitGuidCounter('E2EA6C1C-E61B-49E9-9CFB-38184F907552:123456')).toEqual({
      guid: 'E2EA6C1C-E61B-49E9-9CFB-38184F907552',
      counter: 123456,
    });
    expect(splitGuidCounter('{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}')).toEqual({
      guid: '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}',
    });
    expect(splitGuidCounter('opaque')).toBeUndefined();
  });
});

describe('decodeExchange', () => {
  it('cap1 001 Connect: endpoint, type, header tree offsets into the head text, gromox cookies', () => {
    const ex = loadMetaExchange('gromox-ruler/cap1/001-mapi-emsmdb-Connect');
    const d = decodeExchange(ex);
    expect(d.endpoint).toBe('emsmdb');
    expect(d.requestType).toBe('Connect');
    expect(d.responseCode).toBe(0);
    expect(d.cookies).toEqual([]);
    expect(d.setCookies).toEqual([
      { name: 'sid', value: 'alx6iclbe2u0lap2b7qdten0stcd00sb', attributes: [] },
      { name: 'sequence', value: 'f4f32b3a-fcfc-4274-9cb9-ff89b9abb245', attributes: [] },
    ]);
    expect(d.metaTags.map((t) => t.tag)).toEqual(['PROCESSING', 'DONE']);
    expect(d.request!.errors).toEqual([]);
    expect(d.response!.errors).toEqual([]);
    // header nodes point into the head text exactly
    const head = latin1(requestHead(ex));
    const rt = findNode(d.http.request, 'Headers/X-Requesttype')!;
    expect(head.slice(rt.offset, rt.offset + rt.length)).toBe('X-Requesttype: Connect\r\n');
    expect(rt.display).toBe('Connect');
    const rid = findNode(d.http.request, 'Headers/X-Requestid/Counter')!;
    expect(rid.value).toBe(2);
    expect(head.slice(rid.offset, rid.offset + rid.length)).toBe('2');
    expect(findNode(d.http.request, 'RequestLine/Method')).toMatchObject({ value: 'POST', offset: 0, length: 4 });
    expect(d.http.request).toMatchObject({ buffer: 'request-head', offset: 0, length: head.length });
    const rhead = latin1(responseHead(ex)!);
    const sc = d.http.response!.children![1]!.children!.filter((c) => c.name === 'Set-Cookie');
    expect(sc.map((n) => n.display)).toEqual([
      'sid=alx6iclbe2u0lap2b7qdten0stcd00sb (session context cookie (gromox))',
      'sequence=f4f32b3a-fcfc-4274-9cb9-ff89b9abb245 (sequence cookie (gromox))',
    ]);
    const sid = sc[0]!.children![0]!;
    expect(rhead.slice(sid.offset, sid.offset + sid.length)).toBe('sid=alx6iclbe2u0lap2b7qdten0stcd00sb');
    const code = findNode(d.http.response!, 'Headers/X-ResponseCode')!;
    expect(code.display).toBe('0 (Success)');
    expect(findNode(d.http.response!, 'Headers/X-PendingPeriod')!.display).toBe('30000 ms');
    expect(findNode(d.http.response!, 'Headers/X-ExpirationInfo')!.display).toBe('900000 ms');
  });

  it('cap2 NotificationWait: request cookies sent (sid, sequence), PENDING offsets', () => {
    const d = decodeExchange(loadMetaExchange('gromox-ruler/cap2/003-mapi-emsmdb-NotificationWait'));
    expect(d.cookies).toEqual([
      { name: 'sequence', value: '695c87f5-dc4e-42db-b310-2d4589f50941' },
      { name: 'sid', value: 'alg6icxbe2w0laz2b9zdteg1sta000kb' },
    ]);
    expect(d.metaTags).toEqual([
      { tag: 'PROCESSING', offset: 0 },
      { tag: 'PENDING', offset: 12 },
      { tag: 'PENDING', offset: 19 },
    ]);
    expect(d.response!.complete).toBe(false);
    const ck = findNode(d.http.request, 'Headers/Cookie/sid')!;
    expect(ck.display).toBe('session context cookie (gromox): alg6icxbe2w0laz2b9zdteg1sta000kb');
  });

  it("cap1 013: ruler's upper-case X-RequestType BIND maps to Bind on the nspi endpoint", () => {
    const d = decodeExchange(loadMetaExchange('gromox-ruler/cap1/013-mapi-nspi-BIND'));
    expect(d.endpoint).toBe('nspi');
    expect(d.requestType).toBe('Bind');
    expect(d.request!.requestType).toBe('Bind');
    expect(
      findNode(d.http.request, 'Headers/X-RequestType')?.display ??
        findNode(d.http.request, 'Headers/X-Requesttype')!.display,
    ).toBe('BIND → Bind');
  });

  it('Execute: the response is decoded with the request as context (ROP pairing works)', () => {
    const d = decodeExchange(loadMetaExchange('gromox-ruler/cap1/002-mapi-emsmdb-Execute'));
    expect(d.response!.errors).toEqual([]);
    expect(d.response!.rops.map((r) => r.name)).toEqual(['RopLogon']);
  });

  const base = (over: Partial<Exchange['request']>, resp?: Partial<NonNullable<Exchange['response']>>): Exchange => ({
    id: 1,
    connectionId: 1,
    timings: { requestStart: 0 },
    request: { method: 'POST', url: '/', httpVersion: '1.1', headers: [], body: new Uint8Array(0), ...over },
    ...(resp
      ? {
          response: {
            statusCode: 200,
            statusMessage: 'OK',
            httpVersion: '1.1',
            headers: [],
            body: new Uint8Array(0),
            chunks: [],
            ...resp,
          },
        }
      : {}),
  });

  it('Exchange cookies in the request (MapiRouting/MapiContext/MapiSequence/X-BackEndCookie) get their roles', () => {
    const d = decodeExchange(
      base({
        url: 'https://ex/mapi/emsmdb/?MailboxId=x',
        headers: [
          { name: 'X-RequestType', value: 'PING' },
          { name: 'Cookie', value: 'MapiRouting=r; MapiContext=c; MapiSequence=s; X-BackEndCookie=b' },
        ],
      }),
    );
    expect(d.cookies.map((c) => c.name)).toEqual(['MapiRouting', 'MapiContext', 'MapiSequence', 'X-BackEndCookie']);
    expect(findNode(d.http.request, 'Headers/Cookie')!.children!.map((c) => c.display)).toEqual([
      'routing cookie (Exchange): r',
      'session context cookie (Exchange): c',
      'sequence cookie (Exchange): s',
      'back-end server affinity cookie (Exchange): b',
    ]);
  });

  it('Outlook Anywhere RPC_IN_DATA is recognised and labelled, not decoded', () => {
    const body = fromHex('05000b03 10000000');
    const d = decodeExchange(base({ method: 'RPC_IN_DATA', url: '/rpc/rpcproxy.dll?mail:6001', body }));
    expect(d.endpoint).toBe('rpcproxy');
    expect(d.requestType).toBe('RPC_IN_DATA');
    expect(d.request!.errors).toEqual([]);
    expect(d.request!.tree.display).toBe('Outlook Anywhere (RPC over HTTP) data, 8 bytes, not decoded');
  });

  it('a 401 HTML page is shown as text, not decoded as a MAPI body', () => {
    const d = decodeExchange(
      base(
        { url: '/mapi/emsmdb/', headers: [{ name: 'X-RequestType', value: 'Connect' }], body: new Uint8Array(0) },
        { statusCode: 401, statusMessage: 'Unauthorized', body: text('<html>401 - Unauthorized</html>') },
      ),
    );
    expect(d.response!.errors).toEqual([]);
    expect(d.response!.tree.display).toBe('HTTP 401 body: 401 - Unauthorized');
    expect(d.responseCode).toBeUndefined();
  });

  it('other traffic is labelled other with head trees only', () => {
    const d = decodeExchange(base({ method: 'GET', url: 'https://x/owa/' }));
    expect(d.endpoint).toBe('other');
    expect(d.request).toBeUndefined();
  });
});

describe('Exchange Server SE header sets (case-insensitive lookups)', () => {
  it('lower-case response headers and the four Exchange cookies', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { FIXTURES } = await import('../transport-helpers.js');
    const { mapiResponseHeaders, mapiRequestHeaders, requestCookies, responseSetCookies } =
      await import('../../../../shared/protocol/mapihttp/index.js');
    const t = readFileSync(join(FIXTURES, 'exchange-se/session-en-us__03-execute-logon.meta.txt'), 'latin1');
    const sect = (n: string) => {
      const ls = t.split('\n');
      const i = ls.indexOf(`[${n}]`);
      const out: { name: string; value: string }[] = [];
      for (let k = i + 1; k < ls.length && ls[k]!.trim() && !ls[k]!.startsWith('['); k++) {
        const c = ls[k]!.indexOf(':');
        out.push({ name: ls[k]!.slice(0, c), value: ls[k]!.slice(c + 1).trim() });
      }
      return out;
    };
    const rq = sect('request-headers');
    const rs = sect('response-headers');
    expect(mapiRequestHeaders(rq)).toMatchObject({
      requestType: 'Execute',
      canonicalRequestType: 'Execute',
      requestId: '{00000000-0000-0000-0000-000000000000}:2',
      clientApplication: 'Outlook/15.00.0847.4040',
    });
    expect(mapiResponseHeaders(rs)).toEqual({
      requestType: 'Execute',
      responseCode: 0,
      pendingPeriod: 30000,
      expirationInfo: 900000,
      serverApplication: 'Exchange/15.02.2562.045',
      requestId: '{00000000-0000-0000-0000-000000000000}:2',
      clientInfo: '{00000000-0000-0000-0000-000000000000}:1',
      contentType: 'application/mapi-http',
    });
    expect(requestCookies(rq).map((c) => c.name)).toEqual([
      'MapiRouting',
      'MapiContext',
      'MapiSequence',
      'X-BackEndCookie',
    ]);
    const sc = responseSetCookies(rs);
    expect(sc.map((c) => [c.name, c.attributes.find((a) => a.name === 'path')?.value])).toEqual([
      ['MapiRouting', '/mapi/'],
      ['MapiSequence', '/mapi/emsmdb'],
      ['MapiContext', '/mapi/emsmdb'],
      ['X-BackEndCookie', '/mapi'],
    ]);
    expect(sc[3]!.attributes.map((a) => a.name)).toEqual(['expires', 'path', 'secure', 'HttpOnly']);
  });
});
