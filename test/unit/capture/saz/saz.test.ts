import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../../../shared/capture/exchange.js';
import { CaptureFileError } from '../../../../shared/capture/errors.js';
import {
  openZip,
  readSaz,
  serializeMessage,
  writeSaz,
  fiddlerTime,
  parseFiddlerTime,
} from '../../../../shared/capture/saz/index.js';
import { mapiExchange, noResponse, te, h } from '../factory.js';
import { gromoxCapture } from '../gromox.js';

/** Info-ZIP checks run where unzip/zipinfo are installed (the CI machine has them; a bare one may not). */
const hasInfoZip = existsSync('/usr/bin/unzip') && existsSync('/usr/bin/zipinfo');

const SAMPLE = join(import.meta.dirname, '../../../fixtures/saz/fiddler-wopi-not-mapi-NewCaseName1.saz');
const sample = (): Uint8Array => new Uint8Array(readFileSync(SAMPLE));

async function sazBytes(exs: Exchange[], total = exs.length): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of writeSaz(exs, { total, mtime: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)) })) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

function member(zip: Uint8Array, name: string): Uint8Array {
  const a = openZip(zip, 'z');
  return a.read(a.entries.find((e) => e.name === name)!);
}

describe('SAZ import: the real Fiddler sample', () => {
  it('reads 3 sessions with exact request bytes, timers, flags and connections', () => {
    const { exchanges, warnings, comment } = readSaz(sample(), 'sample.saz');
    expect(comment).toBe('Fiddler (v5.0.20194.41348) Session Archive. See https://fiddler2.com');
    expect(exchanges.length).toBe(3);
    const [a, b, c] = exchanges as [Exchange, Exchange, Exchange];
    expect(a.request.method).toBe('GET');
    expect(a.request.url).toBe('https://www.fiddler2.com/UpdateCheck.aspx?isBeta=False');
    expect(a.request.httpVersion).toBe('1.1');
    expect(a.request.headers.map((x) => x.name)).toEqual([
      'User-Agent',
      'Pragma',
      'Host',
      'Accept-Language',
      'Referer',
      'Accept-Encoding',
      'Connection',
    ]);
    expect(a.request.headers[6]).toEqual({ name: 'Connection', value: 'close' });
    expect(a.origin).toBe('https://www.fiddler2.com');
    expect(a.server).toEqual({ address: '50.56.19.116', port: 443 });
    expect(a.client).toBeUndefined(); // x-clientip is empty for Fiddler's own update check
    expect(a.timings).toEqual({
      requestStart: Date.UTC(2020, 3, 2, 4, 42, 49) + 631.9315,
      requestEnd: Date.UTC(2020, 3, 2, 4, 42, 49) + 631.9315,
      responseHeaders: Date.UTC(2020, 3, 2, 4, 42, 50) + 484.2231,
      responseEnd: Date.UTC(2020, 3, 2, 4, 42, 50) + 487.9835,
    });
    expect(a.response!.statusCode).toBe(200);
    expect(a.response!.statusMessage).toBe('OK');
    expect(a.response!.body.length).toBe(699);
    expect([a.response!.body[0], a.response!.body[1]]).toEqual([0x1f, 0x8b]); // gzip, as sent
    expect(b.process).toBe('fiddler:8284');
    expect(b.client).toEqual({ address: '127.0.0.1', port: 57310 });
    expect(c.client).toEqual({ address: '127.0.0.1', port: 57309 });
    expect(b.response!.body.length).toBe(144183);
    expect(c.response!.body.length).toBe(809);
    expect([a.connectionId, b.connectionId, c.connectionId]).toEqual([1, 2, 3]);
    expect(exchanges.map((x) => x.id)).toEqual([1, 2, 3]);
    expect(warnings).toEqual([
      '3 session(s) (1, 2, 3): SAZ has no arrival time per chunk; every chunk is timed at the response end',
    ]);
  });

  it('keeps the request and response bytes exactly (serialising them again gives the archive member)', () => {
    const { exchanges } = readSaz(sample(), 'sample.saz');
    const zipBytes = sample();
    for (const [i, ex] of exchanges.entries()) {
      const rq = ex.request;
      expect(
        Buffer.compare(
          serializeMessage([rq.method, rq.url, `HTTP/${rq.httpVersion}`], rq.headers, rq.body),
          member(zipBytes, `raw/${i + 1}_c.txt`),
        ),
      ).toBe(0);
      const rs = ex.response!;
      const sBytes = member(zipBytes, `raw/${i + 1}_s.txt`);
      expect(sBytes.length).toBeGreaterThan(rs.body.length);
      expect(
        Buffer.compare(
          serializeMessage([`HTTP/${rs.httpVersion}`, String(rs.statusCode), rs.statusMessage], rs.headers, rs.body),
          sBytes,
        ),
      ).toBe(0);
    }
  });
});

