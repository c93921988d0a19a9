/**
 * Mailbox endpoint bodies ([MS-OXCMAPIHTTP] 2.2.4): Connect, Execute,
 * Disconnect, NotificationWait, PING. Every response starts with StatusCode;
 * 0 selects the success layout, anything else the failure layout
 * (StatusCode, AuxiliaryBufferSize, AuxiliaryBuffer) — 2.2.4.x.3.
 */
import {
  type Codec,
  type FieldDef,
  type Scope,
  type StructValue,
  arrayToEnd,
  asciiZ,
  bytes,
  enumOf,
  field,
  fieldGroup,
  flagsOf,
  sized,
  struct,
  u16,
  u32,
  u32hex,
  utf16Z,
} from '../../codec/index.js';
import { auxiliaryBufferFields } from '../aux/index.js';
import { ropRequestBuffer, ropResponseBuffer } from '../rops/buffer.js';
import { extendedBufferChain } from '../rpcext/index.js';

const ok = { when: (s: { get(n: string): unknown }) => Number(s.get('StatusCode')) === 0 };

/** Fields present only in a success response (StatusCode 0). */
function success(fields: readonly FieldDef[]): FieldDef[] {
  return fieldGroup(ok.when, fields);
}

/** Common RPC / EMSMDB return values seen in StatusCode and ErrorCode. */
export const EMSMDB_ERROR_NAMES: Readonly<Record<number, string>> = {
  0x00000000: 'Success',
  0x000003eb: 'ecUnknownUser',
  0x000003f2: 'ecLoginPerm',
  0x000004b6: 'ecRpcFormat',
  0x000004b9: 'ecNullObject',
  0x000004df: 'ecClientVerDisallowed',
  0x000004e0: 'ecRpcHttpDisallowed',
  0x000004e1: 'ecCachedModeRequired',
  0x000006bb: 'RPC_S_SERVER_TOO_BUSY',
  0x00000970: 'ecNotEncrypted',
  0x000007d8: 'ecProtocolDisabled',
  0x80040110: 'ecVersionMismatch',
  0x80040111: 'ecLoginFailure',
  0x80040115: 'ecRpcFailed',
  0x80070005: 'ecAccessDenied',
};
const errorCode = enumOf(u32, EMSMDB_ERROR_NAMES, 'ErrorCode');

function response(kind: string, fields: readonly FieldDef[]): Codec<StructValue> {
  return struct(
    kind,
    [
      field('StatusCode', enumOf(u32, EMSMDB_ERROR_NAMES, 'StatusCode')),
      ...success([field('ErrorCode', errorCode), ...fields]),
      ...auxiliaryBufferFields,
    ],
    {
      summary: (v) =>
        v.StatusCode !== 0
          ? `failure, StatusCode ${EMSMDB_ERROR_NAMES[v.StatusCode as number] ?? '0x' + (v.StatusCode as number).toString(16)}`
          : v.ErrorCode !== 0
            ? `ErrorCode ${EMSMDB_ERROR_NAMES[v.ErrorCode as number] ?? '0x' + (v.ErrorCode as number).toString(16)}`
            : 'success',
    },
  );
}

// --- Connect (2.2.4.1) ----------------------------------------------------

export const ConnectFlags = { Administrator: 0x00000001, IgnoreNoPublicFolders: 0x00008000 } as const;

export const connectRequest: Codec<StructValue> = struct('ConnectRequest', [
  field('UserDn', asciiZ),
  field('Flags', flagsOf(u32, ConnectFlags)),
  field('DefaultCodePage', u32),
  field('LcidSort', u32hex),
  field('LcidString', u32hex),
  ...auxiliaryBufferFields,
]);

export const connectResponse: Codec<StructValue> = response('ConnectResponse', [
  field('PollsMax', u32, { doc: 'ms between polls' }),
  field('RetryCount', u32),
  field('RetryDelay', u32, { doc: 'ms' }),
  field('DnPrefix', asciiZ),
  field('DisplayName', utf16Z),
]);

// --- Execute (2.2.4.2) ----------------------------------------------------

export const ExecuteFlags = { NoCompression: 0x00000001, NoXorMagic: 0x00000002, Chain: 0x00000004 } as const;

/**
 * The ROP buffer framed without decoding the ROPs ([MS-OXCROPS] 2.2.1):
 * RopSize, RopSize-2 raw bytes, the handle table. For transport-level views
 * and tests that must not depend on the ROP decoders.
 */
