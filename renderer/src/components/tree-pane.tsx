/** The decoded tree: flattened, virtualised, expand/collapse, keyboard and click selection. */
import { useMemo, useState, useCallback } from 'react';
import type { TreeNodeDto } from '../../../shared/api/contract';
import { useUiStore } from '../stores/ui-store';
import { VirtualList } from './virtual-list';

interface FlatRow {
  node: TreeNodeDto;
  path: string;
  depth: number;
  buffer: string;
  hasChildren: boolean;
}

function flatten(root: TreeNodeDto, open: Set<string>, rootBuffer: string): FlatRow[] {
  const rows: FlatRow[] = [];
  const rec = (n: TreeNodeDto, path: string, depth: number, buffer: string) => {
    const buf = n.buffer ?? buffer;
    const hasChildren = !!n.children?.length;
    rows.push({ node: n, path, depth, buffer: buf, hasChildren });
    if (hasChildren && open.has(path)) n.children!.forEach((c, i) => rec(c, `${path}.${i}`, depth + 1, buf));
  };
  rec(root, '0', 0, root.buffer ?? rootBuffer);
  return rows;
}

/** Paths open by default: the first levels, and every path that leads to an error. */
function defaultOpen(root: TreeNodeDto, depth = 3): Set<string> {
  const open = new Set<string>();
  const rec = (n: TreeNodeDto, path: string, d: number): boolean => {
    let err = n.error !== undefined;
    n.children?.forEach((c, i) => {
      if (rec(c, `${path}.${i}`, d + 1)) err = true;
    });
    if (n.children?.length && (d < depth || err)) open.add(path);
    return err;
  };
  rec(root, '0', 0);
  return open;
}

function valueText(n: TreeNodeDto): string {
  if (n.display !== undefined) return n.display;
  if (n.value === undefined || n.value === null) return '';
  if (typeof n.value === 'object') return '';
  return String(n.value);
}

export function TreePane({ root, rootBuffer }: { root: TreeNodeDto; rootBuffer: string }) {
  const [open, setOpen] = useState<Set<string>>(() => defaultOpen(root));
  const selected = useUiStore((s) => s.selectedNode);
  const selectNode = useUiStore((s) => s.selectNode);
  const rows = useMemo(() => flatten(root, open, rootBuffer), [root, open, rootBuffer]);
  const selIndex = rows.findIndex((r) => r.path === selected);

  const toggle = useCallback((path: string) => {
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(path)) n.delete(path);
      else n.add(path);
      return n;
    });
  }, []);

  const choose = (r: FlatRow) => selectNode(r.path, { buffer: r.buffer, offset: r.node.offset, length: r.node.length });

  const onKeyDown = (e: React.KeyboardEvent) => {
    let i = selIndex < 0 ? 0 : selIndex;
    const r = rows[i];
    if (e.key === 'ArrowDown') i = Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowRight' && r?.hasChildren && !open.has(r.path)) return toggle(r.path);
    else if (e.key === 'ArrowLeft' && r?.hasChildren && open.has(r.path)) return toggle(r.path);
    else if (e.key === 'Enter' && r?.hasChildren) return toggle(r.path);
    else return;
    e.preventDefault();
    choose(rows[i]!);
  };

  return (
    <VirtualList
      className="tree"
      count={rows.length}
      rowHeight={22}
      ariaLabel="Decoded tree"
      scrollToIndex={selIndex >= 0 ? selIndex : undefined}
      onKeyDown={onKeyDown}
      renderRow={(i) => {
        const r = rows[i]!;
        const n = r.node;
        return (
          <div
            key={r.path}
            className={`trow${r.path === selected ? ' selected' : ''}${n.error !== undefined ? ' error' : ''}${n.generated ? ' generated' : ''}`}
            style={{ paddingLeft: 6 + r.depth * 16, height: 22 }}
            onClick={() => choose(r)}
            onDoubleClick={() => r.hasChildren && toggle(r.path)}
            role="row"
            data-path={r.path}
          >
            <span
              className="twist"
              onClick={(e) => {
                e.stopPropagation();
                if (r.hasChildren) toggle(r.path);
              }}
            >
              {r.hasChildren ? (open.has(r.path) ? '▾' : '▸') : ''}
            </span>
            <span className="tname">{n.name}</span>
            {valueText(n) && <span className="tval">{valueText(n)}</span>}
            {n.error !== undefined && <span className="terr">⚠ {n.error}</span>}
            <span className="toff">
              {r.buffer !== 'body' ? `${r.buffer} ` : ''}@{n.offset} +{n.length}
            </span>
          </div>
        );
      }}
    />
  );
}
