/**
 * Layout math of the Sessions timeline, pure (no DOM): the time ↔ x scale,
 * zoom about a point, pan, tick marks, and packing a session's exchanges into
 * sub-rows so that overlapping ones (a NotificationWait long-poll beside the
 * Executes sent meanwhile, or two Executes on two connections) never hide one
 * another.
 */

/** The visible window: `start` (epoch ms) at x = 0, `msPerPx` milliseconds per pixel. */
export interface Viewport {
  start: number;
  msPerPx: number;
  width: number;
}

export const MIN_MS_PER_PX = 0.01;
export const MAX_MS_PER_PX = 60 * 60 * 1000;

export function clampScale(msPerPx: number): number {
  if (!Number.isFinite(msPerPx) || msPerPx <= 0) return 1;
  return Math.min(MAX_MS_PER_PX, Math.max(MIN_MS_PER_PX, msPerPx));
}

export function timeToX(v: Viewport, t: number): number {
  return (t - v.start) / v.msPerPx;
}

export function xToTime(v: Viewport, x: number): number {
  return v.start + x * v.msPerPx;
}

/** A viewport showing [t0, t1] in `width` pixels with `padPx` pixels free at each side. */
export function fitViewport(t0: number, t1: number, width: number, padPx = 24): Viewport {
  const w = Math.max(1, width - 2 * padPx);
  const span = Math.max(1, t1 - t0);
  const msPerPx = clampScale(span / w);
  return { start: t0 - padPx * msPerPx, msPerPx, width };
}

/** Zooms by `factor` (>1 zooms in) keeping the time under pixel `x` where it is. */
export function zoomAt(v: Viewport, x: number, factor: number): Viewport {
  const t = xToTime(v, x);
  const msPerPx = clampScale(v.msPerPx / factor);
  return { ...v, start: t - x * msPerPx, msPerPx };
}

/** Moves the window by `dx` pixels (positive: later times come into view). */
export function panBy(v: Viewport, dx: number): Viewport {
  return { ...v, start: v.start + dx * v.msPerPx };
}

/** Wheel → zoom factor: one notch (≈100 px of deltaY) zooms by 1.25. */
export function wheelFactor(deltaY: number): number {
  return Math.pow(1.25, -deltaY / 100);
}

const STEPS = [1, 2, 5];

/** The "nice" tick step (1, 2, 5 × 10^n ms) that puts ticks at least `minPx` apart. */
export function tickStep(msPerPx: number, minPx = 90): number {
  const want = msPerPx * minPx;
  let mag = Math.pow(10, Math.floor(Math.log10(Math.max(want, 1e-9))));
  for (;;) {
    for (const s of STEPS) if (s * mag >= want) return s * mag;
    mag *= 10;
  }
}

export interface Tick {
  time: number;
  x: number;
  label: string;
}

/** Ticks across the viewport, labelled relative to `origin` (the capture's first request). */
export function ticks(v: Viewport, origin: number, minPx = 90): Tick[] {
  const step = tickStep(v.msPerPx, minPx);
  const first = Math.ceil((v.start - origin) / step) * step + origin;
  const end = xToTime(v, v.width);
  const out: Tick[] = [];
  for (let t = first; t <= end && out.length < 1000; t += step)
    out.push({ time: t, x: timeToX(v, t), label: relLabel(t - origin, step) });
  return out;
}

/** "+1.250 s", "+12 ms", "+2:05" — precision follows the tick step. */
export function relLabel(ms: number, step = 1): string {
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (step < 1) return `${sign}${a.toFixed(Math.min(3, Math.ceil(-Math.log10(step))))} ms`;
  if (a < 1000 && step < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) {
    const digits = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
    return `${sign}${(a / 1000).toFixed(digits)} s`;
  }
  const m = Math.floor(a / 60_000);
  const s = (a % 60_000) / 1000;
  return `${sign}${m}:${s.toFixed(step >= 1000 ? 0 : 1).padStart(step >= 1000 ? 2 : 4, '0')}`;
}

