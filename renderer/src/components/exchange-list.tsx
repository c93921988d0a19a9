/** The exchange list: one row per HTTP exchange, virtualised, keyboard-driven. */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { useFilterStore, visibleRows, type SortKey } from '../stores/filter-store';
import { FilterBar } from './filter-bar';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import { useExchangesStore } from '../stores/exchanges-store';
import { useConnectionStore } from '../stores/connection-store';
import { useAnalysisStore } from '../stores/analysis-store';
import type { Severity } from '../../../shared/diagnose/types';
import { formatBytes, formatDuration, formatTime, RESPONSE_CODES } from './format';
import { VirtualList } from './virtual-list';
import { useUiStore } from '../stores/ui-store';
import { COLUMNS, columnVars, keyResize, MAX_COLUMN_WIDTH, widthOf, type ColumnKey } from './list-columns';

const ROW_HEIGHT = 24;
const FIELD_COLUMN_WIDTH = 140;

/**
 * Values of the fields added as columns, fetched from the backend for the rows
 * on screen (`filter.columns`), batched per frame and kept per field.
 */
function useFieldColumnValues(fields: readonly string[], generation: unknown) {
  const cache = useRef(new Map<string, Map<number, string>>());
  const wanted = useRef(new Set<number>());
  const timer = useRef<number | undefined>(undefined);
  const [, bump] = useState(0);
  useEffect(() => {
    cache.current.clear();
    bump((n) => n + 1);
  }, [fields, generation]);
  const fetchLater = () => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      const ids = [...wanted.current];
      wanted.current.clear();
      if (!ids.length) return;
      for (const field of fields) {
        const m = cache.current.get(field) ?? new Map<number, string>();
        cache.current.set(field, m);
        for (const id of ids) m.set(id, '');
        void api()
          .call('filter.columns', { field, ids })
          .then((r) => {
            for (const [id, v] of Object.entries(r.values)) m.set(Number(id), v);
            bump((n) => n + 1);
          })
          .catch(() => undefined);
      }
    }, 30);
  };
  return (field: string, id: number): string => {
    const v = cache.current.get(field)?.get(id);
    if (v === undefined) {
      wanted.current.add(id);
      fetchLater();
      return '';
    }
    return v;
  };
}

const SEV_ICON: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

function rowClass(s: ExchangeSummary, selected: boolean, focused: boolean, severity: Severity | undefined): string {
  const c = ['xrow'];
  if (selected) c.push('selected');
  if (focused) c.push('focused');
  if (s.aborted || (s.status !== undefined && s.status >= 500)) c.push('bad');
  else if ((s.responseCode ?? 0) !== 0 || (s.status !== undefined && s.status >= 400)) c.push('warn');
  if (severity) c.push(`sev-${severity}`);
  return c.join(' ');
}

function typeLabel(s: ExchangeSummary): string {
  if (s.requestType) return s.requestType;
  if (s.endpoint === 'rpcproxy') return 'RPC/HTTP';
  if (s.endpoint === 'autodiscover') return 'Autodiscover';
  return s.method;
}

/** Swallows the click that ends a resize drag, wherever the pointer was released (no sort toggle). */
function swallowNextClick(): void {
  const swallow = (e: MouseEvent) => {
    e.stopPropagation();
    e.preventDefault();
  };
  window.addEventListener('click', swallow, { capture: true, once: true });
  // The click, if any, follows the pointerup in the same task.
  setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
}

/**
 * The drag / keyboard handle on a column header's right edge. Only this handle
 * and the container of the list re-render on a resize, never the rows.
 */
function ResizeHandle({ col }: { col: ColumnKey }) {
  const width = useUiStore((s) => widthOf(s.columnWidths, col));
  const setWidth = useUiStore((s) => s.setColumnWidth);
  const reset = useUiStore((s) => s.resetColumnWidth);
  const drag = useRef<{ x: number; w: number; moved: boolean } | undefined>(undefined);
  // The flexible column can be shown wider than its set width; resizing starts from what is shown.
  const shown = (el: HTMLElement) =>
    Math.max(width, Math.round(el.parentElement?.getBoundingClientRect().width ?? width));
  return (
    <div
      className="col-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${COLUMNS[col].name}`}
      aria-valuenow={width}
      aria-valuemin={COLUMNS[col].min}
      aria-valuemax={MAX_COLUMN_WIDTH}
      title="Drag to resize, double-click for the default width"
      tabIndex={0}
      data-col={col}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        e.stopPropagation();
        e.currentTarget.focus();
        drag.current = { x: e.clientX, w: shown(e.currentTarget), moved: false };
        e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        const dx = e.clientX - d.x;
        if (dx !== 0) d.moved = true;
        if (d.moved) setWidth(col, d.w + dx);
      }}
      onPointerUp={(e) => {
        const d = drag.current;
        drag.current = undefined;
        if (e.currentTarget.hasPointerCapture?.(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
        if (d?.moved) swallowNextClick();
      }}
      onLostPointerCapture={() => (drag.current = undefined)}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => {
        e.stopPropagation();
        reset(col);
      }}
      onKeyDown={(e) => {
        const next = keyResize(shown(e.currentTarget), e.key, e.shiftKey);
        if (next === undefined) return;
        e.preventDefault();
        e.stopPropagation();
        setWidth(col, next);
      }}
    />
  );
}

