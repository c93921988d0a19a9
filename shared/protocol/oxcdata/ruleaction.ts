/**
 * PtypRuleAction: the RuleAction structure of [MS-OXORULE] 2.2.5. In ROP
 * context ("standard rules") NoOfActions and ActionLength are u16; in the
 * extended form they are u32. ActionLength counts ActionType through the end
 * of ActionData.
 */
import {
  type Codec,
  type StructValue,
  array,
  enumOf,
  field,
  flagsOf,
  guid,
  lazy,
  rest,
  sized,
  struct,
  switchOn,
  u16,
  u32,
  u8,
  bytes,
} from '../../codec/index.js';
import { folderId, messageId } from './ids.js';
import type { TaggedValueCodecFor } from './restriction.js';

/**
 * [MS-OXORULE] 2.2.5.1 ActionFlavor: its bits mean different things per
 * ActionType (reply: NS, ST; forward: PR, NC, AT, TM) and are 0 for the others.
 */
const replyFlavor = flagsOf(u32, { NS: 0x1, ST: 0x2 });
const actionFlavor = switchOn<number>(
  'ActionFlavor',
  (s) => s.num('ActionType'),
  { 3: replyFlavor, 4: replyFlavor, 7: flagsOf(u32, { PR: 0x1, NC: 0x2, AT: 0x4, TM: 0x8 }) },
  flagsOf(u32, {}),
);

export const ActionType: Readonly<Record<number, string>> = {
  0x01: 'OP_MOVE',
  0x02: 'OP_COPY',
  0x03: 'OP_REPLY',
  0x04: 'OP_OOF_REPLY',
  0x05: 'OP_DEFER_ACTION',
  0x06: 'OP_BOUNCE',
  0x07: 'OP_FORWARD',
  0x08: 'OP_DELEGATE',
  0x09: 'OP_TAG',
  0x0a: 'OP_DELETE',
  0x0b: 'OP_MARK_AS_READ',
};

/**
 * `ruleActionCodec(width)` over `taggedValue` (values.ts binds the two, as for restrictions):
 * [MS-OXORULE] 2.2.5 RuleAction for ROP ('rop') or extended ('nspi') count widths.
 */
export function ruleActionCodecOver(taggedValue: TaggedValueCodecFor): (width?: 'rop' | 'nspi') => Codec<StructValue> {
  const built = new Map<string, Codec<StructValue>>();
  return (width = 'rop') => {
    let c = built.get(width);
    if (!c) built.set(width, (c = lazy('RuleAction', () => make(width, taggedValue(width)), 8)));
    return c;
  };
}

function make(width: 'rop' | 'nspi', tpv: Codec<StructValue>): Codec<StructValue> {
  const cw = width === 'rop' ? u16 : u32;
  const cwSize = width === 'rop' ? 2 : 4;
  // 2.2.5.1.1 OP_MOVE / OP_COPY ActionData (standard form).
  const moveCopy = struct('MoveCopyActionData', [
    field('FolderInThisStore', u8),
    field('StoreEIDSize', u16, { derive: (v) => (v.StoreEID as Uint8Array).length }),
    field('StoreEID', bytes('StoreEIDSize')),
    field('FolderEIDSize', u16, { derive: (v) => (v.FolderEID as Uint8Array).length }),
    field('FolderEID', bytes('FolderEIDSize')),
  ]);
  // 2.2.5.1.2 OP_REPLY / OP_OOF_REPLY.
  const reply = struct('ReplyActionData', [
    field('ReplyTemplateFID', folderId),
    field('ReplyTemplateMID', messageId),
    field('ReplyTemplateGUID', guid),
  ]);
  // 2.2.5.1.3 OP_FORWARD / OP_DELEGATE: RecipientBlocks.
  const recipientBlock = struct('RecipientBlockData', [
    field('Reserved', u8),
    field('NoOfProperties', cw, { derive: (v) => (v.PropertyValues as unknown[]).length }),
    field('PropertyValues', array(tpv, 'NoOfProperties', { item: 'TaggedPropertyValue' })),
  ]);
  const forward = struct('ForwardDelegateActionData', [
    field('RecipientCount', cw, { derive: (v) => (v.RecipientBlocks as unknown[]).length }),
    field('RecipientBlocks', array(recipientBlock, 'RecipientCount', { item: 'RecipientBlockData' })),
  ]);
  const bounce = struct('BounceActionData', [
    field('BounceCode', enumOf(u32, { 0x0d: 'too large', 0x1f: 'cannot display', 0x26: 'access denied' })),
  ]);
  const tag = struct('TagActionData', [field('TaggedValue', tpv)]);
  const empty = struct('NoActionData', []);
  const data = switchOn<number>(
    'ActionData',
    (s) => s.num('ActionType'),
    { 1: moveCopy, 2: moveCopy, 3: reply, 4: reply, 6: bounce, 7: forward, 8: forward, 9: tag, 10: empty, 11: empty },
    rest,
  );
  const block = struct(
    'ActionBlock',
    [
      field('ActionLength', cw, { derive: (_v, h) => 9 + h.sizeOf('ActionData') }),
      field('ActionType', enumOf(u8, ActionType)),
      field('ActionFlavor', actionFlavor),
      field('ActionFlags', u32),
      field(
        'ActionData',
        sized(data, (s) => Math.max(0, s.num('ActionLength') - 9)),
      ),
    ],
    { summary: (v) => ActionType[v.ActionType as number] },
  );
  return struct('RuleAction', [
    field('NoOfActions', cw, { derive: (v) => (v.ActionBlocks as unknown[]).length }),
    field('ActionBlocks', array({ ...block, minSize: cwSize + 9 }, 'NoOfActions', { item: 'ActionBlock' })),
  ]);
}
