/**
 * The decoded fields of a tree (a DecodedNode, or its JSON form as the UI
 * receives it), each with the node it came from: what "Apply as filter" reads
 * from a node, and which nodes a filter highlights. The names are the field
 * registry's (the same as extract.ts gives from values): a node adds its name
 * to the field name when the registry knows that name or names under it;
 * other nodes (array items, payload windows) add nothing.
 */
import { propFieldName } from './catalog.js';
import { type FieldInfo, parseHexBytes } from './types.js';

/** The parts of a tree node read here (DecodedNode and TreeNodeDto both have them). */
export interface TreeNodeLike {
  name: string;
  value?: unknown;
  display?: string;
  children?: readonly TreeNodeLike[];
  error?: string;
}

export interface TreeField {
  field: string;
  value: unknown;
  /** Index path as the tree view numbers nodes: "0" the root, "0.2.1" its third child's second child. */
  path: string;
  /** Node names from the root, joined by "/". */
  namePath: string;
}

export interface TreeFieldContext {
  namedPropertyName?(propertyId: number): string | undefined;
  /** Values as in JSON (bigints as decimal text, bytes as hex): read back by field type. */
  json?: boolean;
}

/** The field names and every dotted prefix of them: which node names count as name parts. */
export class FieldNames {
  readonly prefixes = new Set<string>();
  readonly byName = new Map<string, FieldInfo>();
  readonly ropNames = new Set<string>();
  constructor(fields: readonly FieldInfo[]) {
    for (const f of fields) {
      this.byName.set(f.name, f);
      let i = f.name.indexOf('.');
      while (i > 0) {
        this.prefixes.add(f.name.slice(0, i));
        i = f.name.indexOf('.', i + 1);
      }
      this.prefixes.add(f.name);
      if (f.layer === 'rop' && /^Rop\w+\.(request|response)\./.test(f.name)) this.ropNames.add(f.name.split('.')[0]!);
    }
  }
}

/** A node whose children are the items of one list (a multi-valued property). */
function sameNamedItems(n: TreeNodeLike): boolean {
  const k = n.children;
  return !!k && k.length > 0 && k.every((c) => c.name === k[0]!.name && !c.children);
}

function child(n: TreeNodeLike, name: string): TreeNodeLike | undefined {
  return n.children?.find((c) => c.name === name);
}

class TreeWalker {
  readonly out: TreeField[] = [];
  constructor(
    readonly names: FieldNames,
    readonly ctx: TreeFieldContext,
    readonly side: 'request' | 'response',
  ) {}

  emit(field: string, n: TreeNodeLike, path: string, namePath: string, value = this.valueOf(field, n)): void {
    if (value !== undefined) this.out.push({ field, value, path, namePath });
  }

  valueOf(field: string, n: TreeNodeLike): unknown {
    // Counted binary (Count + Data): the bytes.
    const data = n.value === undefined && child(n, 'Count') ? child(n, 'Data') : undefined;
    if (data && n.children!.length === 2) return this.valueOf(field, data);
    const r = child(n, 'ReplicaId');
    const g = child(n, 'GlobalCounter');
    if (r && g && typeof r.value === 'number' && typeof g.value === 'number')
      return { ReplicaId: r.value, GlobalCounter: g.value };
    if (n.value === undefined || n.error !== undefined) return undefined;
    if (!this.ctx.json) return n.value;
    const type = this.names.byName.get(field)?.type;
    const v = n.value;
    if (typeof v === 'string') {
      if ((type === 'number' || type === 'time' || type === 'value') && /^-?\d{16,}$/.test(v)) return BigInt(v);
      if (type === 'bytes') {
        const h = parseHexBytes(v);
        if (h !== undefined) return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
      }
    }
    return v;
  }

  node(n: TreeNodeLike, prefix: string, path: string, namePath: string, depth: number): void {
    if (depth > 60) return;
    const name = `${prefix}.${n.name}`;
    const named = this.names.prefixes.has(name);
    const field = named ? name : prefix;
    const v = this.valueOf(named ? name : prefix, n);
    if (named && v !== undefined) this.emit(name, n, path, namePath, v);
    // An array item of a leaf field (a handle of ServerObjectHandleTable): a value of that field.
    else if (!named && v !== undefined && this.names.byName.has(prefix)) this.emit(prefix, n, path, namePath, v);
    // A property value is one value (binary, a restriction, rule actions), not fields of its own.
    if (n.name === 'PropertyValue' && (v !== undefined || !sameNamedItems(n))) return;
    this.children(n, field, path, namePath, depth);
  }

