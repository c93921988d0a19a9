/**
 * `logs import`: Exchange MAPI over HTTP logs into a case file.
 *
 * The scanner reads each file once and appends its rows, prefixed with the file
 * id and line number, to a staging file per (kind, field list); a group is
 * loaded by DuckDB's native CSV reader into the kind's table once it reaches
 * `chunkBytes`, the reader typing the columns itself. The rows it rejects (a
 * value that does not fit its type, a wrong field count) are read again as
 * text: typed by TRY_CAST with the misfits kept in `untyped_values`, and rows
 * still malformed kept in `import_issues` with their text. Everything is
 * written to a partial file renamed at the end: a failed import leaves
 * nothing behind.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { KNOWN_FIELDS, LOG_KINDS, type LogKind } from '../../../shared/logs/kinds.js';
import { IMPORT_SETTINGS, openCaseDb, type CaseDb } from './case-db.js';
import { scanFile, type ImportIssue, type RowSink } from './scanner.js';
import { collectSources } from './sources.js';
import {
  baseTableColumns,
  columnSqlType,
  groupSelect,
  ident,
  kindView,
  literal,
  rawTable,
  typedGroupSelect,
} from './sql.js';

export interface ImportOptions {
  /** Staging size at which a group is loaded (bytes). */
  chunkBytes?: number;
  /** Called after each file: bytes read so far of `total`. */
  progress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  out: string;
  files: number;
  importedFiles: number;
  skippedFiles: { file: string; reason: string }[];
  bytes: number;
  rows: Record<LogKind, number>;
  issues: Partial<Record<ImportIssue['kind'], number>>;
  /** `#Version` values with how many files carry each (mixed versions show as several; a file upgraded mid-way counts for each). */
  versions: Record<string, number>;
  /** Untyped values kept in `untyped_values`, per table. */
  untypedRows: Partial<Record<LogKind, number>>;
  seconds: number;
}

const STAGE_BUFFER = 1 << 20;

class StagingGroup {
  readonly path: string;
  private fd: number;
  private buf = Buffer.allocUnsafe(STAGE_BUFFER);
  private used = 0;
  bytes = 0;
  rows = 0;
  constructor(
    readonly kind: LogKind,
    readonly fields: readonly string[],
    dir: string,
    n: number,
  ) {
    this.path = `${dir}/group${n}.csv`;
    this.fd = openSync(this.path, 'w');
  }
  push(prefix: string, bytes: Buffer, start: number, end: number): void {
    const need = prefix.length + (end - start) + 1;
    if (this.used + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need * 2);
    }
    this.used += this.buf.write(prefix, this.used, 'latin1');
    this.used += bytes.copy(this.buf, this.used, start, end);
    this.buf[this.used++] = 0x0a;
    this.bytes += need;
    this.rows++;
  }
  flush(): void {
    if (this.used) writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
  reopen(): void {
    this.fd = openSync(this.path, 'w');
    this.bytes = 0;
    this.rows = 0;
  }
}

/** The one import engine; `importLogs` wraps it with the partial-file protocol. */
class Importer implements RowSink {
  private groups = new Map<string, StagingGroup>();
  private tableColumns = new Map<LogKind, Set<string>>();
  private groupCount = 0;
  readonly issues: ImportIssue[] = [];
  private fileNames = new Map<number, string>();
  private lastGroup: StagingGroup | undefined;
  private lastFields: readonly string[] | undefined;

  constructor(
    private readonly db: CaseDb,
    private readonly staging: string,
    private readonly chunkBytes: number,
  ) {}

