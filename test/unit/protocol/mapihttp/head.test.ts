/**
 * The typed head of an exchange (shared/protocol/mapihttp/head.ts) on real heads: the ruler ⇄
 * gromox capture (cap1: sid/sequence cookies, mixed-case X- names, upper-case BIND) and the
 * Exchange Server SE header sets (lower-case response headers, the four Exchange cookies).
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../../shared/capture/exchange.js';
import { decodeExchange } from '../../../../shared/protocol/decode-exchange.js';
import { parseExchangeHead, readFinalHeaders } from '../../../../shared/protocol/mapihttp/head.js';
import { summarizeExchange } from '../../../../shared/protocol/summary.js';
import { exchangeSe } from '../../redact/sources.js';
import { loadCap1 } from '../../session/helpers.js';

const cap1 = loadCap1();
const byId = (id: number): Exchange => cap1.find((e) => e.id === id)!;

describe('parseExchangeHead on real heads', () => {
  it('cap1 #2, an Execute to gromox: every field exactly', () => {
    expect(parseExchangeHead(byId(2))).toEqual({
      endpoint: 'emsmdb',
      requestTypeSent: 'Execute',
      requestType: 'Execute',
      bodyType: 'Execute',
      host: '127.0.0.1:10080',
      requestId: '{C715155F-2BE8-44E0-BD34-2960065754C8}:3',
      clientInfo: '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}',
      clientApplication: 'Outlook/15.0.4815.1002',
      userAgent: 'ruler',
      authorization: { scheme: '<redacted>' },
      cookies: [
        { name: 'sid', value: 'alx6iclbe2u0lap2b7qdten0stcd00sb' },
        { name: 'sequence', value: 'f4f32b3a-fcfc-4274-9cb9-ff89b9abb245' },
      ],
      cookieRoles: ['context', 'sequence'],
      status: 200,
      responseCode: 0,
      serverApplication: 'Exchange/15.00.0847.4040',
      pendingPeriodMs: 30000,
      expirationMs: 900000,
      wwwAuthenticate: [],
      setCookies: [
        { name: 'sid', value: 'alx6iclbe2u0lap2b7qdten0stcd00sb', attributes: [] },
        { name: 'sequence', value: 'dae7d7a7-3951-4542-832b-47a19fe9356f', attributes: [] },
      ],
      setCookieRoles: ['context', 'sequence'],
    });
  });

  it('cap1 #1, the Connect: no Cookie header yet, the session cookies set by the response', () => {
    const h = parseExchangeHead(byId(1));
    expect(h.cookies).toEqual([]);
    expect(h.cookieRoles).toEqual([]);
    expect(h.requestType).toBe('Connect');
    expect(h.requestId).toBe('{C715155F-2BE8-44E0-BD34-2960065754C8}:2');
    expect(h.setCookies.map((c) => `${c.name}=${c.value}`)).toEqual([
      'sid=alx6iclbe2u0lap2b7qdten0stcd00sb',
      'sequence=f4f32b3a-fcfc-4274-9cb9-ff89b9abb245',
    ]);
  });

  it('cap1 #13: the upper-case BIND as sent, its canonical spelling, the nspi endpoint', () => {
    const h = parseExchangeHead(byId(13));
    expect([h.endpoint, h.requestTypeSent, h.requestType, h.bodyType]).toEqual(['nspi', 'BIND', 'Bind', 'Bind']);
    expect(h.setCookies.map((c) => c.name)).toEqual(['sid', 'sequence']);
  });

  it('Exchange SE execute-logon: lower-case response headers, the four Exchange cookies and their roles', () => {
    const ex = exchangeSe().find((e) =>
      e.request.headers.some((h) => h.value === '{00000000-0000-0000-0000-000000000000}:2' && h.name === 'X-RequestId'),
    )!;
    const h = parseExchangeHead(ex);
    expect(h.endpoint).toBe('emsmdb');
    expect(h.requestType).toBe('Execute');
    expect(h.host).toBe('exchange-lab-01');
    expect(h.clientApplication).toBe('Outlook/15.00.0847.4040');
    expect(h.clientInfo).toBe('{00000000-0000-0000-0000-000000000000}:1');
    expect(h.cookies.map((c) => c.name)).toEqual(['MapiRouting', 'MapiContext', 'MapiSequence', 'X-BackEndCookie']);
    expect(h.cookieRoles).toEqual(['affinity', 'context', 'sequence', 'affinity']);
    expect([h.responseCode, h.pendingPeriodMs, h.expirationMs]).toEqual([0, 30000, 900000]);
    expect(h.serverApplication).toBe('Exchange/15.02.2562.045');
    expect(h.setCookies.map((c) => c.name)).toEqual(['MapiRouting', 'MapiSequence', 'MapiContext', 'X-BackEndCookie']);
    expect(h.setCookieRoles).toEqual(['affinity', 'sequence', 'context', 'affinity']);
    expect(h.setCookies[0]!.attributes).toEqual([
      { name: 'path', value: '/mapi/' },
      { name: 'secure' },
      { name: 'HttpOnly' },
    ]);
  });

  it('the decoder and the list summary read the same head', () => {
    for (const ex of cap1) {
      const h = parseExchangeHead(ex);
      const d = decodeExchange(ex, {}, { tree: false }, h);
      expect(d.endpoint).toBe(h.endpoint);
      expect(d.requestType).toBe(h.bodyType);
      expect(d.cookies).toBe(h.cookies);
      expect(d.setCookies).toBe(h.setCookies);
      const s = summarizeExchange(ex, h);
      expect([s.endpoint, s.requestType, s.status, s.host, s.clientInfo]).toEqual([
        h.endpoint,
        h.requestTypeSent,
        h.status,
        h.host,
        h.clientInfo,
      ]);
    }
  });
});

describe('endpoint and body type from the head', () => {
  const bare = (method: string, url: string, type?: string): Exchange => ({
    id: 1,
    connectionId: 1,
    timings: { requestStart: 0 },
    request: {
      method,
      url,
      httpVersion: '1.1',
      headers: type === undefined ? [] : [{ name: 'x-requesttype', value: type }],
      body: new Uint8Array(0),
    },
  });
  it('by path, by RPC over HTTP method, then by X-RequestType when the path is not the conventional one', () => {
    const h = (m: string, u: string, t?: string) => {
      const x = parseExchangeHead(bare(m, u, t));
      return [x.endpoint, x.bodyType];
    };
    expect(h('POST', 'https://mail.example.test/mapi/nspi/?MailboxId=a')).toEqual(['nspi', undefined]);
    expect(h('RPC_IN_DATA', '/anything')).toEqual(['rpcproxy', 'RPC_IN_DATA']);
    expect(h('POST', '/rpc/rpcproxy.dll?x:6001')).toEqual(['rpcproxy', 'RPC_IN_DATA']);
    expect(h('POST', '/Autodiscover/Autodiscover.xml')).toEqual(['autodiscover', 'Autodiscover']);
    expect(h('POST', '/custom', 'getmatches')).toEqual(['nspi', 'GetMatches']);
    expect(h('POST', '/custom', 'EXECUTE')).toEqual(['emsmdb', 'Execute']);
    expect(h('POST', '/custom', 'Frobnicate')).toEqual(['other', undefined]);
    expect(h('GET', '/')).toEqual(['other', undefined]);
  });
});

describe('readFinalHeaders: the headers after DONE', () => {
  it('cap1 #2: X-ElapsedTime and X-StartTime of the gromox stream, read by the stream decoder', () => {
    const d = decodeExchange(byId(2), {}, { tree: false });
    expect(d.response!.streamValue!.FinalHeaders).toEqual({ elapsedMs: 0, startTime: 'Sun, 22 Nov 2026 11:24:11 GMT' });
  });
  it('a late X-ResponseCode (the last one counts), milliseconds as decimal digits only', () => {
    expect(
      readFinalHeaders([
        { name: 'X-ResponseCode', value: '0' },
        { name: 'x-responsecode', value: ' 15 ' },
        { name: 'X-ElapsedTime', value: '12ms' },
      ]),
    ).toEqual({ responseCode: 15 });
  });
});
