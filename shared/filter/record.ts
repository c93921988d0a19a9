/**
 * The exchange-level fields: what the list row (ExchangeSummary), the HTTP
 * heads, the transport facts and the session model know about an exchange,
 * each read from that one place. The decoded fields (bodies, ROPs, AUX,
 * properties) come from the definitions instead (registry.ts, extract.ts).
 * Getters read the list row first and the session model's facts where the
 * row has nothing, so the UI can evaluate the `summary` layer on rows alone.
 */
import type { ExchangeSummary } from '../capture/summary.js';
import type { RawHeader } from '../capture/exchange.js';
import { RESPONSE_CODE_NAMES, NSPI_REQUEST_TYPES, EMSMDB_REQUEST_TYPES } from '../protocol/mapihttp/request-types.js';
import type { ExchangeFacts, SessionInfo } from '../session/types.js';
import type { FieldInfo } from './types.js';

/** What the exchange-level getters read. Each part is optional: a field whose source is missing has no value. */
/** What the exchange-level fields read; each part may be unknown to the caller. */
export interface ExchangeRecord {
  summary?: ExchangeSummary | undefined;
  facts?: ExchangeFacts | undefined;
  session?: SessionInfo | undefined;
  headers?: { request: readonly RawHeader[]; response?: readonly RawHeader[] | undefined } | undefined;
}

export interface RecordField extends FieldInfo {
  get(r: ExchangeRecord): unknown;
}

const list = <T>(v: readonly T[] | undefined): readonly T[] | undefined => (v && v.length ? v : undefined);

function durationOf(r: ExchangeRecord): number | undefined {
  if (r.summary?.durationMs !== undefined) return r.summary.durationMs;
  const f = r.facts;
  return f?.responseEnd !== undefined ? f.responseEnd - f.requestStart : undefined;
}

const LIFECYCLE = [
  'connect',
  'bind',
  'reconnect',
  'connect-failed',
  'replaced',
  'disconnect',
  'unbind',
  'context-lost',
  'sequence-error',
  'idle-expired',
  'dropped',
  'resumed-after-drop',
  'network-change',
  'used-after-close',
  'mid-session-start',
] as const satisfies readonly SessionInfo['events'][number]['kind'][];

