/**
 * The declarative structure layer. A `Codec<T>` is one definition of a wire
 * structure; from it come the decoder (bytes → value + tree with offsets), the
 * encoder (value → bytes) and the tree labels. Definitions are plain values,
 * interpreted at run time (no code generation, so a strict CSP holds).
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
import { generate, lit } from './compile.js';
import { shapeOf, withShape } from './shape.js';

/** Values a struct reads from the wire, by field name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StructValue = { [field: string]: any };

/** Name lookup for counts, sizes and conditions: own struct first, then enclosing ones. */
export class Scope {
  constructor(
    readonly values: StructValue,
    readonly parent?: Scope,
  ) {}
  get(name: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let s: Scope | undefined = this; s; s = s.parent) if (name in s.values) return s.values[name];
    return undefined;
  }
  num(name: string): number {
    const v = this.get(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new DecodeError(`field ${name} is not available`, 0);
  }
}
export const EMPTY_SCOPE = new Scope({});

/**
 * Explicit decoding context: the request a response answers, the session's
 * state, … Decoders read what they need from it and never from globals.
 */
export interface DecodeContext {
  readonly [key: string]: unknown;
}

const NO_BUFFERS: ReadonlyMap<string, Uint8Array> = new Map();

/**
 * The code page 8-bit strings are in at this point of a decode or encode, and
 * where that was learned ("Connect DefaultCodePage, exchange 3"). Set from
 * `context.codePage` and changed by the decoders that learn it on the way
 * (the ROP walker per ROP, a FastTransfer code-page property type).
 */
export interface CodePageInUse {
  readonly id: number;
  readonly source: string;
}

function codePageIn(context: DecodeContext): CodePageInUse | undefined {
  const c = context.codePage as CodePageInUse | undefined;
  return c && typeof c === 'object' && typeof c.id === 'number' ? c : undefined;
}

export class DecodeEnv {
  depth = 0;
  /**
   * Places where decoding failed (an error node was made, or would have been
   * in values-only mode). Zero means the tree has no error node; a failure
   * that a decoder recovers from (a trial layout) may count without leaving one.
   */
  failures = 0;
  private counters: Map<string, number> | undefined;
  private made: Map<string, Uint8Array> | undefined;
  /** Extra byte buffers created while decoding (decompressed payloads); most decodes make none. */
  get buffers(): ReadonlyMap<string, Uint8Array> {
    return this.made ?? NO_BUFFERS;
  }
  /** The code page of 8-bit strings here (see `CodePageInUse`); undefined: not known. */
  codePage: CodePageInUse | undefined;
  constructor(
    readonly context: DecodeContext = {},
    /**
     * False: values only. The combinators build no nodes and no display texts
     * (they return `NO_NODE`); values are the same as with the tree. Codecs
     * that build their own nodes may skip that work when this is false.
     */
    readonly tree = true,
  ) {
    this.codePage = codePageIn(context);
  }
  /** What codecs leave for the caller of `decode` beside the value, by key (see `DecodeResult.notes`). */
  notes: Map<string, unknown[]> | undefined;
  note(key: string, item: unknown): void {
    const m = (this.notes ??= new Map());
    const list = m.get(key);
    if (list) list.push(item);
    else m.set(key, [item]);
  }
  addBuffer(prefix: string, bytes: Uint8Array): string {
    const counters = (this.counters ??= new Map());
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    const id = `${prefix}#${n}`;
    (this.made ??= new Map()).set(id, bytes);
    return id;
  }
}

export class EncodeEnv {
  /** As `DecodeEnv.codePage`: the code page 8-bit strings are written in. */
  codePage: CodePageInUse | undefined;
  constructor(readonly context: DecodeContext = {}) {
    this.codePage = codePageIn(context);
  }
}

export interface Decoded<T> {
  value: T;
  node: DecodedNode;
}

/**
 * The node every combinator returns in values-only mode (`env.tree` false):
 * one shared object that ignores what callers write into it (display, buffer,
 * children), so codecs that decorate their children's nodes need no change.
 */
