/**
 * A scripted Outlook session (the client's half) next to HttpProxy, MapiHttp
 * and MAPIMB logs written from the published rows' shapes (the server's half):
 * every join path (X-RequestId, session cookie, time and user), unmatched
 * requests on both sides, and each two-sided diagnosis with its evidence.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { openCaseDb, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs } from '../../../electron/backend/logs/importer.js';
import { correlateWithCase, type TwoSidedResult } from '../../../electron/backend/logs/server-rows.js';
import { CaptureWriter } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';
import { splitCsvRow } from '../../../shared/logs/csv.js';
import { KNOWN_FIELDS } from '../../../shared/logs/kinds.js';
import { SessionModel } from '../../../shared/session/model.js';
import { ScriptedClient } from '../session/helpers.js';

const FIX = fileURLToPath(new URL('../../fixtures/exchange-logs/', import.meta.url));
const synthetic = readFileSync(join(FIX, 'synthetic/HttpProxy_2026010112-1.LOG'), 'utf8').split('\r\n');
const HEADER = synthetic.slice(0, 6);
const TEMPLATE = splitCsvRow(synthetic[7]!); // the Execute row
const F = KNOWN_FIELDS.httpproxy;

/** The synthetic Execute row with some columns replaced (names, never positions). */
function proxyRow(v: Record<string, string>): string {
  const row = [...TEMPLATE];
  for (const [k, x] of Object.entries(v)) row[F.indexOf(k)] = x;
  return row.join(',');
}
const iso = (ms: number) => new Date(ms).toISOString();
const rid = (n: number) => `{6A2E5B1C-0000-4000-8000-0000000000AA}:${n}`;
const end = (ex: Exchange) => ex.timings.responseEnd ?? ex.timings.requestStart;

let dir: string;
let db: CaseDb;
let result: TwoSidedResult;
let client: ScriptedClient;
const ids = { connect: 0, gap: 0, slow: 0, dropped: 0, unlogged: 0, byTime: 0, failed: 0, reconnect: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-correlate-'));
  client = new ScriptedClient();
  const c = client;
  ids.connect = c.send('Connect', { requestId: rid(1) }).id;
  ids.gap = c.send('Execute', { requestId: rid(2), duration: 5000 }).id;
  ids.slow = c.send('Execute', { requestId: rid(3), duration: 3100, gap: 6000 }).id;
  ids.dropped = c.send('Execute', {
    requestId: rid(4),
    noResponse: true,
    aborted: { kind: 'upstream-reset', message: 'socket hang up' },
    gap: 4000,
  }).id;
  ids.unlogged = c.send('Execute', { requestId: rid(5), gap: 1000 }).id;
  ids.byTime = c.send('Execute', { requestId: rid(6), gap: 1000 }).id;
  ids.failed = c.send('Execute', { requestId: rid(7), status: 500, gap: 1000 }).id;
  ids.reconnect = c.send('Connect', { requestId: '{77777777-0000-4000-8000-000000000001}:1', gap: 1000 }).id;
  const ex = (id: number) => c.exchanges[id - 1]!;
  const mailbox = '?MailboxId=alice@contoso.com';
  const rows = [
    proxyRow({
      DateTime: iso(end(ex(ids.connect))),
      ClientRequestId: `R:${rid(1)};RT:Connect;CI:${c.clientInfo};CID:<null>`,
      TotalRequestTime: '35',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.gap))),
      ClientRequestId: `R:${rid(2)};RT:Execute;CI:${c.clientInfo};CID:<null>`,
      TotalRequestTime: '200',
      BackendProcessingLatency: '150',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.slow))),
      ClientRequestId: `R:${rid(3)};RT:Execute;CI:${c.clientInfo};CID:<null>`,
      TotalRequestTime: '3050',
      BackendProcessingLatency: '2900',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.dropped))),
      ClientRequestId: `R:${rid(4)};RT:Execute;CI:${c.clientInfo};CID:<null>`,
      HttpStatus: '403',
      BackEndStatus: '',
      GenericErrors: 'WebExceptionStatus=ProtocolError;ResponseStatusCode=403;',
      TotalRequestTime: '3',
      UrlQuery: mailbox,
    }),
    // No R: (a client-request-id style value), found by time and mailbox.
    proxyRow({
      DateTime: iso(end(ex(ids.byTime)) + 300),
      ClientRequestId: '',
      TotalRequestTime: '20',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.failed))),
      ClientRequestId: `R:${rid(7)};RT:Execute;CI:${c.clientInfo};CID:<null>`,
      HttpStatus: '500',
      BackEndStatus: '500',
      GenericErrors: 'BackEndException=MapiExceptionNetworkError;',
      TotalRequestTime: '40',
      UrlQuery: mailbox,
    }),
    proxyRow({
      DateTime: iso(end(ex(ids.reconnect))),
      ClientRequestId: `R:{77777777-0000-4000-8000-000000000001}:1;RT:Connect;CI:${c.clientInfo};CID:<null>`,
      UrlQuery: mailbox,
    }),
    // A request of this mailbox that is not in the capture (another Outlook, or the capture missed it).
    proxyRow({
      DateTime: iso(end(ex(ids.failed)) + 500),
      ClientRequestId: `R:{99999999-0000-4000-8000-000000000000}:1;RT:PING;CI:{99999999-0000-4000-8000-000000000001}:1;CID:<null>`,
      UrlQuery: mailbox,
    }),
    // Another user's request in the same minute: not listed against this capture.
    proxyRow({
      DateTime: iso(end(ex(ids.failed)) + 600),
      ClientRequestId: `R:{88888888-0000-4000-8000-000000000000}:1;RT:Execute;CI:{88888888-0000-4000-8000-000000000001}:1;CID:<null>`,
      UrlQuery: '?MailboxId=bob@contoso.com',
    }),
  ];
  const logs = join(dir, 'Logging');
  mkdirSync(join(logs, 'HttpProxy', 'Mapi'), { recursive: true });
  writeFileSync(join(logs, 'HttpProxy/Mapi/HttpProxy_2026010509-1.LOG'), [...HEADER, ...rows, ''].join('\r\n'));
  // The mailbox side of the Connect (2013 MAPIMB, matched by R: of request-ids).
  const mb = readFileSync(join(FIX, 'synthetic/MAPIMB_2026010112-1.LOG'), 'utf8').split('\r\n');
  mkdirSync(join(logs, 'MAPI Client Access'));
  writeFileSync(
    join(logs, 'MAPI Client Access/MAPIMB_2026010509-1.LOG'),
    [...mb.slice(0, 5), mb[5]!.replace('2026-01-05T09:00:01.150Z', iso(end(ex(ids.connect)))), ''].join('\r\n'),
  );
  await importLogs([logs], join(dir, 'case.logs'));
  db = await openCaseDb(join(dir, 'case.logs'), { readOnly: true });
  const model = new SessionModel();
  for (const e of c.exchanges) model.add(e);
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
    for (const e of client.exchanges) await w.append(e);
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
