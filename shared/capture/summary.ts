/**
 * One row of the exchange list: what the list, filters and sessions view need
 * without the bodies. Computed once per exchange, from its typed head
 * (`summarizeExchange`, shared/protocol/summary.ts).
 */

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
