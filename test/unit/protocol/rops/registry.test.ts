/**
 * Registry completeness: every RopId of [MS-OXCROPS] 2.2.2 has exactly one
 * definition with the spec's name; duplicates are rejected at startup.
 */
import { describe, expect, it } from 'vitest';
import { defineRop } from '../../../../shared/protocol/rops/define.js';
import { ROP_NAMES } from '../../../../shared/protocol/rops/header.js';
import { buildRegistry, ropFamilies, ropsById } from '../../../../shared/protocol/rops/registry.js';

/** [MS-OXCROPS] 2.2.2, typed in from the spec's table (not derived from the code). */
const SPEC_ROP_IDS: readonly [number, string][] = [
  [0x01, 'RopRelease'],
  [0x02, 'RopOpenFolder'],
  [0x03, 'RopOpenMessage'],
  [0x04, 'RopGetHierarchyTable'],
  [0x05, 'RopGetContentsTable'],
  [0x06, 'RopCreateMessage'],
  [0x07, 'RopGetPropertiesSpecific'],
  [0x08, 'RopGetPropertiesAll'],
  [0x09, 'RopGetPropertiesList'],
  [0x0a, 'RopSetProperties'],
  [0x0b, 'RopDeleteProperties'],
  [0x0c, 'RopSaveChangesMessage'],
  [0x0d, 'RopRemoveAllRecipients'],
  [0x0e, 'RopModifyRecipients'],
  [0x0f, 'RopReadRecipients'],
  [0x10, 'RopReloadCachedInformation'],
  [0x11, 'RopSetMessageReadFlag'],
  [0x12, 'RopSetColumns'],
  [0x13, 'RopSortTable'],
  [0x14, 'RopRestrict'],
  [0x15, 'RopQueryRows'],
  [0x16, 'RopGetStatus'],
  [0x17, 'RopQueryPosition'],
  [0x18, 'RopSeekRow'],
  [0x19, 'RopSeekRowBookmark'],
  [0x1a, 'RopSeekRowFractional'],
  [0x1b, 'RopCreateBookmark'],
  [0x1c, 'RopCreateFolder'],
  [0x1d, 'RopDeleteFolder'],
  [0x1e, 'RopDeleteMessages'],
  [0x1f, 'RopGetMessageStatus'],
  [0x20, 'RopSetMessageStatus'],
  [0x21, 'RopGetAttachmentTable'],
  [0x22, 'RopOpenAttachment'],
  [0x23, 'RopCreateAttachment'],
  [0x24, 'RopDeleteAttachment'],
  [0x25, 'RopSaveChangesAttachment'],
  [0x26, 'RopSetReceiveFolder'],
  [0x27, 'RopGetReceiveFolder'],
  [0x29, 'RopRegisterNotification'],
  [0x2a, 'RopNotify'],
  [0x2b, 'RopOpenStream'],
  [0x2c, 'RopReadStream'],
  [0x2d, 'RopWriteStream'],
  [0x2e, 'RopSeekStream'],
  [0x2f, 'RopSetStreamSize'],
  [0x30, 'RopSetSearchCriteria'],
  [0x31, 'RopGetSearchCriteria'],
  [0x32, 'RopSubmitMessage'],
  [0x33, 'RopMoveCopyMessages'],
  [0x34, 'RopAbortSubmit'],
  [0x35, 'RopMoveFolder'],
  [0x36, 'RopCopyFolder'],
  [0x37, 'RopQueryColumnsAll'],
  [0x38, 'RopAbort'],
  [0x39, 'RopCopyTo'],
  [0x3a, 'RopCopyToStream'],
  [0x3b, 'RopCloneStream'],
  [0x3e, 'RopGetPermissionsTable'],
  [0x3f, 'RopGetRulesTable'],
  [0x40, 'RopModifyPermissions'],
  [0x41, 'RopModifyRules'],
  [0x42, 'RopGetOwningServers'],
  [0x43, 'RopLongTermIdFromId'],
  [0x44, 'RopIdFromLongTermId'],
  [0x45, 'RopPublicFolderIsGhosted'],
  [0x46, 'RopOpenEmbeddedMessage'],
  [0x47, 'RopSetSpooler'],
  [0x48, 'RopSpoolerLockMessage'],
  [0x49, 'RopGetAddressTypes'],
  [0x4a, 'RopTransportSend'],
  [0x4b, 'RopFastTransferSourceCopyMessages'],
  [0x4c, 'RopFastTransferSourceCopyFolder'],
  [0x4d, 'RopFastTransferSourceCopyTo'],
  [0x4e, 'RopFastTransferSourceGetBuffer'],
  [0x4f, 'RopFindRow'],
  [0x50, 'RopProgress'],
  [0x51, 'RopTransportNewMail'],
  [0x52, 'RopGetValidAttachments'],
  [0x53, 'RopFastTransferDestinationConfigure'],
  [0x54, 'RopFastTransferDestinationPutBuffer'],
  [0x55, 'RopGetNamesFromPropertyIds'],
  [0x56, 'RopGetPropertyIdsFromNames'],
  [0x57, 'RopUpdateDeferredActionMessages'],
  [0x58, 'RopEmptyFolder'],
  [0x59, 'RopExpandRow'],
  [0x5a, 'RopCollapseRow'],
  [0x5b, 'RopLockRegionStream'],
  [0x5c, 'RopUnlockRegionStream'],
  [0x5d, 'RopCommitStream'],
  [0x5e, 'RopGetStreamSize'],
  [0x5f, 'RopQueryNamedProperties'],
  [0x60, 'RopGetPerUserLongTermIds'],
  [0x61, 'RopGetPerUserGuid'],
  [0x63, 'RopReadPerUserInformation'],
  [0x64, 'RopWritePerUserInformation'],
  [0x66, 'RopSetReadFlags'],
  [0x67, 'RopCopyProperties'],
  [0x68, 'RopGetReceiveFolderTable'],
  [0x69, 'RopFastTransferSourceCopyProperties'],
  [0x6b, 'RopGetCollapseState'],
  [0x6c, 'RopSetCollapseState'],
  [0x6d, 'RopGetTransportFolder'],
  [0x6e, 'RopPending'],
  [0x6f, 'RopOptionsData'],
  [0x70, 'RopSynchronizationConfigure'],
  [0x72, 'RopSynchronizationImportMessageChange'],
  [0x73, 'RopSynchronizationImportHierarchyChange'],
  [0x74, 'RopSynchronizationImportDeletes'],
  [0x75, 'RopSynchronizationUploadStateStreamBegin'],
  [0x76, 'RopSynchronizationUploadStateStreamContinue'],
  [0x77, 'RopSynchronizationUploadStateStreamEnd'],
  [0x78, 'RopSynchronizationImportMessageMove'],
  [0x79, 'RopSetPropertiesNoReplicate'],
  [0x7a, 'RopDeletePropertiesNoReplicate'],
  [0x7b, 'RopGetStoreState'],
  [0x7e, 'RopSynchronizationOpenCollector'],
  [0x7f, 'RopGetLocalReplicaIds'],
  [0x80, 'RopSynchronizationImportReadStateChanges'],
  [0x81, 'RopResetTable'],
  [0x82, 'RopSynchronizationGetTransferState'],
  [0x86, 'RopTellVersion'],
  [0x89, 'RopFreeBookmark'],
  [0x90, 'RopWriteAndCommitStream'],
  [0x91, 'RopHardDeleteMessages'],
  [0x92, 'RopHardDeleteMessagesAndSubfolders'],
  [0x93, 'RopSetLocalReplicaMidsetDeleted'],
  [0x9d, 'RopFastTransferDestinationPutBufferExtended'],
  [0xa3, 'RopWriteStreamExtended'],
  [0xf9, 'RopBackoff'],
  [0xfe, 'RopLogon'],
  [0xff, 'RopBufferTooSmall'],
];

