import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COVERAGE_MD, coverageMarkdown, coverageRows } from './coverage-table.js';
import { SPEC_ROP_IDS } from './spec-table.js';

describe('ROP coverage table', () => {
  const rows = coverageRows();
  it('every registered RopId has at least one test file and a family file', () => {
    expect(rows).toHaveLength(SPEC_ROP_IDS.length);
    expect(rows.filter((r) => r.tests.length + r.real.length + r.spec.length === 0).map((r) => r.name)).toEqual([]);
    expect(rows.filter((r) => r.family === '?').map((r) => r.name)).toEqual([]);
  });
  it('real bytes and spec examples are found by decoding (spot checks)', () => {
    const by = (name: string) => rows.find((r) => r.name === name)!;
    expect(by('RopLogon').real).toEqual(['request', 'response']);
    expect(by('RopModifyRecipients').real).toContain('request');
    expect(by('RopCreateFolder').spec).toEqual(['MS-OXCFOLD 4.1.1 (request)', 'MS-OXCFOLD 4.1.2 (response)']);
  });
  it('COVERAGE.md is current (regenerated here when it is not: commit the new file)', () => {
    const want = coverageMarkdown(rows);
    const have = readFileSync(COVERAGE_MD, 'utf8');
    if (have !== want) writeFileSync(COVERAGE_MD, want);
    expect(have === want, 'shared/protocol/rops/COVERAGE.md was stale and has been rewritten').toBe(true);
  });
});