  async init(): Promise<void> {
    const c = this.db.connection;
    await c.run(`CREATE TABLE IF NOT EXISTS log_files (id INTEGER PRIMARY KEY, path VARCHAR, kind VARCHAR,
      folder VARCHAR, software VARCHAR, version VARCHAR, log_type VARCHAR, header_date VARCHAR, field_count INTEGER,
      field_sets INTEGER, fields VARCHAR, bytes BIGINT, lines BIGINT, rows BIGINT, status VARCHAR, reason VARCHAR)`);
    await c.run(
      `CREATE TABLE IF NOT EXISTS import_issues (file VARCHAR, line BIGINT, kind VARCHAR, message VARCHAR, raw VARCHAR)`,
    );
    await c.run(`CREATE TABLE IF NOT EXISTS case_info (key VARCHAR, value VARCHAR)`);
    for (const k of LOG_KINDS) {
      const cols = baseTableColumns().map((c) => `${ident(c.name)} ${c.type}`);
      await c.run(`CREATE TABLE IF NOT EXISTS ${rawTable(k)} (${cols.join(', ')})`);
      const existing = await c.runAndReadAll(
        `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(rawTable(k))}`,
      );
      this.tableColumns.set(k, new Set(existing.getRows().map((r) => String(r[0]))));
      await this.ensureColumns(k, KNOWN_FIELDS[k]);
    }
  }

  row(
    kind: LogKind,
    fields: readonly string[],
    fileId: number,
    line: number,
    bytes: Buffer,
    start: number,
    end: number,
  ): void {
    // The scanner passes one array per field set: the group is looked up by name only when it changes.
    let g = this.lastGroup;
    if (!g || fields !== this.lastFields || kind !== g.kind) {
      const key = `${kind}\u0000${fields.join(',')}`;
      g = this.groups.get(key);
      if (!g) {
        g = new StagingGroup(kind, fields, this.staging, this.groupCount++);
        this.groups.set(key, g);
      }
      this.lastGroup = g;
      this.lastFields = fields;
    }
    g.push(`${fileId},${line},`, bytes, start, end);
  }

  async addFile(id: number, path: string): Promise<void> {
    this.fileNames.set(id, path);
    await this.db.connection.run(`INSERT INTO log_files (id, path) VALUES (${id}, ${literal(path)})`);
  }

  /** Loads every group at or above the chunk size (`all`: every non-empty group). */
  async load(all: boolean): Promise<void> {
    for (const g of this.groups.values()) if (g.rows && (all || g.bytes >= this.chunkBytes)) await this.loadGroup(g);
  }

  private async ensureColumns(kind: LogKind, fields: readonly string[]): Promise<void> {
    const have = this.tableColumns.get(kind)!;
    for (const f of fields) {
      if (have.has(f)) continue;
      await this.db.connection.run(`ALTER TABLE ${rawTable(kind)} ADD COLUMN ${ident(f)} ${columnSqlType(kind, f)}`);
      have.add(f);
    }
  }

  private async loadGroup(g: StagingGroup): Promise<void> {
    g.close();
    await this.ensureColumns(g.kind, g.fields);
    // Typed by the reader: the values it accepts are the ones TRY_CAST gives (test/unit/logs/import.test.ts).
    const retry = await this.readGroup(g, g.path, true);
    if (retry.length) {
      const text = `${g.path}.text`;
      writeFileSync(text, retry.map((l) => `${l}\n`).join(''));
      for (const r of await this.readGroup(g, text, false)) this.malformed(r.csvLine, r.type, r.message);
      rmSync(text, { force: true });
    }
    rmSync(g.path, { force: true });
    g.reopen();
  }

