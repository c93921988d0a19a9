/**
 * SQL that turns one staged group of log rows (all VARCHAR, prefixed with file
 * id and line) into typed rows of its kind's table: the files' own columns
 * typed by name, plus derived columns with names of their own.
 * Value formats: shared/logs/FORMATS.md.
 */
import { LOG_KIND_INFO, type ColumnType, type LogKind } from '../../../shared/logs/kinds.js';
import { ropsById } from '../../../shared/protocol/rops/registry.js';

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Columns every kind table has first: where the row came from. */
export const PROVENANCE_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'source_file', type: 'VARCHAR' },
  { name: 'source_line', type: 'BIGINT' },
];

export interface DerivedColumn {
  name: string;
  type: string;
  description: string;
  /** SQL over the raw (VARCHAR) columns; `has(name)` tells whether this group's fields include one. */
  sql(has: (f: string) => boolean): string | undefined;
}

/** `tag:` value in a `sep`-separated list (`R:` of ClientRequestId, `C:` of session-cookie), NULL when absent or `<null>`. */
function tagged(col: string, tag: string, sep: string): string {
  const re = `(?:^|${sep === '|' ? '\\|' : sep})${tag}:([^${sep === '|' ? '|' : sep}]*)`;
  return `NULLIF(NULLIF(regexp_extract(${ident(col)}, ${literal(re)}, 1), ''), '<null>')`;
}

/**
 * `k=v;k=v;` as MAP(VARCHAR, VARCHAR). The first occurrence of a key wins (MAP keys
 * are unique); items without `=` map their text to ''.
 */
function keyValues(col: string): string {
  const entries =
    `list_transform(list_filter(string_split(${ident(col)}, ';'), x -> x <> ''), ` +
    `x -> {'key': CASE WHEN strpos(x, '=') > 0 THEN x[1:strpos(x, '=') - 1] ELSE x END, ` +
    `'value': CASE WHEN strpos(x, '=') > 0 THEN x[strpos(x, '=') + 1:] ELSE '' END})`;
  const dedup = `list_transform([${entries}], l -> map_from_entries(list_filter(l, (e, i) -> list_position(list_transform(l, y -> y.key), e.key) = i)))[1]`;
  return `CASE WHEN ${ident(col)} IS NULL THEN NULL ELSE COALESCE(TRY(map_from_entries(${entries})), ${dedup}) END`;
}

/** `TimeSpan.ToString()` text (`hh:mm:ss.fffffff`) or a plain number, in ms. */
function timeSpanMs(col: string): string {
  const c = ident(col);
  return `CASE WHEN strpos(${c}, ':') > 0 THEN epoch(TRY_CAST(${c} AS INTERVAL)) * 1000 ELSE TRY_CAST(${c} AS DOUBLE) END`;
}

const ROP_NAME_MAP = (() => {
  const ids = [...ropsById.keys()].sort((a, b) => a - b);
  return `MAP([${ids.join(',')}], [${ids.map((i) => literal(ropsById.get(i)!.name)).join(',')}])`;
})();

/** MapiHttp `RopIds` (`>[5]<[79](NotFound)`) as a list of {dir, id, name, error}. */
function ropList(col: string): string {
  const tok = `regexp_extract_all(${ident(col)}, '[<>]\\[\\d+\\](?:\\([^)]*\\))?')`;
  return (
    `list_transform(${tok}, t -> {'dir': t[1], 'id': TRY_CAST(regexp_extract(t, '\\[(\\d+)\\]', 1) AS INTEGER), ` +
    `'name': COALESCE(${ROP_NAME_MAP}[TRY_CAST(regexp_extract(t, '\\[(\\d+)\\]', 1) AS INTEGER)], ` +
    `printf('Rop0x%02X', TRY_CAST(regexp_extract(t, '\\[(\\d+)\\]', 1) AS INTEGER))), ` +
    `'error': NULLIF(regexp_extract(t, '\\(([^)]*)\\)', 1), '')})`
  );
}

const ROP_TYPE = 'STRUCT(dir VARCHAR, id INTEGER, name VARCHAR, error VARCHAR)[]';
const KV = 'MAP(VARCHAR, VARCHAR)';

const from =
  (col: string, expr: (c: string) => string) =>
  (has: (f: string) => boolean): string | undefined =>
    has(col) ? expr(col) : undefined;
const copy = (col: string, type: ColumnType | 'VARCHAR' = 'VARCHAR') =>
  from(col, (c) => (type === 'VARCHAR' ? `NULLIF(${ident(c)}, '<null>')` : `TRY_CAST(${ident(c)} AS ${type})`));

