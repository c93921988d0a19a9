/**
 * Folder ROPs: [MS-OXCROPS] 2.2.4, semantics [MS-OXCFOLD] 2.2.1.
 */
import { field } from '../../codec/index.js';
import { bool8, flags8, folderIdCodec, ifNonZero, serverList } from './common.js';
import { type RopDefinition, defineRop } from './define.js';

/** The worked example: a request with an output handle, a success body with a conditional list. */
export const ropOpenFolder = defineRop({
  id: 0x02,
  name: 'RopOpenFolder',
  specRef: 'MS-OXCROPS 2.2.4.1',
  handles: 'in-out',
  doc: 'Opens an existing folder.',
  request: [
    field('FolderId', folderIdCodec, { doc: 'The folder to open.' }),
    field('OpenModeFlags', flags8({ OpenSoftDeleted: 0x04 }), { doc: 'How to open the folder ([MS-OXCFOLD] 2.2.1.1.1).' }),
  ],
  response: [
    field('HasRules', bool8, { doc: 'Whether the folder has rules.' }),
    field('IsGhosted', bool8, { doc: 'Whether the (public) folder has no local replica.' }),
    ...serverList('ServerCount', 'CheapServerCount', 'Servers', ifNonZero('IsGhosted')),
  ],
});

export const folderRops: readonly RopDefinition[] = [ropOpenFolder];
