/**
 * `defineRop`: one object describes a ROP in both directions, as a Kaitai
 * definition does. The family files list only the fields after the shared headers; the
 * headers come from header.ts, the layout switch on ReturnValue from here.
 */
import {
  type Codec,
  type DecodeEnv,
  type FieldDef,
  type Scope,
  type StructValue,
  type ValueOfFields,
  Reader,
  computed,
  field,
  struct,
  withShape,
} from '../../codec/index.js';
import { siteOf } from './context.js';
import { type HandleLayout, RESPONSE_INDEX, requestHeader, responseHeader } from './header.js';
import { ROP_NAMES, SPECIAL_RESPONSE_IDS, nameRop } from './known-rops.js';

/** What a ROP that stores a handle at OutputHandleIndex creates on the server ([MS-OXCROPS] 2.2.x, each ROP's section). */
export type ObjectKind =
  | 'logon'
  | 'folder'
  | 'message'
  | 'attachment'
  | 'stream'
  | 'subscription'
  | 'table'
  | 'fasttransfer-source'
  | 'fasttransfer-destination';

/**
 * What a request does to the context the later ROPs of its Execute are decoded in
 * (`context.ts`): the layouts of rows and recipient rows depend on it ([MS-OXCROPS] 2.2.1).
 * - `setsColumns`: its PropertyTags become the columns of the table at InputHandleIndex (RopSetColumns, 2.2.5.1);
 * - `resetsColumns`: the table at InputHandleIndex has no columns until set again (RopResetTable, 2.2.5.15);
 * - `releasesHandle`: the object at InputHandleIndex is gone (RopRelease, 2.2.15.3);
 * - `opensRecipientColumns`: its response's RecipientColumns are those of the message at OutputHandleIndex
 *   (RopOpenMessage 2.2.6.1, RopOpenEmbeddedMessage 2.2.6.16);
 * - `reloadsRecipientColumns`: the same for the message at InputHandleIndex (RopReloadCachedInformation, 2.2.6.7).
 */
export type ContextEffect =
  'setsColumns' | 'resetsColumns' | 'releasesHandle' | 'opensRecipientColumns' | 'reloadsRecipientColumns';

export interface RopSpec {
  readonly id: number;
  /** Spec name, e.g. "RopOpenFolder". */
  readonly name: string;
  /** Section that defines the buffers, e.g. "MS-OXCROPS 2.2.4.1". */
  readonly specRef: string;
  /** Handle indexes after LogonId (default `in`). */
  readonly handles?: HandleLayout;
  /** Request fields after the header; `null` for response-only ROPs (RopNotify, …). */
  readonly request: readonly FieldDef[] | null;
  /** Success response fields after ReturnValue; `null` when the ROP has no response (RopRelease). */
  readonly response: readonly FieldDef[] | null;
  /** Fields after a non-zero ReturnValue (default: none, the 6-byte failure response). */
  readonly failure?: readonly FieldDef[];
  /**
   * The failure fields may be absent ([MS-OXCROPS] gives one layout for success
   * and failure, but servers differ: gromox omits them). They are taken only
   * when they decode and what follows is the end of the list or a RopId that
   * may come next.
   */
  readonly failureOptional?: boolean;
  /** Layouts for particular ReturnValues: fields, or 'success' for a warning that keeps the success layout. */
  readonly responseFor?: Readonly<Record<number, readonly FieldDef[] | 'success'>>;
  /** RopId of the response when it differs from the request's (RopGetMessageStatus is answered by RopSetMessageStatus's). */
  readonly responseId?: number;
  /** Other RopIds real servers answer with (paired like `responseId`). */
  readonly otherResponseIds?: readonly number[];
  /**
   * Where implementations disagree on a layout (a count's width, an optional
   * byte): other readings of the request or success response. The spec's
   * (`request` / `response`) is taken when it leaves a consistent ROP buffer
   * (it decodes, and what follows is the end of the list or a RopId that may
   * come next); else the first alternative that does. The ROP's value says
   * which in `Reading`, its tree in a `Reading` node.
   */
  readonly requestReadings?: readonly Reading[];
  readonly responseReadings?: readonly Reading[];
  /**
   * The response has no common header: `response` lists every field, RopId
   * included (RopNotify, RopPending, RopBackoff, RopBufferTooSmall).
   */
  readonly rawResponse?: boolean;
  /** The server object a successful call creates (handle at OutputHandleIndex); unset: a generic object. */
  readonly creates?: ObjectKind;
  /** The response may continue in chained extra payloads ([MS-OXCRPC] 3.1.4.2.1.2). */
  readonly chainable?: boolean;
  /** What the request does to the context of the later ROPs of its Execute. */
  readonly contextEffect?: ContextEffect;
  /**
   * For a ROP that opens a FastTransfer context: the kind of stream that context carries
   * ([MS-OXCFXICS] 2.2.4.3), from its request and the kind of object it was called on.
   */
  readonly opensStream?: (request: StructValue, objectKind: string | undefined) => TransferStream | undefined;
  /** One sentence for tooltips. */
  readonly doc?: string;
}

