/**
 * The decoded tree. Every node knows the bytes it came from: `offset` and
 * `length` index into the buffer named by `buffer` (inherited from the nearest
 * ancestor that sets it; the root always sets it). "body" is the raw HTTP body;
 * decompressed payloads get ids such as "rpcext#1".
 */
import { toHex } from './bytes.js';
export type NodeValue =
  number | bigint | string | boolean | null | Uint8Array | readonly NodeValue[] | { readonly [key: string]: NodeValue };

export interface DecodedNode {
  /** The specification's field name (e.g. "RopBufferSize"). */
  name: string;
  /** Typed value of a leaf (or a summary value of a composite). */
  value?: NodeValue;
  /** Human text, e.g. "0x0002 (RopOpenFolder)". */
  display?: string;
  offset: number;
  length: number;
  buffer?: string;
  children?: DecodedNode[];
  /** Set on error nodes: what went wrong. The node covers the bytes not decoded. */
  error?: string;
  /** True for values computed by us, not read from the wire (e.g. resolved handle targets). */
  generated?: boolean;
}

export interface NodeError {
  /** Names from the root to the failing node, joined with "/". */
  path: string;
  message: string;
  offset: number;
  buffer: string;
}

/** Depth-first walk with each node's effective buffer id. */
export function walkTree(
  root: DecodedNode,
  visit: (node: DecodedNode, path: readonly string[], buffer: string) => void,
): void {
  const path: string[] = [];
  const rec = (n: DecodedNode, buffer: string): void => {
    const buf = n.buffer ?? buffer;
    path.push(n.name);
    visit(n, path, buf);
    if (n.children) for (const c of n.children) rec(c, buf);
    path.pop();
  };
  rec(root, root.buffer ?? 'body');
}

export function collectErrors(root: DecodedNode): NodeError[] {
  const out: NodeError[] = [];
  walkTree(root, (n, path, buffer) => {
    if (n.error !== undefined) out.push({ path: path.join('/'), message: n.error, offset: n.offset, buffer });
  });
  return out;
}

/**
 * Bytes of `buffer` (of total `size`) that no leaf node claims. Error nodes
 * count as claimed only when `errorsClaim` is set (they hold undecoded bytes).
 */
export function unclaimedBytes(root: DecodedNode, buffer: string, size: number, errorsClaim = false): number {
  const claimed = new Uint8Array(size);
  walkTree(root, (n, _p, buf) => {
    if (buf !== buffer || n.generated) return;
    const leaf = !n.children || n.children.length === 0;
    if (!leaf) return;
    if (n.error !== undefined && !errorsClaim) return;
    const end = Math.min(size, n.offset + n.length);
    for (let i = Math.max(0, n.offset); i < end; i++) claimed[i] = 1;
  });
  let free = 0;
  for (let i = 0; i < size; i++) if (!claimed[i]) free++;
  return free;
}

/** First node whose name path (names joined by "/", relative to root's children) matches. */
export function findNode(root: DecodedNode, path: string): DecodedNode | undefined {
  let cur: DecodedNode | undefined = root;
  for (const part of path.split('/')) {
    if (!cur?.children) return undefined;
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    if (m) {
      const name = m[1]!;
      const idx = Number(m[2]);
      cur = cur.children.filter((c) => c.name === name)[idx];
    } else {
      cur = cur.children.find((c) => c.name === part);
    }
  }
  return cur;
}

/** Every node (depth-first) whose name equals `name`. */
export function findAll(root: DecodedNode, name: string): DecodedNode[] {
  const out: DecodedNode[] = [];
  walkTree(root, (n) => {
    if (n.name === name) out.push(n);
  });
  return out;
}

/** JSON-safe form (bigint → string, bytes → hex) for `--json` output and the API. */
export function nodeToJson(n: DecodedNode): unknown {
  const o: Record<string, unknown> = { name: n.name };
  if (n.value !== undefined) o.value = valueToJson(n.value);
  if (n.display !== undefined) o.display = n.display;
  o.offset = n.offset;
  o.length = n.length;
  if (n.buffer !== undefined) o.buffer = n.buffer;
  if (n.generated) o.generated = true;
  if (n.children) o.children = n.children.map(nodeToJson);
  if (n.error !== undefined) o.error = n.error;
  return o;
}

export function valueToJson(v: NodeValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(valueToJson);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, NodeValue>)) o[k] = valueToJson(x);
    return o;
  }
  return v;
}
