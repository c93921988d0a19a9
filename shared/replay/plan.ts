/**
 * Network-switch plans: what happens to the connection at which exchange.
 *
 *   drop@3                 reset the TCP connection after the request was sent (default point)
 *   drop:before-send@3     reset before the request body was fully sent
 *   drop:while-streaming@3 reset while the response streams
 *   drop:idle@3            reset the idle connection before exchange 3
 *   address@5              continue from another loopback source address (127.0.0.2)
 *   address:127.0.0.3@5    … from this one
 *   hibernate@7:30s        pause 30 s before exchange 7 (also hibernate:30s@7; ms, s, m)
 *   stale@9                send exchange 9 with the sequence cookie of the previous exchange
 */

/** Where a `drop` resets the connection; `idle` is between exchanges, the others during one. */
export type PlanDropPoint = 'before-send' | 'after-send' | 'while-streaming' | 'idle';

export type PlanStep =
  | { kind: 'drop'; at: number; point: PlanDropPoint }
  | { kind: 'address'; at: number; address: string }
  | { kind: 'hibernate'; at: number; ms: number }
  | { kind: 'stale'; at: number };

export type PlanStepKind = PlanStep['kind'];

export const PLAN_STEP_KINDS: readonly PlanStepKind[] = ['drop', 'address', 'hibernate', 'stale'];
export const DROP_POINTS: readonly PlanDropPoint[] = ['before-send', 'after-send', 'while-streaming', 'idle'];

/** Replayed connections start from loopback source addresses only. */
export const LOOPBACK_SOURCE = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export class PlanError extends Error {
  override name = 'PlanError';
}

/** Milliseconds of "500ms", "30s" (the default unit), "2m"; undefined for anything else. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function duration(s: string): number {
  const ms = parseDuration(s);
  if (ms === undefined) throw new PlanError(`"${s}" is not a duration (e.g. 500ms, 30s, 2m)`);
  return ms;
}

export function parsePlanStep(text: string): PlanStep {
  const t = text.trim();
  const m = /^([a-z]+)(?::([^@]+))?@(\d+)(?::(.+))?$/.exec(t);
  if (!m) throw new PlanError(`plan step "${t}" is not kind[:arg]@N[:arg]`);
  const kind = m[1]!;
  const arg = m[2] ?? m[4];
  const at = Number(m[3]);
  if (at < 1) throw new PlanError(`plan step "${t}": exchange positions start at 1`);
  switch (kind) {
    case 'drop': {
      const point = (arg ?? 'after-send') as PlanDropPoint;
      if (!DROP_POINTS.includes(point))
        throw new PlanError(`plan step "${t}": drop point is one of ${DROP_POINTS.join(', ')}`);
      return { kind, at, point };
    }
    case 'address': {
      const address = arg ?? '127.0.0.2';
      if (!LOOPBACK_SOURCE.test(address))
        throw new PlanError(`plan step "${t}": source addresses are loopback only (127.x.x.x)`);
      return { kind, at, address };
    }
    case 'hibernate':
      if (!arg) throw new PlanError(`plan step "${t}": hibernate needs a duration (hibernate@7:30s)`);
      return { kind, at, ms: duration(arg) };
    case 'stale':
      return { kind, at };
    default:
      throw new PlanError(`plan step "${t}": unknown kind "${kind}" (drop, address, hibernate, stale)`);
  }
}

/** Comma-separated steps; several `--switch`/`--plan` values may be concatenated. */
export function parsePlan(text: string | readonly string[]): PlanStep[] {
  const parts = (typeof text === 'string' ? [text] : text).flatMap((s) => s.split(',')).filter((s) => s.trim());
  return parts.map(parsePlanStep).sort((a, b) => a.at - b.at);
}

export function describeStep(s: PlanStep): string {
  switch (s.kind) {
    case 'drop':
      return `drop:${s.point}@${s.at}`;
    case 'address':
      return `address:${s.address}@${s.at}`;
    case 'hibernate':
      return `hibernate:${s.ms}ms@${s.at}`;
    case 'stale':
      return `stale@${s.at}`;
  }
}
