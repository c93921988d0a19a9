/**
 * Bad files: a corpus generated into a temp folder from real fixtures (the gromox cap1
 * exchanges written as HAR, SAZ and a capture file, then damaged) through `loadExchanges`
 * and the `import`, `decode` and `export` (HAR and SAZ) commands — in process through
 * runCli for the matrix, and through the real `bin/mapiscope.mjs` for the process exit code.
 * Fatal damage: a CaptureFileError naming the file and the place, exit code 1, and no output
 * file (nor a temp file) left behind. Recoverable damage (a capture cut mid-record, a SAZ cut
 * inside a member, a SAZ missing a response member, HAR entries of the wrong type): what is
 * readable is kept and the loss is stated on stderr naming the file and the place.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFileError } from '../../shared/capture/errors.js';
import { writeHar } from '../../shared/capture/har/index.js';
import { ZipWriter, openZip, readSaz, writeSaz } from '../../shared/capture/saz/index.js';
import { CaptureWriter } from '../../electron/backend/store/capture-file.js';
import { loadExchanges } from '../../electron/backend/store/load.js';
import { runCli } from '../../electron/cli/main.js';
import { gromoxCapture } from '../unit/capture/gromox.js';
import { BIN } from './harness.js';

let dir: string;
const corpus: Record<string, Buffer> = {};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msbad-'));
  const cap = gromoxCapture().slice(0, 6);
  let har = '';
  for await (const p of writeHar(cap)) har += p;
  const parts: Uint8Array[] = [];
  for await (const p of writeSaz(cap)) parts.push(p);
  const saz = Buffer.concat(parts);
  const w = await CaptureWriter.create(join(dir, 'good.mscap'));
  for (const ex of cap) await w.append(ex);
  await w.close();
  const mscap = readFileSync(join(dir, 'good.mscap'));
  const zipOf = (members: [string, Uint8Array][]) => {
    const z = new ZipWriter();
    const o: Uint8Array[] = [];
    for (const [n, b] of members) o.push(...z.add(n, b));
    o.push(...z.finish());
    return Buffer.concat(o);
  };
  const sazMembers = (() => {
    const a = openZip(new Uint8Array(saz), 'x.saz');
    return a.entries.map((e) => [e.name, a.read(e)] as [string, Uint8Array]);
  })();
  const harObj = JSON.parse(har) as { log: { entries: Record<string, unknown>[] } };
  const wrongTypes = structuredClone(harObj);
  wrongTypes.log.entries[1] = { ...wrongTypes.log.entries[1], request: [], response: 'x', startedDateTime: 5 };
  const midCrc = Buffer.from(mscap);
  midCrc[Math.floor(mscap.length / 2)]! ^= 0xff;
  Object.assign(corpus, {
    // fatal
    'truncated.har': Buffer.from(har.slice(0, Math.floor(har.length / 2))),
    'garbage.har': Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) & 0xff)),
    'invalid-json.har': Buffer.from('{"log": {"version": "1.2", "entries": [ {"startedDateTime": , }'),
    'no-log.har': Buffer.from('{"entries": []}'),
    'array.har': Buffer.from('[1,2,3]'),
    'empty.har': Buffer.alloc(0),
    'log-wrong-type.har': Buffer.from('{"log": "entries"}'),
    'garbage.saz': Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(500, 0x41)]),
    'wrong-zip.saz': zipOf([['hello.txt', Buffer.from('hi')]]),
    'badmagic.mscap': Buffer.concat([Buffer.from('NOTACAPT'), mscap.subarray(8)]),
    // recoverable
    'cut.mscap': mscap.subarray(0, mscap.length - 100),
    'crc-middle.mscap': midCrc,
    'truncated.saz': saz.subarray(0, Math.floor(saz.length / 2)),
    'missing-response.saz': zipOf(sazMembers.filter(([n]) => n !== 'raw/2_s.txt')),
    'wrong-types.har': Buffer.from(JSON.stringify(wrongTypes)),
  });
  for (const [n, b] of Object.entries(corpus)) writeFileSync(join(dir, n), b);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FATAL = [
  'truncated.har',
  'garbage.har',
  'invalid-json.har',
  'no-log.har',
  'array.har',
  'empty.har',
  'log-wrong-type.har',
  'garbage.saz',
  'wrong-zip.saz',
  'badmagic.mscap',
  'nonexistent.har',
];
/** Fatal damage whose place is in the content (the others are "cannot open" or "not an archive of sessions"). */
const PLACED = new Set([
  'truncated.har',
  'garbage.har',
  'invalid-json.har',
  'no-log.har',
  'array.har',
  'empty.har',
  'log-wrong-type.har',
  'garbage.saz',
  'badmagic.mscap',
]);
const RECOVERABLE: Record<string, RegExp> = {
  'cut.mscap': /incomplete record at offset \d+/,
  'crc-middle.mscap': /record at offset \d+ .*crc|offset \d+ \(\d+ bytes, crc\)/,
  'truncated.saz': /member "raw\/\d+_[csm]\.[a-z]+" is cut off/,
  'missing-response.saz': /session 2: no response in the archive/,
  'wrong-types.har': /entry 2: /,
};

