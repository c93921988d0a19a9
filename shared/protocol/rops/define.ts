/**
 * `defineRop`: one object describes a ROP in both directions (STYLE-ANCHORS
 * §3–4). The family files list only the fields after the shared headers; the
 * headers come from header.ts, the layout switch on ReturnValue from here.
 */
import {
  type Codec,
  type FieldDef,
  type Scope,
  type StructCodec,
  type StructValue,
  Reader,
  struct,
  withShape,
} from '../../codec/index.js';
import { siteOf } from './context.js';
import { type HandleLayout, RESPONSE_INDEX, requestHeader, responseHeader } from './header.js';

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
   * and failure, but servers differ, see ROPS.md §1.5.5). They are taken only
   * when they decode and what follows is the end of the list or a RopId that
   * may come next.
   */
  readonly failureOptional?: boolean;
  /** Layouts for particular ReturnValues: fields, or 'success' for a warning that keeps the success layout. */
  readonly responseFor?: Readonly<Record<number, readonly FieldDef[] | 'success'>>;
  /** RopId of the response when it differs from the request's (RopGetMessageStatus answers 0x20). */
  readonly responseId?: number;
  /**
   * The response has no common header: `response` lists every field, RopId
   * included (RopNotify, RopPending, RopBackoff, RopBufferTooSmall).
   */
  readonly rawResponse?: boolean;
  /** One sentence for tooltips. */
  readonly doc?: string;
}

export interface RopDefinition {
  readonly id: number;
  readonly name: string;
  readonly specRef: string;
  readonly handles: HandleLayout;
  readonly doc?: string;
  /** RopId the response carries. */
  readonly responseId: number;
  /** Name of the response's second byte (InputHandleIndex, OutputHandleIndex, …); undefined for raw responses. */
  readonly responseIndexName?: string;
  /** Full request structure, header included; undefined for response-only ROPs. */
  readonly request?: StructCodec;
  /** Full response structure, header included; undefined when the ROP is never answered. */
  readonly response?: Codec<StructValue>;
  /** The fields as declared, for documentation and filter names. */
  readonly spec: RopSpec;
}

/** RopIds that may follow any response (RopNotify, RopPending, RopBackoff, RopBufferTooSmall). */
export const SPECIAL_RESPONSE_IDS: ReadonlySet<number> = new Set([0x2a, 0x6e, 0xf9, 0xff]);

export function defineRop(spec: RopSpec): RopDefinition {
  const handles = spec.handles ?? 'in';
  const responseId = spec.responseId ?? spec.id;
  const request = spec.request
    ? struct(`${spec.name}Request`, [...requestHeader(spec.id, handles), ...spec.request])
    : undefined;
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
  const success = struct(kind, [...head, ...successFields]);
  const bare = struct(kind, head);
  const failure = spec.failure?.length ? struct(kind, [...head, ...spec.failure]) : bare;
  const byCode = new Map<number, StructCodec>();
  for (const [code, f] of Object.entries(spec.responseFor ?? {}))
    byCode.set(Number(code) >>> 0, f === 'success' ? success : struct(kind, [...head, ...f]));
  const firstFailureField = spec.failure?.[0]?.name;

  const pick = (rv: number): StructCodec => (rv === 0 ? success : (byCode.get(rv) ?? failure));
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
