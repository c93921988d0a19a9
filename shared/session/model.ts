/**
 * The session model: one incremental forward pass over a capture (fed from a
 * file or live, exchange by exchange). It groups exchanges into MAPI sessions
 * by the session-context cookies Connect/Bind set (names learned from
 * Set-Cookie, since servers differ: MapiContext/MapiSequence, sid/sequence),
 * with MailboxId and X-ClientInfo as secondary keys; follows the sequence
 * cookie from response to request; and keeps, per session, the ROP state the
 * decoders need (logons, handles and their life, table columns, named
 * properties, FastTransfer, subscriptions, RopBufferTooSmall).
 *
 * Each exchange is decoded once, inside the pass, with the session as it was
 * just before it (`SessionView`). The decode is cached (bounded LRU) and the
 * small facts are kept for every exchange, so showing an exchange is a
 * lookup, and decoding it again later gives the same result because the
 * state is versioned, not overwritten.
 *
 * Raw stays raw: the decoders never see the model's conclusions, only the
 * context they ask for; what the model adds (handle origins, cookie checks,
 * lifecycle) sits next to the decode in `ExchangeFacts`.
 */
import type { DecodeContext } from '../codec/index.js';
import { type Exchange, headerValue, headerValues } from '../capture/exchange.js';
import { type ExchangeDecode, canonicalRequestType, decodeExchange, endpointOf } from '../protocol/decode-exchange.js';
import { COOKIE_ROLES, requestCookies } from '../protocol/mapihttp/headers.js';
import { parseResponseCode } from '../protocol/mapihttp/request-types.js';
import {
  FX_BUFFER_ROPS,
  INVALID_HANDLE,
  ROP,
  backoffOf,
  emsmdbStatus,
  executeRops,
  expectsResponse,
  fxCarryAfter,
  maxRopOutOf,
  namedPairs,
  notificationHandleOf,
  objectKind,
  sizeNeededOf,
  tagsOf,
  transferBufferSizeOf,
  transferStatusOf,
} from './rop-values.js';
import { annotateHandles } from './annotate.js';
import { RopState, SessionView, latest } from './state.js';
import { messageCodePage } from '../protocol/rops/context.js';
import { kindOfOpener, openerText } from '../protocol/rops/fasttransfer-kind.js';
import type {
  CookieCheck,
  CookieRef,
  ExchangeContext,
  ExchangeFacts,
  HandleRecord,
  HandleRef,
  LifecycleEvent,
  LifecycleKind,
  RopOrigin,
  SessionInfo,
  UnansweredRop,
} from './types.js';

export interface SessionModelOptions {
  /** Decoded exchanges kept whole (trees); facts are kept for all. Default 64. */
  cacheSize?: number;
  /** Decode with trees in the pass itself (for a caller that reads every tree once, e.g. the name finder). */
  trees?: boolean;
  /**
   * Called for every exchange after the pass has decoded it (values only, with
   * the session as it was before it), e.g. to index its field values.
   */
  onDecoded?: (ex: Exchange, d: ExchangeDecode | undefined, view: SessionView | undefined) => void;
}

/** One row of a session's timeline (`sessions.get`). */
export interface TimelineItem {
  exchangeId: number;
  requestType?: string;
  time: number;
  end?: number;
  connectionId: number;
  client?: string;
  status?: number;
  responseCode?: number;
  aborted?: string;
  cookieCheck: CookieCheck;
  events: LifecycleEvent[];
}

type CookieRole = 'context' | 'sequence' | 'affinity';

const NO_NAMES: string[] = [];
const TRANSFER_STATUS: Readonly<Record<number, string>> = { 0: 'Error', 1: 'Partial', 2: 'NoRoom', 3: 'Done' };

const roleCache = new Map<string, CookieRole>();

/** What a cookie name is used for: known names first, then the name's shape. */
export function cookieRoleOf(name: string): CookieRole {
  let r = roleCache.get(name);
  if (r === undefined) {
    r = cookieRoleByName(name);
    if (roleCache.size < 1000) roleCache.set(name, r);
  }
  return r;
}

function cookieRoleByName(name: string): CookieRole {
  const known = COOKIE_ROLES[name.toLowerCase()];
  if (known)
    return known.startsWith('sequence') ? 'sequence' : known.startsWith('session context') ? 'context' : 'affinity';
  if (/seq/i.test(name)) return 'sequence';
  if (/rout|backend|affinity|^x-/i.test(name)) return 'affinity';
  return 'context';
}

interface SeqSet {
  value: string;
  /** When the client could first have seen it (response headers). */
  time: number;
  exchangeId: number;
}

class Session {
  readonly rop = new RopState();
  readonly sequences: SeqSet[] = [];
  lastEnd = 0;
  lastConnection?: number;
  lastIp?: string;
  lastDropped = false;
  constructor(readonly info: SessionInfo) {}
}

function clientText(ex: Exchange): string | undefined {
  return ex.client ? `${ex.client.address}:${ex.client.port}` : undefined;
}

