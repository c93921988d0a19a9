/**
 * Finding evidence names a place in a decoded tree by field names
 * ("RopBuffer/RopsList/RopOpenFolder/InputHandleIndex"), skipping the framing
 * levels in between (ExtendedBuffer, ROP_REQUEST_BUFFER). This turns it into
 * the tree pane's index path ("0.2.0.1.1.0.1") and the node's byte range.
 */
import type { TreeNodeDto } from '../../../shared/api/contract';

export interface ResolvedNode {
  /** Index path from the root ("0" is the root). */
  path: string;
  node: TreeNodeDto;
  /** Buffer the node's offsets refer to (the nearest `buffer` on the way down). */
  buffer: string;
}

/**
 * Each segment is matched against the descendants of the previous match,
 * nearest first (breadth-first), so framing levels may be skipped. Undefined
 * when a segment is not found.
 */
export function resolveNamePath(root: TreeNodeDto, namePath: string, rootBuffer = 'body'): ResolvedNode | undefined {
  const names = namePath.split('/').filter(Boolean);
  let cur: ResolvedNode = { path: '0', node: root, buffer: root.buffer ?? rootBuffer };
  // The root's own name may lead the path.
  if (names[0] === root.name) names.shift();
  for (const name of names) {
    const found = findBelow(cur, name);
    if (!found) return undefined;
    cur = found;
  }
  return cur;
}

function findBelow(from: ResolvedNode, name: string): ResolvedNode | undefined {
  let level: ResolvedNode[] = [from];
  while (level.length) {
    const next: ResolvedNode[] = [];
    for (const r of level)
      (r.node.children ?? []).forEach((c, i) => {
        next.push({ path: `${r.path}.${i}`, node: c, buffer: c.buffer ?? r.buffer });
      });
    const hit = next.find((r) => r.node.name === name);
    if (hit) return hit;
    level = next;
  }
  return undefined;
}
