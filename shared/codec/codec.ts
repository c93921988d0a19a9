/**
 * The declarative structure layer. A `Codec<T>` is one definition of a wire
 * structure; from it come the decoder (bytes → value + tree with offsets), the
 * encoder (value → bytes) and the tree labels. Definitions are plain values,
 * interpreted here; compile.ts generates a decoder of their own for the
 * definitions decoded more than once, where code generation is allowed.
 *
 * Failure model: primitives throw DecodeError; the nearest enclosing struct
 * records what it decoded so far plus an error node covering the undecoded
 * bytes of its window, and re-throws with that partial tree attached; the
 * nearest sized window (`sized`, `payload`, the top level) absorbs the error and
 * decoding continues after the window. Nothing escapes `decode()`.
 */
import type { DecodedNode, NodeValue } from './node.js';
import { DecodeError, Reader } from './reader.js';
import { Writer } from './writer.js';
import { compileLeaf, compileSized, compileStruct } from './compile.js';
import {
  type Codec,
  type CountSpec,
  type DecodeContext,
  type Decoded,
  type DeriveHelpers,
  type FieldDef,
  type FieldOptions,
  type SizeSpec,
  type StructCodec,
  type StructOptions,
  type StructValue,
  DecodeEnv,
  EMPTY_SCOPE,
  EncodeEnv,
  NO_NODE,
  SAME_VALUE,
  Scope,
  asDecodeError,
  compiledOnReuse,
  decodeWindow,
  errorLeaf,
  readsNoScope,
  spanOf,
} from './core.js';

export * from './core.js';
import { shapeOf, withShape } from './shape.js';

// ---------------------------------------------------------------------------
// Leaf helper

interface LeafParts<T> {
  read: (r: Reader, scope: Scope, env: DecodeEnv) => T;
  write: (w: Writer, v: T, scope: Scope, env: EncodeEnv) => void;
  show?: (v: T) => string | undefined;
  toNodeValue: (v: T) => NodeValue;
}
/** How each `leaf` codec was made, so `withDisplay` over a leaf can make one leaf instead of a wrapper. */
const LEAF_PARTS = new WeakMap<Codec<never>, LeafParts<never>>();

export function leaf<T>(
  kind: string,
  minSize: number,
  read: (r: Reader, scope: Scope, env: DecodeEnv) => T,
  write: (w: Writer, v: T, scope: Scope, env: EncodeEnv) => void,
  show?: (v: T) => string | undefined,
  toNodeValue: (v: T) => NodeValue = SAME_VALUE,
): Codec<T> {
  const interpreted: Codec<T>['decode'] = function decodeLeaf(r, name, scope, env) {
    const offset = r.pos;
    const value = read(r, scope, env);
    if (!env.tree) return { value, node: NO_NODE };
    // The node is made whole (display included when there is one): adding it later costs a map transition.
    const d = show?.(value);
    const node: DecodedNode =
      d !== undefined
        ? { name, value: toNodeValue(value), offset, length: r.pos - offset, display: d }
        : { name, value: toNodeValue(value), offset, length: r.pos - offset };
    return { value, node };
  };
  const c: Codec<T> = { kind, minSize, decode: interpreted, encode: write };
  compiledOnReuse(c, interpreted, () => compileLeaf(kind, read, show, toNodeValue));
  LEAF_PARTS.set(c as Codec<never>, { read, write, show, toNodeValue } as unknown as LeafParts<never>);
  return c;
}

/** Same wire form, another display (enums, flags, dates, hex). */
export function withDisplay<T>(c: Codec<T>, show: (v: T) => string | undefined, kind = c.kind): Codec<T> {
  const parts = LEAF_PARTS.get(c as Codec<never>) as unknown as LeafParts<T> | undefined;
  if (parts) {
    // Over a leaf: one leaf whose display is `show`'s, else the inner leaf's (what the wrapper below gives).
    const inner = parts.show;
    const both = inner ? (v: T) => show(v) ?? inner(v) : show;
    const l = leaf(kind, c.minSize, parts.read, parts.write, both, parts.toNodeValue);
    return c.scopeFree === true ? readsNoScope(l) : l;
  }
  const wrapped: Codec<T> = {
    kind,
    minSize: c.minSize,
    decode(r, name, scope, env) {
      const d = c.decode(r, name, scope, env);
      if (!env.tree) return d;
      const s = show(d.value);
      if (s !== undefined) d.node.display = s;
      return d;
    },
    encode: c.encode,
    scopeFree: c.scopeFree === true,
  };
  const inner = shapeOf(c);
  return inner ? withShape(wrapped, inner) : wrapped;
}

