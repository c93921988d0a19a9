/**
 * The one entry point of the decoders: a body by request type and direction
 * (`decodeBody`), or a whole captured exchange (`decodeExchange`: endpoint,
 * HTTP head trees, cookies, both bodies with the request as context of the
 * response). Never throws: failures are error nodes.
 */
import {
  type Codec,
  type DecodeContext,
  type DecodedNode,
  type NodeError,
  type StructValue,
  decode,
  encode as encodeWith,
} from '../codec/index.js';
import type { Exchange } from '../capture/exchange.js';
import { autodiscoverBody } from './autodiscover/index.js';
import {
  emsmdbRequestCodecs,
  emsmdbRequestCodecsRaw,
  emsmdbResponseCodecs,
  emsmdbResponseCodecsRaw,
} from './emsmdb/index.js';
import {
  type Cookie,
  type Endpoint,
  type ExchangeHead,
  type MetaTag,
  type ResponseStreamValue,
  type SetCookie,
  META_TAGS_NOTE,
  canonicalRequestType,
  isEmsmdbRequestType,
  parseExchangeHead,
  requestHeadTree,
  responseHeadTree,
  responseStream,
  rpcOverHttpBody,
} from './mapihttp/index.js';
import { nspiRequestCodecs, nspiResponseCodecs } from './nspi/index.js';
import { DETAILS_NOTE, type RopSummaryEntry, ropSummary } from './rops/buffer.js';
import { chainPayloads } from './rpcext/index.js';

export { canonicalRequestType, responseCodeName } from './mapihttp/index.js';
export * from './emsmdb/index.js';
export { compressLz77, decompressLz77, encodeRpcExtBuffer, xorMagic } from './rpcext/index.js';

export type { Endpoint, ExchangeHead } from './mapihttp/index.js';
export type Direction = 'request' | 'response';

/** One ROP of a body, as `ropSummary` (rops/buffer.ts) makes it. */
export type RopSummaryItem = RopSummaryEntry;

export interface BodyDecode {
  /** Canonical spelling ("Bind"), or the given string when unknown. */
  requestType: string;
  direction: Direction;
  /** The tree; a bare root node (no children) when decoded with `tree: false` (see `valuesOnly`). */
  tree: DecodedNode;
  errors: NodeError[];
  /** Bytes of "body" and of the derived buffers that no node claims; -1 when `valuesOnly` (not computed). */
  unparsedBytes: number;
  /**
   * Decoded with `tree: false` and without failures: every value field is as
   * with the tree, `errors` is empty, `tree` is a bare root, `unparsedBytes`
   * is -1. (A body with failures is decoded again with the tree, so its
   * errors are exact; `valuesOnly` is then absent.)
   */
  valuesOnly?: true;
  /** "body" plus every derived buffer ("rpcext#1", …). */
  buffers: Record<string, Uint8Array>;
  /** Value of the request type's body structure (without the response stream preamble). */
  value: StructValue | undefined;
  /** Response only: X-ResponseCode that applies (additional header after DONE over the HTTP header). */
  responseCode?: number;
  rops: RopSummaryItem[];
  /** Response only: the meta-tags with their body offsets. */
  metaTags?: { tag: MetaTag; offset: number }[];
  /** Response only: the full codec value (preamble + body) for `encodeBody`. */
  streamValue?: ResponseStreamValue;
  /** Response only: false when the stream ended before the body (held NotificationWait). */
  complete?: boolean;
}

export interface ExchangeDecode {
  endpoint: Endpoint;
  requestType?: string;
  /** The HTTP head trees; with `tree: false`, bare roots (no children, length 0). */
  http: { request: DecodedNode; response?: DecodedNode };
  request?: BodyDecode;
  response?: BodyDecode;
  cookies: Cookie[];
  setCookies: SetCookie[];
  /** Authoritative X-ResponseCode (after DONE if present, else the HTTP header). */
  responseCode?: number;
  metaTags: { tag: MetaTag; offset: number }[];
}

type RopSummaryFn = typeof ropSummary;

const rawBody: Codec<Uint8Array> = {
  kind: 'Body',
  minSize: 0,
  decode(r, name) {
    const at = r.pos;
    const v = r.take(r.remaining);
    return {
      value: v,
      node: { name, offset: at, length: v.length, display: `${v.length} bytes, no decoder for this request type` },
    };
  },
  encode(w, v) {
    w.bytes(v);
  },
};

