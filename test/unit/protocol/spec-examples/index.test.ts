/**
 * The transcribed spec examples as a set: every file parses (printed offsets
 * agree with the bytes), is decoded by a spec-example test, and every example
 * recorded as truncated or inconsistent is explained in the README; and every
 * printed request/response pair decodes through the ROP buffer walker as in
 * an Execute body.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type StructValue, collectErrors, decode, unclaimedBytes } from '../../../../shared/codec/index.js';
import {
  decodeRopRequestBuffer,
  decodeRopResponseBuffer,
  encodeRopResponseBuffer,
} from '../../../../shared/protocol/rops/buffer.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { SPEC_EXAMPLES_DIR, type SpecExample, allSpecExamples, asRopBuffer, parseSpecExample } from './spec-example.js';

const HERE = new URL('.', import.meta.url);

describe('spec example fixtures', () => {
  const all = allSpecExamples();
  it('every file parses, with a spec, section, title and address', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const ex of all) {
      expect(ex.file.startsWith(`${ex.spec.toLowerCase()}/`), ex.file).toBe(true);
      expect(ex.file.split('/')[1]!.startsWith(`${ex.section}-`), ex.file).toBe(true);
      expect(ex.url).toMatch(/^https?:\/\//);
    }
  });
  it('every file is decoded by a spec-example test', () => {
    const tests = readdirSync(HERE)
      .filter((f) => f.endsWith('.test.ts') && f !== 'index.test.ts')
      .map((f) => readFileSync(new URL(f, HERE), 'utf8'))
      .join('\n');
    const untested = all.filter((ex) => !tests.includes(ex.file.split('/')[1]!)).map((ex) => ex.file);
    expect(untested).toEqual([]);
  });
  it('the README explains every truncated or inconsistent example', () => {
    const readme = readFileSync(join(SPEC_EXAMPLES_DIR, 'README.md'), 'utf8');
    for (const ex of all.filter((e) => e.status !== 'complete')) expect(readme, ex.file).toContain(ex.file);
  });
  it('the reader rejects a misnumbered line, a stray token and a missing header', () => {
    const head = '# spec: MS-X\n# section: 4\n# title: t\n# url: https://x\n# kind: other\n';
    expect(parseSpecExample('a', `${head}0000: 01 02\n0002: 03`).bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => parseSpecExample('a', `${head}0000: 01 02\n0003: 03`)).toThrow(/printed offset 0x0003 but 2 bytes/);
    expect(() => parseSpecExample('a', `${head}0000: 01 0g`)).toThrow(/not a byte/);
    expect(() => parseSpecExample('a', '# spec: MS-X\n0000: 01')).toThrow(/missing "# section:"/);
    expect(() => parseSpecExample('a', `${head}0000: 01 ...`)).toThrow(/status complete but the dump ends/);
  });
});

describe('spec example pairs through the ROP buffer walker', () => {
  // A request and a response printed in the same section (4.1.1 / 4.1.2, or 4.1-a / 4.1-b) for the same RopId
  // are wrapped in ROP buffers and decoded the way an Execute body is: the response paired with its request.
  const all = allSpecExamples().filter((e) => e.status !== 'truncated');
  const group = (e: SpecExample) => `${e.spec} ${e.section.split('.').slice(0, 2).join('.')}`;
  const pairs: [SpecExample, SpecExample][] = [];
  for (const r of all.filter((e) => e.kind === 'rop-response')) {
    const q = all.find((e) => e.kind === 'rop-request' && group(e) === group(r) && e.bytes[0] === r.bytes[0]);
    // A response whose layout needs more than its request (RopQueryRows needs the RopSetColumns of the same call)
    // is decoded in its spec's own test, with the whole call.
    const alone = decode(ropsById.get(r.bytes[0]!)!.response!, r.bytes);
    if (q && collectErrors(alone.tree).length === 0) pairs.push([q, r]);
  }
  it('finds the printed pairs', () => {
    expect(pairs.map(([q, r]) => `${q.file} → ${r.file}`).length).toBeGreaterThanOrEqual(10);
  });
  for (const [q, r] of pairs)
    it(`${q.file} → ${r.file}`, () => {
      // The specs print no handle tables for these snippets; 8 placeholder handles cover every index they use.
      const handles = Array.from({ length: 8 }, (_, i) => 0x100 + i);
      const input = asRopBuffer(q.bytes, handles);
      const output = asRopBuffer(r.bytes, handles);
      const qd = decodeRopRequestBuffer(input);
      expect(collectErrors(qd.tree)).toEqual([]);
      const rd = decodeRopResponseBuffer(output, { execRequest: qd.value });
      expect(collectErrors(rd.tree)).toEqual([]);
      expect(unclaimedBytes(rd.tree, 'body', output.length)).toBe(0);
      const def = ropsById.get(r.bytes[0]!)!;
      expect((rd.value!.RopsList as StructValue[])[0]).toEqual(decode(def.response!, r.bytes).value);
      expect(encodeRopResponseBuffer(rd.value!, qd.value)).toEqual(output);
    });
});
