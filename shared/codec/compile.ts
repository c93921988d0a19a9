/**
 * Compiled decoders. The combinators in codec.ts interpret their definitions:
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
