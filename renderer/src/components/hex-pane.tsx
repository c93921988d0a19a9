/** Hex + ASCII view of one buffer with the selected node's bytes highlighted. */
import type { ByteSelection } from '../stores/ui-store';
import { VirtualList } from './virtual-list';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function HexPane({
  bytes,
  bufferId,
  selection,
  onSelectByte,
}: {
  bytes: Uint8Array;
  bufferId: string;
  selection?: ByteSelection | undefined;
  onSelectByte?: (offset: number) => void;
}) {
  const lines = Math.ceil(bytes.length / 16);
  const sel = selection && selection.buffer === bufferId ? selection : undefined;
  const inSel = (i: number) => !!sel && i >= sel.offset && i < sel.offset + Math.max(sel.length, 1);
  return (
    <VirtualList
      className="hex"
      count={lines}
      rowHeight={18}
      ariaLabel={`Hex view of ${bufferId}`}
      scrollToIndex={sel ? Math.floor(sel.offset / 16) : undefined}
      renderRow={(line) => {
        const start = line * 16;
        const cells = [];
        const chars = [];
        for (let i = start; i < Math.min(bytes.length, start + 16); i++) {
          const b = bytes[i]!;
          const cls = inSel(i) ? 'hl' : undefined;
          cells.push(
            <span key={i} className={cls} onClick={() => onSelectByte?.(i)} data-offset={i}>
              {HEX[b]}
            </span>,
          );
          chars.push(
            <span key={i} className={cls} onClick={() => onSelectByte?.(i)}>
              {b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·'}
            </span>,
          );
        }
        return (
          <div key={line} className="hrow" style={{ height: 18 }}>
            <span className="hoff">{start.toString(16).padStart(8, '0')}</span>
            <span className="hbytes">{cells}</span>
            <span className="hchars">{chars}</span>
          </div>
        );
      }}
    />
  );
}