const bodyName = (t: string, d: Direction) => `${t}${d === 'request' ? 'Request' : 'Response'}`;

/**
 * The codec of a body: the request type's structure; for responses wrapped
 * in the meta-tag stream (accepted with or without preamble). Unknown types
 * get one raw node. "Autodiscover" and "RPC_IN_DATA"/"RPC_OUT_DATA" are
 * accepted as pseudo request types.
 */
export function bodyCodec(requestType: string, direction: Direction, opts: { rawRops?: boolean } = {}): Codec<unknown> {
  // Built once per (type, direction, raw) and kept: the response wrapper is a new codec each time it is made.
  const byType = bodyCodecs[(direction === 'request' ? 0 : 2) + (opts.rawRops ? 1 : 0)]!;
  let c = byType.get(requestType);
  if (!c) {
    c = makeBodyCodec(requestType, direction, opts.rawRops === true);
    if (byType.size < 256) byType.set(requestType, c); // request types come from headers: bound what is kept
  }
  return c;
}

/** Request, request raw, response, response raw: codec by request type as given. */
const bodyCodecs = [0, 1, 2, 3].map(() => new Map<string, Codec<unknown>>());

function makeBodyCodec(requestType: string, direction: Direction, rawRops: boolean): Codec<unknown> {
  const opts = { rawRops };
  const t = canonicalRequestType(requestType) ?? requestType;
  if (/^autodiscover$/i.test(t)) return autodiscoverBody;
  if (/^rpc_(in|out)_data$/i.test(t)) return rpcOverHttpBody;
  const emsmdb =
    direction === 'request'
      ? opts.rawRops
        ? emsmdbRequestCodecsRaw
        : emsmdbRequestCodecs
      : opts.rawRops
        ? emsmdbResponseCodecsRaw
        : emsmdbResponseCodecs;
  const table = isEmsmdbRequestType(t) ? emsmdb : direction === 'request' ? nspiRequestCodecs : nspiResponseCodecs;
  const inner = (table[t] as Codec<unknown> | undefined) ?? rawBody;
  return direction === 'request' ? inner : responseStream(inner, bodyName(t, direction));
}

/** The ROP buffer values of a decoded Execute body, in extended-buffer order. */
export function ropBuffersOf(value: StructValue | undefined): StructValue[] {
  const chain = value?.RopBuffer as StructValue[] | undefined;
  return chainPayloads<StructValue>(chain).filter((v): v is StructValue => v !== undefined);
}

export interface DecodeModeOptions {
  /**
   * False: values only (no tree, no display texts), for a pass that reads
   * values, errors and meta-tags but shows no tree, such as the session
   * model's forward pass. See `BodyDecode.valuesOnly`. Default true.
   */
  tree?: boolean;
}

/**
 * Decode one body. Context keys honoured: `responseCode` (the HTTP header's
 * X-ResponseCode), `execRequest` (the decoded ROP request buffer an Execute
 * response answers), `rawRops: true` (frame Execute ROP buffers without
 * decoding the ROPs).
 */
