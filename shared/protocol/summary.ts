/** The exchange list's row of an exchange, from its typed head (`ExchangeHead`). */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeSummary } from '../capture/summary.js';
import { type ExchangeHead, parseExchangeHead } from './mapihttp/head.js';

function hostOf(ex: Exchange, head: ExchangeHead): string | undefined {
  if (head.host) return head.host;
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(ex.request.url);
  return m?.[1];
}

/** Summary from the heads alone; decoders may refine requestType/responseCode/rops afterwards. */
export function summarizeExchange(ex: Exchange, head: ExchangeHead = parseExchangeHead(ex)): ExchangeSummary {
  const end = ex.timings.responseEnd;
  const s: ExchangeSummary = {
    id: ex.id,
    connectionId: ex.connectionId,
    time: ex.timings.requestStart,
    method: ex.request.method,
    url: ex.request.url,
    endpoint: head.endpoint,
    requestBytes: ex.request.body.length,
    responseBytes: ex.response?.body.length ?? 0,
  };
  const host = hostOf(ex, head);
  if (host) s.host = host;
  if (head.requestTypeSent) s.requestType = head.requestTypeSent;
  if (head.status !== undefined) s.status = head.status;
  if (head.responseCode !== undefined) s.responseCode = head.responseCode;
  if (end !== undefined) s.durationMs = end - ex.timings.requestStart;
  if (ex.aborted) s.aborted = ex.aborted.kind;
  if (head.clientInfo) s.clientInfo = head.clientInfo;
  return s;
}
