/**
 * Property rows of the scripted mailbox as values of the shared PropertyRow
 * codec ([MS-OXCDATA] 2.8.1): a StandardPropertyRow when every column has a
 * value, else a FlaggedPropertyRow whose missing columns carry
 * ecNotFound ([MS-OXCDATA] 2.11.5). A PtypUnspecified column gets the value's
 * own type (2.11.3 / 2.11.6). The bytes are written by the codec.
 */
import type { StructValue } from '../../../shared/codec/index.js';
import { ErrorCodes, type PropValue } from './mailbox-store.js';

const PT = {
  Unspecified: 0x0000,
  I2: 0x0002,
  I4: 0x0003,
  Error: 0x000a,
  Bool: 0x000b,
  I8: 0x0014,
  S8: 0x001e,
  Unicode: 0x001f,
  Time: 0x0040,
  Binary: 0x0102,
  Restriction: 0x00fd,
  RuleAction: 0x00fe,
} as const;

function naturalType(v: PropValue): number {
  if (typeof v === 'string') return PT.Unicode;
  if (typeof v === 'bigint') return PT.I8;
  if (typeof v === 'boolean') return PT.Bool;
  if (v instanceof Uint8Array) return PT.Binary;
  if (typeof v === 'number') return PT.I4;
  return PT.Unspecified;
}

/** `v` in the JS shape the shared value codec of `type` takes, or undefined when it cannot be. */
function asCodecValue(type: number, v: PropValue): unknown {
  switch (type) {
    case PT.I2:
    case PT.I4:
    case PT.Error:
      return typeof v === 'number' ? v : undefined;
    case PT.Bool:
      return typeof v === 'boolean' || typeof v === 'number' ? (v ? 1 : 0) : undefined;
    case PT.I8:
    case PT.Time:
      return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : undefined;
    case PT.S8:
    case PT.Unicode:
      return typeof v === 'string' ? v : undefined;
    case PT.Binary:
      return v instanceof Uint8Array ? v : undefined;
    case PT.Restriction:
    case PT.RuleAction:
      return typeof v === 'object' && !(v instanceof Uint8Array) ? v : undefined;
    default:
      return undefined;
  }
}

/** The value of column `tag`: the same tag, the other string type of the same property, or any type of it (PtypUnspecified). */
function lookup(props: ReadonlyMap<number, PropValue>, tag: number): PropValue | undefined {
  const id = tag >>> 16;
  const type = tag & 0xffff;
  if (type !== PT.Unspecified) {
    const v = props.get(tag >>> 0);
    if (v !== undefined) return v;
    if (type === PT.S8 || type === PT.Unicode)
      return props.get(((id << 16) | (type === PT.S8 ? PT.Unicode : PT.S8)) >>> 0);
    return undefined;
  }
  for (const [t, v] of props) if (t >>> 16 === id) return v;
  return undefined;
}

/** A PropertyRow value over `columns` for the shared `propertyRow` codec. */
export function propertyRowValue(
  columns: readonly number[],
  props: ReadonlyMap<number, PropValue>,
  wantUnicode = true,
): StructValue {
  const cells = columns.map((tag) => {
    const v = lookup(props, tag);
    if (v === undefined) return undefined;
    const columnType = tag & 0xffff;
    let type = columnType === PT.Unspecified ? naturalType(v) : columnType;
    if (type === PT.S8 && wantUnicode && columnType === PT.Unspecified) type = PT.Unicode;
    const value = asCodecValue(type, v);
    return value === undefined ? undefined : { type, value };
  });
  const flagged = cells.some((c) => c === undefined);
  const ValueArray = columns.map((tag, i) => {
    const c = cells[i];
    const unspecified = (tag & 0xffff) === PT.Unspecified;
    if (!flagged) return unspecified ? { PropertyType: c!.type, PropertyValue: c!.value } : c!.value;
    const cell = c ? { Flag: 0, PropertyValue: c.value } : { Flag: 0x0a, ErrorCode: ErrorCodes.NotFound };
    return unspecified ? { PropertyType: c ? c.type : PT.Error, ...cell } : cell;
  });
  return { Flag: flagged ? 1 : 0, ValueArray };
}
