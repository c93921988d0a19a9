/**
 * Redaction for sharing captures: applied on every export unless the user
 * asks for `--no-redact`. What it replaces, with pseudonyms that stay the same
 * for the same secret across the whole capture (so sessions still group and
 * a reader can follow one cookie from Set-Cookie to every later request):
 * - Authorization / Proxy-Authorization credentials, keeping the scheme and,
 *   for NTLM (also inside Negotiate), the message type: "NTLM redacted-ntlm-type3-2";
 * - NTLM/Negotiate blobs in WWW-Authenticate / Proxy-Authenticate challenges;
 * - every cookie value (Cookie, Set-Cookie), per cookie name: "MapiContext=redacted-MapiContext-1";
 * - token-like query parameters (access_token, code, sig…) and, in text bodies,
 *   token/password fields (masked to the same length);
 * - optionally, user and mailbox names (`names`) in headers, URLs and bodies, in
 *   UTF-8 and UTF-16LE, ASCII case-insensitive, with pseudonyms of the same
 *   byte length so binary MAPI structures keep their sizes.
 * The report says what was replaced where, never the secret itself.
 */
import type { Exchange, RawHeader } from './exchange.js';
import { headerValue } from './exchange.js';
import { base64Decode, latin1Decode } from '../codec/bytes.js';

export type RedactionKind =
  'authorization' | 'challenge' | 'cookie' | 'set-cookie' | 'query-token' | 'body-token' | 'name' | 'header';

export interface RedactionItem {
  exchange: number;
  /** "request header Authorization", "response header Set-Cookie", "request url", "response body"… */
  where: string;
  kind: RedactionKind;
  /** What the secret was replaced by (the first pseudonym if several). */
  pseudonym: string;
}

export interface RedactionReport {
  exchanges: number;
  redactedExchanges: number;
  counts: Record<RedactionKind, number>;
  /** Distinct secrets replaced (each got one pseudonym). */
  distinctSecrets: number;
  /** The first `maxItems` replacements (all counts are in `counts`). */
  items: RedactionItem[];
  truncatedItems: number;
}

export interface RedactOptions {
  /** User or mailbox names (e.g. "alice@contoso.com", "alice", a legacy DN) to replace everywhere. */
  names?: readonly string[];
  /** More header names whose whole value is replaced (case-insensitive). */
  headers?: readonly string[];
  /** Cap on report items (default 1000). */
  maxItems?: number;
}

const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization']);
const CHALLENGE_HEADERS = new Set(['www-authenticate', 'proxy-authenticate']);
const COOKIE_HEADERS = new Set(['cookie']);
const SET_COOKIE_HEADERS = new Set(['set-cookie', 'set-cookie2']);
const QUERY_SECRETS =
  /^(access_token|id_token|refresh_token|token|code|client_secret|password|pwd|sig|signature|key|apikey|api_key|session|sessionid|sid)$/i;
const BODY_SECRETS =
  /((?:access_token|id_token|refresh_token|client_secret|password|assertion|client_assertion)["']?\s*[:=]\s*["']?)([^"'&\s,}<]+)/gi;

export class Redactor {
  private pseudonyms = new Map<string, string>();
  private counters = new Map<string, number>();
  private names: { lower: string; pseudo: string; pseudo8: string; utf8: Uint8Array; utf16: Uint8Array }[] = [];
  private extraHeaders: Set<string>;
  private rep: RedactionReport = {
    exchanges: 0,
    redactedExchanges: 0,
    counts: {
      authorization: 0,
      challenge: 0,
      cookie: 0,
      'set-cookie': 0,
      'query-token': 0,
      'body-token': 0,
      name: 0,
      header: 0,
    },
    distinctSecrets: 0,
    items: [],
    truncatedItems: 0,
  };
  private current = 0;
  private touched = false;
  private readonly maxItems: number;

  constructor(opts: RedactOptions = {}) {
    this.maxItems = opts.maxItems ?? 1000;
    this.extraHeaders = new Set((opts.headers ?? []).map((h) => h.toLowerCase()));
    const uniq = [...new Set((opts.names ?? []).map((n) => n.trim()).filter((n) => n.length > 0))];
    // Longest first, so "alice@contoso.com" is replaced before "alice".
    uniq.sort((a, b) => b.length - a.length);
    uniq.forEach((n, i) => {
      const lower = n.toLowerCase();
      const utf8 = asciiBytes(lower);
      const pseudo = sameLengthPseudonym(`user${i + 1}`, n.length);
      this.names.push({
        lower,
        pseudo,
        pseudo8: sameLengthPseudonym(`user${i + 1}`, utf8.length),
        utf8,
        utf16: utf16Bytes(lower),
      });
    });
  }

