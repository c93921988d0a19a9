/**
 * The headers every ROP shares, declared once ([MS-OXCROPS] 2.2.1, 1.3.2).
 *
 * Requests start with RopId and LogonId, then one or two handle-table indexes
 * whose names depend on the ROP (`HandleLayout`). Normal responses start with
 * RopId, the echoed handle index and ReturnValue; the response-only ROPs
 * (RopNotify, RopPending, RopBackoff, RopBufferTooSmall) declare their own.
 */
import { type Codec, type FieldDef, field, hex, u8, withDisplay } from '../../codec/index.js';
import { errorCode } from '../oxcdata/errors.js';

/**
 * Which handle-table indexes follow LogonId in the request, and which one the
 * response echoes in its second byte:
 * - `in`: InputHandleIndex; response echoes InputHandleIndex.
 * - `in-out`: InputHandleIndex, OutputHandleIndex (ROPs that create an object); response echoes OutputHandleIndex.
 * - `out`: OutputHandleIndex only (RopLogon); response echoes OutputHandleIndex.
 * - `src-dst`: SourceHandleIndex, DestHandleIndex (move/copy); response echoes SourceHandleIndex.
 * - `resp-in`: ResponseHandleIndex, InputHandleIndex (RopSaveChangesMessage, …); response echoes ResponseHandleIndex.
 */
export type HandleLayout = 'in' | 'in-out' | 'out' | 'src-dst' | 'resp-in';

/** The handle index fields a ROP header may carry. */
export type HandleIndexName =
  'InputHandleIndex' | 'OutputHandleIndex' | 'SourceHandleIndex' | 'DestHandleIndex' | 'ResponseHandleIndex';

export const REQUEST_INDEXES: Readonly<Record<HandleLayout, readonly HandleIndexName[]>> = {
  in: ['InputHandleIndex'],
  'in-out': ['InputHandleIndex', 'OutputHandleIndex'],
  out: ['OutputHandleIndex'],
  'src-dst': ['SourceHandleIndex', 'DestHandleIndex'],
  'resp-in': ['ResponseHandleIndex', 'InputHandleIndex'],
};

export const RESPONSE_INDEX: Readonly<Record<HandleLayout, HandleIndexName>> = {
  in: 'InputHandleIndex',
  'in-out': 'OutputHandleIndex',
  out: 'OutputHandleIndex',
  'src-dst': 'SourceHandleIndex',
  'resp-in': 'ResponseHandleIndex',
};

const INDEX_DOC: Readonly<Record<HandleIndexName, string>> = {
  InputHandleIndex: 'Index into the server object handle table of the object this ROP acts on.',
  OutputHandleIndex: 'Index into the server object handle table where the handle of the created object is stored.',
  SourceHandleIndex: 'Index into the server object handle table of the source object.',
  DestHandleIndex: 'Index into the server object handle table of the destination object.',
  ResponseHandleIndex: 'Index the server echoes in the second byte of the response.',
};

/** RopId byte, shown by name. */
export const ropIdCodec: Codec<number> = withDisplay(u8, (v) => `${ropName(v) ?? 'Unknown'} (${hex(v, 2)})`, 'RopId');

/** Name of a RopId per [MS-OXCROPS] 2.2.2, undefined for reserved or unknown ids. */
export function ropName(id: number): string | undefined {
  return ROP_NAMES[id];
}

/** ReturnValue: an [MS-OXCDATA] 2.4 error code, shown by name. */
export const returnValueCodec: Codec<number> = errorCode;

export const handleIndexCodec: Codec<number> = u8;

/** RopId(1) LogonId(1) and the handle indexes of `layout`. */
export function requestHeader(id: number, layout: HandleLayout): FieldDef[] {
  return [
    field('RopId', ropIdCodec, { derive: () => id, doc: 'Identifies the operation.' }),
    field('LogonId', u8, { doc: 'Which logon (chosen by RopLogon) this operation belongs to.' }),
    ...REQUEST_INDEXES[layout].map((n) => field(n, handleIndexCodec, { doc: INDEX_DOC[n] })),
  ];
}

/** RopId(1), the echoed handle index(1), ReturnValue(4). */
export function responseHeader(id: number, layout: HandleLayout): FieldDef[] {
  const idx = RESPONSE_INDEX[layout];
  return [
    field('RopId', ropIdCodec, { derive: () => id, doc: 'Identifies the operation this response answers.' }),
    field(idx, handleIndexCodec, { doc: INDEX_DOC[idx] }),
    field('ReturnValue', returnValueCodec, {
      derive: () => 0,
      doc: 'Status of the operation: 0 is success, anything else an [MS-OXCDATA] 2.4 error code.',
    }),
  ];
}

