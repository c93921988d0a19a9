import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Exchange } from '../../../../shared/capture/exchange.js';
import { readHar, writeHar, exchangeToHarEntry, HarReader } from '../../../../shared/capture/har/index.js';
import { bytesOf, h, mapiExchange, noResponse, te } from '../factory.js';

const require = createRequire(import.meta.url);
// har-validator 5.1.5 = ajv 6 + har-schema 2.0.0, the validator HTTP Toolkit runs on import.
const harValidator = require('har-validator/lib/promise.js') as { har: (data: unknown) => Promise<unknown> };
/** The schema errors of a HAR document ([] when it validates). */
export const harErrors = (har: unknown): Promise<unknown[]> =>
  harValidator.har(har).then(
    () => [],
    (e: { errors?: unknown[] }) => e.errors ?? [e],
  );

async function harText(exs: Exchange[]): Promise<string> {
  let s = '';
  for await (const p of writeHar(exs, { creatorVersion: '0.1.0' })) s += p;
  return s;
}

function plainExchange(): Exchange {
  return {
    id: 1,
    connectionId: 1,
    timings: {
      requestStart: 1795000000000,
      requestEnd: 1795000000002,
      responseHeaders: 1795000000010,
      responseEnd: 1795000000011,
    },
    request: {
      method: 'GET',
      url: 'http://autodiscover.contoso.com/a?x=1&y=%20b',
      httpVersion: '1.1',
      headers: h(['Host', 'autodiscover.contoso.com']),
      body: new Uint8Array(0),
    },
    response: {
      statusCode: 302,
      statusMessage: 'Found',
      httpVersion: '1.1',
      headers: h(['Location', 'https://x/'], ['Content-Type', 'text/html; charset=utf-8']),
      body: te('\ufeff<b>moved</b> é'),
      chunks: [{ time: 1795000000011, offset: 0, length: 19 }],
    },
  };
}

describe('HAR export', () => {
  it('writes an entry with wire-order headers, integer sizes, ISO time and valid timings', () => {
    const ex = mapiExchange();
    const e = exchangeToHarEntry(ex);
    expect(e.startedDateTime).toBe('2026-11-18T11:06:40.123Z');
    expect(e.request.url).toBe('https://mail.contoso.com/mapi/emsmdb/?MailboxId=616c6963@contoso.com');
    expect(e.request.headers.map((x) => x.name)).toEqual([
      'Host',
      'Content-Type',
      'X-RequestType',
      'X-RequestId',
      'X-ClientInfo',
      'Cookie',
      'x-dup',
      'X-DUP',
      'Authorization',
    ]);
    expect(e.request.queryString).toEqual([{ name: 'MailboxId', value: '616c6963@contoso.com' }]);
    expect(e.request.cookies).toEqual([
      { name: 'MapiContext', value: 'ctx-secret-1' },
      { name: 'MapiSequence', value: 'seq-secret-1' },
    ]);
    expect(e.request.postData).toBeUndefined();
    expect(e.request._requestBodyStatus).toBe('discarded:not-representable');
    expect(e.request._content).toEqual({
      text: Buffer.from(ex.request.body).toString('base64'),
      size: 97,
      encoding: 'base64',
    });
    expect(e.request.bodySize).toBe(97);
    expect(e.response.content.encoding).toBe('base64');
    expect(e.response.content.size).toBe(ex.response!.body.length);
    expect(e.response.cookies).toEqual([{ name: 'MapiSequence', value: 'seq-secret-2', path: '/mapi/emsmdb' }]);
    expect(e.timings).toEqual({ blocked: -1, dns: -1, connect: -1, ssl: -1, send: 2, wait: 3, receive: 30008 });
    expect(e.time).toBe(30013);
    expect(e.serverIPAddress).toBe('10.0.0.5');
    expect(e.connection).toBe('2');
    expect(Number.isInteger(e.request.headersSize) && Number.isInteger(e.response.headersSize)).toBe(true);
    expect(e.request.headersSize).toBe(
      Buffer.byteLength(
        'POST /mapi/emsmdb/?MailboxId=616c6963@contoso.com HTTP/1.1\r\n' +
          ex.request.headers.map((x) => `${x.name}: ${x.value}\r\n`).join('') +
          '\r\n',
      ),
    );
  });

  it('fills the _mapi block from headers and the meta-tag stream', () => {
    const e = exchangeToHarEntry(mapiExchange());
    expect(e._mapi).toEqual({
      connectionId: 2,
      endpoint: 'emsmdb',
      requestType: 'Execute',
      requestId: '{C715155F-2BE8-44E0-BD34-2960065754C8}:4',
      clientInfo: '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}',
      cookies: { MapiContext: 'ctx-secret-1', MapiSequence: 'seq-secret-1' },
      setCookies: { MapiSequence: 'seq-secret-2' },
      responseCodeHeader: 0,
      pendingPeriodMs: 15000,
      metaTags: [
        { tag: 'PROCESSING', offset: 0, t: 4.5 },
        { tag: 'PENDING', offset: 12, t: 15004.5 },
        { tag: 'DONE', offset: 21, t: 30012.75 },
      ],
      responseCodeFinal: 0,
      elapsedMs: 12,
      startTime: 'Sun, 22 Nov 2026 11:24:11 GMT',
    });
  });

  it('keeps valid UTF-8 text bodies as text (BOM included) and text query values decoded', () => {
    const e = exchangeToHarEntry(plainExchange());
    expect(e.response.content.text).toBe('\ufeff<b>moved</b> é');
    expect(e.response.content.encoding).toBeUndefined();
    expect(e.response.redirectURL).toBe('https://x/');
    expect(e.request.queryString).toEqual([
      { name: 'x', value: '1' },
      { name: 'y', value: ' b' },
    ]);
    expect(e._mapi).toBeUndefined();
  });

  it('passes har-validator (har-schema 2.0.0) for MAPI, text, aborted and no-response exchanges', async () => {
    const noResp: Exchange = {
      ...noResponse(plainExchange()),
      id: 2,
      aborted: { kind: 'upstream-reset', message: 'ECONNRESET' },
    };
    const text = await harText([mapiExchange(), plainExchange(), noResp]);
    const har = JSON.parse(text);
    expect(await harErrors(har)).toEqual([]);
    expect(har.log.entries.length).toBe(3);
    expect(har.log.entries[2].response.status).toBe(0);
  });

  it('streams: one piece per exchange, the pieces form one JSON document', async () => {
    const pieces: string[] = [];
    for await (const p of writeHar([plainExchange(), mapiExchange()], { extra: () => ({ _redaction: { items: 0 } }) }))
      pieces.push(p);
    expect(pieces.length).toBe(4);
    const har = JSON.parse(pieces.join(''));
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'MapiScope', version: '0.0.0' });
    expect(har.log._redaction).toEqual({ items: 0 });
  });
});

