/**
 * The session model's public data: what one forward pass learns about each
 * MAPI session and each exchange. Everything here is plain data (JSON-safe
 * except where noted) so the backend can hand it to the UI and the CLI can
 * print it.
 */
import type { CodePageInUse } from '../codec/index.js';
import type { FxStreamKind } from '../protocol/rops/fasttransfer-kind.js';

/** Position of an exchange in the pass (0-based). State stamped `at = s` is visible to exchanges after s. */
export type Seq = number;

export interface Versioned<T> {
  /** Seq of the exchange that made this change. */
  at: Seq;
  exchangeId: number;
  value: T;
}

export interface RopOrigin {
  exchangeId: number;
  /** Position of the ROP in the request's list. */
  ropIndex: number;
  ropId: number;
  ropName: string;
}

/** One server object handle over its life. */
export interface HandleRecord {
  handle: number;
  /** logon, folder, table, message, attachment, stream, subscription, fasttransfer-source, …; "unknown" when first seen in use. */
  kind: string;
  /** The ROP that created it; undefined when it was created before the capture started. */
  createdBy?: RopOrigin;
  /** Server handle of the object it was opened from. */
  parent?: number;
  logonId?: number;
  createdAt: Seq;
  /** Seq of the exchange whose RopRelease released it (or whose creating ROP replaced it). */
  releasedAt?: Seq;
  releasedBy?: RopOrigin;
  /** RopSetColumns / RopResetTable history (undefined value = reset). */
  columns: Versioned<readonly number[] | undefined>[];
  sort: Versioned<unknown>[];
  restriction: Versioned<unknown>[];
  recipientColumns: Versioned<readonly number[]>[];
  /** PropertyTags of the last RopGetPropertiesSpecific on this object. */
  propertyTags: Versioned<readonly number[]>[];
  fastTransfer?: FastTransferState;
  subscription?: { notificationTypes?: number; notifications: number };
  /** The CodePageId a message was opened or created with ([MS-OXCROPS] 2.2.1.3); objects it owns inherit it. */
  codePage?: CodePageInUse;
}

export interface FastTransferState {
  buffers: number;
  bytes: number;
  /** Last TransferStatus name (Error, Partial, NoRoom, Done). */
  lastStatus?: string;
  done: boolean;
  exchangeIds: number[];
  /** Bytes of an element left open by each buffer, for the next buffer's decode (empty: element boundary). */
  carry: Versioned<Uint8Array>[];
  /** The stream kind the ROP that created the context gives ([MS-OXCFXICS] 2.2.4.3). */
  kind?: FxStreamKind;
}

export interface LogonInfo {
  logonId: number;
  flags: number;
  /** LogonFlags bit 0x01 (Private): a mailbox logon; otherwise a public folder logon. */
  store: 'mailbox' | 'public';
  handle?: number;
  exchangeId: number;
  essdn?: string;
}

export type LifecycleKind =
  | 'connect'
  | 'bind'
  | 'reconnect'
  | 'connect-failed'
  | 'replaced'
  | 'disconnect'
  | 'unbind'
  | 'context-lost'
  | 'sequence-error'
  | 'idle-expired'
  | 'dropped'
  | 'resumed-after-drop'
  | 'network-change'
  | 'used-after-close'
  | 'mid-session-start';

export interface LifecycleEvent {
  kind: LifecycleKind;
  exchangeId: number;
  time: number;
  detail: string;
}

export interface CookieRef {
  name: string;
  value: string;
}

export type SessionState = 'open' | 'closed' | 'lost' | 'replaced' | 'failed';

/** One MAPI Session Context (Connect/Bind … Disconnect/Unbind), or what the capture shows of it. */
export interface SessionInfo {
  id: number;
  endpoint: 'emsmdb' | 'nspi';
  state: SessionState;
  /** The session context cookie(s) that identify it. */
  contextCookies: CookieRef[];
  /** Name of the sequence cookie, when the server uses one. */
  sequenceCookie?: string;
  /** Every cookie name the server set on this session, in first-seen order. */
  cookieNames: string[];
  mailbox?: string;
  clientInfo?: string;
  clientApplication?: string;
  serverApplication?: string;
  userAgent?: string;
  server?: string;
  start: number;
  end: number;
  exchangeIds: number[];
  connections: number[];
  clientAddresses: string[];
  /** Session this one re-established (Connect/Bind carrying its cookies). */
  reconnectOf?: number;
  replacedBy?: number;
  /** Length of the chain of sessions this one re-established. */
  reconnects: number;
  /** The capture has no Connect/Bind for this session: its earlier state is unknown. */
  startedMidSession: boolean;
  expirationMs?: number;
  pendingPeriodMs?: number;
  events: LifecycleEvent[];
  logons: LogonInfo[];
  handleCount: number;
}

