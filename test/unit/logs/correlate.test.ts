/**
 * A scripted Outlook session (the client's half) next to HttpProxy, MapiHttp
 * and MAPIMB logs written from the published rows' shapes (the server's half):
 * every join path (X-RequestId, session cookie, time and user), unmatched
 * requests on both sides, and each two-sided diagnosis with its evidence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseDb, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs } from '../../../electron/backend/logs/importer.js';
import { correlateWithCase, type TwoSidedResult } from '../../../electron/backend/logs/server-rows.js';
import { CaptureWriter } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';
import { SessionModel } from '../../../shared/session/model.js';
import { writeLogScenario, type LogScenario } from './scenario.js';

let dir: string;
let db: CaseDb;
let result: TwoSidedResult;
let scenario: LogScenario;
let ids: LogScenario['ids'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-correlate-'));
  scenario = writeLogScenario(dir);
  ids = scenario.ids;
  await importLogs([scenario.logs], join(dir, 'case.logs'));
  db = await openCaseDb(join(dir, 'case.logs'), { readOnly: true });
  const model = new SessionModel();
  for (const e of scenario.exchanges) model.add(e);
  result = await correlateWithCase(db, model.facts(), model.sessions());
}, 60_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('correlation', () => {
  it('joins by X-RequestId (front end and mailbox logs), then by time and user', () => {
    const m = new Map(result.correlation.matches.map((x) => [x.exchangeId, x]));
    expect(m.get(ids.connect)!.by).toBe('request-id');
    expect(
      m
        .get(ids.connect)!
        .rows.map((r) => `${r.table}:${r.line}`)
        .sort(),
    ).toEqual(['httpproxy:7', 'mapimb:6']);
    expect(m.get(ids.gap)!.rows.map((r) => r.line)).toEqual([8]);
    expect(m.get(ids.byTime)).toMatchObject({ by: 'time-and-user' });
    expect(m.get(ids.byTime)!.rows.map((r) => r.line)).toEqual([11]);
    expect(m.get(ids.unlogged)).toBeUndefined();
  });

  it('lists unmatched requests on both sides', () => {
    expect(result.correlation.unmatchedClient).toEqual([ids.unlogged]);
    expect(result.correlation.unmatchedServer.map((r) => [r.line, r.requestType])).toEqual([[14, 'PING']]);
  });

  it('diagnoses both halves with evidence on each side', () => {
    const byRule = new Map(result.findings.map((f) => [f.rule, f]));
    expect([...byRule.keys()].sort()).toEqual([
      'backend-slow',
      'client-front-end-gap',
      'rejected-seen-as-network-error',
      'server-failure-behind-reconnect',
      'unlogged-request',
    ]);
    const gap = byRule.get('client-front-end-gap')!;
    expect(gap.evidence).toEqual([ids.gap]);
    expect(gap.message).toContain('worst 4.8 s more than the front end');
    expect(gap.serverEvidence!.map((e) => e.line)).toEqual([8]);
    expect(byRule.get('backend-slow')!.evidence).toEqual([ids.slow]);
    expect(byRule.get('backend-slow')!.serverEvidence!.map((e) => e.line)).toEqual([9]);
    const dropped = byRule.get('rejected-seen-as-network-error')!;
    expect([dropped.severity, dropped.evidence, dropped.serverEvidence!.map((e) => e.line)]).toEqual([
      'error',
      [ids.dropped],
      [10],
    ]);
    expect(dropped.message).toContain('HTTP 403');
    const behind = byRule.get('server-failure-behind-reconnect')!;
    expect(behind.evidence).toEqual([ids.failed]);
    expect(behind.message).toContain('HTTP 500');
    expect(byRule.get('unlogged-request')!.evidence).toEqual([ids.unlogged]);
  });

  it('mapiscope logs correlate prints the same join from a capture file and a log folder', async () => {
    const cap = join(dir, 'client.mscap');
    const w = await CaptureWriter.create(cap);
    for (const e of scenario.exchanges) await w.append(e);
    await w.close();
    let out = '';
    const code = await runCli(['logs', 'correlate', cap, join(dir, 'case.logs'), '--json'], {
      stdout: (s) => (out += s),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.unmatchedClient).toEqual([ids.unlogged]);
    expect(r.matched.length).toBe(result.correlation.matches.length);
    expect(r.findings.map((f: { rule: string }) => f.rule).sort()).toEqual(
      [...result.findings.map((f) => f.rule)].sort(),
    );
  });
});
