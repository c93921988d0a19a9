/**
 * Message and attachment ROPs: [MS-OXCROPS] 2.2.6, semantics [MS-OXCMSG] 2.2.3.
 */
import {
  type DecodeEnv,
  type EncodeEnv,
  type FieldDef,
  type Scope,
  array,
  bytes,
  field,
  sized,
  struct,
  u8,
  u16,
  u32,
} from '../../codec/index.js';
import { recipientRow } from '../oxcdata/recipient.js';
import { propertyTag } from '../oxcdata/types.js';
import { bool8, countedList, flags8, flags32, folderIdCodec, messageIdCodec, typedString } from './common.js';
import { contextual, logonFlagsOf, recipientColumns } from './context.js';
import { type RopDefinition, defineRop } from './define.js';

export const MessageOpenModeFlags = { ReadWrite: 0x01, BestAccess: 0x03, OpenSoftDeleted: 0x04 } as const;
export const EmbeddedOpenModeFlags = { ReadWrite: 0x01, Create: 0x02 } as const;
export const AttachmentOpenFlags = { ReadWrite: 0x01, BestAccess: 0x03 } as const;
export const SaveFlags = { KeepOpenReadOnly: 0x01, KeepOpenReadWrite: 0x02, ForceSave: 0x04 } as const;
/** [MS-OXCMSG] 2.2.3.11.1 ReadFlags. */
export const ReadFlags = {
  rfSuppressReceipt: 0x01,
  rfClearReadFlag: 0x04,
  rfGenerateReceiptOnly: 0x10,
  rfClearNotifyRead: 0x20,
  rfClearNotifyUnread: 0x40,
} as const;
/** [MS-OXCMSG] 2.2.3.8.1 MessageStatusFlags. */
export const MessageStatusFlags = {
  msHighlighted: 0x0001,
  msTagged: 0x0002,
  msHidden: 0x0004,
  msDelMarked: 0x0008,
  msInConflict: 0x0800,
  msRemoteDownload: 0x1000,
  msRemoteDelete: 0x2000,
} as const;
/** [MS-OXCMSG] 2.2.3.1.2 RecipientType: low nibble the type, high bits flags. */
export const RecipientTypeBits = {
  To: 0x01,
  Cc: 0x02,
  Bcc: 0x03,
  DeliveryFailed: 0x10,
  DeliverySucceeded: 0x80,
} as const;
const recipientType = flags8(RecipientTypeBits);
export const AttachmentTableFlags = { Unicode: 0x40 } as const;

/** A RecipientRow over columns sent in the same response (RopOpenMessage and relatives). */
const sameResponseRow = recipientRow((s) => s.get('RecipientColumns') as readonly number[] | undefined);

/** [MS-OXCROPS] 2.2.6.1.2.1 OpenRecipientRow. */
const openRecipientRow = struct('OpenRecipientRow', [
  field('RecipientType', recipientType),
  field('CodePageId', u16),
  field('Reserved', u16),
  field('RecipientRowSize', u16, { derive: (_v, h) => h.sizeOf('RecipientRow') }),
  field('RecipientRow', sized(sameResponseRow, 'RecipientRowSize')),
]);

/**
 * Success body shared by RopOpenMessage, RopReloadCachedInformation and
 * RopOpenEmbeddedMessage: subject parts and the first recipients.
 */
const messageHeader: FieldDef[] = [
  field('HasNamedProperties', bool8),
  field('SubjectPrefix', typedString),
  field('NormalizedSubject', typedString),
  field('RecipientCount', u16, { doc: 'Total number of recipients of the message.' }),
  ...countedList('ColumnCount', 'RecipientColumns', propertyTag, 'PropertyTag'),
  field('RowCount', u8, {
    derive: (v) => (v.RecipientRows as unknown[]).length,
    doc: 'Recipients in this response; RopReadRecipients fetches the rest.',
  }),
  field('RecipientRows', array(openRecipientRow, 'RowCount', { item: 'OpenRecipientRow' })),
];

export const ropOpenMessage = defineRop({
  id: 0x03,
  name: 'RopOpenMessage',
  specRef: 'MS-OXCROPS 2.2.6.1',
  handles: 'in-out',
  request: [
    field('CodePageId', u16, { doc: "Code page of 8-bit strings; 0x0FFF means the logon's." }),
    field('FolderId', folderIdCodec),
    field('OpenModeFlags', flags8(MessageOpenModeFlags)),
    field('MessageId', messageIdCodec),
  ],
  response: messageHeader,
});

