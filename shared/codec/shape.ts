/**
 * What a codec is made of, for tools that read the definitions rather than
 * bytes (the filter field registry, documentation). The combinators record
 * their parts here when they are made; a codec without a shape is opaque
 * (a leaf, or a custom layout).
 */
import type { Codec, FieldDef } from './core.js';

export type CodecShape =
  | { readonly type: 'struct'; readonly fields: () => readonly FieldDef[] }
  /** Items of one codec (counted or to the end of the window). */
  | { readonly type: 'array'; readonly item: Codec<unknown> }
  /** A window or transformed payload around one codec; the value is the inner one's (a payload's under `value`). */
  | { readonly type: 'window'; readonly inner: () => Codec<unknown>; readonly payload?: boolean }
  /** One of several layouts, chosen at decode time. */
  | { readonly type: 'choice'; readonly cases: () => readonly Codec<unknown>[] }
  /** A number shown by name. */
  | { readonly type: 'enum'; readonly names: Readonly<Record<number, string>> }
  /** A bit set shown by flag names. */
  | { readonly type: 'flags'; readonly bits: Readonly<Record<string, number>> };

const SHAPES = new WeakMap<object, CodecShape>();

/** Records `shape` for `codec` and returns the codec. */
export function withShape<C extends Codec<unknown>>(codec: C, shape: CodecShape): C {
  SHAPES.set(codec, shape);
  return codec;
}

export function shapeOf(codec: Codec<unknown>): CodecShape | undefined {
  const s = SHAPES.get(codec);
  if (s) return s;
  const f = (codec as { fields?: readonly FieldDef[] }).fields;
  return Array.isArray(f) ? { type: 'struct', fields: () => f } : undefined;
}
