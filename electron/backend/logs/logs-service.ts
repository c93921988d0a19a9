/**
 * The "Server logs" service: one server-log case open next to the workspace's
 * capture (a case file, or log folders imported into a scratch case), SQL and
 * library queries over it, and the per-exchange join with the capture
 * (recomputed when the capture or the case changes).
 */
import type {
  LogsCaseDto,
  LogsCorrelationDto,
  LogsQueryResultDto,
  ServerRowsDto,
  ServerTimesDto,
} from '../../../shared/api/contract.js';
import { serverTimeline } from '../../../shared/logs/server-time.js';
import { QUERY_LIBRARY, libraryQuery } from '../../../shared/logs/queries.js';
import { basename } from 'node:path';
import type { Backend, BackendService } from '../backend.js';
import { ApiError } from '../rpc.js';
import type { SessionService } from '../session-service.js';
import type { OpenedCase } from './case.js';
import type { TwoSidedResult } from './server-rows.js';

// DuckDB's native module loads on first use, so a backend that never opens logs never loads it.
const engine = async () => ({
  ...(await import('./case-db.js')),
  ...(await import('./case.js')),
  ...(await import('./server-rows.js')),
});

export class LogsService implements BackendService {
  readonly name = 'logs';
  private opened: { paths: string[]; c: OpenedCase; summary: LogsCaseDto } | undefined;
  private joined: { key: string; result: TwoSidedResult } | undefined;
  private workspace?: Backend['workspace'];

  constructor(private readonly sessions: SessionService) {}

  register(backend: Backend): void {
    this.workspace = backend.workspace;
    backend.events.on((e) => {
      if (e.type === 'exchanges-reset' || e.type === 'exchange') this.joined = undefined;
    });
    const rpc = backend.rpc;
    rpc.method('logs.open', async ({ paths }) => {
      if (!Array.isArray(paths) || !paths.length) throw new ApiError('bad-request', 'logs.open needs paths');
      const { openCase } = await engine();
      const c = await openCase(paths).catch((e: Error) => {
        throw new ApiError('bad-request', e.message);
      });
      this.close();
      const summary = await this.summarize(paths, c);
      this.opened = { paths, c, summary };
      return summary;
    });
    rpc.method('logs.status', () => (this.opened ? { case: this.opened.summary } : {}));
    rpc.method('logs.close', () => ({ closed: this.close() }));
    rpc.method('logs.library', () => ({
      items: QUERY_LIBRARY.map((q) => ({
        id: q.id,
        title: q.title,
        description: q.description,
        sql: q.sql,
        ...(q.chart ? { chart: q.chart } : {}),
      })),
    }));
    rpc.method('logs.query', async ({ sql, limit }) => {
      const { runQuery } = await engine();
      return this.guard(() => runQuery(this.db(), String(sql), limit ?? 10_000));
    });
    rpc.method('logs.runLibrary', async ({ id, limit }) => {
      const q = libraryQuery(String(id));
      if (!q) throw new ApiError('not-found', `no library query ${String(id)}`);
      const { runLibraryQuery } = await engine();
      return this.guard(() => runLibraryQuery(this.db(), q, limit ?? 10_000));
    });
    rpc.method('logs.rowsFor', async ({ exchangeId }) => {
      if (!this.opened) return { rows: [] };
      const r = await this.join();
      const m = r.correlation.matches.find((x) => x.exchangeId === Number(exchangeId));
      if (!m) return { rows: [] };
      const out: ServerRowsDto = { by: m.by, rows: [] };
      for (const x of m.rows) {
        const row: ServerRowsDto['rows'][number] = { table: x.table, file: x.file, line: x.line, time: x.time };
        if (x.requestType !== undefined) row.requestType = x.requestType;
        if (x.httpStatus !== undefined) row.httpStatus = x.httpStatus;
        if (x.durationMs !== undefined) row.durationMs = x.durationMs;
        if (x.backendMs !== undefined) row.backendMs = x.backendMs;
        if (x.mapiStatus !== undefined) row.mapiStatus = x.mapiStatus;
        if (x.errors !== undefined) row.errors = x.errors;
        out.rows.push(row);
      }
      return out;
    });
    rpc.method('logs.serverTimes', async (): Promise<ServerTimesDto> => {
      if (!this.opened) return { open: false, times: [], unmatched: [], outsideLogs: [] };
      return { open: true, ...serverTimeline((await this.join()).correlation) };
    });
    rpc.method('report.build', ({ probe, redact }) => this.report(probe, redact !== false));
    rpc.method('logs.correlation', async (): Promise<LogsCorrelationDto> => {
      if (!this.opened) throw new ApiError('bad-request', 'no server logs open');
      const r = await this.join();
      return {
        matched: r.correlation.matches.length,
        unmatchedClient: r.correlation.unmatchedClient,
        outsideLogs: r.correlation.outsideLogs.length,
        unmatchedServer: r.correlation.unmatchedServer.map((x) => ({
          table: x.table,
          file: x.file,
          line: x.line,
          time: x.time,
          ...(x.requestType ? { requestType: x.requestType } : {}),
        })),
        findings: r.findings,
      };
    });
  }

