/**
 * Sessions: one swim lane per MAPI session (Connect, Executes,
 * NotificationWaits, PINGs, Disconnect) with its lifecycle events (expiry,
 * reconnects, dropped connections, network changes) as markers. Wheel or the
 * buttons zoom about the pointer, dragging pans; clicking an exchange selects
 * it in the Exchanges view. With server logs open (`logs.serverTimes`), each
 * exchange the logs answer gets a sub-bar of the server's time (front-end
 * proxy, back end) and each request they never logged is marked. The layout
 * math is renderer/src/timeline.
 */
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { ServerTimesDto } from '../../../shared/api/contract';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import type { ServerTime } from '../../../shared/logs/server-time';
import { api } from '../api/client';
import type { LifecycleEvent, LifecycleKind, SessionInfo } from '../../../shared/session/types';
import { useAnalysisStore } from '../stores/analysis-store';
import { useExchangesStore } from '../stores/exchanges-store';
import { useUiStore } from '../stores/ui-store';
import {
  extent,
  fitViewport,
  layoutLanes,
  panBy,
  serverBar,
  ticks,
  timeToX,
  visibleItems,
  visibleLanes,
  wheelFactor,
  zoomAt,
  type ItemKind,
  type LaneInput,
  type TimelineInput,
  type Viewport,
} from '../timeline/timeline-layout';
import { formatDuration, formatTime } from './format';

const ROW_H = 18;
/** Row height with server logs open: room for the server sub-bar under each box. */
const ROW_H_SERVER = 24;
const BOX_H = 15;
const SERVER_H = 5;
const PAD_Y = 6;
const GUTTER = 230;
const MIN_PX = 4;
/** Sub-rows per lane before dense stretches merge into cluster boxes. */
const MAX_ROWS = 6;

interface Lane {
  id: number;
  title: string;
  subtitle: string;
  state?: string;
  items: TimelineInput[];
  events: LifecycleEvent[];
}

const KIND_LABEL: Record<ItemKind, string> = {
  connect: 'Connect',
  execute: 'Execute',
  wait: 'NotificationWait',
  ping: 'PING',
  disconnect: 'Disconnect',
  nspi: 'NSPI',
  other: 'other',
};

const MATCHED_BY: Record<ServerTime['by'], string> = {
  'request-id': 'X-RequestId',
  'session-cookie': 'session cookie and time',
  'time-and-user': 'time and user',
};

function serverTitle(t: ServerTime): string {
  const split =
    t.frontEndMs !== undefined && t.backEndMs !== undefined
      ? ` (front end ${formatDuration(t.frontEndMs)}, back end ${formatDuration(t.backEndMs)})`
      : t.backEndMs !== undefined
        ? ' (back end)'
        : '';
  return `Server #${t.exchangeId}: ${formatDuration(t.totalMs)}${split} · matched by ${MATCHED_BY[t.by]} · ${t.sources.join(', ')}`;
}

/** The server-log join for the timeline; nothing when no case is open or the backend has no logs service. */
function useServerTimes(key: unknown): ServerTimesDto | undefined {
  const [times, setTimes] = useState<ServerTimesDto | undefined>();
  useEffect(() => {
    let live = true;
    api()
      .call('logs.serverTimes', {})
      .then(
        (r) => live && setTimes(r.open ? r : undefined),
        () => live && setTimes(undefined),
      );
    return () => {
      live = false;
    };
  }, [key]);
  return times;
}

/** Lifecycle kinds drawn as markers, with a glyph and a legend name. */
export const EVENT_MARK: Partial<Record<LifecycleKind, { glyph: string; label: string; cls: string }>> = {
  reconnect: { glyph: '↻', label: 'reconnect', cls: 'ev-reconnect' },
  'resumed-after-drop': { glyph: '↻', label: 'resumed after drop', cls: 'ev-reconnect' },
  replaced: { glyph: '⇢', label: 'replaced by a new session', cls: 'ev-reconnect' },
  'idle-expired': { glyph: '◔', label: 'expired (idle)', cls: 'ev-expiry' },
  'context-lost': { glyph: '✕', label: 'context lost', cls: 'ev-lost' },
  'sequence-error': { glyph: '✕', label: 'sequence error', cls: 'ev-lost' },
  'connect-failed': { glyph: '✕', label: 'connect failed', cls: 'ev-lost' },
  'used-after-close': { glyph: '!', label: 'used after close', cls: 'ev-lost' },
  dropped: { glyph: '⚡', label: 'connection dropped', cls: 'ev-drop' },
  'network-change': { glyph: '⇄', label: 'network / address change', cls: 'ev-net' },
  'mid-session-start': { glyph: '…', label: 'capture started mid-session', cls: 'ev-info' },
};

