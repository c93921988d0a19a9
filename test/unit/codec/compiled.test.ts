/**
 * Compiled decoders (shared/codec/compile.ts) must do exactly what the
 * interpreter does: the same trees (names, offsets, displays, error nodes),
 * values, failures and unparsed bytes, on every real body and on mutated
 * ones. Each mode gets its own module instances, so every codec is first
 * decoded (and compiled, or not) under that mode.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DecodeContext } from '../../../shared/codec/index.js';
import { rng } from '../../reliability/fuzz-lib.js';
import { emsmdbBodyFixtures, fixture } from '../protocol/transport-helpers.js';

type DecodeModule = typeof import('../../../shared/protocol/decode-exchange.js');

async function loadWith(codeGeneration: boolean): Promise<{ m: DecodeModule; compiled: () => number }> {
  vi.resetModules();
  const compile = await import('../../../shared/codec/compile.js');
  compile.setCodeGeneration(codeGeneration);
  const m = await import('../../../shared/protocol/decode-exchange.js');
  return { m, compiled: compile.compiledCodecs };
}

/** Real bodies plus seeded mutations (bit flips, truncations, overwrites) of each. */
function inputs(): { name: string; requestType: string; direction: 'request' | 'response'; bytes: Uint8Array }[] {
  const next = rng(20261201);
  const out: ReturnType<typeof inputs> = [];
  for (const f of emsmdbBodyFixtures()) {
    const bytes = fixture(f.file);
    out.push({ name: f.file, requestType: f.requestType, direction: f.direction, bytes });
    for (let k = 0; k < 6; k++) {
      const b = new Uint8Array(bytes);
      if (k % 3 === 0) out.push({ ...f, name: `${f.file} cut`, bytes: b.subarray(0, next() % (b.length + 1)) });
      else {
        for (let i = 0, n = 1 + (next() % 4); i < n && b.length; i++) b[next() % b.length] = next() & 0xff;
        out.push({ ...f, name: `${f.file} mutated`, bytes: b });
      }
    }
  }
  return out;
}

/** Everything a body decode gives, as plain data (Uint8Arrays included). */
function snapshot(m: DecodeModule, list: ReturnType<typeof inputs>, tree: boolean) {
  return list.map((x) => {
    let context: DecodeContext = {};
    if (x.direction === 'response' && x.requestType === 'Execute') {
      const reqFile = x.name.split(' ')[0]!.replace('_resp', '_req').replace('.response.bin', '.request.bin');
      try {
        const bufs = m.ropBuffersOf(m.decodeBody('Execute', 'request', fixture(reqFile)).value);
        context = bufs.length === 1 ? { execRequest: bufs[0] } : bufs.length ? { execRequest: bufs } : {};
      } catch {
        // no request fixture beside this response
      }
    }
    const d = m.decodeBody(x.requestType, x.direction, x.bytes, context, { tree });
    return {
      name: x.name,
      tree: d.tree,
      value: d.value,
      errors: d.errors,
      unparsed: d.unparsedBytes,
      rops: d.rops,
      metaTags: d.metaTags,
    };
  });
}

describe('compiled decoders', () => {
  it('give the same trees, values and errors as the interpreter on real and mutated bodies', async () => {
    const list = inputs();
    expect(list.length).toBeGreaterThan(700);

    const interp = await loadWith(false);
    const a = snapshot(interp.m, list, true);
    const av = snapshot(interp.m, list, false);
    expect(interp.compiled()).toBe(0);

    const gen = await loadWith(true);
    const b = snapshot(gen.m, list, true);
    const bv = snapshot(gen.m, list, false);
    // Code generation is available under Node: the structs were compiled.
    expect(gen.compiled()).toBeGreaterThan(20);

    let withErrors = 0;
    for (let i = 0; i < list.length; i++) {
      expect(b[i], list[i]!.name).toEqual(a[i]);
      expect(bv[i], `${list[i]!.name} values only`).toEqual(av[i]);
      if (a[i]!.errors.length) withErrors++;
    }
    // The mutations reach the failure paths (error nodes, partial trees), not only the happy one.
    expect(withErrors).toBeGreaterThan(100);
  });
});
