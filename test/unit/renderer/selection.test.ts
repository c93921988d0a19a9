import { describe, expect, it } from 'vitest';
import { rangeIds } from '../../../renderer/src/stores/exchanges-store';
import { exportName } from '../../../renderer/src/commands';

describe('list selection', () => {
  const order = [5, 3, 9, 1, 7];
  it('selects the rows between the anchor and the clicked row in the shown order, either direction', () => {
    expect(rangeIds(order, 3, 1)).toEqual([3, 9, 1]);
    expect(rangeIds(order, 7, 9)).toEqual([9, 1, 7]);
    expect(rangeIds(order, 9, 9)).toEqual([9]);
  });
  it('falls back to the clicked row when the anchor is filtered out, and to nothing when the row is', () => {
    expect(rangeIds(order, 42, 1)).toEqual([1]);
    expect(rangeIds(order, 3, 42)).toEqual([]);
  });
});

describe('export file names', () => {
  it('stamp the date and carry the format', () => {
    const d = new Date(2026, 11, 1, 7, 5);
    expect(exportName('har', d)).toBe('mapiscope-20261201-0705.har');
    expect(exportName('saz', d)).toBe('mapiscope-20261201-0705.saz');
    expect(exportName('json', d)).toBe('mapiscope-20261201-0705.decoded.json');
    expect(exportName('mscap', d)).toBe('mapiscope-20261201-0705.mscap');
  });
});
