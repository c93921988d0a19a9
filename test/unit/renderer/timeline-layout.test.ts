import { describe, expect, it } from 'vitest';
import {
  clampScale,
  extent,
  fitViewport,
  itemKind,
  layoutLanes,
  packLane,
  panBy,
  relLabel,
  serverBar,
  tickStep,
  ticks,
  timeToX,
  visibleItems,
  visibleLanes,
  wheelFactor,
  xToTime,
  zoomAt,
  type TimelineInput,
} from '../../../renderer/src/timeline/timeline-layout';

const it0 = (
  id: number,
  start: number,
  end: number | undefined,
  requestType = 'Execute',
  extra: Partial<TimelineInput> = {},
): TimelineInput => ({
  id,
  start,
  ...(end !== undefined ? { end } : {}),
  requestType,
  connectionId: 1,
  ...extra,
});

describe('scale', () => {
  it('maps time to x and back', () => {
    const v = { start: 1000, msPerPx: 2, width: 500 };
    expect(timeToX(v, 1000)).toBe(0);
    expect(timeToX(v, 1200)).toBe(100);
    expect(xToTime(v, 100)).toBe(1200);
  });
  it('fits an extent with padding on both sides', () => {
    const v = fitViewport(0, 1000, 548, 24);
    expect(v.msPerPx).toBeCloseTo(1000 / 500);
    expect(timeToX(v, 0)).toBeCloseTo(24);
    expect(timeToX(v, 1000)).toBeCloseTo(524);
  });
  it('fits a zero-length extent without dividing by zero', () => {
    const v = fitViewport(5000, 5000, 400);
    expect(Number.isFinite(v.msPerPx)).toBe(true);
    expect(v.msPerPx).toBeGreaterThan(0);
  });
  it('zooms about the pointer: the time under it stays put', () => {
    const v = { start: 0, msPerPx: 10, width: 1000 };
    const z = zoomAt(v, 300, 2);
    expect(z.msPerPx).toBe(5);
    expect(xToTime(z, 300)).toBeCloseTo(xToTime(v, 300));
    const back = zoomAt(z, 300, 0.5);
    expect(back.msPerPx).toBeCloseTo(10);
    expect(back.start).toBeCloseTo(0);
  });
  it('clamps the zoom', () => {
    expect(clampScale(0)).toBe(1);
    expect(clampScale(1e-9)).toBeGreaterThan(0);
    expect(zoomAt({ start: 0, msPerPx: 0.01, width: 10 }, 0, 1000).msPerPx).toBe(0.01);
  });
  it('pans by pixels', () => {
    expect(panBy({ start: 100, msPerPx: 3, width: 10 }, 10).start).toBe(130);
    expect(panBy({ start: 100, msPerPx: 3, width: 10 }, -10).start).toBe(70);
  });
  it('turns wheel deltas into zoom factors (down zooms out)', () => {
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(-100)).toBeCloseTo(1.25);
    expect(wheelFactor(100)).toBeCloseTo(0.8);
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps at least minPx apart', () => {
    expect(tickStep(1, 90)).toBe(100);
    expect(tickStep(10, 90)).toBe(1000);
    expect(tickStep(3, 90)).toBe(500);
    expect(tickStep(0.01, 90)).toBe(1);
    expect(tickStep(1000, 90)).toBe(100_000);
  });
  it('lays ticks on multiples of the step from the origin', () => {
    const v = { start: 1050, msPerPx: 1, width: 450 };
    const t = ticks(v, 1000, 90);
    expect(t.map((x) => x.time)).toEqual([1100, 1200, 1300, 1400, 1500]);
    expect(t[0]!.x).toBe(50);
    expect(t[0]!.label).toBe('+100 ms');
  });
  it('labels with the precision of the step', () => {
    expect(relLabel(1500, 500)).toBe('+1.5 s');
    expect(relLabel(2000, 1000)).toBe('+2 s');
    expect(relLabel(125_000, 5000)).toBe('+2:05');
    expect(relLabel(0.5, 0.1)).toBe('+0.5 ms');
    expect(relLabel(-200, 100)).toBe('−200 ms');
  });
});

