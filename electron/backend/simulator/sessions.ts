/**
 * Session Contexts as a conforming server keeps them ([MS-OXCMAPIHTTP] 3.2.1,
 * 3.2.5.1, 3.2.5.4–3.2.5.6): a context cookie and a rotating sequence cookie, an
 * idle deadline, one request at a time (NotificationWait aside), destruction on
 * Disconnect/Unbind, on expiry, and when a Connect/Bind carries the old cookies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Endpoint } from './wire.js';

export interface CookieNames {
  context: string;
  sequence: string;
  /** Attributes appended to Set-Cookie (Exchange scopes cookies by path). */
  attributes: (endpoint: Endpoint) => string;
}

export type CookieStyle = 'exchange' | 'gromox';

export function cookieNames(style: CookieStyle | { context: string; sequence: string }): CookieNames {
  if (style === 'exchange')
    return { context: 'MapiContext', sequence: 'MapiSequence', attributes: (e) => `; path=/mapi/${e}/; HttpOnly` };
  if (style === 'gromox') return { context: 'sid', sequence: 'sequence', attributes: () => '' };
  return { context: style.context, sequence: style.sequence, attributes: () => '' };
}

export type EndReason = 'disconnect' | 'expired' | 'reconnect' | 'stopped';

export interface SessionContext {
  /** 1-based number, in creation order. */
  readonly id: number;
  readonly endpoint: Endpoint;
  readonly contextCookie: string;
  sequenceCookie: string;
  /** Identity the context was created with (Authorization user), compared on every request. */
  readonly identity: string | undefined;
  readonly createdAt: number;
  lastActivity: number;
  /** Non-NotificationWait requests being processed (0 or 1 when the client conforms). */
  inFlight: number;
  notifyInFlight: number;
  requests: number;
  /** The context this one replaced (reconnect with old cookies). */
  readonly replaces?: number;
  /** Per-responder state (capture cursor, mailbox handles). */
  state: Record<string, unknown>;
}

export interface EndedContext {
  id: number;
  endpoint: Endpoint;
  reason: EndReason;
  at: number;
}

export type LookupResult =
  { kind: 'ok'; ctx: SessionContext } | { kind: 'missing' } | { kind: 'unknown'; ended?: EndedContext };

export class SessionTable {
  private byCookie = new Map<string, SessionContext>();
  /** Cookies of destroyed contexts, so status can say why a cookie is no longer valid. */
  private ended = new Map<string, EndedContext>();
  private nextId = 1;
  readonly events: { at: number; kind: 'created' | EndReason; id: number; endpoint: Endpoint }[] = [];

  constructor(
    readonly names: CookieNames,
    /** Idle time after which a context is destroyed (X-ExpirationInfo). */
    readonly expiryMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.byCookie.size;
  }

  list(): SessionContext[] {
    return [...this.byCookie.values()];
  }

  create(endpoint: Endpoint, identity: string | undefined, replaces?: number): SessionContext {
    const t = this.now();
    const ctx: SessionContext = {
      id: this.nextId++,
      endpoint,
      contextCookie: randomBytes(24).toString('base64url'),
      sequenceCookie: randomUUID(),
      identity,
      createdAt: t,
      lastActivity: t,
      inFlight: 0,
      notifyInFlight: 0,
      requests: 0,
      ...(replaces !== undefined ? { replaces } : {}),
      state: {},
    };
    this.byCookie.set(ctx.contextCookie, ctx);
    this.events.push({ at: t, kind: 'created', id: ctx.id, endpoint });
    return ctx;
  }

  /** Finds the context named by `cookies` for `endpoint`; an idle context past its deadline is destroyed here. */
  lookup(endpoint: Endpoint, cookies: ReadonlyMap<string, string>): LookupResult {
    const value = cookies.get(this.names.context);
    if (value === undefined || value === '') return { kind: 'missing' };
    const ctx = this.byCookie.get(value);
    if (!ctx || ctx.endpoint !== endpoint) {
      const ended = this.ended.get(value);
      return ended ? { kind: 'unknown', ended } : { kind: 'unknown' };
    }
    if (this.isExpired(ctx)) {
      this.destroy(ctx, 'expired');
      return { kind: 'unknown', ended: this.ended.get(value)! };
    }
    return { kind: 'ok', ctx };
  }

  isExpired(ctx: SessionContext): boolean {
    return ctx.inFlight === 0 && ctx.notifyInFlight === 0 && this.now() - ctx.lastActivity >= this.expiryMs;
  }

  rotateSequence(ctx: SessionContext): string {
    ctx.sequenceCookie = randomUUID();
    return ctx.sequenceCookie;
  }

  touch(ctx: SessionContext): void {
    ctx.lastActivity = this.now();
  }

  destroy(ctx: SessionContext, reason: EndReason): void {
    if (!this.byCookie.delete(ctx.contextCookie)) return;
    const e: EndedContext = { id: ctx.id, endpoint: ctx.endpoint, reason, at: this.now() };
    this.ended.set(ctx.contextCookie, e);
    this.events.push({ at: e.at, kind: reason, id: ctx.id, endpoint: ctx.endpoint });
    // Bound the tombstones: a long-running simulator must not grow without limit.
    if (this.ended.size > 10_000) {
      const first = this.ended.keys().next().value;
      if (first !== undefined) this.ended.delete(first);
    }
    if (this.events.length > 10_000) this.events.splice(0, this.events.length - 10_000);
  }

  /** Destroys every idle context past its deadline; returns how many. */
  sweep(): number {
    let n = 0;
    for (const ctx of this.byCookie.values())
      if (this.isExpired(ctx)) {
        this.destroy(ctx, 'expired');
        n++;
      }
    return n;
  }

  clear(): void {
    for (const ctx of [...this.byCookie.values()]) this.destroy(ctx, 'stopped');
  }
}
