/**
 * The typed contract between the renderer (or any client) and the backend.
 * One RPC surface, two transports: Electron's preload bridge (ipc invoke) and
 * HTTP `POST /api/rpc/<method>` with a per-run bearer token. Events stream
 * over the bridge or the WebSocket at `/api/events`.
 *
 * Binary data travels as base64 strings so the same JSON works on both.
 */
import type { ExchangeSummary } from '../capture/summary.js';
import type { Finding, Severity } from '../diagnose/types.js';
import type { TimelineItem } from '../session/model.js';
import type { HandleRecord, RopOrigin, SessionInfo } from '../session/types.js';
import type {
  CaTrustDto,
  OutlookChecklistDto,
  RestoreDto,
  SystemProxyDto,
  TrustStoreDto,
  TrustStoreKind,
} from './desktop.js';
import type { ProbeRunData, ProbeStartParams } from './probe.js';
import type { ReplayReportData, ReplayRunData } from './replay.js';
import type { FieldInfo } from '../filter/types.js';
import type { ServerTimeline } from '../logs/server-time.js';

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
  /**
   * Named properties (ids 0x8000 and up) the ROP trees mention, by property id, with the names the
   * session had mapped them to before this exchange (shared/session/named-labels.ts).
   */
  namedProperties?: Record<number, string>;
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

export interface ApiMethods extends LogsMethods {
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
  /** How the machine's proxy settings route now, and whether MapiScope set them. */
  'systemProxy.status': { params: Record<string, never>; result: SystemProxyDto };
  /**
   * Routes the machine through the running capture: the Exchange hosts by PAC (`hosts` added to
   * Autodiscover's and the learned ones), or everything with `all`. Undone when the capture stops.
   */
  'systemProxy.on': { params: { all?: boolean; hosts?: string[] }; result: SystemProxyDto };
  /** Puts back the settings MapiScope changed (never ones someone else changed since). */
  'systemProxy.off': { params: Record<string, never>; result: RestoreDto & { state: SystemProxyDto } };
  /** Which trust stores hold the MapiScope CA, by fingerprint. */
  'ca.trustStatus': { params: Record<string, never>; result: CaTrustDto };
  /** Trusts the CA in `store` (default the user's; Windows asks the user to confirm). */
  'ca.trust': { params: { store?: TrustStoreKind }; result: CaTrustDto & { message: string } };
  /** Removes exactly the MapiScope CA from `store`, or from every store holding it. */
  'ca.untrust': { params: { store?: TrustStoreKind }; result: CaTrustDto & { messages: string[] } };
  /** The "Capture Outlook" checks: CA trusted, traffic routed, Outlook traffic seen, refusals. */
  'outlook.checklist': { params: Record<string, never>; result: OutlookChecklistDto };
  /** Starts the capture proxy (a capture file is written alongside). */
  'capture.start': { params: CaptureStartDto; result: CaptureStateDto };
  'capture.stop': { params: Record<string, never>; result: CaptureStateDto };
  'capture.status': { params: Record<string, never>; result: CaptureStateDto };
  /** Accepts the upstream certificate problems of "host:port" for this capture. */
  'capture.trustHost': { params: { host: string }; result: CaptureStateDto };
  'capture.untrustHost': { params: { host: string }; result: CaptureStateDto };
  'capture.list': { params: { offset?: number; limit?: number }; result: { total: number; items: ExchangeSummary[] } };
  'capture.get': { params: { id: number }; result: ExchangeDto };
  'ca.status': { params: Record<string, never>; result: CaStatusDto };
  /** The CA certificate: written to `path` (desktop), or returned as PEM text or DER base64. */
  'ca.export': {
    params: { format?: 'pem' | 'der'; path?: string };
    result: { format: 'pem' | 'der'; path?: string; pem?: string; base64?: string };
  };
  /** How to trust the CA on `platform` (default the backend's). */
  'ca.trustHelp': { params: { platform?: string }; result: { text: string } };
  /** The workspace as a MapiScope capture: written to `path`, or returned for a download. */
  'file.save': { params: { path?: string }; result: FileWriteDto };
  /** The workspace (or the exchanges `ids`) exported: written to `path`, or returned for a download. */
  'file.export': {
    params: { format: 'har' | 'saz' | 'json'; redact?: boolean; ids?: number[]; path?: string };
    result: FileWriteDto;
  };
  'sessions.list': { params: Record<string, never>; result: { total: number; items: SessionInfo[] } };
  'sessions.get': {
    params: { id: number };
    result: { session: SessionInfo; timeline: TimelineItem[]; handles: HandleSummaryDto[] };
  };
  'findings.list': {
    params: { session?: number; severity?: Severity; exchangeId?: number };
    result: { total: number; items: Finding[] };
  };
  /** Why the workspace (or one of its sessions) cannot be replayed; null when it can. */
  'replay.check': { params: { session?: number }; result: { reason: string | null } };
  'replay.sessions': { params: Record<string, never>; result: ReplaySessionRow[] };
  /** The captured Executes (of one session, or all) whose ROPs would change a server's mailbox. */
  'replay.changes': { params: { session?: number }; result: ReplayChangeRow[] };
  'replay.start': { params: ReplayStartDto; result: { id: number; state: ReplayRunData['state'] } };
  /** A run without its report (the last one without `id`). */
  'replay.status': { params: { id?: number }; result: ReplayRunData };
  'replay.report': { params: { id?: number }; result: ReplayReportData & { recordedCount: number } };
  'replay.recorded': { params: { id?: number }; result: ExchangeDto[] };
  'replay.cancel': { params: { id: number }; result: { id: number; state: ReplayRunData['state'] } };
  'replay.list': {
    params: Record<string, never>;
    result: Pick<ReplayRunData, 'id' | 'state' | 'target' | 'startedAt' | 'exchangesDone'>[];
  };
  /** Starts the MAPI server simulator (scripted mailbox, or answers from the workspace's exchanges). */
  'simulator.start': { params: SimulatorStartDto; result: SimulatorStatusDto };
  'simulator.stop': { params: Record<string, never>; result: SimulatorStatusDto };
  'simulator.status': { params: Record<string, never>; result: SimulatorStatusDto };
  /** Completes the NotificationWait requests of a context (all contexts without one). */
  'simulator.signalEvent': { params: { contextId?: number }; result: { completed: number } };
}

