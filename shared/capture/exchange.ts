/**
 * The capture model: one HTTP exchange as it crossed the wire. Everything else
 * (decoders, session model, HAR/SAZ, replay, UI) reads this shape.
 *
 * Bytes are kept exactly as observed: headers in wire order and case with
 * duplicates, bodies with chunk framing removed but otherwise untouched.
 * Times are epoch milliseconds (fractional allowed).
 */

/** One header line, as it appeared on the wire (name case preserved). */
export interface RawHeader {
  readonly name: string;
  readonly value: string;
}

/** A slice of the response body as it arrived from upstream. */
export interface BodyChunk {
  /** When the chunk arrived at the proxy (epoch ms). */
  readonly time: number;
  /** Offset of the chunk's first byte in the de-chunked response body. */
  readonly offset: number;
  readonly length: number;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface TlsInfo {
  readonly protocol?: string;
  readonly cipher?: string;
  readonly serverName?: string;
  /** Problem with the upstream certificate, if any (e.g. "self-signed certificate"). */
  readonly certificateError?: string;
  readonly trustedAnyway?: boolean;
}

export interface ExchangeTimings {
  /** First byte of the request seen from the client. */
  readonly requestStart: number;
  /** Last byte of the request body received from the client. */
  readonly requestEnd?: number;
  /** Response status line and headers received from upstream. */
  readonly responseHeaders?: number;
  /** Last byte of the response delivered (or the moment it was aborted). */
  readonly responseEnd?: number;
}

export interface HttpRequest {
  readonly method: string;
  /** Request target as sent: absolute-form for a forward proxy, origin-form otherwise. */
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: readonly RawHeader[];
  readonly body: Uint8Array;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly httpVersion: string;
  readonly headers: readonly RawHeader[];
  /** De-chunked body bytes as received (content-encoding not undone). */
  readonly body: Uint8Array;
  readonly chunks: readonly BodyChunk[];
  /** Trailers after a chunked body, if any. */
  readonly trailers?: readonly RawHeader[];
}

export type AbortKind = 'client-reset' | 'upstream-reset' | 'upstream-close' | 'upstream-error' | 'timeout';

export interface Exchange {
  /** 1-based position in the capture. */
  readonly id: number;
  /** Client TCP connection this exchange arrived on (same id = same socket). */
  readonly connectionId: number;
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  /** Scheme + host + port of the upstream, e.g. "https://mail.contoso.com:443". */
  readonly origin?: string;
  readonly timings: ExchangeTimings;
  readonly request: HttpRequest;
  /** Absent when no response status line was received. */
  readonly response?: HttpResponse;
  readonly aborted?: { readonly kind: AbortKind; readonly message: string };
  readonly tls?: TlsInfo;
  /** Owning process where known (SAZ x-processinfo such as "outlook:1234"). */
  readonly process?: string;
  /** Free-form comment carried through HAR/SAZ. */
  readonly comment?: string;
}

/** Case-insensitive header lookup: first value, or undefined. */
export function headerValue(headers: readonly RawHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** Case-insensitive lookup of every value of a header, in wire order. */
export function headerValues(headers: readonly RawHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === lower) out.push(h.value);
  return out;
}

/** Path part of a request target, without query ("/mapi/emsmdb/"). */
export function requestPath(url: string): string {
  let s = url;
  const scheme = s.indexOf('://');
  if (scheme >= 0) {
    const slash = s.indexOf('/', scheme + 3);
    s = slash < 0 ? '/' : s.slice(slash);
  }
  const q = s.indexOf('?');
  return q < 0 ? s : s.slice(0, q);
}
