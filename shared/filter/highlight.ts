/**
 * Which nodes of a decoded tree a filter matched: the fields its tests read,
 * at the nodes whose value passes (for the tree's highlight, and the paths
 * `mapiscope filter --json` prints) — in the bodies' trees and, when given,
 * the HTTP head trees (headers, cookies, method, target, status).
 */
import { type FieldTest } from './parse.js';
import { keysOf, testValues } from './evaluate.js';
import {
  type FieldNames,
  type TreeField,
  type TreeFieldContext,
  type TreeNodeLike,
  headFields,
  treeFields,
} from './tree.js';

export interface MatchedNode extends TreeField {
  side: 'request' | 'response';
  /** Source text of the test that matched it. */
  test: string;
  /** The node is in the side's HTTP head tree (paths from `headRootPath`), not its body's. */
  head?: true;
}

/** Exchange-record fields an HTTP head tree shows (headFields). */
const HEAD_RECORD_FIELDS = new Set(['http.status', 'http.method', 'http.url', 'http.host']);

/**
 * Path the tree view gives the root of a side's HTTP head tree (the body's tree starts at "0"):
 * the UI's highlight and `mapiscope filter --json` name head nodes from it.
 */
export const HEAD_ROOT_PATH = 'h';

/** The test reads a field an HTTP head tree shows: a header, a cookie, the method, target, host or status. */
export function readsHead(t: FieldTest): boolean {
  return HEAD_RECORD_FIELDS.has(t.field.name) || (keysOf(t.field)?.some((k) => k.startsWith('http.')) ?? false);
}

/** Where the tree view roots the HTTP head trees (`matchedNodes` paths of head nodes start with it). */
export interface HeadTrees {
  request?: TreeNodeLike;
  response?: TreeNodeLike;
  /** Path of each head tree's root (default "0"). */
  rootPath?: string;
}

export function matchedNodes(
  tests: readonly FieldTest[],
  trees: { request?: TreeNodeLike | undefined; response?: TreeNodeLike | undefined },
  requestType: string,
  names: FieldNames,
  ctx: TreeFieldContext = {},
  heads: HeadTrees = {},
): MatchedNode[] {
  const wanted = new Map<string, FieldTest[]>();
  for (const t of tests)
    for (const k of keysOf(t.field) ?? (HEAD_RECORD_FIELDS.has(t.field.name) ? [t.field.name] : [])) {
      const l = wanted.get(k) ?? [];
      l.push(t);
      wanted.set(k, l);
    }
  const out: MatchedNode[] = [];
  if (!wanted.size) return out;
  for (const side of ['request', 'response'] as const) {
    const head = heads[side];
    if (head)
      for (const f of headFields(head, side, heads.rootPath))
        for (const t of wanted.get(f.key) ?? [])
          if (testValues(t, [f.value])) {
            out.push({
              field: f.field,
              value: f.value,
              path: f.path,
              namePath: f.namePath,
              side,
              test: t.text,
              head: true,
            });
            break;
          }
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
