import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend.js';
import { FileService } from '../../../electron/backend/file-service.js';
import { base64Encode } from '../../../shared/codec/bytes.js';

let b: Backend | undefined;
afterEach(async () => {
  await b?.stop();
  b = undefined;
});

const cap1 = 'test/fixtures/gromox-ruler/cap1';

describe('file service', () => {
  it('opens a folder of real bodies, saves it as a capture and reopens it identically', async () => {
    b = await Backend.start({ listen: false, services: [new FileService()] });
    const r = (await b.rpc.invoke('file.open', { path: cap1 })) as { count: number; format: string };
    expect(r.format).toBe('body-folder');
    expect(r.count).toBe(52);
    const first = (await b.workspace.get(1))!;
    expect(first.request.headers.find((h) => h.name.toLowerCase() === 'x-requesttype')?.value).toBe('Connect');
    const list = b.workspace.list();
    expect(list.items.filter((s) => s.endpoint === 'nspi').map((s) => s.id)).toEqual([13, 14, 15]);

    const out = path.join(mkdtempSync(path.join(tmpdir(), 'fs-')), 'saved.mscap');
    expect(await b.rpc.invoke('file.save', { path: out })).toEqual({ count: 52, path: out });
    const again = (await b.rpc.invoke('file.open', { path: out })) as { count: number; format: string };
    expect(again).toMatchObject({ count: 52, format: 'capture' });
    expect((await b.workspace.get(1))!.request.body).toEqual(first.request.body);
    expect((await b.workspace.get(52))!.response!.body).toEqual(
      new Uint8Array(readFileSync(`${cap1}/052-mapi-emsmdb-Disconnect.response.bin`)),
    );
  });

  it('imports uploaded bytes and reports a bad file clearly', async () => {
    b = await Backend.start({ listen: false, services: [new FileService()] });
    const dir = mkdtempSync(path.join(tmpdir(), 'fs-'));
    const saz = readFileSync('test/fixtures/saz/fiddler-wopi-not-mapi-NewCaseName1.saz');
    const r = (await b.rpc.invoke('file.importBytes', { name: 'x.saz', base64: base64Encode(saz) })) as {
      count: number;
      format: string;
    };
    expect(r).toMatchObject({ count: 3, format: 'saz' });
    writeFileSync(path.join(dir, 'bad.har'), '{"log": {"entries": [');
    await expect(b.rpc.invoke('file.open', { path: path.join(dir, 'bad.har') })).rejects.toThrow(/bad\.har/);
    await expect(b.rpc.invoke('file.open', { path: path.join(dir, 'missing.har') })).rejects.toThrow(/no such file/);
    expect(b.workspace.count).toBe(3); // a failed open keeps what was shown
  });
});

describe('file service exports', () => {
  it('exports HAR redacted by default, SAZ and JSON, to a path or as bytes', async () => {
    b = await Backend.start({ listen: false, services: [new FileService()] });
    await b.rpc.invoke('file.open', { path: cap1 });
    const har = (await b.rpc.invoke('file.export', { format: 'har', ids: [1, 2] })) as {
      exchanges: number;
      base64: string;
      name: string;
      redaction: { counts: Record<string, number> };
    };
    expect(har.exchanges).toBe(2);
    expect(har.name).toBe('capture.har');
    const text = Buffer.from(har.base64, 'base64').toString('utf8');
    const doc = JSON.parse(text) as { log: { entries: { request: { headers: { name: string; value: string }[] } }[] } };
    expect(doc.log.entries).toHaveLength(2);
    expect(har.redaction.counts).toMatchObject({ cookie: expect.any(Number) });
    const cookie = doc.log.entries[1]!.request.headers.find((h) => h.name.toLowerCase() === 'cookie');
    expect(cookie?.value).toBeDefined();
    const raw = (await b.workspace.get(2))!.request.headers.find((h) => h.name.toLowerCase() === 'cookie')!.value;
    expect(cookie!.value).not.toBe(raw);

    const plain = (await b.rpc.invoke('file.export', { format: 'har', ids: [2], redact: false })) as { base64: string };
    expect(Buffer.from(plain.base64, 'base64').toString('utf8')).toContain(raw.split(';')[0]!.split('=')[1]!);

    const dir = mkdtempSync(path.join(tmpdir(), 'fx-'));
    const saz = (await b.rpc.invoke('file.export', { format: 'saz', path: path.join(dir, 'x.saz') })) as {
      exchanges: number;
      path: string;
    };
    expect(saz.exchanges).toBe(52);
    expect(readFileSync(path.join(dir, 'x.saz')).subarray(0, 2).toString('latin1')).toBe('PK');
    const json = (await b.rpc.invoke('file.export', { format: 'json', ids: [3] })) as { base64: string };
    const arr = JSON.parse(Buffer.from(json.base64, 'base64').toString('utf8')) as unknown[];
    expect(arr).toHaveLength(1);
    await expect(b.rpc.invoke('file.export', { format: 'pdf' })).rejects.toThrow(/format must be/);
  });
});
