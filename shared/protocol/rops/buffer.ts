/**
 * The ROP buffer carried inside an RPC_HEADER_EXT payload ([MS-OXCRPC] 3.1.4.2.1.1 /
 * [MS-OXCROPS] 2.2.1): RopSize (u16, counts itself and the ROP bytes), the ROP
 * requests or responses, then the server object handle table (u32 each) to the end.
 *
 * Transport framing only: the ROPs are one raw node `RopsBytes` until the ROP
 * decoders take this file over (the response side will read the request's ROPs
 * from `env.context.execRequest`).
 */
import { type Codec, type Scope, type StructValue, arrayToEnd, bytes, field, struct, u16, u32hex } from '../../codec/index.js';

const ropBuffer = (kind: string): Codec<StructValue> =>
  struct(kind, [
    field('RopSize', u16, {
      derive: (v) => 2 + (v.RopsBytes as Uint8Array).length,
      doc: 'Size of RopSize plus the ROP bytes that follow.',
    }),
    field(
      'RopsBytes',
      bytes((s: Scope) => Math.max(0, s.num('RopSize') - 2)),
    ),
    field('ServerObjectHandleTable', arrayToEnd(u32hex, { item: 'ServerObjectHandle' })),
  ]);

export const ropRequestBuffer: Codec<StructValue> = ropBuffer('ROP_REQUEST_BUFFER');
export const ropResponseBuffer: Codec<StructValue> = ropBuffer('ROP_RESPONSE_BUFFER');