export const NO_NODE: DecodedNode = Object.defineProperties({ name: '', offset: 0, length: 0 } as DecodedNode, {
  name: { get: () => '', set() {}, enumerable: true },
  offset: { get: () => 0, set() {}, enumerable: true },
  length: { get: () => 0, set() {}, enumerable: true },
  value: { get: () => undefined, set() {}, enumerable: true },
  display: { get: () => undefined, set() {}, enumerable: true },
  buffer: { get: () => undefined, set() {}, enumerable: true },
  children: { get: () => undefined, set() {}, enumerable: true },
  error: { get: () => undefined, set() {}, enumerable: true },
  generated: { get: () => undefined, set() {}, enumerable: true },
});

/**
 * Gives `c` the decoder `compile()` makes (see compile.ts) from its second
 * decode on; `interpreted` serves the first (codecs made for one decode, such
 * as rows over a table's columns, are never compiled) and every decode where
 * code generation is unavailable. Callers that copied `c.decode` keep
 * reaching the chosen decoder.
 */
function compiledOnReuse<T>(
  c: Codec<T>,
  interpreted: Codec<T>['decode'],
  compile: () => Codec<T>['decode'] | undefined,
): void {
  let impl: Codec<T>['decode'] | undefined;
  let uses = 0;
  c.decode = function decodeFirst(r, name, scope, env) {
    if (impl === undefined) {
      if (uses++ === 0) return interpreted(r, name, scope, env);
      impl = compile() ?? interpreted;
      c.decode = impl;
    }
    return impl(r, name, scope, env);
  };
}

export interface Codec<T> {
  /** Type name used for labels and array items (e.g. "PropertyTag"). */
  readonly kind: string;
  /** Smallest possible encoded size; bounds wire counts before any loop runs. */
  readonly minSize: number;
  decode(r: Reader, name: string, scope: Scope, env: DecodeEnv): Decoded<T>;
  encode(w: Writer, value: T, scope: Scope, env: EncodeEnv): void;
  /**
   * True when decoding reads no names from the scope it is given, nor do its
   * parts (plain primitives, fixed sizes). A struct whose fields are all such
   * and have no `when` makes no Scope of its own. Unset: it may read names.
   */
  readonly scopeFree?: boolean;
}

/** Marks a codec whose decode reads no names from its scope (see `Codec.scopeFree`); returns it. */
export function readsNoScope<C extends Codec<unknown>>(c: C): C {
  (c as { scopeFree?: boolean }).scopeFree = true;
  return c;
}

export type ValueOf<C> = C extends Codec<infer T> ? T : never;

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
  toNodeValue: (v: T) => NodeValue = SAME_VALUE as (v: T) => NodeValue,
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

/** The default node value of a leaf: the decoded value itself. */
const SAME_VALUE = (v: unknown): NodeValue => v as NodeValue;

