/**
 * The ROP state tracker: applies the ROPs of one Execute to a session's `RopState`, every
 * change stamped with the exchange's seq. What every ROP does (handle references and their
 * origin, errors, RopRelease, the handle an output index receives) is done here once; what a
 * ROP adds beyond that is one handler per ROP family, looked up by RopId.
 */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeDecode } from '../protocol/decode-exchange.js';
import { messageCodePage } from '../protocol/rops/context.js';
import { kindOfOpener, openerText } from '../protocol/rops/fasttransfer-kind.js';
import {
  ERRORS_RETURNED,
  FX_BUFFER_ROPS,
  INVALID_HANDLE,
  type RopCall,
  type SpecialRop,
  type TypedCall,
  backoffOf,
  executeRops,
  expectsResponse,
  fxCarryAfter,
  maxRopOutOf,
  namedPairs,
  notificationHandleOf,
  objectKind,
  numbers,
  sizeNeededOf,
  tagsOf,
  transferBufferSizeOf,
  transferStatusOf,
} from './rop-values.js';
import { type RopState, latest } from './state.js';
import type { RopDefinition } from '../protocol/rops/define.js';
import {
  TransferStatus,
  ropFastTransferDestinationPutBuffer,
  ropFastTransferDestinationPutBufferExtended,
  ropFastTransferSourceGetBuffer,
} from '../protocol/rops/fasttransfer.js';
import { ropReloadCachedInformation } from '../protocol/rops/message.js';
import { ropRegisterNotification } from '../protocol/rops/notification.js';
import { ropGetPropertiesSpecific, ropGetPropertyIdsFromNames } from '../protocol/rops/property.js';
import { ropBackoff, ropBufferTooSmall, ropNotify, ropRelease } from '../protocol/rops/special.js';
import { LogonFlags, ropLogon } from '../protocol/rops/store.js';
import { ropResetTable, ropRestrict, ropSetColumns, ropSortTable } from '../protocol/rops/table.js';
import type { ExchangeFacts, HandleRecord, HandleRef, LogonInfo, RopOrigin, UnansweredRop } from './types.js';

/** Where one ROP of the Execute being applied runs. */
interface RopStep {
  st: RopState;
  ex: Exchange;
  seq: number;
  /** The handle the ROP acts on (its input handle), when valid. */
  target: number | undefined;
}

type RopHandler = (c: RopCall, at: RopStep) => void;

/** The handler of one ROP, reading its request and response as its definition types them. */
function forRop<Q, R>(
  def: RopDefinition<Q, R>,
  handle: (c: TypedCall<Q, R>, at: RopStep) => void,
): [number, RopHandler] {
  return [def.id, (c, at) => handle(c as unknown as TypedCall<Q, R>, at)];
}

/** [MS-OXCROPS] 2.2.3 logon ROPs: the logons of the session. */
const storeHandlers: readonly [number, RopHandler][] = [
  forRop(ropLogon, (c, { st, ex, seq }) => {
    const flags = typeof c.request.LogonFlags === 'number' ? c.request.LogonFlags : 0;
    const l: LogonInfo = {
      logonId: c.logonId ?? 0,
      flags,
      store: flags & LogonFlags.Private ? 'mailbox' : 'public',
      exchangeId: ex.id,
      ...(c.outputHandle !== undefined ? { handle: c.outputHandle } : {}),
      ...(typeof c.request.Essdn === 'string' ? { essdn: c.request.Essdn } : {}),
    };
    const list = st.logons.get(l.logonId) ?? [];
    list.push({ at: seq, exchangeId: ex.id, value: l });
    st.logons.set(l.logonId, list);
  }),
];