  /**
   * One INSERT of a staged file into the kind's table. `typed`: the reader types the columns and the rows it
   * rejects are returned as their text; else every column is read as text and typed by `groupSelect`, and
   * the rejected rows are returned with the reader's reasons.
   */
  private async readGroup(g: StagingGroup, path: string, typed: true): Promise<string[]>;
  private async readGroup(
    g: StagingGroup,
    path: string,
    typed: false,
  ): Promise<{ csvLine: string; type: string; message: string }[]>;
  private async readGroup(
    g: StagingGroup,
    path: string,
    typed: boolean,
  ): Promise<string[] | { csvLine: string; type: string; message: string }[]> {
    const c = this.db.connection;
    const seen = new Set<string>();
    const names = ['_file', '_line', ...g.fields].map((f) => {
      let n = f;
      for (let i = 2; seen.has(n); i++) n = `${f}_${i}`;
      seen.add(n);
      return n;
    });
    const cols = names.map((n, i) => {
      const t = !typed ? 'VARCHAR' : i === 0 ? 'INTEGER' : i === 1 ? 'BIGINT' : columnSqlType(g.kind, g.fields[i - 2]!);
      return `${literal(n)}: ${literal(t)}`;
    });
    const csv =
      `read_csv(${literal(path)}, header = false, delim = ',', quote = '"', escape = '"', ` +
      `new_line = '\\n', auto_detect = false, columns = {${cols.join(', ')}}, ignore_errors = true, ` +
      `store_rejects = true, rejects_table = '_rejects', rejects_scan = '_rejects_scan', max_line_size = 2097152, buffer_size = 16777216)`;
    const select = typed ? typedGroupSelect(g.fields) : groupSelect(g.kind, g.fields);
    await c.run(
      `INSERT INTO ${rawTable(g.kind)} BY NAME SELECT ${select}\nFROM ${csv} s JOIN log_files f ON f.id = s._file::INTEGER`,
    );
    // One reject row per error: a row with several errors is still one issue.
    const rejects = await c.runAndReadAll(
      `SELECT line, any_value(csv_line), string_agg(DISTINCT error_type, ', '), min(error_message) FROM _rejects GROUP BY line ORDER BY line`,
    );
    const out = rejects.getRows().map(([, csvLine, type, message]) => ({
      csvLine: String(csvLine ?? ''),
      type: String(type),
      message: String(message),
    }));
    await c.run('DROP TABLE IF EXISTS _rejects');
    await c.run('DROP TABLE IF EXISTS _rejects_scan');
    return typed ? out.map((r) => r.csvLine) : out;
  }

  private malformed(text: string, type: string, message: string): void {
    const m = /^(\d+),(\d+),/.exec(text);
    this.issues.push({
      file: m ? (this.fileNames.get(Number(m[1])) ?? '?') : '?',
      line: m ? Number(m[2]) : 0,
      kind: 'malformed-row',
      message: `${type}: ${message.split('\n')[0]}; kept here, not imported`,
      raw: m ? text.slice(m[0].length) : text,
    });
  }

  columnsOf(kind: LogKind): ReadonlySet<string> {
    return this.tableColumns.get(kind)!;
  }

  closeGroups(): void {
    for (const g of this.groups.values()) {
      try {
        g.close();
      } catch {
        /* already closed */
      }
    }
  }
}

/** Appends issues in batches (many torn rows in a broken folder are still one INSERT each 500). */
async function storeIssues(db: CaseDb, issues: readonly ImportIssue[]): Promise<void> {
  for (let i = 0; i < issues.length; i += 500) {
    const values = issues
      .slice(i, i + 500)
      .map(
        (x) =>
          `(${literal(x.file)}, ${x.line}, ${literal(x.kind)}, ${literal(x.message)}, ${x.raw === undefined ? 'NULL' : literal(x.raw)})`,
      );
    await db.connection.run(`INSERT INTO import_issues VALUES ${values.join(', ')}`);
  }
}

const emptyRows = (): Record<LogKind, number> => ({ httpproxy: 0, mapimb: 0, rca: 0, mapiab: 0, mapihttp_mailbox: 0 });

