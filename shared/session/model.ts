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
import type { Exchange } from '../capture/exchange.js';
import { type ExchangeDecode, decodeExchange } from '../protocol/decode-exchange.js';
import { parseExchangeHead } from '../protocol/mapihttp/head.js';
import { annotateHandles } from './annotate.js';
import { SessionGrouping } from './cookies.js';
import { decodeFacts, missingContext } from './decode-facts.js';
import { headerFacts, timingFacts } from './header-facts.js';
import { applyResponse, touch } from './lifecycle.js';
import { type EventSink, type Session, clientText } from './live-session.js';
import { learnCodePage, trackRops } from './rop-tracker.js';
import { SessionView } from './state.js';
import type {
  CookieCheck,
  ExchangeContext,
  ExchangeFacts,
  HandleRecord,
  LifecycleEvent,
  SessionInfo,
} from './types.js';

export { cookieRoleOf } from '../protocol/mapihttp/head.js';

const NO_NAMES: string[] = [];

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
  private readonly grouping = new SessionGrouping();
  private readonly list: Session[] = this.grouping.list;
  private readonly factsList: ExchangeFacts[] = [];
  /** Only when ids arrive out of order; otherwise facts are found by binary search on `factsList`. */
  private factsById?: Map<number, ExchangeFacts>;
  private readonly cache = new Map<number, ExchangeDecode>();
  private readonly cacheSize: number;
  private readonly trees: boolean;
  private readonly onDecoded: SessionModelOptions['onDecoded'];

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
    // The heads are read once here; everything below reads `head`.
    const head = parseExchangeHead(ex);
    const endpoint = head.endpoint;
    const type = head.requestType;
    const mapi = endpoint === 'emsmdb' || endpoint === 'nspi';

    const facts: ExchangeFacts = {
      id: ex.id,
      seq,
      connectionId: ex.connectionId,
      endpoint,
      method: this.strings.get(ex.request.method),
      url: this.strings.get(ex.request.url),
      requestStart: ex.timings.requestStart,
      cookieCheck: 'not-applicable',
      setCookieNames: NO_NAMES,
      decodeErrors: 0,
    };
    if (type !== undefined) facts.requestType = type;
    const client = clientText(ex);
    if (client) facts.client = this.strings.get(client);
    timingFacts(ex, facts);
    headerFacts(ex, head, facts);
    this.internHeaderFacts(facts);

    let session: Session | undefined;
    const events: LifecycleEvent[] = [];

    // A PING without session cookies is a reachability probe ([MS-OXCMAPIHTTP] 3.1.5.3), not part of a session.
    const probe =
      type === 'PING' && !head.cookies.some((c, i) => this.grouping.isContextCookie(c.name, head.cookieRoles[i]));
    const event: EventSink = (kind, detail) =>
      events.push({ kind, exchangeId: ex.id, time: ex.timings.requestStart, detail });
    if (mapi && !probe) {
      session = this.grouping.route(ex, head, endpoint, facts, event);
      touch(session, ex, facts, event);
      facts.session = session.info.id;
    }

    const view = session ? new SessionView(session.rop, seq, session.info.id) : undefined;
    let d: ExchangeDecode | undefined;
    // One bad exchange (a decoder or model bug) must not stop the pass: it is recorded and skipped.
    try {
      // Values only (no tree): the pass needs facts, not nodes; a body with any failure is decoded with its
      // tree anyway, so errors and missing-context paths stay exact. `decode(ex)` rebuilds the tree on demand.
      d = decodeExchange(ex, view ? { session: view } : {}, { tree: this.trees }, head);
      decodeFacts(d, facts, ex, (names) => this.nameList(names));
      if (session) {
        if (type === 'Connect') learnCodePage(session.rop, ex, d, seq);
        applyResponse(this.grouping, session, ex, head, facts, event);
        if (type === 'Execute') trackRops(session.rop, ex, d, seq, facts);
      }
      missingContext(session, d, facts);
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

  /**
   * One copy of the header texts that repeat from exchange to exchange (a capture read from a file has a
   * string of its own for each): a million exchanges would otherwise hold a million copies of each.
   */
  private internHeaderFacts(f: ExchangeFacts): void {
    const s = this.strings;
    if (f.clientApplication !== undefined) f.clientApplication = s.get(f.clientApplication);
    if (f.serverApplication !== undefined) f.serverApplication = s.get(f.serverApplication);
    if (f.userAgent !== undefined) f.userAgent = s.get(f.userAgent);
    if (f.wwwAuthenticate) f.wwwAuthenticate = this.nameList(f.wwwAuthenticate);
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
}