describe('HAR round trip (ours, lossless)', () => {
  it('Exchange → HAR → Exchange is identical, binary bodies byte for byte', async () => {
    const exs = [
      mapiExchange(),
      plainExchange(),
      { ...noResponse(mapiExchange({ id: 9 })), aborted: { kind: 'client-reset' as const, message: 'gone' } },
    ];
    const back = readHar(await harText(exs), 'x.har');
    expect(back.warnings).toEqual([]);
    expect(back.exchanges).toEqual(exs);
    expect(back.creator).toEqual({ name: 'MapiScope', version: '0.1.0' });
  });

  it('keeps gzip bodies as sent while the HAR holds the decoded text', async () => {
    const { gzipSync } = await import('fflate');
    const raw = gzipSync(te('{"a":"hello hello hello"}'));
    const ex: Exchange = {
      ...plainExchange(),
      response: {
        ...plainExchange().response!,
        headers: h(['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']),
        body: raw,
        chunks: [],
      },
    };
    const text = await harText([ex]);
    const entry = JSON.parse(text).log.entries[0];
    expect(entry.response.content.text).toBe('{"a":"hello hello hello"}');
    expect(entry.response.content.size).toBe(25);
    expect(entry.response.content.compression).toBe(25 - raw.length);
    expect(readHar(text).exchanges[0]!.response!.body).toEqual(raw);
  });

  it('1 MB binary bodies survive, and a HAR fed in 1000-char pieces gives the same exchanges', async () => {
    const big = mapiExchange({ request: { ...mapiExchange().request, body: bytesOf(1 << 20, 11) } });
    const text = await harText([big, plainExchange()]);
    const r = new HarReader('p.har');
    const got: Exchange[] = [];
    for (let i = 0; i < text.length; i += 1000) got.push(...r.push(text.slice(i, i + 1000)));
    r.finish();
    // Big bodies compared as bytes (deep equality of a 1 MiB typed array is slow in the runner).
    expect(got.length).toBe(2);
    expect(Buffer.compare(got[0]!.request.body, big.request.body)).toBe(0);
    const small = new Uint8Array(0);
    expect({ ...got[0]!, request: { ...got[0]!.request, body: small } }).toEqual({
      ...big,
      request: { ...big.request, body: small },
    });
    expect(got[1]).toEqual(plainExchange());
  });
});