/** Hex texts of the values below 0x10000, by width, filled as they are asked for (most displayed values are small). */
const HEX_SMALL = new Map<number, string[]>();
const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

export function hex(v: number, width: number): string {
  const u = v >>> 0;
  if (u < 0x10000) {
    let t = HEX_SMALL.get(width);
    if (!t) HEX_SMALL.set(width, (t = []));
    return (t[u] ??= '0x' + u.toString(16).toUpperCase().padStart(width, '0'));
  }
  // Eight digits (handles, error codes, tags): four table lookups give the same text as padStart.
  if (width === 8)
    return (
      '0x' + HEX_UPPER[u >>> 24]! + HEX_UPPER[(u >>> 16) & 0xff]! + HEX_UPPER[(u >>> 8) & 0xff]! + HEX_UPPER[u & 0xff]!
    );
  return '0x' + u.toString(16).toUpperCase().padStart(width, '0');
}

/**
 * `show` with its texts remembered per value: enum and flag fields repeat a
 * few values, and their texts are asked for on every node. The memory is
 * bounded (values beyond `max` distinct ones are computed each time).
 */
export function memoShow(show: (v: number) => string, max = 1024): (v: number) => string {
  // Values below 0x10000 (most enums and flags) by array index, others by Map; `max` bounds both together.
  const small: string[] = [];
  const memo = new Map<number, string>();
  let size = 0;
  return (v) => {
    const isSmall = v >>> 0 === v && v < 0x10000;
    let s = isSmall ? small[v] : memo.get(v);
    if (s === undefined) {
      s = show(v);
      if (size < max) {
        size++;
        if (isSmall) small[v] = s;
        else memo.set(v, s);
      }
    }
    return s;
  };
}

/** A number shown by its name in `names` ("RopOpenFolder (0x02)"). */
export function enumOf(c: Codec<number>, names: Readonly<Record<number, string>>, kind = c.kind): Codec<number> {
  const width = c.minSize * 2;
  return withShape(
    withDisplay(
      c,
      memoShow((v) => `${names[v] ?? 'Unknown'} (${hex(v, width)})`),
      kind,
    ),
    { type: 'enum', names },
  );
}

/** A bit set shown as its flag names ("0x0005 (Compressed | Last)"). */
export function flagsOf(c: Codec<number>, bits: Readonly<Record<string, number>>, kind = c.kind): Codec<number> {
  const width = c.minSize * 2;
  return withShape(
    withDisplay(
      c,
      memoShow((v) => describeFlags(v, bits, width)),
      kind,
    ),
    { type: 'flags', bits },
  );
}

/**
 * A field whose bits under `mask` hold one value of an enumeration and whose
 * other bits are flags: "0x03 (Bcc)", "0x91 (To | 0x10 Resend | 0x80 Submitted)".
 * Bits outside `mask` and `bits` are shown in hex.
 */
export function enumFlagsOf(
  c: Codec<number>,
  mask: number,
  names: Readonly<Record<number, string>>,
  bits: Readonly<Record<string, number>>,
  kind = c.kind,
): Codec<number> {
  const width = c.minSize * 2;
  return withDisplay(
    c,
    memoShow((v) => {
      const e = v & mask;
      const flags = describeFlags((v & ~mask) >>> 0, bits, width);
      const rest = flags.indexOf(' (');
      const extra = rest < 0 ? ((v & ~mask) >>> 0 ? ` | ${flags}` : '') : ` | ${flags.slice(rest + 2, -1)}`;
      return `${hex(v, width)} (${names[e] ?? `unknown ${hex(e, width)}`}${extra})`;
    }),
    kind,
  );
}

const FLAG_ENTRIES = new WeakMap<object, readonly (readonly [string, number])[]>();

