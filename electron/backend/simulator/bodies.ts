/**
 * The bodies the simulator and the replayer build and rewrite, on top of the
 * shared transport codecs (shared/protocol: emsmdb, nspi, rpcext): Connect,
 * Execute, Disconnect, NotificationWait ([MS-OXCMAPIHTTP] 2.2.4), Bind/Unbind
 * (2.2.5.1/2.2.5.2), the extended buffers of Execute ([MS-OXCRPC] 3.1.4.2.1)
 * and the ROP buffer inside them ([MS-OXCROPS] 2.2.1), with the ROPs kept raw.
 */
import { type StructValue, Writer, collectErrors, decode, encode } from '../../../shared/codec/index.js';
import {
  connectRequest,
  connectResponse,
  disconnectResponse,
  executeRequestRaw,
  executeResponseRaw,
  notificationWaitResponse,
  rawRopRequestBuffer,
  rawRopResponseBuffer,
} from '../../../shared/protocol/emsmdb/index.js';
import { bindResponse, unbindResponse } from '../../../shared/protocol/nspi/index.js';
import { buildExtendedBufferChain, chainPayloads, encodeRpcExtBuffer } from '../../../shared/protocol/rpcext/index.js';

export { connectRequest, connectResponse, disconnectResponse, notificationWaitResponse, bindResponse, unbindResponse };

const NO_AUX = { AuxiliaryBuffer: [] as StructValue[] };

export function buildConnectResponse(displayName: string, dnPrefix = ''): Uint8Array {
  return encode(connectResponse, {
    StatusCode: 0,
    ErrorCode: 0,
    PollsMax: 60000,
    RetryCount: 6,
    RetryDelay: 10000,
    DnPrefix: dnPrefix,
    DisplayName: displayName,
    ...NO_AUX,
  });
}
/** A failure body (StatusCode ≠ 0, no aux), the layout every request type shares ([MS-OXCMAPIHTTP] 2.2.4.x.3). */
export function buildFailureBody(statusCode: number): Uint8Array {
  const w = new Writer(8);
  w.u32(statusCode).u32(0);
  return w.finish();
}
export const buildDisconnectResponse = (): Uint8Array =>
  encode(disconnectResponse, { StatusCode: 0, ErrorCode: 0, ...NO_AUX });
export const buildNotificationWaitResponse = (eventPending: boolean): Uint8Array =>
  encode(notificationWaitResponse, { StatusCode: 0, ErrorCode: 0, EventPending: eventPending ? 1 : 0, ...NO_AUX });
export const buildBindResponse = (serverGuid: string): Uint8Array =>
  encode(bindResponse, { StatusCode: 0, ErrorCode: 0, ServerGuid: serverGuid, ...NO_AUX });
/** NspiUnbind returns UnbindSuccess (1) as ErrorCode ([MS-OXNSPI] 3.1.4.1.2). */
export const buildUnbindResponse = (): Uint8Array => encode(unbindResponse, { StatusCode: 0, ErrorCode: 1, ...NO_AUX });

// ---------------------------------------------------------------------------
// ROP buffers ([MS-OXCROPS] 2.2.1): RopSize, ROPs, server object handle table

export interface RopPayload {
  rops: Uint8Array;
  handles: number[];
}

export function writeRopPayload(rp: RopPayload): Uint8Array {
  const w = new Writer(2 + rp.rops.length + 4 * rp.handles.length);
  w.u16(2 + rp.rops.length).bytes(rp.rops);
  for (const h of rp.handles) w.u32(h);
  return w.finish();
}

/** One uncompressed, unobfuscated extended buffer around `payload`. */
export function writeExtBuffer(payload: Uint8Array, last = true): Uint8Array {
  return encodeRpcExtBuffer(payload, { last });
}

export interface ParsedExecute {
  /** The decoded body (raw ROP buffers), for re-encoding with new payloads. */
  value: StructValue;
  payloads: RopPayload[];
}