/** Runs the scan+load over `inputs` into `db`. */
async function importInto(
  db: CaseDb,
  inputs: readonly string[],
  staging: string,
  opts: ImportOptions,
  out: string,
): Promise<ImportSummary> {
  const t0 = performance.now();
  const sources = await collectSources(inputs, `${staging}/zip`);
  const importer = new Importer(db, staging, opts.chunkBytes ?? 64 << 20);
  await importer.init();
  const total = sources.reduce((s, f) => s + f.size, 0);
  const summary: ImportSummary = {
    out,
    files: sources.length,
    importedFiles: 0,
    skippedFiles: [],
    bytes: 0,
    rows: emptyRows(),
    issues: {},
    versions: {},
    untypedRows: {},
    seconds: 0,
  };
  // One transaction for every group: DuckDB writes full row groups straight to the file, where a
  // commit per group would log each group's last, partial row group to the WAL and write it again.
  await db.connection.run('BEGIN TRANSACTION');
  try {
    const base = Number(
      (await db.connection.runAndReadAll('SELECT COALESCE(MAX(id), 0) FROM log_files')).getRows()[0]![0],
    );
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i]!;
      const id = base + i + 1;
      await importer.addFile(id, src.display);
      const r = scanFile(src.path, src.display, id, importer, importer.issues);
      summary.bytes += src.size;
      const h = r.header;
      if (r.status === 'imported') {
        summary.importedFiles++;
        for (const v of r.versions) summary.versions[v] = (summary.versions[v] ?? 0) + 1;
      } else summary.skippedFiles.push({ file: src.display, reason: r.reason ?? 'skipped' });
      const fields = r.fieldSets[r.fieldSets.length - 1];
      await db.connection.run(
        `UPDATE log_files SET kind = ${r.kind ? literal(r.kind) : 'NULL'}, folder = ${literal(basename(dirname(src.display)))},
         software = ${h.software ? literal(h.software) : 'NULL'}, version = ${r.versions.length ? literal(r.versions.join(' → ')) : 'NULL'},
         log_type = ${h.logType ? literal(h.logType) : 'NULL'}, header_date = ${h.date ? literal(h.date) : 'NULL'},
         field_count = ${fields ? fields.length : 'NULL'}, field_sets = ${r.fieldSets.length},
         fields = ${fields ? literal(fields.join(',')) : 'NULL'}, bytes = ${src.size}, lines = ${r.lines},
         rows = ${r.rows}, status = ${literal(r.status)}, reason = ${r.reason ? literal(r.reason) : 'NULL'} WHERE id = ${id}`,
      );
      await importer.load(false);
      opts.progress?.(summary.bytes, total);
    }
    await importer.load(true);
    await db.connection.run('COMMIT');
  } finally {
    importer.closeGroups();
  }
  const c = db.connection;
  for (const k of LOG_KINDS) {
    await c.run(kindView(k, importer.columnsOf(k)));
    const r = await c.runAndReadAll(`SELECT count(*), count(untyped_values) FROM ${rawTable(k)}`);
    const [n, untyped] = r.getRows()[0]!;
    summary.rows[k] = Number(n);
    if (Number(untyped)) {
      summary.untypedRows[k] = Number(untyped);
      importer.issues.push({
        file: k,
        line: 0,
        kind: 'untyped-value',
        message: `${Number(untyped)} rows have values that did not fit their column type; kept as text in untyped_values`,
      });
    }
  }
  await storeIssues(db, importer.issues);
  for (const x of importer.issues) summary.issues[x.kind] = (summary.issues[x.kind] ?? 0) + 1;
  await c.run(`CREATE OR REPLACE VIEW rop_calls AS
    SELECT source_file, source_line, log_time, user_name, x_request_id, "ClientSoftwareVersion" AS client_version,
           r.dir, r.id AS rop_id, r.name AS rop_name, r.error
    FROM (SELECT *, unnest(rops) AS r FROM mapihttp_mailbox)`);
  await c.run(`DELETE FROM case_info WHERE key IN ('created', 'inputs')`);
  await c.run(
    `INSERT INTO case_info VALUES ('created', ${literal(new Date().toISOString())}), ('inputs', ${literal(JSON.stringify(inputs))})`,
  );
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

/**
 * Imports `inputs` (files, folders, .zip) into the case file `out`, which
 * appears only when the import succeeded.
 */
export async function importLogs(
  inputs: readonly string[],
  out: string,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  if (await stat(out).catch(() => undefined))
    throw new Error(`${out} already exists (remove it or choose another --out)`);
  const partial = `${out}.partial-${process.pid}`;
  const staging = `${out}.staging-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  let db: CaseDb | undefined;
  try {
    db = await openCaseDb(partial, { tempDir: `${staging}/engine`, settings: { ...IMPORT_SETTINGS } });
    const summary = await importInto(db, inputs, staging, opts, out);
    await db.connection.run('CHECKPOINT');
    db.close();
    db = undefined;
    await rename(partial, out);
    return summary;
  } catch (e) {
    if (db) db.close();
    await rm(partial, { force: true });
    await rm(`${partial}.wal`, { force: true });
    throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
