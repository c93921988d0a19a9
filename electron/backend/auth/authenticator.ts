/**
 * HTTP authentication as Outlook does it, shared by probe, replay and any other
 * client here: Basic and Bearer on every request ([RFC 7617], [RFC 6750]);
 * NTLM ([MS-NLMP], NTLMv2 only) and Negotiate ([MS-SPNG]/[RFC 4559], SPNEGO
 * carrying NTLM) as connection-bound handshakes ([MS-NTHT] 3.1.5): 401 →
 * NEGOTIATE_MESSAGE → 401 with CHALLENGE_MESSAGE → AUTHENTICATE_MESSAGE, on one
 * TCP connection, again on every new connection.
 *
 * The scheme is the one forced by the caller, else the best the server offers
 * in `WWW-Authenticate` for the credentials at hand (Negotiate, NTLM, Bearer,
 * Basic). Every handshake is recorded with its connection, so reports can show
 * one per new connection. Errors name the scheme and never hold the password.
 *
 * NTLM messages come from @ewsjs/ntlm-client (pinned in package.json): the
 * maintained fork of node-ntlm-client kept by the EWS JavaScript API project
 * for Exchange servers, with NTLMv2 responses; small (two dependencies: js-md4
 * and des.js, because Node's OpenSSL 3 has no MD4) and free of any HTTP stack
 * of its own, so it fits our explicit connections. httpntlm, the most
 * downloaded alternative, drags its own HTTP client along.
 */
import os from 'node:os';
import ntlm, { type Type2Message } from '@ewsjs/ntlm-client';
import type { RawHeader } from '../../../shared/capture/exchange.js';
import { authOffers } from './challenge.js';
import { type Credentials, describe } from './credentials.js';
import { negTokenInit, negTokenResp, parseNegTokenResp } from './spnego.js';

export type AuthScheme = 'basic' | 'ntlm' | 'negotiate' | 'bearer';
export const AUTH_SCHEMES: readonly AuthScheme[] = ['basic', 'ntlm', 'negotiate', 'bearer'];
const SCHEME_NAME: Record<AuthScheme, string> = {
  basic: 'Basic',
  ntlm: 'NTLM',
  negotiate: 'Negotiate',
  bearer: 'Bearer',
};
/** Preference when the server offers several (Outlook's order; Basic last: it sends the password each time). */
const PREFERENCE: readonly AuthScheme[] = ['negotiate', 'ntlm', 'bearer', 'basic'];

/** Said once when Negotiate is used: what the platform gives us. */
export const KERBEROS_NOTE =
  'Negotiate: Kerberos is not available to MapiScope on this platform (no GSSAPI/SSPI binding), so SPNEGO carries NTLM';

export interface AuthSettings {
  /** Use this scheme whatever the server offers (`--auth`). */
  scheme?: AuthScheme;
  credentials?: Credentials;
  /** Bearer token. */
  token?: string;
  /** Workstation name in NTLM messages (default: this host's name). */
  workstation?: string;
}

export interface HandshakeRecord {
  connectionId: number;
  localAddress: string;
  scheme: AuthScheme;
  at: number;
  /** HTTP requests the handshake took (2 for NTLM/Negotiate after a first 401). */
  legs: number;
  ok: boolean;
  detail: string;
}

export type AuthErrorKind = 'refused' | 'missing-credentials' | 'not-offered' | 'unsupported' | 'broken-handshake';