/** [MS-OXCROPS] 2.2.5 table ROPs: columns, sort order and restriction of a table. */
const tableHandlers: readonly [number, RopHandler][] = [
  forRop(ropSetColumns, (c, { st, ex, seq, target }) => {
    const tags = numbers(c.request.PropertyTags);
    const r = recordFor(st, target, seq);
    if (r && tags) r.columns.push({ at: seq, exchangeId: ex.id, value: tags });
  }),
  forRop(ropSortTable, (c, { st, ex, seq, target }) => {
    recordFor(st, target, seq)?.sort.push({ at: seq, exchangeId: ex.id, value: c.request.SortOrders });
  }),
  forRop(ropRestrict, (c, { st, ex, seq, target }) => {
    recordFor(st, target, seq)?.restriction.push({ at: seq, exchangeId: ex.id, value: c.request.RestrictionData });
  }),
  forRop(ropResetTable, (_c, { st, ex, seq, target }) => {
    const r = recordFor(st, target, seq);
    if (r) {
      r.columns.push({ at: seq, exchangeId: ex.id, value: undefined });
      r.sort.push({ at: seq, exchangeId: ex.id, value: undefined });
      r.restriction.push({ at: seq, exchangeId: ex.id, value: undefined });
    }
  }),
];

/** [MS-OXCROPS] 2.2.8 property ROPs: the tags a RopGetPropertiesSpecific asked for. */
const propertyHandlers: readonly [number, RopHandler][] = [
  forRop(ropGetPropertiesSpecific, (c, { st, ex, seq, target }) => {
    const tags = numbers(c.request.PropertyTags);
    if (tags) recordFor(st, target, seq)?.propertyTags.push({ at: seq, exchangeId: ex.id, value: tags });
  }),
];

/** [MS-OXCROPS] 2.2.6 message ROPs: RopReloadCachedInformation refreshes RecipientColumns. */
const messageHandlers: readonly [number, RopHandler][] = [
  forRop(ropReloadCachedInformation, (c, { st, ex, seq, target }) => {
    const rc = numbers(c.response?.RecipientColumns);
    if (rc) recordFor(st, target, seq)?.recipientColumns.push({ at: seq, exchangeId: ex.id, value: rc });
  }),
];

/** [MS-OXCROPS] 2.2.12–2.2.13 FastTransfer and ICS buffers: progress, status and the carried partial element. */
const fastTransferBuffer: RopHandler = (c, { st, ex, seq, target }) => {
  const r = recordFor(st, target, seq);
  if (!r) return;
  const ft = (r.fastTransfer ??= { buffers: 0, bytes: 0, done: false, exchangeIds: [], carry: [] });
  ft.buffers++;
  ft.bytes += transferBufferSizeOf(c) ?? 0;
  const ts = transferStatusOf(c);
  if (ts !== undefined) {
    ft.lastStatus = TransferStatus[ts] ?? String(ts);
    ft.done = ft.lastStatus === 'Done';
  }
  if (!ft.exchangeIds.includes(ex.id)) ft.exchangeIds.push(ex.id);
  const carry = FX_BUFFER_ROPS.has(c.ropId) ? fxCarryAfter(c) : undefined;
  if (carry) ft.carry.push({ at: seq, exchangeId: ex.id, value: carry });
};
const fastTransferHandlers: readonly [number, RopHandler][] = [
  [ropFastTransferSourceGetBuffer.id, fastTransferBuffer],
  [ropFastTransferDestinationPutBuffer.id, fastTransferBuffer],
  [ropFastTransferDestinationPutBufferExtended.id, fastTransferBuffer],
];

/** One handler per RopId, from the family tables above. */
const ROP_HANDLERS: ReadonlyMap<number, RopHandler> = new Map([
  ...storeHandlers,
  ...tableHandlers,
  ...propertyHandlers,
  ...messageHandlers,
  ...fastTransferHandlers,
]);

