/**
 * What a simulator answer source (capture replay, scripted mailbox) sees and returns.
 */
import type { RawHeader } from '../../../shared/capture/exchange.js';
import type { SessionContext } from './sessions.js';
import type { Endpoint } from './wire.js';

export interface SimRequest {
  endpoint: Endpoint;
  /** Canonical request type ("Execute", "Bind", …). */
  type: string;
  url: string;
  headers: readonly RawHeader[];
  body: Uint8Array;
  cookies: ReadonlyMap<string, string>;
  connectionId: number;
  remoteAddress: string;
}

export interface SimAnswer {
  /** Response body after the additional headers (the MAPI body). */
  body: Uint8Array;
  /** X-ResponseCode sent after DONE (a late failure, [MS-OXCMAPIHTTP] 3.2.5.2). */
  lateResponseCode?: number;
  /** Extra headers after DONE. */
  extra?: [string, string][];
  /** Source of the answer, for the simulator log ("capture #12", "mailbox"). */
  source?: string;
}

export interface Responder {
  readonly mode: 'capture' | 'mailbox';
  /** A context was created (after a Connect/Bind); `replaced` is the context a reconnect destroyed. */
  onCreate?(ctx: SessionContext, req: SimRequest, replaced: SessionContext | undefined): void;
  /** Answer for Connect/Bind (after onCreate), Execute and the NSPI data requests. */
  answer(req: SimRequest, ctx: SessionContext): SimAnswer | Promise<SimAnswer>;
  onDestroy?(ctx: SessionContext): void;
  /** Numbers for status (matched/unmatched answers, …). */
  stats?(): Record<string, number>;
}