export function describeFlags(v: number, bits: Readonly<Record<string, number>>, width = 8): string {
  let entries = FLAG_ENTRIES.get(bits);
  if (!entries) FLAG_ENTRIES.set(bits, (entries = Object.entries(bits)));
  let names = '';
  let rest = v >>> 0;
  for (const [n, b] of entries) {
    if (b !== 0 && (v & b) >>> 0 === b >>> 0) {
      names = names ? `${names} | ${n}` : n;
      rest &= ~b >>> 0;
    }
  }
  if (rest) names = names ? `${names} | ${hex(rest, width)}` : hex(rest, width);
  return names ? `${hex(v, width)} (${names})` : hex(v, width);
}

// ---------------------------------------------------------------------------
// Structs

/** A field; one with a `when` condition may be absent from the value. */
export function field<T, const N extends string = string>(
  name: N,
  codec: Codec<T>,
  opts: FieldOptions & { when: NonNullable<FieldOptions['when']> },
): FieldDef<N, T | undefined>;
export function field<T, const N extends string = string>(
  name: N,
  codec: Codec<T>,
  opts?: FieldOptions,
): FieldDef<N, T>;
export function field<T>(name: string, codec: Codec<T>, opts: FieldOptions = {}): FieldDef {
  return { name, codec: codec, opts };
}

/**
 * Fields present together under one condition, e.g. a layout chosen by the
 * request. `when` must not depend on the group's own fields: decoding
 * evaluates it once, at the group's first field present in the struct.
 */
export function fieldGroup(
  when: (s: Scope, env: DecodeEnv | EncodeEnv) => boolean,
  fields: readonly FieldDef[],
): FieldDef[] {
  const group = {};
  return fields.map((f) => field(f.name, f.codec, { ...f.opts, when, group }));
}

export function struct(kind: string, fields: readonly FieldDef[], opts: StructOptions = {}): StructCodec {
  const minSize = fields.reduce((n, f) => n + (f.opts.when ? 0 : f.codec.minSize), 0);
  // The field loop reads these flat arrays (one shape each) rather than the field definitions.
  const names = fields.map((f) => f.name);
  const codecs = fields.map((f) => f.codec);
  const whens = fields.map((f) => f.opts.when);
  /** True where a field's condition is its predecessor's (same `fieldGroup`): the previous answer is reused. */
  const sameWhen = fields.map(
    (f, i) => i > 0 && f.opts.group !== undefined && f.opts.group === fields[i - 1]!.opts.group,
  );
  const count = fields.length;
  /** No field reads names (no `when`, every codec scope-free): the fields get the parent's scope, no new one. */
  const scopeFree = fields.every((f) => !f.opts.when && f.codec.scopeFree === true);
  /** Values-only decode: the same field walk without nodes; a failure is counted and passed on. */
  const decodeValues = (r: Reader, parent: Scope, env: DecodeEnv): Decoded<StructValue> => {
    const values: StructValue = {};
    const scope = scopeFree ? parent : new Scope(values, parent);
    let inWhen = false;
    let present = true;
    try {
      for (let i = 0; i < count; i++) {
        const when = whens[i];
        if (when) {
          if (!sameWhen[i]) {
            inWhen = true;
            present = when(scope, env);
            inWhen = false;
          }
          if (!present) continue;
        }
        const name = names[i]!;
        values[name] = codecs[i]!.decode(r, name, scope, env).value;
      }
    } catch (err) {
      if (!inWhen) env.failures++;
      throw err;
    }
    opts.check?.(values, NO_NODE, env);
    return { value: values, node: NO_NODE };
  };
  const interpreted: StructCodec['decode'] = function decodeStruct(r, name, parent, env) {
    if (!env.tree) return decodeValues(r, parent, env);
    const start = r.pos;
    const values: StructValue = {};
    const scope = scopeFree ? parent : new Scope(values, parent);
    const children: DecodedNode[] = [];
    // One try for the whole field loop; `i`, `at` and `inWhen` say where a failure happened.
    let i = 0;
    let at = start;
    let inWhen = false;
    let present = true;
    try {
      for (; i < count; i++) {
        const when = whens[i];
        if (when) {
          if (!sameWhen[i]) {
            inWhen = true;
            present = when(scope, env);
            inWhen = false;
          }
          if (!present) continue;
        }
        at = r.pos;
        const fname = names[i]!;
        const d = codecs[i]!.decode(r, fname, scope, env);
        values[fname] = d.value;
        children.push(d.node);
      }
    } catch (err) {
      if (inWhen) throw err; // a failing condition is not the field's failure: the enclosing window reports it
      const e = asDecodeError(err, at);
      env.failures++;
      children.push(e.partial ?? errorLeaf(names[i]!, e, r.end));
      const partial: DecodedNode = { name, offset: start, length: 0, children };
      partial.length = spanOf(partial, start, r.pos);
      e.partial = partial;
      throw e;
    }
    // Made whole once the summary is known (a display added later costs a map transition).
    const s = opts.summary?.(values);
    const node: DecodedNode =
      s !== undefined
        ? { name, offset: start, length: r.pos - start, children, display: s }
        : { name, offset: start, length: r.pos - start, children };
    opts.check?.(values, node, env);
    return { value: values, node };
  };
  const codec: StructCodec = {
    kind,
    minSize,
    fields,
    scopeFree,
    decode: interpreted,
    encode(w, v, parent, env) {
      encodeStruct(kind, fields, w, v, parent, env);
    },
  };
  compiledOnReuse(codec, interpreted, () => compileStruct(kind, names, codecs, whens, sameWhen, scopeFree, opts));
  return codec;
}

