import { mkdtemp, readFile, rm, stat, truncate, writeFile, appendFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import {
  CaptureWriter,
  indexPath,
  openCapture,
  readCapture,
  type TornTail,
} from '../../../electron/backend/store/capture-file.js';
import { MAGIC } from '../../../electron/backend/store/format.js';

export function makeExchange(id: number, reqBytes = 10, resBytes = 30): Exchange {
  const req = new Uint8Array(reqBytes).map((_, i) => (i * 7 + id) & 0xff);
  const res = new Uint8Array(resBytes).map((_, i) => (i * 13 + id) & 0xff);
  const half = Math.floor(resBytes / 2);
  return {
    id,
    connectionId: 1 + (id % 3),
    client: { address: '127.0.0.1', port: 50000 + id },
    server: { address: '127.0.0.1', port: 443 },
    origin: 'https://mail.contoso.com:443',
    timings: {
      requestStart: 1_700_000_000_000 + id,
      requestEnd: 1_700_000_000_001.5 + id,
      responseHeaders: 1_700_000_000_010 + id,
      responseEnd: 1_700_000_000_020 + id,
    },
    request: {
      method: 'POST',
      url: '/mapi/emsmdb/?MailboxId=x',
      httpVersion: '1.1',
      headers: [
        { name: 'Host', value: 'mail.contoso.com' },
        { name: 'X-RequestType', value: 'Execute' },
        { name: 'Cookie', value: 'a=1' },
        { name: 'cookie', value: 'b=2' },
      ],
      body: req,
    },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      httpVersion: '1.1',
      headers: [
        { name: 'Transfer-Encoding', value: 'chunked' },
        { name: 'WWW-Authenticate', value: 'Negotiate' },
        { name: 'WWW-Authenticate', value: 'NTLM' },
      ],
      body: res,
      chunks: [
        { time: 1_700_000_000_011 + id, offset: 0, length: half },
        { time: 1_700_000_000_211 + id, offset: half, length: resBytes - half },
      ],
    },
    tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mscap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(p: string, torn?: (t: TornTail) => void): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of readCapture(p, torn ? { onTornTail: torn } : {})) out.push(ex);
  return out;
}

