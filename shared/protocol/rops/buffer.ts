/**
 * The ROP input and output buffers ([MS-OXCROPS] 2.2.1): RopSize (u16, counts
 * itself and the ROP list), the ROP requests or responses back to back, then
 * the server object handle table (u32 each) to the end of the payload.
 *
 * ROPs carry no length, so the list is walked one definition at a time
 * (`ropsById`). An unknown RopId stops the walk with an error node holding the
 * rest: its length, and so the start of the next ROP, is unknowable.
 *
 * Responses are paired with requests by position ([MS-OXCROPS] 3.2.5.2):
 * RopRelease is never answered; RopNotify, RopPending, RopBackoff and
 * RopBufferTooSmall answer no request; RopProgress may answer any
 * asynchronous request; RopGetMessageStatus is answered with the RopId of
 * RopSetMessageStatus (`responseId`; or its own, `otherResponseIds`). The
 * requests come from `env.context.execRequest`, which the Execute decoder sets
 * to the decoded request (any value that contains a decoded ROP input buffer).
 */
import {
  type CodePageInUse,
  type Codec,
  type DecodeEnv,
  type DecodedNode,
  type EncodeEnv,
  type StructValue,
  DecodeError,
  NO_NODE,
  Scope,
  arrayToEnd,
  asDecodeError,
  decode,
  encode,
  errorLeaf,
  field,
  hex,
  sized,
  struct,
  u16,
  u32hex,
  withShape,
} from '../../codec/index.js';
import { CodePageTracker, type RopContextProvider, type RopSite, SITE_KEY, sessionOf } from './context.js';
import type { RopDefinition } from './define.js';
import { SPECIAL_RESPONSE_IDS } from './known-rops.js';
import { idToString } from '../oxcdata/ids.js';
import { RESPONSE_INDEX, ropName } from './header.js';
import { ropProgress } from './property.js';
import { ropsById } from './registry.js';
import { ropBackoff, ropBufferTooSmall, ropNotify } from './special.js';

const BUF_KEY = '$ropbuf';

interface BufferInfo {
  requestHandles: readonly number[];
  responseHandles?: readonly number[];
  requests: readonly StructValue[];
}

/** Value of a decoded ROP input or output buffer. */
export interface RopBufferValue {
  RopSize: number;
  RopsList: StructValue[];
  ServerObjectHandleTable: number[];
}

// ---------------------------------------------------------------------------
// Finding the request of an Execute

/**
 * The request ROPs and handle table in `execRequest`: the decoded ROP input
 * buffer itself, or any value (Execute request, RPC_HEADER_EXT payload list)
 * that contains one. Several input buffers (packed requests) are joined.
 */
/** The ROP buffers (RopsList + RopSize) inside `v`, depth-first, at most 8 levels down. */
function findRopBuffers(v: unknown, depth: number, seen: Set<unknown>, found: RopBufferValue[]): void {
  if (depth > 8 || v === null || typeof v !== 'object' || seen.has(v) || v instanceof Uint8Array) return;
  seen.add(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.RopsList) && typeof o.RopSize === 'number') {
    found.push(o as unknown as RopBufferValue);
    return;
  }
  for (const x of Array.isArray(v) ? v : Object.values(o)) findRopBuffers(x, depth + 1, seen, found);
}

export function requestBufferOf(execRequest: unknown): { rops: StructValue[]; handles: number[] } | undefined {
  const found: RopBufferValue[] = [];
  findRopBuffers(execRequest, 0, new Set(), found);
  if (!found.length) return undefined;
  if (found.length === 1) {
    const f = found[0]!;
    return { rops: f.RopsList, handles: f.ServerObjectHandleTable ?? [] };
  }
  return {
    rops: found.flatMap((f) => f.RopsList),
    handles: found[0]!.ServerObjectHandleTable ?? [],
  };
}

// ---------------------------------------------------------------------------
// Pairing responses with requests

