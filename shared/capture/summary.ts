/**
 * One row of the exchange list: what the list, filters and sessions view need
 * without the bodies. Computed once per exchange.
 */
import { type Exchange, headerValue, requestPath } from './exchange.js';

export type Endpoint = 'emsmdb' | 'nspi' | 'autodiscover' | 'rpcproxy' | 'other';

export interface ExchangeSummary {
  id: number;
  connectionId: number;
  /** Request start, epoch ms. */
  time: number;
  method: string;
  url: string;
  host?: string;
  endpoint: Endpoint;
  /** X-RequestType as sent (canonical spelling where known). */
  requestType?: string;
  status?: number;
  /** Final X-ResponseCode (after DONE when present, else the header). */
  responseCode?: number;
  durationMs?: number;
  requestBytes: number;
  responseBytes: number;
  aborted?: string;
  /** ROP names of an Execute request, in order. */
  rops?: string[];
  /** MAPI session number assigned by the session model (1-based). */
  session?: number;
  /** Highest finding severity for this exchange. */
  severity?: 'error' | 'warning' | 'info';
  clientInfo?: string;
}

export function endpointOf(url: string, headers: Exchange['request']['headers']): Endpoint {
  const p = requestPath(url).toLowerCase();
  if (p.includes('/mapi/emsmdb')) return 'emsmdb';
  if (p.includes('/mapi/nspi')) return 'nspi';
  if (p.includes('/autodiscover/')) return 'autodiscover';
  if (p.includes('/rpc/rpcproxy.dll')) return 'rpcproxy';
  const rt = headerValue(headers, 'X-RequestType');
  if (rt)
    return ['connect', 'execute', 'disconnect', 'notificationwait'].includes(rt.toLowerCase()) ? 'emsmdb' : 'other';
  return 'other';
}

function hostOf(ex: Exchange): string | undefined {
  const h = headerValue(ex.request.headers, 'Host');
  if (h) return h;
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(ex.request.url);
  return m?.[1];
}

/** Summary from headers alone; decoders may refine requestType/responseCode/rops afterwards. */
export function summarizeExchange(ex: Exchange): ExchangeSummary {
  const rc = ex.response ? headerValue(ex.response.headers, 'X-ResponseCode') : undefined;
  const end = ex.timings.responseEnd;
  const s: ExchangeSummary = {
    id: ex.id,
    connectionId: ex.connectionId,
    time: ex.timings.requestStart,
    method: ex.request.method,
    url: ex.request.url,
    endpoint: endpointOf(ex.request.url, ex.request.headers),
    requestBytes: ex.request.body.length,
    responseBytes: ex.response?.body.length ?? 0,
  };
  const host = hostOf(ex);
  if (host) s.host = host;
  const rt = headerValue(ex.request.headers, 'X-RequestType');
  if (rt) s.requestType = rt;
  if (ex.response) s.status = ex.response.statusCode;
  if (rc !== undefined && /^\d+$/.test(rc.trim())) s.responseCode = Number(rc.trim());
  if (end !== undefined) s.durationMs = end - ex.timings.requestStart;
  if (ex.aborted) s.aborted = ex.aborted.kind;
  const ci = headerValue(ex.request.headers, 'X-ClientInfo');
  if (ci) s.clientInfo = ci;
  return s;
}
