/** A vertical drag handle between two panes; reports the new width of the left pane in px. */
import { useRef } from 'react';

export function Splitter({
  width,
  onWidth,
  min = 320,
  label,
}: {
  width: number;
  onWidth: (w: number) => void;
  min?: number;
  label: string;
}) {
  const drag = useRef<{ x: number; w: number } | undefined>(undefined);
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={Math.round(width)}
      tabIndex={0}
      onPointerDown={(e) => {
        drag.current = { x: e.clientX, w: width };
        e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        const max = window.innerWidth - min;
        onWidth(Math.max(min, Math.min(max, d.w + e.clientX - d.x)));
      }}
      onPointerUp={() => (drag.current = undefined)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onWidth(Math.max(min, width - 24));
        else if (e.key === 'ArrowRight') onWidth(Math.min(window.innerWidth - min, width + 24));
      }}
    />
  );
}
