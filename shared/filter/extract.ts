/**
 * The decoded fields of one exchange, read from the decoders' values (a
 * values-only decode is enough, so the session pass can feed the field index
 * without building trees). Each value is given under the registry's name for
 * it (registry.ts): struct field names joined by dots from the body, the ROP
 * or the AUX block; arrays and transformed payloads add nothing; property
 * values go under `prop.<tag name>` as well as under their structural name.
 */
import { type StructValue, hex } from '../codec/index.js';
import { AUX_BLOCKS } from '../protocol/aux/index.js';
import type { ExchangeDecode } from '../protocol/decode-exchange.js';
import { ROW_COLUMNS, columnNodeName } from '../protocol/oxcdata/values.js';
import { ropName } from '../protocol/rops/header.js';
import { propFieldName } from './catalog.js';
import { isIdValue } from './types.js';

export type EmitField = (field: string, value: unknown) => void;

export interface ExtractContext {
  /** Name of a named-property id as the session mapped it (SessionView.namedPropertyName). */
  namedPropertyName?(propertyId: number): string | undefined;
}

/** Keys of the decoders' values that are bookkeeping, not fields. */
const SKIP = new Set(['VariableData', 'Undecoded', 'contextUnavailable', 'Raw']);
const MAX_DEPTH = 40;

class Walker {
  constructor(
    readonly emit: EmitField,
    readonly ctx: ExtractContext,
    readonly side: 'request' | 'response',
  ) {}

  value(v: unknown, prefix: string, depth: number): void {
    if (v === undefined || v === null || depth > MAX_DEPTH) return;
    if (typeof v !== 'object' || v instanceof Uint8Array) {
      this.emit(prefix, v);
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) this.value(v[i], prefix, depth + 1);
      return;
    }
    const o = v as StructValue;
    if (isIdValue(v)) this.emit(prefix, v);
    const row = ROW_COLUMNS.get(o);
    if (row) {
      this.row(o, row.columns, row.width);
      return;
    }
    if (o.AUX_HEADER !== undefined && o.Block !== undefined) {
      this.aux(o);
      return;
    }
    if (typeof o.PropertyTag === 'number' && 'PropertyValue' in o) this.prop(o.PropertyTag, o.PropertyValue, 'rop');
    for (const k in o) {
      if (SKIP.has(k)) continue;
      const x: unknown = o[k];
      if (k === 'RopsList' && Array.isArray(x)) {
        for (const rop of x as StructValue[]) this.rop(rop, depth);
        continue;
      }
      // A structured property value (a restriction, rule actions) is one value, not fields of its own.
      if (
        k === 'PropertyValue' &&
        x !== null &&
        typeof x === 'object' &&
        !Array.isArray(x) &&
        !(x instanceof Uint8Array)
      )
        continue;
      if (isPayload(x)) this.value(x.value, prefix, depth + 1);
      else this.value(x, `${prefix}.${k}`, depth + 1);
    }
  }

  rop(rop: StructValue, depth: number): void {
    if (!rop || typeof rop.RopId !== 'number' || rop.Undecoded !== undefined) return;
    const name = ropName(rop.RopId) ?? `Rop${hex(rop.RopId, 2)}`;
    const prefix = `${name}.${this.side}`;
    for (const k in rop) if (!SKIP.has(k)) this.value(rop[k], `${prefix}.${k}`, depth + 1);
  }

  aux(block: StructValue): void {
    const h = block.AUX_HEADER as StructValue;
    const kind = AUX_BLOCKS.get(`${Number(h.Version)}:${Number(h.Type)}`)?.kind;
    const b = block.Block as StructValue | undefined;
    if (!kind || !b || typeof b !== 'object') return;
    for (const k in b) if (!SKIP.has(k)) this.value(b[k], `aux.${kind}.${k}`, 1);
  }

  row(row: StructValue, columns: readonly number[], width: 'rop' | 'nspi'): void {
    const vals = row.ValueArray as unknown[];
    for (let i = 0; i < columns.length && i < vals.length; i++) this.prop(columns[i]!, vals[i], width);
  }

  prop(tag: number, v: unknown, width: 'rop' | 'nspi'): void {
    const field = propKey(tag, width, this.ctx);
    const value = unwrapProp(v);
    if (Array.isArray(value)) for (const x of value) this.propValue(field, x);
    else this.propValue(field, value);
  }

  propValue(field: string, v: unknown): void {
    if (v === undefined || v === null) return;
    if (typeof v === 'object' && !(v instanceof Uint8Array) && !isIdValue(v)) return; // restrictions, rule actions
    this.emit(field, v);
  }
}

function isPayload(x: unknown): x is { value: unknown } {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as { wire?: unknown }).wire instanceof Uint8Array &&
    typeof (x as { bufferId?: unknown }).bufferId === 'string'
  );
}

/** The value inside the wrappers a property value can come in (HasValue, Flagged, Typed). */
function unwrapProp(v: unknown): unknown {
  let x = v;
  for (let i = 0; i < 3 && x && typeof x === 'object' && !(x instanceof Uint8Array) && !Array.isArray(x); i++) {
    const o = x as StructValue;
    if ('PropertyValue' in o) x = o.PropertyValue;
    else if ('Value' in o && ('HasValue' in o || 'PropertyType' in o)) x = o.Value;
    else break;
  }
  return x;
}

/** The field a property value goes under: its tag's name, a named property's resolved name, or the tag in hex. */
export function propKey(tag: number, width: 'rop' | 'nspi', ctx: ExtractContext): string {
  const id = tag >>> 16;
  if (id >= 0x8000 && width === 'rop') {
    const n = ctx.namedPropertyName?.(id);
    if (n) return propFieldName(n);
  }
  const name = columnNodeName(tag, width);
  return name.startsWith('0x') ? `prop.${hex(tag, 8)}` : propFieldName(name);
}

/** Every decoded field of `d` (bodies, ROPs, AUX blocks, property values), with each value. */
export function decodedFields(d: ExchangeDecode, emit: EmitField, ctx: ExtractContext = {}): void {
  const t = d.requestType;
  if (t === undefined) return;
  if (d.request?.value) new Walker(emit, ctx, 'request').value(d.request.value, `${t}.request`, 0);
  if (d.response?.value) new Walker(emit, ctx, 'response').value(d.response.value, `${t}.response`, 0);
}

/** The decoded fields of `d` gathered by name. */
export function decodedFieldMap(d: ExchangeDecode, ctx: ExtractContext = {}): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  decodedFields(
    d,
    (f, v) => {
      const l = m.get(f);
      if (l) l.push(v);
      else m.set(f, [v]);
    },
    ctx,
  );
  return m;
}