  /** The redacted copy of `ex` (the input is not changed). */
  exchange(ex: Exchange): Exchange {
    this.current = ex.id;
    this.touched = false;
    this.rep.exchanges++;
    const url = this.url(ex.request.url, 'request url');
    const reqHeaders = this.headers(ex.request.headers, 'request');
    const reqBody = this.body(ex.request.body, headerValue(ex.request.headers, 'Content-Type'), 'request body');
    let response = ex.response;
    if (response) {
      const headers = this.headers(response.headers, 'response');
      const body = this.body(response.body, headerValue(response.headers, 'Content-Type'), 'response body');
      const trailers = response.trailers ? this.headers(response.trailers, 'response trailer') : undefined;
      response = { ...response, headers, body, ...(trailers ? { trailers } : {}) };
    }
    const out: Exchange = {
      ...ex,
      request: { ...ex.request, url, headers: reqHeaders, body: reqBody },
      ...(response ? { response } : {}),
      ...(ex.comment !== undefined ? { comment: this.text(ex.comment, 'comment') } : {}),
      ...(ex.origin !== undefined ? { origin: this.text(ex.origin, 'origin') } : {}),
      ...(ex.tls?.serverName !== undefined
        ? { tls: { ...ex.tls, serverName: this.text(ex.tls.serverName, 'tls server name') } }
        : {}),
    };
    if (this.touched) this.rep.redactedExchanges++;
    return out;
  }

  report(): RedactionReport {
    return {
      ...this.rep,
      counts: { ...this.rep.counts },
      items: [...this.rep.items],
      distinctSecrets: this.pseudonyms.size,
    };
  }

  private note(where: string, kind: RedactionKind, pseudonym: string): void {
    this.touched = true;
    this.rep.counts[kind]++;
    if (this.rep.items.length < this.maxItems) this.rep.items.push({ exchange: this.current, where, kind, pseudonym });
    else this.rep.truncatedItems++;
  }

  /** One pseudonym per (namespace, secret), numbered per namespace. */
  private pseudonym(ns: string, secret: string, label = ns): string {
    const key = `${ns}\u0000${secret}`;
    let p = this.pseudonyms.get(key);
    if (p === undefined) {
      const n = (this.counters.get(label) ?? 0) + 1;
      this.counters.set(label, n);
      p = `redacted-${label}-${n}`;
      this.pseudonyms.set(key, p);
    }
    return p;
  }

  private headers(hs: readonly RawHeader[], side: string): RawHeader[] {
    return hs.map((h) => {
      const lower = h.name.toLowerCase();
      const where = `${side} header ${h.name}`;
      let value = h.value;
      if (AUTH_HEADERS.has(lower)) value = this.credential(value, where);
      else if (CHALLENGE_HEADERS.has(lower)) value = this.challenge(value, where);
      else if (COOKIE_HEADERS.has(lower)) value = this.cookies(value, where);
      else if (SET_COOKIE_HEADERS.has(lower)) value = this.setCookie(value, where);
      else if (this.extraHeaders.has(lower) && value !== '') {
        const p = this.pseudonym(`header:${lower}`, value, 'header');
        this.note(where, 'header', p);
        value = p;
      }
      value = this.text(value, where);
      return value === h.value ? h : { name: h.name, value };
    });
  }

  private credential(v: string, where: string): string {
    const m = /^\s*(\S+)(?:\s+(.*))?$/.exec(v);
    if (!m) return v;
    const scheme = m[1]!;
    const cred = (m[2] ?? '').trim();
    if (!cred) {
      // A bare token with no scheme: replace it whole.
      if (/^[A-Za-z]+$/.test(scheme)) return v;
      const p = this.pseudonym('auth', scheme, 'auth');
      this.note(where, 'authorization', p);
      return p;
    }
    const p = this.pseudonym('auth', cred, authLabel(scheme, cred));
    this.note(where, 'authorization', p);
    return `${scheme} ${p}`;
  }

  private challenge(v: string, where: string): string {
    // "NTLM <blob>", "Negotiate <blob>": the blob names the server and domain. Parameters (realm=…) stay.
    const m = /^\s*(NTLM|Negotiate|Kerberos)\s+([A-Za-z0-9+/=._~-]{8,})\s*$/i.exec(v);
    if (!m) return v;
    const p = this.pseudonym('auth', m[2]!, authLabel(m[1]!, m[2]!));
    this.note(where, 'challenge', p);
    return `${m[1]} ${p}`;
  }

