/**
 * One measured logs-import run in a process of its own, so each figure's peak
 * RSS is its own (`node --import tsx logs-import-run.ts import|floor DIR OUT`):
 * `import` runs `importLogs`; `floor` is DuckDB's bare native CSV reader into a
 * table per log folder (the same engine settings and column types, no staging,
 * no line numbers, no issues, no views), the least a DuckDB import can cost.
 * Prints one JSON line: wall and CPU seconds of the work, peak and starting RSS, rows, case file size.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ENGINE_SETTINGS, IMPORT_SETTINGS } from '../../electron/backend/logs/case-db.js';
import { importLogs } from '../../electron/backend/logs/importer.js';
import { literal } from '../../electron/backend/logs/sql.js';
import { LOG_KIND_INFO, type LogKind } from '../../shared/logs/kinds.js';

export interface RunFigures {
  wallS: number;
  cpuS: number;
  peakRssMB: number;
  startRssMB: number;
  rows: number;
  caseMB: number;
}

/** The generated folders and their kinds (test/bench/exchange-log-gen.ts). */
const FOLDERS: [string, LogKind][] = [
  ['HttpProxy/Mapi', 'httpproxy'],
  ['MapiHttp/Mailbox', 'mapihttp_mailbox'],
];

async function floor(dir: string, out: string): Promise<number> {
  const instance = await DuckDBInstance.create(out, { ...ENGINE_SETTINGS, ...IMPORT_SETTINGS });
  const c = await instance.connect();
  let rows = 0;
  for (const [folder, kind] of FOLDERS) {
    const files = readdirSync(join(dir, folder)).map((f) => join(dir, folder, f));
    const head = readFileSync(files[0]!, 'latin1').slice(0, 1 << 16);
    const fields = /^#Fields: (.*)$/m.exec(head)![1]!.trim().split(',');
    const cols = fields.map((f) => `${literal(f)}: ${literal(LOG_KIND_INFO[kind].columnType(f))}`).join(', ');
    await c.run(
      `CREATE TABLE ${kind} AS SELECT * FROM read_csv([${files.map(literal).join(', ')}], header = false, comment = '#', ` +
        `delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {${cols}}, ignore_errors = true, max_line_size = 2097152)`,
    );
    rows += Number((await c.runAndReadAll(`SELECT count(*) FROM ${kind}`)).getRows()[0]![0]);
  }
  await c.run('CHECKPOINT');
  c.closeSync();
  instance.closeSync();
  return rows;
}

const [mode, dir, out] = process.argv.slice(2);
if (mode === 'import' || mode === 'floor') {
  const startRss = process.memoryUsage.rss();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows =
    mode === 'import'
      ? Object.values((await importLogs([dir!], out!)).rows).reduce((a, b) => a + b, 0)
      : await floor(dir!, out!);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const figures: RunFigures = {
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    // maxRSS is in KiB: the whole process's peak, DuckDB's native memory included.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    startRssMB: startRss / (1 << 20),
    rows,
    caseMB: statSync(out!).size / (1 << 20),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
