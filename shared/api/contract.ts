/**
 * The typed contract between the renderer (or any client) and the backend.
 * One RPC surface, two transports: Electron's preload bridge (ipc invoke) and
 * HTTP `POST /api/rpc/<method>` with a per-run bearer token. Events stream
 * over the bridge or the WebSocket at `/api/events`.
 *
 * Binary data travels as base64 strings so the same JSON works on both.
 */
import type { ExchangeSummary } from '../capture/summary.js';
import type { ReplayRunData } from './replay.js';
import type { FieldInfo } from '../filter/types.js';

export interface BackendStatus {
  version: string;
  startedAt: number;
  /** "electron" inside the desktop app, "browser" when served over HTTP. */
  mode: 'electron' | 'headless';
  exchangeCount: number;
  capture: CaptureState;
  /** Open capture file, if any. */
  file?: string;
  services: string[];
}

export interface CaptureState {
  running: boolean;
  mode?: 'forward' | 'reverse';
  port?: number;
  target?: string;
  file?: string;
  error?: string;
}

export interface WireHeader {
  name: string;
  value: string;
}

/** An exchange as the UI receives it: bodies base64. */
export interface ExchangeDto {
  id: number;
  connectionId: number;
  client?: { address: string; port: number };
  server?: { address: string; port: number };
  origin?: string;
  timings: { requestStart: number; requestEnd?: number; responseHeaders?: number; responseEnd?: number };
  request: { method: string; url: string; httpVersion: string; headers: WireHeader[]; body: string };
  response?: {
    statusCode: number;
    statusMessage: string;
    httpVersion: string;
    headers: WireHeader[];
    body: string;
    chunks: { time: number; offset: number; length: number }[];
  };
  aborted?: { kind: string; message: string };
  tls?: Record<string, unknown>;
  process?: string;
  comment?: string;
}

/** A decoded tree in JSON form (bigint as string, bytes as hex), see shared/codec/node.ts. */
export interface TreeNodeDto {
  name: string;
  value?: unknown;
  display?: string;
  offset: number;
  length: number;
  buffer?: string;
  generated?: boolean;
  children?: TreeNodeDto[];
  error?: string;
}

export interface DecodedPartDto {
  requestType: string;
  direction: 'request' | 'response';
  tree: TreeNodeDto;
  errors: { path: string; message: string; offset: number }[];
  unparsedBytes: number;
  /** Buffer id → base64 bytes ("body" and decompressed payloads). */
  buffers: Record<string, string>;
  rops: { id: string; name: string }[];
}

export interface ExchangeDecodeDto {
  id: number;
  endpoint: string;
  requestType?: string;
  responseCode?: number;
  http: { request: TreeNodeDto; response?: TreeNodeDto };
  /** Header text buffers the http trees point into. */
  headBuffers: Record<string, string>;
  request?: DecodedPartDto;
  response?: DecodedPartDto;
  cookies: { name: string; value: string }[];
  setCookies: { name: string; value: string; attributes?: string }[];
  metaTags: { tag: string; offset: number }[];
  /** Decoding failed entirely (bug or unsupported); the exchange is still shown raw. */
  error?: string;
}

/** A filterable field as `filter.fields` sends it: an enum's names are in `tables[namesRef]`. */
export interface FilterFieldDto extends Omit<FieldInfo, 'names'> {
  namesRef?: string;
}

export interface FilterFieldsDto {
  fields: FilterFieldDto[];
  tables: Record<string, Readonly<Record<number, string>>>;
}

export interface FilterRunResult {
  /** Ids of the matching exchanges, in capture order. */
  ids: number[];
  /** Exchanges the filter was evaluated on (those the session pass had fed), of `total`. */
  evaluated: number;
  total: number;
  /** Problems in the filter text, by column (0-based); `ids` is empty when there are any. */
  errors: { at: number; message: string }[];
  ms: number;
}

