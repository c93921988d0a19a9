/**
 * [MS-OXOMSG] section 4 protocol examples (message submission and the
 * spooler), decoded from the transcribed bytes (test/fixtures/spec-examples/ms-oxomsg).
 */
import { describe, expect, it } from 'vitest';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxomsg';

describe('[MS-OXOMSG] 4.1 Submitting a message', () => {
  it('4.1.1 RopSubmitMessage request: the message in slot 2, SubmitFlags None', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1.1-RopSubmitMessage-request.hex`);
    expect(value).toEqual({ RopId: 0x32, LogonId: 0, InputHandleIndex: 2, SubmitFlags: 0 });
    expect(span(tree, 'SubmitFlags')).toEqual([3, 1]);
  });
  it('4.1.2 RopSubmitMessage response: echoes InputHandleIndex 2, ecNone', () => {
    const { value } = decodeRopExample(`${dir}/4.1.2-RopSubmitMessage-response.hex`);
    expect(value).toEqual({ RopId: 0x32, InputHandleIndex: 2, ReturnValue: 0 });
  });
});

describe('[MS-OXOMSG] 4.3 Aborting a submission', () => {
  it('4.3.1 RopAbortSubmit request: FID 0001-0003b479ca47, MID 0001-0003b7e65fa7', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.3.1-RopAbortSubmit-request.hex`);
    expect(value).toEqual({
      RopId: 0x34,
      LogonId: 0,
      InputHandleIndex: 0,
      FolderId: { ReplicaId: 1, GlobalCounter: 0x0003b479ca47 },
      MessageId: { ReplicaId: 1, GlobalCounter: 0x0003b7e65fa7 },
    });
    expect(span(tree, 'FolderId')).toEqual([3, 8]);
    expect(span(tree, 'MessageId')).toEqual([11, 8]);
  });
  it('4.3.2 RopAbortSubmit response: ecNone', () => {
    const { value } = decodeRopExample(`${dir}/4.3.2-RopAbortSubmit-response.hex`);
    expect(value).toEqual({ RopId: 0x34, InputHandleIndex: 0, ReturnValue: 0 });
  });
});

describe('[MS-OXOMSG] 4.6 The spooler', () => {
  it('4.6.6.2 RopSpoolerLockMessage response: ecNone', () => {
    const { value } = decodeRopExample(`${dir}/4.6.6.2-RopSpoolerLockMessage-response.hex`);
    expect(value).toEqual({ RopId: 0x48, InputHandleIndex: 0, ReturnValue: 0 });
  });
});