  children(n: TreeNodeLike, prefix: string, path: string, namePath: string, depth: number): void {
    const kids = n.children;
    if (!kids) return;
    if (n.name === 'RopsList') {
      kids.forEach((rop, i) => {
        if (!this.names.ropNames.has(rop.name)) return;
        const p = `${path}.${i}`;
        const np = `${namePath}/${rop.name}`;
        rop.children?.forEach((c, j) =>
          this.node(c, `${rop.name}.${this.side}`, `${p}.${j}`, `${np}/${c.name}`, depth + 1),
        );
      });
      return;
    }
    const row = kids[0]?.name === 'Flag' && /PropertyRow/.test(kids[0].display ?? '');
    const tag = child(n, 'PropertyTag');
    const pv = tag ? child(n, 'PropertyValue') : undefined;
    if (tag && pv && typeof tag.value === 'number') {
      const i = kids.indexOf(pv);
      this.prop(this.propKey(tag.value, tagDisplayName(tag)), pv, `${path}.${i}`, `${namePath}/${pv.name}`);
    }
    kids.forEach((c, i) => {
      const p = `${path}.${i}`;
      const np = `${namePath}/${c.name}`;
      if (row && i > 0) {
        this.prop(this.propKey(undefined, c.name), c, p, np);
        return;
      }
      if (c.name === 'AuxBlock') {
        const block = child(c, 'Block');
        const kind = block?.display;
        if (!block || !kind) return;
        const b = c.children!.indexOf(block);
        block.children?.forEach((x, j) =>
          this.node(x, `aux.${kind}`, `${p}.${b}.${j}`, `${np}/Block/${x.name}`, depth + 1),
        );
        return;
      }
      this.node(c, prefix, p, np, depth + 1);
    });
  }

  propKey(tag: number | undefined, columnName: string | undefined): string {
    const t = tag ?? (columnName && /^0x[0-9A-F]{8}$/i.test(columnName) ? parseInt(columnName, 16) : undefined);
    if (t !== undefined && t >>> 16 >= 0x8000) {
      const n = this.ctx.namedPropertyName?.(t >>> 16);
      if (n) return propFieldName(n);
    }
    const name = columnName ?? '';
    return name.startsWith('0x') ? `prop.${name.toUpperCase().replace('0X', '0x')}` : propFieldName(name);
  }

  prop(field: string, n: TreeNodeLike, path: string, namePath: string): void {
    // Wrappers: HasValue/Value (address book), Flag/PropertyValue (flagged rows), PropertyType/PropertyValue.
    let x: TreeNodeLike = n;
    for (let i = 0; i < 3; i++) {
      const inner = child(x, 'Value') ?? child(x, 'PropertyValue');
      if (!inner) break;
      x = inner;
    }
    const v = this.valueOf(field, x);
    if (v !== undefined && !Array.isArray(v)) this.emit(field, x, path, namePath, v);
    else if (sameNamedItems(x))
      for (const c of x.children ?? []) if (c.value !== undefined && !c.children) this.emit(field, c, path, namePath);
  }
}

