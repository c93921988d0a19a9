/**
 * Name replacement through the decoded structure of MAPI/HTTP bodies (the
 * Redactor's `structured` hook). Each body is searched in every buffer the
 * decoder exposes: the body itself and each RPC_HEADER_EXT payload after
 * XOR and LZ77 ([MS-OXCRPC] 3.1.4.1.1.2-3), where a plain byte search sees
 * nothing. A match is replaced in place with a pseudonym of the same byte
 * length, except where it overlaps a numeric field of the tree (a count, size
 * or id is never a name). A changed payload is transformed back (compressed,
 * obfuscated) and its Size fields are derived again, so the body decodes with
 * the same structure; the result is checked to decode with no error the
 * original did not have, and is dropped for the plain byte search otherwise.
 */
import type { Exchange } from '../capture/exchange.js';
import type { NameMatch, NameReplacer, StructuredBodies } from '../capture/redact.js';
import { type DecodedNode, type StructValue, walkTree } from '../codec/index.js';
import { type BodyDecode, decodeBody, decodeExchange, encodeBody } from '../protocol/decode-exchange.js';
import { RpcExtFlags, compressLz77, xorMagic } from '../protocol/rpcext/index.js';

type Range = readonly [number, number];

/** Numeric leaves of a tree, per buffer: where a match must not be written. */
function numericRanges(root: DecodedNode): Map<string, Range[]> {
  const out = new Map<string, Range[]>();
  walkTree(root, (n, _p, buffer) => {
    if (n.children?.length || n.error !== undefined || n.generated || n.length === 0) return;
    const v = n.value;
    if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') return;
    let l = out.get(buffer);
    if (!l) out.set(buffer, (l = []));
    l.push([n.offset, n.offset + n.length]);
  });
  return out;
}

function allowed(m: NameMatch, numeric: readonly Range[] | undefined): boolean {
  if (!numeric) return true;
  const end = m.at + m.length;
  for (const [a, b] of numeric) if (m.at < b && a < end) return false;
  return true;
}

/** The payload values ({ wire, value, bufferId }) of the extended buffers in `v`, with their buffer struct. */
function payloads(
  v: unknown,
  found: { owner: StructValue; payload: StructValue; path: StructValue[] }[],
  path: StructValue[] = [],
): void {
  if (!v || typeof v !== 'object' || v instanceof Uint8Array || path.length > 12) return;
  if (Array.isArray(v)) {
    for (const x of v) payloads(x, found, path);
    return;
  }
  const o = v as StructValue;
  const p = o.Payload as StructValue | undefined;
  if (p && p.wire instanceof Uint8Array && typeof p.bufferId === 'string' && o.RPC_HEADER_EXT)
    found.push({ owner: o, payload: p, path: [...path] });
  path.push(o);
  for (const k in o)
    if (k !== 'Payload' || !(p && p.wire instanceof Uint8Array)) payloads(o[k], found, path);
    else payloads(p.value, found, path);
  path.pop();
}

/** The body with every allowed name match replaced; undefined when nothing matched. */
function rewriteBody(
  d: BodyDecode,
  names: NameReplacer,
  where: string,
  context: { execRequest?: unknown },
  notes: [string, NameMatch][],
): Uint8Array | undefined {
  const perBuffer = new Map<string, NameMatch[]>();
  for (const [id, bytes] of Object.entries(d.buffers)) {
    const m = names.matches(bytes);
    if (m.length) perBuffer.set(id, m);
  }
  if (!perBuffer.size) return undefined;
  const numeric = numericRanges(d.tree);
  const body = d.buffers.body!;
  let out = body;
  const write = (target: Uint8Array, id: string): boolean => {
    let any = false;
    for (const m of perBuffer.get(id) ?? [])
      if (allowed(m, numeric.get(id))) {
        target.set(m.replacement, m.at);
        notes.push([id === 'body' ? where : `${where} (${id})`, m]);
        any = true;
      }
    return any;
  };
  if (perBuffer.has('body')) {
    out = body.slice();
    if (!write(out, 'body')) out = body;
  }
  const derived = [...perBuffer.keys()].filter((id) => id !== 'body');
  if (!derived.length) return out === body ? undefined : out;
  // Payload buffers: change them, transform them back, and re-encode the body around them.
  const again = out === body ? d : decodeAgain(d, out, context);
  if (!again?.value) return out === body ? undefined : out;
  const found: { owner: StructValue; payload: StructValue; path: StructValue[] }[] = [];
  payloads(again.value, found);
  let changed = false;
  for (const f of found) {
    const id = f.payload.bufferId as string;
    const src = again.buffers[id];
    if (!src || !perBuffer.has(id)) continue;
    const bytes = src.slice();
    if (!write(bytes, id)) continue;
    const header = f.owner.RPC_HEADER_EXT as StructValue;
    const flags = Number(header.Flags ?? 0);
    let wire: Uint8Array = bytes;
    if (flags & RpcExtFlags.Compressed) wire = compressLz77(wire);
    if (flags & RpcExtFlags.XorMagic) wire = xorMagic(wire);
    f.payload.wire = wire;
    f.owner.RPC_HEADER_EXT = { ...header, Size: wire.length };
    // The sizes around the changed buffer are derived again on encode.
    for (const o of f.path) for (const k of Object.keys(o)) if (k.endsWith('BufferSize')) delete o[k];
    changed = true;
  }
  if (!changed) return out === body ? undefined : out;
  return encodeBody(again, context);
}

function decodeAgain(d: BodyDecode, bytes: Uint8Array, context: { execRequest?: unknown }): BodyDecode {
  return decodeBody(d.requestType, d.direction, bytes, context);
}

/** Error count of a body (0 for none). */
function errorCount(d: BodyDecode | undefined): number {
  return d ? d.errors.length : 0;
}

/**
 * The Redactor's `structured` hook for MAPI/HTTP exchanges (emsmdb, nspi):
 * both bodies rewritten through the decoder, or undefined for other traffic.
 */
export const structuredBodies: StructuredBodies = (ex: Exchange, names: NameReplacer) => {
  // Values only first (every buffer, no tree): most exchanges hold no name at all.
  const quick = decodeExchange(ex, {}, { tree: false });
  if (quick.endpoint !== 'emsmdb' && quick.endpoint !== 'nspi') return undefined;
  const unchanged = { request: ex.request.body, response: ex.response?.body };
  const any = [quick.request, quick.response].some((b) =>
    Object.values(b?.buffers ?? {}).some((bytes) => names.matches(bytes).length > 0),
  );
  if (!any) return unchanged;
  const d = decodeExchange(ex);
  const notes: [string, NameMatch][] = [];
  const request = d.request ? rewriteBody(d.request, names, 'request body', {}, notes) : undefined;
  const execRequest = d.request?.value;
  const response = d.response
    ? rewriteBody(d.response, names, 'response body', execRequest ? { execRequest } : {}, notes)
    : undefined;
  if (!request && !response) return unchanged;
  // The rewritten bodies must decode as the originals did: no new error node.
  const check = decodeExchange(
    {
      ...ex,
      request: { ...ex.request, body: request ?? ex.request.body },
      ...(ex.response ? { response: { ...ex.response, body: response ?? ex.response.body } } : {}),
    },
    {},
    { tree: false }, // a body with failures is decoded with its tree anyway, so its errors are counted
  );
  if (errorCount(check.request) > errorCount(d.request) || errorCount(check.response) > errorCount(d.response))
    return undefined;
  for (const [where, m] of notes) names.note(where, m);
  return { request: request ?? ex.request.body, response: response ?? ex.response?.body };
};
