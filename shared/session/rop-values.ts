/**
 * The one place that knows the shape of decoded ROP values (rops/buffer.ts,
 * the family files). Everything the session model needs from an Execute is
 * pulled out here into small plain facts, so a change in the ROP layer
 * touches only this file.
 */
import type { StructValue } from '../codec/index.js';
import { type ExchangeDecode, ropBuffersOf } from '../protocol/decode-exchange.js';
import { ropName } from '../protocol/rops/header.js';
import { SPECIAL_RESPONSE_IDS } from '../protocol/rops/known-rops.js';
import { errorCodeByName } from '../protocol/oxcdata/errors.js';
import type { RopDefinition } from '../protocol/rops/define.js';
import { ropsById } from '../protocol/rops/registry.js';
import {
  ropFastTransferDestinationPutBuffer,
  ropFastTransferDestinationPutBufferExtended,
  ropFastTransferSourceGetBuffer,
} from '../protocol/rops/fasttransfer.js';
import {
  ropGetNamesFromPropertyIds,
  ropGetPropertyIdsFromNames,
  ropProgress,
  ropQueryNamedProperties,
} from '../protocol/rops/property.js';
import { ropBackoff, ropBufferTooSmall } from '../protocol/rops/special.js';
import { describePropertyName } from '../protocol/oxcdata/named.js';

export const INVALID_HANDLE = 0xffffffff;

/** MAPI_W_ERRORS_RETURNED ([MS-OXCDATA] 2.4.2): the named-property ROPs' partial success. */
export const ERRORS_RETURNED = errorCodeByName('ErrorsReturned')!;

/** ROPs that create an object whose handle lands at OutputHandleIndex. */
function createsObject(id: number): boolean {
  const d = ropsById.get(id);
  return d ? d.handles === 'in-out' || d.handles === 'out' : false;
}

/** What kind of server object a creating ROP yields (for display and rules): its definition's `creates`. */
export function objectKind(id: number): string {
  return ropsById.get(id)?.creates ?? 'object';
}

/** One request ROP with the response that answers it (if any). */
export interface RopCall {
  /** Position in the request's ROP list (across packed buffers). */
  index: number;
  ropId: number;
  name: string;
  logonId?: number;
  inputIndex?: number;
  outputIndex?: number;
  /** Server handle the ROP acts on (request table, or the response table for an object made earlier in this request). */
  inputHandle?: number;
  /** Server handle of the created object (successful creating ROPs). */
  outputHandle?: number;
  returnValue?: number;
  /** True when the server did not run this ROP (after RopBackoff / RopBufferTooSmall, or no response seen). */
  notRun?: boolean;
  request: StructValue;
  response?: StructValue;
}

/** A call of one ROP with its request and response as that ROP's definition types them. */
export type TypedCall<Q, R> = Omit<RopCall, 'request' | 'response'> & { request: Q; response?: R };

/** `c` as a call of `def` (typed request and response), or undefined when `c` is another ROP. */
export function callOf<Q, R>(c: RopCall, def: RopDefinition<Q, R>): TypedCall<Q, R> | undefined {
  return c.ropId === def.id ? (c as unknown as TypedCall<Q, R>) : undefined;
}

/** Response-only ROPs of an Execute response. */
export interface SpecialRop {
  ropId: number;
  name: string;
  value: StructValue;
}