export const RECORD_FIELDS: readonly RecordField[] = [
  {
    name: 'id',
    type: 'number',
    layer: 'summary',
    description: 'exchange number',
    get: (r) => r.summary?.id ?? r.facts?.id,
  },
  {
    name: 'mapi.type',
    aliases: ['type', 'rt'],
    type: 'string',
    layer: 'summary',
    description: 'X-RequestType ([MS-OXCMAPIHTTP] 2.2.3.1.1)',
    values: [...EMSMDB_REQUEST_TYPES, ...NSPI_REQUEST_TYPES],
    get: (r) => r.summary?.requestType ?? r.facts?.requestType,
  },
  {
    name: 'rop',
    type: 'rop',
    layer: 'summary',
    description: 'a ROP in the Execute request',
    get: (r) => list(r.summary?.rops) ?? list(r.facts?.ropNames),
  },
  {
    name: 'mapi.responseCode',
    aliases: ['code', 'responsecode'],
    type: 'enum',
    names: RESPONSE_CODE_NAMES,
    layer: 'summary',
    description: 'final X-ResponseCode ([MS-OXCMAPIHTTP] 2.2.3.3.3)',
    get: (r) => r.summary?.responseCode ?? r.facts?.responseCode,
  },
  {
    name: 'http.status',
    aliases: ['status', 'http'],
    type: 'number',
    layer: 'summary',
    description: 'HTTP status code',
    get: (r) => r.summary?.status ?? r.facts?.status,
  },
  {
    name: 'session',
    type: 'number',
    layer: 'summary',
    description: 'MAPI session number (session model)',
    get: (r) => r.summary?.session ?? r.facts?.session,
  },
  {
    name: 'latency',
    aliases: ['duration', 'time'],
    type: 'duration',
    layer: 'summary',
    description: 'request start to response end',
    get: durationOf,
  },
  {
    name: 'mapi.endpoint',
    aliases: ['endpoint', 'ep'],
    type: 'string',
    layer: 'summary',
    description: 'emsmdb, nspi, autodiscover, rpcproxy, other',
    values: ['emsmdb', 'nspi', 'autodiscover', 'rpcproxy', 'other'],
    get: (r) => r.summary?.endpoint ?? r.facts?.endpoint,
  },
  {
    name: 'http.method',
    aliases: ['method'],
    type: 'string',
    layer: 'summary',
    description: 'HTTP method',
    get: (r) => r.summary?.method ?? r.facts?.method,
  },
  {
    name: 'http.url',
    aliases: ['url'],
    type: 'string',
    layer: 'summary',
    description: 'request target',
    get: (r) => r.summary?.url ?? r.facts?.url,
  },
  {
    name: 'http.host',
    aliases: ['host'],
    type: 'string',
    layer: 'summary',
    description: 'Host header',
    get: (r) => r.summary?.host,
  },
  {
    name: 'http.connection',
    aliases: ['conn', 'connection'],
    type: 'number',
    layer: 'summary',
    description: 'client TCP connection id',
    get: (r) => r.summary?.connectionId ?? r.facts?.connectionId,
  },
  {
    name: 'http.time',
    type: 'time',
    layer: 'summary',
    description: 'request start (compare with an ISO time, e.g. 2026-11-22T11:24:11Z)',
    get: (r) => r.summary?.time ?? r.facts?.requestStart,
  },
  {
    name: 'http.request.size',
    aliases: ['req'],
    type: 'size',
    layer: 'summary',
    description: 'request body size',
    get: (r) => r.summary?.requestBytes,
  },
  {
    name: 'http.response.size',
    aliases: ['resp'],
    type: 'size',
    layer: 'summary',
    description: 'response body size',
    get: (r) => r.summary?.responseBytes,
  },
  {
    name: 'http.aborted',
    aliases: ['aborted'],
    type: 'bool',
    layer: 'summary',
    description: 'connection reset or closed mid-exchange',
    get: (r) => (r.summary ? r.summary.aborted !== undefined : r.facts ? r.facts.aborted !== undefined : undefined),
  },
  {
    name: 'finding.severity',
    aliases: ['severity', 'finding'],
    type: 'string',
    layer: 'summary',
    description: 'highest finding severity',
    values: ['error', 'warning', 'info'],
    get: (r) => r.summary?.severity,
  },
  {
    name: 'mapi.clientInfo',
    aliases: ['client'],
    type: 'string',
    layer: 'summary',
    description: 'X-ClientInfo',
    get: (r) => r.summary?.clientInfo,
  },
  // Transport facts of the session model.
  {
    name: 'mapi.requestId',
    type: 'string',
    layer: 'mapi',
    description: 'X-RequestId as sent (GUID:counter)',
    get: (r) => r.facts?.requestId,
  },
  {
    name: 'mapi.cookieCheck',
    type: 'string',
    layer: 'mapi',
    description: 'session cookies the request carried, checked against what the server set',
    values: ['ok', 'not-applicable', 'context-missing', 'sequence-missing', 'sequence-stale', 'sequence-unknown'],
    get: (r) => r.facts?.cookieCheck,
  },
  {
    name: 'mapi.statusCode',
    type: 'number',
    layer: 'mapi',
    description: 'StatusCode of the response body',
    get: (r) => r.facts?.statusCode,
  },
  {
    name: 'mapi.errorCode',
    type: 'error',
    layer: 'mapi',
    description: 'ErrorCode of the response body',
    get: (r) => r.facts?.errorCode,
  },
  {
    name: 'mapi.elapsedTime',
    type: 'duration',
    layer: 'mapi',
    description: 'X-ElapsedTime the server reported',
    get: (r) => r.facts?.elapsedMs,
  },
  {
    name: 'mapi.metaTag',
    type: 'string',
    layer: 'mapi',
    description: 'a meta-tag of the response stream (PROCESSING, PENDING, DONE)',
    values: ['PROCESSING', 'PENDING', 'DONE'],
    get: (r) => list(r.facts?.metaTags?.map((m) => m.tag)),
  },
  {
    name: 'mapi.complete',
    type: 'bool',
    layer: 'mapi',
    description: 'the response stream reached DONE and the body',
    get: (r) => r.facts?.responseComplete,
  },
  {
    name: 'mapi.clientApplication',
    type: 'string',
    layer: 'mapi',
    description: 'X-ClientApplication',
    get: (r) => r.facts?.clientApplication,
  },
  {
    name: 'mapi.serverApplication',
    type: 'string',
    layer: 'mapi',
    description: 'X-ServerApplication',
    get: (r) => r.facts?.serverApplication,
  },
  { name: 'mapi.userAgent', type: 'string', layer: 'mapi', description: 'User-Agent', get: (r) => r.facts?.userAgent },
  {
    name: 'mapi.ropCount',
    type: 'number',
    layer: 'mapi',
    description: 'ROPs in the Execute request',
    get: (r) => r.facts?.ropCount,
  },
  {
    name: 'mapi.ropError',
    type: 'error',
    layer: 'mapi',
    description: 'ReturnValue of a ROP that failed in this exchange',
    get: (r) => list(r.facts?.ropErrors?.map((e) => e.returnValue)),
  },
  {
    name: 'mapi.handleStatus',
    type: 'string',
    layer: 'mapi',
    description: 'a handle the request uses: known, released, unknown, same-request',
    values: ['known', 'released', 'unknown', 'same-request'],
    get: (r) => list(r.facts?.handleRefs?.map((h) => h.status)),
  },
  {
    name: 'mapi.decodeErrors',
    type: 'number',
    layer: 'mapi',
    description: 'decode errors in this exchange',
    get: (r) => r.facts?.decodeErrors,
  },
  // The session the exchange belongs to.
  {
    name: 'session.state',
    type: 'string',
    layer: 'session',
    description: 'how the session ended: open, closed, lost, replaced, failed',
    values: ['open', 'closed', 'lost', 'replaced', 'failed'],
    get: (r) => r.session?.state,
  },
  {
    name: 'session.expired',
    type: 'bool',
    layer: 'session',
    description: 'sent after the session context had expired (idle past X-ExpirationInfo) or was lost',
    get: (r) => {
      const s = r.session;
      const id = r.facts?.id ?? r.summary?.id;
      if (!s || id === undefined) return undefined;
      const at = s.exchangeIds.indexOf(id);
      return s.events.some(
        (e) => (e.kind === 'idle-expired' || e.kind === 'context-lost') && s.exchangeIds.indexOf(e.exchangeId) <= at,
      );
    },
  },
  {
    name: 'session.event',
    type: 'string',
    layer: 'session',
    description: 'a lifecycle event at this exchange',
    values: LIFECYCLE,
    get: (r) => {
      const id = r.facts?.id ?? r.summary?.id;
      return list(r.session?.events.filter((e) => e.exchangeId === id).map((e) => e.kind));
    },
  },
  {
    name: 'session.reconnects',
    type: 'number',
    layer: 'session',
    description: 'sessions this one re-established in a chain',
    get: (r) => r.session?.reconnects,
  },
  {
    name: 'session.midSession',
    type: 'bool',
    layer: 'session',
    description: 'the capture has no Connect/Bind for this session',
    get: (r) => r.session?.startedMidSession,
  },
  {
    name: 'session.mailbox',
    type: 'string',
    layer: 'session',
    description: 'MailboxId of the session',
    get: (r) => r.session?.mailbox,
  },
  {
    name: 'session.clientApplication',
    type: 'string',
    layer: 'session',
    description: 'X-ClientApplication of the session',
    get: (r) => r.session?.clientApplication,
  },
  {
    name: 'session.endpoint',
    type: 'string',
    layer: 'session',
    description: 'emsmdb or nspi',
    values: ['emsmdb', 'nspi'],
    get: (r) => r.session?.endpoint,
  },
];

