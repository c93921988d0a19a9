/**
 * `mapiscope logs`: Exchange's own MAPI over HTTP logs (HttpProxy, MAPI Client
 * Access, MAPI AddressBook Service, MapiHttp\Mailbox, RPC Client Access) as a
 * case file queried with SQL.
 */
import type { QueryResult } from '../../backend/logs/case-db.js';
import type { Finding } from '../../../shared/diagnose/types.js';
import type { ServerRow } from '../../../shared/logs/correlate.js';
import { QUERY_LIBRARY } from '../../../shared/logs/queries.js';
import { cellText } from '../../../shared/logs/values.js';
import { type Command, CliFailure, UsageError, optFlag, optInt, optString } from '../command.js';

function table(r: QueryResult, maxWidth = 60): string {
  const cell = (v: unknown) => {
    const s = cellText(v);
    return s.length > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s;
  };
  const rows = r.rows.map((row) => row.map(cell));
  const w = r.columns.map((c, i) => Math.max(c.name.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  return [line(r.columns.map((c) => c.name)), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

export interface CorrelateOutput {
  capture: string;
  exchanges: number;
  mapiRequests: number;
  serverRowsRead: number;
  matched: { exchangeId: number; by: string; rows: { table: string; file: string; line: number }[] }[];
  unmatchedClient: number[];
  outsideLogs: number[];
  unmatchedServer: {
    table: string;
    file: string;
    line: number;
    time: string;
    requestType?: string;
    requestId?: string;
  }[];
  findings: Finding[];
}

/** Reads the capture through the session model, the case's rows around it, and joins them. */
export async function correlateCapture(capture: string, cases: readonly string[]): Promise<CorrelateOutput> {
  const { detectInput, readInput } = await import('./analyze.js');
  const { SessionModel } = await import('../../../shared/session/model.js');
  const { openCase } = await import('../../backend/logs/case.js');
  const { correlateWithCase } = await import('../../backend/logs/server-rows.js');
  const model = new SessionModel({ cacheSize: 0 });
  let n = 0;
  for await (const ex of readInput(capture, detectInput(capture), [])) {
    model.add(ex);
    n++;
  }
  const c = await openCase(cases).catch((e: Error) => {
    throw new CliFailure(e.message);
  });
  try {
    const facts = model.facts();
    const r = await correlateWithCase(c.db, facts, model.sessions());
    const ref = (x: ServerRow) => ({ table: x.table, file: x.file, line: x.line });
    return {
      capture,
      exchanges: n,
      mapiRequests: facts.filter((f) => f.endpoint === 'emsmdb' || f.endpoint === 'nspi').length,
      serverRowsRead: r.rowsRead,
      matched: r.correlation.matches.map((m) => ({ exchangeId: m.exchangeId, by: m.by, rows: m.rows.map(ref) })),
      unmatchedClient: r.correlation.unmatchedClient,
      outsideLogs: r.correlation.outsideLogs,
      unmatchedServer: r.correlation.unmatchedServer.map((x) => ({
        ...ref(x),
        time: new Date(x.time).toISOString(),
        ...(x.requestType ? { requestType: x.requestType } : {}),
        ...(x.requestId ? { requestId: x.requestId } : {}),
      })),
      findings: r.findings,
    };
  } finally {
    c.db.close();
  }
}

export function formatCorrelation(r: CorrelateOutput): string {
  const by = (k: string) => r.matched.filter((m) => m.by === k).length;
  const lines = [
    `${r.capture}: ${r.mapiRequests} MAPI request(s), ${r.matched.length} matched to ${r.serverRowsRead} server row(s) read ` +
      `(by X-RequestId ${by('request-id')}, by session cookie ${by('session-cookie')}, by time and user ${by('time-and-user')})`,
    `client requests the server never logged: ${r.unmatchedClient.length ? r.unmatchedClient.join(', ') : 'none'}`,
    ...(r.outsideLogs.length ? [`client requests outside the logs' time span: ${r.outsideLogs.length}`] : []),
    `server rows of these clients with no request in the capture: ${r.unmatchedServer.length}`,
    ...r.unmatchedServer.slice(0, 20).map((x) => `  ${x.time} ${x.table} ${x.requestType ?? ''} ${x.file}:${x.line}`),
    '',
    'Findings (both halves)',
    ...(r.findings.length ? [] : ['  none']),
    ...r.findings.flatMap((f) => [
      `  [${f.severity}] ${f.title} (${f.rule})`,
      `     ${f.message}`,
      `     fix: ${f.fix}`,
      ...(f.serverEvidence?.length
        ? [`     server rows: ${f.serverEvidence.map((e) => `${e.file}:${e.line}`).join(', ')}`]
        : []),
    ]),
  ];
  return lines.join('\n') + '\n';
}

export const logsCommand: Command = {
  name: 'logs',
  summary: "Exchange's MAPI over HTTP server logs: import, SQL query, report, Parquet export",
  usage: [
    'logs import <folder|file|.zip>… --out CASE.logs',
    'logs query <CASE.logs|folder…> "SELECT …" [--json|--csv] [--limit N]',
    'logs query <CASE.logs|folder…> --library ID [--json|--csv]',
    'logs library',
    'logs report <CASE.logs|folder…> [--json]',
    'logs export <CASE.logs|folder…> --parquet --out DIR',
    'logs correlate <capture|har|saz> <CASE.logs|folder…> [--json]',
  ],
  options: [
    {
      name: 'out',
      alias: 'o',
      value: 'PATH',
      description: 'case file to create (import) or folder for Parquet (export)',
    },
    { name: 'csv', description: 'query: print CSV' },
    { name: 'limit', value: 'N', description: 'query: at most N rows (default 100000)' },
    { name: 'library', value: 'ID', description: 'query: run a query of the library (see `logs library`)' },
    { name: 'parquet', description: 'export: write Parquet (one file per table)' },
  ],
  details: `Tables: httpproxy (every HttpProxy protocol folder; Protocol column), mapimb, rca, mapiab,
mapihttp_mailbox, each with the files' own columns (typed), source_file/source_line, untyped_values, and
derived columns (log_time, x_request_id, x_request_type, x_client_info, fe_activity_id, mapi_context,
user_name, duration_ms, generic_info/generic_errors/performance maps, rops); the rop_calls view; log_files,
import_issues, case_info. A folder given to query/report/export is imported into a scratch case first.

Examples:
  mapiscope logs import "C:\\Exchange\\Logging\\HttpProxy\\Mapi" MapiHttp --out case.logs
  mapiscope logs query case.logs "SELECT user_name, count(*) FROM httpproxy GROUP BY 1" --csv
  mapiscope logs query case.logs --library slowest-requests --json`,
  async run(args, io) {
    const [sub, ...rest] = args.positionals;
    if (!sub) throw new UsageError('missing subcommand: import, query, library, report or export');
    if (sub === 'library') {
      if (io.json) io.stdout(JSON.stringify(QUERY_LIBRARY, null, 2) + '\n');
      else for (const q of QUERY_LIBRARY) io.stdout(`${q.id.padEnd(28)}${q.title}\n`);
      return 0;
    }
    const { importLogs } = await import('../../backend/logs/importer.js');
    const { openCase, runLibraryQuery, runReport, exportParquet } = await import('../../backend/logs/case.js');
    const { runQuery, toCsv } = await import('../../backend/logs/case-db.js');
    switch (sub) {
      case 'import': {
        const out = optString(args, 'out');
        if (!out) throw new UsageError('logs import needs --out CASE.logs');
        if (!rest.length) throw new UsageError('logs import needs at least one folder, file or .zip');
        let last = 0;
        const summary = await importLogs(rest, out, {
          progress: (done, total) => {
            const pct = Math.floor((100 * done) / Math.max(1, total));
            if (pct >= last + 10 || done === total) {
              last = pct;
              io.stderr(`  ${pct}% (${(done / 1048576).toFixed(0)} MB)\n`);
            }
          },
        }).catch((e: Error) => {
          throw new CliFailure(e.message);
        });
        if (io.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
        else {
          const rows = Object.entries(summary.rows)
            .filter(([, n]) => n)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ');
          io.stdout(
            [
              `${out}: ${rows || 'no rows'} from ${summary.importedFiles} of ${summary.files} files ` +
                `(${(summary.bytes / 1048576).toFixed(1)} MB in ${summary.seconds.toFixed(1)} s)`,
              `versions: ${
                Object.entries(summary.versions)
                  .map(([v, n]) => `${v} (${n} files)`)
                  .join(', ') || 'none'
              }`,
              ...summary.skippedFiles.map((s) => `skipped ${s.file}: ${s.reason}`),
              ...Object.entries(summary.issues).map(([k, n]) => `${k}: ${n} (see the import_issues table)`),
            ].join('\n') + '\n',
          );
        }
        return 0;
      }
      case 'query': {
        const lib = optString(args, 'library');
        const sql = lib ? undefined : rest.pop();
        if (!rest.length || (!lib && !sql))
          throw new UsageError('logs query needs a case (or folder) and an SQL query');
        const q = lib ? QUERY_LIBRARY.find((x) => x.id === lib) : undefined;
        if (lib && !q) throw new UsageError(`no library query "${lib}" (see \`mapiscope logs library\`)`);
        const limit = optInt(args, 'limit', 1) ?? 100_000;
        const c = await openCase(rest).catch((e: Error) => {
          throw new CliFailure(e.message);
        });
        try {
          const r = await (q ? runLibraryQuery(c.db, q, limit) : runQuery(c.db, sql!, limit)).catch((e: Error) => {
            throw new CliFailure(e.message);
          });
          if (io.json) io.stdout(JSON.stringify(r) + '\n');
          else if (optFlag(args, 'csv')) io.stdout(toCsv(r));
          else io.stdout(table(r));
          if (r.truncated) io.stderr(`(cut at ${limit} rows; use --limit)\n`);
        } finally {
          c.db.close();
        }
        return 0;
      }
      case 'report': {
        if (!rest.length) throw new UsageError('logs report needs a case file or log folder');
        const c = await openCase(rest).catch((e: Error) => {
          throw new CliFailure(e.message);
        });
        try {
          const sections = await runReport(c.db);
          if (io.json)
            io.stdout(
              JSON.stringify(
                sections.map((s) => ({ id: s.query.id, title: s.query.title, result: s.result, error: s.error })),
              ) + '\n',
            );
          else
            for (const s of sections) {
              io.stdout(`\n== ${s.query.title} (${s.query.id})\n${s.query.description}\n\n`);
              io.stdout(s.error ? `error: ${s.error}\n` : s.result!.rows.length ? table(s.result!) : '(no rows)\n');
            }
        } finally {
          c.db.close();
        }
        return 0;
      }
      case 'export': {
        const out = optString(args, 'out');
        if (!optFlag(args, 'parquet')) throw new UsageError('logs export needs --parquet');
        if (!out || !rest.length) throw new UsageError('logs export needs a case (or folder) and --out DIR');
        const c = await openCase(rest).catch((e: Error) => {
          throw new CliFailure(e.message);
        });
        try {
          const r = await exportParquet(c.db, out).catch((e: Error) => {
            throw new CliFailure(e.message);
          });
          if (io.json) io.stdout(JSON.stringify(r, null, 2) + '\n');
          else for (const f of r.files) io.stdout(`${f.path}  ${f.rows} rows\n`);
        } finally {
          c.db.close();
        }
        return 0;
      }
      case 'correlate': {
        const [capture, ...cases] = rest;
        if (!capture || !cases.length)
          throw new UsageError('logs correlate needs a capture and a case file or log folder');
        const r = await correlateCapture(capture, cases);
        if (io.json) io.stdout(JSON.stringify(r, null, 2) + '\n');
        else io.stdout(formatCorrelation(r));
        return 0;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}": import, query, library, report, export or correlate`);
    }
  },
};