interface PairState {
  cursor: number;
  first: boolean;
  backedOff: boolean;
  /** The list continues the last request ROP's response (a chained extra payload). */
  continued?: boolean;
}

function hasResponse(q: StructValue | undefined): boolean {
  const d = q ? ropsById.get(q.RopId as number) : undefined;
  return !d || d.response !== undefined;
}

/** The request a response with RopId `id` answers, and the definition that decodes it. */
function pairNext(
  st: PairState,
  reqs: readonly StructValue[],
  id: number,
): { def: RopDefinition | undefined; requestIndex: number } {
  if (SPECIAL_RESPONSE_IDS.has(id)) {
    if (id === ropBackoff.id) st.backedOff = true; // later ROPs of the request were not run
    return { def: ropsById.get(id), requestIndex: -1 };
  }
  const wasFirst = st.first;
  st.first = false;
  while (st.cursor < reqs.length && !hasResponse(reqs[st.cursor])) st.cursor++;
  const q = st.backedOff ? undefined : reqs[st.cursor];
  if (q) {
    const qd = ropsById.get(q.RopId as number);
    if (qd && (qd.responseId === id || qd.otherResponseIds.includes(id))) return { def: qd, requestIndex: st.cursor++ };
    if (id === ropProgress.id) return { def: ropsById.get(id), requestIndex: st.cursor++ };
  }
  // A chained extra payload holds one more response of the request's last ROP.
  const last = reqs.length - 1;
  const lq = reqs[last];
  if (wasFirst && lq && lq.RopId === id && ropsById.get(id)?.chainable) {
    st.cursor = reqs.length;
    st.continued = true;
    return { def: ropsById.get(id), requestIndex: last };
  }
  return { def: ropsById.get(id), requestIndex: -1 };
}

/** The walker's `RopSite` of a response; `nextRopIds` is made when first read (only optional failure layouts read it). */
class ResponseSite implements RopSite {
  readonly side = 'response';
  private next: ReadonlySet<number> | undefined = undefined;
  constructor(
    readonly requests: readonly StructValue[],
    readonly requestIndex: number,
    readonly requestHandles: readonly number[],
    readonly responseHandles: readonly number[] | undefined,
    readonly responses: ReadonlyMap<number, StructValue>,
  ) {}
  get nextRopIds(): ReadonlySet<number> {
    return (this.next ??= nextIdsAfter(this.requests, this.requestIndex));
  }
}

/** RopIds that may legitimately come after the response to request `index`. */
function nextIdsAfter(reqs: readonly StructValue[], index: number): Set<number> {
  const s = new Set<number>([ropProgress.id]);
  for (let i = index + 1; i < reqs.length; i++) {
    const d = ropsById.get(reqs[i]!.RopId as number);
    if (d && !d.response) continue;
    if (d) {
      s.add(d.responseId);
      for (const o of d.otherResponseIds) s.add(o);
    }
    break;
  }
  return s;
}

// ---------------------------------------------------------------------------
// The ROP lists

function unknownRop(
  r: { pos: number; remaining: number; take(n: number): Uint8Array },
  id: number,
  side: string,
): DecodedNode {
  const offset = r.pos;
  const n = r.remaining;
  const raw = r.take(n);
  const known = ropName(id);
  return {
    name: 'UndecodedRops',
    offset,
    length: n,
    value: raw,
    error: known
      ? `${known} (${hex(id, 2)}) has no ${side} layout; the remaining ${n} byte(s) cannot be split into ROPs`
      : `unknown RopId ${hex(id, 2)}; the remaining ${n} byte(s) cannot be split into ROPs`,
  };
}

/**
 * The code page of each request's strings and of its response's ([MS-OXCROPS]
 * 2.2.1.3): a message-opening ROP's response is in the message's code page.
 */
function codePagesOf(tracker: CodePageTracker, reqs: readonly StructValue[]) {
  const out: (CodePageInUse | undefined)[] = [];
  for (const q of reqs) {
    out.push(tracker.forResponse(q));
    tracker.afterRequest(q);
  }
  return out;
}

