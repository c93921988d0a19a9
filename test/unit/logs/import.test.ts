/**
 * `logs import` over the published Exchange log lines, laid out as Exchange
 * does, plus files built from them at run time for the cases no sample shows:
 * a #Fields change mid-file (69 → 74 columns with a version upgrade), a row
 * torn at the end, a row with extra fields, a value that does not fit its
 * type, non-log files, a .zip, and an import that fails.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseDb, runQuery, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs, type ImportSummary } from '../../../electron/backend/logs/importer.js';
import { splitCsvRow } from '../../../shared/logs/csv.js';
import { KNOWN_FIELDS } from '../../../shared/logs/kinds.js';
import { parseKeyValues, splitClientRequestId } from '../../../shared/logs/values.js';

const FIX = fileURLToPath(new URL('../../fixtures/exchange-logs/', import.meta.url));
const MAPI = join(FIX, 'HttpProxy/Mapi/HttpProxy_2023010601-1.LOG');
const mapiLines = readFileSync(MAPI, 'utf8').split('\r\n');
const HEADER = mapiLines.slice(0, 5);
const ROWS = mapiLines.slice(5, 8);

let dir: string;
let root: string;
let out: string;
let summary: ImportSummary;
let db: CaseDb;

const q = async (sql: string) => (await runQuery(db, sql)).rows;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-logs-test-'));
  root = join(dir, 'Logging');
  cpSync(join(FIX, 'HttpProxy'), join(root, 'HttpProxy'), { recursive: true });
  mkdirSync(join(root, 'MapiHttp', 'Mailbox'), { recursive: true });
  cpSync(
    join(FIX, 'MapiHttp/Mailbox/MapiHttp_2018112305-1.LOG'),
    join(root, 'MapiHttp/Mailbox/MapiHttp_2018112305-1.LOG'),
  );
  mkdirSync(join(root, 'MAPI Client Access'));
  cpSync(join(FIX, 'synthetic/MAPIMB_2026010112-1.LOG'), join(root, 'MAPI Client Access/MAPIMB_2026010112-1.LOG'));
  // RPC Client Access writes the same schema under its own Log-type and prefix.
  mkdirSync(join(root, 'RPC Client Access'));
  writeFileSync(
    join(root, 'RPC Client Access/RCA_2026010112-1.LOG'),
    readFileSync(join(FIX, 'synthetic/MAPIMB_2026010112-1.LOG'), 'utf8')
      .replace('#Log-type: MAPI Mailbox Protocol Logs', '#Log-type: RCA Protocol Logs')
      .replaceAll(',MapiHttp,', ',ncacn_http,'),
  );
  mkdirSync(join(root, 'MAPI AddressBook Service'));
  cpSync(
    join(FIX, 'synthetic/MAPIAB_2026010112-1.LOG'),
    join(root, 'MAPI AddressBook Service/MAPIAB_2026010112-1.LOG'),
  );

  const upgraded = join(root, 'HttpProxy', 'Mapi', 'HttpProxy_2023010602-1.LOG');
  // An older block (the 2016 list up to GenericErrors: 69 columns, 2013 CU23's last column) then an upgraded block.
  const f68 = KNOWN_FIELDS.httpproxy.slice(0, 69);
  const row68 = splitCsvRow(ROWS[0]!).slice(0, 69).join(',');
  writeFileSync(
    upgraded,
    [
      f68.join(','),
      '#Software: Microsoft Exchange Server',
      '#Version: 15.00.1497.010',
      '#Log-type: HttpProxy Logs',
      '#Date: 2023-01-06T02:00:00.000Z',
      `#Fields: ${f68.join(',')}`,
      row68.replace('2023-01-06T01:00:04.124Z', '2023-01-06T02:00:01.000Z'),
      ...HEADER.map((l) => l.replace('2023-01-06T01:00:04.124Z', '2023-01-06T02:30:00.000Z')),
      ROWS[1]!.replace('2023-01-06T01:00:04.141Z', '2023-01-06T02:30:01.000Z'),
      '',
    ].join('\r\n'),
  );
  // Torn last row (no CRLF), a row with two extra fields, a status that is not a number.
  const broken = join(root, 'HttpProxy', 'Mapi', 'HttpProxy_2023010603-1.LOG');
  const badStatus = splitCsvRow(ROWS[2]!);
  badStatus[KNOWN_FIELDS.httpproxy.indexOf('HttpStatus')] = 'abc';
  writeFileSync(
    broken,
    [...HEADER, ROWS[0] + ',extra,fields', badStatus.join(','), ROWS[1]!.slice(0, 120)].join('\r\n'),
  );
  writeFileSync(join(root, 'notes.txt'), 'Collected from EXCH01 for case 1234\r\n');
  writeFileSync(join(root, 'HttpProxy', 'Mapi', 'binary.LOG'), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]));
  const zipped = zipSync({
    'Logging/HttpProxy/RpcHttp/HttpProxy_2023010708-1.LOG': readFileSync(
      join(FIX, 'HttpProxy/RpcHttp/HttpProxy_2023010708-1.LOG'),
    ),
  });
  writeFileSync(join(dir, 'rpc.zip'), zipped);

  out = join(dir, 'case.logs');
  summary = await importLogs([root, join(dir, 'rpc.zip')], out);
  db = await openCaseDb(out, { readOnly: true });
}, 60_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('logs import', () => {
  it('imports every kind into its table, each row with its file and line', async () => {
    expect(summary.rows).toEqual({
      httpproxy: 3 + 1 + 1 + 1 + 2 + 1 + 1,
      mapimb: 2,
      rca: 2,
      mapiab: 1,
      mapihttp_mailbox: 1,
    });
    expect(await q(`SELECT protocol, operation, x_request_id FROM rca ORDER BY source_line`)).toEqual([
      ['ncacn_http', 'Connect', '{6A2E5B1C-0000-4000-8000-0000000000AA}:1'],
      ['ncacn_http', 'OwnerLogon', '{6A2E5B1C-0000-4000-8000-0000000000AA}:1'],
    ]);
    const r = await q(`SELECT source_file, source_line, "Protocol", "UrlStem" FROM httpproxy
      WHERE source_file LIKE '%HttpProxy_2023010601-1.LOG' ORDER BY source_line`);
    expect(r.map((x) => [x[1], x[2], x[3]])).toEqual([
      [6, 'Mapi', '/mapi/emsmdb/'],
      [7, 'Mapi', '/mapi/emsmdb/'],
      [8, 'Mapi', '/mapi/emsmdb/'],
    ]);
    expect(String(r[0]![0])).toBe(join(root, 'HttpProxy/Mapi/HttpProxy_2023010601-1.LOG'));
    const zipRow = await q(
      `SELECT source_file, source_line, "HttpStatus", "AuthenticationType" FROM httpproxy WHERE source_file LIKE '%rpc.zip!%'`,
    );
    expect(zipRow).toEqual([
      [`${join(dir, 'rpc.zip')}!/Logging/HttpProxy/RpcHttp/HttpProxy_2023010708-1.LOG`, 6, 401, 'NTLM'],
    ]);
  });

  it('types times, numbers and booleans', async () => {
    const r = await runQuery(
      db,
      `SELECT "DateTime", "HttpStatus", "IsAuthenticated", "RequestBytes", "TotalRequestTime", "BackendProcessingLatency", "MajorVersion"
       FROM httpproxy WHERE source_file LIKE '%HttpProxy_2023010601-1.LOG' AND source_line = 6`,
    );
    expect(r.columns.map((c) => c.type)).toEqual([
      'TIMESTAMP',
      'INTEGER',
      'BOOLEAN',
      'BIGINT',
      'DOUBLE',
      'DOUBLE',
      'INTEGER',
    ]);
    expect(r.rows[0]).toEqual(['2023-01-06T01:00:04.124Z', 200, true, 371, 16, 11, 15]);
    const mb = await q(`SELECT "date-time", "session-id", "seq-number", duration_ms FROM mapimb ORDER BY source_line`);
    expect(mb).toEqual([
      ['2026-01-05T09:00:01.15Z', 12, 0, 15],
      ['2026-01-05T09:00:01.19Z', 12, 1, null],
    ]);
  });

  it('derives the ClientRequestId parts and GenericInfo maps exactly as the TS readers do, for every row', async () => {
    const rows = await q(`SELECT "ClientRequestId", x_request_id, x_request_type, x_client_info, client_request_guid,
      "GenericInfo", generic_info FROM httpproxy`);
    expect(rows.length).toBe(10);
    let withParts = 0;
    for (const [cri, r, rt, ci, cid, gi, map] of rows) {
      const p = splitClientRequestId((cri as string | null) ?? '');
      expect([r, rt, ci, cid]).toEqual([
        p.requestId ?? null,
        p.requestType ?? null,
        p.clientInfo ?? null,
        p.clientRequestGuid ?? null,
      ]);
      if (p.requestId) withParts++;
      expect(map).toEqual(gi === null ? null : Object.fromEntries(parseKeyValues(gi as string)));
    }
    expect(withParts).toBe(6);
  });

  it('splits MAPIMB request-ids / session-cookie and names the MapiHttp ROP list', async () => {
    expect(
      await q(`SELECT x_request_id, fe_activity_id, front_end, mapi_context, mapi_sequence FROM mapimb LIMIT 1`),
    ).toEqual([
      [
        '{6A2E5B1C-0000-4000-8000-0000000000AA}:1',
        '9d1f0000-0000-4000-8000-000000000001',
        'EXCH01.contoso.com',
        'MAPIAAAAAExampleExampleExampleAAAAAAAAA=',
        '1-AbCdEf==',
      ],
    ]);
    const [[reqId, rops, gi]] = (await q(`SELECT x_request_id, rops, generic_info FROM mapihttp_mailbox`)) as [
      [string, { dir: string; id: number; name: string; error: string | null }[], Record<string, string>],
    ];
    expect(reqId).toBe('{FA1ACA19-9B3E-458A-B60D-3A18410FEEE2}:153');
    expect(rops.map((r) => `${r.dir}${r.id}:${r.name}`)).toEqual([
      '>5:RopGetContentsTable',
      '>18:RopSetColumns',
      '>19:RopSortTable',
      '>23:RopQueryPosition',
      '<5:RopGetContentsTable',
      '<18:RopSetColumns',
      '<19:RopSortTable',
      '<23:RopQueryPosition',
    ]);
    expect(gi['I32:ROP.C[]']).toBe('3053446');
    expect(await q(`SELECT rop_name, count(*) FROM rop_calls GROUP BY 1 ORDER BY 1`)).toEqual([
      ['RopGetContentsTable', 2],
      ['RopQueryPosition', 2],
      ['RopSetColumns', 2],
      ['RopSortTable', 2],
    ]);
  });

  it('follows a #Fields change mid-file (69 → 74 columns) and reports it with the version change', async () => {
    const r = await q(`SELECT source_line, "RoutingStatus", "DatabaseGuid", x_request_type FROM httpproxy
      WHERE source_file LIKE '%HttpProxy_2023010602-1.LOG' ORDER BY source_line`);
    expect(r).toEqual([
      [7, null, null, 'Connect'],
      [13, 'CafeV1', '|RoutingDB:fb7adba2-51f4-47e3-b170-fd39f85aaf35', 'Execute'],
    ]);
    expect(await q(`SELECT line, message FROM import_issues WHERE kind = 'fields-changed'`)).toEqual([
      [12, 'columns change here from 69 to 74 (version 15.00.1497.010 → 15.01.2375.007)'],
    ]);
    expect(summary.versions['15.00.1497.010']).toBe(4);
    expect(await q(`SELECT version, field_sets FROM log_files WHERE path LIKE '%HttpProxy_2023010602-1.LOG'`)).toEqual([
      ['15.00.1497.010 → 15.01.2375.007', 2],
    ]);
  });

  it('keeps torn, malformed and untyped values aside with their text, and reports non-log files', async () => {
    const issues = await q(
      `SELECT file, line, kind, raw FROM import_issues WHERE kind IN ('torn-row', 'malformed-row') ORDER BY line`,
    );
    const broken = join(root, 'HttpProxy/Mapi/HttpProxy_2023010603-1.LOG');
    expect(issues).toEqual([
      [broken, 6, 'malformed-row', ROWS[0] + ',extra,fields'],
      [broken, 8, 'torn-row', ROWS[1]!.slice(0, 120)],
    ]);
    expect(
      await q(`SELECT source_line, "HttpStatus", untyped_values FROM httpproxy WHERE source_file = '${broken}'`),
    ).toEqual([[7, null, { HttpStatus: 'abc' }]]);
    expect(summary.untypedRows).toEqual({ httpproxy: 1 });
    const skipped = Object.fromEntries(summary.skippedFiles.map((s) => [s.file.slice(root.length + 1), s.reason]));
    expect(skipped).toEqual({
      'HttpProxy/Mapi/binary.LOG': 'binary content (NUL bytes)',
      'notes.txt': 'no #Fields header and no column-name first line',
    });
    expect(summary.issues).toEqual({
      'not-a-log': 2,
      'fields-changed': 1,
      'malformed-row': 1,
      'torn-row': 1,
      'untyped-value': 1,
    });
  });

  it('leaves nothing behind when an import fails', async () => {
    const failed = join(dir, 'failed.logs');
    await expect(importLogs([root, join(dir, 'missing-folder')], failed)).rejects.toThrow(
      /missing-folder: no such file/,
    );
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('failed.logs'))).toEqual([]);
    await expect(importLogs([root], out)).rejects.toThrow(/already exists/);
  });
});
