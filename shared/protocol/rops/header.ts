/**
 * The headers every ROP shares, declared once ([MS-OXCROPS] 2.2.1, 1.3.2).
 *
 * Requests start with RopId and LogonId, then one or two handle-table indexes
 * whose names depend on the ROP (`HandleLayout`). Normal responses start with
 * RopId, the echoed handle index and ReturnValue; the response-only ROPs
 * (RopNotify, RopPending, RopBackoff, RopBufferTooSmall) declare their own.
 */
import { type Codec, type FieldDef, field, hex, u8, withDisplay } from '../../codec/index.js';
import { errorCode } from '../oxcdata/errors.js';
import { ROP_NAMES } from './known-rops.js';

export { ROP_NAMES };

/**
 * Which handle-table indexes follow LogonId in the request, and which one the
 * response echoes in its second byte:
 * - `in`: InputHandleIndex; response echoes InputHandleIndex.
 * - `in-out`: InputHandleIndex, OutputHandleIndex (ROPs that create an object); response echoes OutputHandleIndex.
 * - `out`: OutputHandleIndex only (RopLogon); response echoes OutputHandleIndex.
 * - `src-dst`: SourceHandleIndex, DestHandleIndex (move/copy); response echoes SourceHandleIndex.
 * - `resp-in`: ResponseHandleIndex, InputHandleIndex (RopSaveChangesMessage, …); response echoes ResponseHandleIndex.
 */
export type HandleLayout = 'in' | 'in-out' | 'out' | 'src-dst' | 'resp-in';

/** The handle index fields a ROP header may carry. */
export type HandleIndexName =
  'InputHandleIndex' | 'OutputHandleIndex' | 'SourceHandleIndex' | 'DestHandleIndex' | 'ResponseHandleIndex';

export const REQUEST_INDEXES: Readonly<Record<HandleLayout, readonly HandleIndexName[]>> = {
  in: ['InputHandleIndex'],
  'in-out': ['InputHandleIndex', 'OutputHandleIndex'],
  out: ['OutputHandleIndex'],
  'src-dst': ['SourceHandleIndex', 'DestHandleIndex'],
  'resp-in': ['ResponseHandleIndex', 'InputHandleIndex'],
};

export const RESPONSE_INDEX: Readonly<Record<HandleLayout, HandleIndexName>> = {
  in: 'InputHandleIndex',
  'in-out': 'OutputHandleIndex',
  out: 'OutputHandleIndex',
  'src-dst': 'SourceHandleIndex',
  'resp-in': 'ResponseHandleIndex',
};

const INDEX_DOC: Readonly<Record<HandleIndexName, string>> = {
  InputHandleIndex: 'Index into the server object handle table of the object this ROP acts on.',
  OutputHandleIndex: 'Index into the server object handle table where the handle of the created object is stored.',
  SourceHandleIndex: 'Index into the server object handle table of the source object.',
  DestHandleIndex: 'Index into the server object handle table of the destination object.',
  ResponseHandleIndex: 'Index the server echoes in the second byte of the response.',
};

/** RopId byte, shown by name. */
export const ropIdCodec: Codec<number> = withDisplay(u8, (v) => `${ropName(v) ?? 'Unknown'} (${hex(v, 2)})`, 'RopId');

/** Name of a RopId per [MS-OXCROPS] 2.2.2 (its definition's), undefined for reserved or unknown ids. */
export function ropName(id: number): string | undefined {
  return ROP_NAMES[id];
}

/** ReturnValue: an [MS-OXCDATA] 2.4 error code, shown by name. */
export const returnValueCodec: Codec<number> = errorCode;

export const handleIndexCodec: Codec<number> = u8;

/** RopId(1) LogonId(1) and the handle indexes of `layout`. */
export function requestHeader(id: number, layout: HandleLayout): FieldDef[] {
  return [
    field('RopId', ropIdCodec, { derive: () => id, doc: 'Identifies the operation.' }),
    field('LogonId', u8, { doc: 'Which logon (chosen by RopLogon) this operation belongs to.' }),
    ...REQUEST_INDEXES[layout].map((n) => field(n, handleIndexCodec, { doc: INDEX_DOC[n] })),
  ];
}

/** RopId(1), the echoed handle index(1), ReturnValue(4). */
export function responseHeader(id: number, layout: HandleLayout): FieldDef[] {
  const idx = RESPONSE_INDEX[layout];
  return [
    field('RopId', ropIdCodec, {
      derive: () => id,
      doc: 'Identifies the operation this response answers.',
    }),
    field(idx, handleIndexCodec, { doc: INDEX_DOC[idx] }),
    field('ReturnValue', returnValueCodec, {
      derive: () => 0,
      doc: 'Status of the operation: 0 is success, anything else an [MS-OXCDATA] 2.4 error code.',
    }),
  ];
}
