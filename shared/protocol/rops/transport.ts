/**
 * Transport ROPs: [MS-OXCROPS] 2.2.7, semantics [MS-OXOMSG] 2.2.5 (and the
 * spooler ROPs that only [MS-OXCROPS] describes).
 */
import { array, asciiZ, bytes, enumOf, field, sized, u8, u16, u32 } from '../../codec/index.js';
import { taggedPropertyValue } from '../oxcdata/values.js';
import { bool8, countedList, flags8, folderIdCodec, messageIdCodec, sizedBytes } from './common.js';
import { type RopDefinition, defineRop } from './define.js';

export const SubmitFlags = { PreProcess: 0x01, NeedsSpooler: 0x02 } as const;
export const LockState: Readonly<Record<number, string>> = { 0: 'lstLock', 1: 'lstUnlock', 2: 'lstFinished' };

export const ropSubmitMessage = defineRop({
  id: 0x32,
  name: 'RopSubmitMessage',
  specRef: 'MS-OXCROPS 2.2.7.1',
  request: [field('SubmitFlags', flags8(SubmitFlags))],
  response: [],
});

export const ropAbortSubmit = defineRop({
  id: 0x34,
  name: 'RopAbortSubmit',
  specRef: 'MS-OXCROPS 2.2.7.2',
  request: [field('FolderId', folderIdCodec), field('MessageId', messageIdCodec)],
  response: [],
});

export const ropGetAddressTypes = defineRop({
  id: 0x49,
  name: 'RopGetAddressTypes',
  specRef: 'MS-OXCROPS 2.2.7.3',
  request: [],
  response: [
    field('AddressTypeCount', u16, { derive: (v) => (v.AddressTypes as unknown[]).length }),
    field('AddressTypeSize', u16, { derive: (_v, h) => h.sizeOf('AddressTypes'), doc: 'Byte count of AddressTypes.' }),
    field('AddressTypes', sized(array(asciiZ, 'AddressTypeCount', { item: 'AddressType' }), 'AddressTypeSize')),
  ],
});

export const ropSetSpooler = defineRop({
  id: 0x47,
  name: 'RopSetSpooler',
  specRef: 'MS-OXCROPS 2.2.7.4',
  request: [],
  response: [],
});

export const ropSpoolerLockMessage = defineRop({
  id: 0x48,
  name: 'RopSpoolerLockMessage',
  specRef: 'MS-OXCROPS 2.2.7.5',
  request: [field('MessageId', messageIdCodec), field('LockState', enumOf(u8, LockState))],
  response: [],
});

export const ropTransportSend = defineRop({
  id: 0x4a,
  name: 'RopTransportSend',
  specRef: 'MS-OXCROPS 2.2.7.6',
  request: [],
  response: [
    field('NoPropertiesReturned', bool8),
    ...countedList('PropertyValueCount', 'PropertyValues', taggedPropertyValue, 'TaggedPropertyValue').map((f) =>
      field(f.name, f.codec, { ...f.opts, when: (s) => s.num('NoPropertiesReturned') === 0 }),
    ),
  ],
});

export const ropTransportNewMail = defineRop({
  id: 0x51,
  name: 'RopTransportNewMail',
  specRef: 'MS-OXCROPS 2.2.7.7',
  request: [
    field('MessageId', messageIdCodec),
    field('FolderId', folderIdCodec),
    field('MessageClass', asciiZ),
    field('MessageFlags', u32),
  ],
  response: [],
});

export const ropGetTransportFolder = defineRop({
  id: 0x6d,
  name: 'RopGetTransportFolder',
  specRef: 'MS-OXCROPS 2.2.7.8',
  request: [],
  response: [field('FolderId', folderIdCodec)],
});

export const ropOptionsData = defineRop({
  id: 0x6f,
  name: 'RopOptionsData',
  specRef: 'MS-OXCROPS 2.2.7.9',
  request: [field('AddressType', asciiZ), field('WantWin32', bool8)],
  response: [
    field('Reserved', u8),
    ...sizedBytes('OptionsInfoSize', 'OptionsInfo'),
    field('HelpFileSize', u16, { derive: (v) => (v.HelpFile === undefined ? 0 : (v.HelpFile as Uint8Array).length) }),
    field('HelpFile', bytes('HelpFileSize'), { when: (s) => s.num('HelpFileSize') !== 0 }),
    field('HelpFileName', asciiZ, { when: (s) => s.num('HelpFileSize') !== 0 }),
  ],
});

export const transportRops: readonly RopDefinition[] = [
  ropSubmitMessage,
  ropAbortSubmit,
  ropGetAddressTypes,
  ropSetSpooler,
  ropSpoolerLockMessage,
  ropTransportSend,
  ropTransportNewMail,
  ropGetTransportFolder,
  ropOptionsData,
];
