/**
 * Context for layouts that the bytes alone do not determine ([MS-OXCROPS]
 * 2.2.1 has no per-ROP length): rows need their table's columns, the RopLogon
 * response needs the request's LogonFlags, and so on.
 *
 * Two sources, in this order:
 * 1. the same Execute: the ROP list walker (buffer.ts) puts a `RopSite` into the
 *    scope under `$rop` — the paired request, every request ROP, the handle
 *    tables and the responses decoded so far;
 * 2. the session model, `env.context.session`, which implements `RopContextProvider`.
 * When neither knows, the field becomes a "context unavailable: …" node holding
 * the raw bytes; nothing is guessed.
 *
 * A single ROP decoded on its own (no walker, e.g. `decode(def.response, bytes,
 * { context })`) reads these `env.context` keys instead: `ropRequest` (the
 * paired request value), `columns` (table columns for rows), `recipientColumns`,
 * `logonFlags`, `serverHandle` (for a session lookup), `session`.
 */
import {
  type CodePageInUse,
  type Codec,
  type DecodeEnv,
  type EncodeEnv,
  type Scope,
  type StructValue,
  DecodeError,
} from '../../codec/index.js';
import type { ContextEffect } from './define.js';
import { knownRop } from './known-rops.js';

/** What a later session model provides (every method may answer "don't know"). */
export interface RopContextProvider {
  /** Column tags set by the last successful RopSetColumns on the table with this server handle. */
  columnsForHandle(serverHandle: number): readonly number[] | undefined;
  /** LogonFlags of the RopLogon that opened this LogonId ([MS-OXCSTOR] 2.2.1.1.1). */
  logonFlags?(logonId: number): number | undefined;
  /** RecipientColumns last sent by RopOpenMessage/RopReloadCachedInformation for this message handle. */
  recipientColumnsForHandle?(serverHandle: number): readonly number[] | undefined;
  /**
   * Code page of the message that owns this object (opened or created with a
   * CodePageId, [MS-OXCROPS] 2.2.1.3); undefined when no message owns it.
   */
  codePageForHandle?(serverHandle: number): CodePageInUse | undefined;
  /** The session's code page: Connect's DefaultCodePage ([MS-OXCMAPIHTTP] 2.2.4.1.1). */
  defaultCodePage?(): CodePageInUse | undefined;
}

/** Scope key under which the walker publishes the `RopSite`. */
export const SITE_KEY = '$rop';

