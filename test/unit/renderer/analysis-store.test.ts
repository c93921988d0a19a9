import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import type { Finding } from '../../../shared/diagnose/types';
import { enrich, listOf, severityMap } from '../../../renderer/src/stores/analysis-store';

const sum = (id: number, extra: Partial<ExchangeSummary> = {}): ExchangeSummary => ({
  id,
  connectionId: 1,
  time: id,
  method: 'POST',
  url: '/mapi/emsmdb/',
  endpoint: 'emsmdb',
  requestBytes: 0,
  responseBytes: 0,
  ...extra,
});
const finding = (severity: Finding['severity'], evidence: number[]): Finding => ({
  rule: 'r',
  severity,
  title: 't',
  message: 'm',
  fix: 'f',
  evidence,
});

describe('analysis store helpers', () => {
  it('keeps the highest severity per evidence exchange', () => {
    const m = severityMap([finding('info', [1, 2]), finding('error', [2]), finding('warning', [2, 3])]);
    expect([...m.entries()].sort()).toEqual([
      [1, 'info'],
      [2, 'error'],
      [3, 'warning'],
    ]);
  });
  it('fills session and severity into summaries that lack them, and returns the same array when nothing changes', () => {
    const items = [sum(1), sum(2, { session: 7 }), sum(3)];
    const out = enrich(
      items,
      new Map([
        [1, 1],
        [2, 1],
      ]),
      new Map([[3, 'error' as const]]),
    );
    expect(out.map((s) => [s.session, s.severity])).toEqual([
      [1, undefined],
      [7, undefined],
      [undefined, 'error'],
    ]);
    expect(items[0]!.session).toBeUndefined(); // not mutated
    expect(enrich(out, new Map([[1, 1]]), new Map([[3, 'error' as const]]))).toBe(out);
  });
  it('reads { total, items } answers and bare arrays', () => {
    expect(listOf<number>({ total: 2, items: [1, 2] }, 'sessions')).toEqual([1, 2]);
    expect(listOf<number>([3], 'sessions')).toEqual([3]);
    expect(listOf<number>({ sessions: [4] }, 'sessions')).toEqual([4]);
    expect(listOf<number>(null, 'sessions')).toEqual([]);
  });
});