function mailboxOf(url: string): string | undefined {
  const m = /[?&]mailboxid=([^&#]*)/i.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

function ntlmType(token: string): number | undefined {
  try {
    const bin = atob(token.trim());
    if (!bin.startsWith('NTLMSSP\0') || bin.length < 12) return undefined;
    return bin.charCodeAt(8) | (bin.charCodeAt(9) << 8);
  } catch {
    return undefined;
  }
}

/** Keeps one copy of strings that repeat across exchanges (cookie names, client addresses). */
class Interner {
  private m = new Map<string, string>();
  get(s: string): string {
    const hit = this.m.get(s);
    if (hit !== undefined) return hit;
    if (this.m.size < 50_000) this.m.set(s, s);
    return s;
  }
}

export class SessionModel {
  private readonly strings = new Interner();
  private readonly list: Session[] = [];
  private readonly byContext = new Map<string, Session>();
  private readonly factsList: ExchangeFacts[] = [];
  /** Only when ids arrive out of order; otherwise facts are found by binary search on `factsList`. */
  private factsById?: Map<number, ExchangeFacts>;
  private readonly cache = new Map<number, ExchangeDecode>();
  private readonly cacheSize: number;
  private readonly trees: boolean;
  private readonly onDecoded: SessionModelOptions['onDecoded'];
  /** Cookie names seen as context / sequence cookies on Connect/Bind responses. */
  private readonly roles = new Map<string, CookieRole>();

  constructor(opts: SessionModelOptions = {}) {
    this.cacheSize = Math.max(0, opts.cacheSize ?? 64);
    this.trees = opts.trees === true;
    this.onDecoded = opts.onDecoded;
  }

  get count(): number {
    return this.factsList.length;
  }

  /** Feeds one exchange (in capture order) and returns what the model knows about it. */
  add(ex: Exchange): ExchangeContext {
    const seq = this.factsList.length;
    const endpoint = endpointOf(ex);
    const rawType = headerValue(ex.request.headers, 'X-RequestType');
    const type = rawType !== undefined ? (canonicalRequestType(rawType) ?? rawType.trim()) : undefined;
    const cookies = requestCookies(ex.request.headers);
    const mapi = endpoint === 'emsmdb' || endpoint === 'nspi';

    const facts: ExchangeFacts = {
      id: ex.id,
      seq,
      connectionId: ex.connectionId,
      endpoint,
      method: ex.request.method,
      url: ex.request.url,
      requestStart: ex.timings.requestStart,
      cookieCheck: 'not-applicable',
      setCookieNames: NO_NAMES,
      decodeErrors: 0,
    };
    if (type !== undefined) facts.requestType = type;
    const client = clientText(ex);
    if (client) facts.client = this.strings.get(client);
    this.timingFacts(ex, facts);
    this.headerFacts(ex, facts);

    let session: Session | undefined;
    const events: LifecycleEvent[] = [];
    this.curEvents = events;
    this.curEx = ex;

    // A PING without session cookies is a reachability probe ([MS-OXCMAPIHTTP] 3.1.5.3), not part of a session.
    const probe =
      type === 'PING' &&
      !cookies.some((c) => cookieRoleOf(c.name) === 'context' || this.roles.get(c.name.toLowerCase()) === 'context');
    if (mapi && !probe) {
      session = this.route(ex, type, endpoint as 'emsmdb' | 'nspi', cookies, facts);
      facts.session = session.info.id;
    }

    const view = session ? new SessionView(session.rop, seq, session.info.id) : undefined;
    let d: ExchangeDecode | undefined;
    // One bad exchange (a decoder or model bug) must not stop the pass: it is recorded and skipped.
    try {
      // Values only (no tree): the pass needs facts, not nodes; a body with any failure is decoded with its
      // tree anyway, so errors and missing-context paths stay exact. `decode(ex)` rebuilds the tree on demand.
      d = decodeExchange(ex, view ? { session: view } : {}, { tree: this.trees });
      this.decodeFacts(d, facts, ex);
      if (session) {
        if (type === 'Connect') this.learnCodePage(session, ex, d, seq);
        this.applyResponse(session, ex, d, type, facts);
        if (type === 'Execute') this.applyRops(session, ex, d, seq, facts);
      }
      this.missingContext(session, d, facts);
    } catch (e) {
      facts.decodeErrors++;
      (facts.missingContext ??= []).push({
        path: '',
        reason: `internal failure while analyzing this exchange: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    if (session) for (const e of events) session.info.events.push(e);
    if (this.onDecoded)
      try {
        this.onDecoded(ex, d, view);
      } catch {
        // an observer's failure (the field index) must not stop the pass
      }

    this.factsList.push(facts);
    const prev = this.factsList[this.factsList.length - 2];
    if (this.factsById) this.factsById.set(ex.id, facts);
    else if (prev && prev.id >= ex.id) this.factsById = new Map(this.factsList.map((f) => [f.id, f]));
    if (d && !d.request?.valuesOnly && !d.response?.valuesOnly) {
      annotateHandles(d, facts);
      this.remember(ex.id, d);
    }
    return { exchangeId: ex.id, ...(session ? { session: session.info.id } : {}), facts };
  }

  private curEvents: LifecycleEvent[] = [];
  private curEx?: Exchange;
  /** A lifecycle event of the exchange being added (kept until the exchange is done, then put on its session). */
  private event(kind: LifecycleKind, detail: string): void {
    const ex = this.curEx!;
    this.curEvents.push({ kind, exchangeId: ex.id, time: ex.timings.requestStart, detail });
  }

  private lookupFacts(id: number): ExchangeFacts | undefined {
    if (this.factsById) return this.factsById.get(id);
    const l = this.factsList;
    let lo = 0;
    let hi = l.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = l[mid]!;
      if (f.id === id) return f;
      if (f.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Every session, in order of first appearance. */
  sessions(): SessionInfo[] {
    return this.list.map((s) => this.info(s));
  }

  session(id: number): SessionInfo | undefined {
    const s = this.list[id - 1];
    return s ? this.info(s) : undefined;
  }

  facts(): readonly ExchangeFacts[] {
    return this.factsList;
  }

  factsOf(exchangeId: number): ExchangeFacts | undefined {
    return this.lookupFacts(exchangeId);
  }

  /** The provider for an exchange's session as it was just before that exchange. */
  viewFor(exchangeId: number): SessionView | undefined {
    const f = this.lookupFacts(exchangeId);
    if (!f || f.session === undefined) return undefined;
    const s = this.list[f.session - 1]!;
    return new SessionView(s.rop, f.seq, s.info.id);
  }

  /** Decode context for the decode cache: `{ session }` at that exchange's point in time. */
  contextFor(ex: Exchange): DecodeContext | undefined {
    const v = this.viewFor(ex.id);
    return v ? { session: v } : undefined;
  }

  /** The decode of an exchange added earlier: a cache hit, or the same decode again with its versioned context. */
  decode(ex: Exchange): ExchangeDecode {
    const hit = this.cache.get(ex.id);
    if (hit) {
      this.cache.delete(ex.id);
      this.cache.set(ex.id, hit);
      return hit;
    }
    const d = decodeExchange(ex, this.contextFor(ex) ?? {});
    const f = this.lookupFacts(ex.id);
    if (f) annotateHandles(d, f);
    this.remember(ex.id, d);
    return d;
  }

  /** Cached decode only (no re-decode). */
  cachedDecode(exchangeId: number): ExchangeDecode | undefined {
    return this.cache.get(exchangeId);
  }

  /** The record of `handle` in `sessionId` just before exchange `beforeExchangeId` (default: now). */
  handle(sessionId: number, handle: number, beforeExchangeId?: number): HandleRecord | undefined {
    const s = this.list[sessionId - 1];
    if (!s) return undefined;
    const before =
      beforeExchangeId === undefined
        ? Number.MAX_SAFE_INTEGER
        : (this.lookupFacts(beforeExchangeId)?.seq ?? Number.MAX_SAFE_INTEGER);
    return s.rop.handleAt(handle, before) ?? s.rop.lastGeneration(handle, before);
  }

  /** Every handle generation of a session, in creation order. */
  handles(sessionId: number): HandleRecord[] {
    const s = this.list[sessionId - 1];
    if (!s) return [];
    return [...s.rop.handles.values()].flat().sort((a, b) => a.createdAt - b.createdAt);
  }

  timeline(sessionId: number): TimelineItem[] {
    const s = this.list[sessionId - 1];
    if (!s) return [];
    return s.info.exchangeIds.map((id) => {
      const f = this.lookupFacts(id)!;
      const it: TimelineItem = {
        exchangeId: id,
        time: f.requestStart,
        connectionId: f.connectionId,
        cookieCheck: f.cookieCheck,
        events: s.info.events.filter((e) => e.exchangeId === id),
      };
      if (f.requestType !== undefined) it.requestType = f.requestType;
      if (f.responseEnd !== undefined) it.end = f.responseEnd;
      if (f.client !== undefined) it.client = f.client;
      if (f.status !== undefined) it.status = f.status;
      if (f.responseCode !== undefined) it.responseCode = f.responseCode;
      if (f.aborted !== undefined) it.aborted = f.aborted;
      return it;
    });
  }

  // -------------------------------------------------------------------------

  private info(s: Session): SessionInfo {
    const logons = [...s.rop.logons.values()].map((l) => l[l.length - 1]!.value);
    return { ...s.info, logons, handleCount: s.rop.handleCount, events: [...s.info.events] };
  }

  private readonly lists = new Map<string, string[]>();
  /** One shared array per distinct list of names (most exchanges set the same cookies). */
  private nameList(names: string[]): string[] {
    const key = names.join('\n');
    let l = this.lists.get(key);
    if (!l) {
      l = names.map((n) => this.strings.get(n));
      if (this.lists.size < 10_000) this.lists.set(key, l);
    }
    return l;
  }

  private remember(id: number, d: ExchangeDecode): void {
    if (this.cacheSize === 0) return;
    this.cache.delete(id);
    this.cache.set(id, d);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private timingFacts(ex: Exchange, f: ExchangeFacts): void {
    const t = ex.timings;
    if (t.requestEnd !== undefined) f.requestEnd = t.requestEnd;
    if (t.responseHeaders !== undefined) f.responseHeaders = t.responseHeaders;
    if (t.responseEnd !== undefined) f.responseEnd = t.responseEnd;
    if (ex.response) f.status = ex.response.statusCode;
    if (ex.aborted) {
      f.aborted = ex.aborted.kind;
      f.abortMessage = ex.aborted.message;
    }
  }

  private headerFacts(ex: Exchange, f: ExchangeFacts): void {
    const q = ex.request.headers;
    const auth = headerValue(q, 'Authorization');
    if (auth) {
      const sp = auth.indexOf(' ');
      const scheme = sp < 0 ? auth : auth.slice(0, sp);
      f.authorization = { scheme };
      if (/^(ntlm|negotiate)$/i.test(scheme) && sp > 0) {
        const t = ntlmType(auth.slice(sp + 1));
        if (t !== undefined) f.authorization.ntlmType = t;
      }
    }
    const app = headerValue(q, 'X-ClientApplication');
    if (app) f.clientApplication = app;
    const ua = headerValue(q, 'User-Agent');
    if (ua) f.userAgent = ua;
    const rid = headerValue(q, 'X-RequestId');
    if (rid) f.requestId = rid;
    if (ex.tls?.certificateError) {
      f.certificateError = ex.tls.certificateError;
      f.certificateTrusted = ex.tls.trustedAnyway === true;
    }
    if (!ex.response) return;
    const r = ex.response.headers;
    const www = headerValues(r, 'WWW-Authenticate');
    if (www.length) f.wwwAuthenticate = www;
    const sa = headerValue(r, 'X-ServerApplication');
    if (sa) f.serverApplication = sa;
    const rc = parseResponseCode(headerValue(r, 'X-ResponseCode'));
    if (rc !== undefined) f.headerResponseCode = rc;
    const pp = parseResponseCode(headerValue(r, 'X-PendingPeriod'));
    if (pp !== undefined) f.pendingPeriodMs = pp;
    const xi = parseResponseCode(headerValue(r, 'X-ExpirationInfo'));
    if (xi !== undefined) f.expirationMs = xi;
  }

  private decodeFacts(d: ExchangeDecode, f: ExchangeFacts, ex: Exchange): void {
    if (d.responseCode !== undefined) f.responseCode = d.responseCode;
    const sv = d.response?.streamValue;
    if (sv) {
      for (const h of sv.AdditionalHeaders ?? []) {
        const n = h.name.toLowerCase();
        if (n === 'x-responsecode') {
          const c = parseResponseCode(h.value);
          if (c !== undefined) f.trailerResponseCode = c;
        } else if (n === 'x-elapsedtime') {
          const c = parseResponseCode(h.value);
          if (c !== undefined) f.elapsedMs = c;
        }
      }
    }
    if (d.metaTags.length) {
      const chunks = ex.response?.chunks ?? [];
      f.metaTags = d.metaTags.map((m) => {
        const c = chunks.find((x) => m.offset >= x.offset && m.offset < x.offset + Math.max(1, x.length));
        return c ? { tag: m.tag, time: c.time } : { tag: m.tag };
      });
    }
    if (d.setCookies.length) f.setCookieNames = this.nameList(d.setCookies.map((c) => c.name));
    if (d.response?.complete !== undefined) f.responseComplete = d.response.complete;
    const st = emsmdbStatus(d);
    if (st.statusCode !== undefined && d.endpoint === 'emsmdb') f.statusCode = st.statusCode;
    if (st.errorCode !== undefined && d.endpoint === 'emsmdb') f.errorCode = st.errorCode;
    if (d.endpoint === 'autodiscover' && d.response) {
      const v = d.response.value as { Root?: string; MapiHttp?: unknown } | undefined;
      f.autodiscover = { isResponse: f.status === 200 && !!v?.Root, mapiHttp: !!v?.MapiHttp };
    }
    f.decodeErrors = (d.request?.errors.length ?? 0) + (d.response?.errors.length ?? 0);
  }

  /** Finds (or starts) the session an exchange belongs to and checks its cookies. */
  private route(
    ex: Exchange,
    type: string | undefined,
    endpoint: 'emsmdb' | 'nspi',
    cookies: { name: string; value: string }[],
    f: ExchangeFacts,
  ): Session {
    const opens = type === 'Connect' || type === 'Bind';
    const known = this.lookup(cookies);
    let s: Session;
    if (opens) {
      s = this.create(ex, endpoint, false);
      if (known && known !== s) {
        s.info.reconnectOf = known.info.id;
        s.info.reconnects = known.info.reconnects + 1;
        known.info.replacedBy = s.info.id;
        if (known.info.state === 'open' || known.info.state === 'lost') known.info.state = 'replaced';
        known.info.events.push({
          kind: 'replaced',
          exchangeId: ex.id,
          time: ex.timings.requestStart,
          detail: `${type} in exchange ${ex.id} carried this session's cookies: the server drops this context and starts session ${s.info.id}`,
        });
      }
    } else if (known) {
      s = known;
      this.checkCookies(s, ex, type, cookies, f);
      if (s.info.state === 'closed' || s.info.state === 'replaced')
        this.event(
          'used-after-close',
          `${type ?? 'request'} sent with the cookies of a session that was ${s.info.state === 'closed' ? 'disconnected' : `replaced by session ${s.info.replacedBy}`}`,
        );
    } else {
      const by = this.bySecondaryKey(ex, endpoint);
      if (by && !cookies.some((c) => cookieRoleOf(c.name) === 'context')) {
        s = by;
        f.cookieCheck = 'context-missing';
        f.cookieDetail = `no session context cookie (${s.info.contextCookies.map((c) => c.name).join(', ') || 'none known'}) on this request; matched session ${s.info.id} by MailboxId/X-ClientInfo`;
      } else {
        s = this.create(ex, endpoint, true);
        for (const c of cookies) if (cookieRoleOf(c.name) === 'context') this.bindContext(s, c);
        const seqc = cookies.find((c) => cookieRoleOf(c.name) === 'sequence');
        if (seqc) {
          s.info.sequenceCookie = seqc.name;
          f.cookieCheck = 'sequence-unknown';
          f.cookieDetail = 'the sequence cookie was set before the capture started';
        } else if (!cookies.length) {
          f.cookieCheck = 'context-missing';
          f.cookieDetail = 'the request carries no cookies and matches no session';
        }
        this.event(
          'mid-session-start',
          `the capture has no ${endpoint === 'nspi' ? 'Bind' : 'Connect'} for this session; its logons, handles and table columns from before exchange ${ex.id} are unknown`,
        );
      }
    }
    this.touch(s, ex, f);
    return s;
  }

  private lookup(cookies: { name: string; value: string }[]): Session | undefined {
    for (const c of cookies) {
      const lower = c.name.toLowerCase();
      if (cookieRoleOf(c.name) !== 'context' && this.roles.get(lower) !== 'context') continue;
      const s = this.byContext.get(`${lower}=${c.value}`);
      if (s) return s;
    }
    return undefined;
  }

  private bySecondaryKey(ex: Exchange, endpoint: string): Session | undefined {
    const mb = mailboxOf(ex.request.url);
    const ci = headerValue(ex.request.headers, 'X-ClientInfo');
    if (mb === undefined && ci === undefined) return undefined;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const s = this.list[i]!;
      if (s.info.endpoint !== endpoint || s.info.state !== 'open') continue;
      if ((mb === undefined || s.info.mailbox === mb) && (ci === undefined || s.info.clientInfo === ci)) return s;
    }
    return undefined;
  }

  private create(ex: Exchange, endpoint: 'emsmdb' | 'nspi', mid: boolean): Session {
    const q = ex.request.headers;
    const info: SessionInfo = {
      id: this.list.length + 1,
      endpoint,
      state: 'open',
      contextCookies: [],
      cookieNames: [],
      start: ex.timings.requestStart,
      end: ex.timings.responseEnd ?? ex.timings.requestStart,
      exchangeIds: [],
      connections: [],
      clientAddresses: [],
      reconnects: 0,
      startedMidSession: mid,
      events: [],
      logons: [],
      handleCount: 0,
    };
    const mb = mailboxOf(ex.request.url);
    if (mb !== undefined) info.mailbox = mb;
    const ci = headerValue(q, 'X-ClientInfo');
    if (ci) info.clientInfo = ci;
    const app = headerValue(q, 'X-ClientApplication');
    if (app) info.clientApplication = app;
    const ua = headerValue(q, 'User-Agent');
    if (ua) info.userAgent = ua;
    const host = headerValue(q, 'Host') ?? ex.origin;
    if (host) info.server = host;
    const s = new Session(info);
    this.list.push(s);
    return s;
  }

  private bindContext(s: Session, c: CookieRef): void {
    const key = `${c.name.toLowerCase()}=${c.value}`;
    if (!s.info.contextCookies.some((x) => x.name === c.name && x.value === c.value))
      s.info.contextCookies.push({ name: c.name, value: c.value });
    this.byContext.set(key, s);
    this.roles.set(c.name.toLowerCase(), 'context');
    if (!s.info.cookieNames.includes(c.name)) s.info.cookieNames.push(c.name);
  }

  private checkCookies(
    s: Session,
    ex: Exchange,
    type: string | undefined,
    cookies: { name: string; value: string }[],
    f: ExchangeFacts,
  ): void {
    const name = s.info.sequenceCookie;
    if (!name || !s.sequences.length) {
      f.cookieCheck = 'ok';
      return;
    }
    const sent = cookies.find((c) => c.name.toLowerCase() === name.toLowerCase());
    // The value the client should send: the last one set by a response it had received when it sent this request.
    const t = ex.timings.requestStart;
    let expected = s.sequences[s.sequences.length - 1]!;
    for (let i = s.sequences.length - 1; i >= 0; i--)
      if (s.sequences[i]!.time <= t) {
        expected = s.sequences[i]!;
        break;
      }
    if (!sent) {
      f.cookieCheck = 'sequence-missing';
      f.cookieDetail = `no ${name} cookie; the last one was set by exchange ${expected.exchangeId}`;
      return;
    }
    if (sent.value === expected.value) {
      f.cookieCheck = 'ok';
      return;
    }
    const idx = s.sequences.findIndex((x) => x.value === sent.value);
    const lenient = type === 'PING' || type === 'NotificationWait';
    if (idx >= 0) {
      const later = s.sequences.slice(idx + 1).some((x) => x.time <= t);
      if (!later) {
        f.cookieCheck = 'ok';
        return;
      }
      f.cookieCheck = lenient ? 'ok' : 'sequence-stale';
      f.cookieDetail = `${name} sent is the value set by exchange ${s.sequences[idx]!.exchangeId}; exchange ${expected.exchangeId} had already set a newer one`;
      return;
    }
    f.cookieCheck = 'sequence-unknown';
    f.cookieDetail = `${name} value was never set by the server in this capture`;
  }

  /** Per-exchange session bookkeeping: exchange list, connections, addresses, idle expiry, drops. */
  private touch(s: Session, ex: Exchange, f: ExchangeFacts): void {
    const info = s.info;
    const t = ex.timings.requestStart;
    if (
      info.exchangeIds.length &&
      info.expirationMs !== undefined &&
      s.lastEnd > 0 &&
      t - s.lastEnd > info.expirationMs
    )
      this.event(
        'idle-expired',
        `${Math.round((t - s.lastEnd) / 1000)} s idle since the last response, longer than X-ExpirationInfo ${info.expirationMs} ms: the server has likely dropped the context`,
      );
    if (s.lastDropped && s.lastConnection !== undefined && ex.connectionId !== s.lastConnection)
      this.event(
        'resumed-after-drop',
        `continued on connection ${ex.connectionId} after the previous request's connection ${s.lastConnection} dropped`,
      );
    const ip = ex.client?.address;
    if (ip && s.lastIp && ip !== s.lastIp)
      this.event('network-change', `client address changed from ${s.lastIp} to ${ip}`);
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
  private applyResponse(s: Session, ex: Exchange, d: ExchangeDecode, type: string | undefined, f: ExchangeFacts): void {
    const info = s.info;
    if (!ex.response) {
      this.event(
        'dropped',
        `no response: ${ex.aborted ? `${ex.aborted.kind} (${ex.aborted.message})` : 'the capture ended or the connection closed first'}`,
      );
      return;
    }
    if (ex.aborted) this.event('dropped', `response cut off: ${ex.aborted.kind} (${ex.aborted.message})`);
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
    const sets = d.setCookies;
    for (const c of sets) {
      const lower = c.name.toLowerCase();
      if (!info.cookieNames.includes(c.name)) info.cookieNames.push(c.name);
      let role = this.roles.get(lower) ?? cookieRoleOf(c.name);
      // A "context" cookie whose value changes between responses of one session is a sequence cookie.
      if (
        !opens &&
        role === 'context' &&
        info.contextCookies.some((x) => x.name.toLowerCase() === lower && x.value !== c.value) &&
        type !== 'Disconnect' &&
        type !== 'Unbind'
      )
        role = 'sequence';
      if (opens && ok && role !== 'affinity') this.roles.set(lower, role);
      if (role === 'context') {
        if (opens || info.startedMidSession || !info.contextCookies.length) this.bindContext(s, c);
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
          this.event('reconnect', `${type} with the cookies of session ${info.reconnectOf}: new context`);
        else
          this.event(
            type === 'Bind' ? 'bind' : 'connect',
            `${type} succeeded${info.expirationMs !== undefined ? `, context expires after ${info.expirationMs} ms idle` : ''}`,
          );
      } else {
        info.state = 'failed';
        this.event(
          'connect-failed',
          `${type} failed (HTTP ${ex.response.statusCode}, X-ResponseCode ${code ?? 'none'}${f.statusCode ? `, StatusCode 0x${f.statusCode.toString(16)}` : ''}${ok && !sets.length ? ', no Set-Cookie' : ''})`,
        );
      }
      return;
    }
    if (code === 6 || code === 10 || code === 13) {
      info.state = 'lost';
      this.event('context-lost', `X-ResponseCode ${code}: the server no longer accepts this session context`);
    } else if (code === 15) this.event('sequence-error', 'X-ResponseCode 15 (Invalid Sequence)');
    if ((type === 'Disconnect' || type === 'Unbind') && ok) {
      info.state = 'closed';
      this.event(type === 'Unbind' ? 'unbind' : 'disconnect', `${type} succeeded: the context is gone`);
    }
  }

  /** Connect's DefaultCodePage: the code page of the session's 8-bit strings ([MS-OXCROPS] 2.2.1.3). */
  private learnCodePage(s: Session, ex: Exchange, d: ExchangeDecode, seq: number): void {
    const id = d.request?.value?.DefaultCodePage;
    if (typeof id === 'number')
      s.rop.defaultCodePage.push({
        at: seq,
        exchangeId: ex.id,
        value: { id, source: `Connect DefaultCodePage, exchange ${ex.id}` },
      });
  }

  /** Applies the ROPs of an Execute to the session's ROP state (stamped with this exchange's seq). */
  private applyRops(s: Session, ex: Exchange, d: ExchangeDecode, seq: number, f: ExchangeFacts): void {
    const x = executeRops(d);
    if (!x) return;
    const st = s.rop;
    f.ropCount = x.calls.length;
    f.ropNames = x.calls.map((c) => c.name);
    const refs: HandleRef[] = [];
    const errors: NonNullable<ExchangeFacts['ropErrors']> = [];
    // The Execute ran its ROP list: success at HTTP, X-ResponseCode and StatusCode level, the whole body read.
    const executed =
      f.status === 200 &&
      f.responseCode === 0 &&
      (f.statusCode ?? 0) === 0 &&
      (f.errorCode ?? 0) === 0 &&
      f.responseComplete !== false;
    const stopped = x.special.some((sp) => sp.ropId === ROP.Backoff || sp.ropId === ROP.BufferTooSmall);
    const unanswered: UnansweredRop[] = [];
    for (const c of x.calls) {
      const answers = expectsResponse(c.ropId);
      const ran = c.response !== undefined || (!answers && executed && !stopped);
      if (answers && c.response === undefined && executed && !stopped)
        unanswered.push({ ropIndex: c.index, ropId: c.ropId, ropName: c.name });
      // Handle references and where they came from.
      if (c.inputIndex !== undefined && c.ropId !== ROP.Logon) {
        const reqH = x.requestHandles[c.inputIndex];
        const h = c.inputHandle;
        if (h !== undefined && h !== INVALID_HANDLE) {
          const ref: HandleRef = {
            ropIndex: c.index,
            ropName: c.name,
            handleIndex: c.inputIndex,
            handle: h,
            status: 'unknown',
            ran,
          };
          if (c.returnValue !== undefined) ref.returnValue = c.returnValue;
          if (reqH === INVALID_HANDLE) {
            ref.status = 'same-request';
            const made = x.calls.find(
              (o) => o.index < c.index && o.outputIndex === c.inputIndex && o.outputHandle === h,
            );
            if (made) {
              ref.createdBy = originOf(ex.id, made.index, made.ropId, made.name);
              ref.kind = objectKind(made.ropId);
            }
          } else {
            const rec = st.handleAt(h, seq);
            if (rec?.createdBy) {
              ref.status = 'known';
              ref.kind = rec.kind;
              if (rec.createdBy) ref.createdBy = rec.createdBy;
            } else if (!rec) {
              const gone = st.lastGeneration(h, seq);
              if (gone?.releasedAt !== undefined) {
                ref.status = 'released';
                if (gone.createdBy) ref.createdBy = gone.createdBy;
                if (gone.releasedBy) ref.releasedBy = gone.releasedBy;
              }
            }
          }
          refs.push(ref);
        }
      }
      if (
        c.returnValue !== undefined &&
        c.returnValue !== 0 &&
        !(c.ropId === ROP.GetPropertyIdsFromNames && c.returnValue === 0x00040380)
      )
        errors.push({
          ropIndex: c.index,
          ropId: c.ropId,
          ropName: c.name,
          returnValue: c.returnValue,
          path: `RopsList/${c.name}`,
        });

      const ok = c.returnValue === 0;
      const target = c.inputHandle !== undefined && c.inputHandle !== INVALID_HANDLE ? c.inputHandle : undefined;
      if (c.ropId === ROP.Release && target !== undefined) {
        const r = st.handleAt(target, seq + 1);
        if (r && r.releasedAt === undefined) {
          r.releasedAt = seq;
          r.releasedBy = originOf(ex.id, c.index, c.ropId, c.name);
        }
        continue;
      }
      if (!ok) continue;
      if (c.outputHandle !== undefined) {
        const r = blankHandle(c.outputHandle, objectKind(c.ropId), seq);
        r.createdBy = originOf(ex.id, c.index, c.ropId, c.name);
        if (target !== undefined && c.ropId !== ROP.Logon) r.parent = target;
        if (c.logonId !== undefined) r.logonId = c.logonId;
        if (c.ropId === ROP.RegisterNotification) {
          const nt = c.request.NotificationTypes;
          r.subscription = { notifications: 0, ...(typeof nt === 'number' ? { notificationTypes: nt } : {}) };
        }
        const cp = messageCodePage(c.request, latest(st.defaultCodePage, seq + 1)?.value);
        if (cp) r.codePage = cp;
        if (r.kind.startsWith('fasttransfer')) {
          r.fastTransfer = { buffers: 0, bytes: 0, done: false, exchangeIds: [], carry: [] };
          // The stream kind the opening ROP gives ([MS-OXCFXICS] 2.2.4.3), for every buffer of this context.
          const on = target !== undefined ? st.handleAt(target, seq + 1)?.kind : undefined;
          const kind = kindOfOpener(c.request, on);
          if (kind) r.fastTransfer.kind = { kind, source: `${openerText(c.request, on)}, exchange ${ex.id}` };
        }
        const rc = tagsOf(c.response, 'RecipientColumns');
        if (rc) r.recipientColumns.push({ at: seq, exchangeId: ex.id, value: rc });
        st.addHandle(r);
      }
      switch (c.ropId) {
        case ROP.Logon: {
          const flags = typeof c.request.LogonFlags === 'number' ? c.request.LogonFlags : 0;
          const l = {
            logonId: c.logonId ?? 0,
            flags,
            store: (flags & 0x01 ? 'mailbox' : 'public') as 'mailbox' | 'public',
            exchangeId: ex.id,
            ...(c.outputHandle !== undefined ? { handle: c.outputHandle } : {}),
            ...(typeof c.request.Essdn === 'string' ? { essdn: c.request.Essdn } : {}),
          };
          const list = st.logons.get(l.logonId) ?? [];
          list.push({ at: seq, exchangeId: ex.id, value: l });
          st.logons.set(l.logonId, list);
          break;
        }
        case ROP.SetColumns: {
          const tags = tagsOf(c.request);
          const r = recordFor(st, target, seq);
          if (r && tags) r.columns.push({ at: seq, exchangeId: ex.id, value: tags });
          break;
        }
        case ROP.SortTable:
          recordFor(st, target, seq)?.sort.push({ at: seq, exchangeId: ex.id, value: c.request.SortOrders });
          break;
        case ROP.Restrict:
          recordFor(st, target, seq)?.restriction.push({
            at: seq,
            exchangeId: ex.id,
            value: c.request.RestrictionData ?? c.request.Restriction,
          });
          break;
        case ROP.ResetTable: {
          const r = recordFor(st, target, seq);
          if (r) {
            r.columns.push({ at: seq, exchangeId: ex.id, value: undefined });
            r.sort.push({ at: seq, exchangeId: ex.id, value: undefined });
            r.restriction.push({ at: seq, exchangeId: ex.id, value: undefined });
          }
          break;
        }
        case ROP.GetPropertiesSpecific: {
          const tags = tagsOf(c.request);
          if (tags) recordFor(st, target, seq)?.propertyTags.push({ at: seq, exchangeId: ex.id, value: tags });
          break;
        }
        case 0x10: {
          // RopReloadCachedInformation refreshes RecipientColumns.
          const rc = tagsOf(c.response, 'RecipientColumns');
          if (rc) recordFor(st, target, seq)?.recipientColumns.push({ at: seq, exchangeId: ex.id, value: rc });
          break;
        }
        case ROP.FastTransferSourceGetBuffer:
        case 0x54:
        case 0x9d: {
          const r = recordFor(st, target, seq);
          if (r) {
            const ft = (r.fastTransfer ??= { buffers: 0, bytes: 0, done: false, exchangeIds: [], carry: [] });
            ft.buffers++;
            ft.bytes += transferBufferSizeOf(c) ?? 0;
            const ts = transferStatusOf(c);
            if (ts !== undefined) {
              ft.lastStatus = TRANSFER_STATUS[ts] ?? String(ts);
              ft.done = ts === 3;
            }
            if (!ft.exchangeIds.includes(ex.id)) ft.exchangeIds.push(ex.id);
            const carry = FX_BUFFER_ROPS.has(c.ropId) ? fxCarryAfter(c) : undefined;
            if (carry) ft.carry.push({ at: seq, exchangeId: ex.id, value: carry });
          }
          break;
        }
        default:
          break;
      }
      for (const p of namedPairs(c)) {
        const list = st.names.get(p.id) ?? [];
        if (list[list.length - 1]?.value !== p.name) list.push({ at: seq, exchangeId: ex.id, value: p.name });
        st.names.set(p.id, list);
      }
    }
    for (const sp of x.special) {
      if (sp.ropId === ROP.BufferTooSmall) {
        const e = { sizeNeeded: sizeNeededOf(sp), maxRopOut: maxRopOutOf(d) };
        const clean: { sizeNeeded?: number; maxRopOut?: number } = {};
        if (e.sizeNeeded !== undefined) clean.sizeNeeded = e.sizeNeeded;
        if (e.maxRopOut !== undefined) clean.maxRopOut = e.maxRopOut;
        (f.bufferTooSmall ??= []).push(clean);
        st.bufferTooSmall.push({ exchangeId: ex.id, ...clean });
      } else if (sp.ropId === ROP.Backoff) (f.backoff ??= []).push(backoffOf(sp));
      else if (sp.ropId === ROP.Notify) {
        const h = notificationHandleOf(sp);
        if (h === undefined) continue;
        const r = st.handleAt(h, seq + 1);
        const known = !!r?.subscription;
        if (r?.subscription) r.subscription.notifications++;
        (f.notifications ??= []).push({
          handle: h,
          known,
          ...(r?.createdBy ? { subscribedIn: r.createdBy.exchangeId } : {}),
        });
      }
    }
    if (refs.length) f.handleRefs = refs;
    if (errors.length) f.ropErrors = errors;
    if (unanswered.length && !x.requestIncomplete && !x.responseIncomplete && d.response?.errors.length === 0)
      f.unansweredRops = unanswered;
  }

  /** What context the decoders lacked for this exchange, and why. */
  private missingContext(s: Session | undefined, d: ExchangeDecode, f: ExchangeFacts): void {
    const out: { path: string; reason: string }[] = [];
    for (const b of [d.request, d.response])
      for (const e of b?.errors ?? [])
        if (e.message.startsWith('context unavailable:')) {
          let reason = e.message.slice('context unavailable:'.length).trim();
          if (s?.info.startedMidSession)
            reason += ` (the capture starts inside session ${s.info.id}, after its Connect)`;
          out.push({ path: e.path, reason });
        }
    for (const r of f.handleRefs ?? [])
      if (r.status === 'unknown' && s?.info.startedMidSession)
        out.push({
          path: `RopsList/${r.ropName}`,
          reason: `handle 0x${r.handle.toString(16).padStart(8, '0')} was created before the capture started (session ${s.info.id} has no Connect in it)`,
        });
    if (out.length) f.missingContext = out;
  }
}

function originOf(exchangeId: number, ropIndex: number, ropId: number, ropName: string): RopOrigin {
  return { exchangeId, ropIndex, ropId, ropName };
}

/** The live record of `target`; a handle first seen in use (capture started after it was made) gets one, so later context is found. */
function recordFor(st: RopState, target: number | undefined, seq: number): HandleRecord | undefined {
  if (target === undefined) return undefined;
  let r = st.handleAt(target, seq + 1);
  if (!r) {
    r = blankHandle(target, 'unknown', seq - 0.5);
    st.addHandle(r);
  }
  return r;
}

function blankHandle(handle: number, kind: string, at: number): HandleRecord {
  return {
    handle,
    kind,
    createdAt: at,
    columns: [],
    sort: [],
    restriction: [],
    recipientColumns: [],
    propertyTags: [],
  };
}