/** Where the ROP being decoded sits in its Execute. */
export interface RopSite {
  readonly side: 'request' | 'response';
  /** Request ROPs of this Execute (on the request side: those decoded so far). */
  readonly requests: readonly StructValue[];
  /** Index in `requests` of the request this ROP is or answers; -1 when there is none. */
  readonly requestIndex: number;
  /** ServerObjectHandleTable of the request buffer. */
  readonly requestHandles: readonly number[];
  /** ServerObjectHandleTable of the response buffer (response side only). */
  readonly responseHandles?: readonly number[] | undefined;
  /** Responses decoded so far, by request index (response side only). */
  readonly responses?: ReadonlyMap<number, StructValue>;
  /** RopIds that may legitimately follow this response (used to accept optional failure fields). */
  readonly nextRopIds?: ReadonlySet<number>;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

export function siteOf(scope: Scope): RopSite | undefined {
  return scope.get(SITE_KEY) as RopSite | undefined;
}

export function sessionOf(env: DecodeEnv | EncodeEnv): RopContextProvider | undefined {
  const s = env.context.session as RopContextProvider | undefined;
  return s && typeof s.columnsForHandle === 'function' ? s : undefined;
}

/** The request ROP a response answers: from the walker, or `env.context.ropRequest` for a lone response. */
export function pairedRequest(scope: Scope, env: DecodeEnv | EncodeEnv): StructValue | undefined {
  const site = siteOf(scope);
  if (site) return site.requestIndex >= 0 ? site.requests[site.requestIndex] : undefined;
  return env.context.ropRequest as StructValue | undefined;
}

const INVALID_HANDLE = 0xffffffff;

/** What request `q` does to the context of later ROPs: its definition's `contextEffect`. */
export function contextEffectOf(q: StructValue): ContextEffect | undefined {
  const id = q.RopId;
  return typeof id === 'number' ? knownRop(id)?.contextEffect : undefined;
}

/** The name of request `q`'s ROP, for the reasons given when context is missing. */
function nameOf(q: StructValue): string {
  const id = q.RopId;
  return (typeof id === 'number' ? knownRop(id)?.name : undefined) ?? 'a ROP';
}

/**
 * Columns of the table at request handle index `index`, as of the ROP at
 * `site.requestIndex`: the latest RopSetColumns on that index earlier in the
 * same Execute (whose response, when known, succeeded), else the session's
 * columns for the table's server handle.
 */
export function tableColumns(scope: Scope, env: DecodeEnv | EncodeEnv, index: number): Resolved<readonly number[]> {
  const site = siteOf(scope);
  const extra = env.context.columns as readonly number[] | undefined;
  if (!site) {
    if (extra) return { ok: true, value: extra };
    const s = sessionOf(env);
    const handle = env.context.serverHandle as number | undefined;
    const cols = handle !== undefined ? s?.columnsForHandle(handle) : undefined;
    return cols
      ? { ok: true, value: cols }
      : { ok: false, reason: `columns of the table at handle index ${index} are not known (no RopSetColumns seen)` };
  }
  for (let i = site.requestIndex - 1; i >= 0; i--) {
    const q = site.requests[i];
    if (!q) continue;
    const outIndex = q.OutputHandleIndex as number | undefined;
    const effect = contextEffectOf(q);
    const onInput = q.InputHandleIndex === index;
    if (effect === 'setsColumns' && onInput) {
      const resp = site.responses?.get(i);
      if (resp && resp.ReturnValue !== 0) continue; // a failed RopSetColumns changes nothing
      return { ok: true, value: q.PropertyTags as readonly number[] };
    }
    if (effect === 'resetsColumns' && onInput)
      return { ok: false, reason: `columns of handle index ${index} were reset by ${nameOf(q)} and not set again` };
    if (effect === 'releasesHandle' && onInput)
      return { ok: false, reason: `handle index ${index} was released earlier in this request` };
    if (outIndex === index && effect !== 'setsColumns')
      return {
        ok: false,
        reason: `the table at handle index ${index} was created in this request without a RopSetColumns before this ROP`,
      };
  }
  if (site.requests.length === 0)
    return {
      ok: false,
      reason: `the request of this Execute is not known, so the columns of handle index ${index} are not either`,
    };
  const handle = site.requestHandles[index];
  if (handle === undefined || handle === INVALID_HANDLE)
    return { ok: false, reason: `handle index ${index} has no server handle in the request's handle table` };
  const s = sessionOf(env);
  if (!s)
    return { ok: false, reason: `no RopSetColumns for handle index ${index} in this Execute and no session model` };
  const cols = s.columnsForHandle(handle);
  return cols
    ? { ok: true, value: cols }
    : { ok: false, reason: `the session has no columns for table handle 0x${handle.toString(16).padStart(8, '0')}` };
}

/** Request `q` opens a logon (its definition `creates: 'logon'`: RopLogon). */
function createsLogon(q: StructValue): boolean {
  const id = q.RopId;
  return typeof id === 'number' && knownRop(id)?.creates === 'logon';
}

/** LogonFlags of `logonId`: from a RopLogon earlier in the same Execute, else the session. */
export function logonFlagsOf(scope: Scope, env: DecodeEnv | EncodeEnv, logonId: number): Resolved<number> {
  const site = siteOf(scope);
  if (site)
    for (let i = site.requestIndex - 1; i >= 0; i--) {
      const q = site.requests[i];
      if (q && q.LogonId === logonId && createsLogon(q)) return { ok: true, value: q.LogonFlags as number };
    }
  const f = env.context.logonFlags as number | undefined;
  if (f !== undefined) return { ok: true, value: f };
  const v = sessionOf(env)?.logonFlags?.(logonId);
  return v === undefined
    ? { ok: false, reason: `LogonFlags of LogonId ${logonId} are not known (no RopLogon seen)` }
    : { ok: true, value: v };
}

/** Value of a field whose layout could not be determined: the raw bytes to the end of the window. */
export interface ContextUnavailable {
  readonly contextUnavailable: string;
  readonly raw: Uint8Array;
}

export function isContextUnavailable(v: unknown): v is ContextUnavailable {
  return typeof v === 'object' && v !== null && 'contextUnavailable' in v && 'raw' in v;
}

/**
 * A field whose codec depends on context. `resolve` finds what it needs;
 * `make` builds the codec from it. Without context, the field takes the rest
 * of the current window as raw bytes under an error node starting with
 * "context unavailable:", because what follows cannot be located either.
 */
export function contextual<C, T>(
  kind: string,
  resolve: (scope: Scope, env: DecodeEnv | EncodeEnv) => Resolved<C>,
  make: (ctx: C) => Codec<T>,
): Codec<T | ContextUnavailable> {
  return {
    kind,
    minSize: 0,
    decode(r, name, scope, env) {
      const got = resolve(scope, env);
      if (got.ok) return make(got.value).decode(r, name, scope, env);
      const offset = r.pos;
      const raw = r.take(r.remaining);
      env.failures++;
      return {
        value: { contextUnavailable: got.reason, raw },
        node: { name, offset, length: raw.length, value: raw, error: `context unavailable: ${got.reason}` },
      };
    },
    encode(w, v, scope, env) {
      if (isContextUnavailable(v)) {
        w.bytes(v.raw);
        return;
      }
      const got = resolve(scope, env);
      if (!got.ok) throw new Error(`${kind}: cannot encode, context unavailable: ${got.reason}`);
      make(got.value).encode(w, v, scope, env);
    },
  };
}

/** Raised by layouts that need context in a place where the rest of the window is not theirs. */
export function contextError(reason: string, offset: number): DecodeError {
  return new DecodeError(`context unavailable: ${reason}`, offset);
}

/**
 * RecipientColumns for RopReadRecipients on the message at request handle
 * index `index`: from a RopOpenMessage / RopReloadCachedInformation /
 * RopOpenEmbeddedMessage answered earlier in the same Execute, else the session.
 */
export function recipientColumns(scope: Scope, env: DecodeEnv | EncodeEnv, index: number): Resolved<readonly number[]> {
  const site = siteOf(scope);
  const extra = env.context.recipientColumns as readonly number[] | undefined;
  if (!site) {
    return extra
      ? { ok: true, value: extra }
      : { ok: false, reason: `RecipientColumns of the message at handle index ${index} are not known` };
  }
  for (let i = site.requestIndex - 1; i >= 0; i--) {
    const q = site.requests[i];
    if (!q) continue;
    const effect = contextEffectOf(q);
    const opens = effect === 'opensRecipientColumns' && q.OutputHandleIndex === index;
    const reloads = effect === 'reloadsRecipientColumns' && q.InputHandleIndex === index;
    if (opens || reloads) {
      const resp = site.responses?.get(i);
      if (resp && resp.ReturnValue === 0 && Array.isArray(resp.RecipientColumns))
        return { ok: true, value: resp.RecipientColumns as readonly number[] };
      if (opens)
        return { ok: false, reason: `the message at handle index ${index} was opened without success in this Execute` };
    }
  }
  const handle = site.requestHandles[index];
  const s = sessionOf(env);
  const cols = handle !== undefined && handle !== INVALID_HANDLE ? s?.recipientColumnsForHandle?.(handle) : undefined;
  return cols
    ? { ok: true, value: cols }
    : {
        ok: false,
        reason: `RecipientColumns of the message at handle index ${index} are not known (no RopOpenMessage seen)`,
      };
}

// ---------------------------------------------------------------------------
// Code pages of 8-bit strings ([MS-OXCROPS] 2.2.1.3)

/** CodePageId 0x0FFF: the logon's code page ([MS-OXCMSG] 2.2.3.1.1). */
const LOGON_CODE_PAGE = 0x0fff;

/**
 * The name of a ROP whose request names a message's code page: the ROPs that create a
 * message object (their definitions' `creates`: RopOpenMessage, RopCreateMessage,
 * RopOpenEmbeddedMessage).
 */
function opensMessage(ropId: unknown): string | undefined {
  const d = typeof ropId === 'number' ? knownRop(ropId) : undefined;
  return d?.creates === 'message' ? d.name : undefined;
}

/**
 * The code page a RopOpenMessage / RopCreateMessage / RopOpenEmbeddedMessage
 * request gives its message (CodePageId; 0x0FFF: `logon`'s); undefined for other ROPs.
 */
export function messageCodePage(q: StructValue, logon: CodePageInUse | undefined): CodePageInUse | undefined {
  return codePageOpened(q, q.RopId, () => logon);
}

function codePageOpened(
  q: StructValue,
  ropId: unknown,
  logon: () => CodePageInUse | undefined,
): CodePageInUse | undefined {
  const name = opensMessage(ropId);
  if (!name) return undefined;
  const id = q.CodePageId;
  if (typeof id !== 'number') return undefined;
  if (id === LOGON_CODE_PAGE) {
    const l = logon();
    return l ? { id: l.id, source: `${name} CodePageId 0x0FFF (the logon's: ${l.source})` } : undefined;
  }
  return { id, source: `${name} CodePageId` };
}

/** `CodePageTracker`'s "not known yet" (undefined is an answer: no code page). */
const UNSET = Symbol('unset');

/**
 * Which code page the 8-bit strings of each ROP of one buffer are in: objects
 * owned by a message use the message's CodePageId, others the code page of
 * the Connect request ([MS-OXCROPS] 2.2.1.3). Follows the requests in order:
 * message handles opened earlier in the same buffer, then the session model's
 * handles, then the session's DefaultCodePage, then the caller's `codePage`.
 * It runs for every ROP of every buffer, so it asks the session each thing
 * once per buffer and reads a ROP's other fields only when its RopId needs them.
 */
export class CodePageTracker {
  /** Handle index → code page of the message that owns the object there (null: released or not owned). */
  private local: Map<number, CodePageInUse | null> | undefined;
  private fallbackOrSession: CodePageInUse | undefined | typeof UNSET = UNSET;
  constructor(
    private readonly session: RopContextProvider | undefined,
    private readonly handles: readonly number[],
    private readonly fallback: CodePageInUse | undefined,
  ) {}

