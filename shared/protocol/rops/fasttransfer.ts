/**
 * FastTransfer ROPs: [MS-OXCROPS] 2.2.12, semantics [MS-OXCFXICS] 2.2.3.1.
 * TransferData / TransferBuffer hold a FastTransfer stream, lexed by
 * fasttransfer-stream.ts.
 */
import { type FieldDef, array, enumOf, field, sized, u16, u16hex, u32, u8 } from '../../codec/index.js';

import { BABE, countedList, flags32, flags8, messageIdCodec, sendOptions, tagList } from './common.js';

import { type RopDefinition, defineRop } from './define.js';

import { contentStream } from './fasttransfer-kind.js';
import { type FxElement, fxStream } from './fasttransfer-stream.js';

/** [MS-OXCFXICS] 2.2.3.1.1.5.2 TransferStatus. */
export const TransferStatus: Readonly<Record<number, string>> = {
  0x0000: 'Error',
  0x0001: 'Partial',
  0x0002: 'NoRoom',
  0x0003: 'Done',
};
const transferStatus = enumOf(u16, TransferStatus);

/** A FastTransfer stream of `sizeName` bytes: its size is derived from the encoded stream. */
function transferStream<const S extends string, const D extends string>(
  sizeName: S,
  dataName: D,
  doc: string,
): [FieldDef<S, number>, FieldDef<D, FxElement[] | undefined>] {
  return [
    field(sizeName, u16, { derive: (_v, h) => h.sizeOf(dataName), doc: `Size of ${dataName} in bytes.` }),
    field(dataName, sized(fxStream, sizeName), { doc }),
  ];
}

/** TransferStatus … BufferUsedSize of the PutBuffer responses; the counters have `counter` width. */
function putBufferResponse(counter: typeof u16): FieldDef[] {
  return [
    field('TransferStatus', transferStatus, { doc: 'Clients ignore this field ([MS-OXCFXICS] 2.2.3.1.2.2.2).' }),
    field('InProgressCount', counter, { doc: 'Steps done so far (progress display only).' }),
    field('TotalStepCount', counter, { doc: 'Approximate number of steps in total (progress display only).' }),
    field('Reserved', u8, { doc: 'Reserved, 0x00.' }),
    field('BufferUsedSize', u16, { doc: 'Bytes of TransferData the server processed.' }),
  ];
}

const ConfigureSourceOperation = { 0x01: 'CopyTo', 0x02: 'CopyProperties', 0x03: 'CopyMessages', 0x04: 'CopyFolder' };

/** [MS-OXCROPS] 2.2.12.1 */
export const ropFastTransferDestinationConfigure = defineRop({
  id: 0x53,
  name: 'RopFastTransferDestinationConfigure',
  specRef: 'MS-OXCROPS 2.2.12.1',
  creates: 'fasttransfer-destination',
  handles: 'in-out',
  doc: 'Creates an upload context for a FastTransfer stream.',
  request: [
    field('SourceOperation', enumOf(u8, ConfigureSourceOperation), {
      doc: 'The kind of stream that will be uploaded.',
    }),
    field('CopyFlags', flags8({ Move: 0x01 }), { doc: 'Move 0x01: the source objects are deleted after the copy.' }),
  ],
  // [MS-OXCFXICS] 2.2.3.1.2.1.1: the stream the SourceOperation names.
  opensStream: (q, on) => {
    const by = on ? { by: ` on a ${on}` } : {};
    switch (q.SourceOperation) {
      case 0x01:
      case 0x02:
        return contentStream(on);
      case 0x03:
        return { kind: 'messageList', ...by };
      case 0x04:
        return { kind: 'topFolder', ...by };
      default:
        return undefined;
    }
  },
  response: [],
});

/** [MS-OXCROPS] 2.2.12.2 */
export const ropFastTransferDestinationPutBuffer = defineRop({
  id: 0x54,
  name: 'RopFastTransferDestinationPutBuffer',
  specRef: 'MS-OXCROPS 2.2.12.2',
  doc: 'Uploads the next part of a FastTransfer stream.',
  request: transferStream('TransferDataSize', 'TransferData', 'The next part of the FastTransfer stream.'),
  response: putBufferResponse(u16),
  failure: putBufferResponse(u16),
  failureOptional: true,
});

/** [MS-OXCROPS] 2.2.12.3: as RopFastTransferDestinationPutBuffer with 4-byte progress counters. */
export const ropFastTransferDestinationPutBufferExtended = defineRop({
  id: 0x9d,
  name: 'RopFastTransferDestinationPutBufferExtended',
  specRef: 'MS-OXCROPS 2.2.12.3',
  doc: 'Uploads the next part of a FastTransfer stream (extended progress counters).',
  request: transferStream('TransferDataSize', 'TransferData', 'The next part of the FastTransfer stream.'),
  response: putBufferResponse(u32),
  failure: putBufferResponse(u32),
  failureOptional: true,
});

const getBufferHead = () => [
  field('TransferStatus', transferStatus, { doc: 'Error, Partial (more to come), NoRoom or Done.' }),
  field('InProgressCount', u16, { doc: 'Steps done so far (progress display only).' }),
  field('TotalStepCount', u16, { doc: 'Approximate number of steps in total (progress display only).' }),
  field('Reserved', u8, { doc: 'Reserved, 0x00.' }),
];