export function decodeBody(
  requestType: string,
  direction: Direction,
  bytes: Uint8Array,
  context: DecodeContext = {},
  opts: DecodeModeOptions = {},
): BodyDecode {
  const t = canonicalRequestType(requestType) ?? requestType;
  const codec = bodyCodec(t, direction, { rawRops: context.rawRops === true });
  const name = direction === 'request' ? bodyName(t, direction) : 'MapiHttpResponse';
  let res = decode(codec, bytes, { name, context, tree: opts.tree !== false });
  const valuesOnly = opts.tree === false && res.failures === 0;
  if (opts.tree === false && !valuesOnly) res = decode(codec, bytes, { name, context }); // errors need their paths
  const buffers: Record<string, Uint8Array> = { body: bytes };
  for (const [id, b] of res.buffers) buffers[id] = b;
  const out: BodyDecode = new BodyDecodeResult(t, direction, res.tree, buffers, valuesOnly ? undefined : res.failures);
  if (valuesOnly) out.valuesOnly = true;
  if (direction === 'response' && !NOT_STREAMED.has(t.toLowerCase())) {
    const sv = res.value as ResponseStreamValue | undefined;
    if (sv) {
      out.streamValue = sv;
      out.complete = sv.Complete;
      if (sv.ResponseCode !== undefined) out.responseCode = sv.ResponseCode;
      if (sv.Body && !(sv.Body instanceof Uint8Array)) out.value = sv.Body;
      out.metaTags = [];
      if (valuesOnly) {
        const noted = res.notes?.get(META_TAGS_NOTE) as { tag: MetaTag; offset: number }[] | undefined;
        if (noted) out.metaTags.push(...noted);
      } else
        for (const n of res.tree.children ?? [])
          if (n.name === 'MetaTag') out.metaTags.push({ tag: n.value as MetaTag, offset: n.offset });
    }
  } else {
    const v = res.value;
    if (v && typeof v === 'object' && !(v instanceof Uint8Array)) out.value = v;
  }
  if (t === 'Execute' && context.rawRops !== true)
    if (valuesOnly) (out as BodyDecodeResult).ropsOnRead(ropSummary);
    else out.rops = summaryOf(ropSummary, out.value, res.notes?.get(DETAILS_NOTE));
  return out;
}

/**
 * A decoded body whose `errors` and `unparsedBytes` walk the tree when first
 * read: most decodes are shown or summarised without either being asked for.
 * A tree without failures has no error node (see `DecodeEnv.failures`), so
 * its `errors` need no walk. `failures` undefined: values only (`[]`, -1).
 * Both stay assignable, and `toJSON` lists them like the other fields.
 */
class BodyDecodeResult implements BodyDecode {
  value: StructValue | undefined = undefined;
  #rops: RopSummaryItem[] = [];
  #ropsFrom: RopSummaryFn | undefined;
  #errors: NodeError[] | undefined;
  #unparsed: number | undefined;
  constructor(
    readonly requestType: string,
    readonly direction: Direction,
    readonly tree: DecodedNode,
    readonly buffers: Record<string, Uint8Array>,
    failures: number | undefined,
  ) {
    if (failures === undefined) {
      this.#errors = [];
      this.#unparsed = -1;
    } else if (failures === 0) this.#errors = [];
  }
  #scan(): void {
    const s = scanTree(this.tree, this.buffers);
    this.#errors ??= s.errors;
    this.#unparsed ??= s.unparsed;
  }
  get errors(): NodeError[] {
    if (this.#errors === undefined) this.#scan();
    return this.#errors!;
  }
  set errors(v: NodeError[]) {
    this.#errors = v;
  }
  get unparsedBytes(): number {
    if (this.#unparsed === undefined) this.#scan();
    return this.#unparsed!;
  }
  set unparsedBytes(v: number) {
    this.#unparsed = v;
  }
  /**
   * The ROP list, made when first read. For values-only decodes: the session
   * pass reads the values and never this list (no detail texts from a tree
   * exist to reuse, so nothing is lost by waiting).
   */
  get rops(): RopSummaryItem[] {
    const from = this.#ropsFrom;
    if (from) {
      this.#ropsFrom = undefined;
      this.#rops = summaryOf(from, this.value, undefined);
    }
    return this.#rops;
  }
  set rops(v: RopSummaryItem[]) {
    this.#ropsFrom = undefined;
    this.#rops = v;
  }
  ropsOnRead(summarize: RopSummaryFn): void {
    this.#ropsFrom = summarize;
  }
  toJSON(): BodyDecode {
    return { ...this, errors: this.errors, unparsedBytes: this.unparsedBytes, rops: this.rops };
  }
}

/** Response types whose body is not in the MAPI/HTTP response stream. */
const NOT_STREAMED = new Set(['autodiscover', 'rpc_in_data', 'rpc_out_data']);

function summaryOf(
  summarize: RopSummaryFn,
  value: StructValue | undefined,
  madeDetails: readonly unknown[] | undefined,
): RopSummaryItem[] {
  const out: RopSummaryItem[] = [];
  try {
    // The values are fresh from the decoder: the ROP detail texts made for the tree are reused.
    for (const b of ropBuffersOf(value)) for (const e of summarize(b, { madeDetails })) out.push(e);
  } catch {
    // a summary bug must not break decoding
  }
  return out;
}

/**
 * Error nodes and unclaimed bytes in one walk. Same rules as the codec
 * layer's `collectErrors` / `unclaimedBytes` (leaves claim their bytes, error
 * and generated nodes claim none), computed from merged intervals so the cost
 * follows the node count, not the body size. Leaves come in offset order in
 * nearly every tree, so the intervals are merged as the walk meets them; only
 * a buffer whose leaves go back in offset falls back to sorting them.
 */
export function scanTree(
  tree: DecodedNode,
  buffers: Readonly<Record<string, Uint8Array>>,
): { errors: NodeError[]; unparsed: number } {
  const st: ScanState = { errors: [], stack: [], spans: new Map(), buffers, lastBuf: '', last: undefined };
  scanNode(st, tree, tree.buffer ?? 'body', 0);
  let unparsed = 0;
  for (const [id, b] of Object.entries(buffers)) {
    const acc = st.spans.get(id);
    unparsed += b.length - (acc ? (acc.sorted ? acc.covered : coveredBySorting(acc.spans, b.length)) : 0);
  }
  return { errors: st.errors, unparsed };
}

/** Merged intervals of one buffer: bytes covered so far, end of the union, and every interval for the fallback. */
interface SpanAcc {
  readonly size: number;
  covered: number;
  end: number;
  lastStart: number;
  /** False once an interval started before the previous one: `covered` is then recomputed by sorting `spans`. */
  sorted: boolean;
  /** Raw intervals (start, end pairs): merged runs while sorted, then every interval as met. */
  readonly spans: number[];
}

interface ScanState {
  readonly errors: NodeError[];
  /** Nodes from the root, `stack[depth]` being the current one (their names are read only for error paths). */
  readonly stack: DecodedNode[];
  readonly spans: Map<string, SpanAcc | null>;
  readonly buffers: Readonly<Record<string, Uint8Array>>;
  lastBuf: string;
  last: SpanAcc | null | undefined;
}

function scanNode(st: ScanState, n: DecodedNode, parentBuffer: string, depth: number): void {
  const buf = n.buffer ?? parentBuffer;
  st.stack[depth] = n;
  const error = n.error;
  if (error !== undefined)
    st.errors.push({ path: pathOf(st.stack, depth), message: error, offset: n.offset, buffer: buf });
  const kids = n.children;
  if (kids !== undefined && kids.length) {
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i]!;
      // Most children are plain leaves (no children, own buffer, error or generated flag): claimed here, no call.
      if (c.children === undefined && c.buffer === undefined && c.error === undefined && !c.generated)
        claim(st, buf, c.offset, c.length);
      else scanNode(st, c, buf, depth + 1);
    }
    return;
  }
  if (error !== undefined || n.generated) return;
  claim(st, buf, n.offset, n.length);
}

