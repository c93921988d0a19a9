/**
 * Named properties in a decoded tree: in ROP context, property ids 0x8000 and up
 * are named properties whose names the session learned from
 * RopGetPropertyIdsFromNames, RopGetNamesFromPropertyIds or RopQueryNamedProperties
 * ([MS-OXCPRPT] 2.2.1.1, 3.2.5.6). The decoder shows such a tag by number
 * ("0x8001001F (PtypString)"); `namedPropertiesIn` lists the ids a tree mentions with
 * the names the session mapped them to, and `namedLabel` is how a tree row shows one:
 * the name first, the number as a secondary label.
 */
import { hex } from '../codec/index.js';

/** The parts of a tree node read here (DecodedNode and its JSON form both have them). */
export interface LabelNode {
  name: string;
  value?: unknown;
  display?: string;
  children?: readonly LabelNode[];
}

/** A property row's column named by its tag ("0x8001001F", values.ts `columnNodeName`). */
const COLUMN_TAG = /^0x([89A-F][0-9A-F]{3})[0-9A-F]{4}$/i;

/** The named-property id a node stands for: a tag shown by number, a PropertyId ≥ 0x8000, or a column named by its tag. */
export function namedIdOf(n: LabelNode): number | undefined {
  const col = COLUMN_TAG.exec(n.name);
  if (col) return parseInt(col[1]!, 16);
  const v = n.value;
  if (typeof v !== 'number' || n.display === undefined) return undefined;
  if (v >= 0x80000000 && v <= 0xffffffff && n.display.startsWith(hex(v, 8))) return v >>> 16;
  if (n.name === 'PropertyId' && v >= 0x8000 && v <= 0xffff && n.display.startsWith(hex(v, 4))) return v;
  return undefined;
}

/** Every named-property id `root` mentions, with its name as `nameOf` gives it (ids it does not know are left out). */
export function namedPropertiesIn(
  root: LabelNode,
  nameOf: (propertyId: number) => string | undefined,
  into: Record<number, string> = {},
): Record<number, string> {
  const seen = new Set<number>(Object.keys(into).map(Number));
  const stack: LabelNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const id = namedIdOf(n);
    if (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const name = nameOf(id);
      if (name !== undefined) into[id] = name;
    }
    if (n.children) for (const c of n.children) stack.push(c);
  }
  return into;
}

/** How a row shows a node that stands for a named property: its name, the number as `secondary`. */
export interface NamedLabel {
  /** The node's name, when the node is a column named by its tag. */
  name?: string;
  /** The node's value text, when the value is the tag or id. */
  display?: string;
  /** The number the node was shown by ("0x8001001F (PtypString)"). */
  secondary: string;
}

export function namedLabel(n: LabelNode, names: Readonly<Record<number, string>>): NamedLabel | undefined {
  const id = namedIdOf(n);
  const resolved = id === undefined ? undefined : names[id];
  if (resolved === undefined) return undefined;
  if (COLUMN_TAG.test(n.name)) return { name: resolved, secondary: n.name.toUpperCase().replace('0X', '0x') };
  return { display: resolved, secondary: n.display ?? '' };
}
