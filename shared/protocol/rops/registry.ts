/**
 * One registry of ROP definitions by RopId, built from the family arrays.
 * The buffer walker only ever calls `ropsById.get(id)`; adding a ROP means
 * adding it to its family's array.
 */
import type { RopDefinition } from './define.js';
import { registerKnownRops } from './known-rops.js';
import { fastTransferRops } from './fasttransfer.js';
import { folderRops } from './folder.js';
import { icsRops } from './ics.js';
import { messageRops } from './message.js';
import { notificationRops } from './notification.js';
import { permissionRops } from './permission.js';
import { propertyRops } from './property.js';
import { ruleRops } from './rule.js';
import { specialRops } from './special.js';
import { storeRops } from './store.js';
import { streamRops } from './stream.js';
import { tableRops } from './table.js';
import { transportRops } from './transport.js';

/** Builds the id → definition map; throws on a duplicate RopId (a definition bug, found at startup). */
export function buildRegistry(families: readonly (readonly RopDefinition[])[]): ReadonlyMap<number, RopDefinition> {
  const m = new Map<number, RopDefinition>();
  for (const fam of families)
    for (const d of fam) {
      const prev = m.get(d.id);
      if (prev) throw new Error(`duplicate RopId 0x${d.id.toString(16)}: ${prev.name} and ${d.name}`);
      m.set(d.id, d);
    }
  return m;
}

export const ropFamilies: readonly (readonly RopDefinition[])[] = [
  storeRops,
  folderRops,
  tableRops,
  messageRops,
  transportRops,
  propertyRops,
  streamRops,
  permissionRops,
  ruleRops,
  fastTransferRops,
  icsRops,
  notificationRops,
  specialRops,
];

export const ropsById: ReadonlyMap<number, RopDefinition> = buildRegistry(ropFamilies);
registerKnownRops(ropsById.values());
