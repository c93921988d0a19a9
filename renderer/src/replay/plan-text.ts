/**
 * The Replay panel's switch plan: rows the user edits, turned into the plan
 * text that `replay.start` parses (shared/replay/plan.ts, whose types and
 * checks these rows use):
 *   drop[:point]@N   address[:127.x.y.z]@N   hibernate@N:30s   stale@N
 * Pure, so it is unit-tested against the same grammar.
 */
import {
  LOOPBACK_SOURCE,
  PLAN_STEP_KINDS,
  parseDuration,
  type PlanDropPoint as DropPoint,
  type PlanStepKind as SwitchKind,
} from '../../../shared/replay/plan';

export type { DropPoint, SwitchKind };

export const SWITCH_KINDS: readonly SwitchKind[] = PLAN_STEP_KINDS;
/** The drop points in menu order (the parser's default first). */
export const DROP_POINTS: readonly DropPoint[] = ['after-send', 'before-send', 'while-streaming', 'idle'];

export const SWITCH_HELP: Record<SwitchKind, string> = {
  drop: 'reset the TCP connection at this exchange',
  address: 'continue from another loopback source address (a network switch)',
  hibernate: 'pause before this exchange (laptop lid closed)',
  stale: 'send this exchange with the previous sequence cookie',
};

export interface PlanRow {
  kind: SwitchKind;
  /** 1-based position in the replay. */
  at: number;
  point?: DropPoint;
  address?: string;
  /** "30s", "500ms", "2m". */
  duration?: string;
}

/** Why a row would be refused by the backend's plan parser, or undefined. */
export function rowProblem(r: PlanRow, total?: number): string | undefined {
  if (!Number.isInteger(r.at) || r.at < 1) return 'positions start at 1';
  if (total !== undefined && total > 0 && r.at > total) return `the session has ${total} exchanges`;
  if (r.kind === 'address' && r.address && !LOOPBACK_SOURCE.test(r.address))
    return 'source addresses are loopback only (127.x.x.x)';
  if (r.kind === 'hibernate' && parseDuration(r.duration ?? '') === undefined)
    return 'a duration such as 500ms, 30s or 2m';
  return undefined;
}

export function rowText(r: PlanRow): string {
  switch (r.kind) {
    case 'drop':
      return r.point && r.point !== 'after-send' ? `drop:${r.point}@${r.at}` : `drop@${r.at}`;
    case 'address':
      return r.address ? `address:${r.address}@${r.at}` : `address@${r.at}`;
    case 'hibernate':
      return `hibernate@${r.at}:${(r.duration ?? '').trim()}`;
    case 'stale':
      return `stale@${r.at}`;
  }
}

/** The plan text, steps in position order (the parser sorts too). */
export function planText(rows: readonly PlanRow[]): string {
  return [...rows]
    .sort((a, b) => a.at - b.at)
    .map(rowText)
    .join(',');
}

/** A new row of this kind with usable defaults. */
export function defaultRow(kind: SwitchKind, at: number): PlanRow {
  switch (kind) {
    case 'drop':
      return { kind, at, point: 'after-send' };
    case 'address':
      return { kind, at, address: '127.0.0.2' };
    case 'hibernate':
      return { kind, at, duration: '30s' };
    case 'stale':
      return { kind, at };
  }
}