export const RECORD_FIELD_BY_NAME: ReadonlyMap<string, RecordField> = new Map(RECORD_FIELDS.map((f) => [f.name, f]));

/** HTTP header families: `http.header["X"]` (either head), `http.request.header["X"]`, `http.response.header["X"]`. */
export function headerValues(r: ExchangeRecord, side: 'request' | 'response' | 'any', name: string): string[] {
  const out: string[] = [];
  const h = r.headers;
  if (!h) return out;
  const lower = name.toLowerCase();
  const from = (hs: readonly RawHeader[] | undefined) => {
    if (hs) for (const x of hs) if (x.name.toLowerCase() === lower) out.push(x.value);
  };
  if (side !== 'response') from(h.request);
  if (side !== 'request') from(h.response);
  return out;
}

/** Request cookies (`http.cookie["name"]`) and cookies the response set (`http.setCookie["name"]`). */
export function cookieValues(r: ExchangeRecord, side: 'request' | 'response', name: string): string[] {
  const out: string[] = [];
  const lower = name.toLowerCase();
  for (const v of headerValues(r, side, side === 'request' ? 'Cookie' : 'Set-Cookie')) {
    const parts = side === 'request' ? v.split(';') : [v.split(';')[0]!];
    for (const p of parts) {
      const eq = p.indexOf('=');
      if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === lower) out.push(p.slice(eq + 1).trim());
    }
  }
  return out;
}