export function rawRopBuffer(kind: string): Codec<StructValue> {
  return struct(kind, [
    field('RopSize', u16, { derive: (v) => 2 + (v.RopsBytes as Uint8Array).length }),
    field(
      'RopsBytes',
      bytes((s: Scope) => s.num('RopSize') - 2),
    ),
    field('ServerObjectHandleTable', arrayToEnd(u32hex, { item: 'ServerObjectHandle' })),
  ]);
}
export const rawRopRequestBuffer = rawRopBuffer('ROP_REQUEST_BUFFER');
export const rawRopResponseBuffer = rawRopBuffer('ROP_RESPONSE_BUFFER');

/** Execute request whose RopBuffer payloads decode as `ropBuffer`. */
export function executeRequestWith(ropBuffer: Codec<StructValue>): Codec<StructValue> {
  return struct('ExecuteRequest', [
    field('Flags', flagsOf(u32, ExecuteFlags)),
    field('RopBufferSize', u32, { derive: (_v, h) => h.sizeOf('RopBuffer') }),
    field('RopBuffer', sized(extendedBufferChain(ropBuffer, 'ROP_REQUEST_BUFFER'), 'RopBufferSize')),
    field('MaxRopOut', u32),
    ...auxiliaryBufferFields,
  ]);
}

/** Execute response whose RopBuffer payloads (chained buffers included) decode as `ropBuffer`. */
export function executeResponseWith(ropBuffer: Codec<StructValue>): Codec<StructValue> {
  return response('ExecuteResponse', [
    field('Flags', u32hex, { doc: 'Reserved; the server sends 0.' }),
    field('RopBufferSize', u32, { derive: (_v, h) => h.sizeOf('RopBuffer') }),
    field('RopBuffer', sized(extendedBufferChain(ropBuffer, 'ROP_RESPONSE_BUFFER'), 'RopBufferSize')),
  ]);
}

/** Execute with the ROPs decoded (rops/buffer.ts). */
export const executeRequest: Codec<StructValue> = executeRequestWith(ropRequestBuffer);
export const executeResponse: Codec<StructValue> = executeResponseWith(ropResponseBuffer);
/** Execute with the ROP bytes as one raw node each. */
export const executeRequestRaw: Codec<StructValue> = executeRequestWith(rawRopRequestBuffer);
export const executeResponseRaw: Codec<StructValue> = executeResponseWith(rawRopResponseBuffer);

// --- Disconnect (2.2.4.3) -------------------------------------------------

export const disconnectRequest: Codec<StructValue> = struct('DisconnectRequest', [...auxiliaryBufferFields]);
export const disconnectResponse: Codec<StructValue> = response('DisconnectResponse', []);

// --- NotificationWait (2.2.4.4) -------------------------------------------

export const notificationWaitRequest: Codec<StructValue> = struct('NotificationWaitRequest', [
  field('Flags', u32hex, { doc: 'Reserved; the client sends 0.' }),
  ...auxiliaryBufferFields,
]);
export const notificationWaitResponse: Codec<StructValue> = response('NotificationWaitResponse', [
  field('EventPending', enumOf(u32, { 0: 'No events pending', 1: 'Events pending' })),
]);

// --- PING (2.2.6): no body either way --------------------------------------

export const pingRequest: Codec<StructValue> = struct('PingRequest', []);
export const pingResponse: Codec<StructValue> = struct('PingResponse', []);

export const emsmdbRequestCodecs: Record<string, Codec<StructValue>> = {
  Connect: connectRequest,
  Execute: executeRequest,
  Disconnect: disconnectRequest,
  NotificationWait: notificationWaitRequest,
  PING: pingRequest,
};
export const emsmdbResponseCodecs: Record<string, Codec<StructValue>> = {
  Connect: connectResponse,
  Execute: executeResponse,
  Disconnect: disconnectResponse,
  NotificationWait: notificationWaitResponse,
  PING: pingResponse,
};
/** The same tables with Execute's ROPs left raw (transport layer only). */
export const emsmdbRequestCodecsRaw: Record<string, Codec<StructValue>> = {
  ...emsmdbRequestCodecs,
  Execute: executeRequestRaw,
};
export const emsmdbResponseCodecsRaw: Record<string, Codec<StructValue>> = {
  ...emsmdbResponseCodecs,
  Execute: executeResponseRaw,
};