function encodeStruct(
  kind: string,
  fields: readonly FieldDef[],
  w: Writer,
  v: StructValue,
  parent: Scope,
  env: EncodeEnv,
): void {
  const vals: StructValue = { ...v };
  const scope = new Scope(vals, parent);
  const helpers: DeriveHelpers = {
    sizeOf(fname) {
      const f = fields.find((x) => x.name === fname);
      if (!f) throw new Error(`${kind}: no field ${fname}`);
      const tmp = new Writer(64);
      f.codec.encode(tmp, vals[fname], scope, env);
      return tmp.pos;
    },
    countOf(fname) {
      const x = vals[fname];
      return Array.isArray(x) ? x.length : x instanceof Uint8Array ? x.length : 0;
    },
  };
  for (const f of fields) {
    if (f.opts.when && !f.opts.when(scope, env)) continue;
    if (vals[f.name] === undefined && f.opts.derive) vals[f.name] = f.opts.derive(vals, helpers);
    if (vals[f.name] === undefined) throw new Error(`${kind}: cannot encode, field ${f.name} has no value`);
    f.codec.encode(w, vals[f.name], scope, env);
  }
}

// ---------------------------------------------------------------------------
// Arrays

function resolveCount(spec: CountSpec, s: Scope, env: DecodeEnv): number {
  if (typeof spec === 'number') return spec;
  if (typeof spec === 'string') return s.num(spec);
  return spec(s, env);
}

export interface ArrayOptions {
  /** Node name of each item; defaults to the item codec's kind. */
  item?: string;
  summary?: (items: readonly unknown[]) => string | undefined;
}

