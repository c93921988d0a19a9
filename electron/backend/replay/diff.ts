/**
 * Structural diff of a captured and a replayed response: both bodies decoded
 * with the shared decoders, compared field by field, ignoring what legitimately
 * changes between two runs of the same session (server object handles, times,
 * GUIDs minted per logon, extended-buffer framing when one side is compressed).
 */
import type { DiffEntry, RopResult } from '../../../shared/api/replay.js';
import { type StructValue, toHex } from '../../../shared/codec/index.js';
import { decodeBody } from '../../../shared/protocol/decode-exchange.js';

export type { DiffEntry, RopResult } from '../../../shared/api/replay.js';
/** Field names whose values differ between runs by design. */
const IGNORED = new Set([
  'ServerObjectHandleTable',
  'ServerObjectHandle',
  'LogonTime',
  'GwartTime',
  'ElapsedTime',
  'StartTime',
  'bufferId',
  'wire',
  'edited',
  'WireBytes',
  'Complete',
  'MetaTags',
  'AdditionalHeaders',
]);
/** Extended-buffer header fields: framing, not content (compressed captures replay uncompressed). */
const FRAMING = new Set(['Version', 'Flags', 'Size', 'SizeActual', 'RopBufferSize']);

function leaf(v: unknown): string {
  if (v instanceof Uint8Array) return v.length <= 64 ? toHex(v, ' ') : `${v.length} bytes`;
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (typeof v === 'number') return Number.isInteger(v) && v > 9 ? `${v} (0x${v.toString(16)})` : String(v);
  return JSON.stringify(v) ?? String(v);
}

function compare(a: unknown, b: unknown, path: string, out: DiffEntry[], limit: number): void {
  if (out.length >= limit) return;
  const isObj = (x: unknown) => x !== null && typeof x === 'object' && !(x instanceof Uint8Array);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length)
      out.push({ path: `${path}.length`, captured: String(a.length), replayed: String(b.length) });
    for (let i = 0; i < Math.min(a.length, b.length); i++) compare(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const framing = 'SizeActual' in ao || 'RopBufferSize' in ao;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      if (IGNORED.has(k) || (framing && FRAMING.has(k))) continue;
      const p = path ? `${path}.${k}` : k;
      if (!(k in ao)) out.push({ path: p, captured: '(absent)', replayed: leaf(bo[k]) });
      else if (!(k in bo)) out.push({ path: p, captured: leaf(ao[k]), replayed: '(absent)' });
      else compare(ao[k], bo[k], p, out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) out.push({ path, captured: leaf(a), replayed: leaf(b) });
    return;
  }
  if (a !== b && !(typeof a === 'bigint' && typeof b === 'bigint' && a === b))
    out.push({ path, captured: leaf(a), replayed: leaf(b) });
}

export interface DecodedAnswer {
  value: StructValue | undefined;
  rops: RopResult[];
  errors: number;
}

/** Decodes a response body (with its meta-tag preamble) of `type`; `requestBody` gives ROP context. */
export function decodeAnswer(
  type: string,
  requestBody: Uint8Array | undefined,
  responseBody: Uint8Array,
): DecodedAnswer {
  try {
    const ctx: Record<string, unknown> = {};
    if (type === 'Execute' && requestBody) {
      const req = decodeBody('Execute', 'request', requestBody);
      const chain = req.value?.RopBuffer as StructValue[] | undefined;
      const first = chain
        ?.map((x) => (x.Payload as { value?: unknown } | undefined)?.value ?? x.Payload)
        .find((x) => x !== undefined);
      if (first) ctx.execRequest = first;
    }
    const d = decodeBody(type, 'response', responseBody, ctx);
    return {
      value: d.value,
      rops: d.rops.map((r) => ({
        id: r.id,
        name: r.name,
        ...((r as { returnValue?: string }).returnValue
          ? { returnValue: (r as { returnValue?: string }).returnValue }
          : {}),
      })),
      errors: d.errors.length,
    };
  } catch {
    return { value: undefined, rops: [], errors: 1 };
  }
}

export function diffAnswers(captured: DecodedAnswer, replayed: DecodedAnswer, limit = 50): DiffEntry[] {
  const out: DiffEntry[] = [];
  if (captured.value === undefined || replayed.value === undefined) {
    if (captured.value !== replayed.value)
      out.push({
        path: '(body)',
        captured: captured.value === undefined ? '(undecodable)' : 'decoded',
        replayed: replayed.value === undefined ? '(undecodable)' : 'decoded',
      });
    return out;
  }
  compare(captured.value, replayed.value, '', out, limit);
  return out;
}
