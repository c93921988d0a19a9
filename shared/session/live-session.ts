/** One MAPI session while the model's pass runs: its public info, ROP state and cookie history. */
import type { Exchange } from '../capture/exchange.js';
import { RopState } from './state.js';
import type { LifecycleKind, SessionInfo } from './types.js';

export interface SeqSet {
  value: string;
  /** When the client could first have seen it (response headers). */
  time: number;
  exchangeId: number;
}

export class Session {
  readonly rop = new RopState();
  readonly sequences: SeqSet[] = [];
  lastEnd = 0;
  lastConnection?: number;
  lastIp?: string;
  lastDropped = false;
  constructor(readonly info: SessionInfo) {}
}

/** Records a lifecycle event of the exchange being added. */
export type EventSink = (kind: LifecycleKind, detail: string) => void;

/** The MailboxId query parameter of a request URL. */
export function mailboxOf(url: string): string | undefined {
  const m = /[?&]mailboxid=([^&#]*)/i.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

/** "address:port" of the client, when known. */
export function clientText(ex: Exchange): string | undefined {
  return ex.client ? `${ex.client.address}:${ex.client.port}` : undefined;
}
