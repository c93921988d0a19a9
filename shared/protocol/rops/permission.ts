/**
 * Permission ROPs: [MS-OXCROPS] 2.2.10, semantics [MS-OXCPERM] 2.2.
 */
import { field } from '../../codec/index.js';
import { countedList, flags8, rowChange } from './common.js';
import { type RopDefinition, defineRop } from './define.js';

const ModifyFlags = { ReplaceRows: 0x01, IncludeFreeBusy: 0x02 };
const PermissionDataFlags = { AddRow: 0x01, ModifyRow: 0x02, RemoveRow: 0x04 };

/** [MS-OXCROPS] 2.2.10.1.1.1 PermissionData. */
const permissionData = rowChange(
  'PermissionData',
  'PermissionDataFlags',
  PermissionDataFlags,
  'What to do with the row: AddRow 0x01, ModifyRow 0x02, RemoveRow 0x04.',
);

/** [MS-OXCROPS] 2.2.10.1 */
export const ropModifyPermissions = defineRop({
  id: 0x40,
  name: 'RopModifyPermissions',
  specRef: 'MS-OXCROPS 2.2.10.1',
  doc: 'Adds, changes or removes rows of a folder permissions table.',
  request: [
    field('ModifyFlags', flags8(ModifyFlags), {
      doc: 'ReplaceRows 0x01 replaces the whole table; IncludeFreeBusy 0x02 covers the free/busy rights ([MS-OXCPERM] 2.2.2).',
    }),
    ...countedList('ModifyCount', 'PermissionsData', permissionData, 'PermissionData', { doc: 'The row changes.' }),
  ],
  response: [],
});

/** [MS-OXCROPS] 2.2.10.2 */
export const ropGetPermissionsTable = defineRop({
  id: 0x3e,
  name: 'RopGetPermissionsTable',
  specRef: 'MS-OXCROPS 2.2.10.2',
  creates: 'table',
  handles: 'in-out',
  doc: 'Opens the permissions table of a folder.',
  request: [
    field('TableFlags', flags8({ IncludeFreeBusy: 0x02 }), {
      doc: 'IncludeFreeBusy 0x02 adds the free/busy rights to the rows.',
    }),
  ],
  response: [],
});

export const permissionRops: readonly RopDefinition[] = [ropModifyPermissions, ropGetPermissionsTable];
