import { describe, expect, it } from 'vitest';
import { ExchangeRecorder, classifyUpstreamFailure, rawPairs } from '../../../electron/backend/proxy/recorder.js';
import { parseSni } from '../../../electron/backend/proxy/mitm-engine.js';

describe('ExchangeRecorder (sans-IO)', () => {
  const head = {
    method: 'POST',
    url: '/mapi/emsmdb/',
    httpVersion: '1.1',
    headers: rawPairs(['Host', 'x', 'Cookie', 'a=1', 'cookie', 'b=2']),
  };

  it('builds an Exchange from a playbook of events with chunk offsets and times', () => {
    const r = new ExchangeRecorder(7, 1000, head, 'https://x:443', { address: '127.0.0.1', port: 5 });
    r.requestData(new Uint8Array([1, 2]));
    r.requestData(new Uint8Array([3]));
    r.requestDone(1001.5);
    r.responseHead(
      { statusCode: 200, statusMessage: 'OK', httpVersion: '1.1', headers: rawPairs(['Transfer-Encoding', 'chunked']) },
      1002,
    );
    expect(r.responseData(new TextEncoder().encode('PROCESSING\r\n'), 1003)).toEqual({
      time: 1003,
      offset: 0,
      length: 12,
    });
    expect(r.responseData(new TextEncoder().encode('DONE\r\n'), 1203)).toEqual({ time: 1203, offset: 12, length: 6 });
    r.responseTrailers([]);
    expect(r.complete(1204)).toBe(true);
    expect(r.abort('client-reset', 'late', 1300)).toBe(false); // first end wins
    const ex = r.build(3);
    expect(ex).toEqual({
      id: 3,
      connectionId: 7,
      client: { address: '127.0.0.1', port: 5 },
      origin: 'https://x:443',
      timings: { requestStart: 1000, requestEnd: 1001.5, responseHeaders: 1002, responseEnd: 1204 },
      request: { ...head, body: new Uint8Array([1, 2, 3]) },
      response: {
        statusCode: 200,
        statusMessage: 'OK',
        httpVersion: '1.1',
        headers: [{ name: 'Transfer-Encoding', value: 'chunked' }],
        body: new TextEncoder().encode('PROCESSING\r\nDONE\r\n'),
        chunks: [
          { time: 1003, offset: 0, length: 12 },
          { time: 1203, offset: 12, length: 6 },
        ],
      },
    });
  });

  it('an abort before any response keeps the request and no response', () => {
    const r = new ExchangeRecorder(1, 10, head, 'http://x:80');
    r.requestData(new Uint8Array([9]));
    expect(r.abort('upstream-error', 'ECONNREFUSED', 12)).toBe(true);
    expect(r.complete(13)).toBe(false);
    const ex = r.build(1);
    expect(ex.response).toBeUndefined();
    expect(ex.aborted).toEqual({ kind: 'upstream-error', message: 'ECONNREFUSED' });
    expect(ex.timings).toEqual({ requestStart: 10, responseEnd: 12 });
  });

  it.each([
    [{ sawReset: true, error: { code: 'ECONNRESET', message: 'aborted' } }, 'upstream-reset'],
    [{ sawReset: false, error: { code: 'ECONNRESET', message: 'read ECONNRESET', syscall: 'read' } }, 'upstream-reset'],
    [{ sawReset: false, error: { code: 'ECONNRESET', message: 'aborted' } }, 'upstream-close'],
    [{ sawReset: false, error: { code: 'ECONNRESET', message: 'socket hang up' } }, 'upstream-close'],
    [{ sawReset: false, error: { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' } }, 'timeout'],
    [{ sawReset: false, error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } }, 'upstream-error'],
    [{ sawReset: false, error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' } }, 'upstream-error'],
  ] as const)('classifies %j as %s', (f, kind) => {
    expect(classifyUpstreamFailure(f)).toBe(kind);
  });
});

describe('parseSni', () => {
  it('reads the server name from a ClientHello and gives up on other bytes', () => {
    const name = Buffer.from('mail.contoso.com');
    const sniExt = Buffer.concat([
      Buffer.from([0, 0]),
      u16(name.length + 5),
      u16(name.length + 3),
      Buffer.from([0]),
      u16(name.length),
      name,
    ]);
    const exts = Buffer.concat([Buffer.from([0, 0x0b, 0, 2, 1, 0]), sniExt]); // ec_point_formats, then SNI
    const body = Buffer.concat([
      Buffer.from([3, 3]),
      Buffer.alloc(32, 7),
      Buffer.from([0]),
      u16(2),
      Buffer.from([0x13, 0x01]),
      Buffer.from([1, 0]),
      u16(exts.length),
      exts,
    ]);
    const hs = Buffer.concat([Buffer.from([1]), Buffer.from([0, body.length >> 8, body.length & 0xff]), body]);
    const rec = Buffer.concat([Buffer.from([0x16, 3, 1]), u16(hs.length), hs]);
    expect(parseSni(rec)).toBe('mail.contoso.com');
    expect(parseSni(rec.subarray(0, 60))).toBeUndefined();
    expect(parseSni(Buffer.from('GET / HTTP/1.1\r\n'))).toBeUndefined();
  });
});

function u16(n: number): Buffer {
  return Buffer.from([n >> 8, n & 0xff]);
}
