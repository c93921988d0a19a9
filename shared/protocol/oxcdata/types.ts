/**
 * [MS-OXCDATA] 2.11.1 property data types and 2.9 PropertyTag.
 */
import { type Codec, hex, withDisplay, u16, u32 } from '../../codec/index.js';
import { addressBookTagName, canonicalTagName } from './proptag-names.js';

/** Property type codes, [MS-OXCDATA] 2.11.1 (multi-valued = single | 0x1000). */
export const PropertyType = {
  PtypUnspecified: 0x0000,
  PtypNull: 0x0001,
  PtypInteger16: 0x0002,
  PtypInteger32: 0x0003,
  PtypFloating32: 0x0004,
  PtypFloating64: 0x0005,
  PtypCurrency: 0x0006,
  PtypFloatingTime: 0x0007,
  PtypErrorCode: 0x000a,
  PtypBoolean: 0x000b,
  PtypObject: 0x000d,
  PtypInteger64: 0x0014,
  PtypString8: 0x001e,
  PtypString: 0x001f,
  PtypTime: 0x0040,
  PtypGuid: 0x0048,
  PtypServerId: 0x00fb,
  PtypRestriction: 0x00fd,
  PtypRuleAction: 0x00fe,
  PtypBinary: 0x0102,
  PtypMultipleInteger16: 0x1002,
  PtypMultipleInteger32: 0x1003,
  PtypMultipleFloating32: 0x1004,
  PtypMultipleFloating64: 0x1005,
  PtypMultipleCurrency: 0x1006,
  PtypMultipleFloatingTime: 0x1007,
  PtypMultipleInteger64: 0x1014,
  PtypMultipleString8: 0x101e,
  PtypMultipleString: 0x101f,
  PtypMultipleTime: 0x1040,
  PtypMultipleGuid: 0x1048,
  PtypMultipleBinary: 0x1102,
} as const;

/** Bit that makes a single-valued type multi-valued. */
export const MV_FLAG = 0x1000;
/** MultivalueInstance bit of table column tags ([MS-OXCDATA] 2.11.1.3). */
export const MVI_FLAG = 0x2000;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PropertyType).map(([k, v]) => [v, k]));
// PtypObject doubles as PtypEmbeddedTable ([MS-OXCDATA] 2.11.1).
TYPE_NAMES[0x000d] = 'PtypObject';

/** "PtypString" for 0x001F; a MultivalueInstance column type gets a " | MVI" suffix; undefined when unknown. */
export function propertyTypeName(t: number): string | undefined {
  const n = TYPE_NAMES[t & 0xffff];
  if (n) return n;
  if (t & MVI_FLAG) {
    const base = TYPE_NAMES[t & ~MVI_FLAG & 0xffff];
    if (base) return `${base} | MultivalueInstance`;
  }
  return undefined;
}

export const tagId = (tag: number): number => (tag >>> 16) & 0xffff;
export const tagType = (tag: number): number => tag & 0xffff;
export const makeTag = (id: number, type: number): number => (((id & 0xffff) << 16) | (type & 0xffff)) >>> 0;

/**
 * Canonical PidTag name of a tag's property id ([MS-OXPROPS]); ids 0x8000 and
 * up are named properties in ROP context and get no name here.
 */
export function propertyTagName(tag: number): string | undefined {
  return canonicalTagName(tagId(tag));
}

/** Name of a tag in address-book (NSPI) context, where ids ≥ 0x8000 are fixed AB properties. */
export function nspiPropertyTagName(tag: number): string | undefined {
  const id = tagId(tag);
  return id >= 0x8000 ? addressBookTagName(id) : canonicalTagName(id);
}

const describeMemo = new Map<number, string>();
const MEMO_LIMIT = 8192;

/** "PidTagDisplayName (0x3001001F)"; unknown ids: "0x8001001F (PtypString)". */
export function describeTag(tag: number, ctx: 'rop' | 'nspi' = 'rop'): string {
  // Memoised (bounded): tree labels repeat the same few tags row after row.
  const key = ctx === 'rop' ? tag >>> 0 : -1 - (tag >>> 0);
  const hit = describeMemo.get(key);
  if (hit !== undefined) return hit;
  const s = describeTagUncached(tag, ctx);
  if (describeMemo.size < MEMO_LIMIT) describeMemo.set(key, s);
  return s;
}

function describeTagUncached(tag: number, ctx: 'rop' | 'nspi'): string {
  const name = ctx === 'nspi' ? nspiPropertyTagName(tag) : propertyTagName(tag);
  if (name) return `${name} (${hex(tag, 8)})`;
  const tn = propertyTypeName(tagType(tag));
  return tn ? `${hex(tag, 8)} (${tn})` : hex(tag, 8);
}

/** [MS-OXCDATA] 2.9 PropertyTag: u32 (PropertyType in the low word, PropertyId in the high word). */
export const propertyTag: Codec<number> = withDisplay(u32, (v) => describeTag(v), 'PropertyTag');
/** PropertyTag in address-book context (names for the AB ids ≥ 0x8000). */
export const nspiPropertyTag: Codec<number> = withDisplay(u32, (v) => describeTag(v, 'nspi'), 'PropertyTag');

/** A 16-bit PropertyType field. */
export const propertyTypeField: Codec<number> = withDisplay(
  u16,
  (v) => `${propertyTypeName(v) ?? 'Unknown'} (${hex(v, 4)})`,
  'PropertyType',
);
/** A 16-bit PropertyId field. */
export const propertyIdField: Codec<number> = withDisplay(
  u16,
  (v) => {
    const n = canonicalTagName(v);
    return n ? `${n} (${hex(v, 4)})` : hex(v, 4);
  },
  'PropertyId',
);