/** One reading of a layout that implementations disagree on. */
export interface Reading {
  /** Short name of the reading, e.g. "32-bit AttachmentIdCount (gromox)". */
  readonly label: string;
  /** The fields after the header under this reading. */
  readonly fields: readonly FieldDef[];
}

/** The FastTransfer stream kind a ROP's context carries, and what in the request decided it. */
export interface TransferStream {
  /** [MS-OXCFXICS] 2.2.4.3 root element name: "messageList", "topFolder", "folderContent", … */
  readonly kind: string;
  /** Appended to the ROP's name to say what decided: " on a message", " (SynchronizationType 1)". */
  readonly by?: string;
}

/** Label of the spec's own reading in `Reading`. */
export const SPEC_READING = 'as specified';

/** The handle indexes a request carries after LogonId, and the one its response echoes ([MS-OXCROPS] 2.2.1). */
interface IndexNames {
  in: ['InputHandleIndex', 'InputHandleIndex'];
  'in-out': ['InputHandleIndex' | 'OutputHandleIndex', 'OutputHandleIndex'];
  out: ['OutputHandleIndex', 'OutputHandleIndex'];
  'src-dst': ['SourceHandleIndex' | 'DestHandleIndex', 'SourceHandleIndex'];
  'resp-in': ['ResponseHandleIndex' | 'InputHandleIndex', 'ResponseHandleIndex'];
}
type LayoutOf<S> = S extends { handles: infer H extends HandleLayout } ? H : 'in';
type FieldsOf<X> = X extends readonly FieldDef[] ? ValueOfFields<X> : Record<never, never>;

/** The decoded request of the ROP `S`: the common header, then its request fields by type. */
export type RopRequestValue<S extends RopSpec> = { RopId: number; LogonId: number; Reading?: string } & {
  [K in IndexNames[LayoutOf<S>][0]]: number;
} & FieldsOf<S['request']>;

/**
 * The decoded response of the ROP `S`: the common header, then its success fields, each
 * possibly absent (a failure carries only the header or the `failure` fields); a raw response its fields.
 */
export type RopResponseValue<S extends RopSpec> = S extends { rawResponse: true }
  ? FieldsOf<S['response']>
  : { RopId: number; ReturnValue: number; Reading?: string } & { [K in IndexNames[LayoutOf<S>][1]]: number } & Partial<
        FieldsOf<S['response']>
      >;

/** The decoded request value of a definition (`RopRequestValue` of its spec). */
export type RequestOf<D> = D extends RopDefinition<infer Q, unknown> ? Q : never;
/** The decoded response value of a definition (`RopResponseValue` of its spec). */
export type ResponseOf<D> = D extends RopDefinition<unknown, infer R> ? R : never;