const LOG_TIME = (col: string): DerivedColumn => ({
  name: 'log_time',
  type: 'TIMESTAMP',
  description: `the row's time (UTC), from ${col}`,
  sql: copy(col, 'TIMESTAMP'),
});

/** A VARCHAR column: the `tag:` item of `col`, whose items are separated by `sep`. */
const TAGGED = (name: string, description: string, col: string, tag: string, sep: string): DerivedColumn => ({
  name,
  type: 'VARCHAR',
  description,
  sql: from(col, (c) => tagged(c, tag, sep)),
});

export const DERIVED: Readonly<Record<LogKind, readonly DerivedColumn[]>> = {
  httpproxy: [
    LOG_TIME('DateTime'),
    TAGGED('x_request_id', 'X-RequestId (R: of ClientRequestId)', 'ClientRequestId', 'R', ';'),
    TAGGED('x_request_type', 'X-RequestType (RT:)', 'ClientRequestId', 'RT', ';'),
    TAGGED('x_client_info', 'X-ClientInfo (CI:)', 'ClientRequestId', 'CI', ';'),
    TAGGED('client_request_guid', 'CID: of ClientRequestId', 'ClientRequestId', 'CID', ';'),
    {
      name: 'fe_activity_id',
      type: 'VARCHAR',
      description: 'front-end ActivityId (RequestId)',
      sql: copy('RequestId'),
    },
    { name: 'user_name', type: 'VARCHAR', description: 'AuthenticatedUser', sql: copy('AuthenticatedUser') },
    { name: 'client_ip', type: 'VARCHAR', description: 'ClientIpAddress', sql: copy('ClientIpAddress') },
    {
      name: 'mailbox_id',
      type: 'VARCHAR',
      description: 'mailboxId= of UrlQuery',
      sql: from('UrlQuery', (c) => `NULLIF(regexp_extract(${ident(c)}, '(?i)[?&]mailboxId=([^&]*)', 1), '')`),
    },
    {
      name: 'duration_ms',
      type: 'DOUBLE',
      description: 'TotalRequestTime (ms)',
      sql: copy('TotalRequestTime', 'DOUBLE'),
    },
    { name: 'generic_info', type: KV, description: 'GenericInfo items', sql: from('GenericInfo', keyValues) },
    { name: 'generic_errors', type: KV, description: 'GenericErrors items', sql: from('GenericErrors', keyValues) },
    {
      name: 'backend_generic_info',
      type: KV,
      description: 'BackEndGenericInfo items',
      sql: from('BackEndGenericInfo', keyValues),
    },
  ],
  mapimb: rcaDerived(),
  rca: rcaDerived(),
  mapiab: [
    LOG_TIME('date-time'),
    { name: 'user_name', type: 'VARCHAR', description: 'client-name', sql: copy('client-name') },
    { name: 'client_ip', type: 'VARCHAR', description: 'client-ip', sql: copy('client-ip') },
    {
      name: 'duration_ms',
      type: 'DOUBLE',
      description: 'processing-time in ms',
      sql: from('processing-time', timeSpanMs),
    },
  ],
  mapihttp_mailbox: [
    LOG_TIME('DateTime'),
    { name: 'x_request_id', type: 'VARCHAR', description: 'X-RequestId (MapiRequestId)', sql: copy('MapiRequestId') },
    { name: 'x_request_type', type: 'VARCHAR', description: 'X-RequestType (RequestType)', sql: copy('RequestType') },
    {
      name: 'x_client_info',
      type: 'VARCHAR',
      description: 'X-ClientInfo (MapiClientInfo)',
      sql: copy('MapiClientInfo'),
    },
    { name: 'fe_activity_id', type: 'VARCHAR', description: 'RequestId', sql: copy('RequestId') },
    {
      name: 'mapi_context',
      type: 'VARCHAR',
      description: 'MapiContext cookie (SessionCookie)',
      sql: copy('SessionCookie'),
    },
    {
      name: 'mapi_sequence',
      type: 'VARCHAR',
      description: 'MapiSequence cookie (SequenceCookie)',
      sql: copy('SequenceCookie'),
    },
    {
      name: 'user_name',
      type: 'VARCHAR',
      description: 'AuthenticatedUserEmail (DOMAIN\\user)',
      sql: copy('AuthenticatedUserEmail'),
    },
    { name: 'client_ip', type: 'VARCHAR', description: 'ClientIP', sql: copy('ClientIP') },
    {
      name: 'duration_ms',
      type: 'DOUBLE',
      description: 'TotalRequestLatency (ms)',
      sql: copy('TotalRequestLatency', 'DOUBLE'),
    },
    { name: 'rops', type: ROP_TYPE, description: 'RopIds as {dir, id, name, error}', sql: from('RopIds', ropList) },
    { name: 'generic_info', type: KV, description: 'GenericInfo items', sql: from('GenericInfo', keyValues) },
    { name: 'generic_errors', type: KV, description: 'GenericErrors items', sql: from('GenericErrors', keyValues) },
  ],
};

