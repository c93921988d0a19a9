/**
 * [MS-OXCPERM] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxcperm).
 */
import { describe, expect, it } from 'vitest';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxcperm';

describe('[MS-OXCPERM] 4.1 Adding an entry to the permissions list', () => {
  it('RopOpenStream request for PidTagSecurityDescriptorAsXml, read-only', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1-a-RopOpenStream-request.hex`);
    expect(value).toEqual({
      RopId: 0x2b,
      LogonId: 0,
      InputHandleIndex: 1,
      OutputHandleIndex: 2,
      PropertyTag: 0x0e6a001f,
      OpenModeFlags: 0x00,
    });
    expect(span(tree, 'OpenModeFlags')).toEqual([8, 1]);
  });
  it('RopOpenStream response: ecNotImplemented (0x80040102), six bytes, no StreamSize', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1-b-RopOpenStream-response.hex`);
    expect(value).toEqual({ RopId: 0x2b, OutputHandleIndex: 2, ReturnValue: 0x80040102 });
    expect(span(tree, 'ReturnValue')).toEqual([2, 4]);
  });
  it('RopGetPermissionsTable request: IncludeFreeBusy', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1-c-RopGetPermissionsTable-request.hex`);
    expect(value).toEqual({ RopId: 0x3e, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 0x02 });
    expect(tree.children!.find((c) => c.name === 'TableFlags')!.display).toMatch(/IncludeFreeBusy/);
  });
});
