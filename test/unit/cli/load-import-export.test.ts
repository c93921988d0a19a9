import { describe, expect, it, beforeAll } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { CaptureFileError } from '../../../shared/capture/errors.js';
import { writeHar } from '../../../shared/capture/har/index.js';
import { CaptureWriter, readCapture } from '../../../electron/backend/store/capture-file.js';
import { loadExchanges, iterateExchanges } from '../../../electron/backend/store/load.js';
import { runCli } from '../../../electron/cli/main.js';
import { gromoxCapture } from '../capture/gromox.js';

const require = createRequire(import.meta.url);
const harValidator = require('har-validator/lib/promise.js') as { har: (d: unknown) => Promise<unknown> };
const SAZ = join(import.meta.dirname, '../../fixtures/saz/fiddler-wopi-not-mapi-NewCaseName1.saz');

let dir: string;
let cap: Exchange[];
let capFile: string;
let harFile: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

async function collect(path: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of readCapture(path)) out.push(ex);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-io-'));
  cap = gromoxCapture();
  capFile = join(dir, 'gromox.mscap');
  const w = await CaptureWriter.create(capFile);
  for (const ex of cap) await w.append(ex);
  await w.close();
  harFile = join(dir, 'gromox.har');
  let s = '';
  for await (const p of writeHar(cap)) s += p;
  writeFileSync(harFile, s);
});

describe('loadExchanges / iterateExchanges', () => {
  it('tells the format from the content and reads each', async () => {
    const a = await loadExchanges(capFile);
    expect(a.format).toBe('capture');
    expect(a.exchanges).toEqual(cap);
    const b = await loadExchanges(harFile);
    expect(b.format).toBe('har');
    expect(b.exchanges).toEqual(cap);
    expect(b.warnings).toEqual([]);
    const c = await loadExchanges(SAZ);
    expect(c.format).toBe('saz');
    expect(c.exchanges.length).toBe(3);
    // A HAR under a misleading name is still read as HAR.
    const renamed = join(dir, 'looks-like.saz');
    writeFileSync(renamed, '\ufeff' + readFileSync(harFile, 'utf8'));
    expect((await loadExchanges(renamed)).format).toBe('har');
  });

  it('streams a HAR entry by entry', async () => {
    let n = 0;
    for await (const ex of iterateExchanges(harFile)) expect(ex.id).toBe(++n);
    expect(n).toBe(52);
  });

  it('garbage, a JSON array, and a truncated HAR: clear errors naming file and place, readable part kept', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello world');
    await expect(loadExchanges(junk)).rejects.toThrow(
      `${junk}: offset 0: unknown format: not a HAR (JSON), a Fiddler SAZ (ZIP) or a MapiScope capture`,
    );
    const arr = join(dir, 'arr.json');
    writeFileSync(arr, '[1,2]');
    await expect(loadExchanges(arr)).rejects.toThrow(`${arr}: offset 0: JSON array, not a HAR file`);
    const text = readFileSync(harFile, 'utf8');
    const lines = text.split('\n');
    // Line 1 opens the log, lines 2..53 are entries: cut in the middle of entry 3 (line 4).
    const cut = join(dir, 'cut.har');
    writeFileSync(cut, lines.slice(0, 3).join('\n') + '\n' + lines[3]!.slice(0, 200));
    let err: unknown;
    try {
      await loadExchanges(cut);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureFileError);
    expect((err as Error).message).toBe(`${cut}: line 4, column 201 (entry 3): file ends inside a string (truncated?)`);
    expect((err as CaptureFileError).partial!.exchanges).toEqual(cap.slice(0, 2));
    const bad = join(dir, 'bad.har');
    writeFileSync(
      bad,
      [...lines.slice(0, 2), lines[2]!.replace('"request":', '"request"'), ...lines.slice(3)].join('\n'),
    );
    await expect(loadExchanges(bad)).rejects.toThrow(
      /bad\.har: line 3, column \d+ \(entry 2\): a value where a key or separator was expected/,
    );
  });
});