function toInput(s: ExchangeSummary): TimelineInput {
  const it: TimelineInput = { id: s.id, start: s.time, connectionId: s.connectionId };
  if (s.durationMs !== undefined) it.end = s.time + s.durationMs;
  if (s.requestType !== undefined) it.requestType = s.requestType;
  if (s.aborted !== undefined) it.aborted = s.aborted;
  if (s.status !== undefined) it.status = s.status;
  if (s.responseCode !== undefined) it.responseCode = s.responseCode;
  return it;
}

function laneOf(info: SessionInfo, byId: Map<number, ExchangeSummary>): Lane {
  const items: TimelineInput[] = [];
  for (const id of info.exchangeIds) {
    const s = byId.get(id);
    if (s) items.push(toInput(s));
  }
  const who = info.mailbox ?? info.clientInfo ?? info.userAgent ?? '';
  const extra = [
    info.state,
    info.reconnectOf ? `re-established #${info.reconnectOf}` : '',
    info.startedMidSession ? 'mid-session' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    id: info.id,
    title: `Session ${info.id} · ${info.endpoint}`,
    subtitle: [extra, who].filter(Boolean).join(' · '),
    state: info.state,
    items,
    events: info.events,
  };
}

/** Lanes from the session service, or (without it) from the list's own session numbers. */
export function buildLanes(sessions: readonly SessionInfo[], summaries: readonly ExchangeSummary[]): Lane[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  if (sessions.length) return sessions.map((s) => laneOf(s, byId));
  const groups = new Map<number, ExchangeSummary[]>();
  for (const s of summaries)
    if (s.session !== undefined) (groups.get(s.session) ?? groups.set(s.session, []).get(s.session)!).push(s);
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, list]) => ({
      id,
      title: `Session ${id} · ${list[0]!.endpoint}`,
      subtitle: '',
      items: list.map(toInput),
      events: [],
    }));
}

