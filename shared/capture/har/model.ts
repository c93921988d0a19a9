/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as we write it,
 * plus the custom fields (leading underscore, as the spec requires) that make
 * our own files lossless:
 * - `_exchange` on each entry: everything of the Exchange that HAR has no
 *   field for (exact timestamps, request target as sent, chunk arrival, abort…);
 * - `_mapi`: the MAPI/HTTP view of the exchange (informative, recomputed on read);
 * - `request._content` + `_requestBodyStatus`: HTTP Toolkit's convention for
 *   request bodies that `postData.text` cannot carry (binary).
 * Other tools must ignore these fields (HAR 1.2 "custom fields").
 */
import type { AbortKind, Endpoint, RawHeader, TlsInfo } from '../exchange.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string }[];
  comment?: string;
}

/** HTTP Toolkit's request-body carrier for bodies `postData` cannot represent. */
export interface HarRequestContent {
  text: string;
  size: number;
  encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
  _requestBodyStatus?: 'discarded:not-representable' | 'discarded:too-large' | 'discarded:not-decodable';
  _content?: HarRequestContent;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** Lossless remainder of an Exchange (our files only). */
export interface HarExchangeBlock {
  /** Format version of this block. */
  v: 1;
  id: number;
  connectionId: number;
  client?: Endpoint;
  server?: Endpoint;
  origin?: string;
  /** Request target exactly as sent, when it differs from `request.url`. */
  target?: string;
  /** Epoch ms, fractional, exactly as captured. */
  timings: { requestStart: number; requestEnd?: number; responseHeaders?: number; responseEnd?: number };
  /** Response chunks as [time, offset, length]. */
  chunks?: [number, number, number][];
  trailers?: RawHeader[];
  /** Response body bytes as received (base64) when `content.text` holds a decoded (decompressed) form. */
  responseBody?: string;
  /** No response status line was received; the HAR response is a placeholder. */
  noResponse?: true;
  aborted?: { kind: AbortKind; message: string };
  tls?: TlsInfo;
  process?: string;
  /** Request and response HTTP versions as captured, where HAR's field holds a normalised form. */
  versions?: [string | null, string | null];
}

export interface HarMapiMetaTag {
  tag: string;
  /** Arrival time of the chunk holding the tag, ms after requestStart (undefined when unknown). */
  t?: number;
  offset: number;
}

/** The MAPI/HTTP summary per entry ([MS-OXCMAPIHTTP]); informative, never read back as truth. */
export interface HarMapiBlock {
  endpoint?: string;
  requestType?: string;
  requestId?: string;
  clientInfo?: string;
  clientApplication?: string;
  /** Request cookies (name → value) as sent; values are pseudonyms when the export was redacted. */
  cookies?: Record<string, string>;
  setCookies?: Record<string, string>;
  responseCodeHeader?: number;
  responseCodeFinal?: number;
  pendingPeriodMs?: number;
  expirationInfoMs?: number;
  metaTags?: HarMapiMetaTag[];
  elapsedMs?: number;
  startTime?: string;
  connectionId: number;
  aborted?: string;
  /** ROP names of the request, in order, when a decoder was available. */
  rops?: string[];
  responseRops?: string[];
  decodeErrors?: number;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _exchange?: HarExchangeBlock;
  _mapi?: HarMapiBlock;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarLog {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
}

export interface Har {
  log: HarLog;
}

export const HAR_CREATOR_NAME = 'MapiScope';