/** What the timeline draws per exchange (from the list's summaries). */
export interface TimelineInput {
  id: number;
  /** Request start, epoch ms. */
  start: number;
  /** Response end; undefined while in flight or when the capture has no times. */
  end?: number;
  requestType?: string;
  aborted?: string;
  status?: number;
  responseCode?: number;
  connectionId: number;
}

export type ItemKind = 'connect' | 'execute' | 'wait' | 'ping' | 'disconnect' | 'nspi' | 'other';

export function itemKind(requestType: string | undefined): ItemKind {
  switch ((requestType ?? '').toLowerCase()) {
    case 'connect':
      return 'connect';
    case 'execute':
      return 'execute';
    case 'notificationwait':
      return 'wait';
    case 'ping':
      return 'ping';
    case 'disconnect':
    case 'unbind':
      return 'disconnect';
    case 'bind':
      return 'connect';
    case '':
      return 'other';
    default:
      return 'nspi';
  }
}

export interface PlacedItem {
  id: number;
  kind: ItemKind;
  /** X-RequestType as captured (NSPI items show their own name). */
  type?: string;
  /** Sub-row inside the session's lane (0 = top). */
  row: number;
  start: number;
  /** End used for drawing (start when unknown). */
  end: number;
  /** True when the end is unknown (in flight, aborted, or the capture has no times). */
  open: boolean;
  failed: boolean;
}

export interface LanePacking {
  items: PlacedItem[];
  rows: number;
}

/**
 * Greedy interval packing in time order: each exchange goes to the first
 * sub-row whose last item ends (drawn at least `minMs` long, plus `gapMs`)
 * before it starts. Long-polls therefore keep a row of their own while the
 * Executes sent during them stay on row 0. Deterministic; O(n · rows).
 */
export function packLane(items: readonly TimelineInput[], minMs: number, gapMs = 0, maxRows = Infinity): LanePacking {
  const sorted = [...items].sort((a, b) => a.start - b.start || a.id - b.id);
  const rowEnds: number[] = [];
  const out: PlacedItem[] = [];
  for (const it of sorted) {
    const open = it.end === undefined || it.end < it.start;
    const end = open ? it.start : it.end!;
    const drawnEnd = Math.max(end, it.start + minMs);
    let row = rowEnds.findIndex((e) => e + gapMs <= it.start);
    if (row < 0 && rowEnds.length >= maxRows) {
      // Too dense for the scale: share the row that frees first (the items overlap until zoomed in).
      row = 0;
      for (let r = 1; r < rowEnds.length; r++) if (rowEnds[r]! < rowEnds[row]!) row = r;
      rowEnds[row] = Math.max(rowEnds[row]!, drawnEnd);
    } else if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(drawnEnd);
    } else rowEnds[row] = drawnEnd;
    const failed =
      !!it.aborted ||
      (it.status !== undefined && it.status >= 400) ||
      (it.responseCode !== undefined && it.responseCode !== 0);
    const placed: PlacedItem = { id: it.id, kind: itemKind(it.requestType), row, start: it.start, end, open, failed };
    if (it.requestType !== undefined) placed.type = it.requestType;
    out.push(placed);
  }
  return { items: out, rows: Math.max(1, rowEnds.length) };
}

export interface LaneInput {
  id: number;
  items: readonly TimelineInput[];
}

export interface LaneLayout {
  id: number;
  /** y of the lane's top edge, px. */
  top: number;
  height: number;
  packing: LanePacking;
}

/** Stacks lanes vertically: each is `rowHeight` per sub-row plus `padY` above and below. */
export function layoutLanes(
  lanes: readonly LaneInput[],
  v: Viewport,
  opts: {
    rowHeight: number;
    padY: number;
    minPx?: number;
    gapPx?: number;
    maxRows?: number;
    /** Lowest lane height, px (room for the lane's label). */
    minHeight?: number;
    /**
     * Rows allowed beyond those that true overlaps need (a long-poll beside Executes). Rows
     * opened only because short exchanges are drawn `minPx` wide stop there: zoomed out, a
     * dense lane stays low and its exchanges merge into cluster boxes.
     */
    extraRows?: number;
  },
): { lanes: LaneLayout[]; height: number } {
  const minMs = (opts.minPx ?? 4) * v.msPerPx;
  const gapMs = (opts.gapPx ?? 1) * v.msPerPx;
  let y = 0;
  const out: LaneLayout[] = [];
  for (const l of lanes) {
    const natural = opts.extraRows === undefined ? Infinity : packLane(l.items, 0, 0).rows + opts.extraRows;
    const packing = packLane(l.items, minMs, gapMs, Math.min(opts.maxRows ?? Infinity, natural));
    const height = Math.max(opts.minHeight ?? 0, packing.rows * opts.rowHeight + 2 * opts.padY);
    out.push({ id: l.id, top: y, height, packing });
    y += height;
  }
  return { lanes: out, height: y };
}