  private cookies(v: string, where: string): string {
    return v
      .split(';')
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq <= 0) return part;
        const name = part.slice(0, eq).trim();
        const value = part.slice(eq + 1).trim();
        if (value === '') return part;
        const p = this.pseudonym(`cookie:${name}`, value, name.replace(/[^A-Za-z0-9_-]/g, '_'));
        this.note(`${where} (${name})`, 'cookie', p);
        const lead = part.slice(0, eq + 1);
        return `${lead}${p}`;
      })
      .join(';');
  }

  private setCookie(v: string, where: string): string {
    const semi = v.indexOf(';');
    const pair = semi < 0 ? v : v.slice(0, semi);
    const eq = pair.indexOf('=');
    if (eq <= 0) return v;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === '') return v;
    const p = this.pseudonym(`cookie:${name}`, value, name.replace(/[^A-Za-z0-9_-]/g, '_'));
    this.note(`${where} (${name})`, 'set-cookie', p);
    return `${pair.slice(0, eq + 1)}${p}${semi < 0 ? '' : v.slice(semi)}`;
  }

  private url(u: string, where: string): string {
    const q = u.indexOf('?');
    let out = u;
    if (q >= 0) {
      const base = u.slice(0, q + 1);
      const query = u
        .slice(q + 1)
        .split('&')
        .map((p) => {
          const eq = p.indexOf('=');
          if (eq <= 0) return p;
          const k = p.slice(0, eq);
          const val = p.slice(eq + 1);
          if (!QUERY_SECRETS.test(k) || val === '') return p;
          const ps = this.pseudonym(`query:${k.toLowerCase()}`, val, k.replace(/[^A-Za-z0-9_-]/g, '_'));
          this.note(`${where} (${k})`, 'query-token', ps);
          return `${k}=${ps}`;
        })
        .join('&');
      out = base + query;
    }
    return this.text(out, where);
  }

  /** Names in a header, URL or comment (case-insensitive). */
  private text(s: string, where: string): string {
    if (!this.names.length || !s) return s;
    let lower = s.toLowerCase();
    let out = s;
    for (const n of this.names) {
      let i = lower.indexOf(n.lower);
      if (i < 0) continue;
      let parts = '';
      let last = 0;
      for (; i >= 0; i = lower.indexOf(n.lower, i + n.lower.length)) {
        parts += out.slice(last, i) + n.pseudo;
        last = i + n.lower.length;
        this.note(where, 'name', n.pseudo);
      }
      out = parts + out.slice(last);
      lower = out.toLowerCase();
    }
    return out;
  }

  private body(b: Uint8Array, contentType: string | undefined, where: string): Uint8Array {
    let out = b;
    if (this.names.length && b.length) {
      for (const n of this.names) {
        for (const [needle, wide] of [
          [n.utf8, false],
          [n.utf16, true],
        ] as const) {
          let i = findCaseless(out, needle, 0, wide);
          while (i >= 0) {
            if (out === b) out = b.slice();
            writePseudo(out, i, wide ? n.pseudo : n.pseudo8, wide);
            this.note(where, 'name', n.pseudo);
            i = findCaseless(out, needle, i + needle.length, wide);
          }
        }
      }
    }
    if (
      b.length &&
      contentType &&
      /text|json|xml|form-urlencoded|javascript/i.test(contentType) &&
      b.length < 16 << 20
    ) {
      const text = latin1Decode(out);
      let changed = false;
      const masked = text.replace(BODY_SECRETS, (_all, key: string, val: string) => {
        changed = true;
        this.note(where, 'body-token', 'x'.repeat(Math.min(8, val.length)) + '…');
        return key + 'x'.repeat(val.length);
      });
      if (changed) {
        const copy = out === b ? b.slice() : out;
        for (let i = 0; i < masked.length; i++) copy[i] = masked.charCodeAt(i);
        out = copy;
      }
    }
    return out;
  }
}

function authLabel(scheme: string, cred: string): string {
  const s = scheme.toLowerCase();
  if (s === 'ntlm' || s === 'negotiate') {
    const blob = base64Decode(cred);
    if (blob && blob.length >= 12 && latin1Decode(blob.subarray(0, 8)) === 'NTLMSSP\u0000')
      return `ntlm-type${blob[8]}`;
    return s === 'ntlm' ? 'ntlm' : 'negotiate';
  }
  if (s === 'bearer') return 'bearer';
  if (s === 'basic') return 'basic';
  return s.replace(/[^a-z0-9]/g, '') || 'auth';
}

function sameLengthPseudonym(base: string, len: number): string {
  if (len < base.length) return base.slice(0, 1) + 'x'.repeat(Math.max(0, len - 1));
  return base + 'x'.repeat(len - base.length);
}

function asciiBytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function utf16Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i * 2] = c & 0xff;
    out[i * 2 + 1] = c >> 8;
  }
  return out;
}