describe('HAR export details', () => {
  it('percent-encodes what a URI may not hold, keeping the target as sent for the round trip', async () => {
    const ex: Exchange = {
      ...plainExchange(),
      request: { ...plainExchange().request, url: '/a b/{x}?q=é|1' },
      origin: 'http://h',
    };
    const e = exchangeToHarEntry(ex);
    expect(e.request.url).toBe('http://h/a%20b/%7Bx%7D?q=%C3%A9%7C1');
    expect(e._exchange!.target).toBe('/a b/{x}?q=é|1');
    expect(await harErrors(JSON.parse(await harText([ex])))).toEqual([]);
    expect(readHar(await harText([ex])).exchanges[0]!.request.url).toBe('/a b/{x}?q=é|1');
  });

  it('the decoder-backed _mapi block adds ROP names and the authoritative response code (gromox Execute)', async () => {
    const { mapiBlockWithDecoder } = await import('../../../../shared/capture/har/index.js');
    const { decodeExchange } = await import('../../../../shared/protocol/decode-exchange.js');
    const { gromoxCapture } = await import('../gromox.js');
    const cap = gromoxCapture();
    const build = mapiBlockWithDecoder((x) => decodeExchange(x));
    const connect = build(cap[0]!)!;
    expect(connect.requestType).toBe('Connect');
    expect(connect.responseCodeFinal).toBe(0);
    expect(connect.setCookies).toEqual({
      sid: 'alx6iclbe2u0lap2b7qdten0stcd00sb',
      sequence: 'f4f32b3a-fcfc-4274-9cb9-ff89b9abb245',
    });
    expect(connect.metaTags!.map((t) => t.tag)).toEqual(['PROCESSING', 'DONE']);
    const exec = build(cap[1]!)!;
    expect(exec.requestType).toBe('Execute');
    expect(exec.rops!.length).toBeGreaterThan(0);
    expect(exec.rops![0]).toBe(decodeExchange(cap[1]!).request!.rops[0]!.name);
    // A plain (non-MAPI) exchange gets no block.
    expect(build(plainExchange())).toBeUndefined();
  });
});

describe('HAR import of a damaged file of ours', () => {
  it('an unusable _exchange block falls back to the HAR fields, with a warning', async () => {
    const text = await harText([mapiExchange(), plainExchange()]);
    const har = JSON.parse(text);
    har.log.entries[0]._exchange.chunks = 'broken';
    const r = readHar(JSON.stringify(har), 'd.har');
    expect(r.exchanges.length).toBe(2);
    expect(r.exchanges[0]!.request.body).toEqual(mapiExchange().request.body);
    expect(r.exchanges[0]!.response!.body).toEqual(mapiExchange().response!.body);
    expect(r.exchanges[0]!.connectionId).toBe(1); // from "connection": "2", renumbered
    expect(r.exchanges[1]).toEqual(plainExchange());
    expect(r.warnings[0]).toBe(
      "entry 1: _exchange block unusable (chunks is not a list of [time, offset, length]); read like another tool's entry",
    );
  });
});

describe('HTTP versions', () => {
  it('"1.1" (as Node reports it) is written HTTP/1.1 and read back as 1.1; other spellings are kept exactly', async () => {
    const e = exchangeToHarEntry(plainExchange());
    expect(e.request.httpVersion).toBe('HTTP/1.1');
    expect(e._exchange!.versions).toBeUndefined();
    const odd: Exchange = {
      ...plainExchange(),
      request: { ...plainExchange().request, httpVersion: 'HTTP/1.1' },
      response: { ...plainExchange().response!, httpVersion: 'HTTP/1.0' },
    };
    expect(exchangeToHarEntry(odd)._exchange!.versions).toEqual(['HTTP/1.1', 'HTTP/1.0']);
    expect(readHar(await harText([plainExchange(), odd])).exchanges).toEqual([plainExchange(), odd]);
    const { readSaz, writeSaz } = await import('../../../../shared/capture/saz/index.js');
    const parts: Uint8Array[] = [];
    for await (const p of writeSaz([plainExchange(), odd])) parts.push(p);
    expect(readSaz(new Uint8Array(Buffer.concat(parts))).exchanges).toEqual([plainExchange(), odd]);
  });
});
