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
 *   UTF-8, Latin-1 and UTF-16LE (and URL-encoded in URLs and headers), ASCII
 *   case-insensitive, with pseudonyms of the same byte length so binary MAPI
 *   structures keep their sizes; a GUID (a MailboxId that spells out an address)
 *   gets a GUID-shaped pseudonym. `structured` (shared/redact) rewrites MAPI
 *   bodies through their decoded structure: inside compressed or obfuscated
 *   payloads too, and never over a numeric field.
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

/** One occurrence of a name in a byte buffer. */
export interface NameMatch {
  at: number;
  length: number;
  /** The bytes that replace it (same length). */
  replacement: Uint8Array;
  pseudonym: string;
}

/**
 * Rewrites the bodies of an exchange with the names replaced, through their
 * decoded structure (see shared/redact). Undefined when it does not apply (not
 * a MAPI exchange): the Redactor then searches the raw bytes itself.
 */
export type StructuredBodies = (
  ex: Exchange,
  names: NameReplacer,
) => { request: Uint8Array; response?: Uint8Array | undefined } | undefined;

/** What a structured rewriter gets from the Redactor. */
export interface NameReplacer {
  /** Every occurrence of every name in `bytes` (longest names first, non-overlapping). */
  matches(bytes: Uint8Array): NameMatch[];
  /** Records a replacement in the report. */
  note(where: string, m: NameMatch): void;
}