/** `count` items; the count is bounded by the bytes that remain before any item is read. */
export function array<T>(elem: Codec<T>, count: CountSpec, opts: ArrayOptions = {}): Codec<T[]> {
  const itemName = opts.item ?? elem.kind;
  return withShape<Codec<T[]>>(
    {
      kind: `${elem.kind}[]`,
      minSize: typeof count === 'number' ? count * elem.minSize : 0,
      scopeFree: typeof count === 'number' && elem.scopeFree === true,
      decode(r, name, scope, env) {
        const start = r.pos;
        const n = resolveCount(count, scope, env);
        const children: DecodedNode[] = [];
        if (!Number.isInteger(n) || n < 0) throw new DecodeError(`${name}: invalid count ${n}`, start);
        if (n * Math.max(elem.minSize, 0) > r.remaining)
          throw new DecodeError(
            `${name}: count ${n} needs at least ${n * elem.minSize} bytes, only ${r.remaining} remain`,
            start,
          );
        const items: T[] = [];
        const tree = env.tree;
        for (let i = 0; i < n; i++) {
          const at = r.pos;
          try {
            const d = elem.decode(r, itemName, scope, env);
            items.push(d.value);
            if (tree) children.push(d.node);
          } catch (err) {
            env.failures++;
            if (!tree) throw err;
            const e = asDecodeError(err, at);
            children.push(e.partial ?? errorLeaf(itemName, e, r.end));
            // A partial array keeps its count as the value.
            const partial: DecodedNode = { name, offset: start, length: 0, children, value: n };
            partial.length = spanOf(partial, start, r.pos);
            e.partial = partial;
            throw e;
          }
          // A zero-size item cannot make progress; stop rather than spin.
          if (r.pos === at && elem.minSize === 0 && i > 0x10000) throw new DecodeError(`${name}: no progress`, at);
        }
        if (!tree) return { value: items, node: NO_NODE };
        const s = opts.summary?.(items);
        const display = s ?? `${n} item${n === 1 ? '' : 's'}`;
        const node: DecodedNode = { name, offset: start, length: r.pos - start, children, display };
        return { value: items, node };
      },
      encode(w, v, scope, env) {
        for (const x of v) elem.encode(w, x, scope, env);
      },
    },
    { type: 'array', item: elem },
  );
}

/** Items until the current window ends. */
export function arrayToEnd<T>(elem: Codec<T>, opts: ArrayOptions = {}): Codec<T[]> {
  const itemName = opts.item ?? elem.kind;
  return withShape<Codec<T[]>>(
    {
      kind: `${elem.kind}[]`,
      minSize: 0,
      scopeFree: elem.scopeFree === true,
      decode(r, name, scope, env) {
        const start = r.pos;
        const children: DecodedNode[] = [];
        const items: T[] = [];
        const tree = env.tree;
        while (r.remaining > 0) {
          const at = r.pos;
          try {
            const d = elem.decode(r, itemName, scope, env);
            items.push(d.value);
            if (tree) children.push(d.node);
          } catch (err) {
            env.failures++;
            if (!tree) throw err;
            const e = asDecodeError(err, at);
            children.push(e.partial ?? errorLeaf(itemName, e, r.end));
            const partial: DecodedNode = { name, offset: start, length: 0, children };
            partial.length = spanOf(partial, start, r.pos);
            e.partial = partial;
            throw e;
          }
          if (r.pos === at) throw new DecodeError(`${name}: item decoded no bytes`, at);
        }
        if (!tree) return { value: items, node: NO_NODE };
        const display = opts.summary?.(items) ?? `${items.length} item${items.length === 1 ? '' : 's'}`;
        const node: DecodedNode = { name, offset: start, length: r.pos - start, children, display };
        return { value: items, node };
      },
      encode(w, v, scope, env) {
        for (const x of v) elem.encode(w, x, scope, env);
      },
    },
    { type: 'array', item: elem },
  );
}

// ---------------------------------------------------------------------------
// Windows

export interface SizedOptions {
  /** Bytes left in the window after `inner` are expected (shown as a plain node, not an error). */
  allowTrailing?: boolean;
}

/**
 * `inner` decoded inside a window of `size` bytes. Errors inside stay inside:
 * the window's node holds the partial tree and decoding resumes after it.
 */
export function sized<T>(inner: Codec<T>, size: SizeSpec, opts: SizedOptions = {}): Codec<T | undefined> {
  const allowTrailing = opts.allowTrailing ?? false;
  const interpreted: Codec<T | undefined>['decode'] = function decodeSized(r, name, scope, env) {
    const n = resolveCount(size, scope, env);
    const win = r.sub(n);
    return decodeWindow(inner, win, name, scope, env, allowTrailing);
  };
  const c: Codec<T | undefined> = {
    kind: inner.kind,
    minSize: typeof size === 'number' ? size : 0,
    scopeFree: typeof size === 'number' && inner.scopeFree === true,
    decode: interpreted,
    encode(w, v, scope, env) {
      if (v === undefined) throw new Error(`${inner.kind}: cannot encode a window that failed to decode`);
      inner.encode(w, v, scope, env);
    },
  };
  compiledOnReuse(c, interpreted, () => compileSized(inner, size, allowTrailing));
  return withShape(c, { type: 'window', inner: () => inner as Codec<unknown> });
}

