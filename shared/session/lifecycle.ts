/**
 * A session's lifecycle: its exchanges, connections and addresses, idle expiry, drops,
 * Connect/Bind success or failure, context loss, Disconnect/Unbind, and the cookies each
 * response sets (context cookies bound for grouping, sequence cookie values recorded).
 */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeHead } from '../protocol/mapihttp/head.js';
import type { SessionGrouping } from './cookies.js';
import type { EventSink, Session } from './live-session.js';
import type { ExchangeFacts } from './types.js';

/** Per-exchange session bookkeeping: exchange list, connections, addresses, idle expiry, drops. */
export function touch(s: Session, ex: Exchange, f: ExchangeFacts, event: EventSink): void {
  const info = s.info;
  const t = ex.timings.requestStart;
  if (info.exchangeIds.length && info.expirationMs !== undefined && s.lastEnd > 0 && t - s.lastEnd > info.expirationMs)
    event(
      'idle-expired',
      `${Math.round((t - s.lastEnd) / 1000)} s idle since the last response, longer than X-ExpirationInfo ${info.expirationMs} ms: the server has likely dropped the context`,
    );
  if (s.lastDropped && s.lastConnection !== undefined && ex.connectionId !== s.lastConnection)
    event(
      'resumed-after-drop',
      `continued on connection ${ex.connectionId} after the previous request's connection ${s.lastConnection} dropped`,
    );
  const ip = ex.client?.address;
  if (ip && s.lastIp && ip !== s.lastIp) event('network-change', `client address changed from ${s.lastIp} to ${ip}`);
  info.exchangeIds.push(ex.id);
  if (!info.connections.includes(ex.connectionId)) info.connections.push(ex.connectionId);
  const c = f.client;
  if (c && !info.clientAddresses.includes(c)) info.clientAddresses.push(c);
  if (ip) s.lastIp = ip;
  s.lastConnection = ex.connectionId;
  s.lastDropped = !!ex.aborted || !ex.response;
  const end = ex.timings.responseEnd ?? ex.timings.responseHeaders ?? t;
  if (end > info.end) info.end = end;
  s.lastEnd = Math.max(s.lastEnd, end);
}

/** Learns cookies and lifecycle from the response. */
export function applyResponse(
  grouping: SessionGrouping,
  s: Session,
  ex: Exchange,
  head: ExchangeHead,
  f: ExchangeFacts,
  event: EventSink,
): void {
  const info = s.info;
  const type = head.requestType;
  if (!ex.response) {
    event(
      'dropped',
      `no response: ${ex.aborted ? `${ex.aborted.kind} (${ex.aborted.message})` : 'the capture ended or the connection closed first'}`,
    );
    return;
  }
  if (ex.aborted) event('dropped', `response cut off: ${ex.aborted.kind} (${ex.aborted.message})`);
  const opens = type === 'Connect' || type === 'Bind';
  const code = f.responseCode;
  const ok =
    ex.response.statusCode === 200 &&
    code === 0 &&
    (f.statusCode === undefined || f.statusCode === 0) &&
    (f.errorCode === undefined || f.errorCode === 0);
  if (f.serverApplication && !info.serverApplication) info.serverApplication = f.serverApplication;
  if (f.expirationMs !== undefined) info.expirationMs = f.expirationMs;
  if (f.pendingPeriodMs !== undefined) info.pendingPeriodMs = f.pendingPeriodMs;
  const sets = head.setCookies;
  for (let i = 0; i < sets.length; i++) {
    const c = sets[i]!;
    const lower = c.name.toLowerCase();
    if (!info.cookieNames.includes(c.name)) info.cookieNames.push(c.name);
    let role = grouping.roles.get(lower) ?? head.setCookieRoles[i]!;
    // A "context" cookie whose value changes between responses of one session is a sequence cookie.
    if (
      !opens &&
      role === 'context' &&
      info.contextCookies.some((x) => x.name.toLowerCase() === lower && x.value !== c.value) &&
      type !== 'Disconnect' &&
      type !== 'Unbind'
    )
      role = 'sequence';
    if (opens && ok && role !== 'affinity') grouping.roles.set(lower, role);
    if (role === 'context') {
      if (opens || info.startedMidSession || !info.contextCookies.length) grouping.bindContext(s, c);
    } else if (role === 'sequence') {
      info.sequenceCookie = c.name;
      const time = ex.timings.responseHeaders ?? ex.timings.responseEnd ?? ex.timings.requestStart;
      const last = s.sequences[s.sequences.length - 1];
      if (!last || last.value !== c.value) s.sequences.push({ value: c.value, time, exchangeId: ex.id });
    }
  }
  if (opens) {
    if (ok && sets.length) {
      if (info.reconnectOf !== undefined)
        event('reconnect', `${type} with the cookies of session ${info.reconnectOf}: new context`);
      else
        event(
          type === 'Bind' ? 'bind' : 'connect',
          `${type} succeeded${info.expirationMs !== undefined ? `, context expires after ${info.expirationMs} ms idle` : ''}`,
        );
    } else {
      info.state = 'failed';
      event(
        'connect-failed',
        `${type} failed (HTTP ${ex.response.statusCode}, X-ResponseCode ${code ?? 'none'}${f.statusCode ? `, StatusCode 0x${f.statusCode.toString(16)}` : ''}${ok && !sets.length ? ', no Set-Cookie' : ''})`,
      );
    }
    return;
  }
  if (code === 6 || code === 10 || code === 13) {
    info.state = 'lost';
    event('context-lost', `X-ResponseCode ${code}: the server no longer accepts this session context`);
  } else if (code === 15) event('sequence-error', 'X-ResponseCode 15 (Invalid Sequence)');
  if ((type === 'Disconnect' || type === 'Unbind') && ok) {
    info.state = 'closed';
    event(type === 'Unbind' ? 'unbind' : 'disconnect', `${type} succeeded: the context is gone`);
  }
}