/** The responses-so-far map of a request list (never written). */
const NO_RESPONSES: ReadonlyMap<number, StructValue> = new Map();

function listCodec(side: 'request' | 'response'): Codec<StructValue[]> {
  return {
    kind: side === 'request' ? 'RopRequest[]' : 'RopResponse[]',
    minSize: 0,
    decode(r, name, scope, env) {
      const start = r.pos;
      const info = scope.get(BUF_KEY) as BufferInfo;
      const node: DecodedNode = { name, offset: start, length: 0, children: [] };
      const items: StructValue[] = [];
      const details: (string | undefined)[] = [];
      const responses = side === 'response' ? new Map<number, StructValue>() : NO_RESPONSES;
      const st: PairState = { cursor: 0, first: true, backedOff: false };
      let failed = false;
      const baseCodePage = env.codePage;
      const tracker = new CodePageTracker(sessionOf(env), info.requestHandles, baseCodePage);
      const responseCodePages = side === 'response' ? codePagesOf(tracker, info.requests) : undefined;
      while (r.remaining > 0) {
        const id = r.peekU8()!;
        let def: RopDefinition | undefined;
        let site: RopSite;
        if (side === 'request') {
          def = ropsById.get(id);
          site = { side, requests: items, requestIndex: items.length, requestHandles: info.requestHandles };
          env.codePage = tracker.forInput(r.remaining > 2 ? r.bytes[r.pos + 2] : undefined);
        } else {
          const p = pairNext(st, info.requests, id);
          def = p.def;
          site = new ResponseSite(info.requests, p.requestIndex, info.requestHandles, info.responseHandles, responses);
          env.codePage = p.requestIndex >= 0 ? responseCodePages![p.requestIndex] : tracker.forInput(undefined);
        }
        const codec = def ? (side === 'request' ? def.request : def.response) : undefined;
        if (!def || !codec) {
          env.failures++;
          failed = true;
          const n = unknownRop(r, id, side);
          node.children!.push(n);
          items.push({ Undecoded: n.value });
          break;
        }
        const at = r.pos;
        try {
          const d = codec.decode(r, def.name, new Scope({ [SITE_KEY]: site }, scope), env);
          items.push(d.value);
          node.children!.push(d.node);
          if (side === 'request') tracker.afterRequest(d.value);
          if (env.tree && d.node.display === undefined) {
            const detail = detailOf(d.value);
            details[items.length - 1] = detail;
            const shown = ropNodeDisplay(d.value, site, def, detail);
            if (shown !== undefined) d.node.display = shown;
          }
          if (side === 'response' && site.requestIndex >= 0)
            (responses as Map<number, StructValue>).set(site.requestIndex, d.value);
        } catch (err) {
          // A ROP that does not decode leaves the start of the next one unknown: stop here.
          env.failures++;
          failed = true;
          const e = asDecodeError(err, at);
          const part = e.partial ?? errorLeaf(def.name, e, r.end);
          node.children!.push(part);
          items.push({ Undecoded: r.bytes.slice(at, r.end) });
          const end = part.offset + part.length;
          if (end < r.end)
            node.children!.push({
              name: 'UndecodedRops',
              offset: end,
              length: r.end - end,
              error: `the ${r.end - end} byte(s) after a malformed ${def.name} cannot be split into ROPs`,
            });
          r.pos = r.end;
          break;
        }
      }
      env.codePage = baseCodePage;
      if (!env.tree) return { value: items, node: NO_NODE };
      node.length = r.pos - start;
      node.display = `${items.length} ROP${items.length === 1 ? '' : 's'}`;
      if (side === 'response' && !failed) {
        const gap = unansweredNode(info.requests, responses, st, r.pos, items);
        if (gap) {
          node.children!.push(gap);
          node.display += ` · ${gap.display!.slice(0, gap.display!.indexOf(':'))}`;
        }
      }
      env.note(DETAILS_NOTE, { list: items, details } satisfies MadeDetails);
      return { value: items, node };
    },
    encode(w, items, scope, env) {
      const info = scope.get(BUF_KEY) as BufferInfo;
      const responses = new Map<number, StructValue>();
      const st: PairState = { cursor: 0, first: true, backedOff: false };
      const baseCodePage = env.codePage;
      const tracker = new CodePageTracker(sessionOf(env), info.requestHandles, baseCodePage);
      const responseCodePages = side === 'response' ? codePagesOf(tracker, info.requests) : undefined;
      items.forEach((v, i) => {
        if (v.Undecoded instanceof Uint8Array) {
          w.bytes(v.Undecoded); // bytes the walker could not split, kept for a lossless round trip
          return;
        }
        const id = v.RopId as number;
        let def: RopDefinition | undefined;
        let site: RopSite;
        if (side === 'request') {
          def = ropsById.get(id);
          site = { side, requests: items, requestIndex: i, requestHandles: info.requestHandles };
          env.codePage = tracker.forInput(v.InputHandleIndex as number | undefined);
        } else {
          const p = pairNext(st, info.requests, id);
          def = p.def;
          env.codePage = p.requestIndex >= 0 ? responseCodePages![p.requestIndex] : tracker.forInput(undefined);
          site = {
            side,
            requests: info.requests,
            requestIndex: p.requestIndex,
            requestHandles: info.requestHandles,
            responseHandles: info.responseHandles,
            responses,
          };
          if (p.requestIndex >= 0) responses.set(p.requestIndex, v);
        }
        const codec = def ? (side === 'request' ? def.request : def.response) : undefined;
        if (!codec) throw new Error(`cannot encode ROP ${hex(id, 2)}: no ${side} layout`);
        codec.encode(w, v, new Scope({ [SITE_KEY]: site }, scope), env);
        if (side === 'request') tracker.afterRequest(v);
      });
      env.codePage = baseCodePage;
    },
  };
}