describe('packing', () => {
  it('keeps sequential exchanges on one row', () => {
    const p = packLane([it0(1, 0, 10, 'Connect'), it0(2, 20, 30), it0(3, 40, 50, 'Disconnect')], 1);
    expect(p.rows).toBe(1);
    expect(p.items.map((x) => x.row)).toEqual([0, 0, 0]);
    expect(p.items.map((x) => x.kind)).toEqual(['connect', 'execute', 'disconnect']);
  });
  it('puts a long-poll beside the Executes sent during it', () => {
    const p = packLane(
      [
        it0(1, 0, 10, 'Connect'),
        it0(2, 20, 5000, 'NotificationWait'),
        it0(3, 30, 40),
        it0(4, 50, 60),
        it0(5, 5100, 5200, 'NotificationWait'),
      ],
      1,
    );
    expect(p.rows).toBe(2);
    const row = Object.fromEntries(p.items.map((x) => [x.id, x.row]));
    expect(row).toEqual({ 1: 0, 2: 0, 3: 1, 4: 1, 5: 0 });
  });
  it('opens a third row for three overlapping exchanges', () => {
    const p = packLane([it0(1, 0, 100), it0(2, 10, 100), it0(3, 20, 100), it0(4, 200, 300)], 1);
    expect(p.rows).toBe(3);
    expect(p.items.map((x) => x.row)).toEqual([0, 1, 2, 0]);
  });
  it('treats an exchange without an end as open and draws it at least minMs long', () => {
    const p = packLane([it0(1, 0, undefined, 'Execute', { aborted: 'reset' }), it0(2, 2, 3)], 5);
    expect(p.items[0]).toMatchObject({ open: true, failed: true, end: 0 });
    expect(p.items[1]!.row).toBe(1); // 0 + minMs 5 > 2
    const q = packLane([it0(1, 0, undefined), it0(2, 6, 7)], 5);
    expect(q.items[1]!.row).toBe(0);
  });
  it('sorts by start time whatever the input order', () => {
    const p = packLane([it0(2, 50, 60), it0(1, 0, 10)], 1);
    expect(p.items.map((x) => x.id)).toEqual([1, 2]);
  });
  it('marks failures (HTTP ≥ 400, X-ResponseCode ≠ 0, aborted)', () => {
    const p = packLane(
      [
        it0(1, 0, 1, 'Execute', { status: 200, responseCode: 0 }),
        it0(2, 2, 3, 'Execute', { responseCode: 10 }),
        it0(3, 4, 5, 'Execute', { status: 401 }),
      ],
      0.1,
    );
    expect(p.items.map((x) => x.failed)).toEqual([false, true, true]);
  });
  it('names request types', () => {
    expect(
      ['Connect', 'Bind', 'Execute', 'NotificationWait', 'PING', 'Disconnect', 'Unbind', 'GetMatches', undefined].map(
        itemKind,
      ),
    ).toEqual(['connect', 'connect', 'execute', 'wait', 'ping', 'disconnect', 'disconnect', 'nspi', 'other']);
  });
});