export interface RedactOptions {
  /** User or mailbox names (e.g. "alice@contoso.com", "alice", a legacy DN) to replace everywhere. */
  names?: readonly string[];
  /** MAPI bodies rewritten through the decoder (see `StructuredBodies`). */
  structured?: StructuredBodies;
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
  private names: NameNeedle[] = [];
  private readonly structured: StructuredBodies | undefined;
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
    this.structured = opts.structured;
    const uniq = [...new Set((opts.names ?? []).map((n) => n.trim()).filter((n) => n.length > 0))];
    // Longest first, so "alice@contoso.com" is replaced before "alice".
    uniq.sort((a, b) => b.length - a.length);
    let guids = 0;
    uniq.forEach((n, i) => {
      const guid = GUID_TEXT.exec(n);
      const pseudo = guid
        ? `${guid[1]}ffffffff-ffff-ffff-ffff-${String(++guids).padStart(12, '0')}${guid[2]}`
        : sameLengthPseudonym(`user${i + 1}`, n.length);
      this.names.push(nameNeedle(n, pseudo));
    });
  }

  /** The name-replacing side of the Redactor, for a `StructuredBodies` rewriter. */
  private readonly replacer: NameReplacer = {
    matches: (bytes) => this.nameMatches(bytes),
    note: (where, m) => this.note(where, 'name', m.pseudonym),
  };

  /** Every occurrence of a name in `bytes`, in all its byte forms; longest names win overlaps. */
  private nameMatches(bytes: Uint8Array): NameMatch[] {
    const out: NameMatch[] = [];
    if (!this.names.length || !bytes.length) return out;
    const taken: [number, number][] = [];
    const free = (at: number, len: number) => !taken.some(([a, l]) => at < a + l && a < at + len);
    for (const n of this.names)
      for (const f of n.forms) {
        for (
          let i = findCaseless(bytes, f.needle, 0, f.wide);
          i >= 0;
          i = findCaseless(bytes, f.needle, i + 1, f.wide)
        ) {
          if (!free(i, f.needle.length)) continue;
          taken.push([i, f.needle.length]);
          out.push({ at: i, length: f.needle.length, replacement: f.replacement, pseudonym: n.pseudo });
        }
      }
    return out.sort((a, b) => a.at - b.at);
  }

  /** The redacted copy of `ex` (the input is not changed). */
  exchange(ex: Exchange): Exchange {
    this.current = ex.id;
    this.touched = false;
    this.rep.exchanges++;
    const url = this.url(ex.request.url, 'request url');
    const reqHeaders = this.headers(ex.request.headers, 'request');
    let rewritten: ReturnType<StructuredBodies>;
    if (this.names.length && this.structured) {
      try {
        rewritten = this.structured(ex, this.replacer);
      } catch {
        rewritten = undefined; // a decoder bug must not stop the export: the byte search below still runs
      }
    }
    const reqBody = this.body(
      rewritten ? rewritten.request : ex.request.body,
      headerValue(ex.request.headers, 'Content-Type'),
      'request body',
      !!rewritten,
    );
    let response = ex.response;
    if (response) {
      const headers = this.headers(response.headers, 'response');
      const body = this.body(
        rewritten?.response ?? response.body,
        headerValue(response.headers, 'Content-Type'),
        'response body',
        !!rewritten,
      );
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

  /**
   * Only the credentials of `ex` redacted (Authorization and Proxy-Authorization, as
   * `exchange` does them): for traffic MapiScope sent itself (replay and probe captures),
   * where cookies and bodies are the user's own but a password or NTLM response must not land.
   */
  credentials(ex: Exchange): Exchange {
    this.current = ex.id;
    let changed = false;
    const headers = ex.request.headers.map((h) => {
      if (!AUTH_HEADERS.has(h.name.toLowerCase())) return h;
      changed = true;
      return { name: h.name, value: this.credential(h.value, `request header ${h.name}`) };
    });
    return changed ? { ...ex, request: { ...ex.request, headers } } : ex;
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

  /** Names in a header, URL or comment (case-insensitive), also URL-encoded. */
  private text(s: string, where: string): string {
    if (!this.names.length || !s) return s;
    let lower = s.toLowerCase();
    let out = s;
    for (const n of this.names)
      for (const [find, pseudo] of n.text) {
        let i = lower.indexOf(find);
        if (i < 0) continue;
        let parts = '';
        let last = 0;
        for (; i >= 0; i = lower.indexOf(find, i + find.length)) {
          parts += out.slice(last, i) + pseudo;
          last = i + find.length;
          this.note(where, 'name', n.pseudo);
        }
        out = parts + out.slice(last);
        lower = out.toLowerCase();
      }
    return out;
  }

  /** `searched`: the names were already replaced through the decoder (`structured`). */
  private body(b: Uint8Array, contentType: string | undefined, where: string, searched = false): Uint8Array {
    let out = b;
    if (this.names.length && b.length && !searched) {
      const found = this.nameMatches(b);
      if (found.length) {
        out = b.slice();
        for (const m of found) {
          out.set(m.replacement, m.at);
          this.note(where, 'name', m.pseudonym);
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

/** A GUID in text form (a MailboxId is "<guid>@<domain>"). */
const GUID_TEXT = /^(\{?)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\}?)$/i;

/** A name in every form it is searched in, each with its same-length replacement. */
interface NameNeedle {
  pseudo: string;
  /** Byte forms: UTF-8, Latin-1 (when it differs), UTF-16LE; needles in ASCII lower case. */
  forms: { needle: Uint8Array; wide: boolean; replacement: Uint8Array }[];
  /** Text forms (lower case) for headers and URLs: as is and URL-encoded. */
  text: [string, string][];
}

function nameNeedle(name: string, pseudo: string): NameNeedle {
  const lower = name.toLowerCase();
  const forms: NameNeedle['forms'] = [];
  const add = (needle: Uint8Array, wide: boolean) => {
    if (!forms.some((f) => f.wide === wide && sameBytes(f.needle, needle)))
      forms.push({ needle, wide, replacement: pseudoBytes(pseudo, needle.length, wide) });
  };
  add(asciiBytes(lower), false);
  if (/^[\u0000-\u00ff]*$/.test(lower)) add(latin1Bytes(lower), false);
  add(utf16Bytes(lower), true);
  const text: [string, string][] = [[lower, pseudo]];
  const enc = encodeURIComponent(name).toLowerCase();
  if (enc !== lower) text.push([enc, sameLengthPseudonym(pseudo.replace(/x+$/, ''), enc.length)]);
  return { pseudo, forms, text };
}

/** `pseudo` as `length` bytes: ASCII padded with "x" (or cut), or UTF-16LE for wide needles. */
function pseudoBytes(pseudo: string, length: number, wide: boolean): Uint8Array {
  const chars = wide ? length / 2 : length;
  const p = pseudo.length === chars ? pseudo : sameLengthPseudonym(pseudo.replace(/x+$/, ''), chars);
  const out = new Uint8Array(length);
  for (let k = 0; k < chars; k++) {
    if (wide) out[k * 2] = p.charCodeAt(k);
    else out[k] = p.charCodeAt(k);
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
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
      // "<mailbox guid>@domain": the domain names the organisation; a GUID that spells out text
      // (gromox writes the user's address into it) is pseudonymised too.
      const at = v.indexOf('@');
      if (at > 0) this.put(v.slice(at + 1));
      const g = v.slice(0, at < 0 ? v.length : at);
      if (guidSpellsText(g)) this.found.add(g);
    }
    if (/^connect$/i.test(headerValue(ex.request.headers, 'X-RequestType') ?? '')) {
      const text = latin1Decode(ex.request.body);
      for (const dn of text.matchAll(/\/o=[^\0]{3,1024}?(?=\0|$)/gi)) this.dn(dn[0]);
    }
  }

  names(): string[] {
    return [...this.found].sort();
  }

  /**
   * A string decoded from a body (shared/redact walks the decoded trees): the
   * addresses, legacy DNs and text-spelling GUIDs in it, and, when the field
   * names a person (`person`), the value itself and each "; "-separated part.
   */
  value(s: string, person = false): void {
    if (s.length < 3) return;
    if (s.includes('@')) for (const m of s.matchAll(EMAIL)) this.email(m[0]);
    if (/\/o=/i.test(s)) for (const m of s.matchAll(LEGACY_DN)) this.dn(m[0]);
    if (s.includes('-')) for (const m of s.matchAll(GUID_ANY)) if (guidSpellsText(m[0])) this.found.add(m[0]);
    if (person) {
      this.put(s);
      if (s.includes(';')) for (const part of s.split(';')) this.put(part);
    }
  }

  private put(s: string): void {
    const v = s.trim();
    if (v.length >= 3) this.found.add(v);
  }

  private email(v: string): void {
    const at = v.indexOf('@');
    const local = at > 0 ? v.slice(0, at) : '';
    if (GUID_TEXT.test(local)) {
      // "<mailbox guid>@domain" is a MailboxId, not an address.
      if (guidSpellsText(local)) this.found.add(local);
      this.put(v.slice(at + 1));
      return;
    }
    this.put(v);
    if (local) this.put(local);
  }

  /** A legacy DN; for a recipient DN also its last cn and the part of that cn after a "-" (often the user name). */
  private dn(dn: string): void {
    this.put(dn);
    if (!/\/cn=Recipients\//i.test(dn)) return; // server and database DNs: their GUIDs and domains are found on their own
    const cn = /\/cn=([^/]+)$/i.exec(dn);
    if (cn) {
      this.put(cn[1]!);
      const tail = /-([^-]{3,})$/.exec(cn[1]!);
      if (tail) this.put(tail[1]!);
    }
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

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const LEGACY_DN = /\/o=[^\u0000-\u001f"<>]{3,1024}/gi;
const GUID_ANY = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Whether a GUID's bytes, in text order, start with readable text (at least 4
 * printable ASCII bytes, 3 of them letters): gromox builds MailboxIds from the
 * user's address ("616c6963-6540-…" is "alice@…").
 */
export function guidSpellsText(guid: string): boolean {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return false;
  let run = 0;
  let letters = 0;
  for (let i = 0; i < 32; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    if (c < 0x20 || c > 0x7e) break;
    run++;
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) letters++;
  }
  return run >= 4 && letters >= 3;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
