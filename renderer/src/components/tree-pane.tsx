/** The decoded tree: flattened, virtualised, expand/collapse, keyboard and click selection. */
import { useEffect, useMemo, useState, useCallback } from 'react';
import type { TreeNodeDto } from '../../../shared/api/contract';
import { useUiStore } from '../stores/ui-store';
import { VirtualList } from './virtual-list';
import { namedLabel } from '../../../shared/session/named-labels';

interface FlatRow {
  node: TreeNodeDto;
  path: string;
  depth: number;
  buffer: string;
  hasChildren: boolean;
}

function flatten(root: TreeNodeDto, open: Set<string>, rootBuffer: string, rootPath: string): FlatRow[] {
  const rows: FlatRow[] = [];
  const rec = (n: TreeNodeDto, path: string, depth: number, buffer: string) => {
    const buf = n.buffer ?? buffer;
    const hasChildren = !!n.children?.length;
    rows.push({ node: n, path, depth, buffer: buf, hasChildren });
    if (hasChildren && open.has(path)) n.children!.forEach((c, i) => rec(c, `${path}.${i}`, depth + 1, buf));
  };
  rec(root, rootPath, 0, root.buffer ?? rootBuffer);
  return rows;
}

/** Paths open by default: the first levels, and every path that leads to an error. */
function defaultOpen(root: TreeNodeDto, depth = 3, rootPath = '0'): Set<string> {
  const open = new Set<string>();
  const rec = (n: TreeNodeDto, path: string, d: number): boolean => {
    let err = n.error !== undefined;
    n.children?.forEach((c, i) => {
      if (rec(c, `${path}.${i}`, d + 1)) err = true;
    });
    if (n.children?.length && (d < depth || err)) open.add(path);
    return err;
  };
  rec(root, rootPath, 0);
  return open;
}

/** Paths of every node whose name, display or value contains `q` (case-insensitive). */
export function searchTree(root: TreeNodeDto, q: string, rootPath = '0'): string[] {
  const out: string[] = [];
  if (!q) return out;
  const needle = q.toLowerCase();
  const rec = (n: TreeNodeDto, path: string) => {
    const hay = `${n.name} ${n.display ?? ''} ${scalarText(n.value)}`.toLowerCase();
    if (hay.includes(needle)) out.push(path);
    n.children?.forEach((c, i) => rec(c, `${path}.${i}`));
  };
  rec(root, rootPath);
  return out;
}

function nodeAtPath(root: TreeNodeDto, path: string, rootPath = '0'): TreeNodeDto | undefined {
  if (path !== rootPath && !path.startsWith(`${rootPath}.`)) return undefined;
  let n: TreeNodeDto | undefined = root;
  for (const i of path.split('.').slice(1)) n = n?.children?.[Number(i)];
  return n;
}

