/** Exchange factories for the capture-format tests. */
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);

export function bytesOf(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export function h(...pairs: [string, string][]): RawHeader[] {
  return pairs.map(([name, value]) => ({ name, value }));
}

/** A MAPI/HTTP Execute exchange with a binary request, a streamed binary response and every optional field set. */
export function mapiExchange(over: Partial<Exchange> = {}): Exchange {
  const payload = bytesOf(300, 7);
  const preamble = te(
    'PROCESSING\r\nPENDING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 12\r\nX-StartTime: Sun, 22 Nov 2026 11:24:11 GMT\r\n\r\n',
  );
  const body = new Uint8Array(preamble.length + payload.length);
  body.set(preamble);
  body.set(payload, preamble.length);
  const t0 = 1795000000123.456;
  return {
    id: 3,
    connectionId: 2,
    client: { address: '127.0.0.1', port: 52742 },
    server: { address: '10.0.0.5', port: 443 },
    origin: 'https://mail.contoso.com:443',
    timings: { requestStart: t0, requestEnd: t0 + 1.25, responseHeaders: t0 + 4.5, responseEnd: t0 + 30012.75 },
    request: {
      method: 'POST',
      url: '/mapi/emsmdb/?MailboxId=616c6963@contoso.com',
      httpVersion: '1.1',
      headers: h(
        ['Host', 'mail.contoso.com'],
        ['Content-Type', 'application/mapi-http'],
        ['X-RequestType', 'Execute'],
        ['X-RequestId', '{C715155F-2BE8-44E0-BD34-2960065754C8}:4'],
        ['X-ClientInfo', '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}'],
        ['Cookie', 'MapiContext=ctx-secret-1; MapiSequence=seq-secret-1'],
        ['x-dup', 'one'],
        ['X-DUP', 'two'],
        ['Authorization', 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secretpayload.sig'],
      ),
      body: bytesOf(97, 3),
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: h(
        ['Content-Type', 'application/mapi-http'],
        ['X-ResponseCode', '0'],
        ['X-PendingPeriod', '15000'],
        ['Set-Cookie', 'MapiSequence=seq-secret-2; path=/mapi/emsmdb'],
        ['Transfer-Encoding', 'chunked'],
      ),
      body,
      chunks: [
        { time: t0 + 4.5, offset: 0, length: 12 },
        { time: t0 + 15004.5, offset: 12, length: 9 },
        { time: t0 + 30012.75, offset: 21, length: body.length - 21 },
      ],
      trailers: h(['X-Trailer', 'z']),
    },
    tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', serverName: 'mail.contoso.com' },
    process: 'outlook:1234',
    comment: 'third exchange',
    ...over,
  };
}

/** `ex` as if no response status line had been received (`response` absent). */
export function noResponse(ex: Exchange): Exchange {
  const { response: _response, ...rest } = ex;
  return rest;
}
