/**
 * Folder ROPs: [MS-OXCROPS] 2.2.4, semantics [MS-OXCFOLD] 2.2.1.
 */
import { type FieldDef, enumOf, field, u8, u32 } from '../../codec/index.js';
import {
  NULL_DESTINATION,
  bool8,
  countedList,
  flags8,
  flags32,
  folderIdCodec,
  ifNonZero,
  messageIdCodec,
  restrictionData,
  serverList,
  stringBy,
} from './common.js';
import { type RopDefinition, defineRop } from './define.js';

export const OpenModeFlags = { OpenSoftDeleted: 0x04 } as const;
/** [MS-OXCFOLD] 2.2.1.13.1 / 2.2.1.14.1 TableFlags of GetHierarchyTable / GetContentsTable. */
export const HierarchyTableFlags = {
  Depth: 0x04,
  DeferredErrors: 0x08,
  NoNotifications: 0x10,
  SoftDeletes: 0x20,
  UseUnicode: 0x40,
  SuppressesNotifications: 0x80,
} as const;
export const ContentsTableFlags = {
  Associated: 0x02,
  DeferredErrors: 0x08,
  NoNotifications: 0x10,
  SoftDeletes: 0x20,
  UseUnicode: 0x40,
  ConversationMembers: 0x80,
} as const;
export const DeleteFolderFlags = { DEL_MESSAGES: 0x01, DEL_FOLDERS: 0x04, DELETE_HARD_DELETE: 0x10 } as const;
/** [MS-OXCFOLD] 2.2.1.4.1 SearchFlags of RopSetSearchCriteria. */
export const SetSearchFlags = {
  STOP_SEARCH: 0x00000001,
  RESTART_SEARCH: 0x00000002,
  RECURSIVE_SEARCH: 0x00000004,
  SHALLOW_SEARCH: 0x00000008,
  CONTENT_INDEXED_SEARCH: 0x00010000,
  NON_CONTENT_INDEXED_SEARCH: 0x00020000,
  STATIC_SEARCH: 0x00040000,
} as const;
/** [MS-OXCFOLD] 2.2.1.5.2 SearchFlags of the RopGetSearchCriteria response. */
export const GetSearchFlags = {
  SEARCH_RUNNING: 0x00000001,
  SEARCH_REBUILD: 0x00000002,
  SEARCH_RECURSIVE: 0x00000004,
  SEARCH_COMPLETE: 0x00001000,
  SEARCH_PARTIAL: 0x00002000,
  SEARCH_STATIC: 0x00010000,
  SEARCH_MAYBE_STATIC: 0x00020000,
  CI_TOTALLY: 0x01000000,
  TWIR_TOTALLY: 0x08000000,
} as const;

/** The worked example: a request with an output handle, a success body with a conditional list. */
export const ropOpenFolder = defineRop({
  id: 0x02,
  name: 'RopOpenFolder',
  specRef: 'MS-OXCROPS 2.2.4.1',
  creates: 'folder',
  handles: 'in-out',
  doc: 'Opens an existing folder.',
  request: [
    field('FolderId', folderIdCodec, { doc: 'The folder to open.' }),
    field('OpenModeFlags', flags8(OpenModeFlags), { doc: 'How to open the folder ([MS-OXCFOLD] 2.2.1.1.1).' }),
  ],
  response: [
    field('HasRules', bool8, { doc: 'Whether the folder has rules.' }),
    field('IsGhosted', bool8, { doc: 'Whether the (public) folder has no local replica.' }),
    ...serverList('ServerCount', 'CheapServerCount', 'Servers', ifNonZero('IsGhosted')),
  ],
});

export const ropCreateFolder = defineRop({
  id: 0x1c,
  name: 'RopCreateFolder',
  specRef: 'MS-OXCROPS 2.2.4.2',
  creates: 'folder',
  handles: 'in-out',
  request: [
    field('FolderType', enumOf(u8, { 1: 'Generic', 2: 'Search' })),
    field('UseUnicodeStrings', bool8, { doc: 'Whether DisplayName and Comment are UTF-16.' }),
    field('OpenExisting', bool8, { doc: 'Open the folder if one of that name exists.' }),
    field('Reserved', u8),
    field('DisplayName', stringBy('UseUnicodeStrings')),
    field('Comment', stringBy('UseUnicodeStrings')),
  ],
  response: [
    field('FolderId', folderIdCodec),
    field('IsExistingFolder', bool8, { doc: 'A public folder of that name already existed.' }),
    field('HasRules', bool8, { when: ifNonZero('IsExistingFolder') }),
    field('IsGhosted', bool8, { when: ifNonZero('IsExistingFolder') }),
    ...serverList(
      'ServerCount',
      'CheapServerCount',
      'Servers',
      (s) => s.num('IsExistingFolder') !== 0 && s.num('IsGhosted') !== 0,
    ),
  ],
});

const partialCompletion: FieldDef[] = [
  field('PartialCompletion', bool8, { doc: 'Whether the operation failed for some of its targets.' }),
];

/**
 * ROPs with one response layout for success and failure ([MS-OXCROPS] gives
 * PartialCompletion after any ReturnValue); servers differ, so on failure the
 * field is taken only when it is there (define.ts `failureOptional`).
 */
const partial = { response: partialCompletion, failure: partialCompletion, failureOptional: true } as const;

/** Move/copy ROPs: a missing destination (ecDstNullObject) echoes DestHandleIndex as 4 bytes. */
const nullDestination = {
  [NULL_DESTINATION]: [
    field('DestHandleIndex', u32, { doc: 'The destination handle index that referred to no object.' }),
    ...partialCompletion,
  ],
};

