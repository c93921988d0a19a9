/**
 * Other tools' HAR, with the quirks each is known for:
 * Chrome (h2 versions, pseudo-headers, fractional timings, socket ids, bracketed IPv6, missing bodies),
 * Fiddler (UTF-8 BOM, omitted large binary bodies with a comment), HTTP Toolkit (`_content` request
 * bodies), mitmproxy (postData.text only), and files with fields missing.
 */
import { describe, expect, it } from 'vitest';
import { readHar, HarScanner } from '../../../../shared/capture/har/index.js';

const entry = (
  over: Record<string, unknown> = {},
  req: Record<string, unknown> = {},
  res: Record<string, unknown> = {},
): Record<string, unknown> => ({
  startedDateTime: '2026-03-01T10:00:00.000+01:00',
  time: 50,
  request: {
    method: 'GET',
    url: 'https://outlook.office365.com/mapi/emsmdb/?MailboxId=x',
    httpVersion: 'HTTP/1.1',
    headers: [],
    cookies: [],
    queryString: [],
    headersSize: -1,
    bodySize: 0,
    ...req,
  },
  response: {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    headers: [],
    cookies: [],
    content: { size: 0, mimeType: 'text/plain' },
    redirectURL: '',
    headersSize: -1,
    bodySize: 0,
    ...res,
  },
  cache: {},
  timings: { blocked: 1.5, dns: -1, connect: 10.25, ssl: 8, send: 0.5, wait: 20, receive: 17.75 },
  ...over,
});
const har = (entries: unknown[], creator = { name: 'WebInspector', version: '537.36' }): string =>
  JSON.stringify({ log: { version: '1.2', creator, pages: [], entries } });