/**
 * A generated node after the responses when some request ROPs that expect a
 * response got none ([MS-OXCROPS] 3.2.5.2: every ROP but RopRelease is answered,
 * in order): "3 ROPs requested, 0 answered: …". RopBackoff and RopBufferTooSmall
 * stop the list on purpose, which the text says. A list that continues the last
 * ROP of the request (a chained extra payload) is not checked.
 */
function unansweredNode(
  reqs: readonly StructValue[],
  responses: ReadonlyMap<number, StructValue>,
  st: PairState,
  at: number,
  items: readonly StructValue[],
): DecodedNode | undefined {
  if (!reqs.length || st.continued) return undefined;
  let expected = 0;
  const missing: string[] = [];
  for (let i = 0; i < reqs.length; i++) {
    if (!hasResponse(reqs[i])) continue;
    expected++;
    if (!responses.has(i)) {
      const id = reqs[i]!.RopId as number;
      missing.push(`#${i + 1} ${ropName(id) ?? hex(id, 2)}`);
    }
  }
  if (!missing.length) return undefined;
  const answered = expected - missing.length;
  const stop = items.some((v) => v.RopId === ropBufferTooSmall.id)
    ? ' (RopBufferTooSmall: the server stopped and the client must resend them)'
    : st.backedOff
      ? ' (RopBackoff: the server stopped running the list)'
      : '';
  return {
    name: 'UnansweredRops',
    offset: at,
    length: 0,
    generated: true,
    value: missing.length,
    display: `${expected} ROP${expected === 1 ? '' : 's'} requested, ${answered} answered: no response to ${missing.join(', ')}${stop}`,
  };
}

/**
 * Text of a ROP node: its key fields; for a response also the request it
 * answers (1-based, wire order), and a note when the echoed handle index
 * differs from that request's ([MS-OXCROPS] 2.2.1: the response repeats it).
 */