describe('mapiscope import / export', () => {
  it('import HAR → capture gives the same exchanges', async () => {
    const out = join(dir, 'from-har.mscap');
    const r = await run('import', harFile, '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('imported 52 exchange(s)');
    expect(await collect(out)).toEqual(cap);
  });

  it('import of a truncated file: exit 1, nothing left behind; --keep-partial keeps what was read', async () => {
    const text = readFileSync(harFile, 'utf8').split('\n');
    const cut = join(dir, 'cut2.har');
    writeFileSync(cut, text.slice(0, 6).join('\n'));
    const out = join(dir, 'cut2.mscap');
    const r = await run('import', cut, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: ${cut}: line 6, column`);
    expect(r.err).toContain('5 exchange(s) were readable before the fault; nothing written');
    expect(readdirSync(dir).filter((f) => f.startsWith('cut2.mscap'))).toEqual([]);
    const k = await run('import', cut, '--out', out, '--keep-partial');
    expect(k.code).toBe(1);
    expect(await collect(out)).toEqual(cap.slice(0, 5));
  });

  it('export capture → HAR (redacted by default) validates, holds no cookie value, and re-imports', async () => {
    const out = join(dir, 'red.har');
    const r = await run('export', capFile, '--format', 'har', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('redacted in 52 of 52 exchanges');
    const text = readFileSync(out, 'utf8');
    const har = JSON.parse(text);
    await expect(harValidator.har(har).then(() => 'valid')).resolves.toBe('valid');
    expect(text).not.toContain('alx6iclbe2u0lap2b7qdten0stcd00sb');
    expect(har.log.entries[0]._mapi.requestType).toBe('Connect');
    expect(har.log.entries[0]._mapi.setCookies.sid).toBe('redacted-sid-1');
    expect(har.log._redaction.counts.cookie).toBeGreaterThan(0);
    const back = await loadExchanges(out);
    expect(back.exchanges.map((e) => e.request.body)).toEqual(cap.map((e) => e.request.body));
    expect(back.exchanges.map((e) => e.response!.body)).toEqual(cap.map((e) => e.response!.body));
  });

  it('--no-rops leaves the ROP names out of _mapi and keeps the rest', async () => {
    const a = join(dir, 'rops.har');
    const b = join(dir, 'norops.har');
    expect((await run('export', capFile, '--har', a)).code).toBe(0);
    expect((await run('export', capFile, '--har', b, '--no-rops')).code).toBe(0);
    const ea = JSON.parse(readFileSync(a, 'utf8')).log.entries[1]._mapi;
    const eb = JSON.parse(readFileSync(b, 'utf8')).log.entries[1]._mapi;
    expect(ea.requestType).toBe('Execute');
    expect(ea.rops.length).toBeGreaterThan(0);
    expect(eb.rops).toBeUndefined();
    expect(eb.requestType).toBe('Execute');
    expect(eb.metaTags).toEqual(ea.metaTags);
    expect(eb.setCookies).toEqual(ea.setCookies);
  });

  it('--no-redact: capture → HAR → capture and capture → SAZ → capture are lossless', async () => {
    const h = join(dir, 'plain.har');
    expect((await run('export', capFile, '--har', h, '--no-redact')).code).toBe(0);
    expect((await loadExchanges(h)).exchanges).toEqual(cap);
    const s = join(dir, 'plain.saz');
    expect((await run('export', capFile, '--saz', s, '--no-redact')).code).toBe(0);
    const back = join(dir, 'from-saz.mscap');
    expect((await run('import', s, '--out', back)).code).toBe(0);
    expect(await collect(back)).toEqual(cap);
  });

  it('--format json streams the decoded tree of every exchange (decode --json shape)', async () => {
    const r = await run('export', capFile, '--format', 'json');
    expect(r.code).toBe(0);
    const arr = JSON.parse(r.out) as {
      id: number;
      endpoint: string;
      requestType: string;
      request: { tree: { name: string } };
    }[];
    expect(arr.length).toBe(52);
    expect(arr[0]!.id).toBe(1);
    expect(arr[0]!.endpoint).toBe('emsmdb');
    expect(arr[0]!.requestType).toBe('Connect');
    expect(arr[0]!.request.tree.name).toBe('ConnectRequest');
  });

  it('export of a bad input: exit 1, a clear message, no output file', async () => {
    const junk = join(dir, 'junk2.har');
    writeFileSync(junk, '{"log": {"entries": [ {"request": ');
    const out = join(dir, 'never.har');
    const r = await run('export', junk, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${junk}: line 1, column`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('never.har'))).toEqual([]);
  });
});

describe('mapiscope export --redact-names', () => {
  it('finds the user in the capture and no trace of it is left in the SAZ', async () => {
    const out = join(dir, 'names.saz');
    const r = await run('export', capFile, '--saz', out, '--redact-names');
    expect(r.code).toBe(0);
    // X-User-Identity, the Connect user DN, its cn and user part, the MailboxId domain and GUID, and the
    // display name the decoder finds in the Connect responses and the NSPI rows.
    expect(r.err).toContain('found 7 user/mailbox name(s) to replace');
    const { openZip } = await import('../../../shared/capture/saz/index.js');
    const z = openZip(new Uint8Array(readFileSync(out)), out);
    let hits = 0;
    for (const e of z.entries) {
      const b = Buffer.from(z.read(e));
      for (const v of ['alice', '616c6963-6540-6c61-622e-746501000000'])
        if (b.toString('latin1').toLowerCase().includes(v) || b.toString('utf16le').toLowerCase().includes(v)) hits++;
    }
    expect(hits).toBe(0);
    // Bodies keep their lengths (names are replaced by same-length pseudonyms).
    const back = await loadExchanges(out);
    expect(back.exchanges.map((e) => e.request.body.length)).toEqual(cap.map((e) => e.request.body.length));
  });
});