describe('foreign HAR import', () => {
  it('Chrome: h2, pseudo-headers, fractional timings, socket ids, base64 bodies, missing text', () => {
    const text = har([
      entry(
        { connection: '4711', serverIPAddress: '[2603:1026:c0b::2]', _initiator: { type: 'other' }, _priority: 'High' },
        {
          httpVersion: 'http/2.0',
          headers: [
            { name: ':authority', value: 'outlook.office365.com' },
            { name: 'x-requesttype', value: 'PING' },
          ],
        },
        {
          httpVersion: 'h2',
          headers: [{ name: 'content-type', value: 'application/mapi-http' }],
          content: { size: 4, mimeType: 'application/mapi-http', text: 'AAECAw==', encoding: 'base64' },
          _transferSize: 120,
        },
      ),
      entry(
        { connection: '4711', startedDateTime: '2026-03-01T09:00:01.000Z' },
        {},
        { content: { size: 2048, mimeType: 'image/png' } },
      ),
      entry(
        { connection: '99', startedDateTime: '2026-03-01T09:00:02.000Z' },
        {},
        { status: 0, statusText: '', _error: 'net::ERR_CONNECTION_RESET' },
      ),
    ]);
    const { exchanges, warnings, creator } = readHar(text, 'chrome.har');
    expect(creator).toEqual({ name: 'WebInspector', version: '537.36' });
    const [a, b, c] = exchanges;
    expect(a!.request.httpVersion).toBe('2');
    expect(a!.response!.httpVersion).toBe('2');
    expect(a!.request.url).toBe('/mapi/emsmdb/?MailboxId=x');
    expect(a!.origin).toBe('https://outlook.office365.com');
    expect(a!.request.headers[0]).toEqual({ name: ':authority', value: 'outlook.office365.com' });
    expect(Array.from(a!.response!.body)).toEqual([0, 1, 2, 3]);
    const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
    // startedDateTime is before blocked + connect (ssl is inside connect); then send, wait, receive.
    expect(a!.timings).toEqual({
      requestStart: t0 + 11.75,
      requestEnd: t0 + 12.25,
      responseHeaders: t0 + 32.25,
      responseEnd: t0 + 50,
    });
    expect(a!.response!.chunks).toEqual([{ time: t0 + 50, offset: 0, length: 4 }]);
    expect(a!.server).toEqual({ address: '[2603:1026:c0b::2]', port: 443 });
    expect([a!.connectionId, b!.connectionId, c!.connectionId]).toEqual([1, 1, 2]);
    expect(b!.response!.body.length).toBe(0);
    expect(c!.response).toBeUndefined();
    expect(c!.aborted).toEqual({ kind: 'upstream-error', message: 'no response (net::ERR_CONNECTION_RESET)' });
    expect(warnings).toEqual([
      'entry 1: response chunk arrival times not in file; one chunk at the response end assumed',
      'entry 2: response body not in file (content.size 2048)',
    ]);
  });

  it('Fiddler: BOM, omitted binary body with its comment, body stored as text', () => {
    const text =
      '\ufeff' +
      har(
        [
          entry(
            {},
            {},
            {
              content: {
                size: 40000,
                mimeType: 'application/mapi-http',
                comment:
                  'Body length exceeded fiddler.importexport.HTTPArchiveJSON.MaxBinaryBodyLength , so body was omitted.',
              },
            },
          ),
          entry(
            {},
            {},
            {
              headers: [{ name: 'Content-Encoding', value: 'gzip' }],
              content: { size: 5, mimeType: 'text/html', text: 'hello' },
            },
          ),
        ],
        { name: 'Fiddler', version: '5.0.20194.41348' },
      );
    const { exchanges, warnings } = readHar(new TextEncoder().encode(text), 'fiddler.har');
    expect(exchanges.length).toBe(2);
    expect(new TextDecoder().decode(exchanges[1]!.response!.body)).toBe('hello');
    expect(warnings).toEqual([
      'entry 1: response body not in file (content.size 40000) — "Body length exceeded fiddler.importexport.HTTPArchiveJSON.MaxBinaryBodyLength , so body was omitted."',
      'entries 1-2: no connection id; each such exchange is put on its own connection',
      'entry 2: response body stored as text by the exporting tool; bytes re-encoded as UTF-8',
      'entry 2: response body is the decoded form but Content-Encoding says "gzip"',
      'entry 2: response chunk arrival times not in file; one chunk at the response end assumed',
    ]);
  });

  it('HTTP Toolkit: binary request body in _content; mitmproxy: postData.text; params-only postData', () => {
    const { exchanges, warnings } = readHar(
      har([
        entry(
          { connection: '1' },
          {
            method: 'POST',
            _requestBodyStatus: 'discarded:not-representable',
            _content: { text: '//4AAQ==', size: 4, encoding: 'base64' },
          },
        ),
        entry({ connection: '1' }, { method: 'POST', postData: { mimeType: 'text/xml', text: '<a>é</a>' } }),
        entry(
          { connection: '1' },
          {
            method: 'POST',
            postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: '1&2' }] },
          },
        ),
        entry({ connection: '1' }, { method: 'POST', bodySize: 10, _requestBodyStatus: 'discarded:too-large' }),
      ]),
      'toolkit.har',
    );
    expect(Array.from(exchanges[0]!.request.body)).toEqual([0xff, 0xfe, 0, 1]);
    expect(new TextDecoder().decode(exchanges[1]!.request.body)).toBe('<a>é</a>');
    expect(new TextDecoder().decode(exchanges[2]!.request.body)).toBe('a%20b=1%262');
    expect(exchanges[3]!.request.body.length).toBe(0);
    expect(warnings).toEqual([
      'entry 3: request body rebuilt from postData.params (original bytes not in file)',
      'entry 4: request body not in file (discarded:too-large)',
    ]);
  });

  it('missing fields: defaults and one warning per kind, entries without a request skipped', () => {
    const { exchanges, warnings } = readHar(
      JSON.stringify({
        log: {
          entries: [
            { request: { url: 'http://h/x' } },
            { response: {} },
            42,
            {
              request: { method: 'GET', url: 'http://h/y', httpVersion: 'HTTP/9' },
              response: { status: '204', headers: [{ value: 'no-name' }], content: {} },
              startedDateTime: 'yesterday',
            },
          ],
        },
      }),
      'bare.har',
    );
    expect(exchanges.length).toBe(2);
    expect(exchanges[0]!.request).toEqual({
      method: 'GET',
      url: '/x',
      httpVersion: '1.1',
      headers: [],
      body: new Uint8Array(0),
    });
    expect(exchanges[0]!.response).toBeUndefined();
    expect(exchanges[1]!.response!.statusCode).toBe(204);
    expect(exchanges[1]!.request.httpVersion).toBe('HTTP/9');
    expect(exchanges.map((e) => e.id)).toEqual([1, 4]);
    expect(warnings).toEqual([
      'entries 1, 4: request headers missing',
      'entry 1: request has no method; GET assumed',
      'entry 1: request httpVersion missing; HTTP/1.1 assumed',
      "entries 1, 4: startedDateTime missing or invalid; previous entry's time used",
      'entries 1, 4: no timings; zero durations assumed',
      'entry 1: no response object',
      'entries 1, 4: no connection id; each such exchange is put on its own connection',
      'entry 2: no request; skipped',
      'entry 3: not an object; skipped',
      'entry 4: request httpVersion "HTTP/9" unknown; kept as is',
      'entry 4: response header that is not {name, value} dropped',
      'entry 4: response httpVersion missing; HTTP/1.1 assumed',
    ]);
  });

  it('not HAR: clear errors with line and column', () => {
    expect(() => readHar('', 'e.har')).toThrow('e.har: line 1, column 1: empty file: no JSON document');
    expect(() => readHar('{"foo": 1}', 'f.har')).toThrow('f.har: line 1, column 1: not a HAR file: no "log" object');
    expect(() => readHar('{"log": {"entries": 5}}', 'g.har')).toThrow(
      'g.har: line 1, column 22: "entries" is not an array',
    );
    expect(() => readHar('{"log": {"entries": []}}\nxx', 'h.har')).toThrow(
      'h.har: line 2, column 1: unexpected text after the end of the JSON document',
    );
    expect(() => readHar('{"log": {"entries": [{"a": tru}]}}', 'i.har')).toThrow(
      'i.har: line 1, column 31 (entry 1): invalid value "tru"',
    );
  });
});

describe('HarScanner', () => {
  it('splits entries wherever the pieces are cut, with escapes, nested "entries" keys and members after entries', () => {
    const doc =
      '{"log" : {\n "entries": [ {"request": {"url": "a\\"]}\\\\"}, "entries": [1, {"x": "}"}]},\n' +
      '{"b": [true, false, null, -1.5e3]} ],\n "creator": {"name": "T\\u00e9", "version": "1"}, "version": "1.2"}, "other": {}}';
    const want = [
      { kind: 'entry', index: 0, json: '{"request": {"url": "a\\"]}\\\\"}, "entries": [1, {"x": "}"}]}', line: 2 },
      { kind: 'entry', index: 1, json: '{"b": [true, false, null, -1.5e3]}', line: 3 },
      { kind: 'member', key: 'creator', json: '{"name": "T\\u00e9", "version": "1"}', line: 4 },
      { kind: 'member', key: 'version', json: '"1.2"', line: 4 },
    ];
    for (const step of [1, 2, 3, 7, 1000]) {
      const s = new HarScanner();
      const got = [];
      for (let i = 0; i < doc.length; i += step) got.push(...s.push(doc.slice(i, i + step)));
      got.push(...s.finish());
      expect(got).toEqual(want);
    }
  });
});