/** Applies the ROPs of an Execute to the session's ROP state (stamped with this exchange's seq). */
export function trackRops(st: RopState, ex: Exchange, d: ExchangeDecode, seq: number, f: ExchangeFacts): void {
  const x = executeRops(d);
  if (!x) return;
  f.ropCount = x.calls.length;
  f.ropNames = x.calls.map((c) => c.name);
  const refs: HandleRef[] = [];
  const errors: NonNullable<ExchangeFacts['ropErrors']> = [];
  // The Execute ran its ROP list: success at HTTP, X-ResponseCode and StatusCode level, the whole body read.
  const executed =
    f.status === 200 &&
    f.responseCode === 0 &&
    (f.statusCode ?? 0) === 0 &&
    (f.errorCode ?? 0) === 0 &&
    f.responseComplete !== false;
  const stopped = x.special.some((sp) => sp.ropId === ropBackoff.id || sp.ropId === ropBufferTooSmall.id);
  const unanswered: UnansweredRop[] = [];
  for (const c of x.calls) {
    const answers = expectsResponse(c.ropId);
    const ran = c.response !== undefined || (!answers && executed && !stopped);
    if (answers && c.response === undefined && executed && !stopped)
      unanswered.push({ ropIndex: c.index, ropId: c.ropId, ropName: c.name });
    const ref = handleRef(st, ex, seq, c, x.calls, x.requestHandles, ran);
    if (ref) refs.push(ref);
    if (
      c.returnValue !== undefined &&
      c.returnValue !== 0 &&
      !(c.ropId === ropGetPropertyIdsFromNames.id && c.returnValue === ERRORS_RETURNED)
    )
      errors.push({
        ropIndex: c.index,
        ropId: c.ropId,
        ropName: c.name,
        returnValue: c.returnValue,
        path: `RopsList/${c.name}`,
      });

    const target = c.inputHandle !== undefined && c.inputHandle !== INVALID_HANDLE ? c.inputHandle : undefined;
    if (c.ropId === ropRelease.id && target !== undefined) {
      const r = st.handleAt(target, seq + 1);
      if (r && r.releasedAt === undefined) {
        r.releasedAt = seq;
        r.releasedBy = originOf(ex.id, c.index, c.ropId, c.name);
      }
      continue;
    }
    if (c.returnValue !== 0) continue;
    if (c.outputHandle !== undefined) st.addHandle(outputRecord(st, c, ex, seq, target));
    ROP_HANDLERS.get(c.ropId)?.(c, { st, ex, seq, target });
    for (const p of namedPairs(c)) {
      const list = st.names.get(p.id) ?? [];
      if (list[list.length - 1]?.value !== p.name) list.push({ at: seq, exchangeId: ex.id, value: p.name });
      st.names.set(p.id, list);
    }
  }
  for (const sp of x.special) trackSpecial(st, ex, d, seq, f, sp);
  if (refs.length) f.handleRefs = refs;
  if (errors.length) f.ropErrors = errors;
  if (unanswered.length && !x.requestIncomplete && !x.responseIncomplete && d.response?.errors.length === 0)
    f.unansweredRops = unanswered;
}

/** Connect's DefaultCodePage: the code page of the session's 8-bit strings ([MS-OXCROPS] 2.2.1.3). */
export function learnCodePage(st: RopState, ex: Exchange, d: ExchangeDecode, seq: number): void {
  const id = d.request?.value?.DefaultCodePage;
  if (typeof id === 'number')
    st.defaultCodePage.push({
      at: seq,
      exchangeId: ex.id,
      value: { id, source: `Connect DefaultCodePage, exchange ${ex.id}` },
    });
}

/** The handle a ROP uses, where it came from (this request, an earlier one, a released one). */
function handleRef(
  st: RopState,
  ex: Exchange,
  seq: number,
  c: RopCall,
  calls: readonly RopCall[],
  requestHandles: readonly number[],
  ran: boolean,
): HandleRef | undefined {
  if (c.inputIndex === undefined || c.ropId === ropLogon.id) return undefined;
  const reqH = requestHandles[c.inputIndex];
  const h = c.inputHandle;
  if (h === undefined || h === INVALID_HANDLE) return undefined;
  const ref: HandleRef = {
    ropIndex: c.index,
    ropName: c.name,
    handleIndex: c.inputIndex,
    handle: h,
    status: 'unknown',
    ran,
  };
  if (c.returnValue !== undefined) ref.returnValue = c.returnValue;
  if (reqH === INVALID_HANDLE) {
    ref.status = 'same-request';
    const made = calls.find((o) => o.index < c.index && o.outputIndex === c.inputIndex && o.outputHandle === h);
    if (made) {
      ref.createdBy = originOf(ex.id, made.index, made.ropId, made.name);
      ref.kind = objectKind(made.ropId);
    }
    return ref;
  }
  const rec = st.handleAt(h, seq);
  if (rec?.createdBy) {
    ref.status = 'known';
    ref.kind = rec.kind;
    ref.createdBy = rec.createdBy;
  } else if (!rec) {
    const gone = st.lastGeneration(h, seq);
    if (gone?.releasedAt !== undefined) {
      ref.status = 'released';
      if (gone.createdBy) ref.createdBy = gone.createdBy;
      if (gone.releasedBy) ref.releasedBy = gone.releasedBy;
    }
  }
  return ref;
}

