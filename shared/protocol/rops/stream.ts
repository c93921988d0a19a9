/**
 * Stream ROPs: [MS-OXCROPS] 2.2.9, semantics [MS-OXCPRPT] 2.2.14–2.2.25.
 *
 * The write and read ROPs have one layout for success and failure in
 * [MS-OXCROPS] (DataSize/Data, WrittenSize after ReturnValue); servers differ on
 * whether they send those fields after an error (gromox omits them), so they are
 * declared as optional failure fields.
 */
import { type FieldDef, enumOf, field, hex, i64, u16, u16hex, u32, u64, u8, withDisplay } from '../../codec/index.js';
import { propertyTag } from '../oxcdata/types.js';
import { BABE, sizedData } from './common.js';
import { type RopDefinition, defineRop } from './define.js';

/** [MS-OXCPRPT] 2.2.14.1: one of these values, not a bit set. */
const OpenModeFlags = { 0x00: 'ReadOnly', 0x01: 'ReadWrite', 0x02: 'Create', 0x03: 'BestAccess' };
const SeekOrigin = { 0x00: 'Beginning', 0x01: 'Current', 0x02: 'End' };
/**
 * [MS-OXCPRPT] 2.2.24.1 LockFlags: one value, not a bit set: 0x00000001 is an
 * exclusive lock, any other value a write lock.
 */
const lockFlags = withDisplay(u32, (v) => `${v === 1 ? 'LockExclusive' : 'write lock'} (${hex(v, 8)})`, 'LockFlags');

/** [MS-OXCROPS] 2.2.9.1 */
export const ropOpenStream = defineRop({
  id: 0x2b,
  name: 'RopOpenStream',
  specRef: 'MS-OXCROPS 2.2.9.1',
  creates: 'stream',
  handles: 'in-out',
  doc: 'Opens a property of a folder, message or attachment as a stream.',
  request: [
    field('PropertyTag', propertyTag, { doc: 'The property to open as a stream.' }),
    field('OpenModeFlags', enumOf(u8, OpenModeFlags), {
      doc: 'Access requested: ReadOnly 0x00, ReadWrite 0x01, Create 0x02 (replaces the value), BestAccess 0x03.',
    }),
  ],
  response: [field('StreamSize', u32, { doc: 'Size of the stream in bytes.' })],
});

/** [MS-OXCROPS] 2.2.9.2 */
export const ropReadStream = defineRop({
  id: 0x2c,
  name: 'RopReadStream',
  specRef: 'MS-OXCROPS 2.2.9.2',
  chainable: true,
  doc: 'Reads bytes from a stream.',
  request: [
    field('ByteCount', u16hex, { doc: 'Bytes to read; 0xBABE means up to MaximumByteCount.' }),
    // [MS-OXCROPS] 2.2.9.2.1: MaximumByteCount is present iff ByteCount is 0xBABE.
    field('MaximumByteCount', u32, {
      when: (s) => s.num('ByteCount') === BABE,
      doc: 'Upper bound on the bytes to read when ByteCount is 0xBABE.',
    }),
  ],
  response: sizedData('DataSize', 'Data', 'The bytes read.'),
  failure: sizedData('DataSize', 'Data', 'The bytes read before the failure.'),
  failureOptional: true,
});

const writeResponse = (doc: string, sizeCodec = u16): FieldDef[] => [field('WrittenSize', sizeCodec, { doc })];

/** [MS-OXCROPS] 2.2.9.3 */
export const ropWriteStream = defineRop({
  id: 0x2d,
  name: 'RopWriteStream',
  specRef: 'MS-OXCROPS 2.2.9.3',
  doc: 'Writes bytes to a stream.',
  request: sizedData('DataSize', 'Data', 'The bytes to write.'),
  response: writeResponse('Bytes actually written.'),
  failure: writeResponse('Bytes written before the failure.'),
  failureOptional: true,
});

/** [MS-OXCROPS] 2.2.9.4: as RopWriteStream, but WrittenSize has 4 bytes. */
export const ropWriteStreamExtended = defineRop({
  id: 0xa3,
  name: 'RopWriteStreamExtended',
  specRef: 'MS-OXCROPS 2.2.9.4',
  doc: 'Writes bytes to a stream; the request may be packed across several extended buffers.',
  request: sizedData('DataSize', 'Data', 'The bytes to write.'),
  response: writeResponse('Bytes actually written.', u32),
  failure: writeResponse('Bytes written before the failure.', u32),
  failureOptional: true,
});

/** [MS-OXCROPS] 2.2.9.5 */
export const ropCommitStream = defineRop({
  id: 0x5d,
  name: 'RopCommitStream',
  specRef: 'MS-OXCROPS 2.2.9.5',
  doc: 'Commits the changes made to a stream.',
  request: [],
  response: [],
});