function ColumnHeader({
  col,
  k,
  label,
  className,
  title,
}: {
  col: ColumnKey;
  k?: SortKey;
  label: string;
  className: string;
  title?: string;
}) {
  const sort = useFilterStore((s) => s.sort);
  const setSort = useFilterStore((s) => s.setSort);
  return (
    <div
      className={`xh ${className}${k ? ' sortable' : ''}`}
      title={title}
      onClick={k ? () => setSort(k) : undefined}
      role="columnheader"
      aria-sort={k ? (sort.key === k ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none') : undefined}
      data-col={col}
    >
      <span className="xh-label">
        {label}
        {k && sort.key === k ? (sort.dir === 1 ? ' ▴' : ' ▾') : ''}
      </span>
      <ResizeHandle col={col} />
    </div>
  );
}

/**
 * The list's section, carrying the column widths as custom properties. It alone
 * subscribes to the widths: its children are the same elements on a resize, so
 * React skips them and only this element's style attribute changes.
 */
function ColumnsScope({ children }: { children: ReactNode }) {
  const widths = useUiStore((s) => s.columnWidths);
  const fieldColumns = useUiStore((s) => s.fieldColumns);
  const style = useMemo(() => {
    const v: Record<string, string> = columnVars(widths);
    if (fieldColumns.length) {
      v['--field-cols'] = fieldColumns.map(() => `${FIELD_COLUMN_WIDTH}px`).join(' ');
      v['--field-cols-width'] = `${fieldColumns.length * (FIELD_COLUMN_WIDTH + 6)}px`;
    }
    return v;
  }, [widths, fieldColumns]);
  return (
    <section className="pane exchange-list" aria-label="Exchanges" style={style}>
      {children}
    </section>
  );
}

export function ExchangeList() {
  const all = useExchangesStore((s) => s.items);
  const test = useFilterStore((s) => s.test);
  const sort = useFilterStore((s) => s.sort);
  const items = useMemo(() => visibleRows(all, test, sort), [all, test, sort]);
  const selectedId = useExchangesStore((s) => s.selectedId);
  const selectedIds = useExchangesStore((s) => s.selectedIds);
  const select = useExchangesStore((s) => s.select);
  const capturing = useConnectionStore((s) => s.status?.capture.running ?? false);
  const toggleSelect = useExchangesStore((s) => s.toggleSelect);
  const selectRange = useExchangesStore((s) => s.selectRange);
  const selectAll = useExchangesStore((s) => s.selectAll);
  const severityById = useAnalysisStore((s) => s.severityById);
  const fieldColumns = useUiStore((s) => s.fieldColumns);
  const removeFieldColumn = useUiStore((s) => s.removeFieldColumn);
  const cellOf = useFieldColumnValues(fieldColumns, all);
  const selectedIndex = selectedId === undefined ? -1 : items.findIndex((x) => x.id === selectedId);
  const order = useCallback(() => items.map((x) => x.id), [items]);
  const headerRef = useRef<HTMLDivElement>(null);
  // Columns wider than the pane scroll sideways; the header follows the rows.
  const onScrollLeft = useCallback((x: number) => {
    if (headerRef.current) headerRef.current.scrollLeft = x;
  }, []);

  const onRowClick = (e: React.MouseEvent, id: number) => {
    if (e.shiftKey) {
      e.preventDefault();
      selectRange(id, order());
    } else if (e.ctrlKey || e.metaKey) toggleSelect(id);
    else select(id);
  };

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (!items.length) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        selectAll(order());
        return;
      }
      let i = selectedIndex;
      if (e.key === 'ArrowDown' || e.key === 'j') i = Math.min(items.length - 1, i + 1);
      else if (e.key === 'ArrowUp' || e.key === 'k') i = Math.max(0, i - 1);
      else if (e.key === 'Home') i = 0;
      else if (e.key === 'End') i = items.length - 1;
      else if (e.key === 'PageDown') i = Math.min(items.length - 1, i + 20);
      else if (e.key === 'PageUp') i = Math.max(0, i - 20);
      else return;
      e.preventDefault();
      if (e.shiftKey) selectRange(items[i]!.id, order());
      else select(items[i]!.id);
    },
    [items, selectedIndex, select, selectRange, selectAll, order],
  );

  return (
    <ColumnsScope>
      <FilterBar shown={items.length} />
      <div className="xrow header" role="row" ref={headerRef}>
        <ColumnHeader col="sev" label="!" className="c-sev" title="Highest finding severity (Diagnoses)" />
        <ColumnHeader col="id" k="id" label="#" className="c-id" />
        <ColumnHeader col="time" k="time" label="Time" className="c-time" />
        <ColumnHeader col="sess" k="session" label="Sess" className="c-sess" title="MAPI session" />
        <ColumnHeader col="type" k="type" label="Type" className="c-type" />
        <ColumnHeader col="status" k="status" label="HTTP" className="c-status" />
        <ColumnHeader col="code" k="code" label="Code" className="c-code" title="final X-ResponseCode" />
        <ColumnHeader col="dur" k="duration" label="Duration" className="c-dur" />
        <ColumnHeader col="req" k="req" label="Req" className="c-size" />
        <ColumnHeader col="resp" k="resp" label="Resp" className="c-size" />
        {fieldColumns.map((f) => (
          <div key={f} className="xh c-field" role="columnheader" title={f} data-field={f}>
            <span className="xh-label">{f.split('.').slice(-2).join('.')}</span>
            <button className="xh-remove" aria-label={`Remove column ${f}`} onClick={() => removeFieldColumn(f)}>
              ×
            </button>
          </div>
        ))}
        <ColumnHeader col="rops" label="ROPs / URL" className="c-rops" />
      </div>
      {items.length === 0 ? (
        <div className="empty">
          {all.length === 0 ? (
            <>
              <p>No exchanges yet.</p>
              <p className="hint">Start a capture, or open a capture, HAR or SAZ file.</p>
            </>
          ) : (
            <p>No exchange matches the filter.</p>
          )}
        </div>
      ) : (
        <VirtualList
          count={items.length}
          rowHeight={ROW_HEIGHT}
          scrollToIndex={selectedIndex >= 0 ? selectedIndex : undefined}
          onKeyDown={onKeyDown}
          ariaLabel="Exchange list"
          stickToBottom={capturing}
          onScrollLeft={onScrollLeft}
          renderRow={(i) => {
            const s = items[i]!;
            const sev = s.severity ?? severityById.get(s.id);
            const sel = selectedIds.has(s.id) || s.id === selectedId;
            return (
              <div
                key={s.id}
                role="row"
                aria-selected={sel}
                className={rowClass(s, sel, s.id === selectedId, sev)}
                style={{ height: ROW_HEIGHT }}
                onMouseDown={(e) => e.shiftKey && e.preventDefault()}
                onClick={(e) => onRowClick(e, s.id)}
                data-id={s.id}
                title={s.rops?.length ? s.rops.join(', ') : undefined}
              >
                <span className="c-sev" title={sev}>
                  {sev ? SEV_ICON[sev] : ''}
                </span>
                <span className="c-id">{s.id}</span>
                <span className="c-time">{formatTime(s.time)}</span>
                <span className="c-sess">{s.session ?? ''}</span>
                <span className={`c-type ep-${s.endpoint}`} title={s.endpoint}>
                  {typeLabel(s)}
                </span>
                <span className="c-status">{s.aborted ? '✕' : (s.status ?? '…')}</span>
                <span
                  className="c-code"
                  title={s.responseCode !== undefined ? RESPONSE_CODES[s.responseCode] : undefined}
                >
                  {s.responseCode ?? ''}
                </span>
                <span className="c-dur">{formatDuration(s.durationMs)}</span>
                <span className="c-size">{formatBytes(s.requestBytes)}</span>
                <span className="c-size">{formatBytes(s.responseBytes)}</span>
                {fieldColumns.map((f) => {
                  const v = cellOf(f, s.id);
                  return (
                    <span key={f} className="c-field" data-field={f} title={v}>
                      {v}
                    </span>
                  );
                })}
                <span className="c-rops">{s.rops?.length ? s.rops.join(', ') : s.url}</span>
              </div>
            );
          }}
        />
      )}
    </ColumnsScope>
  );
}
