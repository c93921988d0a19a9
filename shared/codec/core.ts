/**
 * What the structure layer's interpreter (codec.ts) and its code generator
 * (compile.ts) share: the Codec interface, the scope, the decode and encode
 * environments, the values-only node, the error leaves and the window decoder
 * that both fall back on.
 */
import type { DecodedNode, NodeValue } from './node.js';
import { DecodeError, Reader } from './reader.js';
import type { Writer } from './writer.js';

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
    const counters = (this.counters ??= new Map<string, number>());
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
export const NO_NODE: DecodedNode = Object.defineProperties(
  { name: '', offset: 0, length: 0 },
  {
    name: { get: () => '', set() {}, enumerable: true },
    offset: { get: () => 0, set() {}, enumerable: true },
    length: { get: () => 0, set() {}, enumerable: true },
    value: { get: () => undefined, set() {}, enumerable: true },
    display: { get: () => undefined, set() {}, enumerable: true },
    buffer: { get: () => undefined, set() {}, enumerable: true },
    children: { get: () => undefined, set() {}, enumerable: true },
    error: { get: () => undefined, set() {}, enumerable: true },
    generated: { get: () => undefined, set() {}, enumerable: true },
  },
);

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

/** One named field of a struct; `N` and `T` (its name and decoded value type) are for `ValueOfFields`. */
export interface FieldDef<N extends string = string, T = unknown> {
  readonly name: N;
  readonly codec: Codec<unknown>;
  readonly opts: FieldOptions;
  /** Type-level only, never set: the value the field decodes to. */
  readonly valueType?: T;
}

/** The decoded value of a field list: one property per field, typed by its codec (index signature for untyped names). */
export type ValueOfFields<F extends readonly FieldDef[]> = {
  [D in F[number] as D['name']]: D extends FieldDef<string, infer T> ? T : unknown;
};

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

export function spanOf(node: DecodedNode, start: number, pos: number): number {
  let end = pos;
  for (const c of node.children ?? []) if (!c.generated) end = Math.max(end, c.offset + c.length);
  return end - start;
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

/**
 * Gives `c` the decoder `compile()` makes (see compile.ts) from its second
 * decode on; `interpreted` serves the first (codecs made for one decode, such
 * as rows over a table's columns, are never compiled) and every decode where
 * code generation is unavailable. Callers that copied `c.decode` keep
 * reaching the chosen decoder.
 */
export function compiledOnReuse<T>(
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

/** A count: a constant, the name of an earlier field, or computed from the scope. */
export type CountSpec = number | string | ((s: Scope, env: DecodeEnv) => number);
export type SizeSpec = CountSpec;

/** The default node value of a leaf: the decoded value itself. */
export const SAME_VALUE = (v: unknown): NodeValue => v as NodeValue;