describe('capture file', () => {
  it('round-trips exchanges byte for byte through readCapture and openCapture', async () => {
    const p = path.join(dir, 'a.mscap');
    const w = await CaptureWriter.create(p, { source: 'test' });
    const exs = [makeExchange(1), makeExchange(2, 0, 0), makeExchange(3, 70_000, 2_000_000)];
    const { response: _response, ...unanswered } = makeExchange(4);
    const noResponse: Exchange = { ...unanswered, aborted: { kind: 'upstream-error', message: 'ECONNREFUSED' } };
    exs.push(noResponse);
    for (const ex of exs) await w.append(ex);
    await w.appendConnectionEvent({ type: 'close', connectionId: 2, time: 5 });
    expect(w.count).toBe(4);
    expect(w.nextId).toBe(5);
    await w.close();

    const read = await collect(p);
    // Deep-equal the small ones; compare the 2 MB body as bytes (deep equality is slow on it).
    expect([read[0], read[1], read[3]]).toEqual([exs[0], exs[1], exs[3]]);
    const big = read[2]!;
    expect(big.response!.body.length).toBe(2_000_000);
    expect(Buffer.compare(big.response!.body, exs[2]!.response!.body)).toBe(0);
    expect(Buffer.compare(big.request.body, exs[2]!.request.body)).toBe(0);
    expect({ ...big, request: { ...big.request, body: null }, response: { ...big.response!, body: null } }).toEqual({
      ...exs[2]!,
      request: { ...exs[2]!.request, body: null },
      response: { ...exs[2]!.response!, body: null },
    });

    const c = await openCapture(p);
    expect(c.count).toBe(4);
    expect(c.ids).toEqual([1, 2, 3, 4]);
    expect(c.tornTail).toBeUndefined();
    expect(c.scanned).toBe(false);
    expect(c.meta?.formatVersion).toBe(1);
    expect(c.meta?.source).toBe('test');
    expect(Buffer.compare((await c.get(3)).response!.body, exs[2]!.response!.body)).toBe(0);
    expect(await c.get(4)).toEqual(noResponse);
    await expect(c.get(99)).rejects.toThrow('no exchange 99');
    await c.close();
  });

  it('refuses to overwrite an existing capture and rejects a foreign file', async () => {
    const p = path.join(dir, 'b.mscap');
    await (await CaptureWriter.create(p)).close();
    await expect(CaptureWriter.create(p)).rejects.toThrow(/EEXIST/);
    const q = path.join(dir, 'not.mscap');
    await writeFile(q, 'HTTP/1.1 200 OK\r\n');
    await expect(openCapture(q)).rejects.toThrow('not a MapiScope capture file');
  });

  it('detects a torn tail (killed writer), keeps every complete exchange and resumes appending', async () => {
    const p = path.join(dir, 'torn.mscap');
    const w = await CaptureWriter.create(p);
    for (let i = 1; i <= 5; i++) await w.append(makeExchange(i, 100, 1000));
    await w.close();
    const full = (await stat(p)).size;
    // Cut 37 bytes out of the last record, as a crash in the middle of its write would.
    await truncate(p, full - 37);
    const c = await openCapture(p);
    expect(c.count).toBe(4);
    const lastLen = full - (await recordStart(p, 5));
    expect(c.tornTail).toEqual({ offset: full - lastLen, bytes: lastLen - 37, reason: 'short' });
    expect((await c.get(4)).response!.body).toEqual(makeExchange(4, 100, 1000).response!.body);
    await c.close();

    const torn: TornTail[] = [];
    expect((await collect(p, (t) => torn.push(t))).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(torn).toEqual([{ offset: full - lastLen, bytes: lastLen - 37, reason: 'short' }]);

    const w2 = await CaptureWriter.openForAppend(p);
    expect(w2.count).toBe(4);
    expect(w2.nextId).toBe(5);
    expect(w2.tornTail?.offset).toBe(full - lastLen);
    // The torn bytes are kept aside, not thrown away.
    expect((await readFile(w2.tornTail!.savedTo!)).length).toBe(lastLen - 37);
    await w2.append(makeExchange(5, 100, 1000));
    await w2.close();
    const c2 = await openCapture(p);
    expect(c2.count).toBe(5);
    expect(c2.tornTail).toBeUndefined();
    expect(await c2.get(5)).toEqual(makeExchange(5, 100, 1000));
    await c2.close();
  });

  it('reports a corrupted last record (bad CRC) as a torn tail', async () => {
    const p = path.join(dir, 'crc.mscap');
    const w = await CaptureWriter.create(p);
    for (let i = 1; i <= 3; i++) await w.append(makeExchange(i));
    await w.close();
    const b = await readFile(p);
    b[b.length - 20] = b[b.length - 20]! ^ 0xff;
    await writeFile(p, b);
    const start3 = await recordStart(p, 3);
    const c = await openCapture(p);
    expect(c.count).toBe(2);
    expect(c.tornTail).toEqual({ offset: start3, bytes: b.length - start3, reason: 'crc' });
    await c.close();
  });

  it('opens without an index (scan) and with an index that lags behind the data', async () => {
    const p = path.join(dir, 'idx.mscap');
    const w = await CaptureWriter.create(p);
    for (let i = 1; i <= 6; i++) await w.append(makeExchange(i));
    await w.close();
    const idx = await readFile(indexPath(p));
    // Index lost the last two entries (crash between the data write and the index write).
    await writeFile(indexPath(p), idx.subarray(0, idx.length - 40));
    let c = await openCapture(p);
    expect(c.count).toBe(6);
    expect(c.scanned).toBe(true);
    expect(await c.get(6)).toEqual(makeExchange(6));
    await c.close();
    await unlink(indexPath(p));
    c = await openCapture(p);
    expect(c.ids).toEqual([1, 2, 3, 4, 5, 6]);
    await c.close();
    // An index from another file is not trusted.
    await writeFile(indexPath(p), idx);
    await appendFile(p, Buffer.from([1, 2, 3]));
    c = await openCapture(p);
    expect(c.count).toBe(6);
    expect(c.tornTail?.bytes).toBe(3);
    await c.close();
  });

  it('a file torn inside its header record opens as empty with a torn tail', async () => {
    const p = path.join(dir, 'h.mscap');
    await (await CaptureWriter.create(p)).close();
    await truncate(p, MAGIC.length + 5);
    await unlink(indexPath(p));
    const c = await openCapture(p);
    expect(c.count).toBe(0);
    expect(c.tornTail).toEqual({ offset: MAGIC.length, bytes: 5, reason: 'short' });
    await c.close();
  });

  it('serializes concurrent appends in call order', async () => {
    const p = path.join(dir, 'conc.mscap');
    const w = await CaptureWriter.create(p, {}, { syncIntervalMs: 0 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.append(makeExchange(i + 1, i, i * 3))));
    await w.close();
    await expect(w.append(makeExchange(51))).rejects.toThrow('is closed');
    const ids = (await collect(p)).map((e) => e.id);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

/** Offset of the n-th exchange record (1-based), found through the reader's own view. */
async function recordStart(p: string, n: number): Promise<number> {
  const idx = await readFile(indexPath(p));
  // Entry 0 is the meta record; entry n is the n-th exchange.
  return idx.readDoubleLE(16 + n * 20);
}