function ancestors(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

function subtreeText(n: TreeNodeDto, depth = 0): string {
  const v = valueText(n);
  const line = `${'  '.repeat(depth)}${n.name}${v ? ` = ${v}` : ''}  [@${n.offset} +${n.length}]${n.error ? `  ERROR: ${n.error}` : ''}`;
  return [line, ...(n.children ?? []).map((c) => subtreeText(c, depth + 1))].join('\n');
}

function copy(text: string): void {
  void navigator.clipboard?.writeText(text).catch(() => undefined);
}

function valueText(n: TreeNodeDto): string {
  if (n.display !== undefined) return n.display;
  return scalarText(n.value);
}

/** A node value that is a scalar, as text; objects, byte arrays and null show nothing. */
function scalarText(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean'
      ? String(v)
      : '';
}

/** Room the field context menu needs (four lines), to keep it inside the window. */
const MENU_WIDTH = 280;
const MENU_HEIGHT = 130;

/** What the tree's context menu offers for a node: a filter text, and the field it reads (for a column). */
export interface NodeFilter {
  text: string;
  field?: string;
}

export interface TreeFilterProps {
  /** The filter a node stands for, when it is a field (or a ROP). */
  filterFor?: (path: string) => NodeFilter | undefined;
  /** Paths the applied filter matched (highlighted). */
  matched?: ReadonlySet<string>;
  onApply?: (text: string) => void;
  onPrepare?: (text: string) => void;
  onAddColumn?: (field: string) => void;
}

/** Where the tree starts and what it knows beyond the nodes. */
export interface TreeViewProps {
  /** Path of the root ("0"); a second tree beside another gives its own, so selections stay apart. */
  rootPath?: string;
  /** Names of named properties by property id: such tags and columns are shown by name, the number beside. */
  names?: Readonly<Record<number, string>>;
  /** Accessible name of the tree. */
  label?: string;
  /** Show the search box and the copy/expand buttons (default true). */
  tools?: boolean;
}

export function TreePane({
  root,
  rootBuffer,
  filterFor,
  matched,
  onApply,
  onPrepare,
  onAddColumn,
  rootPath = '0',
  names,
  label = 'Decoded tree',
  tools = true,
}: { root: TreeNodeDto; rootBuffer: string } & TreeFilterProps & TreeViewProps) {
  const [menu, setMenu] = useState<{ x: number; y: number; path: string } | undefined>(undefined);
  useEffect(() => {
    if (!menu) return;
    const close = () => setMenu(undefined);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('click', close);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('keydown', onKey);
    };
  }, [menu]);
  const menuFilter = menu ? filterFor?.(menu.path) : undefined;
  const [open, setOpen] = useState<Set<string>>(() => defaultOpen(root, 3, rootPath));
  const [query, setQuery] = useState('');
  const [hit, setHit] = useState(0);
  const hits = useMemo(() => searchTree(root, query, rootPath), [root, query, rootPath]);
  const selected = useUiStore((s) => s.selectedNode);
  const selectNode = useUiStore((s) => s.selectNode);
  const selectedNode = selected ? nodeAtPath(root, selected, rootPath) : undefined;
  const goHit = (i: number) => {
    const path = hits[i];
    if (!path) return;
    setHit(i);
    setOpen((o) => new Set([...o, ...ancestors(path)]));
    const n = nodeAtPath(root, path, rootPath)!;
    // Effective buffer: nearest ancestor that sets one.
    let buf = root.buffer ?? rootBuffer;
    let cur: TreeNodeDto | undefined = root;
    for (const idx of path.split('.').slice(1)) {
      cur = cur?.children?.[Number(idx)];
      if (cur?.buffer) buf = cur.buffer;
    }
    selectNode(path, { buffer: buf, offset: n.offset, length: n.length });
  };
  // A node chosen elsewhere (a click in the hex view) is revealed: its ancestors open.
  useEffect(() => {
    if (!selected || !nodeAtPath(root, selected, rootPath)) return;
    const missing = ancestors(selected).filter((p) => !open.has(p));
    if (missing.length) setOpen((o) => new Set([...o, ...missing]));
  }, [selected, root]);
  // The nodes the applied filter matched are revealed: their ancestors open.
  useEffect(() => {
    if (!matched?.size) return;
    const mine = [...matched].filter((p) => p.startsWith(`${rootPath}.`));
    setOpen((o) => {
      const missing = mine.flatMap(ancestors).filter((p) => !o.has(p));
      return missing.length ? new Set([...o, ...missing]) : o;
    });
  }, [matched, rootPath]);
  const rows = useMemo(() => flatten(root, open, rootBuffer, rootPath), [root, open, rootBuffer, rootPath]);
  const selIndex = rows.findIndex((r) => r.path === selected);
  // In view: the selected node, else the first node the filter matched.
  const firstMatch = useMemo(() => (matched?.size ? rows.findIndex((r) => matched.has(r.path)) : -1), [rows, matched]);
  const inView = selIndex >= 0 ? selIndex : firstMatch >= 0 ? firstMatch : undefined;

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
    <div className="tree-wrap">
      <div className="tree-tools" hidden={!tools}>
        <input
          placeholder="Search the tree"
          aria-label="Search the tree"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setHit(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && hits.length)
              goHit(
                e.shiftKey
                  ? (hit - 1 + hits.length) % hits.length
                  : query && selected === hits[hit]
                    ? (hit + 1) % hits.length
                    : hit,
              );
          }}
        />
        {query && (
          <span className="hint">
            {hits.length ? `${Math.min(hit + 1, hits.length)} / ${hits.length}` : 'no match'}
          </span>
        )}
        <div className="spacer" />
        <button
          disabled={!selectedNode}
          onClick={() => selectedNode && copy(valueText(selectedNode) || selectedNode.name)}
          title="Copy the selected value"
        >
          Copy value
        </button>
        <button
          disabled={!selectedNode}
          onClick={() => selectedNode && copy(subtreeText(selectedNode))}
          title="Copy the selected subtree as text"
        >
          Copy subtree
        </button>
        <button onClick={() => setOpen(defaultOpen(root, 99, rootPath))}>Expand all</button>
        <button onClick={() => setOpen(new Set([rootPath]))}>Collapse</button>
      </div>
      {menu && (
        <ul className="context-menu" role="menu" style={{ left: menu.x, top: menu.y }} aria-label="Field actions">
          {menuFilter ? (
            <>
              <li className="hint" title={menuFilter.text}>
                {menuFilter.text}
              </li>
              <li role="menuitem" onClick={() => onApply?.(menuFilter.text)}>
                Apply as filter
              </li>
              <li role="menuitem" onClick={() => onPrepare?.(menuFilter.text)}>
                Prepare as filter
              </li>
              <li
                role="menuitem"
                aria-disabled={!menuFilter.field}
                onClick={() => menuFilter.field && onAddColumn?.(menuFilter.field)}
              >
                Add as column
              </li>
            </>
          ) : (
            <li className="hint">Not a filterable field</li>
          )}
        </ul>
      )}
      <VirtualList
        className="tree"
        count={rows.length}
        rowHeight={22}
        ariaLabel={label}
        scrollToIndex={inView}
        onKeyDown={onKeyDown}
        renderRow={(i) => {
          const r = rows[i]!;
          const n = r.node;
          const named = names ? namedLabel(n, names) : undefined;
          const shownValue = named?.display ?? valueText(n);
          return (
            <div
              key={r.path}
              className={`trow${r.path === selected ? ' selected' : ''}${n.error !== undefined ? ' error' : ''}${n.generated ? ' generated' : ''}${matched?.has(r.path) ? ' matched' : ''}`}
              style={{ paddingLeft: 6 + r.depth * 16, height: 22 }}
              onClick={() => choose(r)}
              onContextMenu={(e) => {
                if (!filterFor) return;
                e.preventDefault();
                choose(r);
                // Kept inside the window: a node near the bottom or right edge opens it upward or leftward.
                setMenu({
                  x: Math.max(0, Math.min(e.clientX, window.innerWidth - MENU_WIDTH)),
                  y: Math.max(0, Math.min(e.clientY, window.innerHeight - MENU_HEIGHT)),
                  path: r.path,
                });
              }}
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
              <span className="tname">{named?.name ?? n.name}</span>
              {shownValue && <span className="tval">{shownValue}</span>}
              {named && (
                <span className="tsub" title="property tag as sent">
                  {named.secondary}
                </span>
              )}
              {n.error !== undefined && <span className="terr">⚠ {n.error}</span>}
              <span className="toff">
                {r.buffer !== 'body' ? `${r.buffer} ` : ''}@{n.offset} +{n.length}
              </span>
            </div>
          );
        }}
      />
    </div>
  );
}