/** A leaf's bytes [start, start + length) of `buf` are claimed. */
function claim(st: ScanState, buf: string, start: number, length: number): void {
  if (!(length > 0)) return;
  let acc = st.last;
  if (buf !== st.lastBuf || acc === undefined) {
    acc = st.spans.get(buf);
    if (acc === undefined) {
      const b = Object.prototype.hasOwnProperty.call(st.buffers, buf) ? st.buffers[buf] : undefined;
      acc = b ? { size: b.length, covered: 0, end: 0, lastStart: -Infinity, sorted: true, spans: [] } : null;
      st.spans.set(buf, acc);
    }
    st.lastBuf = buf;
    st.last = acc;
  }
  if (!acc) return; // a buffer the caller does not count
  const stop = start + length;
  const spans = acc.spans;
  if (!acc.sorted) {
    spans.push(start, stop);
    return;
  }
  if (start < acc.lastStart) {
    acc.sorted = false;
    spans.push(start, stop);
    return;
  }
  acc.lastStart = start;
  // While sorted, `spans` holds the union so far as runs (adjacent leaves extend the last run), for the fallback.
  const n2 = spans.length;
  if (n2 && start <= spans[n2 - 1]!) spans[n2 - 1] = Math.max(spans[n2 - 1]!, stop);
  else spans.push(start, stop);
  const s0 = Math.max(acc.end, Math.max(0, start));
  const e0 = Math.min(acc.size, stop);
  if (e0 > s0) acc.covered += e0 - s0;
  acc.end = Math.max(acc.end, e0);
}