export interface LogsQueryResultDto {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
}

/** The server-log case open next to the capture. */
export interface LogsCaseDto {
  paths: string[];
  /** Rows per kind table. */
  rows: Record<string, number>;
  files: number;
  skippedFiles: number;
  /** Import issues by kind (torn-row, malformed-row, fields-changed, not-a-log…). */
  issues: Record<string, number>;
  versions: string[];
}

export interface LogsLibraryEntryDto {
  id: string;
  title: string;
  description: string;
  sql: string;
  chart?: { x: string; series: string[]; kind: 'line' | 'bar' };
}

/** The server rows joined to one exchange. */
export interface ServerRowsDto {
  by?: 'request-id' | 'session-cookie' | 'time-and-user';
  rows: {
    table: string;
    file: string;
    line: number;
    time: number;
    requestType?: string;
    httpStatus?: number;
    durationMs?: number;
    backendMs?: number;
    mapiStatus?: string;
    errors?: string;
  }[];
}

export interface LogsCorrelationDto {
  matched: number;
  unmatchedClient: number[];
  outsideLogs: number;
  unmatchedServer: { table: string; file: string; line: number; time: number; requestType?: string }[];
  findings: Finding[];
}

/**
 * The server's time under each client request (front-end proxy and back end, from the rows joined to it)
 * and the requests no row answers; `open` is false, and the lists empty, when no server-log case is open.
 */
export interface ServerTimesDto extends ServerTimeline {
  open: boolean;
}