export function SessionsView() {
  const sessions = useAnalysisStore((s) => s.sessions);
  const state = useAnalysisStore((s) => s.sessionsState);
  const error = useAnalysisStore((s) => s.error);
  const reload = useAnalysisStore((s) => s.reload);
  const summaries = useExchangesStore((s) => s.items);
  const selectedId = useExchangesStore((s) => s.selectedId);
  const select = useExchangesStore((s) => s.select);
  const setView = useUiStore((s) => s.setView);

  useEffect(() => {
    void reload();
  }, [reload]);

  const lanes = useMemo(() => buildLanes(sessions, summaries), [sessions, summaries]);
  const server = useServerTimes(sessions);
  const serverById = useMemo(() => new Map(server?.times.map((t) => [t.exchangeId, t])), [server]);
  const unlogged = useMemo(() => new Set(server?.unmatched), [server]);
  const rowH = server ? ROW_H_SERVER : ROW_H;
  const laneInputs: LaneInput[] = useMemo(() => lanes.map((l) => ({ id: l.id, items: l.items })), [lanes]);
  const span = useMemo(() => extent(laneInputs), [laneInputs]);

  const track = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollY, setScrollY] = useState(0);
  const [viewH, setViewH] = useState(800);
  const laneById = useMemo(() => new Map(lanes.map((l) => [l.id, l])), [lanes]);
  const [width, setWidth] = useState(800);
  const [vp, setVp] = useState<Viewport | undefined>();
  const touched = useRef(false);

  useEffect(() => {
    const el = track.current;
    if (!el) return;
    const measure = () => {
      setWidth(Math.max(100, el.clientWidth));
      if (scroller.current) setViewH(scroller.current.clientHeight);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    if (scroller.current) ro.observe(scroller.current);
    measure();
    return () => ro.disconnect();
  }, [lanes.length > 0]);

  // Fit the whole capture until the user zooms or pans.
  useEffect(() => {
    if (!span || touched.current) return;
    setVp(fitViewport(span[0], span[1], width));
  }, [span?.[0], span?.[1], width]);

  const v: Viewport | undefined = vp ? { ...vp, width } : undefined;
  const layout = useMemo(
    () =>
      v
        ? layoutLanes(laneInputs, v, {
            rowHeight: rowH,
            padY: PAD_Y,
            minPx: MIN_PX,
            maxRows: MAX_ROWS,
            extraRows: 1,
            minHeight: 40,
          })
        : undefined,
    // Packing depends on the scale only, not on panning.
    [laneInputs, v?.msPerPx, rowH],
  );

  const change = (f: (v: Viewport) => Viewport) => {
    touched.current = true;
    setVp((cur) => (cur ? f({ ...cur, width }) : cur));
  };
  const fit = () => {
    touched.current = false;
    if (span) setVp(fitViewport(span[0], span[1], width));
  };

  // Wheel: zoom about the pointer (vertical), pan (horizontal or Shift). Non-passive to keep the page still.
  useEffect(() => {
    const el = track.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const x = e.clientX - el.getBoundingClientRect().left;
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        change((cur) => panBy(cur, e.shiftKey ? e.deltaY : e.deltaX));
      } else if (!e.altKey) {
        e.preventDefault();
        change((cur) => zoomAt(cur, x, wheelFactor(e.deltaY)));
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  });

  const drag = useRef<{ x: number; moved: boolean; id?: string } | undefined>(undefined);
  const open = (id: number) => {
    select(id);
    setView('exchanges');
  };

  if (state === 'missing' && lanes.length === 0)
    return (
      <main className="sessions-view empty">
        <p>The backend does not provide the session model yet (RPC method sessions.list is missing).</p>
      </main>
    );
  if (lanes.length === 0)
    return (
      <main className="sessions-view empty">
        <p>{state === 'unknown' ? 'Loading sessions…' : 'No MAPI sessions in the loaded exchanges.'}</p>
        {error && <p className="aborted">{error}</p>}
        <p className="hint">
          Open a capture or start capturing; each session context (Connect … Disconnect) gets a lane.
        </p>
      </main>
    );

  const origin = span?.[0] ?? 0;
  // Only the lanes in (or near) the vertical view are drawn.
  const shownLanes = layout ? visibleLanes(layout.lanes, scrollY - 200, scrollY + viewH + 200) : [];
  const tickList = v ? ticks(v, origin) : [];
  return (
    <main className="sessions-view" aria-label="Sessions timeline">
      <div className="tl-tools">
        <button
          onClick={() => change((c) => zoomAt(c, width / 2, 1.6))}
          aria-label="Zoom in"
          title="Zoom in (+ or wheel)"
        >
          +
        </button>
        <button
          onClick={() => change((c) => zoomAt(c, width / 2, 1 / 1.6))}
          aria-label="Zoom out"
          title="Zoom out (− or wheel)"
        >
          −
        </button>
        <button onClick={fit} title="Show the whole capture (0)">
          Fit
        </button>
        <span className="hint">
          {lanes.length} session{lanes.length === 1 ? '' : 's'} · wheel zooms, drag or Shift+wheel pans, click an
          exchange to open it
          {v ? ` · ${formatDuration(v.msPerPx * width)} across` : ''}
        </span>
        <div className="spacer" />
        <Legend server={!!server} />
      </div>
      <div
        className="tl-body"
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.key === '+' || e.key === '=') change((c) => zoomAt(c, width / 2, 1.6));
          else if (e.key === '-') change((c) => zoomAt(c, width / 2, 1 / 1.6));
          else if (e.key === '0') fit();
          else if (e.key === 'ArrowLeft') change((c) => panBy(c, -width / 8));
          else if (e.key === 'ArrowRight') change((c) => panBy(c, width / 8));
          else return;
          e.preventDefault();
        }}
      >
        <div className="tl-header" style={{ paddingLeft: GUTTER }}>
          {span && (
            <span className="tl-origin hint" title="Time of the first exchange; ticks are relative to it">
              t₀ = {formatTime(origin)}
            </span>
          )}
          <div className="tl-ticks">
            {tickList.map((t) => (
              <span key={t.time} className="tl-tick" style={{ left: t.x }}>
                {t.label}
              </span>
            ))}
          </div>
        </div>
        <div
          className="tl-scroll"
          ref={scroller}
          onScroll={(e) => {
            setScrollY(e.currentTarget.scrollTop);
            setViewH(e.currentTarget.clientHeight);
          }}
        >
          <div className="tl-grid" style={{ height: layout?.height ?? 0 }}>
            <div className="tl-gutter" style={{ width: GUTTER }}>
              {shownLanes.map((l) => {
                const lane = laneById.get(l.id)!;
                return (
                  <div
                    key={l.id}
                    className={`tl-label st-${lane.state ?? 'unknown'}`}
                    style={{ top: l.top, height: l.height }}
                    data-session={lane.id}
                  >
                    <strong>{lane.title}</strong>
                    <span className="hint">
                      {lane.items.length} exchanges{lane.subtitle ? ` · ${lane.subtitle}` : ''}
                    </span>
                  </div>
                );
              })}
            </div>
            <div
              className="tl-track"
              ref={track}
              style={{ left: GUTTER }}
              onPointerDown={(e) => {
                // The item under the pointer is read now: pointer capture retargets the later events.
                const id = (e.target as HTMLElement).closest<HTMLElement>('[data-id]')?.dataset.id;
                drag.current = { x: e.clientX, moved: false, ...(id ? { id } : {}) };
                (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
              }}
              onPointerMove={(e) => {
                const d = drag.current;
                if (!d) return;
                const dx = e.clientX - d.x;
                if (!d.moved && Math.abs(dx) < 3) return;
                d.moved = true;
                d.x = e.clientX;
                change((c) => panBy(c, -dx));
              }}
              onPointerUp={() => {
                const d = drag.current;
                drag.current = undefined;
                if (!d || d.moved) return;
                if (d.id) open(Number(d.id));
              }}
            >
              {tickList.map((t) => (
                <div key={t.time} className="tl-gridline" style={{ left: t.x }} />
              ))}
              {v &&
                shownLanes.map((l) => {
                  const lane = laneById.get(l.id)!;
                  return (
                    <div key={l.id} className="tl-lane" style={{ top: l.top, height: l.height }}>
                      {visibleItems(l.packing.items, v, MIN_PX, -50, width + 50).map(({ item, x, w, covered }) => {
                        const st = covered ? undefined : serverById.get(item.id);
                        const bar = st && !item.open ? serverBar(item.end - item.start, st, v.msPerPx) : undefined;
                        const notLogged = unlogged.has(item.id);
                        const top = PAD_Y + item.row * rowH;
                        return (
                          <Fragment key={item.id}>
                            <div
                              data-id={item.id}
                              className={`tl-item k-${item.kind}${item.failed ? ' failed' : ''}${item.open ? ' open' : ''}${item.id === selectedId ? ' selected' : ''}${covered ? ' cluster' : ''}${notLogged ? ' unlogged' : ''}`}
                              style={{ left: x, width: w, top, height: BOX_H }}
                              title={`#${item.id} ${item.type ?? KIND_LABEL[item.kind]} · ${formatTime(item.start)} · ${item.open ? 'no end time' : formatDuration(item.end - item.start)}${item.failed ? ' · failed' : ''}${notLogged ? ' · not in the server logs' : ''}${covered ? ` · and ${covered} more here: zoom in to separate them` : ''}`}
                              role="button"
                              aria-label={`Exchange ${item.id}`}
                            >
                              {w > 46 ? <span>{item.type ?? KIND_LABEL[item.kind]}</span> : null}
                            </div>
                            {st && bar && (
                              <div
                                data-id={item.id}
                                data-server-for={item.id}
                                className="tl-server"
                                style={{ left: x + bar.left, width: bar.width, top: top + BOX_H + 1, height: SERVER_H }}
                                title={serverTitle(st)}
                              >
                                {bar.frontEnd !== undefined && (
                                  <i className="tl-server-fe" style={{ width: bar.frontEnd }} />
                                )}
                                {bar.backEnd !== undefined && (
                                  <i className="tl-server-be" style={{ width: bar.backEnd }} />
                                )}
                              </div>
                            )}
                          </Fragment>
                        );
                      })}
                      {lane.events.map((ev, k) => {
                        const m = EVENT_MARK[ev.kind];
                        if (!m) return null;
                        const x = timeToX(v, ev.time);
                        if (x < -20 || x > width + 20) return null;
                        return (
                          <div
                            key={k}
                            data-id={ev.exchangeId}
                            className={`tl-event ${m.cls}`}
                            style={{ left: x, height: l.height }}
                            title={`${m.label} (#${ev.exchangeId}): ${ev.detail}`}
                            data-kind={ev.kind}
                          >
                            <span>{m.glyph}</span>
                          </div>
                        );
                      })}
                    </div>
                  );
                })}
            </div>
          </div>
        </div>
      </div>
    </main>
  );
}

function Legend({ server }: { server: boolean }) {
  const kinds: ItemKind[] = ['connect', 'execute', 'wait', 'ping', 'disconnect', 'nspi'];
  return (
    <div className="tl-legend" aria-label="Legend">
      {kinds.map((k) => (
        <span key={k}>
          <i className={`sw k-${k}`} /> {KIND_LABEL[k]}
        </span>
      ))}
      <span>
        <i className="sw failed" /> failed
      </span>
      <span className="ev-reconnect">↻ reconnect</span>
      <span className="ev-expiry">◔ expiry</span>
      <span className="ev-drop">⚡ dropped</span>
      <span className="ev-net">⇄ network change</span>
      {server && (
        <>
          <span>
            <i className="sw tl-server-fe" /> server: front end
          </span>
          <span>
            <i className="sw tl-server-be" /> back end
          </span>
          <span>
            <i className="sw unlogged" /> not in the server logs
          </span>
        </>
      )}
    </div>
  );
}
