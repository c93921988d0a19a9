/**
 * The ROP-level state of one session, versioned by exchange position so that
 * the context for exchange s is the state before s without copying anything:
 * every change is stamped with the seq of the exchange that made it, and a
 * `SessionView(state, s)` only sees stamps < s. Lookups are a short walk from
 * the end of small per-handle arrays.
 */
import type { CodePageInUse } from '../codec/index.js';
import type { RopContextProvider } from '../protocol/rops/context.js';
import type { FxStreamKind } from '../protocol/rops/fasttransfer-kind.js';
import type { HandleRecord, LogonInfo, Seq, Versioned } from './types.js';

export function latest<T>(list: readonly Versioned<T>[], before: Seq): Versioned<T> | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const v = list[i]!;
    if (v.at < before) return v;
  }
  return undefined;
}

export class RopState {
  /** Handle value → its generations, oldest first (servers may reuse a value after RopRelease). */
  readonly handles = new Map<number, HandleRecord[]>();
  readonly logons = new Map<number, Versioned<LogonInfo>[]>();
  /** Property id → name text, per the named-property ROPs (store-wide; ids are per mailbox). */
  readonly names = new Map<number, Versioned<string>[]>();
  readonly bufferTooSmall: { exchangeId: number; sizeNeeded?: number; maxRopOut?: number }[] = [];
  /** Connect's DefaultCodePage, per Connect of the session context. */
  readonly defaultCodePage: Versioned<CodePageInUse>[] = [];
  handleCount = 0;

  /** The record of `handle` live just before exchange `before`. */
  handleAt(handle: number, before: Seq): HandleRecord | undefined {
    const gens = this.handles.get(handle);
    if (!gens) return undefined;
    for (let i = gens.length - 1; i >= 0; i--) {
      const g = gens[i]!;
      if (g.createdAt < before) return g.releasedAt === undefined || g.releasedAt >= before ? g : undefined;
    }
    return undefined;
  }

  /** The latest generation created before `before`, released or not. */
  lastGeneration(handle: number, before: Seq): HandleRecord | undefined {
    const gens = this.handles.get(handle);
    if (!gens) return undefined;
    for (let i = gens.length - 1; i >= 0; i--) if (gens[i]!.createdAt < before) return gens[i];
    return undefined;
  }

  addHandle(r: HandleRecord): void {
    const gens = this.handles.get(r.handle);
    if (gens) {
      const prev = gens[gens.length - 1]!;
      if (prev.releasedAt === undefined) prev.releasedAt = r.createdAt;
      gens.push(r);
    } else this.handles.set(r.handle, [r]);
    this.handleCount++;
  }

  logonAt(logonId: number, before: Seq): LogonInfo | undefined {
    const l = this.logons.get(logonId);
    return l ? latest(l, before)?.value : undefined;
  }

  nameAt(id: number, before: Seq): string | undefined {
    const l = this.names.get(id);
    return l ? latest(l, before)?.value : undefined;
  }
}

/** The session as it was just before exchange `before`: the ROP decoders' context provider. */
export class SessionView implements RopContextProvider {
  constructor(
    readonly state: RopState,
    readonly before: Seq,
    readonly sessionId: number,
  ) {}

  columnsForHandle(serverHandle: number): readonly number[] | undefined {
    const h = this.state.handleAt(serverHandle, this.before);
    return h ? latest(h.columns, this.before)?.value : undefined;
  }

  logonFlags(logonId: number): number | undefined {
    return this.state.logonAt(logonId, this.before)?.flags;
  }

  recipientColumnsForHandle(serverHandle: number): readonly number[] | undefined {
    const h = this.state.handleAt(serverHandle, this.before);
    return h ? latest(h.recipientColumns, this.before)?.value : undefined;
  }

  /** Tags of the last RopGetPropertiesSpecific on this object (for a response decoded alone). */
  propertyTagsForHandle(serverHandle: number): readonly number[] | undefined {
    const h = this.state.handleAt(serverHandle, this.before);
    return h ? latest(h.propertyTags, this.before)?.value : undefined;
  }

  /** The code page of the message that owns `serverHandle` (the handle itself or an object it was opened from). */
  codePageForHandle(serverHandle: number): CodePageInUse | undefined {
    let h = this.state.handleAt(serverHandle, this.before);
    for (let i = 0; h && i < 16; i++) {
      if (h.codePage) return h.codePage;
      h = h.parent !== undefined ? this.state.handleAt(h.parent, this.before) : undefined;
    }
    return undefined;
  }

  /** Connect's DefaultCodePage for this session ([MS-OXCMAPIHTTP] 2.2.4.1.1). */
  defaultCodePage(): CodePageInUse | undefined {
    return latest(this.state.defaultCodePage, this.before)?.value;
  }

  /** Bytes of a FastTransfer element the previous buffer of this stream left open ([MS-OXCFXICS] 2.2.4.1). */
  fastTransferCarry(serverHandle: number): Uint8Array | undefined {
    const h = this.state.handleAt(serverHandle, this.before);
    return h?.fastTransfer ? latest(h.fastTransfer.carry, this.before)?.value : undefined;
  }

  /** The stream kind of the FastTransfer context `serverHandle`, from the ROP that created it. */
  fastTransferKind(serverHandle: number): FxStreamKind | undefined {
    return this.state.handleAt(serverHandle, this.before)?.fastTransfer?.kind;
  }

  /** The property id mapped to a name text, as known so far. */
  namedPropertyId(name: string): number | undefined {
    let best: { at: number; id: number } | undefined;
    for (const [id, list] of this.state.names) {
      const v = latest(list, this.before);
      if (v && v.value === name && (!best || v.at > best.at)) best = { at: v.at, id };
    }
    return best?.id;
  }

  /** Name of a named-property id ("PS_PUBLIC_STRINGS:\"Keywords\"", …) as mapped so far. */
  namedPropertyName(propertyId: number): string | undefined {
    return this.state.nameAt(propertyId, this.before);
  }

  /** Which ROP created `serverHandle`, and what it is. */
  handleInfo(serverHandle: number): HandleRecord | undefined {
    return this.state.handleAt(serverHandle, this.before);
  }
}
