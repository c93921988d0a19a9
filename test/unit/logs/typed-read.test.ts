/**
 * The import lets DuckDB's CSV reader type the columns and reads the rows it
 * rejects again as text (TRY_CAST, misfits kept in `untyped_values`). Every
 * stored value must be the one TRY_CAST gives the text, and every text that
 * does not fit must be kept: rows with edge-case numbers, times and booleans
 * (the published HttpProxy row with its typed columns replaced) are imported
 * and compared value by value with TRY_CAST of the same text.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseDb, runQuery, type CaseDb } from '../../../electron/backend/logs/case-db.js';
import { importLogs } from '../../../electron/backend/logs/importer.js';
import { literal } from '../../../electron/backend/logs/sql.js';
import { splitCsvRow } from '../../../shared/logs/csv.js';
import { KNOWN_FIELDS } from '../../../shared/logs/kinds.js';

const FIX = fileURLToPath(new URL('../../fixtures/exchange-logs/', import.meta.url));
const lines = readFileSync(join(FIX, 'HttpProxy/Mapi/HttpProxy_2023010601-1.LOG'), 'utf8').split('\r\n');
const HEADER = lines.slice(0, 5);
const TEMPLATE = splitCsvRow(lines[5]!);
const F = KNOWN_FIELDS.httpproxy;

/** Column → its type and the texts written into it, one row each (`""`, quoted empty, reads as NULL). */
const CASES: Record<string, { type: string; texts: string[] }> = {
  DateTime: {
    type: 'TIMESTAMP',
    texts: [
      '2023-01-06T01:00:04.124Z',
      '2023-01-06T01:00:04.1241234Z',
      '2023-01-06T01:00:04+01:00',
      '2023-01-06 01:00:04',
      '2023-01-06',
      '1/6/2023 1:00:04 AM',
      'x',
    ],
  },
  HttpStatus: { type: 'INTEGER', texts: ['200', ' 200', '200.6', '1e2', '0x1F4', '99999999999', 'abc', '""'] },
  RequestBytes: { type: 'BIGINT', texts: ['371', '9223372036854775807', '9223372036854775808', '-1', '12.5'] },
  TotalRequestTime: { type: 'DOUBLE', texts: ['16', '16.25', '1e3', '.5', 'NaN', 'inf', '-', '<null>', '""'] },
  IsAuthenticated: { type: 'BOOLEAN', texts: ['True', 'false', '1', '0', 'yes', 'maybe'] },
};

let dir: string;
let db: CaseDb;
const rows: { line: number; column: string; text: string | null }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mapiscope-typed-read-'));
  const folder = join(dir, 'Logging', 'HttpProxy', 'Mapi');
  mkdirSync(folder, { recursive: true });
  const body: string[] = [];
  for (const [column, { texts }] of Object.entries(CASES))
    for (const text of texts) {
      const row = [...TEMPLATE];
      row[F.indexOf(column)] = text;
      body.push(row.join(','));
      rows.push({ line: HEADER.length + body.length, column, text: text === '""' ? null : text });
    }
  writeFileSync(join(folder, 'HttpProxy_2023010601-1.LOG'), [...HEADER, ...body, ''].join('\r\n'));
  await importLogs([join(dir, 'Logging')], join(dir, 'case.logs'));
  db = await openCaseDb(join(dir, 'case.logs'), { readOnly: true });
}, 60_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('typed columns', () => {
  it('stores what TRY_CAST gives each text and keeps every text that does not fit', async () => {
    const stored = await runQuery(
      db,
      `SELECT source_line, ${Object.keys(CASES)
        .map((c) => `"${c}"`)
        .join(', ')}, untyped_values FROM raw_httpproxy ORDER BY source_line`,
    );
    expect(stored.rows.map((r) => r[0])).toEqual(rows.map((r) => r.line));
    const cols = Object.keys(CASES);
    let misfits = 0;
    for (const [i, { line, column, text }] of rows.entries()) {
      const { type } = CASES[column]!;
      const sqlText = text === null ? 'NULL' : literal(text);
      const [[want]] = (await runQuery(db, `SELECT TRY_CAST(${sqlText} AS ${type})`)).rows as [[unknown]];
      const got = stored.rows[i]!;
      expect({ line, column, text, value: got[1 + cols.indexOf(column)] }).toEqual({ line, column, text, value: want });
      const untyped = got[1 + cols.length] as Record<string, string> | null;
      if (want === null && text !== null) {
        misfits++;
        expect({ line, untyped }).toEqual({ line, untyped: { [column]: text } });
      } else expect({ line, untyped }).toEqual({ line, untyped: null });
    }
    // The edge cases hold both kinds: texts the reader types and texts kept aside.
    expect(misfits).toBeGreaterThan(5);
    expect(rows.length - misfits).toBeGreaterThan(15);
  });
});