describe('SAZ export', () => {
  it('lays the archive out as Fiddler does', async () => {
    const z = await sazBytes([
      mapiExchange(),
      noResponse(mapiExchange({ id: 4, aborted: { kind: 'upstream-reset', message: 'reset' } })),
    ]);
    const a = openZip(z, 'out.saz');
    expect(a.entries.map((e) => e.name)).toEqual([
      'raw/',
      'raw/1_c.txt',
      'raw/1_m.xml',
      'raw/1_s.txt',
      'raw/2_c.txt',
      'raw/2_m.xml',
      '[Content_Types].xml',
      '_index.htm',
    ]);
    expect(a.comment).toBe('MapiScope Session Archive (Fiddler SAZ format)');
    const c = new TextDecoder().decode(member(z, 'raw/1_c.txt'));
    const line =
      'POST https://mail.contoso.com/mapi/emsmdb/?MailboxId=616c6963@contoso.com HTTP/1.1\r\nHost: mail.contoso.com\r\n';
    expect(c.slice(0, line.length)).toBe(line);
    const m = new TextDecoder('utf-8', { ignoreBOM: true }).decode(member(z, 'raw/1_m.xml'));
    const head =
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<Session SID="1" BitFlags="0">\r\n  <SessionTimers ClientConnected="2026-11-18T11:06:40.1234561+00:00"';
    expect(m.slice(0, head.length)).toBe(head);
    expect(m).toContain('<SessionFlag N="x-processinfo" V="outlook:1234" />');
    expect(m).toContain('<SessionFlag N="x-clientip" V="127.0.0.1" />');
    const m2 = new TextDecoder().decode(member(z, 'raw/2_m.xml'));
    expect(m2).toContain('<PipeInfo CltReuse="true" />');
    // The chunked response is framed one HTTP chunk per arrival slice: 12, 9, rest.
    const s = member(z, 'raw/1_s.txt');
    const text = Buffer.from(s).toString('latin1');
    const bodyAt = text.indexOf('\r\n\r\n') + 4;
    expect(text.slice(bodyAt, bodyAt + 20)).toBe('c\r\nPROCESSING\r\n\r\n9\r\n');
  });

  it.skipIf(!hasInfoZip)('Info-ZIP tests our SAZ without errors', async () => {
    const z = await sazBytes([mapiExchange(), noResponse(mapiExchange({ id: 4 }))]);
    const dir = mkdtempSync(join(tmpdir(), 'saz-'));
    writeFileSync(join(dir, 'out.saz'), z);
    const out = execFileSync('unzip', ['-t', join(dir, 'out.saz')]).toString();
    expect(out).toContain('No errors detected');
    expect(out).toContain('testing: raw/1_c.txt');
  });

  it('SAZ export → SAZ import gives the same exchanges', async () => {
    const exs: Exchange[] = [
      mapiExchange(),
      noResponse(
        mapiExchange({
          id: 4,
          connectionId: 2,
          aborted: { kind: 'upstream-reset', message: 'reset' },
          comment: 'a "quoted" <comment> & more',
        }),
      ),
      {
        id: 5,
        connectionId: 3,
        timings: { requestStart: 1795000001000.25 },
        request: {
          method: 'GET',
          url: 'http://x.test/a',
          httpVersion: '1.1',
          headers: h(['Host', 'x.test']),
          body: new Uint8Array(0),
        },
        response: {
          statusCode: 204,
          statusMessage: '',
          httpVersion: '1.1',
          headers: [],
          body: new Uint8Array(0),
          chunks: [],
        },
      },
    ];
    const back = readSaz(await sazBytes(exs), 'rt.saz');
    expect(back.warnings).toEqual([]);
    expect(back.exchanges).toEqual(exs);
  });

  it('the gromox-ruler capture (52 exchanges) round-trips through SAZ, zero-padded names', async () => {
    const exs = gromoxCapture();
    expect(exs.length).toBe(52);
    const z = await sazBytes(exs);
    expect(openZip(z, 'g').entries[1]!.name).toBe('raw/01_c.txt');
    const back = readSaz(z, 'g.saz');
    expect(back.exchanges).toEqual(exs);
    // Response 1 (Connect) was chunked 82 + 87 on the wire: the same framing is written.
    const s = Buffer.from(member(z, 'raw/01_s.txt')).toString('latin1');
    const body = s.slice(s.indexOf('\r\n\r\n') + 4);
    expect(body.startsWith('52\r\n')).toBe(true);
    expect(body.slice(4 + 0x52, 4 + 0x52 + 6)).toBe('\r\n57\r\n');
    expect(body.endsWith('\r\n0\r\n\r\n')).toBe(true);
  });

  it('formats and parses Fiddler timers with 100 ns ticks and offsets', () => {
    // Epoch ms as a double resolves ~0.24 µs, so 100 ns ticks are kept only as far as the double holds them.
    expect(fiddlerTime(Date.UTC(2020, 3, 2, 4, 42, 49) + 631.5)).toBe('2020-04-02T04:42:49.6315000+00:00');
    expect(fiddlerTime(Date.UTC(2020, 3, 2, 4, 42, 49) + 631.9315)).toBe('2020-04-02T04:42:49.6319314+00:00');
    expect(fiddlerTime(undefined)).toBe('0001-01-01T00:00:00');
    expect(parseFiddlerTime('2020-04-01T21:42:49.5-07:00')).toBe(Date.UTC(2020, 3, 2, 4, 42, 49) + 500);
    expect(parseFiddlerTime('0001-01-01T00:00:00')).toBeUndefined();
  });
});