export interface ApiMethods {
  status: { params: Record<string, never>; result: BackendStatus };
  'exchanges.list': {
    params: { offset?: number; limit?: number };
    result: { total: number; items: ExchangeSummary[] };
  };
  'exchanges.get': { params: { id: number }; result: ExchangeDto };
  'exchanges.decode': { params: { id: number }; result: ExchangeDecodeDto };
  'exchanges.clear': { params: Record<string, never>; result: { cleared: number } };
  'file.open': { params: { path: string }; result: { count: number; format: string; warnings: string[] } };
  'file.importBytes': {
    params: { name: string; base64: string };
    result: { count: number; format: string; warnings: string[] };
  };
  /** Every filterable field (the field registry). */
  'filter.fields': { params: Record<string, never>; result: FilterFieldsDto };
  /** The exchanges a filter matches, over every field; waits for the session pass (progress: `filter-progress`). */
  'filter.run': { params: { expr: string; runId?: string }; result: FilterRunResult };
  /** Stops a `filter.run` (it then fails with "filter cancelled"). */
  'filter.cancel': { params: { runId: string }; result: { cancelled: boolean } };
  /** Values of a field seen in the capture, most frequent first (completion). */
  'filter.values': { params: { field: string; prefix?: string; limit?: number }; result: { values: string[] } };
  /** One field's values for some exchanges (a list column), as text, by exchange id. */
  'filter.columns': { params: { field: string; ids: number[] }; result: { values: Record<string, string> } };
}

export type ApiMethod = keyof ApiMethods;
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

export type BackendEvent =
  | { type: 'hello'; data: { version: string } }
  | { type: 'exchange'; data: ExchangeSummary }
  | { type: 'exchanges-reset'; data: { total: number } }
  | { type: 'capture-state'; data: CaptureState }
  /** The session pass over an opened file finished: session numbers and severities are now in the summaries. */
  | { type: 'analysis-ready'; data: { sessions: number; findings: number; exchanges: number } }
  /** A client connection to the proxy opened, closed, failed, or issued CONNECT. */
  | {
      type: 'connection';
      data: {
        type: 'open' | 'close' | 'error' | 'connect';
        connectionId: number;
        time: number;
        client?: { address: string; port: number };
        target?: string;
        error?: string;
      };
    }
  /** Response bytes arrived for an exchange still in flight (live progress, e.g. PENDING keep-alives). */
  | { type: 'chunk'; data: { connectionId: number; url: string; time: number; offset: number; length: number } }
  /**
   * A certificate was refused. `side: 'upstream'`: MapiScope refused the server's certificate (`host`,
   * "host:port", can be trusted explicitly with capture.trustHost). `side: 'client'`: a client (Outlook, a
   * browser) refused MapiScope's certificate for `host`, i.e. it does not trust the MapiScope CA.
   */
  | {
      type: 'untrusted-certificate';
      data: { host: string; error: string; exchangeId?: number; side?: 'upstream' | 'client' };
    }
  /**
   * A replay run's state as `replay.status` returns it (report without its exchanges): when it starts, as it
   * progresses (at most about ten a second per run) and, at once, when it ends (done, failed or cancelled).
   */
  | { type: 'replay-progress'; data: ReplayRunData }
  /** A `filter.run` waiting for the session pass: exchanges fed so far (about ten a second, then `done`). */
  | { type: 'filter-progress'; data: { runId: string; fed: number; total: number; done: boolean } }
  | { type: 'log'; data: { level: 'info' | 'warn' | 'error'; message: string } };

/** An error the backend reports for a call; `code` distinguishes bad input from failures. */
export interface ApiErrorDto {
  code: 'bad-request' | 'not-found' | 'failed' | 'unauthorized';
  message: string;
}

export type FileKind = 'capture' | 'import' | 'har' | 'saz' | 'json' | 'cert';

/** The bridge the Electron preload exposes as `window.mapiscope`. */
export interface PreloadBridge {
  invoke(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (e: BackendEvent) => void): () => void;
  /** Native file dialogs; resolve to a path, or undefined when cancelled. */
  openFile(kind: FileKind): Promise<string | undefined>;
  saveFile(kind: FileKind, defaultName: string): Promise<string | undefined>;
  /** Menu commands (File → Open, View → Sessions, …) sent by the main process. */
  onMenu(listener: (action: string) => void): () => void;
  platform: string;
}

export function base64Encode(bytes: Uint8Array): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += A[n >> 18]! + A[(n >> 12) & 63]! + A[(n >> 6) & 63]! + A[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += A[n >> 18]! + A[(n >> 12) & 63]! + (i + 1 < bytes.length ? A[(n >> 6) & 63]! : '=') + '=';
  }
  return out;
}

const B64: Int16Array = (() => {
  const t = new Int16Array(256).fill(-1);
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) t[A.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62;
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

export function base64Decode(s: string): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const v = B64[s.charCodeAt(i) & 0xff]!;
    if (v < 0) continue; // padding, whitespace
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}