export interface RopDefinition<Q = StructValue, R = StructValue> {
  readonly id: number;
  readonly name: string;
  readonly specRef: string;
  readonly handles: HandleLayout;
  readonly doc?: string | undefined;
  /** RopId the response carries. */
  readonly responseId: number;
  /** Other RopIds a response to this request may carry (`RopSpec.otherResponseIds`). */
  readonly otherResponseIds: readonly number[];
  /** The server object a successful call creates (`RopSpec.creates`). */
  readonly creates?: ObjectKind | undefined;
  /** The response may continue in chained extra payloads (`RopSpec.chainable`). */
  readonly chainable: boolean;
  /** What the request does to the context of later ROPs (`RopSpec.contextEffect`). */
  readonly contextEffect?: ContextEffect | undefined;
  /** The stream kind of the FastTransfer context this ROP opens (`RopSpec.opensStream`). */
  readonly opensStream?: RopSpec['opensStream'];
  /** Name of the response's second byte (InputHandleIndex, OutputHandleIndex, …); undefined for raw responses. */
  readonly responseIndexName?: string | undefined;
  /** Full request structure, header included; undefined for response-only ROPs. */
  readonly request?: Codec<StructValue> | undefined;
  /** Full response structure, header included; undefined when the ROP is never answered. */
  readonly response?: Codec<StructValue> | undefined;
  /** The fields as declared, for documentation and filter names. */
  readonly spec: RopSpec;
  /** Type-level only, never set: the decoded request and response values (`RopRequestValue`, `RopResponseValue`). */
  readonly requestValue?: Q;
  readonly responseValue?: R;
}

export function defineRop<const S extends RopSpec>(spec: S): RopDefinition<RopRequestValue<S>, RopResponseValue<S>> {
  const handles = spec.handles ?? 'in';
  const responseId = spec.responseId ?? spec.id;
  nameRop(spec.id, spec.name);
  let request: Codec<StructValue> | undefined;
  if (spec.request) {
    const head = requestHeader(spec.id, handles);
    const main = struct(`${spec.name}Request`, [...head, ...spec.request]);
    request = spec.requestReadings?.length
      ? readingsCodec(`${spec.name}Request`, head, spec.request, spec.requestReadings, 'request')
      : main;
  }
  let response: Codec<StructValue> | undefined;
  if (spec.response && spec.rawResponse) response = struct(`${spec.name}Response`, spec.response);
  else if (spec.response) response = normalResponse(spec, handles, responseId, spec.response);
  return {
    id: spec.id,
    name: spec.name,
    specRef: spec.specRef,
    handles,
    doc: spec.doc,
    responseId,
    otherResponseIds: spec.otherResponseIds ?? [],
    creates: spec.creates,
    chainable: spec.chainable ?? false,
    ...(spec.contextEffect ? { contextEffect: spec.contextEffect } : {}),
    ...(spec.opensStream ? { opensStream: spec.opensStream } : {}),
    responseIndexName: spec.rawResponse ? undefined : RESPONSE_INDEX[handles],
    request,
    response,
    spec,
  };
}

/**
 * A response of the common shape: header, then the layout that ReturnValue
 * selects. Each layout is a flat struct (header + fields) so the tree shows
 * RopId, index, ReturnValue and the fields as siblings.
 */