// ---------------------------------------------------------------------------
// Choice, optional, lazy

export function switchOn<K extends string | number>(
  kind: string,
  select: (s: Scope, env: DecodeEnv | EncodeEnv) => K,
  cases: ReadonlyMap<K, Codec<unknown>> | Readonly<Record<K, Codec<unknown>>>,
  fallback?: Codec<unknown>,
): Codec<unknown> {
  const get = (k: K): Codec<unknown> | undefined =>
    cases instanceof Map ? cases.get(k) : (cases as Record<K, Codec<unknown>>)[k];
  const all = (): Codec<unknown>[] =>
    [
      ...new Set([...(cases instanceof Map ? cases.values() : Object.values(cases)), ...(fallback ? [fallback] : [])]),
    ] as Codec<unknown>[];
  return withShape<Codec<unknown>>(
    {
      kind,
      minSize: 0,
      decode(r, name, scope, env) {
        const k = select(scope, env);
        const c = get(k) ?? fallback;
        if (!c) throw new DecodeError(`${name}: no layout for ${String(k)}`, r.pos);
        return c.decode(r, name, scope, env);
      },
      encode(w, v, scope, env) {
        const k = select(scope, env);
        const c = get(k) ?? fallback;
        if (!c) throw new Error(`${kind}: no layout for ${String(k)}`);
        c.encode(w, v, scope, env);
      },
    },
    { type: 'choice', cases: all },
  );
}

/** For recursive structures (restrictions); nesting depth is capped. */
export function lazy<T>(kind: string, make: () => Codec<T>, maxDepth = 64): Codec<T> {
  let c: Codec<T> | undefined;
  return withShape<Codec<T>>(
    {
      kind,
      minSize: 0,
      decode(r, name, scope, env) {
        c ??= make();
        if (env.depth >= maxDepth) throw new DecodeError(`${name}: nesting deeper than ${maxDepth}`, r.pos);
        env.depth++;
        try {
          return c.decode(r, name, scope, env);
        } finally {
          env.depth--;
        }
      },
      encode(w, v, scope, env) {
        c ??= make();
        c.encode(w, v, scope, env);
      },
    },
    { type: 'window', inner: () => (c ??= make()) },
  );
}

/**
 * Escape hatch for layouts that no combinator states well. `read` returns the
 * value and the node; `write` is its inverse.
 */
export function custom<T>(
  kind: string,
  minSize: number,
  read: (r: Reader, name: string, scope: Scope, env: DecodeEnv) => Decoded<T>,
  write: (w: Writer, v: T, scope: Scope, env: EncodeEnv) => void,
): Codec<T> {
  return { kind, minSize, decode: read, encode: write };
}

// ---------------------------------------------------------------------------
// Derived buffers (decompressed or de-obfuscated payloads)

export interface PayloadValue<T> {
  /** The bytes as they were on the wire; re-encoded as is unless `value` is replaced. */
  wire: Uint8Array;
  /** The transformed bytes (e.g. decompressed), decoded with `inner`. */
  value: T | undefined;
  bufferId: string;
  /** Set by a caller that replaced `value`: encode re-transforms it instead of copying `wire`. */
  edited?: boolean;
}

export interface PayloadSpec<T> {
  kind: string;
  /** Bytes on the wire for this payload. */
  size: SizeSpec;
  /** Prefix of the new buffer's id ("rpcext"). */
  bufferPrefix: string;
  /** wire bytes → payload bytes; throw DecodeError for malformed input. Undefined: no transform needed. */
  transform: (wire: Uint8Array, s: Scope) => Uint8Array | undefined;
  /** payload bytes → wire bytes, for values built or edited by a caller. */
  untransform: (payload: Uint8Array, s: Scope) => Uint8Array;
  inner: Codec<T>;
  /** Name of the node holding the decoded payload. */
  payloadName: string;
}

/**
 * A payload that is transformed before decoding. When `transform` yields new
 * bytes they become their own buffer (own id, own offsets) so a hex view can
 * show them; otherwise the payload is decoded in place.
 */