export const ropDeleteFolder = defineRop({
  id: 0x1d,
  name: 'RopDeleteFolder',
  specRef: 'MS-OXCROPS 2.2.4.3',
  request: [field('DeleteFolderFlags', flags8(DeleteFolderFlags)), field('FolderId', folderIdCodec)],
  ...partial,
});

export const ropSetSearchCriteria = defineRop({
  id: 0x30,
  name: 'RopSetSearchCriteria',
  specRef: 'MS-OXCROPS 2.2.4.4',
  request: [
    ...restrictionData(),
    ...countedList('FolderIdCount', 'FolderIds', folderIdCodec, 'FolderId'),
    field('SearchFlags', flags32(SetSearchFlags)),
  ],
  response: [],
});

export const ropGetSearchCriteria = defineRop({
  id: 0x31,
  name: 'RopGetSearchCriteria',
  specRef: 'MS-OXCROPS 2.2.4.5',
  request: [field('UseUnicode', bool8), field('IncludeRestriction', bool8), field('IncludeFolders', bool8)],
  response: [
    ...restrictionData(),
    field('LogonId', u8),
    ...countedList('FolderIdCount', 'FolderIds', folderIdCodec, 'FolderId'),
    field('SearchFlags', flags32(GetSearchFlags)),
  ],
});

export const ropMoveCopyMessages = defineRop({
  id: 0x33,
  name: 'RopMoveCopyMessages',
  specRef: 'MS-OXCROPS 2.2.4.6',
  handles: 'src-dst',
  request: [
    ...countedList('MessageIdCount', 'MessageIds', messageIdCodec, 'MessageId'),
    field('WantAsynchronous', bool8),
    field('WantCopy', bool8, { doc: 'Copy instead of move.' }),
  ],
  ...partial,
  responseFor: nullDestination,
});

export const ropMoveFolder = defineRop({
  id: 0x35,
  name: 'RopMoveFolder',
  specRef: 'MS-OXCROPS 2.2.4.7',
  handles: 'src-dst',
  request: [
    field('WantAsynchronous', bool8),
    field('UseUnicode', bool8),
    field('FolderId', folderIdCodec),
    field('NewFolderName', stringBy('UseUnicode')),
  ],
  ...partial,
  responseFor: nullDestination,
});

export const ropCopyFolder = defineRop({
  id: 0x36,
  name: 'RopCopyFolder',
  specRef: 'MS-OXCROPS 2.2.4.8',
  handles: 'src-dst',
  request: [
    field('WantAsynchronous', bool8),
    field('WantRecursive', bool8),
    field('UseUnicode', bool8),
    field('FolderId', folderIdCodec),
    field('NewFolderName', stringBy('UseUnicode')),
  ],
  ...partial,
  responseFor: nullDestination,
});

export const ropEmptyFolder = defineRop({
  id: 0x58,
  name: 'RopEmptyFolder',
  specRef: 'MS-OXCROPS 2.2.4.9',
  request: [field('WantAsynchronous', bool8), field('WantDeleteAssociated', bool8)],
  ...partial,
});

export const ropHardDeleteMessagesAndSubfolders = defineRop({
  id: 0x92,
  name: 'RopHardDeleteMessagesAndSubfolders',
  specRef: 'MS-OXCROPS 2.2.4.10',
  request: [field('WantAsynchronous', bool8), field('WantDeleteAssociated', bool8)],
  ...partial,
});

const deleteMessagesRequest: FieldDef[] = [
  field('WantAsynchronous', bool8),
  field('NotifyNonRead', bool8, { doc: 'Send non-read receipts for unread messages.' }),
  ...countedList('MessageIdCount', 'MessageIds', messageIdCodec, 'MessageId'),
];

export const ropDeleteMessages = defineRop({
  id: 0x1e,
  name: 'RopDeleteMessages',
  specRef: 'MS-OXCROPS 2.2.4.11',
  request: deleteMessagesRequest,
  ...partial,
});

export const ropHardDeleteMessages = defineRop({
  id: 0x91,
  name: 'RopHardDeleteMessages',
  specRef: 'MS-OXCROPS 2.2.4.12',
  request: deleteMessagesRequest,
  ...partial,
});

export const ropGetHierarchyTable = defineRop({
  id: 0x04,
  name: 'RopGetHierarchyTable',
  specRef: 'MS-OXCROPS 2.2.4.13',
  creates: 'table',
  handles: 'in-out',
  request: [field('TableFlags', flags8(HierarchyTableFlags))],
  response: [field('RowCount', u32, { doc: 'Number of rows in the table.' })],
});

export const ropGetContentsTable = defineRop({
  id: 0x05,
  name: 'RopGetContentsTable',
  specRef: 'MS-OXCROPS 2.2.4.14',
  creates: 'table',
  handles: 'in-out',
  request: [field('TableFlags', flags8(ContentsTableFlags))],
  response: [field('RowCount', u32, { doc: 'Number of rows in the table.' })],
});

export const folderRops: readonly RopDefinition[] = [
  ropOpenFolder,
  ropCreateFolder,
  ropDeleteFolder,
  ropSetSearchCriteria,
  ropGetSearchCriteria,
  ropMoveCopyMessages,
  ropMoveFolder,
  ropCopyFolder,
  ropEmptyFolder,
  ropHardDeleteMessagesAndSubfolders,
  ropDeleteMessages,
  ropHardDeleteMessages,
  ropGetHierarchyTable,
  ropGetContentsTable,
];