  /** The report of the workspace's capture, with the open case and a probe result when given. */
  private async report(probe: unknown, redact: boolean): Promise<{ html: string; fileName: string }> {
    const { buildCaseReport } = await import('../report/build-report.js');
    const model = await this.sessions.analysed();
    const ws = this.workspace!;
    const { html } = await buildCaseReport({
      name: ws.file ? basename(ws.file) : 'capture in MapiScope',
      exchanges: ws.iterate(),
      model,
      ...(this.opened ? { logs: this.opened.c.db } : {}),
      ...(probe && typeof probe === 'object' ? { probe: probe } : {}),
      redact,
    });
    return { html, fileName: 'case-report.html' };
  }

  status(): Record<string, unknown> {
    return this.opened ? { paths: this.opened.paths } : {};
  }

  async dispose(): Promise<void> {
    this.close();
  }

  private close(): boolean {
    if (!this.opened) return false;
    this.opened.c.db.close();
    this.opened = undefined;
    this.joined = undefined;
    return true;
  }

  private db() {
    if (!this.opened) throw new ApiError('bad-request', 'no server logs open (logs.open first)');
    return this.opened.c.db;
  }

  private async guard(f: () => Promise<LogsQueryResultDto>): Promise<LogsQueryResultDto> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError('bad-request', (e as Error).message.split('\n')[0]!);
    }
  }

  private async summarize(paths: string[], c: OpenedCase): Promise<LogsCaseDto> {
    const { runQuery } = await engine();
    const one = async (sql: string) => (await runQuery(c.db, sql)).rows;
    const rows: Record<string, number> = {};
    for (const [k, n] of await one(
      `SELECT 'httpproxy', count(*) FROM raw_httpproxy UNION ALL SELECT 'mapimb', count(*) FROM raw_mapimb
       UNION ALL SELECT 'rca', count(*) FROM raw_rca UNION ALL SELECT 'mapiab', count(*) FROM raw_mapiab
       UNION ALL SELECT 'mapihttp_mailbox', count(*) FROM raw_mapihttp_mailbox`,
    ))
      rows[String(k)] = Number(n);
    const [[files, skipped]] = (await one(
      `SELECT count(*), count(*) FILTER (WHERE status = 'skipped') FROM log_files`,
    )) as [[number, number]];
    const issues: Record<string, number> = {};
    for (const [k, n] of await one(`SELECT kind, count(*) FROM import_issues GROUP BY 1 ORDER BY 1`))
      issues[String(k)] = Number(n);
    const versions = (await one(`SELECT DISTINCT version FROM log_files WHERE version IS NOT NULL ORDER BY 1`)).map(
      (r) => String(r[0]),
    );
    return { paths, rows, files: Number(files), skippedFiles: Number(skipped), issues, versions };
  }

  /** The join of the workspace's capture with the open case, cached until either changes. */
  private async join(): Promise<TwoSidedResult> {
    const model = await this.sessions.analysed();
    const key = this.opened!.paths.join('|');
    if (this.joined?.key === key) return this.joined.result;
    const { correlateWithCase } = await engine();
    const result = await correlateWithCase(this.db(), model.facts(), model.sessions());
    this.joined = { key, result };
    return result;
  }
}
