/** The exchange list: one row per HTTP exchange, virtualised, keyboard-driven. */
import { useCallback, useMemo } from 'react';
import { useFilterStore, visibleRows, type SortKey } from '../stores/filter-store';
import { FilterBar } from './filter-bar';
import type { ExchangeSummary } from '../../../shared/capture/summary';
import { useExchangesStore } from '../stores/exchanges-store';
import { useConnectionStore } from '../stores/connection-store';
import { useAnalysisStore } from '../stores/analysis-store';
import type { Severity } from '../../../shared/diagnose/types';
import { formatBytes, formatDuration, formatTime, RESPONSE_CODES } from './format';
import { VirtualList } from './virtual-list';

const ROW_HEIGHT = 24;

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

function SortHeader({ k, label, className, title }: { k: SortKey; label: string; className: string; title?: string }) {
  const sort = useFilterStore((s) => s.sort);
  const setSort = useFilterStore((s) => s.setSort);
  return (
    <span
      className={`${className} sortable`}
      title={title}
      onClick={() => setSort(k)}
      role="columnheader"
      aria-sort={sort.key === k ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
    >
      {label}
      {sort.key === k ? (sort.dir === 1 ? ' ▴' : ' ▾') : ''}
    </span>
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
  const selectedIndex = selectedId === undefined ? -1 : items.findIndex((x) => x.id === selectedId);
  const order = useCallback(() => items.map((x) => x.id), [items]);

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
    <section className="pane exchange-list" aria-label="Exchanges">
      <FilterBar shown={items.length} />
      <div className="xrow header" role="row">
        <span className="c-sev" title="Highest finding severity (Diagnoses)">
          !
        </span>
        <SortHeader k="id" label="#" className="c-id" />
        <SortHeader k="time" label="Time" className="c-time" />
        <SortHeader k="session" label="Sess" className="c-sess" title="MAPI session" />
        <SortHeader k="type" label="Type" className="c-type" />
        <SortHeader k="status" label="HTTP" className="c-status" />
        <SortHeader k="code" label="Code" className="c-code" title="final X-ResponseCode" />
        <SortHeader k="duration" label="Duration" className="c-dur" />
        <SortHeader k="req" label="Req" className="c-size" />
        <SortHeader k="resp" label="Resp" className="c-size" />
        <span className="c-rops">ROPs / URL</span>
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
                <span className="c-rops">{s.rops?.length ? s.rops.join(', ') : s.url}</span>
              </div>
            );
          }}
        />
      )}
    </section>
  );
}
