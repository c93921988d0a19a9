/**
 * The proxy engine contract. The capture service and the CLI only see this interface, so the
 * http-mitm-proxy implementation (mitm-engine.ts) can be swapped (mockttp, a native core)
 * without touching them.
 */
import type { EventEmitter } from 'node:events';
import type { Endpoint, Exchange } from '../../../shared/capture/exchange.js';
import type { CertificateAuthority } from '../ca/ca.js';

export type ProxyMode = 'forward' | 'reverse';

export interface ProxyLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface ProxyEngineOptions {
  mode: ProxyMode;
  /** Listen address; 127.0.0.1 unless another address is asked for explicitly. */
  host?: string;
  /** Listen port; 0 = ephemeral. */
  port?: number;
  /** Reverse mode target, "http(s)://host:port". Clients talk to the proxy as if it were this server. */
  reverseTarget?: string;
  /** CA for CONNECT interception (forward mode). Without it CONNECT is refused with 501. */
  ca?: CertificateAuthority;
  /** Extra CAs to trust for upstream TLS (added to Node's bundled roots). */
  upstreamCa?: string | string[];
  /** "host:port" entries whose certificate problems are accepted ("trust anyway"). */
  trustedHosts?: string[];
  /** Where the library's and our diagnostics go (default: dropped, but re-emitted as 'log'). */
  logger?: ProxyLogger;
  /** Id of the first exchange (continuing an existing capture). Default 1. */
  firstId?: number;
  /**
   * Crash safety: called with each completed exchange *before* the client receives the end of its
   * response; the end is held until the promise settles (at most `holdLimitMs`). A capture store
   * resolves it once the record is written, so a client never sees an exchange complete that a
   * crash could still lose.
   */
  holdUntil?: (ex: Exchange) => Promise<unknown> | undefined;
  /** Upper bound of the hold, ms (default 2000): a stalled disk must not stall the client for long. */
  holdLimitMs?: number;
  /**
   * Forward mode: answers plain requests addressed to the proxy itself (origin-form, Host = the
   * proxy's own address), e.g. the PAC script; undefined passes the request on as usual. These
   * are not recorded.
   */
  localRoute?: (method: string, path: string) => LocalResponse | Promise<LocalResponse> | undefined;
}

export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ConnectionEvent {
  type: 'open' | 'close' | 'error' | 'connect';
  connectionId: number;
  time: number;
  client?: Endpoint;
  /** CONNECT target ("host:port") for 'connect'. */
  target?: string;
  /** Error code/message for 'error', or a close caused by a reset. */
  error?: string;
}

export interface UntrustedCertificateEvent {
  /** "host:port" to pass to trustHost(). */
  host: string;
  error: string;
  code?: string;
  exchangeId: number;
}

/** A client refused the certificate MapiScope presented for `host` (it does not trust the CA). */
export interface ClientRejectedCertificateEvent {
  host: string;
  /** The TLS alert as OpenSSL reports it (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, …). */
  code: string;
  error: string;
  time: number;
}

export interface ChunkEvent {
  connectionId: number;
  url: string;
  time: number;
  offset: number;
  length: number;
}

export interface LogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface ProxyEngineEvents {
  exchange: [Exchange];
  connection: [ConnectionEvent];
  'untrusted-certificate': [UntrustedCertificateEvent];
  'client-rejected-certificate': [ClientRejectedCertificateEvent];
  chunk: [ChunkEvent];
  log: [LogEvent];
}

export interface ProxyEngine extends EventEmitter<ProxyEngineEvents> {
  readonly mode: ProxyMode;
  /** Starts listening; resolves with the bound address. */
  start(): Promise<Endpoint>;
  /** Stops listening, closes every connection; exchanges in flight are emitted as aborted. */
  stop(): Promise<void>;
  readonly address: Endpoint | undefined;
  /** Accept certificate problems for "host:port" from now on (per host, explicit). */
  trustHost(hostPort: string): void;
  untrustHost(hostPort: string): void;
  trustedHosts(): string[];
  /** Open client connections and exchanges in flight. */
  stats(): { connections: number; inFlight: number; exchanges: number };
}