function ropNodeDisplay(
  v: StructValue,
  site: RopSite,
  def: RopDefinition,
  detail: string | undefined,
): string | undefined {
  if (site.side === 'request' || site.requestIndex < 0) return detail;
  const q = site.requests[site.requestIndex];
  let text = `answers request #${site.requestIndex + 1}`;
  const echo = def.responseIndexName;
  const qd = q ? ropsById.get(q.RopId as number) : undefined;
  // RopProgress answers another ROP and echoes its own index; no comparison there.
  if (q && echo && qd && qd.id === def.id) {
    const want = q[RESPONSE_INDEX[qd.handles]];
    if (typeof want === 'number' && v[echo] !== want) text += ` (${echo} ${String(v[echo])} ≠ request's ${want})`;
  }
  return detail ? `${text} · ${detail}` : text;
}

const handleTable = arrayToEnd(u32hex, { item: 'ServerObjectHandle' });

function bufferStruct(kind: string, side: 'request' | 'response') {
  return struct(kind, [
    field('RopSize', u16, {
      derive: (_v, h) => {
        const n = 2 + h.sizeOf('RopsList');
        // One ROP buffer travels in one extended buffer (at most 32 KB, [MS-OXCRPC] 3.1.4.2.1.1); a u16 cannot hold more.
        if (n > 0xffff) throw new Error(`ROP list of ${n} bytes does not fit RopSize (u16)`);
        return n;
      },
      doc: 'Size of RopSize plus the ROP list that follows.',
    }),
    field(
      'RopsList',
      sized(listCodec(side), (s) => s.num('RopSize') - 2),
      {
        doc:
          side === 'request' ? 'The ROP requests, back to back.' : 'The ROP responses, in the order the requests ran.',
      },
    ),
    field('ServerObjectHandleTable', handleTable, {
      doc: 'Server object handles (u32) that ROPs refer to by index.',
    }),
  ]);
}

/** Handle table read ahead of the ROP list (rows and logons are looked up by server handle). */
function peekHandles(v: DataView, start: number, end: number): number[] {
  const ropSize = start + 2 <= end ? v.getUint16(start, true) : 0;
  const out: number[] = [];
  if (ropSize < 2 || start + ropSize > end) return out;
  for (let p = start + ropSize; p + 4 <= end; p += 4) out.push(v.getUint32(p, true));
  return out;
}

function requestInfo(env: DecodeEnv | EncodeEnv): { rops: StructValue[]; handles: number[] } {
  return requestBufferOf(env.context.execRequest) ?? { rops: [], handles: [] };
}

function bufferCodec(side: 'request' | 'response'): Codec<StructValue> {
  const inner = bufferStruct(side === 'request' ? 'ROP_REQUEST_BUFFER' : 'ROP_RESPONSE_BUFFER', side);
  return withShape<Codec<StructValue>>(
    {
      kind: inner.kind,
      minSize: 2,
      decode(r, name, scope, env) {
        const handles = peekHandles(r.view, r.pos, r.end); // the reader's view spans its whole buffer
        let info: BufferInfo;
        if (side === 'request') info = { requestHandles: handles, requests: [] };
        else {
          const q = requestInfo(env);
          info = { requestHandles: q.handles, responseHandles: handles, requests: q.rops };
        }
        const d = inner.decode(r, name, new Scope({ [BUF_KEY]: info }, scope), env);
        const n = d.value.RopSize as number;
        if (n < 2) throw new DecodeError(`RopSize ${n} is smaller than RopSize itself`, r.pos);
        return d;
      },
      encode(w, v, scope, env) {
        const handles = (v.ServerObjectHandleTable as number[] | undefined) ?? [];
        let info: BufferInfo;
        if (side === 'request') info = { requestHandles: handles, requests: [] };
        else {
          const q = requestInfo(env);
          info = { requestHandles: q.handles, responseHandles: handles, requests: q.rops };
        }
        inner.encode(w, v, new Scope({ [BUF_KEY]: info }, scope), env);
      },
    },
    { type: 'window', inner: () => inner },
  );
}