export class AuthError extends Error {
  constructor(
    readonly kind: AuthErrorKind,
    message: string,
    readonly scheme?: AuthScheme,
    readonly offered: string[] = [],
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** What the authenticator needs from a connection: send the request again with this Authorization. */
export interface AuthLeg<R extends { statusCode?: number; headers: RawHeader[]; aborted?: unknown }> {
  /** Stable per TCP connection (handshakes are bound to it). */
  connection: object;
  connectionId: number;
  localAddress: string;
  /** `opening` is true for the first message of a handshake (always answered 401, so never the place for a drop). */
  send(authorization: string | undefined, opening?: boolean): Promise<R>;
}

const connectionBound = (s: AuthScheme | undefined) => s === 'ntlm' || s === 'negotiate';

export class Authenticator {
  /** The scheme in use: forced, or chosen from the first 401. */
  scheme: AuthScheme | undefined;
  readonly handshakes: HandshakeRecord[] = [];
  readonly notes: string[] = [];
  onHandshake?: (h: HandshakeRecord) => void;
  private readonly authenticated = new WeakSet<object>();

  constructor(readonly settings: AuthSettings = {}) {
    this.scheme = settings.scheme;
    if (settings.scheme === 'negotiate') this.notes.push(KERBEROS_NOTE);
  }

  /** Credentials are there for the scheme. */
  canUse(s: AuthScheme): boolean {
    return s === 'bearer' ? this.settings.token !== undefined : this.settings.credentials !== undefined;
  }

  get identity(): string {
    return this.settings.token !== undefined && !this.settings.credentials
      ? '(bearer token)'
      : describe(this.settings.credentials);
  }

  /**
   * One request with authentication: sends it (with a per-request header, or a
   * handshake first on a new connection once the scheme is known), answers a
   * 401 with the chosen scheme, and returns the final answer. `error` is set
   * when authentication failed (the answer is then the last 401).
   */
  async request<R extends { statusCode?: number; headers: RawHeader[]; aborted?: unknown }>(
    leg: AuthLeg<R>,
  ): Promise<{ res: R; error?: AuthError }> {
    const s = this.scheme;
    if (s && connectionBound(s) && !this.authenticated.has(leg.connection)) return this.handshake(leg, s, undefined);
    const first = s && !connectionBound(s) ? this.header(s) : undefined;
    const res = await leg.send(first);
    if (res.statusCode !== 401) return { res };
    const offered = authOffers(res.headers).map((o) => o.scheme);
    if (first !== undefined) return { res, error: this.refused(s!, offered) };
    // A 401 on a connection that was authenticated: the server forgot it; one fresh handshake.
    const scheme = s ?? this.choose(offered);
    if (scheme instanceof AuthError) return { res, error: scheme };
    this.scheme = scheme;
    if (scheme === 'negotiate' && !this.notes.includes(KERBEROS_NOTE)) this.notes.push(KERBEROS_NOTE);
    if (!connectionBound(scheme)) {
      const again = await leg.send(this.header(scheme));
      return again.statusCode === 401 ? { res: again, error: this.refused(scheme, offered) } : { res: again };
    }
    this.authenticated.delete(leg.connection);
    return this.handshake(leg, scheme, offered);
  }

  private choose(offered: string[]): AuthScheme | AuthError {
    const lower = offered.map((o) => o.toLowerCase());
    const usable = PREFERENCE.filter((p) => lower.includes(p));
    if (usable.length === 0)
      return new AuthError(
        'unsupported',
        offered.length
          ? `the server asks for ${offered.join(', ')}, which MapiScope does not speak (it speaks Basic, NTLM, Negotiate, Bearer)`
          : 'the server answered 401 without any WWW-Authenticate scheme',
        undefined,
        offered,
      );
    const pick = usable.find((p) => this.canUse(p));
    if (pick) return pick;
    const wants = usable.map((u) => SCHEME_NAME[u]).join(', ');
    const how = usable.every((u) => u === 'bearer')
      ? 'give --bearer TOKEN'
      : 'give --user (DOMAIN\\user or user@domain) and --password, or set MAPISCOPE_PASSWORD';
    return new AuthError(
      'missing-credentials',
      `the server asks for ${wants} authentication: ${how}`,
      undefined,
      offered,
    );
  }

  private header(s: AuthScheme): string {
    if (s === 'bearer') return `Bearer ${this.settings.token ?? ''}`;
    const c = this.settings.credentials;
    const user = c ? (c.domain ? `${c.domain}\\${c.user}` : c.user) : '';
    return 'Basic ' + Buffer.from(`${user}:${c?.password ?? ''}`, 'utf8').toString('base64');
  }

  private refused(s: AuthScheme, offered: string[]): AuthError {
    return new AuthError(
      'refused',
      `${SCHEME_NAME[s]}: the server refused the credentials of ${this.identity} (wrong user name or password, or the account may not use this server)`,
      s,
      offered,
    );
  }

  private record(
    leg: { connectionId: number; localAddress: string },
    s: AuthScheme,
    legs: number,
    ok: boolean,
    detail: string,
  ): void {
    const h: HandshakeRecord = {
      connectionId: leg.connectionId,
      localAddress: leg.localAddress,
      scheme: s,
      at: Date.now(),
      legs,
      ok,
      detail,
    };
    this.handshakes.push(h);
    this.onHandshake?.(h);
  }

  /** NEGOTIATE → CHALLENGE → AUTHENTICATE on this connection ([MS-NLMP] 3.1.5.1, [MS-SPNG] 3.3.5). */
  private async handshake<R extends { statusCode?: number; headers: RawHeader[]; aborted?: unknown }>(
    leg: AuthLeg<R>,
    s: AuthScheme,
    offered: string[] | undefined,
  ): Promise<{ res: R; error?: AuthError }> {
    const c = this.settings.credentials;
    const name = SCHEME_NAME[s];
    if (!c) {
      const res = await leg.send(undefined);
      return {
        res,
        error: new AuthError(
          'missing-credentials',
          `${name} needs a user and password: give --user (DOMAIN\\user or user@domain) and --password, or set MAPISCOPE_PASSWORD`,
          s,
          offered ?? [],
        ),
      };
    }
    const workstation = (this.settings.workstation ?? os.hostname()).split('.')[0]!.toUpperCase();
    const type1 = Buffer.from(ntlm.createType1Message(workstation, '').slice(5), 'base64');
    const wrap1 = s === 'negotiate' ? Buffer.from(negTokenInit(type1)) : type1;
    const r1 = await leg.send(`${name} ${wrap1.toString('base64')}`, true);
    if (r1.statusCode !== 401) {
      // Accepted without a challenge (rare; some proxies): the connection counts as authenticated.
      if (r1.statusCode !== undefined && !r1.aborted) {
        this.authenticated.add(leg.connection);
        this.record(leg, s, 1, true, 'accepted after the first message');
      }
      return { res: r1 };
    }
    const offers = authOffers(r1.headers);
    const mine = offers.find((o) => o.scheme.toLowerCase() === s && o.token);
    if (!mine) {
      const names = offers.map((o) => o.scheme);
      this.record(leg, s, 1, false, 'no challenge');
      if (!names.some((n) => n.toLowerCase() === s))
        return {
          res: r1,
          error: new AuthError(
            'not-offered',
            `${name} was forced but the server offers ${names.length ? names.join(', ') : 'no scheme'}`,
            s,
            names,
          ),
        };
      return {
        res: r1,
        error: new AuthError(
          'broken-handshake',
          `${name}: the server answered the first handshake message without a challenge (is a proxy between us dropping the connection?)`,
          s,
          names,
        ),
      };
    }
    let type2: Type2Message;
    try {
      let token = Buffer.from(mine.token!, 'base64');
      if (s === 'negotiate') {
        const resp = parseNegTokenResp(token);
        if (resp.negState === 2 || resp.supportedMech === 'kerberos' || !resp.responseToken)
          throw new Error(
            resp.supportedMech === 'kerberos'
              ? 'the server insists on Kerberos, which MapiScope cannot do here'
              : 'the server rejected NTLM inside SPNEGO',
          );
        token = Buffer.from(resp.responseToken);
      }
      type2 = ntlm.decodeType2Message(token.toString('base64'));
    } catch (e) {
      this.record(leg, s, 1, false, 'bad challenge');
      return {
        res: r1,
        error: new AuthError(
          'broken-handshake',
          `${name}: ${e instanceof Error ? e.message : String(e)}`,
          s,
          offers.map((o) => o.scheme),
        ),
      };
    }
    if (type2.version !== 2 || !type2.targetInfo) {
      this.record(leg, s, 1, false, 'NTLMv1 only');
      return {
        res: r1,
        error: new AuthError(
          'unsupported',
          `${name}: the server's challenge does not allow NTLMv2 (no extended session security or target info); MapiScope does not send NTLMv1 responses`,
          s,
        ),
      };
    }
    const type3 = Buffer.from(
      ntlm
        .createType3Message(type2, c.user, c.password, workstation, c.domain ?? (c.user.includes('@') ? '' : undefined))
        .slice(5),
      'base64',
    );
    const wrap3 = s === 'negotiate' ? Buffer.from(negTokenResp(type3)) : type3;
    const r2 = await leg.send(`${name} ${wrap3.toString('base64')}`);
    if (r2.statusCode === 401) {
      this.record(leg, s, 2, false, 'credentials refused');
      return {
        res: r2,
        error: this.refused(
          s,
          authOffers(r2.headers).map((o) => o.scheme),
        ),
      };
    }
    if (r2.statusCode === undefined || r2.aborted) {
      this.record(leg, s, 2, false, 'connection lost during the handshake');
      return { res: r2 };
    }
    this.authenticated.add(leg.connection);
    this.record(leg, s, 2, true, `${name} handshake on connection ${leg.connectionId}`);
    return { res: r2 };
  }
}