export interface ExecuteRops {
  calls: RopCall[];
  special: SpecialRop[];
  requestHandles: number[];
  responseHandles: number[];
  /** Set when the request buffer did not decode completely (calls may be a prefix). */
  requestIncomplete: boolean;
  responseIncomplete: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function joined(value: StructValue | undefined): { rops: StructValue[]; handles: number[]; incomplete: boolean } {
  const bufs = ropBuffersOf(value);
  const rops: StructValue[] = [];
  let incomplete = false;
  for (const b of bufs) {
    const list = Array.isArray(b.RopsList) ? (b.RopsList as StructValue[]) : [];
    for (const r of list) {
      if (r.Undecoded instanceof Uint8Array) incomplete = true;
      else rops.push(r);
    }
  }
  const first = bufs[0];
  const handles =
    first && Array.isArray(first.ServerObjectHandleTable) ? (first.ServerObjectHandleTable as number[]) : [];
  return { rops, handles, incomplete };
}

/** The server handle at a request index: the request table's, or the response table's for an object made in this request. */
function effectiveHandle(
  reqHandles: readonly number[],
  respHandles: readonly number[],
  i: number | undefined,
): number | undefined {
  if (i === undefined) return undefined;
  const h = reqHandles[i];
  if (h !== undefined && h !== INVALID_HANDLE) return h;
  const rh = respHandles[i];
  return rh !== undefined && rh !== INVALID_HANDLE ? rh : h;
}

/** Whether a request ROP gets a response (RopRelease and a few others never do; unknown ids are assumed to). */
export function expectsResponse(ropId: number): boolean {
  const def = ropsById.get(ropId);
  return !def || def.response !== undefined;
}

/** Pairs the request ROPs of an Execute with its response ROPs ([MS-OXCROPS] 3.2.5.2 order). */
export function executeRops(d: ExchangeDecode): ExecuteRops | undefined {
  if (d.requestType !== 'Execute' || !d.request) return undefined;
  const q = joined(d.request.value);
  const r = joined(d.response?.value);
  const calls: RopCall[] = [];
  const special: SpecialRop[] = [];
  const responses: StructValue[] = [];
  for (const v of r.rops) {
    const id = num(v.RopId);
    if (id !== undefined && SPECIAL_RESPONSE_IDS.has(id))
      special.push({ ropId: id, name: ropName(id) ?? 'Unknown', value: v });
    else responses.push(v);
  }
  const stopped = special.some((s) => s.ropId === ropBackoff.id || s.ropId === ropBufferTooSmall.id);
  let cursor = 0;
  for (let index = 0; index < q.rops.length; index++) {
    const req = q.rops[index]!;
    const ropId = num(req.RopId) ?? -1;
    const call: RopCall = { index, ropId, name: ropName(ropId) ?? 'Unknown', request: req };
    const logonId = num(req.LogonId);
    if (logonId !== undefined) call.logonId = logonId;
    const inIdx = num(req.InputHandleIndex) ?? num(req.SourceHandleIndex);
    const outIdx = num(req.OutputHandleIndex);
    if (inIdx !== undefined) call.inputIndex = inIdx;
    if (outIdx !== undefined) call.outputIndex = outIdx;
    const ih = effectiveHandle(q.handles, r.handles, inIdx);
    if (ih !== undefined) call.inputHandle = ih;
    const def = ropsById.get(ropId);
    const answered = !def || def.response !== undefined;
    if (answered && d.response) {
      const want = def?.responseId ?? ropId;
      const resp = responses[cursor];
      const rid = resp ? num(resp.RopId) : undefined;
      if (resp && (rid === want || rid === ropProgress.id)) {
        cursor++;
        call.response = resp;
        const rv = num(resp.ReturnValue);
        if (rv !== undefined) call.returnValue = rv >>> 0;
        if (rv === 0 && outIdx !== undefined && createsObject(ropId)) {
          const h = r.handles[outIdx];
          if (h !== undefined && h !== INVALID_HANDLE) call.outputHandle = h;
        }
      } else call.notRun = true;
    } else if (answered && stopped) call.notRun = true;
    calls.push(call);
  }
  return {
    calls,
    special,
    requestHandles: q.handles,
    responseHandles: r.handles,
    requestIncomplete: q.incomplete || !!d.request.errors.length,
    responseIncomplete: r.incomplete,
  };
}

// --- field readers the model uses ------------------------------------------

/** A decoded list of numbers (property tags, ids), or undefined when it did not decode as one. */
export function numbers(t: unknown): number[] | undefined {
  return Array.isArray(t) && t.every((x) => typeof x === 'number') ? t : undefined;
}

export function tagsOf(v: StructValue | undefined, name = 'PropertyTags'): number[] | undefined {
  return numbers(v?.[name]);
}

export function logonFlagsOf(req: StructValue): number | undefined {
  return num(req.LogonFlags);
}

/** "PS_PUBLIC_STRINGS:\"Keywords\"" style text for a decoded PropertyName, or undefined for Kind 0xFF. */
export function propertyNameText(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as StructValue;
  if (o.Kind !== 0 && o.Kind !== 1) return undefined;
  try {
    return describePropertyName(o);
  } catch {
    return undefined;
  }
}

/** (id, name) pairs a named-property ROP establishes. */
export function namedPairs(call: RopCall): { id: number; name: string }[] {
  const out: { id: number; name: string }[] = [];
  if (call.returnValue !== 0 && call.returnValue !== ERRORS_RETURNED) return out;
  const resp = call.response;
  if (!resp) return out;
  const ids = (list: unknown): number[] =>
    Array.isArray(list) ? (list as unknown[]).map((x) => (typeof x === 'number' ? x : -1)) : [];
  let idList: number[] = [];
  let names: unknown[] = [];
  const byName = callOf(call, ropGetPropertyIdsFromNames);
  const byId = callOf(call, ropGetNamesFromPropertyIds);
  const query = callOf(call, ropQueryNamedProperties);
  if (byName) {
    idList = ids(byName.response?.PropertyIds);
    names = byName.request.PropertyNames ?? [];
  } else if (byId) {
    idList = ids(byId.request.PropertyIds);
    names = byId.response?.PropertyNames ?? [];
  } else if (query) {
    idList = ids(query.response?.PropertyIds);
    names = query.response?.PropertyNames ?? [];
  }
  idList.forEach((id, i) => {
    const n = propertyNameText(names[i]);
    if (id > 0 && n !== undefined) out.push({ id, name: n });
  });
  return out;
}

export function backoffOf(s: SpecialRop): {
  logonId?: number;
  durationMs?: number;
  rops: { ropId: number; durationMs: number }[];
} {
  const list = Array.isArray(s.value.BackoffRopData) ? (s.value.BackoffRopData as StructValue[]) : [];
  const out: { logonId?: number; durationMs?: number; rops: { ropId: number; durationMs: number }[] } = {
    rops: list.map((b) => ({ ropId: num(b.RopIdBackoff) ?? -1, durationMs: num(b.Duration) ?? 0 })),
  };
  const l = num(s.value.LogonId);
  const dur = num(s.value.Duration);
  if (l !== undefined) out.logonId = l;
  if (dur !== undefined) out.durationMs = dur;
  return out;
}

export function sizeNeededOf(s: SpecialRop): number | undefined {
  return num(s.value.SizeNeeded);
}

export function notificationHandleOf(s: SpecialRop): number | undefined {
  return num(s.value.NotificationHandle);
}

/** EMSMDB StatusCode / ErrorCode of a Connect/Execute/… response body. */
export function emsmdbStatus(d: ExchangeDecode): { statusCode?: number; errorCode?: number } {
  const v = d.response?.value;
  const out: { statusCode?: number; errorCode?: number } = {};
  const s = num(v?.StatusCode);
  const e = num(v?.ErrorCode);
  if (s !== undefined) out.statusCode = s >>> 0;
  if (e !== undefined) out.errorCode = e >>> 0;
  return out;
}

/** Buffer sizes of an Execute request (MaxRopOut) for RopBufferTooSmall context. */
export function maxRopOutOf(d: ExchangeDecode): number | undefined {
  return num(d.request?.value?.MaxRopOut);
}

/** TransferStatus of a RopFastTransferSourceGetBuffer response. */
export function transferStatusOf(call: RopCall): number | undefined {
  return num(call.response?.TransferStatus);
}

export function transferBufferSizeOf(call: RopCall): number | undefined {
  const v =
    call.ropId === ropFastTransferSourceGetBuffer.id
      ? call.response?.TransferBufferSize
      : call.request.TransferDataSize;
  if (typeof v === 'number') return v;
  if (v instanceof Uint8Array) return v.length;
  return undefined;
}

/**
 * Bytes of a FastTransfer element left open at the end of this buffer
 * (RopFastTransferSourceGetBuffer response, RopFastTransferDestinationPutBuffer[Extended]
 * request): the next buffer of the same stream starts with the rest of it.
 * An empty array means the buffer ended on an element boundary; undefined
 * that the stream was not decoded (unknown).
 */
export function fxCarryAfter(call: RopCall): Uint8Array | undefined {
  const els =
    call.ropId === ropFastTransferSourceGetBuffer.id ? call.response?.TransferBuffer : call.request.TransferData;
  if (!Array.isArray(els)) return undefined;
  const last = els[els.length - 1] as StructValue | undefined;
  if (!last) return new Uint8Array(0);
  if (last.Kind === 'Partial' && last.Bytes instanceof Uint8Array) return last.Bytes;
  if (
    last.Kind === 'Continued' &&
    last.Element === undefined &&
    last.Carry instanceof Uint8Array &&
    last.Bytes instanceof Uint8Array
  ) {
    const out = new Uint8Array(last.Carry.length + last.Bytes.length);
    out.set(last.Carry);
    out.set(last.Bytes, last.Carry.length);
    return out;
  }
  return new Uint8Array(0);
}

export const FX_BUFFER_ROPS: ReadonlySet<number> = new Set([
  ropFastTransferSourceGetBuffer.id,
  ropFastTransferDestinationPutBuffer.id,
  ropFastTransferDestinationPutBufferExtended.id,
]);
