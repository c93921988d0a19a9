/**
 * Reads the server rows a correlation needs from a case (the MAPI rows of
 * the front-end log, the MapiHttp mailbox log and the 2013 MAPIMB log) in a
 * time window, and runs correlation plus the two-sided diagnoses.
 */
import { correlate, type Correlation, type ServerRow, type ServerTable } from '../../../shared/logs/correlate.js';
import { diagnoseTwoSided } from '../../../shared/diagnose/server/index.js';
import type { Finding } from '../../../shared/diagnose/types.js';
import type { ExchangeFacts, SessionInfo } from '../../../shared/session/types.js';
import { cellText } from '../../../shared/logs/values.js';
import { runQuery, type CaseDb } from './case-db.js';

const SELECTS: Record<ServerTable, string> = {
  httpproxy: `SELECT 'httpproxy' AS t, source_file, source_line, epoch_ms(log_time) AS ms, x_request_id, x_client_info,
    x_request_type, NULL AS mapi_context, mailbox_id, user_name, "HttpStatus" AS http_status, duration_ms,
    "BackendProcessingLatency" AS backend_ms, NULL AS mapi_status, NULLIF("GenericErrors", '') AS errors
    FROM httpproxy WHERE "Protocol" = 'Mapi'`,
  mapihttp_mailbox: `SELECT 'mapihttp_mailbox', source_file, source_line, epoch_ms(log_time), x_request_id, x_client_info,
    x_request_type, mapi_context, "MailboxId", user_name, "HttpStatusCode", duration_ms, NULL,
    CASE WHEN coalesce("ResponseCode", 0) <> 0 OR coalesce("StatusCode", 0) <> 0
      THEN concat_ws('/', "ResponseCode", "StatusCode") END, NULLIF("GenericErrors", '')
    FROM mapihttp_mailbox`,
  mapimb: `SELECT 'mapimb', source_file, source_line, epoch_ms(log_time), x_request_id, NULL, operation, mapi_context,
    NULL, user_name, NULL, duration_ms, NULL, CASE WHEN "rpc-status" NOT IN ('0', '') THEN "rpc-status" END,
    NULLIF(failures, '') FROM mapimb`,
};

const COLUMNS =
  't, source_file, source_line, ms, request_id, client_info, request_type, mapi_context, mailbox, user_name, ' +
  'http_status, duration_ms, backend_ms, mapi_status, errors';

/** Rows with a time in [start, end] (ms since the epoch), from every MAPI-bearing table. */
export async function loadServerRows(db: CaseDb, start: number, end: number): Promise<ServerRow[]> {
  const where = `ms BETWEEN ${Math.floor(start)} AND ${Math.ceil(end)}`;
  const sql = Object.values(SELECTS)
    .map((s) => `SELECT * FROM (${s}) AS q(${COLUMNS}) WHERE ${where}`)
    .join('\nUNION ALL\n');
  const r = await runQuery(db, sql, 1_000_000);
  return r.rows.map((x) => {
    const row: ServerRow = { table: x[0] as ServerTable, file: String(x[1]), line: Number(x[2]), time: Number(x[3]) };
    const s = (i: number) => (x[i] === null || x[i] === undefined ? undefined : cellText(x[i]));
    const n = (i: number) => (x[i] === null || x[i] === undefined ? undefined : Number(x[i]));
    const set = <K extends keyof ServerRow>(k: K, v: ServerRow[K] | undefined) => {
      if (v !== undefined) row[k] = v;
    };
    set('requestId', s(4));
    set('clientInfo', s(5));
    set('requestType', s(6));
    set('mapiContext', s(7));
    set('mailbox', s(8));
    set('user', s(9));
    set('httpStatus', n(10));
    set('durationMs', n(11));
    set('backendMs', n(12));
    set('mapiStatus', s(13));
    set('errors', s(14));
    return row;
  });
}

export interface TwoSidedResult {
  correlation: Correlation;
  findings: Finding[];
  rowsRead: number;
}

/** Correlates a capture's facts with a case's rows (capture time ± 10 min) and diagnoses both halves. */
export async function correlateWithCase(
  db: CaseDb,
  facts: readonly ExchangeFacts[],
  sessions: readonly SessionInfo[],
): Promise<TwoSidedResult> {
  const mapi = facts.filter((f) => f.endpoint === 'emsmdb' || f.endpoint === 'nspi');
  if (!mapi.length)
    return {
      correlation: { matches: [], unmatchedClient: [], outsideLogs: [], unmatchedServer: [] },
      findings: [],
      rowsRead: 0,
    };
  const start = Math.min(...mapi.map((f) => f.requestStart)) - 600_000;
  const end = Math.max(...mapi.map((f) => f.responseEnd ?? f.requestStart)) + 600_000;
  const rows = await loadServerRows(db, start, end);
  const correlation = correlate(facts, sessions, rows);
  return { correlation, findings: diagnoseTwoSided({ facts, sessions, correlation }), rowsRead: rows.length };
}