/** [MS-OXCROPS] 2.2.2: every RopId and its name (response-only and special ids included). */
export const ROP_NAMES: Readonly<Record<number, string>> = {
  0x01: 'RopRelease',
  0x02: 'RopOpenFolder',
  0x03: 'RopOpenMessage',
  0x04: 'RopGetHierarchyTable',
  0x05: 'RopGetContentsTable',
  0x06: 'RopCreateMessage',
  0x07: 'RopGetPropertiesSpecific',
  0x08: 'RopGetPropertiesAll',
  0x09: 'RopGetPropertiesList',
  0x0a: 'RopSetProperties',
  0x0b: 'RopDeleteProperties',
  0x0c: 'RopSaveChangesMessage',
  0x0d: 'RopRemoveAllRecipients',
  0x0e: 'RopModifyRecipients',
  0x0f: 'RopReadRecipients',
  0x10: 'RopReloadCachedInformation',
  0x11: 'RopSetMessageReadFlag',
  0x12: 'RopSetColumns',
  0x13: 'RopSortTable',
  0x14: 'RopRestrict',
  0x15: 'RopQueryRows',
  0x16: 'RopGetStatus',
  0x17: 'RopQueryPosition',
  0x18: 'RopSeekRow',
  0x19: 'RopSeekRowBookmark',
  0x1a: 'RopSeekRowFractional',
  0x1b: 'RopCreateBookmark',
  0x1c: 'RopCreateFolder',
  0x1d: 'RopDeleteFolder',
  0x1e: 'RopDeleteMessages',
  0x1f: 'RopGetMessageStatus',
  0x20: 'RopSetMessageStatus',
  0x21: 'RopGetAttachmentTable',
  0x22: 'RopOpenAttachment',
  0x23: 'RopCreateAttachment',
  0x24: 'RopDeleteAttachment',
  0x25: 'RopSaveChangesAttachment',
  0x26: 'RopSetReceiveFolder',
  0x27: 'RopGetReceiveFolder',
  0x29: 'RopRegisterNotification',
  0x2a: 'RopNotify',
  0x2b: 'RopOpenStream',
  0x2c: 'RopReadStream',
  0x2d: 'RopWriteStream',
  0x2e: 'RopSeekStream',
  0x2f: 'RopSetStreamSize',
  0x30: 'RopSetSearchCriteria',
  0x31: 'RopGetSearchCriteria',
  0x32: 'RopSubmitMessage',
  0x33: 'RopMoveCopyMessages',
  0x34: 'RopAbortSubmit',
  0x35: 'RopMoveFolder',
  0x36: 'RopCopyFolder',
  0x37: 'RopQueryColumnsAll',
  0x38: 'RopAbort',
  0x39: 'RopCopyTo',
  0x3a: 'RopCopyToStream',
  0x3b: 'RopCloneStream',
  0x3e: 'RopGetPermissionsTable',
  0x3f: 'RopGetRulesTable',
  0x40: 'RopModifyPermissions',
  0x41: 'RopModifyRules',
  0x42: 'RopGetOwningServers',
  0x43: 'RopLongTermIdFromId',
  0x44: 'RopIdFromLongTermId',
  0x45: 'RopPublicFolderIsGhosted',
  0x46: 'RopOpenEmbeddedMessage',
  0x47: 'RopSetSpooler',
  0x48: 'RopSpoolerLockMessage',
  0x49: 'RopGetAddressTypes',
  0x4a: 'RopTransportSend',
  0x4b: 'RopFastTransferSourceCopyMessages',
  0x4c: 'RopFastTransferSourceCopyFolder',
  0x4d: 'RopFastTransferSourceCopyTo',
  0x4e: 'RopFastTransferSourceGetBuffer',
  0x4f: 'RopFindRow',
  0x50: 'RopProgress',
  0x51: 'RopTransportNewMail',
  0x52: 'RopGetValidAttachments',
  0x53: 'RopFastTransferDestinationConfigure',
  0x54: 'RopFastTransferDestinationPutBuffer',
  0x55: 'RopGetNamesFromPropertyIds',
  0x56: 'RopGetPropertyIdsFromNames',
  0x57: 'RopUpdateDeferredActionMessages',
  0x58: 'RopEmptyFolder',
  0x59: 'RopExpandRow',
  0x5a: 'RopCollapseRow',
  0x5b: 'RopLockRegionStream',
  0x5c: 'RopUnlockRegionStream',
  0x5d: 'RopCommitStream',
  0x5e: 'RopGetStreamSize',
  0x5f: 'RopQueryNamedProperties',
  0x60: 'RopGetPerUserLongTermIds',
  0x61: 'RopGetPerUserGuid',
  0x63: 'RopReadPerUserInformation',
  0x64: 'RopWritePerUserInformation',
  0x66: 'RopSetReadFlags',
  0x67: 'RopCopyProperties',
  0x68: 'RopGetReceiveFolderTable',
  0x69: 'RopFastTransferSourceCopyProperties',
  0x6b: 'RopGetCollapseState',
  0x6c: 'RopSetCollapseState',
  0x6d: 'RopGetTransportFolder',
  0x6e: 'RopPending',
  0x6f: 'RopOptionsData',
  0x70: 'RopSynchronizationConfigure',
  0x72: 'RopSynchronizationImportMessageChange',
  0x73: 'RopSynchronizationImportHierarchyChange',
  0x74: 'RopSynchronizationImportDeletes',
  0x75: 'RopSynchronizationUploadStateStreamBegin',
  0x76: 'RopSynchronizationUploadStateStreamContinue',
  0x77: 'RopSynchronizationUploadStateStreamEnd',
  0x78: 'RopSynchronizationImportMessageMove',
  0x79: 'RopSetPropertiesNoReplicate',
  0x7a: 'RopDeletePropertiesNoReplicate',
  0x7b: 'RopGetStoreState',
  0x7e: 'RopSynchronizationOpenCollector',
  0x7f: 'RopGetLocalReplicaIds',
  0x80: 'RopSynchronizationImportReadStateChanges',
  0x81: 'RopResetTable',
  0x82: 'RopSynchronizationGetTransferState',
  0x86: 'RopTellVersion',
  0x89: 'RopFreeBookmark',
  0x90: 'RopWriteAndCommitStream',
  0x91: 'RopHardDeleteMessages',
  0x92: 'RopHardDeleteMessagesAndSubfolders',
  0x93: 'RopSetLocalReplicaMidsetDeleted',
  0x9d: 'RopFastTransferDestinationPutBufferExtended',
  0xa3: 'RopWriteStreamExtended',
  0xf9: 'RopBackoff',
  0xfe: 'RopLogon',
  0xff: 'RopBufferTooSmall',
};
