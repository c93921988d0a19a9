/**
 * The transcribed spec examples as a set: every file parses (printed offsets
 * agree with the bytes), is decoded by a spec-example test, and every example
 * recorded as truncated or inconsistent is explained in the README.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_EXAMPLES_DIR, allSpecExamples, parseSpecExample } from './spec-example.js';

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
