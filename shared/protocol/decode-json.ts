/** The `decode --json` document of one decoded body (also each element of `export --format json`). */
import { nodeToJson } from '../codec/index.js';
import type { BodyDecode } from './decode-exchange.js';

export function bodyDecodeJson(d: BodyDecode): unknown {
  return {
    requestType: d.requestType,
    direction: d.direction,
    tree: nodeToJson(d.tree),
    errors: d.errors.map((e) => ({ path: e.path, message: e.message, offset: e.offset })),
    unparsedBytes: d.unparsedBytes,
    rops: d.rops.map((r) => ({ id: r.id, name: r.name })),
  };
}
