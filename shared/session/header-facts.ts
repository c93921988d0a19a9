/**
 * The facts an exchange's HTTP heads give (read from its `ExchangeHead`), before any body is decoded: timings, status,
 * abort, authorization (NTLM message type), client and server applications, X-RequestId,
 * X-ResponseCode, X-PendingPeriod, X-ExpirationInfo, certificate errors.
 */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeHead } from '../protocol/mapihttp/head.js';
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

export function headerFacts(ex: Exchange, head: ExchangeHead, f: ExchangeFacts): void {
  if (head.authorization) f.authorization = head.authorization;
  if (head.clientApplication) f.clientApplication = head.clientApplication;
  if (head.userAgent) f.userAgent = head.userAgent;
  if (head.requestId) f.requestId = head.requestId;
  if (ex.tls?.certificateError) {
    f.certificateError = ex.tls.certificateError;
    f.certificateTrusted = ex.tls.trustedAnyway === true;
  }
  if (!ex.response) return;
  if (head.wwwAuthenticate.length) f.wwwAuthenticate = head.wwwAuthenticate;
  if (head.serverApplication) f.serverApplication = head.serverApplication;
  if (head.responseCode !== undefined) f.headerResponseCode = head.responseCode;
  if (head.pendingPeriodMs !== undefined) f.pendingPeriodMs = head.pendingPeriodMs;
  if (head.expirationMs !== undefined) f.expirationMs = head.expirationMs;
}