function pathOf(stack: readonly DecodedNode[], depth: number): string {
  let p = stack[0]!.name;
  for (let i = 1; i <= depth; i++) p += '/' + stack[i]!.name;
  return p;
}

/** Bytes of [0, size) covered by the intervals `a` (start, end pairs in any order). */
function coveredBySorting(a: readonly number[], size: number): number {
  const idx: number[] = [];
  for (let i = 0; i < a.length; i += 2) idx.push(i);
  idx.sort((x, y) => a[x]! - a[y]!);
  let covered = 0;
  let end = 0;
  for (const i of idx) {
    const s0 = Math.max(end, Math.max(0, a[i]!));
    const e0 = Math.min(size, a[i + 1]!);
    if (e0 > s0) covered += e0 - s0;
    end = Math.max(end, Math.min(size, a[i + 1]!));
  }
  return covered;
}

/** Encode a body back to bytes from `BodyDecode` (responses: preamble included). */
export function encodeBody(d: BodyDecode, context: DecodeContext = {}): Uint8Array {
  const codec = bodyCodec(d.requestType, d.direction, { rawRops: context.rawRops === true });
  const v = d.direction === 'response' && d.streamValue ? d.streamValue : d.value;
  return encodeWith(codec, v, context);
}

/** Which service an exchange is for (`ExchangeHead.endpoint`). */
export function endpointOf(ex: Exchange): Endpoint {
  return parseExchangeHead(ex).endpoint;
}

/**
 * Decode a whole exchange; the request is decoded first and given to the response as context.
 * `head` is the exchange's typed head when the caller has read it already.
 */
export function decodeExchange(
  ex: Exchange,
  context: DecodeContext = {},
  opts: DecodeModeOptions = {},
  head: ExchangeHead = parseExchangeHead(ex),
): ExchangeDecode {
  const endpoint = head.endpoint;
  const tree = opts.tree !== false;
  const out: ExchangeDecode = {
    endpoint,
    http: {
      request: tree ? requestHeadTree(ex) : { name: 'HttpRequest', offset: 0, length: 0, buffer: 'request-head' },
    },
    cookies: head.cookies,
    setCookies: head.setCookies,
    metaTags: [],
  };
  const rh = !ex.response
    ? undefined
    : tree
      ? responseHeadTree(ex)
      : { name: 'HttpResponse', offset: 0, length: 0, buffer: 'response-head' };
  if (rh) out.http.response = rh;
  const headerCode = head.responseCode;
  if (headerCode !== undefined) out.responseCode = headerCode;

  const type = head.bodyType;
  if (type !== undefined) out.requestType = type;
  if (type === undefined || endpoint === 'other') return out;

  out.request = decodeBody(type, 'request', ex.request.body, context, opts);
  if (ex.response) {
    const ctx: Record<string, unknown> = { ...context };
    if (headerCode !== undefined) ctx.responseCode = headerCode;
    if (endpoint === 'nspi') {
      // [MS-OXNSPI] 2.2.8: the request's STAT CodePage (GetPropList: its CodePage) applies to the response's 8-bit strings.
      const q = out.request.value;
      const cp = (q?.State as StructValue | undefined)?.CodePage ?? q?.CodePage;
      if (typeof cp === 'number') ctx.codePage = { id: cp, source: 'STAT CodePage of the request' };
    }
    if (type === 'Execute') {
      // The decoded ROP request buffer; several when the client packed buffers ([MS-OXCRPC] 3.1.4.2.1.1.1).
      const bufs = ropBuffersOf(out.request.value);
      if (bufs.length === 1) ctx.execRequest = bufs[0];
      else if (bufs.length > 1) ctx.execRequest = bufs;
    }
    // Diagnostic pages on non-200 statuses are not MAPI bodies.
    if (
      endpoint !== 'autodiscover' &&
      endpoint !== 'rpcproxy' &&
      ex.response.statusCode !== 200 &&
      headerCode === undefined
    ) {
      ctx.responseCode = -1;
      ctx.httpStatus = ex.response.statusCode;
    }
    out.response = decodeBody(type, 'response', ex.response.body, ctx, opts);
    if (out.response.responseCode !== undefined && out.response.responseCode >= 0)
      out.responseCode = out.response.responseCode;
    out.metaTags = out.response.metaTags ?? [];
  }
  return out;
}
