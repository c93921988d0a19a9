/**
 * Incremental Change Synchronization ROPs: [MS-OXCROPS] 2.2.13, semantics
 * [MS-OXCFXICS] 2.2.3.2.
 */
import {
  type FieldDef,
  array,
  arrayToEnd,
  bool8,
  enumOf,
  field,
  guid,
  sized,
  struct,
  u16,
  u32,
  u8,
} from '../../codec/index.js';
import { globalCounter, longTermId, propertyTag } from '../oxcdata/index.js';
import {
  documented,
  flags16,
  flags32,
  flags8,
  folderIdCodec,
  messageIdCodec,
  restrictionData,
  sendOptions,
  sizedData,
  tagList,
  taggedValueList,
} from './common.js';
import { type RopDefinition, defineRop } from './define.js';

const SynchronizationType = { 0x01: 'Contents', 0x02: 'Hierarchy' };
/** [MS-OXCFXICS] 2.2.3.2.1.1.1 SynchronizationFlags. */
const SynchronizationFlags = {
  Unicode: 0x0001,
  NoDeletions: 0x0002,
  IgnoreNoLongerInScope: 0x0004,
  ReadState: 0x0008,
  FAI: 0x0010,
  Normal: 0x0020,
  OnlySpecifiedProperties: 0x0080,
  NoForeignIdentifiers: 0x0100,
  Reserved: 0x1000,
  BestBody: 0x2000,
  IgnoreSpecifiedOnFAI: 0x4000,
  Progress: 0x8000,
};
/** [MS-OXCFXICS] 2.2.3.2.1.1.2 SynchronizationExtraFlags. */
const SynchronizationExtraFlags = {
  Eid: 0x00000001,
  MessageSize: 0x00000002,
  CN: 0x00000004,
  OrderByDeliveryTime: 0x00000008,
};

/** [MS-OXCROPS] 2.2.13.1 */
export const ropSynchronizationConfigure = defineRop({
  id: 0x70,
  name: 'RopSynchronizationConfigure',
  specRef: 'MS-OXCROPS 2.2.13.1',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a synchronization download context for the contents or the hierarchy of a folder.',
  request: [
    field('SynchronizationType', enumOf(u8, SynchronizationType), { doc: 'Contents 0x01 or Hierarchy 0x02.' }),
    field('SendOptions', sendOptions, { doc: 'How the stream is produced ([MS-OXCFXICS] 2.2.3.1.1.1.2).' }),
    field('SynchronizationFlags', flags16(SynchronizationFlags), { doc: 'What to synchronize and how.' }),
    // RestrictionDataSize(2) then the restriction in that window, absent when 0 ([MS-OXCROPS] 2.2.13.1.1).
    ...documented(restrictionData(), [
      'Size of RestrictionData; 0 means no restriction.',
      'Only messages that match this restriction are synchronized.',
    ]),
    field('SynchronizationExtraFlags', flags32(SynchronizationExtraFlags), {
      doc: 'Extra properties to send per message.',
    }),
    ...tagList(
      'PropertyTagCount',
      'PropertyTags',
      'Properties to leave out, or with OnlySpecifiedProperties the only ones to send.',
    ),
  ],
  // [MS-OXCFXICS] 2.2.4.3: contentsSync or hierarchySync by SynchronizationType.
  opensStream: (q) => {
    const kind =
      q.SynchronizationType === 0x01 ? 'contentsSync' : q.SynchronizationType === 0x02 ? 'hierarchySync' : '';
    return kind ? { kind, by: ` (SynchronizationType ${String(q.SynchronizationType)})` } : undefined;
  },
  response: [],
});

const ImportFlag = { Associated: 0x10, FailOnConflict: 0x40 };

/** [MS-OXCROPS] 2.2.13.2 */
export const ropSynchronizationImportMessageChange = defineRop({
  id: 0x72,
  name: 'RopSynchronizationImportMessageChange',
  specRef: 'MS-OXCROPS 2.2.13.2',
  handles: 'in-out',
  doc: 'Imports a new or changed message into the synchronization upload context and opens it.',
  request: [
    field('ImportFlag', flags8(ImportFlag), { doc: 'Associated 0x10 (FAI message), FailOnConflict 0x40.' }),
    ...taggedValueList(
      'PropertyValueCount',
      'PropertyValues',
      'Identification of the message: source key, last modification time, change key, predecessor change list.',
    ),
  ],
  response: [field('MessageId', messageIdCodec, { doc: 'Always 0 ([MS-OXCFXICS] 2.2.3.2.4.2.2).' })],
});

