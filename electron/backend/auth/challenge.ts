/**
 * `WWW-Authenticate` offers ([RFC 9110] 11.6.1): the schemes a server accepts
 * and, for NTLM and Negotiate, the token of a continuing handshake
 * ([MS-NTHT] 2.2.1: "NTLM <base64>" / "Negotiate <base64>").
 */
import type { RawHeader } from '../../../shared/capture/exchange.js';

export interface AuthOffer {
  /** Scheme as the server spelled it ("Negotiate", "NTLM", "Basic", "Bearer"). */
  scheme: string;
  /** base64 token68 (an NTLM/SPNEGO message), when present. */
  token?: string;
  /** auth-params as written (realm="…", …). */
  params?: string;
}

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export function authOffers(headers: readonly RawHeader[]): AuthOffer[] {
  const out: AuthOffer[] = [];
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'www-authenticate') continue;
    // Split on commas that begin a new challenge: ", Scheme" followed by space, end, or a token68.
    const parts = h.value.split(/,(?=\s*[A-Za-z][\w!#$%&'*+.^`|~-]*(?:\s+[^=\s,]+(?:\s|,|$|=)|\s*$|\s*,))/);
    for (const raw of parts) {
      const p = raw.trim();
      if (!p) continue;
      const m = /^([A-Za-z][\w!#$%&'*+.^`|~-]*)(?:\s+(.*))?$/.exec(p);
      if (!m) continue;
      const rest = m[2]?.trim();
      const offer: AuthOffer = { scheme: m[1]! };
      if (rest && TOKEN68.test(rest)) offer.token = rest;
      else if (rest) offer.params = rest;
      out.push(offer);
    }
  }
  return out;
}

/** The schemes offered, lower-case, without duplicates. */
export function offeredSchemes(headers: readonly RawHeader[]): string[] {
  return [...new Set(authOffers(headers).map((o) => o.scheme.toLowerCase()))];
}
