/**
 * Joins a capture's MAPI requests (the client's view) with Exchange's log rows
 * (the server's view), per request:
 * 1. X-RequestId ↔ HttpProxy `R:`, MapiHttp `MapiRequestId`, MAPIMB `request-ids R:`;
 * 2. the session's MapiContext cookie ↔ MapiHttp `SessionCookie` / MAPIMB `C:`, with the request type and time;
 * 3. time and user as the fallback: same request type, same mailbox or X-ClientInfo, ends within 2 s.
 * Unmatched requests on both sides are listed; a client request inside the
 * logs' time span that no log row answers is a finding of its own.
 * Header and cookie meanings: [MS-OXCMAPIHTTP] 2.2.3.1 (X-RequestId, X-ClientInfo), 2.2.1 (cookies).
 */
import type { ExchangeFacts, SessionInfo } from '../session/types.js';

export type ServerTable = 'httpproxy' | 'mapihttp_mailbox' | 'mapimb';

/** One server log row, reduced to what correlation and the two-sided diagnoses read. */
export interface ServerRow {
  table: ServerTable;
  file: string;
  line: number;
  /** Row time, ms since the epoch (HttpProxy: the request's end). */
  time: number;
  requestId?: string;
  clientInfo?: string;
  requestType?: string;
  mapiContext?: string;
  /** Mailbox GUID@domain (HttpProxy mailboxId=, MapiHttp MailboxId). */
  mailbox?: string;
  user?: string;
  httpStatus?: number;
  /** Total time the server logged, ms (HttpProxy TotalRequestTime, MapiHttp TotalRequestLatency). */
  durationMs?: number;
  /** HttpProxy BackendProcessingLatency, ms. */
  backendMs?: number;
  /** MapiHttp ResponseCode/StatusCode when not 0, MAPIMB rpc-status when not 0. */
  mapiStatus?: string;
  /** GenericErrors text or MAPIMB failures. */
  errors?: string;
}

export type MatchKind = 'request-id' | 'session-cookie' | 'time-and-user';

export interface ExchangeMatch {
  exchangeId: number;
  by: MatchKind;
  rows: ServerRow[];
}

export interface Correlation {
  matches: ExchangeMatch[];
  /** MAPI requests inside the logs' time span that no row answers. */
  unmatchedClient: number[];
  /** MAPI requests outside the logs' time span (the logs cannot tell). */
  outsideLogs: number[];
  /** Rows of the capture's users/clients in the capture's time span that no request explains. */
  unmatchedServer: ServerRow[];
  logSpan?: { start: number; end: number };
}

const FALLBACK_MS = 2000;

/** `{GUID}:n` and `GUID:n` compare equal, case-insensitively. */
export function normalizeRequestId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return id.replace(/[{}]/g, '').toUpperCase();
}
const guidOf = (id: string | undefined) => normalizeRequestId(id)?.split(':')[0];

const isMapi = (f: ExchangeFacts) => f.endpoint === 'emsmdb' || f.endpoint === 'nspi';
const endOf = (f: ExchangeFacts) => f.responseEnd ?? f.responseHeaders ?? f.requestEnd ?? f.requestStart;

