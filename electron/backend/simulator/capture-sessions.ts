/**
 * Groups the MAPI exchanges of a capture into Session Contexts: a Connect/Bind
 * starts one (its Set-Cookie names the context cookie), later requests belong
 * to the context whose cookie they send. Cookie names are not fixed by the spec
 * ([MS-OXCMAPIHTTP] 2.2.3.2.3), so known names come first and the constant
 * cookie of a session otherwise.
 */
import { type Exchange, headerValue, headerValues, requestPath } from '../../../shared/capture/exchange.js';
import {
  type Endpoint,
  canonicalType,
  endpointOfPath,
  isCreateType,
  parseCookieHeader,
  parseSetCookie,
} from './wire.js';

const CONTEXT_NAMES = ['MapiContext', 'sid'];
const SEQUENCE_NAMES = ['MapiSequence', 'sequence'];

export interface CapturedSession {
  /** 1-based, in order of the creating request. */
  index: number;
  endpoint: Endpoint;
  contextCookieName: string;
  sequenceCookieName?: string;
  /** Context cookie values this session went by (usually one). */
  contextCookies: string[];
  /** Exchanges in capture order, the Connect/Bind first. */
  exchanges: Exchange[];
  /** Canonical request type per exchange, same order. */
  types: string[];
}

export interface CaptureSessions {
  sessions: CapturedSession[];
  /** MAPI exchanges that belong to no session (no cookie, or an unknown one). */
  orphans: Exchange[];
  /** Non-MAPI exchanges (Autodiscover, …). */
  other: Exchange[];
}

export function requestTypeOf(ex: Exchange): { endpoint: Endpoint; type: string } | undefined {
  const endpoint = endpointOfPath(requestPath(ex.request.url));
  const raw = headerValue(ex.request.headers, 'X-RequestType');
  if (!endpoint || !raw) return undefined;
  const type = canonicalType(endpoint, raw);
  return type ? { endpoint, type } : undefined;
}

export function setCookiesOf(ex: Exchange): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of ex.response ? headerValues(ex.response.headers, 'Set-Cookie') : []) {
    const c = parseSetCookie(v);
    if (c) out.set(c.name, c.value);
  }
  return out;
}

export function requestCookiesOf(ex: Exchange): Map<string, string> {
  return parseCookieHeader(headerValues(ex.request.headers, 'Cookie'));
}

export function extractSessions(exchanges: readonly Exchange[]): CaptureSessions {
  const sessions: CapturedSession[] = [];
  const byCookie = new Map<string, CapturedSession>();
  const orphans: Exchange[] = [];
  const other: Exchange[] = [];
  for (const ex of exchanges) {
    const rt = requestTypeOf(ex);
    if (!rt) {
      other.push(ex);
      continue;
    }
    const cookies = requestCookiesOf(ex);
    const set = setCookiesOf(ex);
    if (isCreateType(rt.type)) {
      const ctxName = CONTEXT_NAMES.find((n) => set.has(n)) ?? [...set.keys()][0];
      if (!ctxName) {
        orphans.push(ex); // a failed Connect: no context was created
        continue;
      }
      const seqName = SEQUENCE_NAMES.find((n) => set.has(n)) ?? [...set.keys()].find((n) => n !== ctxName);
      const s: CapturedSession = {
        index: sessions.length + 1,
        endpoint: rt.endpoint,
        contextCookieName: ctxName,
        ...(seqName ? { sequenceCookieName: seqName } : {}),
        contextCookies: [set.get(ctxName)!],
        exchanges: [ex],
        types: [rt.type],
      };
      sessions.push(s);
      byCookie.set(`${rt.endpoint}|${set.get(ctxName)}`, s);
      continue;
    }
    let s: CapturedSession | undefined;
    for (const [name, value] of cookies) {
      s = byCookie.get(`${rt.endpoint}|${value}`);
      if (s && s.contextCookieName === name) break;
      s = undefined;
    }
    if (!s) {
      orphans.push(ex);
      continue;
    }
    s.exchanges.push(ex);
    s.types.push(rt.type);
    // A context cookie the server changed mid-session still names this session.
    const nv = set.get(s.contextCookieName);
    if (nv !== undefined && !s.contextCookies.includes(nv)) {
      s.contextCookies.push(nv);
      byCookie.set(`${rt.endpoint}|${nv}`, s);
    }
  }
  return { sessions, orphans, other };
}