export interface VisibleItem {
  item: PlacedItem;
  x: number;
  w: number;
  /** Items of the same row merged into this box (too dense at this scale; zoom in to separate them). */
  covered: number;
}

/**
 * Items that touch [x0, x1] on screen, with their pixel box (culling for long
 * captures). An item that starts under the previous box of its row (rows were
 * capped because the lane is too dense for the scale) widens that box and is
 * counted on it, so a dense lane costs a bounded number of elements however
 * many exchanges it holds.
 */
export function visibleItems(
  items: readonly PlacedItem[],
  v: Viewport,
  minPx = 4,
  x0 = 0,
  x1 = v.width,
): VisibleItem[] {
  const out: VisibleItem[] = [];
  const lastByRow = new Map<number, VisibleItem>();
  for (const item of items) {
    const x = timeToX(v, item.start);
    const w = Math.max(minPx, timeToX(v, item.end) - x);
    if (x + w < x0 || x > x1) continue;
    const prev = lastByRow.get(item.row);
    if (prev && x < prev.x + prev.w) {
      // Starts under the previous box of its row (only when rows were capped): one cluster box.
      prev.w = Math.max(prev.w, x + w - prev.x);
      prev.covered++;
      continue;
    }
    const vi = { item, x, w, covered: 0 };
    lastByRow.set(item.row, vi);
    out.push(vi);
  }
  return out;
}

/** Lanes that intersect the vertical window [top, bottom] (px), for long lists of sessions. */
export function visibleLanes<T extends { top: number; height: number }>(
  lanes: readonly T[],
  top: number,
  bottom: number,
): T[] {
  // Lanes are stacked in order: binary search for the first one that ends below `top`.
  let lo = 0;
  let hi = lanes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const l = lanes[mid]!;
    if (l.top + l.height <= top) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < lanes.length && lanes[i]!.top < bottom; i++) out.push(lanes[i]!);
  return out;
}

/** Time extent of all lanes, [min start, max end]; undefined when empty. */
export function extent(lanes: readonly LaneInput[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lanes)
    for (const it of l.items) {
      lo = Math.min(lo, it.start);
      hi = Math.max(hi, it.end ?? it.start, it.start);
    }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The server's time under one client exchange, as the sub-bar draws it. */
export interface ServerBar {
  /** Left edge relative to the client box's left, px. */
  left: number;
  width: number;
  /** Front-end proxy and back-end parts, px (both absent when the server logged no split). */
  frontEnd?: number;
  backEnd?: number;
}

/**
 * The sub-bar of a server time `totalMs` (split into `frontEndMs` + `backEndMs` when known) under a client
 * exchange of `clientMs`: same scale as the timeline, centred in the client's box (the two sides' clocks are
 * not compared, so the time outside the server is shown split evenly before and after it), at least 1 px.
 */
export function serverBar(
  clientMs: number,
  server: { totalMs: number; frontEndMs?: number; backEndMs?: number },
  msPerPx: number,
): ServerBar {
  const width = Math.max(1, server.totalMs / msPerPx);
  const bar: ServerBar = { left: (clientMs / msPerPx - width) / 2, width };
  if (server.frontEndMs !== undefined && server.backEndMs !== undefined && server.totalMs > 0) {
    bar.frontEnd = (width * server.frontEndMs) / server.totalMs;
    bar.backEnd = width - bar.frontEnd;
  }
  return bar;
}