export function correlate(
  facts: readonly ExchangeFacts[],
  sessions: readonly SessionInfo[],
  rows: readonly ServerRow[],
): Correlation {
  const byId = new Map<string, ServerRow[]>();
  const byCookie = new Map<string, ServerRow[]>();
  for (const r of rows) {
    const id = normalizeRequestId(r.requestId);
    if (id) (byId.get(id) ?? byId.set(id, []).get(id)!).push(r);
    if (r.mapiContext) (byCookie.get(r.mapiContext) ?? byCookie.set(r.mapiContext, []).get(r.mapiContext)!).push(r);
  }
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  const used = new Set<ServerRow>();
  const matches: ExchangeMatch[] = [];
  const pending: ExchangeFacts[] = [];
  const mapi = facts.filter(isMapi);
  for (const f of mapi) {
    const id = normalizeRequestId(f.requestId);
    const hit = id ? byId.get(id) : undefined;
    if (hit?.length) {
      hit.forEach((r) => used.add(r));
      matches.push({ exchangeId: f.id, by: 'request-id', rows: hit });
      continue;
    }
    const s = f.session !== undefined ? sessionById.get(f.session) : undefined;
    const cookie = s?.contextCookies[0]?.value;
    const near = (r: ServerRow) =>
      !used.has(r) &&
      Math.abs(r.time - endOf(f)) <= FALLBACK_MS &&
      (!r.requestType || !f.requestType || r.requestType.toLowerCase() === f.requestType.toLowerCase());
    const byC = cookie ? (byCookie.get(cookie) ?? []).filter(near) : [];
    if (byC.length) {
      byC.forEach((r) => used.add(r));
      matches.push({ exchangeId: f.id, by: 'session-cookie', rows: byC });
      continue;
    }
    pending.push(f);
  }
  // Fallback: the nearest unused row of the same request type and the same mailbox or client instance.
  const mailboxes = new Set<string>();
  const clients = new Set<string>();
  const guids = new Set<string>();
  for (const s of sessions) {
    if (s.mailbox) mailboxes.add(s.mailbox.toLowerCase());
    const g = guidOf(s.clientInfo);
    if (g) clients.add(g);
  }
  for (const f of mapi) {
    const g = guidOf(f.requestId);
    if (g) guids.add(g);
  }
  const ours = (r: ServerRow) =>
    (r.mailbox !== undefined && mailboxes.has(r.mailbox.toLowerCase())) ||
    (r.clientInfo !== undefined && clients.has(guidOf(r.clientInfo)!)) ||
    (r.requestId !== undefined && guids.has(guidOf(r.requestId)!));
  const unmatchedClient: number[] = [];
  const outsideLogs: number[] = [];
  let logSpan: Correlation['logSpan'];
  for (const r of rows) {
    logSpan = logSpan
      ? { start: Math.min(logSpan.start, r.time), end: Math.max(logSpan.end, r.time) }
      : { start: r.time, end: r.time };
  }
  // Closest pairs first, so a request never takes the row that belongs to its neighbour.
  const pairs: { f: ExchangeFacts; r: ServerRow; d: number }[] = [];
  for (const f of pending) {
    const s = f.session !== undefined ? sessionById.get(f.session) : undefined;
    const mailbox = s?.mailbox?.toLowerCase();
    const client = guidOf(s?.clientInfo);
    for (const r of rows) {
      if (used.has(r)) continue;
      if (r.requestType && f.requestType && r.requestType.toLowerCase() !== f.requestType.toLowerCase()) continue;
      const sameUser =
        (mailbox !== undefined && r.mailbox?.toLowerCase() === mailbox) ||
        (client !== undefined && guidOf(r.clientInfo) === client);
      const d = Math.abs(r.time - endOf(f));
      if (sameUser && d <= FALLBACK_MS) pairs.push({ f, r, d });
    }
  }
  pairs.sort((a, b) => a.d - b.d || a.f.id - b.f.id);
  const matchedByTime = new Set<ExchangeFacts>();
  for (const p of pairs) {
    if (matchedByTime.has(p.f) || used.has(p.r)) continue;
    matchedByTime.add(p.f);
    used.add(p.r);
    matches.push({ exchangeId: p.f.id, by: 'time-and-user', rows: [p.r] });
  }
  for (const f of pending) {
    if (matchedByTime.has(f)) continue;
    if (logSpan && f.requestStart >= logSpan.start - FALLBACK_MS && endOf(f) <= logSpan.end + FALLBACK_MS)
      unmatchedClient.push(f.id);
    else outsideLogs.push(f.id);
  }
  const start = Math.min(...mapi.map((f) => f.requestStart)) - FALLBACK_MS;
  const end = Math.max(...mapi.map(endOf)) + FALLBACK_MS;
  const unmatchedServer = rows.filter((r) => !used.has(r) && r.time >= start && r.time <= end && ours(r));
  matches.sort((a, b) => a.exchangeId - b.exchangeId);
  return { matches, unmatchedClient, outsideLogs, unmatchedServer, ...(logSpan ? { logSpan } : {}) };
}