describe('SAZ bad input', () => {
  it('garbage: a clear error naming the file', () => {
    expect(() => readSaz(te('hello, not a zip'), 'junk.saz')).toThrow(
      'junk.saz: offset 0: not a ZIP archive (a SAZ file is a ZIP; no local file header at the start)',
    );
    expect(() => readSaz(new Uint8Array(0), 'empty.saz')).toThrow('empty.saz: offset 0: empty file');
  });

  it('truncated: the sessions before the cut are kept, and the cut is reported', () => {
    const full = sample();
    // Cut inside session 3's response: members up to raw/3_m.xml are whole.
    const a = openZip(full, 's');
    const s3 = a.entries.find((e) => e.name === 'raw/3_s.txt')!;
    const cut = full.slice(0, s3.localOffset + 60);
    const r = readSaz(cut, 'cut.saz');
    expect(r.exchanges.length).toBe(3);
    expect(r.exchanges[2]!.response).toBeUndefined();
    expect(r.exchanges[1]!.response!.body.length).toBe(144183);
    expect(r.warnings[0]).toBe('cut.saz: member "raw/3_s.txt" is cut off; the sessions before that point were read');
  });

  it('password-protected (encrypted members): a clear error', async () => {
    const z = await sazBytes([mapiExchange()]);
    const a = openZip(z, 'e');
    // Set the "encrypted" flag bit on every member, local and central header.
    for (const e of a.entries) z[e.localOffset + 6] = z[e.localOffset + 6]! | 1;
    for (let i = 0; i + 4 <= z.length; i++)
      if (z[i] === 0x50 && z[i + 1] === 0x4b && z[i + 2] === 1 && z[i + 3] === 2) z[i + 8] = z[i + 8]! | 1;
    let err: unknown;
    try {
      readSaz(z, 'locked.saz');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureFileError);
    expect((err as Error).message).toBe(
      'locked.saz: zip member "raw/1_c.txt": is encrypted (password-protected SAZ); open it in Fiddler and save it again without a password',
    );
  });

  it('a zip that is not a SAZ', async () => {
    const { zipSync } = await import('fflate');
    const z = zipSync({ 'a.txt': te('x') });
    expect(() => readSaz(z, 'other.zip')).toThrow(
      'other.zip: no raw/NN_c.txt members: not a Fiddler session archive (1 members)',
    );
  });
});

