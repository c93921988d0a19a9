import { describe, expect, it } from 'vitest';
import { collectErrors, decode, fromHex } from '../../../../shared/codec/index.js';
import {
  permissionRops,
  ropGetPermissionsTable,
  ropModifyPermissions,
} from '../../../../shared/protocol/rops/permission.js';
import { child, layout, roundTrip } from './rop-helpers.js';

// Bytes built from [MS-OXCROPS] 2.2.10 (no capture in the fixtures has permission ROPs).
describe('permission ROPs', () => {
  it('RopModifyPermissions: one AddRow with PidTagEntryId and PidTagMemberRights', () => {
    const hex = '40 00 01 00 0100 01 0200 0201 FF0F 0300 01 02 03 0300 7366 1B040000';
    const { value, tree } = roundTrip(ropModifyPermissions.request, hex);
    expect(value).toMatchObject({ ModifyFlags: 0, ModifyCount: 1 });
    expect(value.PermissionsData).toEqual([
      {
        PermissionDataFlags: 1,
        PropertyValueCount: 2,
        PropertyValues: [
          { PropertyTag: 0x0fff0102, PropertyValue: new Uint8Array([1, 2, 3]) },
          { PropertyTag: 0x66730003, PropertyValue: 0x41b },
        ],
      },
    ]);
    const row = child(tree, 'PermissionsData')!.children![0]!;
    expect(layout(row)).toEqual([
      ['PermissionDataFlags', 6, 1],
      ['PropertyValueCount', 7, 2],
      ['PropertyValues', 9, 17],
    ]);
    expect(row.display).toBe('AddRow, 2 value(s)');
  });

  it('RopModifyPermissions: ReplaceRows with no rows; a count beyond the buffer is an error node', () => {
    roundTrip(ropModifyPermissions.request, '40 00 01 01 0000');
    const { tree } = decode(ropModifyPermissions.request!, fromHex('40 00 01 00 FFFF 01'));
    expect(collectErrors(tree).map((e) => e.path)).toEqual(['RopModifyPermissionsRequest/PermissionsData']);
    roundTrip(ropModifyPermissions.response, '40 01 00000000');
  });

  it('RopGetPermissionsTable: in-out handles, IncludeFreeBusy flag', () => {
    const q = roundTrip(ropGetPermissionsTable.request, '3E 00 00 01 02');
    expect(q.value).toEqual({ RopId: 0x3e, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, TableFlags: 2 });
    expect(q.tree.children![4]!.display).toBe('0x02 (IncludeFreeBusy)');
    roundTrip(ropGetPermissionsTable.response, '3E 01 00000000');
    expect(permissionRops.map((d) => d.id)).toEqual([0x40, 0x3e]);
  });
});