/** [MS-OXCROPS] 2.2.1 ROP input buffer. */
export const ropRequestBuffer: Codec<StructValue> = bufferCodec('request');
/** [MS-OXCROPS] 2.2.1 ROP output buffer; pairs responses with `env.context.execRequest`. */
export const ropResponseBuffer: Codec<StructValue> = bufferCodec('response');

// ---------------------------------------------------------------------------
// Convenience entry points

export interface RopDecodeOptions {
  /** The decoded request (ROP input buffer, or an Execute request containing one). */
  execRequest?: unknown;
  /** Session model for context from earlier Executes. */
  session?: RopContextProvider;
  bufferId?: string;
}

/** Decode one ROP input buffer. */
export function decodeRopRequestBuffer(bytes: Uint8Array, opts: RopDecodeOptions = {}) {
  return decode(ropRequestBuffer, bytes, {
    name: 'RopBuffer',
    context: { session: opts.session },
    bufferId: opts.bufferId,
  });
}

/** Decode one ROP output buffer against its request. */
export function decodeRopResponseBuffer(bytes: Uint8Array, opts: RopDecodeOptions = {}) {
  return decode(ropResponseBuffer, bytes, {
    name: 'RopBuffer',
    context: { execRequest: opts.execRequest, session: opts.session },
    bufferId: opts.bufferId,
  });
}

export function encodeRopRequestBuffer(value: StructValue): Uint8Array {
  return encode(ropRequestBuffer, value);
}

export function encodeRopResponseBuffer(value: StructValue, execRequest?: unknown): Uint8Array {
  return encode(ropResponseBuffer, value, { execRequest });
}

// ---------------------------------------------------------------------------
// Summary for the CLI's `rops` list

export interface RopSummaryEntry {
  /** RopId as "0x15". */
  id: string;
  name: string;
  /** The ROP's handle index: InputHandleIndex (or the first index) of a request, the echoed index of a response. */
  handleIndex?: number;
  /** Responses: "0x00000000". */
  returnValue?: string;
  /** Requests (and RopNotify/RopBackoff): the LogonId. */
  logonId?: number;
  /** Key fields after the header for a one-line listing, e.g. "FolderId=1-0x00000000000D OpenModeFlags=0". */
  detail?: string;
}

/**
 * Key of the decode note (`DecodeResult.notes`) holding, per RopsList, the
 * `detailOf` texts the walker made for the node displays (index = position in
 * the list; holes where a ROP's codec set its own display). `decodeBody` hands
 * them to `ropSummary` right after decoding, before anyone else holds the values.
 */
export const DETAILS_NOTE = 'rop-details';
export interface MadeDetails {
  readonly list: readonly StructValue[];
  readonly details: readonly (string | undefined)[];
}
const NO_DETAIL = Symbol('no detail');

const HEADER_FIELDS = new Set(['RopId', 'LogonId', 'ReturnValue', ...INDEX_NAMES_ALL()]);
function INDEX_NAMES_ALL(): string[] {
  return ['InputHandleIndex', 'OutputHandleIndex', 'SourceHandleIndex', 'DestHandleIndex', 'ResponseHandleIndex'];
}

/** Up to four fields after the header, each shortened to one token. */
function detailOf(rop: StructValue): string | undefined {
  let text = '';
  let parts = 0;
  for (const k in rop) {
    if (parts >= 4) break;
    if (HEADER_FIELDS.has(k)) continue;
    const v: unknown = rop[k];
    let t: string | undefined;
    if (typeof v === 'number') t = v >= 0x10000 ? hex(v, 8) : String(v);
    else if (typeof v === 'bigint') t = '0x' + v.toString(16).toUpperCase();
    else if (typeof v === 'string') t = JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
    else if (v instanceof Uint8Array) t = `${v.length} bytes`;
    else if (Array.isArray(v)) t = `[${v.length}]`;
    else if (v && typeof v === 'object' && 'ReplicaId' in v && 'GlobalCounter' in v)
      t = idToString(v as { ReplicaId: number; GlobalCounter: number });
    if (t !== undefined) {
      text = parts++ ? `${text} ${k}=${t}` : `${k}=${t}`;
    }
  }
  return parts ? text : undefined;
}