  private sessionDefault(): CodePageInUse | undefined {
    let d = this.fallbackOrSession;
    if (d === UNSET) d = this.fallbackOrSession = this.session?.defaultCodePage?.() ?? this.fallback;
    return d;
  }

  /** The message code page of the object at handle index `index`, if a message owns it. */
  private owner(index: number): CodePageInUse | undefined {
    const l = this.local?.get(index);
    if (l !== undefined) return l ?? undefined;
    const lookup = this.session?.codePageForHandle;
    if (!lookup) return undefined;
    const h = this.handles[index];
    const cp = h !== undefined && h !== INVALID_HANDLE ? lookup.call(this.session, h) : undefined;
    (this.local ??= new Map()).set(index, cp ?? null); // asked once per buffer
    return cp;
  }

  /** The code page for a ROP whose input object is at `index`. */
  forInput(index: number | undefined): CodePageInUse | undefined {
    return (index !== undefined ? this.owner(index) : undefined) ?? this.sessionDefault();
  }

  /** The code page of request `q`'s response: the message it opens, else its input object's. */
  forResponse(q: StructValue): CodePageInUse | undefined {
    const ropId = q.RopId;
    return (
      codePageOpened(q, ropId, () => this.sessionDefault()) ?? this.forInput(q.InputHandleIndex as number | undefined)
    );
  }

  /** Records what request `q` does to the handle indexes (call after it is decoded). */
  afterRequest(q: StructValue): void {
    const ropId = q.RopId;
    if (contextEffectOf(q) === 'releasesHandle') {
      const input = q.InputHandleIndex;
      if (typeof input === 'number') (this.local ??= new Map()).set(input, null);
      return;
    }
    const out = q.OutputHandleIndex;
    if (typeof out !== 'number') return;
    const opened = codePageOpened(q, ropId, () => this.sessionDefault());
    if (opened) {
      (this.local ??= new Map()).set(out, opened);
      return;
    }
    // Objects opened from a message (attachments, streams, tables) use its code page.
    const input = q.InputHandleIndex;
    const owner = typeof input === 'number' ? this.owner(input) : undefined;
    if (owner) (this.local ??= new Map()).set(out, owner);
    else if (this.local || this.session?.codePageForHandle) (this.local ??= new Map()).set(out, null);
  }
}
