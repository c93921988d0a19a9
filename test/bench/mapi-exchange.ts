/** A MAPI-shaped chunked Execute exchange (PROCESSING / body / DONE chunks) for the store benchmarks. */
import type { Exchange } from '../../shared/capture/exchange.js';

export function mapiExecuteExchange(id: number, req: Uint8Array, res: Uint8Array): Exchange {
  const t = 1_700_000_000_000 + id * 10;
  return {
    id,
    connectionId: 1 + (id % 8),
    client: { address: '127.0.0.1', port: 50_000 + (id % 8) },
    server: { address: '10.0.0.5', port: 443 },
    origin: 'https://mail.contoso.com:443',
    timings: { requestStart: t, requestEnd: t + 0.4, responseHeaders: t + 3.2, responseEnd: t + 6.7 },
    request: {
      method: 'POST',
      url: '/mapi/emsmdb/?MailboxId=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0@contoso.com',
      httpVersion: '1.1',
      headers: [
        { name: 'Host', value: 'mail.contoso.com' },
        { name: 'Content-Type', value: 'application/mapi-http' },
        { name: 'X-RequestType', value: 'Execute' },
        { name: 'X-ClientInfo', value: '{2F9A1C3E-4B5D-6E7F-8091-A2B3C4D5E6F7}-1' },
        { name: 'X-RequestId', value: `{0C1D2E3F-4A5B-6C7D-8E9F-A0B1C2D3E4F5}:${id}` },
        { name: 'X-ClientApplication', value: 'Outlook/16.0.17928.20114' },
        { name: 'Cookie', value: 'MapiContext=abc; MapiSequence=17-xyz' },
        { name: 'Authorization', value: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.payload.sig' },
        { name: 'Content-Length', value: String(req.length) },
      ],
      body: req,
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [
        { name: 'Transfer-Encoding', value: 'chunked' },
        { name: 'Content-Type', value: 'application/mapi-http' },
        { name: 'X-RequestType', value: 'Execute' },
        { name: 'X-ResponseCode', value: '0' },
        { name: 'Set-Cookie', value: 'MapiSequence=18-xyz; path=/mapi/emsmdb' },
      ],
      body: res,
      chunks: [
        { time: t + 3.3, offset: 0, length: 12 },
        { time: t + 5.0, offset: 12, length: 16_000 },
        { time: t + 6.6, offset: 16_012, length: res.length - 16_012 },
      ],
    },
    tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', serverName: 'mail.contoso.com' },
  };
}