const INDEX_NAMES = ['InputHandleIndex', 'OutputHandleIndex', 'SourceHandleIndex', 'ResponseHandleIndex'];
const RESPONSE_INDEX_NAMES = Object.values(RESPONSE_INDEX);

/** The value of the first of `names` that is a number in `rop`. */
function firstNumber(rop: StructValue, names: readonly string[]): number | undefined {
  for (let i = 0; i < names.length; i++) {
    const v: unknown = rop[names[i]!];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

function madeFor(made: readonly unknown[] | undefined, list: readonly StructValue[]) {
  if (made) for (const m of made) if ((m as MadeDetails).list === list) return (m as MadeDetails).details;
  return undefined;
}

export interface RopSummaryOptions {
  /**
   * The detail texts the decoder made for the ROP nodes (the `DETAILS_NOTE`
   * note of a tree decode), reused for lists found here. Only for values
   * fresh from the decoder and not changed since.
   */
  madeDetails?: readonly unknown[] | undefined;
}

/** The RopsList arrays inside `v` (depth-first, at most 8 levels down). */
function findRopLists(v: unknown, depth: number, seen: Set<unknown>, lists: StructValue[][]): void {
  if (depth > 8 || v === null || typeof v !== 'object' || seen.has(v) || v instanceof Uint8Array) return;
  seen.add(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.RopsList)) {
    lists.push(o.RopsList as StructValue[]);
    return;
  }
  for (const x of Array.isArray(v) ? v : Object.values(o)) findRopLists(x, depth + 1, seen, lists);
}

/**
 * One entry per ROP in wire order. Accepts a decoded ROP buffer, a RopsList
 * array, or any value containing ROP buffers (an Execute request or response).
 */
export function ropSummary(value: unknown, opts: RopSummaryOptions = {}): RopSummaryEntry[] {
  const lists: StructValue[][] = [];
  if (Array.isArray(value) && value.every((x) => x && typeof x === 'object' && 'RopId' in x))
    lists.push(value as StructValue[]);
  else if (value && typeof value === 'object' && Array.isArray((value as StructValue).RopsList))
    lists.push((value as StructValue).RopsList as StructValue[]); // a ROP buffer (the common case)
  else findRopLists(value, 0, new Set(), lists);
  const out: RopSummaryEntry[] = [];
  for (const list of lists) {
    const made = madeFor(opts.madeDetails, list);
    for (let i = 0; i < list.length; i++) {
      const rop = list[i]!;
      if (rop.Undecoded instanceof Uint8Array) continue;
      const id = rop.RopId as number;
      const e: RopSummaryEntry = { id: hex(id, 2), name: ropName(id) ?? 'Unknown' };
      const isResponse =
        rop.ReturnValue !== undefined || rop.LogonId === undefined || id === ropNotify.id || id === ropBackoff.id;
      const idx = firstNumber(rop, isResponse ? RESPONSE_INDEX_NAMES : INDEX_NAMES);
      if (idx !== undefined) e.handleIndex = idx;
      if (isResponse) {
        if (typeof rop.ReturnValue === 'number') e.returnValue = hex(rop.ReturnValue, 8);
        if (typeof rop.LogonId === 'number') e.logonId = rop.LogonId;
      } else e.logonId = rop.LogonId as number;
      const m = made && i in made ? made[i] : NO_DETAIL;
      const d = m === NO_DETAIL ? detailOf(rop) : m;
      if (d) e.detail = d;
      out.push(e);
    }
  }
  return out;
}
