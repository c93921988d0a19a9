/**
 * Queries over a case: every library query runs on the published lines and on
 * generated logs with known contents; Parquet export read back by DuckDB gives
 * the same rows; the `logs` CLI prints JSON and CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportParquet, openCase, runLibraryQuery, runReport } from '../../../electron/backend/logs/case.js';
import { openCaseDb, runQuery, toCsv, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs } from '../../../electron/backend/logs/importer.js';
import { runCli } from '../../../electron/cli/main.js';
import { LOG_KINDS } from '../../../shared/logs/kinds.js';
import { QUERY_LIBRARY, libraryQuery } from '../../../shared/logs/queries.js';
import { generateExchangeLogs } from '../../bench/exchange-log-gen.js';

const FIX = fileURLToPath(new URL('../../fixtures/exchange-logs/', import.meta.url));
let dir: string;
let fixtureCase: string;
let db: CaseDb;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-logs-query-'));
  fixtureCase = join(dir, 'fixtures.logs');
  await importLogs([FIX], fixtureCase);
  db = await openCaseDb(fixtureCase, { readOnly: true });
}, 60_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('query library', () => {
  it('runs every query on the published lines', async () => {
    const sections = await runReport(db);
    expect(sections.map((s) => s.query.id)).toEqual(QUERY_LIBRARY.map((q) => q.id));
    for (const s of sections) expect(s.error, s.query.id).toBeUndefined();
  });

  it('answers with the published rows’ values', async () => {
    const users = await runLibraryQuery(db, libraryQuery('requests-by-user')!);
    expect(users.rows).toContainEqual(['DOMAIN\\HealthMailboxXXX', 3, 0, 0, 12, 15.6]);
    const slow = await runLibraryQuery(db, libraryQuery('slowest-requests')!);
    const col = (n: string) => slow.columns.findIndex((c) => c.name === n);
    const probe = slow.rows.find((r) => r[col('x_request_id')] === '1b7dabb2-cd5b-4ce0-a65d-b25915e598cf:1');
    expect(
      probe && [
        probe[col('total_ms')],
        probe[col('backend_ms')],
        probe[col('front_end_ms')],
        probe[col('source_line')],
      ],
    ).toEqual([16, 11, 5, 6]);
    const auth = await runLibraryQuery(db, libraryQuery('auth-failures')!);
    expect(auth.rows.map((r) => r.slice(0, 5))).toEqual([['(not authenticated)', 'NTLM', 401, 'RpcHttp', 1]]);
    const versions = await runLibraryQuery(db, libraryQuery('client-supportability')!);
    expect(versions.rows).toContainEqual(['15.0.4569.1506', 2, 1, 'supported']);
  });

  it('finds reconnect storms, NotificationWait durations and the ROP mix in generated logs', async () => {
    const gen = generateExchangeLogs(join(dir, 'gen'), 3 * 1048576, 512 * 1024, 11, 5);
    const c = await openCase([gen.dir]);
    try {
      expect(Object.values(c.imported!.rows).reduce((a, b) => a + b, 0)).toBe(gen.rows);
      const storms = await runLibraryQuery(c.db, libraryQuery('reconnect-storms')!);
      // Cross-check against a direct count over the derived column.
      const direct = await runQuery(
        c.db,
        `SELECT count(*) FROM (SELECT user_name, date_trunc('hour', log_time) h, count(*) n FROM httpproxy
         WHERE x_request_type = 'Connect' GROUP BY 1, 2 HAVING count(*) >= 10)`,
      );
      expect(storms.rows.length).toBe(direct.rows[0]![0]);
      expect(storms.rows.length).toBeGreaterThan(0);
      const waits = await runLibraryQuery(c.db, libraryQuery('notification-wait')!);
      expect(waits.rows.length).toBeGreaterThan(0);
      for (const w of waits.rows) expect(w[2] as number).toBeGreaterThanOrEqual(60000);
      const mix = await runLibraryQuery(c.db, libraryQuery('rop-mix')!);
      expect(new Set(mix.rows.map((r) => r[1]))).toContain('RopGetContentsTable');
      const over = await runLibraryQuery(c.db, libraryQuery('requests-over-time')!);
      const total = await runQuery(c.db, `SELECT count(*) FROM httpproxy WHERE "Protocol" = 'Mapi'`);
      expect(over.rows.reduce((a, r) => a + (r[1] as number), 0)).toBe(total.rows[0]![0]);
    } finally {
      c.db.close();
    }
  }, 60_000);
});

describe('Parquet export', () => {
  it('writes every table and DuckDB reads the Parquet back identically', async () => {
    const out = join(dir, 'parquet');
    const r = await exportParquet(db, out);
    expect(r.files.map((f) => f.table)).toEqual([...LOG_KINDS, 'log_files', 'import_issues']);
    for (const f of r.files) {
      const a = await runQuery(db, `SELECT * FROM ${f.table} ORDER BY ALL`);
      const b = await runQuery(db, `SELECT * FROM read_parquet('${f.path}') ORDER BY ALL`);
      expect(b.columns, f.table).toEqual(a.columns);
      expect(b.rows, f.table).toEqual(a.rows);
      expect(b.rows.length).toBe(f.rows);
    }
    expect(r.files.find((f) => f.table === 'httpproxy')!.rows).toBe(9);
    await expect(exportParquet(db, out)).rejects.toThrow(/already exists/);
  });
});

describe('mapiscope logs', () => {
  it('imports, then queries as JSON and CSV', async () => {
    const out = join(dir, 'cli.logs');
    const imp = await cli(['logs', 'import', join(FIX, 'HttpProxy'), '--out', out]);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/httpproxy 6 from 4 of 4 files/);
    const json = await cli([
      'logs',
      'query',
      out,
      'SELECT x_request_type, "HttpStatus" FROM httpproxy WHERE x_request_id IS NOT NULL ORDER BY source_line',
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).rows).toEqual([
      ['Connect', 200],
      ['Execute', 200],
      ['Disconnect', 200],
    ]);
    const csv = await cli([
      'logs',
      'query',
      out,
      'SELECT "UrlStem", generic_info[\'FEAuth\'] AS fe FROM httpproxy WHERE "Protocol" = \'Mapi\' LIMIT 1',
      '--csv',
    ]);
    expect(csv.out).toBe('UrlStem,fe\n/mapi/emsmdb/,BEVersion-1942063431\n');
    const bad = await cli(['logs', 'query', out, 'SELECT nope FROM httpproxy']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/nope/);
    expect((await cli(['logs', 'query', out])).code).toBe(2);
    const lib = await cli(['logs', 'query', join(FIX, 'HttpProxy'), '--library', 'mapi-vs-rpc', '--json']);
    expect(JSON.parse(lib.out).rows).toContainEqual(['DOMAIN\\HealthMailboxXXX', 3, 0, 100]);
    expect(toCsv({ columns: [{ name: 'a', type: 'VARCHAR' }], rows: [['x,"y"']], truncated: false })).toBe(
      'a\n"x,""y"""\n',
    );
  }, 60_000);
});