/** The record of the object a successful ROP created at its output index. */
function outputRecord(st: RopState, c: RopCall, ex: Exchange, seq: number, target: number | undefined): HandleRecord {
  const r = blankHandle(c.outputHandle!, objectKind(c.ropId), seq);
  r.createdBy = originOf(ex.id, c.index, c.ropId, c.name);
  if (target !== undefined && c.ropId !== ropLogon.id) r.parent = target;
  if (c.logonId !== undefined) r.logonId = c.logonId;
  if (c.ropId === ropRegisterNotification.id) {
    const nt = c.request.NotificationTypes;
    r.subscription = { notifications: 0, ...(typeof nt === 'number' ? { notificationTypes: nt } : {}) };
  }
  const cp = messageCodePage(c.request, latest(st.defaultCodePage, seq + 1)?.value);
  if (cp) r.codePage = cp;
  if (r.kind.startsWith('fasttransfer')) {
    r.fastTransfer = { buffers: 0, bytes: 0, done: false, exchangeIds: [], carry: [] };
    // The stream kind the opening ROP gives ([MS-OXCFXICS] 2.2.4.3), for every buffer of this context.
    const on = target !== undefined ? st.handleAt(target, seq + 1)?.kind : undefined;
    const kind = kindOfOpener(c.request, on);
    if (kind) r.fastTransfer.kind = { kind, source: `${openerText(c.request, on)}, exchange ${ex.id}` };
  }
  const rc = tagsOf(c.response, 'RecipientColumns');
  if (rc) r.recipientColumns.push({ at: seq, exchangeId: ex.id, value: rc });
  return r;
}

/** [MS-OXCROPS] 2.2.15 and 2.2.14.2: RopBufferTooSmall, RopBackoff and RopNotify in the response. */
function trackSpecial(
  st: RopState,
  ex: Exchange,
  d: ExchangeDecode,
  seq: number,
  f: ExchangeFacts,
  sp: SpecialRop,
): void {
  if (sp.ropId === ropBufferTooSmall.id) {
    const e = { sizeNeeded: sizeNeededOf(sp), maxRopOut: maxRopOutOf(d) };
    const clean: { sizeNeeded?: number; maxRopOut?: number } = {};
    if (e.sizeNeeded !== undefined) clean.sizeNeeded = e.sizeNeeded;
    if (e.maxRopOut !== undefined) clean.maxRopOut = e.maxRopOut;
    (f.bufferTooSmall ??= []).push(clean);
    st.bufferTooSmall.push({ exchangeId: ex.id, ...clean });
  } else if (sp.ropId === ropBackoff.id) (f.backoff ??= []).push(backoffOf(sp));
  else if (sp.ropId === ropNotify.id) {
    const h = notificationHandleOf(sp);
    if (h === undefined) return;
    const r = st.handleAt(h, seq + 1);
    const known = !!r?.subscription;
    if (r?.subscription) r.subscription.notifications++;
    (f.notifications ??= []).push({
      handle: h,
      known,
      ...(r?.createdBy ? { subscribedIn: r.createdBy.exchangeId } : {}),
    });
  }
}

function originOf(exchangeId: number, ropIndex: number, ropId: number, ropName: string): RopOrigin {
  return { exchangeId, ropIndex, ropId, ropName };
}

/** The live record of `target`; a handle first seen in use (capture started after it was made) gets one, so later context is found. */
function recordFor(st: RopState, target: number | undefined, seq: number): HandleRecord | undefined {
  if (target === undefined) return undefined;
  let r = st.handleAt(target, seq + 1);
  if (!r) {
    r = blankHandle(target, 'unknown', seq - 0.5);
    st.addHandle(r);
  }
  return r;
}

function blankHandle(handle: number, kind: string, at: number): HandleRecord {
  return {
    handle,
    kind,
    createdAt: at,
    columns: [],
    sort: [],
    restriction: [],
    recipientColumns: [],
    propertyTags: [],
  };
}