export const ropCreateMessage = defineRop({
  id: 0x06,
  name: 'RopCreateMessage',
  specRef: 'MS-OXCROPS 2.2.6.2',
  handles: 'in-out',
  request: [
    field('CodePageId', u16),
    field('FolderId', folderIdCodec),
    field('AssociatedFlag', bool8, { doc: 'Create a folder associated information (FAI) message.' }),
  ],
  response: [
    field('HasMessageId', bool8),
    field('MessageId', messageIdCodec, { when: (s) => s.num('HasMessageId') !== 0 }),
  ],
});

export const ropSaveChangesMessage = defineRop({
  id: 0x0c,
  name: 'RopSaveChangesMessage',
  specRef: 'MS-OXCROPS 2.2.6.3',
  handles: 'resp-in',
  request: [field('SaveFlags', flags8(SaveFlags))],
  response: [field('InputHandleIndex', u8), field('MessageId', messageIdCodec)],
});

export const ropRemoveAllRecipients = defineRop({
  id: 0x0d,
  name: 'RopRemoveAllRecipients',
  specRef: 'MS-OXCROPS 2.2.6.4',
  request: [field('Reserved', u32)],
  response: [],
});

/** A RecipientRow over the RecipientColumns of the same request. */
const modifyRow = recipientRow((s) => s.get('RecipientColumns') as readonly number[] | undefined);

/** [MS-OXCROPS] 2.2.6.5.1.1 ModifyRecipientRow: a size of 0 removes the row. */
const modifyRecipientRow = struct('ModifyRecipientRow', [
  field('RowId', u32),
  field('RecipientType', recipientType),
  field('RecipientRowSize', u16, { derive: (v, h) => (v.RecipientRow === undefined ? 0 : h.sizeOf('RecipientRow')) }),
  field('RecipientRow', sized(modifyRow, 'RecipientRowSize'), { when: (s) => s.num('RecipientRowSize') !== 0 }),
]);

export const ropModifyRecipients = defineRop({
  id: 0x0e,
  name: 'RopModifyRecipients',
  specRef: 'MS-OXCROPS 2.2.6.5',
  request: [
    ...countedList('ColumnCount', 'RecipientColumns', propertyTag, 'PropertyTag'),
    ...countedList('RowCount', 'RecipientRows', modifyRecipientRow, 'ModifyRecipientRow'),
  ],
  response: [],
});

/** Columns of the message being read: not repeated in RopReadRecipients, so taken from context. */
const readRow = contextual(
  'RecipientRow',
  (s: Scope, env: DecodeEnv | EncodeEnv) => recipientColumns(s, env, s.num('InputHandleIndex')),
  (cols) => recipientRow(cols),
);

/** [MS-OXCROPS] 2.2.6.6.2.1 ReadRecipientRow. */
const readRecipientRow = struct('ReadRecipientRow', [
  field('RowId', u32),
  field('RecipientType', recipientType),
  field('CodePageId', u16),
  field('Reserved', u16),
  field('RecipientRowSize', u16, { derive: (_v, h) => h.sizeOf('RecipientRow') }),
  field('RecipientRow', sized(readRow, 'RecipientRowSize')),
]);

export const ropReadRecipients = defineRop({
  id: 0x0f,
  name: 'RopReadRecipients',
  specRef: 'MS-OXCROPS 2.2.6.6',
  request: [field('RowId', u32, { doc: 'First recipient row to read.' }), field('Reserved', u16)],
  response: countedList('RowCount', 'RecipientRows', readRecipientRow, 'ReadRecipientRow', { countCodec: u8 }),
});

export const ropReloadCachedInformation = defineRop({
  id: 0x10,
  name: 'RopReloadCachedInformation',
  specRef: 'MS-OXCROPS 2.2.6.7',
  request: [field('Reserved', u16)],
  response: messageHeader,
});

export const ropSetMessageStatus = defineRop({
  id: 0x20,
  name: 'RopSetMessageStatus',
  specRef: 'MS-OXCROPS 2.2.6.8',
  request: [
    field('MessageId', messageIdCodec),
    field('MessageStatusFlags', flags32(MessageStatusFlags)),
    field('MessageStatusMask', flags32(MessageStatusFlags), { doc: 'Which status bits to change.' }),
  ],
  response: [field('MessageStatusFlags', flags32(MessageStatusFlags), { doc: 'The status before the change.' })],
});

/** Answered with RopId 0x20, the response of RopSetMessageStatus ([MS-OXCROPS] 2.2.6.9.2). */
export const ropGetMessageStatus = defineRop({
  id: 0x1f,
  name: 'RopGetMessageStatus',
  specRef: 'MS-OXCROPS 2.2.6.9',
  responseId: 0x20,
  request: [field('MessageId', messageIdCodec)],
  response: [field('MessageStatusFlags', flags32(MessageStatusFlags))],
});

const partialCompletion: FieldDef[] = [field('PartialCompletion', bool8)];

