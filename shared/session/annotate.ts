/**
 * The second pass over a decoded tree: raw nodes stay as
 * decoded; what the session knows is added as `generated` nodes next to them.
 * Today: each request ROP's InputHandleIndex gets an `InputHandle` sibling
 * naming the server handle and the ROP that created it (or why it is unknown).
 */
import type { DecodedNode } from '../codec/index.js';
import type { ExchangeDecode } from '../protocol/decode-exchange.js';
import type { ExchangeFacts, HandleRef } from './types.js';

const hex8 = (v: number) => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');

export function describeHandleRef(r: HandleRef): string {
  const text = describeHandle(r);
  return r.ran ? text : `${text}; the server did not run this ROP (request rejected, or no response to it)`;
}

function describeHandle(r: HandleRef): string {
  const h = hex8(r.handle);
  switch (r.status) {
    case 'known':
    case 'same-request':
      return r.createdBy
        ? `${h}: ${r.kind ?? 'object'} created by ${r.createdBy.ropName} in exchange ${r.createdBy.exchangeId}${r.status === 'same-request' ? ' (earlier in this request)' : ''}`
        : `${h}: in use before the capture started (its creating ROP is not in the capture)`;
    case 'released':
      return `${h}: already released${r.releasedBy ? ` by RopRelease in exchange ${r.releasedBy.exchangeId}` : ''}${r.createdBy ? ` (created by ${r.createdBy.ropName} in exchange ${r.createdBy.exchangeId})` : ''}`;
    default:
      return `${h}: never returned by the server in this session`;
  }
}

/** Adds the generated handle nodes to the request tree of an Execute (idempotent). */
export function annotateHandles(d: ExchangeDecode, facts: ExchangeFacts): void {
  const refs = facts.handleRefs;
  if (!refs?.length || !d.request) return;
  const rops: DecodedNode[] = [];
  collectRops(d.request.tree, rops);
  for (const r of refs) {
    const rop = rops[r.ropIndex];
    const kids = rop?.children;
    if (!kids || kids.some((k) => k.name === 'InputHandle' && k.generated)) continue;
    const at = kids.findIndex((k) => k.name === 'InputHandleIndex' || k.name === 'SourceHandleIndex');
    if (at < 0) continue;
    const idx = kids[at]!;
    kids.splice(at + 1, 0, {
      name: 'InputHandle',
      value: r.handle,
      display: describeHandleRef(r),
      offset: idx.offset,
      length: idx.length,
      generated: true,
    });
  }
}

/** The ROP nodes of every RopsList, in order, without walking into the ROPs themselves. */
function collectRops(n: DecodedNode, out: DecodedNode[]): void {
  if (n.name === 'RopsList') {
    if (n.children) for (const c of n.children) out.push(c);
    return;
  }
  if (n.children) for (const c of n.children) collectRops(c, out);
}
