/** The `decode --json` document of one decoded body (also each element of `export --format json`). */
import { nodeToJson } from '../codec/index.js';
import type { BodyDecode, RopSummaryItem } from './decode-exchange.js';

/** One `rops` entry: the fields `ropSummary` computes, in a fixed order, absent ones left out. */
function ropJson(r: RopSummaryItem): Record<string, string | number> {
  const o: Record<string, string | number> = { id: r.id, name: r.name };
  if (r.returnValue !== undefined) o.returnValue = r.returnValue;
  if (r.handleIndex !== undefined) o.handleIndex = r.handleIndex;
  if (r.logonId !== undefined) o.logonId = r.logonId;
  if (r.detail !== undefined) o.detail = r.detail;
  return o;
}

export function bodyDecodeJson(d: BodyDecode): unknown {
  return {
    requestType: d.requestType,
    direction: d.direction,
    tree: nodeToJson(d.tree),
    errors: d.errors.map((e) => ({ path: e.path, message: e.message, offset: e.offset })),
    unparsedBytes: d.unparsedBytes,
    rops: d.rops.map(ropJson),
  };
}
