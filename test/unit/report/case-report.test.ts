/**
 * `mapiscope report` on the scripted session and its Exchange logs, with a
 * probe result: every section is there with its content, the two-sided
 * findings carry their server rows, nothing loads from outside, and no user
 * name or session cookie value survives redaction (they do with --no-redact).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';
import { TextRedactor } from '../../../shared/report/redact-text.js';
import { timelineSvg } from '../../../shared/report/case-report.js';
import { writeLogScenario, type LogScenario } from '../logs/scenario.js';

let dir: string;
let s: LogScenario;
let cap: string;
const SECRETS = ['alice', 'ctx1', 'ctx2'];

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (x) => (out += x), stderr: (x) => (err += x) });
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-report-'));
  s = writeLogScenario(dir);
  cap = join(dir, 'client.mscap');
  const w = await CaptureWriter.create(cap);
  for (const e of s.exchanges) await w.append(e);
  await w.close();
  writeFileSync(
    join(dir, 'probe.json'),
    JSON.stringify({
      target: 'https://mail.contoso.com',
      identity: 'CONTOSO\\alice',
      result: 'Failed',
      steps: [
        { name: 'TLS certificate', result: 'passed', durationMs: 12 },
        { name: 'Connect (emsmdb)', result: 'failed', status: 401, error: '401 for CONTOSO\\alice' },
      ],
      notes: [],
    }),
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mapiscope report', () => {
  it('writes one self-contained, redacted HTML file with every section', async () => {
    const out = join(dir, 'case.html');
    const r = await cli(['report', cap, '--logs', s.logs, '--probe', join(dir, 'probe.json'), '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ sessions: 2, serverLogs: true, probe: true, redacted: true });
    const html = readFileSync(out, 'utf8');
    for (const id of ['environment', 'timeline', 'findings', 'server-logs', 'probe'])
      expect(html).toContain(`<section id="${id}">`);
    // Nothing that loads anything, no script.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|\ssrc=|\shref=|url\(|@import/i);
    expect(html).toContain('Outlook/16.0.17928.20114</td><td>supported');
    expect(html).toContain('Server failures behind the client’s reconnects');
    expect(html).toContain('HttpProxy_2026010509-1.LOG:12');
    expect(html).toContain('Requests the server never logged');
    expect(html).toContain('Slowest requests with their latency breakdown');
    expect(html).toContain('<td>Connect (emsmdb)</td><td>failed</td>');
    expect((html.match(/<rect /g) ?? []).length).toBe(2);
    for (const secret of SECRETS) expect(html.toLowerCase()).not.toContain(secret);
    expect(html).toContain('redacted-MapiContext-1');
  }, 60_000);

  it('keeps names and cookies with --no-redact, and says so', async () => {
    const out = join(dir, 'plain.html');
    expect((await cli(['report', cap, '--out', out, '--no-redact'])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('NOT redacted');
    expect(html).toContain('alice@contoso.com');
    expect(html).toContain('No server logs given');
    expect(html).toContain('No probe result given');
  }, 60_000);

  it('fails cleanly on a probe file that is not JSON, leaving no file', async () => {
    writeFileSync(join(dir, 'bad.json'), 'not json');
    const r = await cli(['report', cap, '--probe', join(dir, 'bad.json'), '--out', join(dir, 'bad.html')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json: not the JSON of mapiscope probe/);
  });
});

describe('report pieces', () => {
  it('TextRedactor replaces longest first, case-insensitively, in nested values', () => {
    const r = new TextRedactor();
    r.add('alice@contoso.com', 'user1@example');
    r.add('alice', 'user2');
    r.add('ab', 'x'); // too short to be a name
    expect(r.value({ ALICE: ['Alice@Contoso.com and alice', 3, null] })).toEqual({
      user2: ['user1@example and user2', 3, null],
    });
    expect(r.size).toBe(2);
  });

  it('draws one lane per session with its events', () => {
    const svg = timelineSvg([
      {
        id: 1,
        endpoint: 'emsmdb',
        state: 'replaced',
        start: 0,
        end: 1000,
        exchanges: 3,
        reconnects: 0,
        events: [{ time: 500, kind: 'x' }],
      },
      { id: 2, endpoint: 'nspi', state: 'open', start: 900, end: 2000, exchanges: 1, reconnects: 1, events: [] },
    ]);
    expect((svg.match(/<rect /g) ?? []).length).toBe(2);
    expect((svg.match(/<path /g) ?? []).length).toBe(1);
    expect(svg).toContain('#2 nspi open');
  });
});