/** "PidTagSubject" from a PropertyTag node's display ("PidTagSubject (0x0037001F)"), or the tag in hex. */
function tagDisplayName(n: TreeNodeLike): string {
  const d = n.display ?? '';
  const i = d.indexOf(' (');
  if (i > 0 && !d.startsWith('0x')) return d.slice(0, i);
  return `0x${((n.value as number) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * The fields of one body's tree. `root` is the body's tree as decoded: the
 * request's `<Type>Request` node, or the response's `MapiHttpResponse`
 * (whose `<Type>Response` child holds the body).
 */
export function treeFields(
  root: TreeNodeLike,
  requestType: string,
  side: 'request' | 'response',
  names: FieldNames,
  ctx: TreeFieldContext = {},
): TreeField[] {
  const w = new TreeWalker(names, ctx, side);
  const prefix = `${requestType}.${side}`;
  if (side === 'response' && root.name === 'MapiHttpResponse') {
    const i = root.children?.findIndex((c) => c.name === `${requestType}Response`) ?? -1;
    if (i >= 0) {
      const body = root.children![i]!;
      w.children(body, prefix, `0.${i}`, `${root.name}/${body.name}`, 1);
    }
  } else w.children(root, prefix, '0', root.name, 0);
  return w.out;
}

/** A value as a literal of the filter language, in the field's own form (names, ids, hex, quoted text). */
export function literalOf(info: FieldInfo | undefined, v: unknown): string {
  if (v !== null && typeof v === 'object' && 'ReplicaId' in v && 'GlobalCounter' in v) {
    const id = v as { ReplicaId: number; GlobalCounter: number };
    return `${id.ReplicaId}-0x${id.GlobalCounter.toString(16).toUpperCase()}`;
  }
  if (typeof v === 'number') {
    const name = info?.names?.[v];
    if (name !== undefined && /^[\w-]+$/.test(name)) return name;
    if (info?.type === 'error' || info?.type === 'proptag' || info?.type === 'flags')
      return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    return String(v);
  }
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) {
    let h = '';
    for (const b of v) h += b.toString(16).padStart(2, '0');
    return h || '""';
  }
  if (typeof v === 'string') {
    if (info?.type === 'guid' && /^[0-9a-f-]{36}$/i.test(v)) return v;
    if ((info?.type === 'number' || info?.type === 'time') && /^-?\d+$/.test(v)) return v;
    return JSON.stringify(v);
  }
  return JSON.stringify(String(v));
}

/** The filter a tree field stands for: `field == value` (the field alone when the value has no literal). */
export function filterTextFor(f: TreeField, info: FieldInfo | undefined): string {
  return `${f.field} == ${literalOf(info, f.value)}`;
}

/** A field of an HTTP head tree: `key` is its index key (evaluate.ts `httpFields`), `field` the name to filter by. */
export interface HeadField extends TreeField {
  key: string;
}

/** The exchange-record fields an HTTP head tree also shows, by the node path under the head's root. */
const HEAD_LINE_FIELDS: Readonly<Record<string, string>> = {
  'RequestLine/Method': 'http.method',
  'RequestLine/RequestTarget': 'http.url',
  'StatusLine/StatusCode': 'http.status',
};

/**
 * The fields of an HTTP head tree (shared/protocol/mapihttp/headers.ts: `HttpRequest` /
 * `HttpResponse`, its start line and one node per header in wire order): each header under
 * `http.<side>.header["Name"]`, the request's cookies under `http.cookie["name"]`, the cookie a
 * response sets under `http.setCookie["name"]`, and the start line's method, target and status.
 * `rootPath` is the path the tree view gives the head's root.
 */
export function headFields(root: TreeNodeLike, side: 'request' | 'response', rootPath = '0'): HeadField[] {
  const out: HeadField[] = [];
  root.children?.forEach((part, i) => {
    const p = `${rootPath}.${i}`;
    const np = `${root.name}/${part.name}`;
    if (part.name === 'Headers') {
      part.children?.forEach((h, j) => {
        if (typeof h.value !== 'string') return;
        const hp = `${p}.${j}`;
        const lower = h.name.toLowerCase();
        const family = `http.${side}.header`;
        out.push({
          field: `${family}[${JSON.stringify(h.name)}]`,
          key: `${family}:${lower}`,
          value: h.value,
          path: hp,
          namePath: `${np}/${h.name}`,
        });
        if (side === 'request' && lower === 'host')
          out.push({ field: 'http.host', key: 'http.host', value: h.value, path: hp, namePath: `${np}/${h.name}` });
        const cookies =
          side === 'request' && lower === 'cookie'
            ? (h.children ?? [])
            : side === 'response' && lower === 'set-cookie'
              ? (h.children ?? []).slice(0, 1)
              : [];
        const cookieFamily = side === 'request' ? 'http.cookie' : 'http.setCookie';
        cookies.forEach((c) => {
          if (typeof c.value !== 'string') return;
          out.push({
            field: `${cookieFamily}[${JSON.stringify(c.name)}]`,
            key: `${cookieFamily}:${c.name.toLowerCase()}`,
            value: c.value,
            path: `${hp}.${(h.children ?? []).indexOf(c)}`,
            namePath: `${np}/${h.name}/${c.name}`,
          });
        });
      });
      return;
    }
    part.children?.forEach((x, j) => {
      const field = HEAD_LINE_FIELDS[`${part.name}/${x.name}`];
      if (!field || typeof x.value !== 'string') return;
      const value = field === 'http.status' ? Number(x.value) : x.value;
      out.push({ field, key: field, value, path: `${p}.${j}`, namePath: `${np}/${x.name}` });
    });
  });
  return out;
}
