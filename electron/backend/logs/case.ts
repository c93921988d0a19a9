/**
 * Working with a case: open a case file (or import a folder into memory on the
 * fly), run the query library, export Parquet.
 */
import { rmSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_KINDS } from '../../../shared/logs/kinds.js';
import { QUERY_LIBRARY, type LibraryQuery } from '../../../shared/logs/queries.js';
import { clientVerdict } from '../../../shared/diagnose/rules/unsupported-version.js';
import { cellText } from '../../../shared/logs/values.js';
import { openCaseDb, runQuery, type CaseDb, type QueryResult } from './case-db.js';
import { importLogs, type ImportSummary } from './importer.js';
import { literal } from './sql.js';

/** A DuckDB case file starts with this magic at offset 8. */
async function isCaseFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(12);
    await fh.read(b, 0, 12, 0);
    return b.toString('latin1', 8, 12) === 'DUCK';
  } finally {
    await fh.close();
  }
}

export interface OpenedCase {
  db: CaseDb;
  /** Set when logs were imported on the fly (a folder, files or a zip). */
  imported?: ImportSummary;
}

/** Opens `path`: a case file read-only, or logs (folder, .LOG, .zip) imported into memory. */
export async function openCase(paths: readonly string[]): Promise<OpenedCase> {
  const [first] = paths;
  if (!first) throw new Error('no case file or log folder given');
  const st = await stat(first).catch(() => undefined);
  if (!st) throw new Error(`${first}: no such file or folder`);
  if (paths.length === 1 && st.isFile() && (await isCaseFile(first)))
    return { db: await openCaseDb(first, { readOnly: true }) };
  // Logs, not a case: import into a scratch case file (disk-backed, so any size fits the memory budget).
  const scratch = join(tmpdir(), `mapiscope-case-${process.pid}-${Date.now()}.logs`);
  const imported = await importLogs(paths, scratch);
  const db = await openCaseDb(scratch, { readOnly: true });
  return {
    imported,
    db: {
      connection: db.connection,
      close() {
        db.close();
        rmSync(scratch, { force: true });
      },
    },
  };
}

/** Adds the support-table verdict to rows with a `client_version` column. */
function addClientVerdict(r: QueryResult): QueryResult {
  const i = r.columns.findIndex((c) => c.name === 'client_version');
  if (i < 0) return r;
  return {
    ...r,
    columns: [...r.columns, { name: 'verdict', type: 'VARCHAR' }],
    rows: r.rows.map((row) => {
      const v = clientVerdict(`Outlook/${cellText(row[i])}`);
      return [
        ...row,
        v ? `${v.severity}: ${v.text}` : /^\d+\.\d+\.\d+/.test(cellText(row[i])) ? 'supported' : 'unknown',
      ];
    }),
  };
}

export async function runLibraryQuery(db: CaseDb, q: LibraryQuery, limit?: number): Promise<QueryResult> {
  const r = await runQuery(db, q.sql, limit);
  return q.post === 'client-verdict' ? addClientVerdict(r) : r;
}

export interface ReportSection {
  query: LibraryQuery;
  result?: QueryResult;
  error?: string;
}

/** Every library query (a failing one reports its error; the rest still run). */
export async function runReport(db: CaseDb, limit = 200): Promise<ReportSection[]> {
  const out: ReportSection[] = [];
  for (const q of QUERY_LIBRARY) {
    try {
      out.push({ query: q, result: await runLibraryQuery(db, q, limit) });
    } catch (e) {
      out.push({ query: q, error: (e as Error).message.replace(/\n[\s\S]*$/, '') });
    }
  }
  return out;
}

export interface ParquetExport {
  dir: string;
  files: { table: string; path: string; rows: number }[];
}

/**
 * One Parquet file per kind view (derived columns included) plus log_files and
 * import_issues, written into `dir` (created; its files appear only when all were written).
 */
export async function exportParquet(db: CaseDb, dir: string): Promise<ParquetExport> {
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const files: ParquetExport['files'] = [];
  try {
    for (const t of [...LOG_KINDS, 'log_files', 'import_issues']) {
      const path = join(partial, `${t}.parquet`);
      await db.connection.run(`COPY (SELECT * FROM ${t}) TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd)`);
      const n = await db.connection.runAndReadAll(`SELECT count(*) FROM ${t}`);
      files.push({ table: t, path: join(dir, `${t}.parquet`), rows: Number(n.getRows()[0]![0]) });
    }
    if (await stat(dir).catch(() => undefined)) throw new Error(`${dir} already exists`);
    await rename(partial, dir);
    return { dir, files };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
