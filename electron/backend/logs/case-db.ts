/**
 * A case file (`case.logs`) is a DuckDB database: one table per log kind
 * (httpproxy, mapimb, rca, mapiab, mapihttp_mailbox) plus `log_files`,
 * `import_issues`, `case_info` and the `rop_calls` view. This module opens
 * one and runs SQL on it, turning results into JSON-safe rows.
 */
import { DuckDBInstance, JsonDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { cellText } from '../../../shared/logs/values.js';

/**
 * Bounded engine settings, whatever the input size. One thread: on the shared 2-core machine it imported
 * 400 MB faster, with less CPU and a lower peak RSS, than two (logs-import bench and /usr/bin/time runs), and
 * two threads inside the import's one transaction ran out of memory at 200 MB.
 */
export const ENGINE_SETTINGS = {
  threads: '1',
  memory_limit: '200MB',
  preserve_insertion_order: 'false',
  // Hand freed memory back to the system after each task above 8 MB (the default keeps up to 128 MB).
  allocator_flush_threshold: '8MB',
} as const;

/**
 * The import's own limit: its buffer pool holds the row groups being written, and a smaller pool is what kept
 * the process under 500 MB on 1 GB of logs (logs-import bench); queries keep the larger one.
 */
export const IMPORT_SETTINGS = { memory_limit: '128MB' } as const;

export interface CaseDb {
  connection: DuckDBConnection;
  close(): void;
}

export async function openCaseDb(
  path: string,
  opts: { readOnly?: boolean; tempDir?: string; settings?: Record<string, string> } = {},
): Promise<CaseDb> {
  const settings: Record<string, string> = { ...ENGINE_SETTINGS, ...opts.settings };
  if (opts.readOnly) settings.access_mode = 'READ_ONLY';
  if (opts.tempDir) settings.temp_directory = opts.tempDir;
  const instance = await DuckDBInstance.create(path, settings);
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export interface QueryColumn {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  /** JSON-safe values: BIGINT as number when safe (else string), TIMESTAMP as ISO text, MAP as an object. */
  rows: unknown[][];
  /** True when the result was cut at `limit` rows. */
  truncated: boolean;
}

function jsonSafe(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (type.startsWith('MAP(') && Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const e of v as { key: string; value: unknown }[]) o[String(e.key)] = e.value;
    return o;
  }
  if ((type === 'BIGINT' || type === 'HUGEINT' || type === 'UBIGINT') && typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (type === 'TIMESTAMP' && typeof v === 'string') return v.replace(' ', 'T') + (v.includes('.') ? 'Z' : '.000Z');
  return v;
}

/** Runs `sql` and returns at most `limit` rows (the rest is not read). */
export async function runQuery(db: CaseDb, sql: string, limit = 100_000): Promise<QueryResult> {
  const result = await db.connection.stream(sql);
  const columns = result.columnNames().map((name, i) => ({ name, type: String(result.columnTypes()[i]) }));
  const rows: unknown[][] = [];
  let truncated = false;
  while (true) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const json = chunk.convertRows(JsonDuckDBValueConverter);
    for (const r of json) {
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      rows.push(r.map((v, i) => jsonSafe(v, columns[i]!.type)));
    }
    if (truncated) break;
  }
  return { columns, rows, truncated };
}

/** CSV text of a result (RFC 4180 quoting; maps and lists as JSON). */
export function toCsv(r: QueryResult): string {
  const cell = (v: unknown): string => {
    const s = cellText(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [r.columns.map((c) => cell(c.name)).join(',')];
  for (const row of r.rows) lines.push(row.map(cell).join(','));
  return lines.join('\n') + '\n';
}
