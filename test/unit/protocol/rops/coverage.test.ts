import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageRows } from './coverage-table.js';

describe('ROP coverage table', () => {
  const rows = coverageRows();
  it('every registered RopId has at least one test file and a family file', () => {
    expect(rows).toHaveLength(132);
    expect(rows.filter((r) => r.tests.length === 0).map((r) => r.name)).toEqual([]);
    expect(rows.filter((r) => r.family === '?').map((r) => r.name)).toEqual([]);
  });
  it('COVERAGE.md lists every RopId', () => {
    const md = readFileSync(new URL('../../../../shared/protocol/rops/COVERAGE.md', import.meta.url), 'utf8');
    for (const r of rows) expect(md).toContain(`| ${r.name} | ${r.specRef} |`);
  });
});
