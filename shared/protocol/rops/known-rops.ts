/**
 * The ROPs of the registry, for the modules the family files are built from
 * (header.ts, define.ts, fasttransfer-kind.ts): they cannot depend on registry.ts
 * without a cycle, so registry.ts registers its definitions here once
 * and these tables are read from them — RopId names ([MS-OXCROPS] 2.2.2, also
 * given by each definition as it is made), the response-only RopIds, each
 * definition by RopId. They are filled when
 * registry.ts is loaded (the buffer walker, the session model and the filter
 * registry load it).
 */
import type { RopDefinition } from './define.js';

const byId = new Map<number, RopDefinition>();
const names: Record<number, string> = {};
const responseOnly = new Set<number>();

/** Every registered RopId with its name ([MS-OXCROPS] 2.2.2). */
export const ROP_NAMES: Readonly<Record<number, string>> = names;

/**
 * RopIds that may follow any response and answer no request: the response-only ROPs
 * (RopNotify, RopPending, RopBackoff, RopBufferTooSmall; [MS-OXCROPS] 2.2.14, 2.2.15).
 */
export const SPECIAL_RESPONSE_IDS: ReadonlySet<number> = responseOnly;

/** The registered definition of a RopId. */
export function knownRop(id: number): RopDefinition | undefined {
  return byId.get(id);
}

/**
 * Called by `defineRop` for each definition as it is made, so a RopId is shown by
 * name even where only its family is loaded; the registry's definitions take the name over.
 */
export function nameRop(id: number, name: string): void {
  if (!byId.has(id)) names[id] = name;
}

/** Called by registry.ts with its definitions; a RopId registered twice keeps its first definition. */
export function registerKnownRops(defs: Iterable<RopDefinition>): void {
  for (const d of defs) {
    if (byId.has(d.id)) continue;
    byId.set(d.id, d);
    names[d.id] = d.name;
    if (!d.request) responseOnly.add(d.id);
  }
}