export const ropSetReadFlags = defineRop({
  id: 0x66,
  name: 'RopSetReadFlags',
  specRef: 'MS-OXCROPS 2.2.6.10',
  request: [
    field('WantAsynchronous', bool8),
    field('ReadFlags', flags8(ReadFlags)),
    ...countedList('MessageIdCount', 'MessageIds', messageIdCodec, 'MessageId'),
  ],
  response: partialCompletion,
  failure: partialCompletion,
  failureOptional: true,
});

/** ClientData is sent only for public-folder logons ([MS-OXCROPS] 2.2.6.11.1), so the logon's flags decide. */
const clientDataMaybe = (s: Scope, env: DecodeEnv | EncodeEnv): boolean => {
  const f = logonFlagsOf(s, env, s.num('LogonId'));
  return !f.ok || (f.value & 0x01) === 0;
};

export const ropSetMessageReadFlag = defineRop({
  id: 0x11,
  name: 'RopSetMessageReadFlag',
  specRef: 'MS-OXCROPS 2.2.6.11',
  handles: 'resp-in',
  request: [
    field('ReadFlags', flags8(ReadFlags)),
    field(
      'ClientData',
      contextual(
        'ClientData',
        (s, env) => logonFlagsOf(s, env, s.num('LogonId')),
        () => bytes(24),
      ),
      { when: clientDataMaybe, doc: 'Present for public-folder logons only.' },
    ),
  ],
  response: [
    field('ReadStatusChanged', bool8),
    field('LogonId', u8, { when: (s) => s.num('ReadStatusChanged') !== 0 }),
    field('ClientData', bytes(24), { when: (s) => s.num('ReadStatusChanged') !== 0 }),
  ],
});

export const ropOpenAttachment = defineRop({
  id: 0x22,
  name: 'RopOpenAttachment',
  specRef: 'MS-OXCROPS 2.2.6.12',
  handles: 'in-out',
  request: [field('OpenAttachmentFlags', flags8(AttachmentOpenFlags)), field('AttachmentID', u32)],
  response: [],
});

export const ropCreateAttachment = defineRop({
  id: 0x23,
  name: 'RopCreateAttachment',
  specRef: 'MS-OXCROPS 2.2.6.13',
  handles: 'in-out',
  request: [],
  response: [field('AttachmentID', u32)],
});

export const ropDeleteAttachment = defineRop({
  id: 0x24,
  name: 'RopDeleteAttachment',
  specRef: 'MS-OXCROPS 2.2.6.14',
  request: [field('AttachmentID', u32)],
  response: [],
});

export const ropSaveChangesAttachment = defineRop({
  id: 0x25,
  name: 'RopSaveChangesAttachment',
  specRef: 'MS-OXCROPS 2.2.6.15',
  handles: 'resp-in',
  request: [field('SaveFlags', flags8(SaveFlags))],
  response: [],
});

export const ropOpenEmbeddedMessage = defineRop({
  id: 0x46,
  name: 'RopOpenEmbeddedMessage',
  specRef: 'MS-OXCROPS 2.2.6.16',
  handles: 'in-out',
  request: [field('CodePageId', u16), field('OpenModeFlags', flags8(EmbeddedOpenModeFlags))],
  response: [field('Reserved', u8), field('MessageId', messageIdCodec), ...messageHeader],
});

export const ropGetAttachmentTable = defineRop({
  id: 0x21,
  name: 'RopGetAttachmentTable',
  specRef: 'MS-OXCROPS 2.2.6.17',
  handles: 'in-out',
  request: [field('TableFlags', flags8(AttachmentTableFlags))],
  response: [],
});

/**
 * AttachmentIdCount is 2 bytes as in MAPI Inspector and OpenChange; some
 * spec versions print 4 (ROPS.md 2.2.D ⚠).
 */
export const ropGetValidAttachments = defineRop({
  id: 0x52,
  name: 'RopGetValidAttachments',
  specRef: 'MS-OXCROPS 2.2.6.18',
  request: [],
  response: countedList('AttachmentIdCount', 'AttachmentIdArray', u32, 'AttachmentId'),
});

export const messageRops: readonly RopDefinition[] = [
  ropOpenMessage,
  ropCreateMessage,
  ropSaveChangesMessage,
  ropRemoveAllRecipients,
  ropModifyRecipients,
  ropReadRecipients,
  ropReloadCachedInformation,
  ropSetMessageStatus,
  ropGetMessageStatus,
  ropSetReadFlags,
  ropSetMessageReadFlag,
  ropOpenAttachment,
  ropCreateAttachment,
  ropDeleteAttachment,
  ropSaveChangesAttachment,
  ropOpenEmbeddedMessage,
  ropGetAttachmentTable,
  ropGetValidAttachments,
];
