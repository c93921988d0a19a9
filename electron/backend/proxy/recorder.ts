/**
 * The sans-IO half of the proxy: turns what was observed on the two legs into one Exchange.
 * It owns no sockets and never reads the clock itself; the Node side (mitm-engine.ts) feeds it
 * events with their times. That keeps the model testable with plain tables and lets replay
 * build Exchanges the same way.
 *
 * Why not a full sans-IO protocol core? http-mitm-proxy owns the HTTP
 * parsing and the sockets; the engine only observes and corrects it. The part that is ours
 * (what gets recorded, and how a failure is classified) lives here.
 */
import type {
  AbortKind,
  BodyChunk,
  Endpoint,
  Exchange,
  HttpRequest,
  HttpResponse,
  RawHeader,
  TlsInfo,
} from '../../../shared/capture/exchange.js';
import { concatBytes } from '../../../shared/codec/bytes.js';

/** Node's rawHeaders ([name, value, name, value, ...]) as wire-order pairs. */
export function rawPairs(raw: readonly string[]): RawHeader[] {
  const out: RawHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i]!, value: raw[i + 1]! });
  return out;
}

export interface RequestHead {
  method: string;
  url: string;
  httpVersion: string;
  headers: RawHeader[];
}

export interface ResponseHead {
  statusCode: number;
  statusMessage: string;
  httpVersion: string;
  headers: RawHeader[];
}

export type RecorderState = 'request' | 'response' | 'done' | 'aborted';

export class ExchangeRecorder {
  private reqParts: Uint8Array[] = [];
  private reqBytes = 0;
  private resParts: Uint8Array[] = [];
  private resBytes = 0;
  private chunks: BodyChunk[] = [];
  private resHead?: ResponseHead;
  private trailers?: RawHeader[];
  private requestEnd?: number;
  private responseHeaders?: number;
  private responseEnd?: number;
  private abortInfo?: { kind: AbortKind; message: string };
  state: RecorderState = 'request';
  server?: Endpoint;
  tls?: TlsInfo;

  constructor(
    readonly connectionId: number,
    readonly requestStart: number,
    readonly head: RequestHead,
    readonly origin: string,
    readonly client?: Endpoint,
  ) {}

  requestData(bytes: Uint8Array): void {
    this.reqParts.push(bytes);
    this.reqBytes += bytes.length;
  }

  requestDone(time: number): void {
    this.requestEnd ??= time;
  }

  responseHead(head: ResponseHead, time: number): void {
    this.resHead = head;
    this.responseHeaders = time;
    if (this.state === 'request') this.state = 'response';
  }

  /** One `data` event from upstream: the bytes and when they arrived. */
  responseData(bytes: Uint8Array, time: number): BodyChunk {
    const chunk = { time, offset: this.resBytes, length: bytes.length };
    this.chunks.push(chunk);
    this.resParts.push(bytes);
    this.resBytes += bytes.length;
    return chunk;
  }

  responseTrailers(t: RawHeader[]): void {
    if (t.length > 0) this.trailers = t;
  }

  /** The last byte went out to the client. Returns false if the exchange had already ended. */
  complete(time: number): boolean {
    if (this.state === 'done' || this.state === 'aborted') return false;
    this.responseEnd = time;
    this.state = 'done';
    return true;
  }

  /** First abort wins (a reset is often followed by close and error events). */
  abort(kind: AbortKind, message: string, time: number): boolean {
    if (this.state === 'done' || this.state === 'aborted') return false;
    this.abortInfo = { kind, message };
    this.responseEnd = time;
    this.state = 'aborted';
    return true;
  }

  get finished(): boolean {
    return this.state === 'done' || this.state === 'aborted';
  }

  get responseBytes(): number {
    return this.resBytes;
  }

  get abortKind(): AbortKind | undefined {
    return this.abortInfo?.kind;
  }

  build(id: number): Exchange {
    const request: HttpRequest = {
      method: this.head.method,
      url: this.head.url,
      httpVersion: this.head.httpVersion,
      headers: this.head.headers,
      body: joinParts(this.reqParts),
    };
    let response: HttpResponse | undefined;
    if (this.resHead) {
      response = {
        statusCode: this.resHead.statusCode,
        statusMessage: this.resHead.statusMessage,
        httpVersion: this.resHead.httpVersion,
        headers: this.resHead.headers,
        body: joinParts(this.resParts),
        chunks: this.chunks,
        ...(this.trailers ? { trailers: this.trailers } : {}),
      };
    }
    return {
      id,
      connectionId: this.connectionId,
      ...(this.client ? { client: this.client } : {}),
      ...(this.server ? { server: this.server } : {}),
      origin: this.origin,
      timings: {
        requestStart: this.requestStart,
        ...(this.requestEnd !== undefined ? { requestEnd: this.requestEnd } : {}),
        ...(this.responseHeaders !== undefined ? { responseHeaders: this.responseHeaders } : {}),
        ...(this.responseEnd !== undefined ? { responseEnd: this.responseEnd } : {}),
      },
      request,
      ...(response ? { response } : {}),
      ...(this.abortInfo ? { aborted: this.abortInfo } : {}),
      ...(this.tls ? { tls: this.tls } : {}),
    };
  }
}

/** The recorded body: the one part itself when there is one (no copy). */
function joinParts(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}

/** Classifies a failure on the upstream leg from what the socket reported. */
export function classifyUpstreamFailure(f: {
  /** The upstream socket emitted ECONNRESET (a TCP RST arrived). */
  sawReset: boolean;
  /** Error object passed along by Node / the library, if any. */
  error?: { code?: string; message?: string; syscall?: string };
}): AbortKind {
  if (f.sawReset) return 'upstream-reset';
  const e = f.error;
  if (e?.code === 'ECONNRESET' && e.syscall === 'read') return 'upstream-reset';
  if (e?.code === 'ETIMEDOUT') return 'timeout';
  // Node reports a FIN before/inside a response as "socket hang up" / "aborted" with ECONNRESET.
  if (e?.code === 'ECONNRESET' || e?.message === 'aborted' || e?.message === 'socket hang up') return 'upstream-close';
  return 'upstream-error';
}

/** TLS verification failures that mean "the upstream certificate is not trusted". */
export const CERT_ERROR_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);
