/**
 * [MS-OXCDATA] 2.11.1 property data types and 2.9 PropertyTag.
 */
import { type Codec, hex, withDisplay, u16, u32 } from '../../codec/index.js';
import { type TagEntry, addressBookTagEntries, canonicalTagEntries, canonicalTagName } from './proptag-names.js';

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

const STRING8 = 0x001e;
const UNICODE = 0x001f;

/**
 * Whether a tag of type `type` can be the property an entry of type `declared`
 * names: the same type; the 8-bit and UTF-16 forms of one string property
 * ([MS-OXCDATA] 2.11.1: either may be asked for); an object-valued address-book
 * link and its DN string; PtypUnspecified (0x0000, a
 * request leaving the type to the server) and PtypErrorCode (0x000A, an error
 * in place of the value, [MS-OXCDATA] 2.11.1) go with any type.
 */
function typeFits(type: number, declared: number): boolean {
  if (type === declared || type === 0x0000 || type === 0x000a) return true;
  const a = type & ~0x1000;
  const b = declared & ~0x1000;
  const isString = (t: number) => t === STRING8 || t === UNICODE;
  // Address-book links declared PtypEmbeddedTable/PtypObject also travel as DN strings
  // ([MS-OXPROPS] lists PtypString8 beside them, e.g. PidTagAddressBookHomeMessageDatabase).
  if (declared === 0x000d) return isString(a);
  return (type & 0x1000) === (declared & 0x1000) && isString(a) && isString(b);
}

/** A tag's name where an entry of its type exists; otherwise the entries of its id as a hint. */
export interface TagNaming {
  name?: string;
  /** "PidTagVoiceMessageSenderName (PtypString)": what the id means with other types. */
  hint?: string;
}

function naming(tag: number, entries: readonly TagEntry[] | undefined): TagNaming {
  if (!entries) return {};
  const t = tagType(tag);
  let name: string | undefined;
  for (const e of entries) if (typeFits(t, e.type)) name = name ? `${name} / ${e.name}` : e.name;
  if (name) return { name };
  return { hint: entries.map((e) => `${e.name} (${propertyTypeName(e.type) ?? hex(e.type, 4)})`).join(' or ') };
}

/** How a tag is named in ROP context: ids 0x8000 and up are named properties there and get no name. */
export function tagNaming(tag: number, ctx: 'rop' | 'nspi' = 'rop'): TagNaming {
  const id = tagId(tag);
  return naming(tag, ctx === 'nspi' ? addressBookTagEntries(id) : canonicalTagEntries(id));
}

/**
 * Canonical PidTag name of a tag ([MS-OXPROPS]) when its type is the one the
 * name has; ids 0x8000 and up are named properties in ROP context and get no name here.
 */
export function propertyTagName(tag: number): string | undefined {
  return tagNaming(tag).name;
}

/** Name of a tag in address-book (NSPI) context, where ids ≥ 0x8000 are fixed AB properties. */
export function nspiPropertyTagName(tag: number): string | undefined {
  return tagNaming(tag, 'nspi').name;
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
  const n = tagNaming(tag, ctx);
  if (n.name) return `${n.name} (${hex(tag, 8)})`;
  const tn = propertyTypeName(tagType(tag));
  const base = tn ? `${hex(tag, 8)} (${tn})` : hex(tag, 8);
  return n.hint ? `${base}; id ${hex(tagId(tag), 4)} is ${n.hint} elsewhere` : base;
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
