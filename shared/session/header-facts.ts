/**
 * The facts an exchange's HTTP heads give, before any body is decoded: timings, status,
 * abort, authorization (NTLM message type), client and server applications, X-RequestId,
 * X-ResponseCode, X-PendingPeriod, X-ExpirationInfo, certificate errors.
 */
import { type Exchange, headerValue, headerValues } from '../capture/exchange.js';
import { parseResponseCode } from '../protocol/mapihttp/request-types.js';
import type { ExchangeFacts } from './types.js';

export function timingFacts(ex: Exchange, f: ExchangeFacts): void {
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

export function headerFacts(ex: Exchange, f: ExchangeFacts): void {
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

function ntlmType(token: string): number | undefined {
  try {
    const bin = atob(token.trim());
    if (!bin.startsWith('NTLMSSP\0') || bin.length < 12) return undefined;
    return bin.charCodeAt(8) | (bin.charCodeAt(9) << 8);
  } catch {
    return undefined;
  }
}