/** [MS-OXCROPS] 2.2.12.4 */
export const ropFastTransferSourceGetBuffer = defineRop({
  id: 0x4e,
  name: 'RopFastTransferSourceGetBuffer',
  specRef: 'MS-OXCROPS 2.2.12.4',
  chainable: true,
  doc: 'Downloads the next part of a FastTransfer stream.',
  request: [
    field('BufferSize', u16hex, { doc: 'Bytes wanted; 0xBABE lets the server choose, up to MaximumBufferSize.' }),
    // [MS-OXCFXICS] 2.2.3.1.1.5.1: MaximumBufferSize (2 bytes) is present iff BufferSize is 0xBABE.
    field('MaximumBufferSize', u16, {
      when: (s) => s.num('BufferSize') === BABE,
      doc: 'Upper bound on the buffer size when BufferSize is 0xBABE.',
    }),
  ],
  response: [
    ...getBufferHead(),
    ...transferStream('TransferBufferSize', 'TransferBuffer', 'The next part of the FastTransfer stream.'),
  ],
  failure: [
    ...getBufferHead(),
    ...transferStream('TransferBufferSize', 'TransferBuffer', 'Stream bytes sent before the failure.'),
  ],
  failureOptional: true,
  // [MS-OXCROPS] 2.2.12.4.2: with ecServerBusy the buffer is replaced by BackoffTime.
  responseFor: {
    0x480: [
      ...getBufferHead(),
      field('TransferBufferSize', u16, { doc: 'Size of the (absent) transfer buffer.' }),
      field('BackoffTime', u32, { doc: 'Milliseconds to wait before asking again.' }),
    ],
  },
});

/** [MS-OXCROPS] 2.2.12.5 */
export const ropFastTransferSourceCopyFolder = defineRop({
  id: 0x4c,
  name: 'RopFastTransferSourceCopyFolder',
  specRef: 'MS-OXCROPS 2.2.12.5',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a download context for a folder and, optionally, its subfolders.',
  request: [
    field('CopyFlags', flags8({ Move: 0x01, CopySubfolders: 0x10 }), { doc: 'Move 0x01, CopySubfolders 0x10.' }),
    field('SendOptions', sendOptions, { doc: 'How the stream is produced ([MS-OXCFXICS] 2.2.3.1.1.1.2).' }),
  ],
  opensStream: () => ({ kind: 'topFolder' }),
  response: [],
});

/** [MS-OXCROPS] 2.2.12.6 */
export const ropFastTransferSourceCopyMessages = defineRop({
  id: 0x4b,
  name: 'RopFastTransferSourceCopyMessages',
  specRef: 'MS-OXCROPS 2.2.12.6',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a download context for messages of a folder.',
  request: [
    ...countedList('MessageIdCount', 'MessageIds', messageIdCodec, 'MessageId', { doc: 'The messages to download.' }),
    field('CopyFlags', flags8({ Move: 0x01, BestBody: 0x10, SendEntryId: 0x20 }), {
      doc: 'Move 0x01, BestBody 0x10, SendEntryId 0x20.',
    }),
    field('SendOptions', sendOptions, { doc: 'How the stream is produced ([MS-OXCFXICS] 2.2.3.1.1.1.2).' }),
  ],
  opensStream: () => ({ kind: 'messageList' }),
  response: [],
});

/** [MS-OXCROPS] 2.2.12.7: CopyFlags has 4 bytes here. */
export const ropFastTransferSourceCopyTo = defineRop({
  id: 0x4d,
  name: 'RopFastTransferSourceCopyTo',
  specRef: 'MS-OXCROPS 2.2.12.7',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a download context for every property of an object except the listed ones.',
  request: [
    field('Level', u8, { doc: 'Non-zero: sub-objects are left out.' }),
    field('CopyFlags', flags32({ Move: 0x00000001, BestBody: 0x00002000 }), {
      doc: 'Move 0x00000001, BestBody 0x00002000.',
    }),
    field('SendOptions', sendOptions, { doc: 'How the stream is produced ([MS-OXCFXICS] 2.2.3.1.1.1.2).' }),
    ...tagList('PropertyTagCount', 'PropertyTags', 'Properties to leave out.'),
  ],
  opensStream: (_q, on) => contentStream(on),
  response: [],
});

/** [MS-OXCROPS] 2.2.12.8 */
export const ropFastTransferSourceCopyProperties = defineRop({
  id: 0x69,
  name: 'RopFastTransferSourceCopyProperties',
  specRef: 'MS-OXCROPS 2.2.12.8',
  creates: 'fasttransfer-source',
  handles: 'in-out',
  doc: 'Creates a download context for the listed properties of an object.',
  request: [
    field('Level', u8, { doc: 'Non-zero: sub-objects are left out.' }),
    field('CopyFlags', flags8({ Move: 0x01 }), { doc: 'Move 0x01.' }),
    field('SendOptions', sendOptions, { doc: 'How the stream is produced ([MS-OXCFXICS] 2.2.3.1.1.1.2).' }),
    ...tagList('PropertyTagCount', 'PropertyTags', 'Properties to include.'),
  ],
  opensStream: (_q, on) => contentStream(on),
  response: [],
});

/** [MS-OXCROPS] 2.2.12.9 */
export const ropTellVersion = defineRop({
  id: 0x86,
  name: 'RopTellVersion',
  specRef: 'MS-OXCROPS 2.2.12.9',
  doc: 'Tells a FastTransfer context the version of the server that produced the stream.',
  request: [
    field('Version', array(u16, 3, { item: 'VersionPart', summary: (p) => (p as number[]).join('.') }), {
      doc: 'Major, minor and build number of the other server.',
    }),
  ],
  response: [],
});

export const fastTransferRops: readonly RopDefinition[] = [
  ropFastTransferDestinationConfigure,
  ropFastTransferDestinationPutBuffer,
  ropFastTransferDestinationPutBufferExtended,
  ropFastTransferSourceGetBuffer,
  ropFastTransferSourceCopyFolder,
  ropFastTransferSourceCopyMessages,
  ropFastTransferSourceCopyTo,
  ropFastTransferSourceCopyProperties,
  ropTellVersion,
];