/** [MS-OXCROPS] 2.2.9.6 */
export const ropGetStreamSize = defineRop({
  id: 0x5e,
  name: 'RopGetStreamSize',
  specRef: 'MS-OXCROPS 2.2.9.6',
  doc: 'Returns the size of a stream.',
  request: [],
  response: [field('StreamSize', u32, { doc: 'Size of the stream in bytes.' })],
});

/** [MS-OXCROPS] 2.2.9.7 */
export const ropSetStreamSize = defineRop({
  id: 0x2f,
  name: 'RopSetStreamSize',
  specRef: 'MS-OXCROPS 2.2.9.7',
  doc: 'Sets the size of a stream.',
  request: [field('StreamSize', u64, { doc: 'New size of the stream in bytes.' })],
  response: [],
});

/** [MS-OXCROPS] 2.2.9.8 */
export const ropSeekStream = defineRop({
  id: 0x2e,
  name: 'RopSeekStream',
  specRef: 'MS-OXCROPS 2.2.9.8',
  doc: 'Moves the seek pointer of a stream.',
  request: [
    field('Origin', enumOf(u8, SeekOrigin), { doc: 'Where Offset is measured from.' }),
    field('Offset', i64, { doc: 'Signed distance to move, in bytes.' }),
  ],
  response: [field('NewPosition', u64, { doc: 'The seek pointer after the move.' })],
});

const copyCounts = (): FieldDef[] => [
  field('ReadByteCount', u64, { doc: 'Bytes read from the source stream.' }),
  field('WrittenByteCount', u64, { doc: 'Bytes written to the destination stream.' }),
];

/** [MS-OXCROPS] 2.2.9.9 */
export const ropCopyToStream = defineRop({
  id: 0x3a,
  name: 'RopCopyToStream',
  specRef: 'MS-OXCROPS 2.2.9.9',
  handles: 'src-dst',
  doc: 'Copies bytes from one stream to another.',
  request: [field('ByteCount', u64, { doc: 'Bytes to copy.' })],
  response: copyCounts(),
  failure: copyCounts(),
  failureOptional: true,
  // [MS-OXCROPS] 2.2.9.9.3: ecDstNullObject echoes DestHandleIndex as 4 bytes, then the counts.
  responseFor: {
    0x503: [
      field('DestHandleIndex', u32, { doc: 'The destination handle index that held no object.' }),
      ...copyCounts(),
    ],
  },
});

const region = (): FieldDef[] => [
  field('RegionOffset', u64, { doc: 'Start of the byte range.' }),
  field('RegionSize', u64, { doc: 'Length of the byte range.' }),
  field('LockFlags', lockFlags, { doc: 'Lock type: 0x00000001 exclusive, otherwise write-protect.' }),
];

/** [MS-OXCROPS] 2.2.9.10 */
export const ropLockRegionStream = defineRop({
  id: 0x5b,
  name: 'RopLockRegionStream',
  specRef: 'MS-OXCROPS 2.2.9.10',
  doc: 'Locks a byte range of a stream.',
  request: region(),
  response: [],
});

/** [MS-OXCROPS] 2.2.9.11 */
export const ropUnlockRegionStream = defineRop({
  id: 0x5c,
  name: 'RopUnlockRegionStream',
  specRef: 'MS-OXCROPS 2.2.9.11',
  doc: 'Unlocks a byte range of a stream.',
  request: region(),
  response: [],
});

/** [MS-OXCROPS] 2.2.9.12: the request and response of RopWriteStream under another RopId. */
export const ropWriteAndCommitStream = defineRop({
  id: 0x90,
  name: 'RopWriteAndCommitStream',
  specRef: 'MS-OXCROPS 2.2.9.12',
  doc: 'Writes bytes to a stream and commits it.',
  request: sizedData('DataSize', 'Data', 'The bytes to write.'),
  response: writeResponse('Bytes actually written.'),
  failure: writeResponse('Bytes written before the failure.'),
  failureOptional: true,
});

/** [MS-OXCROPS] 2.2.9.13 */
export const ropCloneStream = defineRop({
  id: 0x3b,
  name: 'RopCloneStream',
  specRef: 'MS-OXCROPS 2.2.9.13',
  creates: 'stream',
  handles: 'in-out',
  doc: 'Creates a new stream object on the same data with its own seek pointer.',
  request: [],
  response: [],
});

export const streamRops: readonly RopDefinition[] = [
  ropOpenStream,
  ropReadStream,
  ropWriteStream,
  ropWriteStreamExtended,
  ropCommitStream,
  ropGetStreamSize,
  ropSetStreamSize,
  ropSeekStream,
  ropCopyToStream,
  ropLockRegionStream,
  ropUnlockRegionStream,
  ropWriteAndCommitStream,
  ropCloneStream,
];
