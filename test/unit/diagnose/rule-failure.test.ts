/** A rule that throws never hides the others: both diagnosis entry points turn it into one info finding. */
import { describe, expect, it } from 'vitest';
import { type Finding, type Rule, diagnose } from '../../../shared/diagnose/index.js';
import { type TwoSidedInput, type TwoSidedRule, diagnoseTwoSided } from '../../../shared/diagnose/server/index.js';

const found: Finding = { rule: 'ok', severity: 'warning', title: 'T', message: 'M', fix: 'F', evidence: [2] };
const throwing = {
  id: 'boom',
  description: 'throws',
  run: (): Finding[] => {
    throw new Error('bad state');
  },
};
const fine = { id: 'ok', description: 'finds one', run: (): Finding[] => [found] };

describe('a failing diagnosis rule', () => {
  it('diagnose: one info finding names the rule and its error, the other rules still run', () => {
    const out = diagnose({ sessions: [], facts: [] }, { rules: [throwing, fine] as Rule[] });
    expect(out).toEqual([
      {
        rule: 'boom',
        severity: 'info',
        title: 'Diagnosis rule failed',
        message: 'The boom rule failed on this capture: bad state',
        fix: 'Report this as a MapiScope bug with the capture.',
        evidence: [],
      },
      found,
    ]);
  });

  it('diagnoseTwoSided: the same, in rule order, asking for the capture and logs', () => {
    const input = { sessions: [], facts: [] } as unknown as TwoSidedInput;
    const out = diagnoseTwoSided(input, [fine, throwing] as TwoSidedRule[]);
    expect(out).toEqual([
      found,
      {
        rule: 'boom',
        severity: 'info',
        title: 'Diagnosis rule failed',
        message: 'The boom rule failed: bad state',
        fix: 'Report this as a MapiScope bug with the capture and logs.',
        evidence: [],
      },
    ]);
  });
});