/** The leaf decoder above, generated for one leaf (its own call sites for `read`, `show` and `toNodeValue`). */
function compileLeaf<T>(
  kind: string,
  read: (r: Reader, scope: Scope, env: DecodeEnv) => T,
  show: ((v: T) => string | undefined) | undefined,
  toNodeValue: (v: T) => NodeValue,
): Codec<T>['decode'] | undefined {
  const nodeValue = toNodeValue === SAME_VALUE ? 'value' : 'toNodeValue(value)';
  const display = show ? 'const d = show(value);' : 'const d = undefined;';
  const body = `
return function decodeLeaf(r, name, scope, env) {
  const offset = r.pos;
  const value = read(r, scope, env);
  if (!env.tree) return { value, node: NO_NODE };
  ${display}
  const node = d !== undefined
    ? { name, value: ${nodeValue}, offset, length: r.pos - offset, display: d }
    : { name, value: ${nodeValue}, offset, length: r.pos - offset };
  return { value, node };
};`;
  return generate(`leaf ${kind}`, ['read', 'show', 'toNodeValue', 'NO_NODE'], [read, show, toNodeValue, NO_NODE], body);
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
  const inner = shapeOf(c as Codec<unknown>);
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

export interface FieldOptions {
  /** Field is present only when this holds (evaluated on decode and encode). */
  when?: (s: Scope, env: DecodeEnv | EncodeEnv) => boolean;
  /**
   * Computes the value on encode when the caller leaves it out (counts,
   * sizes). `h.sizeOf('X')` encodes sibling X to measure it.
   */
  derive?: (v: StructValue, h: DeriveHelpers) => unknown;
  /** One-sentence description, shown as the tree tooltip. */
  doc?: string;
  /**
   * Set by `fieldGroup`: consecutive fields with the same group share one
   * `when`, evaluated (on decode) at the first of them and holding for the rest.
   */
  group?: object;
}

export interface DeriveHelpers {
  sizeOf(field: string): number;
  countOf(field: string): number;
}

export interface FieldDef {
  readonly name: string;
  readonly codec: Codec<unknown>;
  readonly opts: FieldOptions;
}

export function field<T>(name: string, codec: Codec<T>, opts: FieldOptions = {}): FieldDef {
  return { name, codec: codec as Codec<unknown>, opts };
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

export interface StructOptions {
  /** Text for the struct node, computed from its decoded values. */
  summary?: (v: StructValue) => string | undefined;
  /** Called after decode, e.g. to check invariants or add generated nodes. */
  check?: (v: StructValue, node: DecodedNode, env: DecodeEnv) => void;
}

export interface StructCodec extends Codec<StructValue> {
  readonly fields: readonly FieldDef[];
}

/** Innermost catch point: turn a bare DecodeError into an error leaf covering [offset, end). */
export function errorLeaf(name: string, e: DecodeError, end: number): DecodedNode {
  const offset = Math.min(e.offset, end);
  return { name, offset, length: Math.max(0, end - offset), error: e.message };
}

export function asDecodeError(e: unknown, offset: number): DecodeError {
  if (e instanceof DecodeError) return e;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new DecodeError(`internal decoder failure: ${msg}`, offset);
}

function spanOf(node: DecodedNode, start: number, pos: number): number {
  let end = pos;
  for (const c of node.children ?? []) if (!c.generated) end = Math.max(end, c.offset + c.length);
  return end - start;
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

/**
 * The struct decoder above, generated for one definition (tree and values-only
 * modes): the same steps, field by field, with constant names and one call
 * site per field codec. Undefined when code generation is unavailable.
 */
function compileStruct(
  kind: string,
  names: readonly string[],
  codecs: readonly Codec<unknown>[],
  whens: readonly (FieldOptions['when'] | undefined)[],
  sameWhen: readonly boolean[],
  scopeFree: boolean,
  opts: StructOptions,
): Codec<StructValue>['decode'] | undefined {
  const tree: string[] = [];
  const values: string[] = [];
  names.forEach((n, i) => {
    const key = lit(n);
    const cond: string[] = [];
    if (whens[i] && !sameWhen[i]) cond.push(`inWhen = true; present = W${i}(scope, env); inWhen = false;`);
    const guard = whens[i] ? ['if (present) {', '}'] : ['', ''];
    tree.push(
      `i = ${i}; ${cond.join('')}${guard[0]} at = r.pos; d = C${i}.decode(r, ${key}, scope, env); values[${key}] = d.value; children.push(d.node);${guard[1]}`,
    );
    values.push(`${cond.join('')}${guard[0]} values[${key}] = C${i}.decode(r, ${key}, scope, env).value;${guard[1]}`);
  });
  const scopeExpr = scopeFree ? 'parent' : 'new Scope(values, parent)';
  const body = `
function decodeValues(r, parent, env) {
  const values = {};
  const scope = ${scopeExpr};
  let inWhen = false;
  let present = true;
  try {
    ${values.join('\n    ')}
  } catch (err) {
    if (!inWhen) env.failures++;
    throw err;
  }
  if (check !== undefined) check(values, NO_NODE, env);
  return { value: values, node: NO_NODE };
}
return function decodeStruct(r, name, parent, env) {
  if (!env.tree) return decodeValues(r, parent, env);
  const start = r.pos;
  const values = {};
  const scope = ${scopeExpr};
  const children = [];
  let i = 0;
  let at = start;
  let inWhen = false;
  let present = true;
  let d;
  try {
    ${tree.join('\n    ')}
  } catch (err) {
    if (inWhen) throw err;
    const e = asDecodeError(err, at);
    env.failures++;
    children.push(e.partial ?? errorLeaf(NAMES[i], e, r.end));
    const partial = { name, offset: start, length: 0, children };
    partial.length = spanOf(partial, start, r.pos);
    e.partial = partial;
    throw e;
  }
  const s = summary === undefined ? undefined : summary(values);
  const node = s !== undefined
    ? { name, offset: start, length: r.pos - start, children, display: s }
    : { name, offset: start, length: r.pos - start, children };
  if (check !== undefined) check(values, node, env);
  return { value: values, node };
};`;
  const argNames = ['Scope', 'NO_NODE', 'asDecodeError', 'errorLeaf', 'spanOf', 'summary', 'check', 'NAMES'];
  const argValues: unknown[] = [Scope, NO_NODE, asDecodeError, errorLeaf, spanOf, opts.summary, opts.check, names];
  codecs.forEach((c, i) => {
    argNames.push(`C${i}`);
    argValues.push(c);
  });
  whens.forEach((w, i) => {
    if (w) {
      argNames.push(`W${i}`);
      argValues.push(w);
    }
  });
  return generate(`struct ${kind}`, argNames, argValues, body);
}

// ---------------------------------------------------------------------------
// Arrays

export type CountSpec = number | string | ((s: Scope, env: DecodeEnv) => number);

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
    { type: 'array', item: elem as Codec<unknown> },
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
    { type: 'array', item: elem as Codec<unknown> },
  );
}

// ---------------------------------------------------------------------------
// Windows

export type SizeSpec = CountSpec;

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

/**
 * `sized`'s decoder generated for one window: values-only decodes call
 * `inner` from a site of their own (decodeWindow's values path, inlined);
 * tree decodes go through decodeWindow as before.
 */
function compileSized<T>(
  inner: Codec<T>,
  size: SizeSpec,
  allowTrailing: boolean,
): Codec<T | undefined>['decode'] | undefined {
  const n =
    typeof size === 'number' ? String(size) : typeof size === 'string' ? `scope.num(${lit(size)})` : 'SIZE(scope, env)';
  const body = `
return function decodeSized(r, name, scope, env) {
  const n = ${n};
  const win = r.sub(n);
  if (env.tree) return decodeWindow(INNER, win, name, scope, env, ${allowTrailing});
  try {
    const d = INNER.decode(win, name, scope, env);
    ${allowTrailing ? '' : 'if (win.remaining > 0) env.failures++;'}
    return d;
  } catch (err) {
    env.failures++;
    return { value: undefined, node: NO_NODE };
  }
};`;
  return generate(
    `sized ${inner.kind}`,
    ['INNER', 'SIZE', 'decodeWindow', 'NO_NODE'],
    [inner, size, decodeWindow, NO_NODE],
    body,
  );
}

/** Decode `inner` over the whole reader `win`; never throws. */
export function decodeWindow<T>(
  inner: Codec<T>,
  win: Reader,
  name: string,
  scope: Scope,
  env: DecodeEnv,
  allowTrailing = false,
): Decoded<T | undefined> {
  const start = win.pos;
  try {
    const d = inner.decode(win, name, scope, env);
    if (!env.tree) {
      if (win.remaining > 0 && !allowTrailing) env.failures++;
      return d;
    }
    if (win.remaining > 0) {
      if (!allowTrailing) env.failures++;
      const trail: DecodedNode = {
        name: allowTrailing ? 'Padding' : 'TrailingBytes',
        offset: win.pos,
        length: win.remaining,
      };
      if (!allowTrailing) trail.error = `${win.remaining} byte(s) after ${name} not described by the structure`;
      const node: DecodedNode = d.node.children
        ? { ...d.node, children: [...d.node.children, trail], length: win.end - start }
        : { name, offset: start, length: win.end - start, children: [{ ...d.node, name: inner.kind }, trail] };
      return { value: d.value, node };
    }
    return d;
  } catch (err) {
    env.failures++;
    if (!env.tree) return { value: undefined, node: NO_NODE };
    const e = asDecodeError(err, win.pos);
    const node = e.partial ?? errorLeaf(name, e, win.end);
    if (e.partial) {
      node.length = win.end - start;
    }
    return { value: undefined, node };
  }
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
    { type: 'window', inner: () => (c ??= make()) as Codec<unknown> },
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
    { type: 'window', inner: () => spec.inner as Codec<unknown>, payload: true },
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
  context?: DecodeContext;
  bufferId?: string;
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