function rcaDerived(): DerivedColumn[] {
  return [
    LOG_TIME('date-time'),
    TAGGED('x_request_id', 'X-RequestId (R: of request-ids)', 'request-ids', 'R', '|'),
    TAGGED('fe_activity_id', 'front-end ActivityId (A: of request-ids)', 'request-ids', 'A', '|'),
    TAGGED('front_end', 'front-end server (FE: of request-ids)', 'request-ids', 'FE', '|'),
    TAGGED('mapi_context', 'MapiContext cookie (C: of session-cookie)', 'session-cookie', 'C', '|'),
    TAGGED('mapi_sequence', 'MapiSequence cookie (S: of session-cookie)', 'session-cookie', 'S', '|'),
    { name: 'user_name', type: 'VARCHAR', description: 'client-name', sql: copy('client-name') },
    { name: 'client_ip', type: 'VARCHAR', description: 'client-ip', sql: copy('client-ip') },
    {
      name: 'duration_ms',
      type: 'DOUBLE',
      description: 'processing-time in ms',
      sql: from('processing-time', timeSpanMs),
    },
    { name: 'performance', type: KV, description: 'performance-data items', sql: from('performance-data', keyValues) },
  ];
}

/** The stored type of one of the files' own columns. */
export function columnSqlType(kind: LogKind, name: string): ColumnType {
  return LOG_KIND_INFO[kind].columnType(name);
}

/** Stored rows of a kind live in `raw_<kind>`; the view named after the kind adds the derived columns. */
export const rawTable = (kind: LogKind): string => `raw_${kind}`;

/** The stored table's first columns (the files' columns are added as groups arrive, then `untyped_values`). */
export function baseTableColumns(): { name: string; type: string }[] {
  return [...PROVENANCE_COLUMNS, { name: 'untyped_values', type: KV }];
}

/**
 * The kind's view: every stored column, then the derived ones, computed when a
 * query reads them (parsing GenericInfo into a MAP costs more than storing the
 * whole row, so the import does not pay for columns a query never reads).
 */
export function kindView(kind: LogKind, storedColumns: ReadonlySet<string>): string {
  const has = (f: string) => storedColumns.has(f);
  const derived = DERIVED[kind]
    .map((d) => {
      const e = d.sql(has);
      return `${e ?? `NULL::${d.type}`} AS ${ident(d.name)}`;
    })
    .join(',\n  ');
  return `CREATE OR REPLACE VIEW ${kind} AS SELECT *,\n  ${derived}\nFROM ${rawTable(kind)}`;
}

/**
 * SELECT list for one staged group: provenance, every field typed, and
 * `untyped_values` (a MAP of the fields whose text did not fit the column type,
 * so nothing is lost).
 */
export function groupSelect(kind: LogKind, fields: readonly string[]): string {
  const parts = ['f.path AS source_file', 's."_line"::BIGINT AS source_line'];
  const misfits: string[] = [];
  for (const f of fields) {
    const t = columnSqlType(kind, f);
    if (t === 'VARCHAR') parts.push(`${ident(f)}`);
    else {
      parts.push(`TRY_CAST(${ident(f)} AS ${t}) AS ${ident(f)}`);
      misfits.push(
        `CASE WHEN ${ident(f)} IS NOT NULL AND TRY_CAST(${ident(f)} AS ${t}) IS NULL THEN {'key': ${literal(f)}, 'value': ${ident(f)}} END`,
      );
    }
  }
  if (misfits.length)
    parts.push(
      `CASE WHEN ${misfits.map((m) => `(${m}) IS NOT NULL`).join(' OR ')} THEN map_from_entries(list_filter([${misfits.join(', ')}], e -> e IS NOT NULL)) END AS untyped_values`,
    );
  return parts.join(',\n  ');
}

/** SELECT list for a staged group the reader has typed: provenance and every field as read. */
export function typedGroupSelect(fields: readonly string[]): string {
  return ['f.path AS source_file', 's."_line" AS source_line', ...fields.map(ident)].join(',\n  ');
}