describe('lanes', () => {
  it('stacks lanes by their row counts and packs at the current zoom', () => {
    const v = { start: 0, msPerPx: 1, width: 1000 };
    const lanes = [
      { id: 1, items: [it0(1, 0, 100), it0(2, 10, 20)] },
      { id: 2, items: [it0(3, 0, 10)] },
    ];
    const l = layoutLanes(lanes, v, { rowHeight: 20, padY: 4 });
    expect(l.lanes.map((x) => [x.top, x.height])).toEqual([
      [0, 48],
      [48, 28],
    ]);
    expect(l.height).toBe(76);
    const tall = layoutLanes(lanes, v, { rowHeight: 20, padY: 4, minHeight: 40 });
    expect(tall.lanes.map((x) => x.height)).toEqual([48, 40]);
    // Zoomed far out, the 4 px minimum width makes the two short items of lane 2 collide.
    const far = layoutLanes(
      [{ id: 1, items: [it0(1, 0, 1), it0(2, 2, 3)] }],
      { start: 0, msPerPx: 100, width: 100 },
      { rowHeight: 20, padY: 4 },
    );
    expect(far.lanes[0]!.packing.rows).toBe(2);
    // With extraRows 0, only true overlaps open rows: 100 back-to-back exchanges stay on one row.
    const seq = { id: 1, items: Array.from({ length: 100 }, (_, i) => it0(i + 1, i * 2, i * 2 + 1)) };
    expect(
      layoutLanes([seq], { start: 0, msPerPx: 100, width: 100 }, { rowHeight: 20, padY: 4 }).lanes[0]!.packing.rows,
    ).toBeGreaterThan(50);
    expect(
      layoutLanes([seq], { start: 0, msPerPx: 100, width: 100 }, { rowHeight: 20, padY: 4, extraRows: 0 }).lanes[0]!
        .packing.rows,
    ).toBe(1);
    const withPoll = { id: 2, items: [...seq.items, it0(999, 0, 500, 'NotificationWait')] };
    expect(
      layoutLanes([withPoll], { start: 0, msPerPx: 100, width: 100 }, { rowHeight: 20, padY: 4, extraRows: 1 })
        .lanes[0]!.packing.rows,
    ).toBe(3);
  });
  it('culls items outside the view', () => {
    const v = { start: 1000, msPerPx: 1, width: 100 };
    const p = packLane([it0(1, 0, 10), it0(2, 990, 1005), it0(3, 1050, 1060), it0(4, 1200, 1300)], 1);
    expect(visibleItems(p.items, v).map((x) => x.item.id)).toEqual([2, 3]);
    const third = visibleItems(p.items, v).find((x) => x.item.id === 3)!;
    expect(third.x).toBe(50);
    expect(third.w).toBe(10);
  });
  it('computes the extent', () => {
    expect(extent([])).toBeUndefined();
    expect(extent([{ id: 1, items: [it0(1, 5, 20), it0(2, 30, undefined)] }])).toEqual([5, 30]);
  });
  it('caps the rows of a dense lane and shares the row that frees first', () => {
    const many = Array.from({ length: 10 }, (_, i) => it0(i + 1, i, 100 + i));
    const p = packLane(many, 1, 0, 3);
    expect(p.rows).toBe(3);
    expect(p.items.map((x) => x.row)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  });
  it('counts items hidden under a box instead of drawing them', () => {
    const v = { start: 0, msPerPx: 10, width: 100 };
    // 1000 exchanges of 1 ms each, 1 ms apart: 2 s on 200 px … only the first 100 px are in view.
    const items = packLane(
      Array.from({ length: 1000 }, (_, i) => it0(i + 1, i * 2, i * 2 + 1)),
      0,
      0,
      1,
    ).items;
    const vis = visibleItems(items, v, 4);
    expect(vis).toHaveLength(1);
    expect(vis[0]!.covered).toBe(500); // every item that touches the view is in the one cluster box
    expect(vis[0]!.x).toBe(0);
    expect(vis[0]!.w).toBeCloseTo(104); // up to the last one (x = 100, 4 px wide)
    // Zoomed in, they separate again.
    const near = visibleItems(items, { start: 0, msPerPx: 0.1, width: 100 }, 4);
    expect(near.every((x) => x.covered === 0)).toBe(true);
  });
});

describe('vertical culling', () => {
  const lanes = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, top: i * 30, height: 30 }));
  it('returns the lanes that intersect the window', () => {
    expect(visibleLanes(lanes, 0, 60).map((l) => l.id)).toEqual([1, 2]);
    expect(visibleLanes(lanes, 45, 100).map((l) => l.id)).toEqual([2, 3, 4]);
    expect(visibleLanes(lanes, 29_990, 40_000).map((l) => l.id)).toEqual([1000]);
    expect(visibleLanes(lanes, 50_000, 60_000)).toEqual([]);
    expect(visibleLanes([], 0, 10)).toEqual([]);
  });
});

describe('server sub-bar', () => {
  it('draws the server time at the timeline scale, centred in the client box, split front end / back end', () => {
    // 3100 ms seen by the client, 3050 ms logged by the front end (150 front end + 2900 back end), 10 ms/px.
    expect(serverBar(3100, { totalMs: 3050, frontEndMs: 150, backEndMs: 2900 }, 10)).toEqual({
      left: 2.5,
      width: 305,
      frontEnd: 15,
      backEnd: 290,
    });
  });

  it('keeps at least 1 px, leaves the split out when unknown, and overhangs when the server logged more', () => {
    expect(serverBar(5000, { totalMs: 2 }, 100)).toEqual({ left: 24.5, width: 1 });
    expect(serverBar(100, { totalMs: 300 }, 1)).toEqual({ left: -100, width: 300 });
  });
});