const lowerByte = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** ASCII case-insensitive search; `needle` is already lower case. */
function findCaseless(hay: Uint8Array, needle: Uint8Array, from: number, wide: boolean): number {
  const n = needle.length;
  if (!n) return -1;
  const first = needle[0]!;
  for (let i = from; i + n <= hay.length; i++) {
    if (lowerByte(hay[i]!) !== first) continue;
    let j = 1;
    for (; j < n; j++) {
      const want = needle[j]!;
      const got = hay[i + j]!;
      if (wide && j % 2 === 1 ? got !== want : lowerByte(got) !== want) break;
    }
    if (j === n) return i;
  }
  return -1;
}

function writePseudo(out: Uint8Array, at: number, pseudo: string, wide: boolean): void {
  for (let k = 0; k < pseudo.length; k++) {
    if (wide) {
      out[at + k * 2] = pseudo.charCodeAt(k);
      out[at + k * 2 + 1] = 0;
    } else out[at + k] = pseudo.charCodeAt(k);
  }
}

/** Convenience: redact a whole list with one Redactor. */
export function redactAll(
  exs: readonly Exchange[],
  opts: RedactOptions = {},
): { exchanges: Exchange[]; report: RedactionReport } {
  const r = new Redactor(opts);
  return { exchanges: exs.map((e) => r.exchange(e)), report: r.report() };
}

/**
 * Finds the user and mailbox names a capture gives away, for `names`:
 * X-User-Identity / X-AnchorMailbox values (and their local part), the user of
 * Basic credentials and of NTLM type-3 messages (user, domain\user,
 * workstation), and the user DN a Connect request carries (and its last cn).
 * Run it over the whole capture first, then redact with the result.
 */
export class NameCollector {
  private found = new Set<string>();

  add(ex: Exchange): void {
    for (const h of ex.request.headers) {
      const lower = h.name.toLowerCase();
      if (lower === 'x-user-identity' || lower === 'x-anchormailbox')
        this.email(h.value.replace(/^[A-Za-z]+:(?=.*@)/, ''));
      else if (lower === 'authorization' || lower === 'proxy-authorization') this.credential(h.value);
    }
    const m = /[?&]mailboxid=([^&]+)/i.exec(ex.request.url);
    if (m) {
      const v = safeDecode(m[1]!);
      // "<mailbox guid>@domain": the domain names the organisation.
      const at = v.indexOf('@');
      if (at > 0) this.put(v.slice(at + 1));
    }
    if (/^connect$/i.test(headerValue(ex.request.headers, 'X-RequestType') ?? '')) {
      const text = latin1Decode(ex.request.body);
      for (const dn of text.matchAll(/\/o=[^\0]{3,1024}?(?=\0|$)/gi)) {
        this.put(dn[0]);
        const cn = /\/cn=([^/]+)$/i.exec(dn[0]);
        if (cn) {
          this.put(cn[1]!);
          const tail = /-([^-]{3,})$/.exec(cn[1]!);
          if (tail) this.put(tail[1]!);
        }
      }
    }
  }

  names(): string[] {
    return [...this.found].sort();
  }

  private put(s: string): void {
    const v = s.trim();
    if (v.length >= 3) this.found.add(v);
  }

  private email(v: string): void {
    this.put(v);
    const at = v.indexOf('@');
    if (at > 0) this.put(v.slice(0, at));
  }

  private credential(v: string): void {
    const m = /^\s*(\S+)\s+(\S+)/.exec(v);
    if (!m) return;
    const scheme = m[1]!.toLowerCase();
    const blob = base64Decode(m[2]!);
    if (!blob) return;
    if (scheme === 'basic') {
      const text = new TextDecoder().decode(blob);
      const user = text.slice(0, Math.max(0, text.indexOf(':')));
      if (!user) return;
      this.put(user);
      const bs = user.lastIndexOf('\\');
      if (bs >= 0) this.put(user.slice(bs + 1));
      if (user.includes('@')) this.email(user);
      return;
    }
    if (
      (scheme === 'ntlm' || scheme === 'negotiate') &&
      blob.length >= 64 &&
      latin1Decode(blob.subarray(0, 8)) === 'NTLMSSP\u0000' &&
      blob[8] === 3
    ) {
      // NTLM AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3): DomainName @28, UserName @36, Workstation @44; NegotiateFlags @60.
      const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
      const unicode = (dv.getUint32(60, true) & 1) === 1;
      const field = (at: number): string => {
        const len = dv.getUint16(at, true);
        const off = dv.getUint32(at + 4, true);
        if (off + len > blob.length) return '';
        const b = blob.subarray(off, off + len);
        return unicode ? new TextDecoder('utf-16le').decode(b) : latin1Decode(b);
      };
      const domain = field(28);
      const user = field(36);
      this.put(user);
      if (domain && user) this.put(`${domain}\\${user}`);
      if (user.includes('@')) this.email(user);
      this.put(field(44));
    }
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
