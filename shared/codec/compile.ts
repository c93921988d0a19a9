/**
 * The code generator: compiled decoders. The combinators in codec.ts interpret their definitions:
 * one `struct` decode function serves every struct, so V8 sees every field
 * store and every nested `decode` call from one site (megamorphic, never
 * inlined). Where the platform allows code generation (Node, a worker
 * without a CSP) a definition is compiled once, at its first decode, into a
 * function of its own: field names become constant property keys and each
 * nested codec is called from its own site, which V8 can inline.
 *
 * The generated code does exactly what the interpreter does (same values,
 * nodes, failure counts and error nodes; the tests run both). Where `new
 * Function` is refused (a renderer under a strict CSP) or switched off with
 * `setCodeGeneration(false)`, the interpreter is used and nothing changes.
 * Only names from our own definitions reach the generated source, quoted by
 * JSON.stringify; bytes being decoded never do.
 */

import type { NodeValue } from './node.js';
import {
  type Codec,
  type DecodeEnv,
  type FieldOptions,
  type SizeSpec,
  type StructOptions,
  type StructValue,
  NO_NODE,
  SAME_VALUE,
  Scope,
  asDecodeError,
  decodeWindow,
  errorLeaf,
  spanOf,
} from './core.js';
import type { Reader } from './reader.js';

let allowed: boolean | undefined;
let compiledCount = 0;

/** Switch compiled decoders on or off (default: on where `new Function` works). Applies to codecs not yet compiled. */
export function setCodeGeneration(on: boolean): void {
  allowed = on ? undefined : false;
}

/** Whether generated code can run here; probed once, at the first compile. */
export function codeGenerationAvailable(): boolean {
  if (allowed === undefined) {
    try {
      allowed = new Function('return 1')() === 1;
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

/**
 * Builds a function from `body` with `names` bound to `values`. The source
 * carries a unique comment, so no two compiled codecs share V8's type
 * feedback through its compilation cache. Undefined when code generation is
 * unavailable or the source does not compile.
 */
export function generate<F>(
  label: string,
  names: readonly string[],
  values: readonly unknown[],
  body: string,
): F | undefined {
  if (!codeGenerationAvailable()) return undefined;
  try {
    const id = ++compiledCount;
    const src = `"use strict";\n// ${label.replace(/[^\w\s\-[\]<>.:]/g, '_')} #${id}\n${body}`;
    return new Function(...names, src)(...values) as F;
  } catch {
    return undefined;
  }
}

/** Number of codecs compiled so far (for tests and the bench). */
export function compiledCodecs(): number {
  return compiledCount;
}

/** A JavaScript string literal for `s`. */
export const lit = (s: string): string => JSON.stringify(s);

/** The leaf decoder above, generated for one leaf (its own call sites for `read`, `show` and `toNodeValue`). */
export function compileLeaf<T>(
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

/**
 * The struct decoder above, generated for one definition (tree and values-only
 * modes): the same steps, field by field, with constant names and one call
 * site per field codec. Undefined when code generation is unavailable.
 */
export function compileStruct(
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

/**
 * `sized`'s decoder generated for one window: values-only decodes call
 * `inner` from a site of their own (decodeWindow's values path, inlined);
 * tree decodes go through decodeWindow as before.
 */
export function compileSized<T>(
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
