/**
 * Rule ROPs: [MS-OXCROPS] 2.2.11, semantics [MS-OXORULE] 2.2.
 *
 * Rule rows carry PidTagRuleCondition (PtypRestriction) and PidTagRuleActions
 * (PtypRuleAction) values; the TaggedPropertyValue codec of oxcdata decodes both.
 */
import { field } from '../../codec/index.js';
import { countedList, flags8, rowChange, sizedData } from './common.js';
import { type RopDefinition, defineRop } from './define.js';

export const RuleDataFlags = { ROW_ADD: 0x01, ROW_MODIFY: 0x02, ROW_REMOVE: 0x04 };

/** [MS-OXCROPS] 2.2.11.1.1.1 RuleData. */
const ruleData = rowChange(
  'RuleData',
  'RuleDataFlags',
  RuleDataFlags,
  'What to do with the rule: ROW_ADD 0x01, ROW_MODIFY 0x02, ROW_REMOVE 0x04.',
);

/** [MS-OXCROPS] 2.2.11.1 (its request heading is misnamed "RopGetRulesTable" in the spec). */
export const ropModifyRules = defineRop({
  id: 0x41,
  name: 'RopModifyRules',
  specRef: 'MS-OXCROPS 2.2.11.1',
  doc: 'Adds, changes or removes the rules of a folder.',
  request: [
    field('ModifyRulesFlags', flags8({ ReplaceRules: 0x01 }), {
      doc: 'ReplaceRules 0x01 deletes every rule before applying the changes.',
    }),
    ...countedList('RulesCount', 'RulesData', ruleData, 'RuleData', { doc: 'The rule changes.' }),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.11.2 */
export const ropGetRulesTable = defineRop({
  id: 0x3f,
  name: 'RopGetRulesTable',
  specRef: 'MS-OXCROPS 2.2.11.2',
  creates: 'table',
  handles: 'in-out',
  doc: 'Opens the rules table of a folder.',
  request: [
    field('TableFlags', flags8({ Unicode: 0x40 }), {
      doc: 'Unicode 0x40 asks for string columns in Unicode; other bits are invalid ([MS-OXORULE] 2.2.2.1).',
    }),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.11.3 */
export const ropUpdateDeferredActionMessages = defineRop({
  id: 0x57,
  name: 'RopUpdateDeferredActionMessages',
  specRef: 'MS-OXCROPS 2.2.11.3',
  doc: 'Tells the server that deferred action messages moved from one entry id to another.',
  request: [
    ...sizedData('ServerEntryIdSize', 'ServerEntryId', 'Entry id of the message on the server.'),
    ...sizedData('ClientEntryIdSize', 'ClientEntryId', 'Entry id of the message on the client.'),
  ],
  response: [],
});

export const ruleRops: readonly RopDefinition[] = [ropModifyRules, ropGetRulesTable, ropUpdateDeferredActionMessages];
