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
  enumFlagsOf,
  enumOf,
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

/**
 * [MS-OXCMSG] 2.2.3.1.1 OpenModeFlags: the access in the low two bits is one
 * value (ReadOnly 0x00, ReadWrite 0x01, BestAccess 0x03), OpenSoftDeleted 0x04 a flag.
 */
const messageOpenMode = enumFlagsOf(
  u8,
  0x03,
  { 0x00: 'ReadOnly', 0x01: 'ReadWrite', 0x03: 'BestAccess' },
  {
    OpenSoftDeleted: 0x04,
  },
);
/** [MS-OXCMSG] 2.2.3.16.1 RopOpenEmbeddedMessage OpenModeFlags: one of these values. */
const EmbeddedOpenMode = { 0x00: 'ReadOnly', 0x01: 'ReadWrite', 0x02: 'Create' } as const;
/** [MS-OXCMSG] 2.2.3.12.1 OpenAttachmentFlags: one of these values. */
const AttachmentOpenMode = { 0x00: 'ReadOnly', 0x01: 'ReadWrite', 0x03: 'BestAccess' } as const;
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
/**
 * RecipientType: the low nibble is one value ([MS-OXOMSG] 2.2.3.1: 0x00
 * originator, 0x01 To, 0x02 Cc, 0x03 Bcc); the resend flags 0x10000000 and
 * 0x80000000 of that property travel here as 0x10 and 0x80.
 */
const recipientType = enumFlagsOf(
  u8,
  0x0f,
  { 0x00: 'Originator', 0x01: 'To', 0x02: 'Cc', 0x03: 'Bcc' },
  {
    Resend: 0x10,
    ResendNotNeeded: 0x80,
  },
);
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
const messageHeader = [
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
  contextEffect: 'opensRecipientColumns',
  creates: 'message',
  handles: 'in-out',
  request: [
    field('CodePageId', u16, { doc: "Code page of 8-bit strings; 0x0FFF means the logon's." }),
    field('FolderId', folderIdCodec),
    field('OpenModeFlags', messageOpenMode),
    field('MessageId', messageIdCodec),
  ],
  response: messageHeader,
});

export const ropCreateMessage = defineRop({
  id: 0x06,
  name: 'RopCreateMessage',
  specRef: 'MS-OXCROPS 2.2.6.2',
  creates: 'message',
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
  contextEffect: 'reloadsRecipientColumns',
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

/**
 * [MS-OXCROPS] 2.2.6.9.2: the response is RopSetMessageStatus's, RopId 0x20
 * (as gromox writes it); MAPI Inspector expects 0x1F, so a 0x1F response is
 * paired with the request as well.
 */
export const ropGetMessageStatus = defineRop({
  id: 0x1f,
  name: 'RopGetMessageStatus',
  specRef: 'MS-OXCROPS 2.2.6.9',
  responseId: 0x20,
  otherResponseIds: [0x1f],
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
  creates: 'attachment',
  handles: 'in-out',
  request: [field('OpenAttachmentFlags', enumOf(u8, AttachmentOpenMode)), field('AttachmentID', u32)],
  response: [],
});

export const ropCreateAttachment = defineRop({
  id: 0x23,
  name: 'RopCreateAttachment',
  specRef: 'MS-OXCROPS 2.2.6.13',
  creates: 'attachment',
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
  contextEffect: 'opensRecipientColumns',
  creates: 'message',
  handles: 'in-out',
  request: [field('CodePageId', u16), field('OpenModeFlags', enumOf(u8, EmbeddedOpenMode))],
  response: [field('Reserved', u8), field('MessageId', messageIdCodec), ...messageHeader],
});

export const ropGetAttachmentTable = defineRop({
  id: 0x21,
  name: 'RopGetAttachmentTable',
  specRef: 'MS-OXCROPS 2.2.6.17',
  creates: 'table',
  handles: 'in-out',
  request: [field('TableFlags', flags8(AttachmentTableFlags))],
  response: [],
});

/**
 * [MS-OXCROPS] 2.2.6.18.2: AttachmentIdCount is 2 bytes (as MAPI Inspector and
 * OpenChange read it); gromox writes 4. Both readings are tried and the one
 * that leaves a consistent ROP buffer is taken (`Reading` says which).
 */
export const ropGetValidAttachments = defineRop({
  id: 0x52,
  name: 'RopGetValidAttachments',
  specRef: 'MS-OXCROPS 2.2.6.18',
  request: [],
  response: countedList('AttachmentIdCount', 'AttachmentIdArray', u32, 'AttachmentId'),
  responseReadings: [
    {
      label: '32-bit AttachmentIdCount (as gromox writes it)',
      fields: countedList('AttachmentIdCount', 'AttachmentIdArray', u32, 'AttachmentId', { countCodec: u32 }),
    },
  ],
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