/** [MS-OXCROPS] 2.2.13.3.1.1 MessageReadState. */
const messageReadState = struct(
  'MessageReadState',
  [
    ...sizedData('MessageIdSize', 'MessageId', 'The message as a GID or XID.'),
    field('MarkAsRead', bool8, { doc: 'Whether the message was read.' }),
  ],
  { summary: (v) => ((v.MarkAsRead as number) ? 'read' : 'unread') },
);

/** [MS-OXCROPS] 2.2.13.3 */
export const ropSynchronizationImportReadStateChanges = defineRop({
  id: 0x80,
  name: 'RopSynchronizationImportReadStateChanges',
  specRef: 'MS-OXCROPS 2.2.13.3',
  doc: 'Imports read/unread changes of messages into the synchronization upload context.',
  request: [
    field('MessageReadStatesSize', u16, {
      derive: (_v, h) => h.sizeOf('MessageReadStates'),
      doc: 'Size of MessageReadStates in bytes.',
    }),
    field(
      'MessageReadStates',
      sized(arrayToEnd(messageReadState, { item: 'MessageReadState' }), 'MessageReadStatesSize'),
      {
        doc: 'The read state changes.',
      },
    ),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.13.4 */
export const ropSynchronizationImportHierarchyChange = defineRop({
  id: 0x73,
  name: 'RopSynchronizationImportHierarchyChange',
  specRef: 'MS-OXCROPS 2.2.13.4',
  doc: 'Imports a new or changed folder into the synchronization upload context.',
  request: [
    ...taggedValueList(
      'HierarchyValueCount',
      'HierarchyValues',
      'Identification of the folder: parent source key, source key, times, change key, display name.',
    ),
    ...taggedValueList('PropertyValueCount', 'PropertyValues', 'The other properties of the folder.'),
  ],
  response: [field('FolderId', folderIdCodec, { doc: 'Always 0 ([MS-OXCFXICS] 2.2.3.2.4.3.2).' })],
});

/** [MS-OXCROPS] 2.2.13.5 */
export const ropSynchronizationImportDeletes = defineRop({
  id: 0x74,
  name: 'RopSynchronizationImportDeletes',
  specRef: 'MS-OXCROPS 2.2.13.5',
  doc: 'Imports deletions of messages or folders into the synchronization upload context.',
  request: [
    field('ImportDeleteFlags', flags8({ Hierarchy: 0x01, HardDelete: 0x02 }), {
      doc: 'Hierarchy 0x01 (folders), HardDelete 0x02.',
    }),
    ...taggedValueList(
      'PropertyValueCount',
      'PropertyValues',
      'One PtypMultipleBinary value listing the source keys deleted.',
    ),
  ],
  response: [],
});

const size4 = (size: string, data: string, doc: string): FieldDef[] => sizedData(size, data, doc, u32);

/** [MS-OXCROPS] 2.2.13.6: every size field has 4 bytes here. */
export const ropSynchronizationImportMessageMove = defineRop({
  id: 0x78,
  name: 'RopSynchronizationImportMessageMove',
  specRef: 'MS-OXCROPS 2.2.13.6',
  doc: 'Imports the move of a message between folders into the synchronization upload context.',
  request: [
    ...size4('SourceFolderIdSize', 'SourceFolderId', 'Source key of the folder the message left.'),
    ...size4('SourceMessageIdSize', 'SourceMessageId', 'Source key of the message in that folder.'),
    ...size4('PredecessorChangeListSize', 'PredecessorChangeList', 'PidTagPredecessorChangeList of the message.'),
    ...size4('DestinationMessageIdSize', 'DestinationMessageId', 'Source key of the message in its new folder.'),
    ...size4('ChangeNumberSize', 'ChangeNumber', 'PidTagChangeKey of the message.'),
  ],
  response: [field('MessageId', messageIdCodec, { doc: 'Always 0 ([MS-OXCFXICS] 2.2.3.2.4.4.2).' })],
});

/** [MS-OXCROPS] 2.2.13.7 */
export const ropSynchronizationOpenCollector = defineRop({
  id: 0x7e,
  name: 'RopSynchronizationOpenCollector',
  specRef: 'MS-OXCROPS 2.2.13.7',
  creates: 'fasttransfer-destination',
  handles: 'in-out',
  doc: 'Creates a synchronization upload context for contents or hierarchy changes.',
  request: [field('IsContentsCollector', bool8, { doc: 'True: contents changes; false: hierarchy changes.' })],
  response: [],
});

/** [MS-OXCROPS] 2.2.13.8 */
export const ropSynchronizationGetTransferState = defineRop({
  id: 0x82,
  name: 'RopSynchronizationGetTransferState',
  specRef: 'MS-OXCROPS 2.2.13.8',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a download context for the current state of a synchronization context.',
  request: [],
  opensStream: () => ({ kind: 'state' }),
  response: [],
});

/** [MS-OXCROPS] 2.2.13.9 */
export const ropSynchronizationUploadStateStreamBegin = defineRop({
  id: 0x75,
  name: 'RopSynchronizationUploadStateStreamBegin',
  specRef: 'MS-OXCROPS 2.2.13.9',
  doc: 'Starts uploading one ICS state property.',
  request: [
    field('StateProperty', propertyTag, {
      doc: 'MetaTagIdsetGiven, MetaTagCnsetSeen, MetaTagCnsetSeenFAI or MetaTagCnsetRead ([MS-OXCFXICS] 2.2.3.2.2.1.1).',
    }),
    field('TransferBufferSize', u32, { doc: 'Total size of the state stream that follows.' }),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.13.10 */
export const ropSynchronizationUploadStateStreamContinue = defineRop({
  id: 0x76,
  name: 'RopSynchronizationUploadStateStreamContinue',
  specRef: 'MS-OXCROPS 2.2.13.10',
  doc: 'Uploads the next part of an ICS state property.',
  request: size4('StreamDataSize', 'StreamData', 'The next part of the state (an IDSET or CNSET).'),
  response: [],
});

/** [MS-OXCROPS] 2.2.13.11 */
export const ropSynchronizationUploadStateStreamEnd = defineRop({
  id: 0x77,
  name: 'RopSynchronizationUploadStateStreamEnd',
  specRef: 'MS-OXCROPS 2.2.13.11',
  doc: 'Finishes uploading an ICS state property.',
  request: [],
  response: [],
});

/** [MS-OXCROPS] 2.2.13.12.1.1 LongTermIdRange. */
const longTermIdRange = struct('LongTermIdRange', [
  field('MinLongTermId', longTermId, { doc: 'First id of the range.' }),
  field('MaxLongTermId', longTermId, { doc: 'Last id of the range.' }),
]);

/** [MS-OXCROPS] 2.2.13.12: DataSize counts LongTermIdRangeCount and the ranges. */
export const ropSetLocalReplicaMidsetDeleted = defineRop({
  id: 0x93,
  name: 'RopSetLocalReplicaMidsetDeleted',
  specRef: 'MS-OXCROPS 2.2.13.12',
  doc: 'Tells the server which message ids reserved with RopGetLocalReplicaIds were deleted.',
  request: [
    field('DataSize', u16, {
      derive: (_v, h) => 4 + h.sizeOf('LongTermIdRanges'),
      doc: 'Bytes of LongTermIdRangeCount and LongTermIdRanges.',
    }),
    field('LongTermIdRangeCount', u32, {
      derive: (v) => (v.LongTermIdRanges as unknown[]).length,
      doc: 'Number of ranges.',
    }),
    field(
      'LongTermIdRanges',
      sized(array(longTermIdRange, 'LongTermIdRangeCount', { item: 'LongTermIdRange' }), (s) => s.num('DataSize') - 4),
      { doc: 'The deleted id ranges.' },
    ),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.13.13 */
export const ropGetLocalReplicaIds = defineRop({
  id: 0x7f,
  name: 'RopGetLocalReplicaIds',
  specRef: 'MS-OXCROPS 2.2.13.13',
  doc: 'Reserves a range of ids for objects the client creates offline.',
  request: [field('IdCount', u32, { doc: 'Number of ids to reserve.' })],
  response: [
    field('ReplGuid', guid, { doc: 'Replica GUID the reserved ids belong to.' }),
    field('GlobalCount', globalCounter, { doc: 'First reserved 6-byte global counter (most significant byte first).' }),
  ],
});

export const icsRops: readonly RopDefinition[] = [
  ropSynchronizationConfigure,
  ropSynchronizationImportMessageChange,
  ropSynchronizationImportReadStateChanges,
  ropSynchronizationImportHierarchyChange,
  ropSynchronizationImportDeletes,
  ropSynchronizationImportMessageMove,
  ropSynchronizationOpenCollector,
  ropSynchronizationGetTransferState,
  ropSynchronizationUploadStateStreamBegin,
  ropSynchronizationUploadStateStreamContinue,
  ropSynchronizationUploadStateStreamEnd,
  ropSetLocalReplicaMidsetDeleted,
  ropGetLocalReplicaIds,
];
