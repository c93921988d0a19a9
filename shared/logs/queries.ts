/**
 * The query library over a case's server logs: the questions a support
 * engineer asks of Exchange's MAPI over HTTP logs, as DuckDB SQL over the kind
 * views (httpproxy, mapimb, rca, mapiab, mapihttp_mailbox, rop_calls). Each
 * names the columns it reads; `logs report` runs them all.
 */

export interface LibraryQuery {
  id: string;
  title: string;
  description: string;
  sql: string;
  /** A step the backend applies to the rows (a verdict column computed in TS). */
  post?: 'client-verdict';
  /** How the UI draws it, when it is a series over time. */
  chart?: { x: string; series: string[]; kind: 'line' | 'bar' };
}

/** MAPI over HTTP rows of the front-end log (the emsmdb and nspi endpoints). */
const MAPI = `"Protocol" = 'Mapi'`;
const OUTLOOK_VERSION = `regexp_extract("UserAgent", 'Microsoft Outlook (\\d+\\.\\d+\\.\\d+)', 1)`;

export const QUERY_LIBRARY: readonly LibraryQuery[] = [
  {
    id: 'requests-by-user',
    title: 'Requests and errors per user',
    description: 'MAPI over HTTP requests through the front end per authenticated user: count, HTTP errors, latency.',
    sql: `SELECT coalesce(user_name, '(anonymous)') AS user_name, count(*) AS requests,
  count(*) FILTER (WHERE "HttpStatus" >= 400) AS http_errors,
  round(100.0 * count(*) FILTER (WHERE "HttpStatus" >= 400) / count(*), 1) AS error_pct,
  quantile_cont(duration_ms, 0.5) FILTER (WHERE x_request_type IS DISTINCT FROM 'NotificationWait') AS p50_ms,
  quantile_cont(duration_ms, 0.95) FILTER (WHERE x_request_type IS DISTINCT FROM 'NotificationWait') AS p95_ms
FROM httpproxy WHERE ${MAPI}
GROUP BY 1 ORDER BY requests DESC`,
  },
  {
    id: 'requests-by-client-version',
    title: 'Requests and errors per client version',
    description: 'Outlook build from the User-Agent (front end) and ClientSoftwareVersion (mailbox log).',
    sql: `SELECT 'httpproxy' AS log, coalesce(NULLIF(${OUTLOOK_VERSION}, ''), "UserAgent") AS client_version,
  count(*) AS requests, count(*) FILTER (WHERE "HttpStatus" >= 400) AS errors, count(DISTINCT user_name) AS users
FROM httpproxy WHERE ${MAPI} GROUP BY 1, 2
UNION ALL
SELECT 'mapihttp_mailbox', "ClientSoftwareVersion", count(*),
  count(*) FILTER (WHERE "HttpStatusCode" >= 400 OR "ResponseCode" <> 0 OR "StatusCode" <> 0), count(DISTINCT user_name)
FROM mapihttp_mailbox GROUP BY 1, 2
ORDER BY requests DESC`,
  },
  {
    id: 'auth-failures',
    title: 'HTTP 401/403/5xx by user and auth type',
    description: 'Rejected or failed front-end requests grouped by user, authentication type and status.',
    sql: `SELECT coalesce(user_name, '(not authenticated)') AS user_name, "AuthenticationType" AS auth_type,
  "HttpStatus" AS http_status, "Protocol" AS protocol, count(*) AS requests,
  min(log_time) AS first_seen, max(log_time) AS last_seen, any_value(generic_errors) AS sample_errors
FROM httpproxy WHERE "HttpStatus" IN (401, 403) OR "HttpStatus" >= 500
GROUP BY ALL ORDER BY requests DESC`,
  },
  {
    id: 'slowest-requests',
    title: 'Slowest requests with their latency breakdown',
    description:
      'The 100 slowest MAPI requests (NotificationWait excluded, it waits by design): front-end share versus back-end processing.',
    sql: `SELECT log_time, user_name, x_request_type AS request_type, "HttpStatus" AS http_status,
  duration_ms AS total_ms, "BackendProcessingLatency" AS backend_ms,
  duration_ms - coalesce("BackendProcessingLatency", 0) AS front_end_ms,
  "ProxyTime" AS proxy_ms, "CoreLatency" AS core_ms, "RoutingLatency" AS routing_ms, "ADLatency" AS ad_ms,
  "HttpProxyOverhead" AS overhead_ms, "TargetServer" AS target_server, x_request_id, source_file, source_line
FROM httpproxy WHERE ${MAPI} AND x_request_type IS DISTINCT FROM 'NotificationWait' AND duration_ms IS NOT NULL
ORDER BY duration_ms DESC LIMIT 100`,
  },
  {
    id: 'mapi-vs-rpc',
    title: 'MAPI/HTTP versus RPC/HTTP (Outlook Anywhere) per user',
    description: 'Share of each user’s front-end requests on /mapi versus /rpc; users still on RPC/HTTP show up here.',
    sql: `SELECT coalesce(user_name, '(anonymous)') AS user_name,
  count(*) FILTER (WHERE "Protocol" = 'Mapi') AS mapi_http, count(*) FILTER (WHERE "Protocol" = 'RpcHttp') AS rpc_http,
  round(100.0 * count(*) FILTER (WHERE "Protocol" = 'Mapi') / count(*), 1) AS mapi_pct
FROM httpproxy WHERE "Protocol" IN ('Mapi', 'RpcHttp')
GROUP BY 1 ORDER BY rpc_http DESC, mapi_http DESC`,
  },
  {
    id: 'client-supportability',
    title: 'Client versions against the MAPI over HTTP support table',
    description:
      'Each Outlook build seen with its verdict (Outlook 2013 SP1 or later; Outlook 2010 SP2 only with two updates).',
    sql: `SELECT client_version, sum(requests)::BIGINT AS requests, sum(users)::BIGINT AS users FROM (
  SELECT ${OUTLOOK_VERSION} AS client_version, count(*) AS requests, count(DISTINCT user_name) AS users
  FROM httpproxy WHERE "Protocol" IN ('Mapi', 'RpcHttp') GROUP BY 1
  UNION ALL
  SELECT "ClientSoftwareVersion", count(*), count(DISTINCT user_name) FROM mapihttp_mailbox GROUP BY 1
  UNION ALL
  SELECT "client-software-version", count(*), count(DISTINCT user_name) FROM mapimb GROUP BY 1
) WHERE client_version IS NOT NULL AND client_version <> '' GROUP BY 1 ORDER BY requests DESC`,
    post: 'client-verdict',
  },
  {
    id: 'reconnect-storms',
    title: 'Reconnect storms',
    description: 'Users with 10 or more Connect requests in one hour (front end and mailbox logs).',
    sql: `SELECT user_name, hour, sum(connects)::BIGINT AS connects, string_agg(DISTINCT log, ', ') AS logs FROM (
  SELECT user_name, date_trunc('hour', log_time) AS hour, count(*) AS connects, 'httpproxy' AS log
  FROM httpproxy WHERE ${MAPI} AND x_request_type = 'Connect' GROUP BY 1, 2
  UNION ALL
  SELECT user_name, date_trunc('hour', log_time), count(*), 'mapihttp_mailbox'
  FROM mapihttp_mailbox WHERE "RequestType" = 'Connect' GROUP BY 1, 2
  UNION ALL
  SELECT user_name, date_trunc('hour', log_time), count(*), 'mapimb'
  FROM mapimb WHERE operation = 'Connect' GROUP BY 1, 2
) GROUP BY 1, 2 HAVING sum(connects) >= 10 ORDER BY connects DESC`,
  },
  {
    id: 'notification-wait',
    title: 'NotificationWait durations',
    description:
      'How long the server held NotificationWait requests per user; many short ones mean events or a broken wait.',
    sql: `SELECT user_name, count(*) AS waits, min(duration_ms) AS min_ms, quantile_cont(duration_ms, 0.5) AS p50_ms,
  max(duration_ms) AS max_ms, count(*) FILTER (WHERE duration_ms < 1000) AS returned_within_1s,
  count(*) FILTER (WHERE "HttpStatus" <> 200) AS failed
FROM httpproxy WHERE ${MAPI} AND x_request_type = 'NotificationWait'
GROUP BY 1 ORDER BY waits DESC`,
  },
  {
    id: 'rop-mix',
    title: 'ROP mix per user',
    description: 'ROPs per user from the MapiHttp mailbox log (RopIds; filled when the Rops logging tag is on).',
    sql: `SELECT user_name, rop_name, rop_id, count(*) FILTER (WHERE dir = '>') AS requests,
  count(*) FILTER (WHERE error IS NOT NULL) AS failures, string_agg(DISTINCT error, ', ') AS errors
FROM rop_calls GROUP BY ALL ORDER BY user_name, requests DESC`,
  },
  {
    id: 'requests-over-time',
    title: 'Requests, errors and latency over time',
    description: 'Per minute: MAPI requests, HTTP errors, and latency percentiles (NotificationWait excluded).',
    sql: `SELECT time_bucket(INTERVAL 1 minute, log_time) AS minute, count(*) AS requests,
  count(*) FILTER (WHERE "HttpStatus" >= 400) AS errors,
  quantile_cont(duration_ms, 0.5) FILTER (WHERE x_request_type IS DISTINCT FROM 'NotificationWait') AS p50_ms,
  quantile_cont(duration_ms, 0.95) FILTER (WHERE x_request_type IS DISTINCT FROM 'NotificationWait') AS p95_ms,
  quantile_cont(duration_ms, 0.99) FILTER (WHERE x_request_type IS DISTINCT FROM 'NotificationWait') AS p99_ms
FROM httpproxy WHERE ${MAPI} AND log_time IS NOT NULL GROUP BY 1 ORDER BY 1`,
    chart: { x: 'minute', series: ['requests', 'errors', 'p50_ms', 'p95_ms', 'p99_ms'], kind: 'line' },
  },
  {
    id: 'import-issues',
    title: 'What the import could not read',
    description: 'Files skipped and rows kept aside (torn, malformed, before any header), by kind.',
    sql: `SELECT kind, count(*) AS count, count(DISTINCT file) AS files, any_value(message) AS example
FROM import_issues GROUP BY 1 ORDER BY count DESC`,
  },
  {
    id: 'log-files',
    title: 'Log files and versions',
    description: 'Every file read, its kind, Exchange version and column count (mixed versions show here).',
    sql: `SELECT kind, version, field_count, count(*) AS files, sum(rows)::BIGINT AS rows, sum(bytes)::BIGINT AS bytes,
  min(header_date) AS first_header, max(header_date) AS last_header
FROM log_files GROUP BY ALL ORDER BY kind, version`,
  },
];

export function libraryQuery(id: string): LibraryQuery | undefined {
  return QUERY_LIBRARY.find((q) => q.id === id);
}
