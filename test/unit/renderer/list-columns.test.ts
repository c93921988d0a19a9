import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  clampWidth,
  COLUMN_KEYS,
  COLUMNS,
  columnVars,
  gridTemplate,
  keyResize,
  MAX_COLUMN_WIDTH,
  parseWidths,
  widthOf,
  withoutWidth,
  withWidth,
} from '../../../renderer/src/components/list-columns';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('exchange-list column widths', () => {
  it('clamps to the column minimum and the maximum, rounding to whole pixels', () => {
    expect(clampWidth('type', 10)).toBe(COLUMNS.type.min);
    expect(clampWidth('type', 150.6)).toBe(151);
    expect(clampWidth('type', 1e9)).toBe(MAX_COLUMN_WIDTH);
    expect(clampWidth('type', Number.NaN)).toBe(COLUMNS.type.width);
    for (const k of COLUMN_KEYS) expect(COLUMNS[k].min).toBeLessThanOrEqual(COLUMNS[k].width);
  });

  it('keeps only overrides: the default width drops the entry; the input is not changed', () => {
    const a = withWidth({}, 'time', 140);
    expect(a).toEqual({ time: 140 });
    const b = withWidth(a, 'type', 20);
    expect(b).toEqual({ time: 140, type: COLUMNS.type.min });
    expect(a).toEqual({ time: 140 });
    expect(withWidth(b, 'time', COLUMNS.time.width)).toEqual({ type: COLUMNS.type.min });
    expect(withoutWidth(b, 'type')).toEqual({ time: 140 });
    expect(widthOf(b, 'time')).toBe(140);
    expect(widthOf(b, 'id')).toBe(COLUMNS.id.width);
  });

  it('arrow keys step by 10 px, with Shift by 50 px; other keys do nothing', () => {
    expect(keyResize(100, 'ArrowRight', false)).toBe(110);
    expect(keyResize(100, 'ArrowLeft', false)).toBe(90);
    expect(keyResize(100, 'ArrowRight', true)).toBe(150);
    expect(keyResize(100, 'ArrowLeft', true)).toBe(50);
    expect(keyResize(100, 'ArrowUp', false)).toBeUndefined();
    expect(keyResize(100, 'Enter', false)).toBeUndefined();
  });

  it('reads stored widths defensively', () => {
    expect(parseWidths(null)).toEqual({});
    expect(parseWidths('not json')).toEqual({});
    expect(parseWidths('[1,2]')).toEqual({});
    expect(parseWidths('42')).toEqual({});
    expect(parseWidths(JSON.stringify({ type: 200, bogus: 5, time: 'wide', id: 1, sess: COLUMNS.sess.width }))).toEqual(
      {
        type: 200,
        id: COLUMNS.id.min,
      },
    );
  });

  it('sets one custom property per column on the container', () => {
    const v = columnVars({ type: 200 });
    expect(Object.keys(v)).toEqual(COLUMN_KEYS.map((k) => `--col-${k}`));
    expect(v['--col-type']).toBe('200px');
    expect(v['--col-id']).toBe(`${COLUMNS.id.width}px`);
  });

  it('the stylesheet shares the same grid template between header and rows', () => {
    const css = readFileSync(path.join(ROOT, 'renderer/src/styles.css'), 'utf8');
    const rule = /\.xrow \{[^}]*grid-template-columns:([^;]*);/.exec(css);
    expect(rule).not.toBeNull();
    expect(rule![1]!.replace(/\s+/g, ' ').trim()).toBe(gridTemplate());
    // The row's minimum width counts every column.
    const min = /\.xrow \{[^}]*min-width: calc\(([^;]*)\);/.exec(css);
    for (const k of COLUMN_KEYS) expect(min![1]).toContain(`var(--col-${k})`);
  });
});
