/** A fixed-row-height virtual list: renders only the rows in view (100k rows stay smooth). */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  /** Keep this row in view when it changes. */
  scrollToIndex?: number | undefined;
  overscan?: number;
  className?: string;
  onKeyDown?: (e: React.KeyboardEvent) => void;
  ariaLabel?: string;
  /** Follow the end while new rows arrive, if already scrolled to the bottom. */
  stickToBottom?: boolean;
  /** Horizontal scroll position, on every scroll (e.g. to keep a header outside the list aligned). */
  onScrollLeft?: (x: number) => void;
}

export function VirtualList(p: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const overscan = p.overscan ?? 8;
  const atBottom = useRef(true);
  const onScrollLeft = p.onScrollLeft;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || p.scrollToIndex === undefined) return;
    const top = p.scrollToIndex * p.rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + p.rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + p.rowHeight - el.clientHeight;
  }, [p.scrollToIndex, p.rowHeight]);

  useEffect(() => {
    const el = ref.current;
    if (el && p.stickToBottom && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [p.count, p.stickToBottom]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - p.rowHeight;
    onScrollLeft?.(el.scrollLeft);
  }, [p.rowHeight, onScrollLeft]);

  const first = Math.max(0, Math.floor(scrollTop / p.rowHeight) - overscan);
  const last = Math.min(p.count, Math.ceil((scrollTop + height) / p.rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(p.renderRow(i));

  return (
    <div
      ref={ref}
      className={`vlist ${p.className ?? ''}`}
      onScroll={onScroll}
      tabIndex={0}
      onKeyDown={p.onKeyDown}
      role="grid"
      aria-label={p.ariaLabel}
      aria-rowcount={p.count}
    >
      <div style={{ height: p.count * p.rowHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: first * p.rowHeight, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
