/**
 * The server's share of each client request, from the log rows the correlation
 * joined to it: the front end's whole time (HttpProxy TotalRequestTime) split
 * into its wait for the mailbox server (BackendProcessingLatency) and the rest
 * (front-end proxy time). Without a front-end row, the mailbox server's own
 * row (MapiHttp\Mailbox TotalRequestLatency, MAPIMB processing-time) gives the
 * back-end time alone.
 */
import type { Correlation, MatchKind, ServerRow } from './correlate.js';

export interface ServerTime {
  exchangeId: number;
  by: MatchKind;
  /** Server-side time, ms: the front end's TotalRequestTime, else the back end's own duration. */
  totalMs: number;
  /** Back-end time, ms (HttpProxy BackendProcessingLatency, else the mailbox server's row). */
  backEndMs?: number;
  /** Front-end proxy time, ms: total minus back end, when the front end logged both. */
  frontEndMs?: number;
  /** `file:line` of the rows the times come from. */
  sources: string[];
}

export interface ServerTimeline {
  times: ServerTime[];
  /** MAPI requests inside the logs' time span that no row answers. */
  unmatched: number[];
  /** MAPI requests outside the logs' time span (the logs cannot tell). */
  outsideLogs: number[];
}

const where = (r: ServerRow) => `${r.file}:${r.line}`;

/** The server time of one matched request, or undefined when no joined row logged a duration. */
export function serverTimeOf(exchangeId: number, by: MatchKind, rows: readonly ServerRow[]): ServerTime | undefined {
  const front = rows.find((r) => r.table === 'httpproxy' && r.durationMs !== undefined);
  const back = rows.find((r) => r.table !== 'httpproxy' && r.durationMs !== undefined);
  if (front) {
    const t: ServerTime = { exchangeId, by, totalMs: front.durationMs!, sources: [where(front)] };
    if (front.backendMs !== undefined && front.backendMs <= front.durationMs!) {
      t.backEndMs = front.backendMs;
      t.frontEndMs = front.durationMs! - front.backendMs;
    } else if (back && back.durationMs! <= front.durationMs!) {
      t.backEndMs = back.durationMs!;
      t.frontEndMs = front.durationMs! - back.durationMs!;
      t.sources.push(where(back));
    }
    return t;
  }
  if (back) return { exchangeId, by, totalMs: back.durationMs!, backEndMs: back.durationMs!, sources: [where(back)] };
  return undefined;
}

export function serverTimeline(c: Correlation): ServerTimeline {
  const times: ServerTime[] = [];
  for (const m of c.matches) {
    const t = serverTimeOf(m.exchangeId, m.by, m.rows);
    if (t) times.push(t);
  }
  return { times, unmatched: [...c.unmatchedClient], outsideLogs: [...c.outsideLogs] };
}
