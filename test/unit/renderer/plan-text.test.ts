import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../shared/replay/plan';
import {
  defaultRow,
  planText,
  rowProblem,
  rowText,
  SWITCH_KINDS,
  type PlanRow,
} from '../../../renderer/src/replay/plan-text';

describe('replay plan text', () => {
  it('writes each kind in the grammar of the backend parser', () => {
    expect(rowText({ kind: 'drop', at: 3 })).toBe('drop@3');
    expect(rowText({ kind: 'drop', at: 3, point: 'after-send' })).toBe('drop@3');
    expect(rowText({ kind: 'drop', at: 3, point: 'while-streaming' })).toBe('drop:while-streaming@3');
    expect(rowText({ kind: 'address', at: 5 })).toBe('address@5');
    expect(rowText({ kind: 'address', at: 5, address: '127.0.0.3' })).toBe('address:127.0.0.3@5');
    expect(rowText({ kind: 'hibernate', at: 7, duration: ' 30s ' })).toBe('hibernate@7:30s');
    expect(rowText({ kind: 'stale', at: 9 })).toBe('stale@9');
  });
  it('round-trips through the real parser', () => {
    const rows: PlanRow[] = [
      { kind: 'stale', at: 9 },
      { kind: 'drop', at: 3, point: 'idle' },
      { kind: 'address', at: 5, address: '127.0.0.4' },
      { kind: 'hibernate', at: 7, duration: '1.5s' },
    ];
    const text = planText(rows);
    expect(text).toBe('drop:idle@3,address:127.0.0.4@5,hibernate@7:1.5s,stale@9');
    expect(parsePlan(text)).toEqual([
      { kind: 'drop', at: 3, point: 'idle' },
      { kind: 'address', at: 5, address: '127.0.0.4' },
      { kind: 'hibernate', at: 7, ms: 1500 },
      { kind: 'stale', at: 9 },
    ]);
  });
  it('gives defaults the parser accepts', () => {
    for (const k of SWITCH_KINDS) expect(() => parsePlan(rowText(defaultRow(k, 2)))).not.toThrow();
    expect(planText([])).toBe('');
  });
  it('flags rows the parser would refuse', () => {
    expect(rowProblem({ kind: 'drop', at: 0 })).toMatch(/start at 1/);
    expect(rowProblem({ kind: 'drop', at: 12 }, 10)).toMatch(/10 exchanges/);
    expect(rowProblem({ kind: 'address', at: 2, address: '10.0.0.1' })).toMatch(/loopback/);
    expect(rowProblem({ kind: 'hibernate', at: 2, duration: 'soon' })).toMatch(/duration/);
    expect(rowProblem({ kind: 'hibernate', at: 2, duration: '30s' })).toBeUndefined();
    for (const bad of [
      { kind: 'address', at: 2, address: '10.0.0.1' } as PlanRow,
      { kind: 'hibernate', at: 2, duration: 'soon' } as PlanRow,
    ])
      expect(() => parsePlan(rowText(bad))).toThrow();
  });
});