export interface LogsMethods {
  /** Opens a case file, or imports log folders/files/.zip into a scratch case. */
  'logs.open': { params: { paths: string[] }; result: LogsCaseDto };
  'logs.status': { params: Record<string, never>; result: { case?: LogsCaseDto } };
  'logs.close': { params: Record<string, never>; result: { closed: boolean } };
  'logs.library': { params: Record<string, never>; result: { items: LogsLibraryEntryDto[] } };
  'logs.query': { params: { sql: string; limit?: number }; result: LogsQueryResultDto };
  'logs.runLibrary': { params: { id: string; limit?: number }; result: LogsQueryResultDto };
  /** Server rows joined to one exchange of the workspace (empty when no case is open). */
  'logs.rowsFor': { params: { exchangeId: number }; result: ServerRowsDto };
  'logs.correlation': { params: Record<string, never>; result: LogsCorrelationDto };
  'logs.serverTimes': { params: Record<string, never>; result: ServerTimesDto };
  /**
   * The case report of the workspace's capture (with the open server logs, and `probe`: the JSON
   * `mapiscope probe --json` printed) as one self-contained HTML file, redacted unless `redact` is false.
   */
  'report.build': { params: { probe?: unknown; redact?: boolean }; result: { html: string; fileName: string } };
  /** Starts a probe (a logon step by step); progress comes as `probe-progress` events. */
  'probe.start': { params: ProbeStartParams; result: ProbeRunData };
  /** The run with this id, or the latest. */
  'probe.status': { params: { id?: number }; result: ProbeRunData };
  'probe.cancel': { params: { id?: number }; result: ProbeRunData };
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
  /**
   * A `filter.run` waiting for the session pass: exchanges fed so far of `total` (about ten a second, then `done`);
   * for a filter on decoded fields, exchanges fed plus exchanges indexed, of twice the exchanges.
   */
  | { type: 'filter-progress'; data: { runId: string; fed: number; total: number; done: boolean } }
  /** The system proxy routing changed (set, restored, or found changed by someone else). */
  | { type: 'system-proxy'; data: SystemProxyDto }
  /** A probe run's state as each step starts and ends, and when it ends. */
  | { type: 'probe-progress'; data: ProbeRunData }
  | { type: 'log'; data: { level: 'info' | 'warn' | 'error'; message: string } };

/** An error the backend reports for a call; `code` distinguishes bad input from failures. */
export interface ApiErrorDto {
  code: 'bad-request' | 'not-found' | 'failed' | 'unauthorized';
  message: string;
}

export type { TrustStoreDto };

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

/** Where `capture.start` listens and writes; unset fields take the service's defaults. */
export interface CaptureStartDto {
  mode?: 'forward' | 'reverse';
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Listen port (default 0 = ephemeral; the CLI defaults to 8888). */
  port?: number;
  /** Reverse-mode target URL; implies mode 'reverse'. */
  reverse?: string;
  /** Alias of `reverse` (the UI's capture bar sends { mode: 'reverse', target }). */
  target?: string;
  /** Capture file. Default: <dataDir>/captures/capture-<time>.mscap. An existing file is appended to. */
  out?: string;
  /** "host:port" entries whose upstream certificate problems are accepted. */
  trustedHosts?: string[];
  /** PEM text of extra upstream CAs. */
  upstreamCa?: string[];
  /** Hosts (names or patterns) the PAC served on the proxy port routes through MapiScope. */
  routeHosts?: string[];
}

/** The capture service's state (`capture.*`). */
export interface CaptureStateDto {
  running: boolean;
  mode?: 'forward' | 'reverse';
  host?: string;
  port?: number;
  target?: string;
  file?: string;
  startedAt?: number;
  /** Exchanges written to the file in this run. */
  exchanges: number;
  connections: number;
  inFlight: number;
  caPath?: string;
  trustedHosts: string[];
  /** Last write or start failure, if any. */
  error?: string;
  /** Torn tail found when appending to an existing file. */
  tornTail?: { offset: number; bytes: number; savedTo?: string };
  /** Exchange hosts learned from captured Autodiscover answers (routed by the PAC). */
  learnedHosts: string[];
}

/** The MapiScope CA (`ca.status`). */
export interface CaStatusDto {
  dir: string;
  certPath: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER certificate, colon-separated hex (what OS trust dialogs show). */
  fingerprint256: string;
  nameConstraints: string[];
  /** True when this process generated the CA (first run, or the old one had expired). */
  created: boolean;
  expired: boolean;
}

/** What `file.save` / `file.export` wrote: a path (desktop) or the bytes for a download (browser). */
export interface FileWriteDto {
  path?: string;
  name?: string;
  base64?: string;
  /** `file.save`: exchanges written. */
  count?: number;
  /** `file.export`: exchanges and bytes written, and the redaction made. */
  exchanges?: number;
  bytes?: number;
  redaction?: { counts?: Record<string, number>; redactedExchanges?: number; distinctSecrets?: number };
}

/** One handle of `sessions.get`: its life, and the table state it ended with. */
export interface HandleSummaryDto {
  handle: number;
  kind: string;
  createdBy?: RopOrigin;
  parent?: number;
  logonId?: number;
  releasedBy?: RopOrigin;
  columns?: readonly number[];
  fastTransfer?: HandleRecord['fastTransfer'];
  subscription?: HandleRecord['subscription'];
}

/** One replayable session of the workspace (`replay.sessions`). */
export interface ReplaySessionRow {
  /** 1-based, as `replay.start { session }` takes it. */
  index: number;
  endpoint: string;
  exchanges: number;
  /** The request type of each of its exchanges, in order. */
  types: string[];
  firstId?: number;
}

/** One captured Execute that changes a mailbox (`replay.changes`): creates, deletes, property and rule changes. */
export interface ReplayChangeRow {
  capturedId: number;
  /** 1-based session, as `replay.sessions` numbers them. */
  session: number;
  /** Names of its mailbox-changing ROPs, in request order. */
  rops: string[];
}

/** `replay.start`: the target (a URL or "simulator") and how to replay. */
export interface ReplayStartDto {
  target: string;
  session?: number;
  /** Switch plan text (shared/replay/plan.ts). */
  plan?: string;
  realtime?: boolean;
  insecure?: boolean;
  record?: boolean;
  /** Replay ROPs that change the mailbox against a URL target; without it such a replay is refused (never needed for the simulator). */
  allowChanges?: boolean;
}

/** `simulator.start` as JSON (validated by the simulator service). */
export interface SimulatorStartDto {
  port?: number;
  host?: string;
  cookies?: 'exchange' | 'gromox';
  expiryMs?: number;
  pendingPeriodMs?: number;
  notificationWaitMs?: number;
  fromWorkspace?: boolean;
  session?: number;
  processingDelayMs?: number;
  validateSequence?: string[];
  [option: string]: unknown;
}

/** What a running simulator reports (`ExchangeSimulator.status()`): its URL, mode, contexts and counters. */
export interface SimulatorStatusData {
  url: string;
  mode: string;
  cookies: { context: string; sequence: string };
  expiryMs: number;
  pendingPeriodMs: number;
  contexts: {
    id: number;
    endpoint: 'emsmdb' | 'nspi';
    requests: number;
    idleMs: number;
    inFlight: number;
    notifyInFlight: number;
  }[];
  requests: number;
  /** Requests by X-ResponseCode ("0", "15", …), plus "http-401" and "aborted" for requests without a MAPI answer. */
  byResponseCode: Record<string, number>;
  connections: number;
  sourceAddresses: string[];
  responder?: Record<string, number>;
}

/** The simulator (`simulator.*`): off, or running with the problems its start reported. */
export type SimulatorStatusDto = { running: false } | ({ running: true; problems: string[] } & SimulatorStatusData);