function parseExecute(kind: 'request' | 'response', body: Uint8Array): ParsedExecute | undefined {
  const d = decode(kind === 'request' ? executeRequestRaw : executeResponseRaw, body);
  if (!d.value) return undefined;
  if (kind === 'response' && d.value.StatusCode !== 0) return { value: d.value, payloads: [] };
  const chain = d.value.RopBuffer as StructValue[] | undefined;
  const bufs = chainPayloads<StructValue>(chain);
  if (!chain || bufs.length === 0 || bufs.some((b) => !b || !(b.RopsBytes instanceof Uint8Array))) return undefined;
  // A ROP buffer whose framing failed (bad RopSize, bad LZ77) is not something to answer or rewrite.
  if (collectErrors(d.tree).some((e) => /RopBuffer/.test(e.path))) return undefined;
  return {
    value: d.value,
    payloads: bufs.map((b) => ({
      rops: b!.RopsBytes as Uint8Array,
      handles: [...((b!.ServerObjectHandleTable as number[]) ?? [])],
    })),
  };
}

/** Decoded Execute request: its ROP payloads (usually one). Undefined when the body does not parse. */
export const parseExecuteRequest = (body: Uint8Array): ParsedExecute | undefined => parseExecute('request', body);
/** Decoded Execute response (no payloads for a failure body). */
export const parseExecuteResponse = (body: Uint8Array): ParsedExecute | undefined => parseExecute('response', body);

/** Re-encodes an Execute request or response body with new ROP payloads (uncompressed, no XOR). */
export function withRopPayloads(
  kind: 'request' | 'response',
  value: StructValue,
  payloads: readonly RopPayload[],
): Uint8Array {
  const inner = kind === 'request' ? rawRopRequestBuffer : rawRopResponseBuffer;
  const name = kind === 'request' ? 'ROP_REQUEST_BUFFER' : 'ROP_RESPONSE_BUFFER';
  const chain = buildExtendedBufferChain(inner, name, payloads.map(writeRopPayload));
  const v: StructValue = { ...value, RopBuffer: chain };
  delete v.RopBufferSize;
  return encode(kind === 'request' ? executeRequestRaw : executeResponseRaw, v);
}

/**
 * Execute success response around ROP output payloads, no auxiliary buffer
 * ([MS-OXCMAPIHTTP] 2.2.4.2.2): written field by field (the hot path of the
 * simulator), each payload framed by the shared `encodeRpcExtBuffer`.
 */
export function buildExecuteResponse(ropPayloads: readonly RopPayload[], errorCode = 0): Uint8Array {
  const bufs = ropPayloads.map((p, i) =>
    encodeRpcExtBuffer(writeRopPayload(p), { last: i === ropPayloads.length - 1 }),
  );
  const size = bufs.reduce((n, b) => n + b.length, 0);
  const w = new Writer(20 + size);
  w.u32(0).u32(errorCode).u32(0).u32(size);
  for (const b of bufs) w.bytes(b);
  w.u32(0);
  return w.finish();
}

// ---------------------------------------------------------------------------
// Request builders (used by tests, the probe-style client and the benchmark)

export function buildConnectRequest(userDn: string): Uint8Array {
  return encode(connectRequest, {
    UserDn: userDn,
    Flags: 0,
    DefaultCodePage: 1252,
    LcidSort: 0x409,
    LcidString: 0x409,
    ...NO_AUX,
  });
}

/** Execute request with one uncompressed extended buffer (Flags NoCompression | NoXorMagic). */
export function buildExecuteRequest(rops: Uint8Array, handles: readonly number[]): Uint8Array {
  return withRopPayloads('request', { Flags: 0x3, MaxRopOut: 0x40000, ...NO_AUX }, [{ rops, handles: [...handles] }]);
}

/** RopLogon request for a private mailbox ([MS-OXCROPS] 2.2.3.1.1). */
export function ropLogonRequest(essdn: string, outputHandleIndex = 0, logonId = 0): Uint8Array {
  const dn = new TextEncoder().encode(essdn + '\0');
  const w = new Writer(16 + dn.length);
  w.u8(0xfe).u8(logonId).u8(outputHandleIndex).u8(0x01).u32(0x01000c04).u32(0).u16(dn.length).bytes(dn);
  return w.finish();
}

export const buildDisconnectRequest = (): Uint8Array => new Uint8Array(4);
export const buildNotificationWaitRequest = (): Uint8Array => new Uint8Array(8);