describe('ZIP container', () => {
  it('more than 65535 members: a ZIP64 end record that we and Info-ZIP read back', async () => {
    const { ZipWriter } = await import('../../../../shared/capture/saz/index.js');
    const w = new ZipWriter();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 70000; i++)
      parts.push(...w.add(`raw/${i}_c.txt`, te(`GET /${i} HTTP/1.1\r\n\r\n`), { compress: false }));
    parts.push(...w.finish('big'));
    const z = new Uint8Array(Buffer.concat(parts));
    const a = openZip(z, 'big.zip');
    expect(a.entries.length).toBe(70000);
    expect(a.comment).toBe('big');
    expect(new TextDecoder().decode(a.read(a.entries[69999]!))).toBe('GET /69999 HTTP/1.1\r\n\r\n');
    if (!hasInfoZip) return;
    const dir = mkdtempSync(join(tmpdir(), 'zip64-'));
    writeFileSync(join(dir, 'big.zip'), z);
    expect(execFileSync('unzip', ['-tq', join(dir, 'big.zip')]).toString()).toContain('No errors detected');
    expect(execFileSync('zipinfo', ['-t', join(dir, 'big.zip')]).toString()).toMatch(/^70000 files/);
  });

  it('a corrupted member: CRC mismatch named with the member', async () => {
    const z = await sazBytes([mapiExchange()]);
    const a = openZip(z, 'c');
    const e = a.entries.find((x) => x.name === '_index.htm')!;
    // Flip a byte inside the stored/deflated data of _index.htm.
    const at = e.localOffset + 30 + e.name.length + 5;
    z[at] = z[at]! ^ 0xff;
    expect(() =>
      openZip(z, 'bad.saz').read(openZip(z, 'bad.saz').entries.find((x) => x.name === '_index.htm')!),
    ).toThrow(/bad\.saz: zip member "_index\.htm": (CRC mismatch \(corrupt archive\)|cannot be inflated)/);
  });
});

describe('SAZ → HAR', () => {
  it('the real sample exports to a valid HAR with the gzip body decoded, and comes back byte-identical', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const validator = require('har-validator/lib/promise.js') as { har: (d: unknown) => Promise<unknown> };
    const { writeHar, readHar } = await import('../../../../shared/capture/har/index.js');
    const { exchanges } = readSaz(sample(), 'sample.saz');
    let text = '';
    for await (const p of writeHar(exchanges)) text += p;
    const har = JSON.parse(text);
    await expect(validator.har(har).then(() => 'valid')).resolves.toBe('valid');
    const c = har.log.entries[0].response.content;
    expect(c.mimeType).toBe('text/plain; charset=utf-8');
    expect(c.encoding).toBeUndefined();
    expect(c.size).toBe(c.text.length);
    expect(c.compression).toBe(c.size - 699);
    expect(har.log.entries[1].response.content.size).toBe(144183);
    expect(har.log.entries[1].serverIPAddress).toBe('50.56.19.116');
    expect(har.log.entries[1]._exchange.process).toBe('fiddler:8284');
    expect(readHar(text).exchanges).toEqual(exchanges);
  });
});

describe('SAZ member compression', () => {
  it('deflates text members, stores incompressible bodies', async () => {
    const { bytesOf } = await import('../factory.js');
    const ex = mapiExchange({ response: { ...mapiExchange().response!, body: bytesOf(65536, 5), chunks: [] } });
    const a = openZip(await sazBytes([ex]), 'm.saz');
    const method = (n: string): number => a.entries.find((e) => e.name === n)!.method;
    expect(method('raw/1_m.xml')).toBe(8);
    expect(method('_index.htm')).toBe(8);
    expect(method('raw/1_s.txt')).toBe(0);
    expect(method('raw/')).toBe(0);
    expect(readSaz(await sazBytes([ex])).exchanges[0]!.response!.body).toEqual(ex.response!.body);
  });
});
