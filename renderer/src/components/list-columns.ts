/**
 * The exchange list's columns and their widths (pure, unit-tested). The list
 * container carries one CSS custom property per column (`--col-id: 44px` …);
 * the header and every row share a `grid-template-columns` built from them, so
 * a resize changes one style attribute and no row re-renders.
 */
export const COLUMN_KEYS = [
  'sev',
  'id',
  'time',
  'sess',
  'type',
  'status',
  'code',
  'dur',
  'req',
  'resp',
  'rops',
] as const;

export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** Per-column overrides of the default width, px (only what the user changed). */
export type ColumnWidths = Partial<Record<ColumnKey, number>>;

export interface ColumnSpec {
  /** Default width, px. For the last column: the width it keeps before taking the rest of the row. */
  width: number;
  min: number;
  /** Accessible name of the column (the header text can be a symbol). */
  name: string;
}

export const COLUMNS: Record<ColumnKey, ColumnSpec> = {
  sev: { width: 16, min: 16, name: 'Severity' },
  id: { width: 44, min: 28, name: '#' },
  time: { width: 92, min: 48, name: 'Time' },
  sess: { width: 36, min: 28, name: 'Session' },
  type: { width: 112, min: 48, name: 'Type' },
  status: { width: 40, min: 32, name: 'HTTP status' },
  code: { width: 44, min: 32, name: 'Response code' },
  dur: { width: 60, min: 40, name: 'Duration' },
  req: { width: 58, min: 36, name: 'Request size' },
  resp: { width: 58, min: 36, name: 'Response size' },
  rops: { width: 120, min: 40, name: 'ROPs / URL' },
};

/** The flexible column: it grows into whatever the others leave. */
export const FLEX_COLUMN: ColumnKey = 'rops';
export const MAX_COLUMN_WIDTH = 2000;
/** Keyboard steps on a focused resize handle. */
export const KEY_STEP = 10;
export const KEY_STEP_LARGE = 50;

export function clampWidth(key: ColumnKey, px: number): number {
  if (!Number.isFinite(px)) return COLUMNS[key].width;
  return Math.max(COLUMNS[key].min, Math.min(MAX_COLUMN_WIDTH, Math.round(px)));
}

export function widthOf(widths: ColumnWidths, key: ColumnKey): number {
  return widths[key] ?? COLUMNS[key].width;
}

/** The overrides with one column set (a width equal to the default drops the override). */
export function withWidth(widths: ColumnWidths, key: ColumnKey, px: number): ColumnWidths {
  const w = clampWidth(key, px);
  const next: ColumnWidths = { ...widths };
  if (w === COLUMNS[key].width) delete next[key];
  else next[key] = w;
  return next;
}

export function withoutWidth(widths: ColumnWidths, key: ColumnKey): ColumnWidths {
  const next: ColumnWidths = { ...widths };
  delete next[key];
  return next;
}

/** The width a key press on a focused handle leads to, or undefined for other keys. */
export function keyResize(current: number, key: string, shift: boolean): number | undefined {
  const step = shift ? KEY_STEP_LARGE : KEY_STEP;
  if (key === 'ArrowRight') return current + step;
  if (key === 'ArrowLeft') return current - step;
  return undefined;
}

/** Stored overrides (JSON) → valid overrides: unknown keys and non-numbers dropped, widths clamped. */
export function parseWidths(raw: string | null | undefined): ColumnWidths {
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  let out: ColumnWidths = {};
  for (const k of COLUMN_KEYS) {
    const n = (v as Record<string, unknown>)[k];
    if (typeof n === 'number' && Number.isFinite(n)) out = withWidth(out, k, n);
  }
  return out;
}

export function cssVar(key: ColumnKey): `--col-${ColumnKey}` {
  return `--col-${key}`;
}

/** The container's custom properties: every column's width. */
export function columnVars(widths: ColumnWidths): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of COLUMN_KEYS) out[cssVar(k)] = `${widthOf(widths, k)}px`;
  return out;
}

/** The grid template shared by the header and rows (the same text is in styles.css). */
export function gridTemplate(): string {
  // Fields added as columns (`--field-cols`, empty when none) come before the flexible column.
  return COLUMN_KEYS.map((k) =>
    k === FLEX_COLUMN ? `var(--field-cols,) minmax(var(${cssVar(k)}), 1fr)` : `var(${cssVar(k)})`,
  ).join(' ');
}