function normalResponse(
  spec: RopSpec,
  handles: HandleLayout,
  responseId: number,
  successFields: readonly FieldDef[],
): Codec<StructValue> {
  const kind = `${spec.name}Response`;
  const head = responseHeader(responseId, handles);
  const success: Codec<StructValue> = spec.responseReadings?.length
    ? readingsCodec(kind, head, successFields, spec.responseReadings, 'response')
    : struct(kind, [...head, ...successFields]);
  const bare = struct(kind, head);
  const failure = spec.failure?.length ? struct(kind, [...head, ...spec.failure]) : bare;
  const byCode = new Map<number, Codec<StructValue>>();
  for (const [code, f] of Object.entries(spec.responseFor ?? {}))
    byCode.set(Number(code) >>> 0, f === 'success' ? success : struct(kind, [...head, ...f]));
  const firstFailureField = spec.failure?.[0]?.name;

  const pick = (rv: number): Codec<StructValue> => (rv === 0 ? success : (byCode.get(rv) ?? failure));
  const layouts = (): Codec<unknown>[] => [success, failure, bare, ...byCode.values()] as Codec<unknown>[];

  return withShape<Codec<StructValue>>(
    {
      kind,
      minSize: bare.minSize,
      decode(r, name, scope, env) {
        const rv = r.peekU32(2);
        if (rv === undefined) return bare.decode(r, name, scope, env); // reports the truncation
        let c = pick(rv);
        if (c === failure && failure !== bare && spec.failureOptional) {
          const trial = new Reader(r.bytes, r.bufferId, r.pos, r.end, r.view);
          const failures = env.failures; // the trial's failures leave no node
          let ok = false;
          try {
            failure.decode(trial, name, scope, env);
            ok = plausibleNext(trial, scope);
          } catch {
            ok = false;
          }
          env.failures = failures;
          if (!ok) c = bare;
        }
        return c.decode(r, name, scope, env);
      },
      encode(w, v, scope, env) {
        const rv = ((v.ReturnValue as number | undefined) ?? 0) >>> 0;
        let c = pick(rv);
        if (c === failure && spec.failureOptional && firstFailureField && !(firstFailureField in v)) c = bare;
        c.encode(w, v, scope, env);
      },
    },
    { type: 'choice', cases: layouts },
  );
}

/** After optional failure fields: the window ends, or the next byte is a RopId that may come next. */
function plausibleNext(r: Reader, scope: Scope): boolean {
  const next = r.peekU8();
  if (next === undefined) return true;
  if (SPECIAL_RESPONSE_IDS.has(next)) return true;
  const expected = siteOf(scope)?.nextRopIds;
  return expected ? expected.has(next) : false;
}

/** After a request: the window ends, or the next byte is a RopId ([MS-OXCROPS] 2.2.2). */
function plausibleNextRequest(r: Reader): boolean {
  const next = r.peekU8();
  return next === undefined || ROP_NAMES[next] !== undefined;
}

/**
 * The spec's layout and the other readings of it, as one codec: each is tried
 * on a copy of the reader and the first that leaves a consistent buffer is
 * decoded for real, with a zero-length `Reading` node saying which it was and why.
 */
function readingsCodec(
  kind: string,
  head: readonly FieldDef[],
  specFields: readonly FieldDef[],
  others: readonly Reading[],
  side: 'request' | 'response',
): Codec<StructValue> {
  const all = [{ label: SPEC_READING, fields: specFields }, ...others];
  const made = all.map((x, i) => {
    const why =
      i === 0
        ? others.length === 1
          ? `the layout as specified; the other reading (${others[0]!.label}) does not fit`
          : 'the layout as specified'
        : `${x.label}: the layout as specified leaves an inconsistent ROP buffer here`;
    const note = computed(
      () => x.label,
      () => why,
    );
    return struct(kind, [...head, ...x.fields, field('Reading', note, { derive: () => x.label })]);
  });
  const fits = (c: Codec<StructValue>, r: Reader, name: string, scope: Scope, env: DecodeEnv): boolean => {
    const trial = new Reader(r.bytes, r.bufferId, r.pos, r.end, r.view);
    const failures = env.failures;
    let ok: boolean;
    try {
      c.decode(trial, name, scope, env);
      ok =
        env.failures === failures && (side === 'request' ? plausibleNextRequest(trial) : plausibleNext(trial, scope));
    } catch {
      ok = false;
    }
    env.failures = failures;
    return ok;
  };
  return withShape<Codec<StructValue>>(
    {
      kind,
      minSize: Math.min(...made.map((c) => c.minSize)),
      decode(r, name, scope, env) {
        const c = made.find((m) => fits(m, r, name, scope, env)) ?? made[0]!;
        return c.decode(r, name, scope, env);
      },
      encode(w, v, scope, env) {
        const i = all.findIndex((x) => x.label === v.Reading);
        made[Math.max(0, i)]!.encode(w, v, scope, env);
      },
    },
    { type: 'choice', cases: () => made },
  );
}