describe('bad files through loadExchanges', () => {
  for (const name of FATAL)
    it(`${name}: CaptureFileError naming the file${PLACED.has(name) ? ' and the place' : ''}`, async () => {
      const f = join(dir, name);
      const e = await loadExchanges(f).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(CaptureFileError);
      const err = e as CaptureFileError;
      expect(err.message.startsWith(`${f}: `)).toBe(true);
      if (PLACED.has(name)) expect(err.where).toMatch(/line \d+, column \d+|offset \d+|entry \d+|member/);
      expect(err.reason.length).toBeGreaterThan(5);
    });
  for (const [name, said] of Object.entries(RECOVERABLE))
    it(`${name}: the readable part is kept and the loss is a warning naming the place`, async () => {
      const r = await loadExchanges(join(dir, name));
      expect(r.exchanges.length).toBeGreaterThan(0);
      expect(r.warnings.join('\n')).toMatch(said);
    });
});

describe('bad files through the CLI (import, decode, export): exit ≠ 0, clear message, nothing half-written', () => {
  const cmds = {
    import: (f: string, o: string) => ['import', f, '--out', join(o, 'out.mscap')],
    decode: (f: string) => ['decode', f, '--json'],
    'export har': (f: string, o: string) => ['export', f, '--format', 'har', '--out', join(o, 'out.har')],
    'export saz': (f: string, o: string) => ['export', f, '--saz', join(o, 'out.saz')],
    'export json': (f: string, o: string) => ['export', f, '--format', 'json', '--out', join(o, 'out.json')],
  };
  for (const name of FATAL)
    it(`${name}`, async () => {
      const f = join(dir, name);
      for (const [cmd, argv] of Object.entries(cmds)) {
        const o = join(dir, `out-${name}-${cmd.replace(' ', '-')}`);
        mkdirSync(o);
        const r = await run(...argv(f, o));
        expect(r.code, `${cmd}: ${r.err}`).toBe(1);
        expect(r.err, cmd).toContain(f);
        expect(r.err.length, cmd).toBeLessThan(2000);
        expect(r.err, cmd).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
        if (cmd === 'decode') expect(r.out, 'decode prints no partial JSON').toBe('');
        expect(readdirSync(o), `${cmd} left output behind`).toEqual([]);
      }
    });
  for (const [name, said] of Object.entries(RECOVERABLE))
    it(`${name}: exit 0 with the loss stated on stderr, output complete and readable`, async () => {
      const f = join(dir, name);
      for (const [cmd, argv] of Object.entries(cmds)) {
        const o = join(dir, `out-${name}-${cmd.replace(' ', '-')}`);
        mkdirSync(o);
        const r = await run(...argv(f, o));
        expect(r.code, `${cmd}: ${r.err}`).toBe(0);
        expect(r.err, cmd).toMatch(said);
        if (cmd === 'decode') expect(() => JSON.parse(r.out)).not.toThrow();
        if (cmd === 'export saz')
          expect(readSaz(new Uint8Array(readFileSync(join(o, 'out.saz'))), 'out.saz').exchanges.length).toBeGreaterThan(
            0,
          );
        if (cmd === 'export json') expect(() => JSON.parse(readFileSync(join(o, 'out.json'), 'utf8'))).not.toThrow();
        if (cmd === 'export har') expect((await loadExchanges(join(o, 'out.har'))).exchanges.length).toBeGreaterThan(0);
      }
    });

  it('import never overwrites: an existing output file is left exactly as it was', async () => {
    const o = join(dir, 'existing.mscap');
    writeFileSync(o, 'precious');
    const r = await run('import', join(dir, 'good.mscap'), '--out', o);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(o);
    expect(readFileSync(o, 'utf8')).toBe('precious');
  });

  it('the real binary exits 1 on a bad file and 2 on bad usage (process exit codes)', () => {
    const bad = spawnSync(process.execPath, [BIN, 'decode', join(dir, 'truncated.har')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, 'truncated.har')}: line `);
    const usage = spawnSync(process.execPath, [BIN, 'export', join(dir, 'good.mscap'), '--format', 'nope'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(usage.status).toBe(2);
  }, 90_000);
});

describe('regression: a SAZ of ours missing a response member', () => {
  it('is not read silently as an exchange without a response (was: no warning, no aborted mark)', async () => {
    const r = readSaz(new Uint8Array(corpus['missing-response.saz']!), 'm.saz');
    const ex = r.exchanges[1]!;
    expect(ex.response).toBeUndefined();
    expect(ex.aborted).toEqual({ kind: 'upstream-error', message: 'no response in the SAZ archive' });
    expect(r.warnings).toContain('session 2: no response in the archive');
    // An exchange that really had no response keeps reading back without a warning.
    const { mapiExchange, noResponse } = await import('../unit/capture/factory.js');
    const none = noResponse(mapiExchange());
    const parts: Uint8Array[] = [];
    for await (const p of writeSaz([none])) parts.push(p);
    const back = readSaz(new Uint8Array(Buffer.concat(parts)), 'n.saz');
    expect(back.warnings).toEqual([]);
    expect(back.exchanges[0]!.response).toBeUndefined();
  });
});