export type CookieCheck =
  'ok' | 'not-applicable' | 'context-missing' | 'sequence-missing' | 'sequence-stale' | 'sequence-unknown';

/** One handle reference of a request ROP, resolved against the session. */
export interface HandleRef {
  ropIndex: number;
  ropName: string;
  handleIndex: number;
  handle: number;
  status: 'known' | 'released' | 'unknown' | 'same-request';
  createdBy?: RopOrigin;
  kind?: string;
  releasedBy?: RopOrigin;
  /**
   * The server ran this ROP: its response is in the Execute response, or (a ROP without response, such as
   * RopRelease) the Execute succeeded at every level and nothing stopped the list. False when the request
   * was rejected before any ROP ran (HTTP status, X-ResponseCode, StatusCode) or the response was lost.
   */
  ran: boolean;
  /** ReturnValue of the ROP's response, when it has one. */
  returnValue?: number;
}

/** A request ROP the Execute response left unanswered although nothing excuses it ([MS-OXCROPS] 3.2.5.2). */
export interface UnansweredRop {
  ropIndex: number;
  ropId: number;
  ropName: string;
}

export interface RopErrorFact {
  ropIndex: number;
  ropId: number;
  ropName: string;
  returnValue: number;
  path: string;
}

/** The small facts kept for every exchange (trees are cached only for the last few). */
export interface ExchangeFacts {
  id: number;
  seq: Seq;
  session?: number;
  connectionId: number;
  client?: string;
  endpoint: string;
  requestType?: string;
  method: string;
  url: string;
  requestStart: number;
  requestEnd?: number;
  responseHeaders?: number;
  responseEnd?: number;
  status?: number;
  /** X-ResponseCode of the HTTP header. */
  headerResponseCode?: number;
  /** X-ResponseCode after DONE, when present. */
  trailerResponseCode?: number;
  /** The code that applies. */
  responseCode?: number;
  aborted?: string;
  abortMessage?: string;
  /** False when the MAPI response stream stopped before DONE and the body (cut off, or held when the capture ended). */
  responseComplete?: boolean;
  /** Meta-tags with the time their chunk arrived. */
  metaTags?: { tag: string; time?: number }[];
  pendingPeriodMs?: number;
  expirationMs?: number;
  elapsedMs?: number;
  statusCode?: number;
  errorCode?: number;
  cookieCheck: CookieCheck;
  cookieDetail?: string;
  /** Cookies the response set (names only). */
  setCookieNames: string[];
  authorization?: { scheme: string; ntlmType?: number };
  wwwAuthenticate?: string[];
  clientApplication?: string;
  serverApplication?: string;
  userAgent?: string;
  /** X-RequestId as sent (GUID:counter). */
  requestId?: string;
  certificateError?: string;
  certificateTrusted?: boolean;
  autodiscover?: { isResponse: boolean; mapiHttp: boolean };
  ropCount?: number;
  /** ROP names of the request, in order (for the exchange list). */
  ropNames?: string[];
  ropErrors?: RopErrorFact[];
  /**
   * ROPs that expect a response but got none, in an Execute that succeeded at every level, whose ROP
   * buffers decoded whole and that carries no RopBackoff or RopBufferTooSmall (which stop the list).
   */
  unansweredRops?: UnansweredRop[];
  handleRefs?: HandleRef[];
  backoff?: { logonId?: number; durationMs?: number; rops: { ropId: number; durationMs: number }[] }[];
  bufferTooSmall?: { sizeNeeded?: number; maxRopOut?: number }[];
  notifications?: { handle: number; known: boolean; subscribedIn?: number }[];
  /** Decode errors and the context the decoder lacked, with reasons. */
  missingContext?: { path: string; reason: string }[];
  decodeErrors: number;
}

/** What `SessionModel.add` returns for each exchange. */
export interface ExchangeContext {
  exchangeId: number;
  session?: number;
  facts: ExchangeFacts;
}
