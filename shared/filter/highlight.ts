/**
 * Which nodes of a decoded tree a filter matched: the fields its tests read,
 * at the nodes whose value passes (for the tree's highlight, and the paths
 * `mapiscope filter --json` prints).
 */
import { type FieldTest } from './parse.js';
import { keysOf, testValues } from './evaluate.js';
import { type FieldNames, type TreeField, type TreeFieldContext, type TreeNodeLike, treeFields } from './tree.js';

export interface MatchedNode extends TreeField {
  side: 'request' | 'response';
  /** Source text of the test that matched it. */
  test: string;
}

export function matchedNodes(
  tests: readonly FieldTest[],
  trees: { request?: TreeNodeLike | undefined; response?: TreeNodeLike | undefined },
  requestType: string,
  names: FieldNames,
  ctx: TreeFieldContext = {},
): MatchedNode[] {
  const wanted = new Map<string, FieldTest[]>();
  for (const t of tests)
    for (const k of keysOf(t.field) ?? []) {
      const l = wanted.get(k) ?? [];
      l.push(t);
      wanted.set(k, l);
    }
  const out: MatchedNode[] = [];
  if (!wanted.size) return out;
  for (const side of ['request', 'response'] as const) {
    const root = trees[side];
    if (!root) continue;
    for (const f of treeFields(root, requestType, side, names, ctx))
      for (const t of wanted.get(f.field) ?? [])
        if (testValues(t, [f.value])) {
          out.push({ ...f, side, test: t.text });
          break;
        }
  }
  return out;
}
