/**
 * `mapiscope analyze`: the body-folder loader, a HAR written from a constructed
 * capture, --json output and usage errors, through the real CLI runner.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCommand, analyze, detectInput } from '../../../../electron/cli/commands/analyze.js';
import { loadBodyFolder, parseBodyFolderEntry } from '../../../../electron/backend/store/body-folder.js';
import { runCli } from '../../../../electron/cli/main.js';
import { writeHar } from '../../../../shared/capture/har/index.js';
import { writeSaz } from '../../../../shared/capture/saz/index.js';
import { FIXTURES, ScriptedClient, healthySession } from '../../session/helpers.js';

const CAP1 = path.join(FIXTURES, 'gromox-ruler/cap1');

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    commandList: [analyzeCommand],
  });
  return { code, out, err };
}

describe('body folder loader', () => {
  it('reads request line, headers in wire order and case, bodies and chunk sizes', () => {
    const { exchanges, problems } = loadBodyFolder(CAP1);
    expect(problems).toEqual([]);
    const ex = exchanges[0]!;
    expect(ex.request.method).toBe('POST');
    expect(ex.request.url).toBe('/mapi/emsmdb/?MailboxId=616c6963-6540-6c61-622e-746501000000@lab.test');
    expect(ex.request.headers.map((h) => h.name).slice(0, 3)).toEqual(['Host', 'User-Agent', 'Connection']);
    expect(ex.request.headers.find((h) => h.name === 'X-Requesttype')!.value).toBe('Connect');
    expect(ex.response!.statusCode).toBe(200);
    expect(ex.response!.chunks.map((c) => c.length)).toEqual([82, 87]);
    expect(ex.response!.body.length).toBe(169);
    expect(ex.timings.requestStart).toBe(Date.parse('Sun, 22 Nov 2026 11:24:11 GMT') + 1);
    expect(ex.server).toEqual({ address: '127.0.0.1', port: 10080 });
    expect(exchanges[12]!.comment).toBe('013-mapi-nspi-BIND');
  });

  it('rejects an entry without a request line', () => {
    expect(() =>
      parseBodyFolderEntry({ name: 'x', meta: '[request]\n', request: new Uint8Array(0) }, 1, new Map()),
    ).toThrow('x: no request line in [request]');
  });
});

describe('analyze', () => {
  it('detects the input kinds', () => {
    expect(detectInput(CAP1)).toBe('bodies');
    expect(() => detectInput(path.join(FIXTURES, 'nope'))).toThrow('no such file or folder');
  });

  it('analyzes cap1 from its folder of bodies', async () => {
    const r = await analyze(CAP1);
    expect(r.input).toEqual({ path: CAP1, kind: 'bodies', exchanges: 52 });
    expect(r.sessions.length).toBe(11);
    expect(r.sessions[2]!.exchangeIds).toEqual([10, 11, 12, 16]);
    expect(r.sessions[0]!.cookies).toEqual([{ name: 'sid', value: 'alx6iclbe2u0lap2b7qdten0stcd00sb' }]);
    expect(r.findings.map((f) => f.rule)).toEqual(['unknown-handle', 'rop-error', 'unknown-handle']);
  });

  it('analyzes a HAR written from a constructed capture (stale cookie found)', async () => {
    const c = healthySession(new ScriptedClient());
    c.ping({ cookie: 'MapiContext=ctx1; MapiSequence=seq1' });
    let text = '';
    for await (const s of writeHar(c.exchanges)) text += s;
    const dir = mkdtempSync(path.join(tmpdir(), 'mapiscope-analyze-'));
    const file = path.join(dir, 'x.har');
    writeFileSync(file, text);
    expect(detectInput(file)).toBe('har');
    const r = await analyze(file);
    expect(r.input.exchanges).toBe(9);
    expect(r.sessions.map((s) => [s.state, s.exchanges])).toEqual([['closed', 9]]);
    expect(r.findings.map((f) => [f.rule, f.evidence])).toEqual([['used-after-close', [9]]]);
  });

  it('reads SAZ: the real Fiddler archive (no MAPI traffic) and a SAZ written from a constructed capture', async () => {
    const real = await analyze(path.join(FIXTURES, 'saz/fiddler-wopi-not-mapi-NewCaseName1.saz'));
    expect([real.input.kind, real.input.exchanges, real.sessions.length, real.findings.length]).toEqual([
      'saz',
      3,
      0,
      0,
    ]);
    const c = healthySession(new ScriptedClient());
    c.ping({ responseCode: 10 });
    const parts: Uint8Array[] = [];
    for await (const p of writeSaz(c.exchanges)) parts.push(p);
    const dir = mkdtempSync(path.join(tmpdir(), 'mapiscope-analyze-'));
    const file = path.join(dir, 'x.saz');
    writeFileSync(file, Buffer.concat(parts));
    const r = await analyze(file);
    expect(r.input.kind).toBe('saz');
    expect(r.sessions.map((s) => s.exchangeIds)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(r.findings.map((f) => [f.rule, f.evidence])).toEqual([
      ['response-code', [9]],
      ['used-after-close', [9]],
    ]);
  });

  it('reads a MapiScope capture file', async () => {
    const { CaptureWriter } = await import('../../../../electron/backend/store/capture-file.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'mapiscope-analyze-'));
    const file = path.join(dir, 'x.mscap');
    const w = await CaptureWriter.create(file);
    for (const ex of healthySession(new ScriptedClient()).exchanges) await w.append(ex);
    await w.close();
    expect(detectInput(file)).toBe('capture');
    const r = await analyze(file);
    expect([r.input.exchanges, r.sessions.length, r.sessions[0]!.state, r.findings.length]).toEqual([
      8,
      1,
      'closed',
      0,
    ]);
  });

  it('prints JSON with --json and text otherwise; usage errors exit 2', async () => {
    const j = await cli(['analyze', CAP1, '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out) as { sessions: unknown[]; findings: { rule: string; evidence: number[] }[] };
    expect(doc.sessions.length).toBe(11);
    expect(doc.findings[0]!.evidence.slice(0, 3)).toEqual([3, 7, 12]);
    const t = await cli(['analyze', CAP1]);
    expect(t.out.split('\n')[0]).toBe(`${CAP1}: 52 exchange(s), 11 MAPI session(s), 3 finding(s)`);
    expect(t.out).toContain('  #3 emsmdb closed  sid=alx6icybe6z0lai2b5ddtec0… +sequence');
    expect(t.out).toContain('4 exchange(s) [10-12, 16] on 4 connection(s)');
    expect((await cli(['analyze'])).code).toBe(2);
    expect((await cli(['analyze', CAP1, '--as', 'zip'])).code).toBe(2);
    expect((await cli(['analyze', path.join(FIXTURES, 'nope')])).code).toBe(1);
  });
});