const RESPONSE_ONLY = new Set([0x2a, 0x6e, 0xf9, 0xff]);

describe('ROP registry', () => {
  it('lists 132 RopIds', () => {
    expect(SPEC_ROP_IDS).toHaveLength(132);
    expect(new Set(SPEC_ROP_IDS.map(([id]) => id)).size).toBe(132);
  });

  for (const [id, name] of SPEC_ROP_IDS) {
    it(`0x${id.toString(16).padStart(2, '0').toUpperCase()} ${name} has a definition`, () => {
      const d = ropsById.get(id);
      expect(d, `${name} is not registered`).toBeDefined();
      expect(d!.name).toBe(name);
      expect(ROP_NAMES[id]).toBe(name);
      expect(d!.specRef).toMatch(/^MS-OXCROPS 2\.2\.\d+\.\d+$/);
      expect(d!.request === undefined).toBe(RESPONSE_ONLY.has(id));
      expect(d!.response === undefined).toBe(id === 0x01);
    });
  }

  it('holds nothing but those ids (reserved ids stay unknown)', () => {
    expect([...ropsById.keys()].sort((a, b) => a - b)).toEqual(SPEC_ROP_IDS.map(([id]) => id).sort((a, b) => a - b));
    for (const reserved of [
      0x00, 0x28, 0x3c, 0x3d, 0x62, 0x65, 0x6a, 0x71, 0x7c, 0x7d, 0x83, 0x8a, 0xa4, 0xf8, 0xfa, 0xfd,
    ])
      expect(ropsById.has(reserved)).toBe(false);
    expect(ropFamilies.flat().length).toBe(132);
  });

  it('throws on a duplicate RopId', () => {
    const a = defineRop({ id: 0x02, name: 'RopOpenFolder', specRef: 'MS-OXCROPS 2.2.4.1', request: [], response: [] });
    const b = defineRop({ id: 0x02, name: 'RopOther', specRef: 'MS-OXCROPS 2.2.4.1', request: [], response: [] });
    expect(() => buildRegistry([[a], [b]])).toThrow(/duplicate RopId 0x2: RopOpenFolder and RopOther/);
  });
});
