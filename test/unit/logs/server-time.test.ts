/**
 * The server's time under each client request: front-end proxy and back-end
 * time from the rows the correlation joined (hand-built rows for each source
 * combination, then the scripted session next to its imported logs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseDb, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs } from '../../../electron/backend/logs/importer.js';
import { correlateWithCase } from '../../../electron/backend/logs/server-rows.js';
import type { ServerRow } from '../../../shared/logs/correlate.js';
import { serverTimeOf, serverTimeline, type ServerTimeline } from '../../../shared/logs/server-time.js';
import { SessionModel } from '../../../shared/session/model.js';
import { writeLogScenario, type LogScenario } from './scenario.js';

const row = (over: Partial<ServerRow>): ServerRow => ({ table: 'httpproxy', file: 'f.LOG', line: 7, time: 0, ...over });

describe('serverTimeOf', () => {
  it('splits the front end’s TotalRequestTime by its BackendProcessingLatency', () => {
    expect(serverTimeOf(3, 'request-id', [row({ durationMs: 3050, backendMs: 2900 })])).toEqual({
      exchangeId: 3,
      by: 'request-id',
      totalMs: 3050,
      backEndMs: 2900,
      frontEndMs: 150,
      sources: ['f.LOG:7'],
    });
  });

  it('takes the back end from the mailbox server’s row when the front end did not log it', () => {
    const rows = [
      row({ durationMs: 40 }),
      row({ table: 'mapihttp_mailbox', file: 'MapiHttp.LOG', line: 9, durationMs: 25 }),
    ];
    expect(serverTimeOf(1, 'session-cookie', rows)).toMatchObject({
      totalMs: 40,
      backEndMs: 25,
      frontEndMs: 15,
      sources: ['f.LOG:7', 'MapiHttp.LOG:9'],
    });
  });

  it('gives the back end alone without a front-end row, no split when the parts disagree, nothing without a duration', () => {
    const mb = row({ table: 'mapimb', file: 'MAPIMB.LOG', line: 6, durationMs: 12 });
    expect(serverTimeOf(1, 'request-id', [mb])).toEqual({
      exchangeId: 1,
      by: 'request-id',
      totalMs: 12,
      backEndMs: 12,
      sources: ['MAPIMB.LOG:6'],
    });
    const t = serverTimeOf(1, 'request-id', [row({ durationMs: 10, backendMs: 30 })])!;
    expect(t.totalMs).toBe(10);
    expect(t.backEndMs).toBeUndefined();
    expect(t.frontEndMs).toBeUndefined();
    expect(serverTimeOf(1, 'request-id', [row({})])).toBeUndefined();
  });
});

describe('serverTimeline over an imported case', () => {
  let dir: string;
  let db: CaseDb;
  let scenario: LogScenario;
  let tl: ServerTimeline;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapiscope-server-time-'));
    scenario = writeLogScenario(dir);
    await importLogs([scenario.logs], join(dir, 'case.logs'));
    db = await openCaseDb(join(dir, 'case.logs'), { readOnly: true });
    const model = new SessionModel();
    for (const e of scenario.exchanges) model.add(e);
    tl = serverTimeline((await correlateWithCase(db, model.facts(), model.sessions())).correlation);
  }, 60_000);
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each joined request its front-end and back-end time, and lists the unlogged one', () => {
    const { ids } = scenario;
    const by = new Map(tl.times.map((t) => [t.exchangeId, t]));
    expect(by.get(ids.gap)).toMatchObject({ totalMs: 200, backEndMs: 150, frontEndMs: 50, by: 'request-id' });
    expect(by.get(ids.slow)).toMatchObject({
      totalMs: 3050,
      backEndMs: 2900,
      frontEndMs: 150,
      sources: [expect.stringMatching(/HttpProxy_2026010509-1\.LOG:9$/)],
    });
    expect(by.get(ids.byTime)).toMatchObject({ totalMs: 20, by: 'time-and-user' });
    expect(by.has(ids.unlogged)).toBe(false);
    expect(tl.unmatched).toEqual([ids.unlogged]);
  });
});
