/**
 * The parts of an exchange's HTTP messages that every capture format writes and reads the
 * same way: the request target in absolute form and the HTTP version text.
 */
import { utf8Encode } from '../codec/bytes.js';
import { type Exchange, headerValue } from './exchange.js';

/**
 * The absolute URL HAR requires: the target if absolute, else origin (or Host)
 * + target; characters a URI may not hold (space, quotes, braces, non-ASCII…)
 * percent-encoded. The target as sent is kept in `_exchange.target`.
 */
export function absoluteUrl(ex: Exchange): string {
  return uriSafe(absoluteTarget(ex));
}

/** The request target in absolute form (origin or Host prefixed), bytes unchanged. */
export function absoluteTarget(ex: Exchange): string {
  const u = ex.request.url;
  let abs: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) abs = u;
  else {
    const path = u.startsWith('/') ? u : '/' + u;
    // The default port is left out, as browsers and Fiddler write URLs (the origin itself is kept in _exchange).
    if (ex.origin)
      abs = ex.origin.replace(/\/$/, '').replace(/^(https:\/\/[^/]+):443$|^(http:\/\/[^/]+):80$/i, '$1$2') + path;
    else {
      const host = headerValue(ex.request.headers, 'Host');
      const scheme = ex.tls ? 'https' : 'http';
      abs = `${scheme}://${host ?? ex.server?.address ?? 'unknown'}${path}`;
    }
  }
  return abs;
}

function uriSafe(u: string): string {
  // Allowed: RFC 3986 unreserved, reserved and '%'. Everything else is percent-encoded as UTF-8.
  if (/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/.test(u)) return u;
  let out = '';
  for (const ch of u) {
    if (/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/.test(ch)) out += ch;
    else for (const b of utf8Encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * Exchanges carry the version as Node reports it ("1.1"); HAR and the wire
 * want "HTTP/1.1". A version these two functions do not carry back exactly is
 * kept in `_exchange.versions` (SAZ: x-mapiscope-versions).
 */
export function harVersion(v: string): string {
  if (/^HTTP\//i.test(v)) return v;
  if (/^\d/.test(v)) return `HTTP/${v}`;
  return v || 'HTTP/1.1';
}

export function exchangeVersion(wire: string): string {
  const m = /^HTTP\/(\d+(?:\.\d+)?)$/i.exec(wire.trim());
  return m ? m[1]! : wire;
}
