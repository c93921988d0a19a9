/**
 * [MS-OXCFOLD] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxcfold): every field the example's text
 * states, with the offsets it prints.
 */
import { describe, expect, it } from 'vitest';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxcfold';

describe('[MS-OXCFOLD] 4.1 Creating a folder', () => {
  it('4.1.1 RopCreateFolder request: a generic folder "Folder1", Unicode, empty comment', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1.1-RopCreateFolder-request.hex`);
    expect(value).toEqual({
      RopId: 0x1c,
      LogonId: 0,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      FolderType: 1,
      UseUnicodeStrings: 1,
      OpenExisting: 0,
      Reserved: 0,
      DisplayName: 'Folder1',
      Comment: '',
    });
    // The spec's chunks: 0000 header, 0004 four flag bytes, 0008 DisplayName (16 bytes), 0018 Comment.
    expect(span(tree, 'FolderType')).toEqual([4, 1]);
    expect(span(tree, 'Reserved')).toEqual([7, 1]);
    expect(span(tree, 'DisplayName')).toEqual([8, 16]);
    expect(span(tree, 'Comment')).toEqual([0x18, 2]);
  });
  it('4.1.2 RopCreateFolder response: FolderId 0001-00000E915212, IsExistingFolder FALSE ends the response', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1.2-RopCreateFolder-response.hex`);
    expect(value).toEqual({
      RopId: 0x1c,
      OutputHandleIndex: 1,
      ReturnValue: 0,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e915212 },
      IsExistingFolder: 0,
    });
    expect(span(tree, 'FolderId')).toEqual([6, 8]);
    // Printed as "000F:" in the spec; the 15th of 15 bytes is at 0x0E (see the fixture's note).
    expect(span(tree, 'IsExistingFolder')).toEqual([0x0e, 1]);
  });
});

describe('[MS-OXCFOLD] 4.2 Deleting a folder', () => {
  it('4.2.1 RopDeleteFolder request: DEL_MESSAGES | DEL_FOLDERS, FolderId 0001-00000E8EDF36', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.2.1-RopDeleteFolder-request.hex`);
    expect(value).toEqual({
      RopId: 0x1d,
      LogonId: 0,
      InputHandleIndex: 1,
      DeleteFolderFlags: 0x05,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
    });
    expect(tree.children!.find((c) => c.name === 'DeleteFolderFlags')!.display).toBe(
      '0x05 (DEL_MESSAGES | DEL_FOLDERS)',
    );
    expect(span(tree, 'FolderId')).toEqual([4, 8]);
  });
  it('4.2.2 RopDeleteFolder response: PartialCompletion FALSE', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.2.2-RopDeleteFolder-response.hex`);
    expect(value).toEqual({ RopId: 0x1d, InputHandleIndex: 1, ReturnValue: 0, PartialCompletion: 0 });
    expect(span(tree, 'PartialCompletion')).toEqual([6, 1]);
  });
});

describe('[MS-OXCFOLD] 4.3 Deleting messages', () => {
  it('4.3.1 RopDeleteMessages request: synchronous, NotifyNonRead, two MIDs', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.3.1-RopDeleteMessages-request.hex`);
    expect(value).toEqual({
      RopId: 0x1e,
      LogonId: 0,
      InputHandleIndex: 0,
      WantAsynchronous: 0,
      NotifyNonRead: 1,
      MessageIdCount: 2,
      MessageIds: [
        { ReplicaId: 1, GlobalCounter: 0x0e8ef148 },
        { ReplicaId: 1, GlobalCounter: 0x0e8ec302 },
      ],
    });
    // "0005: 02 00 01 00 …": the count and the list start at offset 5.
    expect(span(tree, 'MessageIdCount')).toEqual([5, 2]);
    expect(span(tree, 'MessageIds')).toEqual([7, 16]);
  });
  it('4.3.2 RopDeleteMessages response: PartialCompletion FALSE', () => {
    const { value } = decodeRopExample(`${dir}/4.3.2-RopDeleteMessages-response.hex`);
    expect(value).toEqual({ RopId: 0x1e, InputHandleIndex: 0, ReturnValue: 0, PartialCompletion: 0 });
  });
});

describe('[MS-OXCFOLD] 4.5 Moving a folder', () => {
  it('4.5.1 RopMoveFolder request: asynchronous, Unicode, FolderId at 0006, NewFolderName at 000E', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.5.1-RopMoveFolder-request.hex`);
    expect(value).toEqual({
      RopId: 0x35,
      LogonId: 0,
      SourceHandleIndex: 1,
      DestHandleIndex: 2,
      WantAsynchronous: 1,
      UseUnicode: 1,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
      NewFolderName: 'Folder1',
    });
    expect(span(tree, 'FolderId')).toEqual([6, 8]);
    expect(span(tree, 'NewFolderName')).toEqual([0x0e, 16]);
  });
  it('4.5.2 RopMoveFolder response: echoes SourceHandleIndex 1, PartialCompletion FALSE', () => {
    const { value } = decodeRopExample(`${dir}/4.5.2-RopMoveFolder-response.hex`);
    expect(value).toEqual({ RopId: 0x35, SourceHandleIndex: 1, ReturnValue: 0, PartialCompletion: 0 });
  });
});

describe('[MS-OXCFOLD] 4.6 Copying a folder', () => {
  it('4.6.1 RopCopyFolder request: seven header bytes, so FolderId at 0x07 and the name at 0x0F', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.6.1-RopCopyFolder-request.hex`);
    expect(value).toEqual({
      RopId: 0x36,
      LogonId: 0,
      SourceHandleIndex: 0,
      DestHandleIndex: 1,
      WantAsynchronous: 1,
      WantRecursive: 1,
      UseUnicode: 1,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0e8edf36 },
      NewFolderName: 'Folder1',
    });
    // The spec labels these chunks 0006/000E (see the fixture's note); the bytes put them one later.
    expect(span(tree, 'FolderId')).toEqual([7, 8]);
    expect(span(tree, 'NewFolderName')).toEqual([0x0f, 16]);
  });
  it('4.6.2 RopCopyFolder response', () => {
    const { value } = decodeRopExample(`${dir}/4.6.2-RopCopyFolder-response.hex`);
    expect(value).toEqual({ RopId: 0x36, SourceHandleIndex: 0, ReturnValue: 0, PartialCompletion: 0 });
  });
});

describe('[MS-OXCFOLD] 4.7 Getting a hierarchy table', () => {
  it('4.7.2 RopGetHierarchyTable response: OutputHandleIndex 2, 21 rows', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.7.2-RopGetHierarchyTable-response.hex`);
    expect(value).toEqual({ RopId: 0x04, OutputHandleIndex: 2, ReturnValue: 0, RowCount: 21 });
    expect(span(tree, 'RowCount')).toEqual([6, 4]);
  });
});

describe('[MS-OXCFOLD] 4.8, 4.9 Search criteria', () => {
  it('4.8.2 RopSetSearchCriteria response: header only', () => {
    const { value } = decodeRopExample(`${dir}/4.8.2-RopSetSearchCriteria-response.hex`);
    expect(value).toEqual({ RopId: 0x30, InputHandleIndex: 1, ReturnValue: 0 });
  });
  it('4.9.1 RopGetSearchCriteria request: Unicode, with the restriction, without the folders', () => {
    const { value } = decodeRopExample(`${dir}/4.9.1-RopGetSearchCriteria-request.hex`);
    expect(value).toEqual({
      RopId: 0x31,
      LogonId: 0,
      InputHandleIndex: 0,
      UseUnicode: 1,
      IncludeRestriction: 1,
      IncludeFolders: 0,
    });
  });
});
