import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../../shared/codec/index.js';
import {
  ropGetRulesTable,
  ropModifyRules,
  ropUpdateDeferredActionMessages,
  ruleRops,
} from '../../../../shared/protocol/rops/rule.js';
import { child, executeRopBuffer, hexOf, layout, roundTrip } from './rop-helpers.js';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${p}`, import.meta.url)));

describe('RopGetRulesTable', () => {
  it('T17/T18 ([MS-OXORULE] 4.2.1, 4.2.2): Unicode table flag, bare success response', () => {
    const q = roundTrip(ropGetRulesTable.request, '3F 00 00 01 40');
    expect(q.value).toEqual({ RopId: 0x3f, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0x40 });
    expect(q.tree.children![4]!.display).toBe('0x40 (Unicode)');
    const r = roundTrip(ropGetRulesTable.response, '3F 01 00 00 00 00');
    expect(r.value).toEqual({ RopId: 0x3f, OutputHandleIndex: 1, ReturnValue: 0 });
  });

  it('real capture (gromox-ruler 008): LogonId 0x0C, answered with ecNullObject', () => {
    const q = executeRopBuffer(fixture('gromox-ruler/cap1/008-mapi-emsmdb-Execute.request.bin'), 'request');
    const r = executeRopBuffer(fixture('gromox-ruler/cap1/008-mapi-emsmdb-Execute.response.bin'), 'response');
    expect(roundTrip(ropGetRulesTable.request, hexOf(q.rops.subarray(0, 5))).value).toMatchObject({
      LogonId: 0x0c,
      TableFlags: 0x40,
    });
    expect(roundTrip(ropGetRulesTable.response, hexOf(r.rops.subarray(0, 6))).value).toEqual({
      RopId: 0x3f,
      OutputHandleIndex: 1,
      ReturnValue: 0x4b9,
    });
  });
});

describe('RopModifyRules', () => {
  it('real capture (gromox-ruler 031): one added rule with condition and actions', () => {
    const q = executeRopBuffer(fixture('gromox-ruler/cap1/031-mapi-emsmdb-Execute.request.bin'), 'request');
    const { value, tree } = roundTrip(ropModifyRules.request, hexOf(q.rops));
    expect(value).toMatchObject({ LogonId: 0x0c, InputHandleIndex: 0, ModifyRulesFlags: 0, RulesCount: 1 });
    const rule = (
      value.RulesData as { RuleDataFlags: number; PropertyValues: { PropertyTag: number; PropertyValue: unknown }[] }[]
    )[0]!;
    expect(rule.RuleDataFlags).toBe(1);
    expect(rule.PropertyValues.map((p) => p.PropertyTag)).toEqual([
      0x6682001f, // PidTagRuleName
      0x66760003, // PidTagRuleSequence
      0x66770003, // PidTagRuleState
      0x667900fd, // PidTagRuleCondition
      0x668000fe, // PidTagRuleActions
      0x6681001f, // PidTagRuleProvider
      0x66830003, // PidTagRuleLevel
      0x66840102, // PidTagRuleProviderData
    ]);
    expect(rule.PropertyValues[0]!.PropertyValue).toBe('TestRule');
    expect(rule.PropertyValues[3]!.PropertyValue).toMatchObject({
      RestrictType: 3,
      FuzzyLevelLow: 1,
      FuzzyLevelHigh: 1,
      PropertyTag: 0x0037001f,
      TaggedValue: { PropertyTag: 0x0037001f, PropertyValue: 'ZZTrigger' },
    });
    expect(rule.PropertyValues[4]!.PropertyValue).toMatchObject({ NoOfActions: 1 });
    expect(rule.PropertyValues[5]!.PropertyValue).toBe('RuleOrganizer');
    const data = child(tree, 'RulesData')!;
    expect(data).toMatchObject({ offset: 6, length: 348 });
    expect(layout(data.children![0]).slice(0, 2)).toEqual([
      ['RuleDataFlags', 6, 1],
      ['PropertyValueCount', 7, 2],
    ]);
    expect(data.children![0]!.display).toBe('ROW_ADD, 8 value(s)');
  });

  it('response: header only; the real one is ecNullObject', () => {
    expect(roundTrip(ropModifyRules.response, '41 00 b9 04 00 00').value.ReturnValue).toBe(0x4b9);
  });

  it('builds a ROW_REMOVE change from a value (counts derived)', () => {
    const v = {
      LogonId: 0,
      InputHandleIndex: 1,
      ModifyRulesFlags: 0,
      RulesData: [{ RuleDataFlags: 4, PropertyValues: [{ PropertyTag: 0x66740014, PropertyValue: 5n }] }],
    };
    const b = encode(ropModifyRules.request!, v);
    expect(hexOf(b)).toBe('41 00 01 00 01 00 04 01 00 14 00 74 66 05 00 00 00 00 00 00 00');
    roundTrip(ropModifyRules.request, hexOf(b));
  });
});

describe('RopUpdateDeferredActionMessages', () => {
  it('two sized entry ids', () => {
    const { value, tree } = roundTrip(ropUpdateDeferredActionMessages.request, '57 00 01 0200 AA BB 0300 01 02 03');
    expect(value).toMatchObject({
      ServerEntryIdSize: 2,
      ClientEntryIdSize: 3,
      ClientEntryId: new Uint8Array([1, 2, 3]),
    });
    expect(layout(tree).slice(3)).toEqual([
      ['ServerEntryIdSize', 3, 2],
      ['ServerEntryId', 5, 2],
      ['ClientEntryIdSize', 7, 2],
      ['ClientEntryId', 9, 3],
    ]);
    roundTrip(ropUpdateDeferredActionMessages.response, '57 01 00000000');
    expect(ruleRops.map((d) => d.id)).toEqual([0x41, 0x3f, 0x57]);
  });
});