export function payload<T>(spec: PayloadSpec<T>): Codec<PayloadValue<T>> {
  return withShape<Codec<PayloadValue<T>>>(
    {
      kind: spec.kind,
      minSize: typeof spec.size === 'number' ? spec.size : 0,
      decode(r, name, scope, env) {
        const n = resolveCount(spec.size, scope, env);
        const start = r.pos;
        const win = r.sub(n);
        const wire = r.bytes.subarray(start, start + n);
        let bytes: Uint8Array | undefined;
        try {
          bytes = spec.transform(wire, scope);
        } catch (err) {
          env.failures++;
          const e = asDecodeError(err, start);
          return {
            value: { wire, value: undefined, bufferId: r.bufferId },
            node: { name, offset: start, length: n, error: e.message },
          };
        }
        if (bytes === undefined) {
          const d = decodeWindow(spec.inner, win, spec.payloadName, scope, env);
          return { value: { wire, value: d.value, bufferId: r.bufferId }, node: d.node };
        }
        const bufferId = env.addBuffer(spec.bufferPrefix, bytes);
        const d = decodeWindow(spec.inner, new Reader(bytes, bufferId), spec.payloadName, scope, env);
        if (!env.tree) return { value: { wire, value: d.value, bufferId }, node: NO_NODE };
        d.node.buffer = bufferId;
        const node: DecodedNode = {
          name,
          offset: start,
          length: n,
          display: `${n} bytes on the wire → ${bytes.length} bytes (${bufferId})`,
          children: [{ name: 'WireBytes', offset: start, length: n, value: wire, display: `${n} bytes` }, d.node],
        };
        return { value: { wire, value: d.value, bufferId }, node };
      },
      encode(w, v, scope, env) {
        if (!v.edited || v.value === undefined) {
          w.bytes(v.wire);
          return;
        }
        const tmp = new Writer();
        spec.inner.encode(tmp, v.value, scope, env);
        w.bytes(spec.untransform(tmp.finish(), scope));
      },
    },
    { type: 'window', inner: () => spec.inner, payload: true },
  );
}

// ---------------------------------------------------------------------------
// Entry points

export interface DecodeResult<T> {
  value: T | undefined;
  /** The tree; with `tree: false` only a root node without children. */
  tree: DecodedNode;
  /** Buffers beside "body" (decompressed payloads), by id. */
  buffers: ReadonlyMap<string, Uint8Array>;
  /**
   * Places where decoding failed (see `DecodeEnv.failures`). 0: the tree has
   * no error node. With `tree: false`, a caller that needs the errors decodes
   * again with the tree when this is not 0.
   */
  failures: number;
  /**
   * Items codecs noted for the caller (`DecodeEnv.note`), e.g. texts made for
   * the tree that a summary can reuse; undefined when none were.
   */
  notes?: ReadonlyMap<string, readonly unknown[]>;
}

export interface DecodeOptions {
  name?: string;
  context?: DecodeContext | undefined;
  bufferId?: string | undefined;
  /**
   * False: values only, for passes that read values and never show a tree
   * (the session model's forward pass). The value is the same as with the
   * tree; `tree` is a bare root node. Default true.
   */
  tree?: boolean;
}

/** Decode `bytes` as `codec`. Never throws; failures are error nodes in the tree. */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array, opts: DecodeOptions = {}): DecodeResult<T> {
  const env = new DecodeEnv(opts.context, opts.tree !== false);
  const r = new Reader(bytes, opts.bufferId ?? 'body');
  const name = opts.name ?? codec.kind;
  const d = decodeWindow(codec, r, name, EMPTY_SCOPE, env);
  const tree = env.tree ? d.node : { name, offset: 0, length: bytes.length };
  tree.buffer = r.bufferId;
  const out: DecodeResult<T> = { value: d.value, tree, buffers: env.buffers, failures: env.failures };
  if (env.notes) out.notes = env.notes;
  return out;
}

export function encode<T>(codec: Codec<T>, value: T, context: DecodeContext = {}): Uint8Array {
  const w = new Writer();
  codec.encode(w, value, EMPTY_SCOPE, new EncodeEnv(context));
  return w.finish();
}
