import type { Exchange } from '../capture/exchange.js';
import { type CookieRole, type ExchangeHead, cookieRoleOf } from '../protocol/mapihttp/head.js';
import { type EventSink, Session, mailboxOf } from './live-session.js';
import type { CookieRef, ExchangeFacts, SessionInfo } from './types.js';

export { type CookieRole, cookieRoleOf };

/**
 * Cookie grouping: which session an exchange belongs to. Sessions are keyed by the context
 * cookie learned from Connect/Bind Set-Cookie (role by known name, then by shape), with
 * MailboxId + X-ClientInfo as the fallback; the sequence cookie a request carries is checked
 * against the values the server set before it was sent.
 */
export class SessionGrouping {
  readonly list: Session[] = [];
  private readonly byContext = new Map<string, Session>();
  /** Cookie names seen as context / sequence cookies on Connect/Bind responses. */
  readonly roles = new Map<string, CookieRole>();

  /** Whether `name` is a context cookie, by its role by name (`role`, from the head) or what was learned. */
  isContextCookie(name: string, role: CookieRole = cookieRoleOf(name)): boolean {
    return role === 'context' || this.roles.get(name.toLowerCase()) === 'context';
  }

  /** Finds (or starts) the session an exchange belongs to and checks its cookies. */
  route(ex: Exchange, head: ExchangeHead, endpoint: 'emsmdb' | 'nspi', f: ExchangeFacts, event: EventSink): Session {
    const type = head.requestType;
    const { cookies, cookieRoles: roles } = head;
    const opens = type === 'Connect' || type === 'Bind';
    const known = this.lookup(head);
    let s: Session;
    if (opens) {
      s = this.create(ex, head, endpoint, false);
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
        event(
          'used-after-close',
          `${type ?? 'request'} sent with the cookies of a session that was ${s.info.state === 'closed' ? 'disconnected' : `replaced by session ${s.info.replacedBy}`}`,
        );
    } else {
      const by = this.bySecondaryKey(ex, head, endpoint);
      if (by && !roles.includes('context')) {
        s = by;
        f.cookieCheck = 'context-missing';
        f.cookieDetail = `no session context cookie (${s.info.contextCookies.map((c) => c.name).join(', ') || 'none known'}) on this request; matched session ${s.info.id} by MailboxId/X-ClientInfo`;
      } else {
        s = this.create(ex, head, endpoint, true);
        for (let i = 0; i < cookies.length; i++) if (roles[i] === 'context') this.bindContext(s, cookies[i]!);
        const seqc = cookies[roles.indexOf('sequence')];
        if (seqc) {
          s.info.sequenceCookie = seqc.name;
          f.cookieCheck = 'sequence-unknown';
          f.cookieDetail = 'the sequence cookie was set before the capture started';
        } else if (!cookies.length) {
          f.cookieCheck = 'context-missing';
          f.cookieDetail = 'the request carries no cookies and matches no session';
        }
        event(
          'mid-session-start',
          `the capture has no ${endpoint === 'nspi' ? 'Bind' : 'Connect'} for this session; its logons, handles and table columns from before exchange ${ex.id} are unknown`,
        );
      }
    }
    return s;
  }

  private lookup(head: ExchangeHead): Session | undefined {
    const cookies = head.cookies;
    for (let i = 0; i < cookies.length; i++) {
      const c = cookies[i]!;
      const lower = c.name.toLowerCase();
      if (head.cookieRoles[i] !== 'context' && this.roles.get(lower) !== 'context') continue;
      const s = this.byContext.get(`${lower}=${c.value}`);
      if (s) return s;
    }
    return undefined;
  }

  private bySecondaryKey(ex: Exchange, head: ExchangeHead, endpoint: string): Session | undefined {
    const mb = mailboxOf(ex.request.url);
    const ci = head.clientInfo;
    if (mb === undefined && ci === undefined) return undefined;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const s = this.list[i]!;
      if (s.info.endpoint !== endpoint || s.info.state !== 'open') continue;
      if ((mb === undefined || s.info.mailbox === mb) && (ci === undefined || s.info.clientInfo === ci)) return s;
    }
    return undefined;
  }

  private create(ex: Exchange, head: ExchangeHead, endpoint: 'emsmdb' | 'nspi', mid: boolean): Session {
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
    if (head.clientInfo) info.clientInfo = head.clientInfo;
    if (head.clientApplication) info.clientApplication = head.clientApplication;
    if (head.userAgent) info.userAgent = head.userAgent;
    const host = head.host ?? ex.origin;
    if (host) info.server = host;
    const s = new Session(info);
    this.list.push(s);
    return s;
  }

  bindContext(s: Session, c: CookieRef): void {
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
}
