/**
 * [MS-OXNSPI] / [MS-OXCMAPIHTTP] 2.2.1 structures used by the address book
 * endpoint bodies: STAT, MinimalEntryID arrays, LargePropertyTagArray,
 * AddressBook property values, rows, value lists, EntryIDs.
 * AddressBook values follow the 'nspi' width rules of ../oxcdata (u32
 * counts, HasValue bytes).
 */
import {
  type Codec,
  type DecodedNode,
  type FieldDef,
  type Scope,
  type StructValue,
  DecodeError,
  array,
  asciiZ,
  collectErrors,
  custom,
  decode,
  enumOf,
  field,
  fieldGroup,
  guid,
  hex,
  i32,
  leaf,
  rest,
  sized,
  struct,
  u16,
  u32,
  u8,
  utf16Z,
  withDisplay,
} from '../../codec/index.js';
import {
  describeTag,
  errorCodeName,
  knownErrorName,
  nspiPropertyTag,
  propertyRow,
  propertyTypeField,
  valueOfType,
} from '../oxcdata/index.js';
import { string8Z } from '../oxcdata/codepage.js';

/** Upper bound the spec puts on NSPI counts (ExplicitTableCount, PropertyTagCount, …: 100000). */
export const NSPI_MAX_COUNT = 100000;

// ---------------------------------------------------------------------------
// Has* bytes and presence helpers

/** A Has* byte: non-zero means the field(s) after it are present (servers send 0xFF). */
export const hasByte: Codec<number> = leaf<number>(
  'HasByte',
  1,
  (r) => r.u8(),
  (w, v) => w.u8(v),
  (v) => (v === 0 ? 'absent (0x00)' : `present (${hex(v, 2)})`),
);

export const present = (name: string) => (s: Scope) => s.num(name) !== 0;

/** `HasX` then the given fields, each present only when HasX is non-zero; HasX derives from whether any of them has a value. */
export function optional(has: string, fields: readonly FieldDef[]): FieldDef[] {
  return [
    field(has, hasByte, { derive: (v) => (fields.some((f) => v[f.name] !== undefined) ? 0xff : 0) }),
    ...fieldGroup(present(has), fields),
  ];
}

/** A u32 count checked against the NSPI maximum of 100000 ([MS-OXCMAPIHTTP] 2.2.5). */
export const nspiCount: Codec<number> = leaf<number>(
  'Count',
  4,
  (r) => {
    const at = r.pos;
    const n = r.u32();
    if (n > NSPI_MAX_COUNT) throw new DecodeError(`count ${n} exceeds the NSPI maximum of ${NSPI_MAX_COUNT}`, at);
    return n;
  },
  (w, v) => w.u32(v),
);

// ---------------------------------------------------------------------------
// Error codes, STAT, MIds

/** NSPI return values ([MS-OXNSPI] 2.2.1.2) beside the [MS-OXCDATA] 2.4 names. */
const NSPI_ERRORS: Readonly<Record<number, string>> = {
  0x00000000: 'Success',
  0x00000001: 'UnbindSuccess',
  0x00000002: 'UnbindFailure',
  0x00040380: 'ErrorsReturned',
  0x80004005: 'GeneralFailure',
  0x80040102: 'NotSupported',
  0x80040108: 'InvalidObject',
  0x8004010e: 'OutOfResources',
  0x8004010f: 'NotFound',
  0x80040111: 'LogonFailed',
  0x80040117: 'TooComplex',
  0x8004011e: 'InvalidCodepage',
  0x8004011f: 'InvalidLocale',
  0x80040403: 'TableTooBig',
  0x80040405: 'InvalidBookmark',
  0x80070005: 'AccessDenied',
  0x8007000e: 'NotEnoughMemory',
  0x80070057: 'InvalidParameter',
};

export function nspiErrorName(code: number): string {
  return NSPI_ERRORS[code >>> 0] ?? knownErrorName(code) ?? errorCodeName(code);
}

/** NSPI ErrorCode (u32) with its [MS-OXNSPI] 2.2.1.2 name. */
export const nspiErrorCode: Codec<number> = withDisplay(u32, (v) => `${nspiErrorName(v)} (${hex(v, 8)})`, 'ErrorCode');

/** [MS-OXNSPI] 2.2.1.11 / 2.2.1.12 SortType values. */
const SORT_TYPES: Readonly<Record<number, string>> = {
  0x00000000: 'SortTypeDisplayName',
  0x00000003: 'SortTypePhoneticDisplayName',
  0x000003e8: 'SortTypeDisplayName_RO',
  0x000003e9: 'SortTypeDisplayName_W',
};
/** [MS-OXNSPI] 2.2.1.8 positioning MIds. */
const POSITION_MIDS: Readonly<Record<number, string>> = {
  0: 'MID_BEGINNING_OF_TABLE',
  1: 'MID_CURRENT',
  2: 'MID_END_OF_TABLE',
};
const CODEPAGES: Readonly<Record<number, string>> = {
  1200: 'CP_WINUNICODE',
  1252: 'Windows-1252',
  65001: 'UTF-8',
  0x4f25: 'CP_TELETEX',
};

/**
 * STAT's CodePage ([MS-OXNSPI] 2.2.8): the code page of the 8-bit strings
 * that follow it in the body, so decoding it sets the code page in use.
 */
const statCodePage = leaf<number>(
  'CodePage',
  4,
  (r, _s, env) => {
    const at = r.pos;
    const v = r.u32();
    env.codePage = { id: v, source: `STAT CodePage at offset ${at}` };
    return v;
  },
  (w, v, _s, env) => {
    w.u32(v);
    env.codePage = { id: v, source: 'STAT CodePage' };
  },
  (v) => `${CODEPAGES[v] ?? v} (${v})`,
);

const lcid = withDisplay(u32, (v) => (v === 0x0409 ? 'en-US (0x0409)' : hex(v, 4)), 'LCID');

/** [MS-OXNSPI] 2.2.8 STAT (36 bytes). */
export const stat = struct(
  'STAT',
  [
    field('SortType', enumOf(u32, SORT_TYPES)),
    field(
      'ContainerID',
      withDisplay(u32, (v) => (v === 0 ? 'GAL (0)' : `MId ${hex(v, 8)}`)),
    ),
    field(
      'CurrentRec',
      withDisplay(u32, (v) => POSITION_MIDS[v] ?? `MId ${hex(v, 8)}`),
    ),
    field('Delta', i32),
    field('NumPos', u32),
    field('TotalRecs', u32),
    field('CodePage', statCodePage),
    field('TemplateLocale', lcid),
    field('SortLocale', lcid),
  ],
  {
    summary: (v) =>
      `CurrentRec ${hex(v.CurrentRec as number, 8)}, NumPos ${v.NumPos as number}, TotalRecs ${v.TotalRecs as number}`,
  },
);

/** [MS-OXNSPI] 2.2.9.1 MinimalEntryID: a u32. */
export const minimalEntryId: Codec<number> = withDisplay(u32, (v) => hex(v, 8), 'MinimalEntryID');

/** `<count>` MinimalEntryIDs. */
export function minimalIds(countField: string): Codec<number[]> {
  return array(minimalEntryId, countField, { item: 'MinimalEntryID' });
}

/** MinimalIdCount + MinimalIds, both gated by HasMinimalIds when `has` is given. */
export function minimalIdFields(countName = 'MinimalIdCount', listName = 'MinimalIds'): FieldDef[] {
  return [
    field(countName, nspiCount, { derive: (v) => (v[listName] as unknown[]).length }),
    field(listName, minimalIds(countName)),
  ];
}

// ---------------------------------------------------------------------------
// Property tags and values

/** [MS-OXCMAPIHTTP] 2.2.1.8 LargePropertyTagArray: PropertyTagCount u32 + tags. */
export const largePropertyTagArray = struct(
  'LargePropertyTagArray',
  [
    field('PropertyTagCount', nspiCount, { derive: (v) => (v.PropertyTags as unknown[]).length }),
    field('PropertyTags', array(nspiPropertyTag, 'PropertyTagCount', { item: 'PropertyTag' })),
  ],
  {
    summary: (v) =>
      `${(v.PropertyTags as unknown[]).length} tag${(v.PropertyTags as unknown[]).length === 1 ? '' : 's'}`,
  },
);

/** [MS-OXCMAPIHTTP] 2.2.1.2 AddressBookTaggedPropertyValue: PropertyType, PropertyId, Value. */
export const abTaggedPropertyValue = struct(
  'AddressBookTaggedPropertyValue',
  [
    field('PropertyType', propertyTypeField),
    field(
      'PropertyId',
      withDisplay(u16, (v) => hex(v, 4), 'PropertyId'),
    ),
    field(
      'Value',
      valueOfType((s) => s.num('PropertyType'), 'nspi', 'AddressBookPropertyValue'),
    ),
  ],
  {
    summary: (v) => describeTag((((v.PropertyId as number) << 16) | (v.PropertyType as number)) >>> 0, 'nspi'),
    check: (v, node) => {
      if (v.PropertyType === 0x0102 && ENTRYID_PROPERTY_IDS.has(v.PropertyId as number)) annotateEntryId(node);
    },
  },
);

/** [MS-OXCMAPIHTTP] 2.2.1.3 AddressBookPropertyValueList: PropertyValueCount u32 + values. */
export const abPropertyValueList = struct(
  'AddressBookPropertyValueList',
  [
    field('PropertyValueCount', nspiCount, { derive: (v) => (v.PropertyValues as unknown[]).length }),
    field(
      'PropertyValues',
      array(abTaggedPropertyValue, 'PropertyValueCount', { item: 'AddressBookTaggedPropertyValue' }),
    ),
  ],
  {
    summary: (v) =>
      `${(v.PropertyValues as unknown[]).length} value${(v.PropertyValues as unknown[]).length === 1 ? '' : 's'}`,
  },
);

/** Columns of the nearest `Columns` (LargePropertyTagArray) field in scope. */
export function columnsFrom(name = 'Columns') {
  return (s: Scope): readonly number[] | undefined => {
    const c = s.get(name) as StructValue | undefined;
    return c ? (c.PropertyTags as number[]) : undefined;
  };
}

const plainAbRow = propertyRow(columnsFrom(), { width: 'nspi' }) as Codec<StructValue>;

/**
 * [MS-OXCMAPIHTTP] 2.2.1.7 AddressBookPropertyRow over the response's Columns.
 * PidTagEntryId-like binary columns get their EntryID shown inside the bytes.
 */
export const abPropertyRow: Codec<StructValue> = {
  kind: 'AddressBookPropertyRow',
  minSize: 1,
  decode(r, name, scope, env) {
    const d = plainAbRow.decode(r, name, scope, env);
    const cols = columnsFrom()(scope);
    if (cols && d.node.children) {
      cols.forEach((tag, i) => {
        if ((tag & 0xffff) === 0x0102 && ENTRYID_PROPERTY_IDS.has(tag >>> 16)) {
          const col = d.node.children![i + 1];
          if (col) annotateEntryId(col);
        }
      });
    }
    return d;
  },
  encode: plainAbRow.encode,
};

/** Columns + RowCount + RowData, as in GetMatches/QueryRows/SeekEntries/ResolveNames responses. */
export function columnsAndRows(has: string): FieldDef[] {
  return optional(has, [
    field('Columns', largePropertyTagArray),
    field('RowCount', nspiCount, { derive: (v) => (v.RowData as unknown[]).length }),
    field('RowData', array(abPropertyRow, 'RowCount', { item: 'AddressBookPropertyRow' })),
  ]);
}

// ---------------------------------------------------------------------------
// Strings

/** StringsArray_r: Count u32 + Count × ASCIIZ ([MS-OXNSPI] 2.2.2.2). */
export const stringsArray = struct('StringsArray', [
  field('Count', nspiCount, { derive: (v) => (v.Strings as unknown[]).length }),
  field('Strings', array(string8Z, 'Count', { item: 'String' })),
]);

export { utf16Z as wideString };

// ---------------------------------------------------------------------------
// EntryIDs ([MS-OXNSPI] 2.2.9.2, 2.2.9.3)

/** GUID_NSPI, the ProviderUID of every PermanentEntryID. */
export const GUID_NSPI = 'c840a7dc-42c0-1a10-b4b9-08002b2fe182';

const DISPLAY_TYPES: Readonly<Record<number, string>> = {
  0x00: 'DT_MAILUSER',
  0x01: 'DT_DISTLIST',
  0x02: 'DT_FORUM',
  0x03: 'DT_AGENT',
  0x04: 'DT_ORGANIZATION',
  0x05: 'DT_PRIVATE_DISTLIST',
  0x06: 'DT_REMOTE_MAILUSER',
  0x100: 'DT_CONTAINER',
  0x101: 'DT_TEMPLATE',
  0x102: 'DT_ADDRESS_TEMPLATE',
  0x200: 'DT_SEARCH',
};
export const displayType = enumOf(u32, DISPLAY_TYPES, 'DisplayType');

/** [MS-OXNSPI] 2.2.9.2 EphemeralEntryID (32 bytes). */
export const ephemeralEntryId = struct(
  'EphemeralEntryID',
  [
    field('IDType', enumOf(u8, { 0x87: 'Ephemeral' })),
    field('R1', u8),
    field('R2', u8),
    field('R3', u8),
    field('ProviderUID', guid),
    field('R4', u32),
    field('DisplayType', displayType),
    field('Mid', minimalEntryId),
  ],
  { summary: (v) => `ephemeral MId ${hex(v.Mid as number, 8)}` },
);

/** [MS-OXNSPI] 2.2.9.3 PermanentEntryID (28 bytes + DN). */
export const permanentEntryId = struct(
  'PermanentEntryID',
  [
    field('IDType', enumOf(u8, { 0x00: 'Permanent' })),
    field('R1', u8),
    field('R2', u8),
    field('R3', u8),
    field(
      'ProviderUID',
      withDisplay(guid, (v) => (v === GUID_NSPI ? `GUID_NSPI {${v}}` : `{${v}}`)),
    ),
    field('R4', u32),
    field('DisplayTypeString', displayType),
    field('DistinguishedName', asciiZ),
  ],
  { summary: (v) => v.DistinguishedName as string },
);

/** An EntryID chosen by its IDType byte (0x87 ephemeral, 0x00 permanent); anything else raw. */
export const addressBookEntryId: Codec<unknown> = custom<unknown>(
  'EntryID',
  1,
  (r, name, scope, env) => {
    const t = r.peekU8();
    if (t === 0x87) return ephemeralEntryId.decode(r, name, scope, env);
    if (t === 0x00) return permanentEntryId.decode(r, name, scope, env);
    return rest.decode(r, name, scope, env);
  },
  (w, v, scope, env) => {
    if (v instanceof Uint8Array) return rest.encode(w, v, scope, env);
    const sv = v as StructValue;
    (sv.IDType === 0x87 ? ephemeralEntryId : permanentEntryId).encode(w, sv, scope, env);
  },
);

/** A bare EntryID: Ephemeral (0x87) or Permanent (0x00) by its IDType; anything else is an error (no size to skip by). */
const bareEntryId: Codec<StructValue> = custom<StructValue>(
  'EntryID',
  28,
  (r, name, scope, env) => {
    const t = r.peekU8();
    if (t === 0x87) return ephemeralEntryId.decode(r, name, scope, env);
    if (t === 0x00) return permanentEntryId.decode(r, name, scope, env);
    throw new DecodeError(
      `${name}: IDType ${t === undefined ? '(none)' : hex(t, 2)} is neither 0x87 (ephemeral) nor 0x00 (permanent)`,
      r.pos,
    );
  },
  (w, v, scope, env) => (v.IDType === 0x87 ? ephemeralEntryId : permanentEntryId).encode(w, v, scope, env),
);

/** Does a u32 size at the reader's position frame exactly one EntryID? */
function sizePrefixed(r: {
  pos: number;
  end: number;
  bytes: Uint8Array;
  peekU32(at?: number): number | undefined;
  peekU8(at?: number): number | undefined;
}): boolean {
  const n = r.peekU32();
  if (n === undefined || n < 28 || n > r.end - r.pos - 4) return false;
  const t = r.peekU8(4);
  if (t === 0x87) return n === 32;
  if (t !== 0x00) return false;
  // Permanent: the DN's terminator is the last byte of the window.
  const last = r.pos + 4 + n - 1;
  if (r.bytes[last] !== 0) return false;
  for (let i = r.pos + 4 + 28; i < last; i++) if (r.bytes[i] === 0) return false;
  return true;
}

/**
 * One ModLinkAtt EntryID. Implementations differ: MAPI Inspector reads each as
 * a Binary_r (u32 size + bytes, like NspiModLinkAtt's BinaryArray_r), gromox
 * and the Microsoft test suite write the EntryID bare. A size is recognised
 * only when it frames exactly one EntryID; value {Size?, EntryId}.
 */
export const modLinkAttEntryId: Codec<StructValue> = custom<StructValue>(
  'EntryId',
  28,
  (r, name, scope, env) => (sizePrefixed(r) ? sizedEntryId : bareEntry).decode(r, name, scope, env),
  (w, v, scope, env) => (v.Size !== undefined ? sizedEntryId : bareEntry).encode(w, v, scope, env),
);
const bareEntry = struct('EntryIdBare', [field('EntryId', bareEntryId)], {
  summary: (v) =>
    ((v.EntryId as StructValue).DistinguishedName as string | undefined) ??
    `MId ${hex((v.EntryId as StructValue).Mid as number, 8)}`,
});

/** One length-prefixed EntryID (Binary_r: cb u32 + bytes). */
export const sizedEntryId = struct(
  'EntryIdBinary',
  [field('Size', u32, { derive: (_v, h) => h.sizeOf('EntryId') }), field('EntryId', sized(addressBookEntryId, 'Size'))],
  {
    summary: (v) =>
      v.EntryId && typeof v.EntryId === 'object' && 'DistinguishedName' in (v.EntryId as object)
        ? ((v.EntryId as StructValue).DistinguishedName as string)
        : undefined,
  },
);

// ---------------------------------------------------------------------------
// EntryIDs inside binary values

/** Property ids whose PtypBinary value is an address-book EntryID (PidTagEntryId, PidTagAddressBookParentEntryId). */
export const ENTRYID_PROPERTY_IDS: ReadonlySet<number> = new Set([0x0fff, 0xfffc]);

function firstData(n: DecodedNode): DecodedNode | undefined {
  if (n.name === 'Data' && n.value instanceof Uint8Array) return n;
  for (const c of n.children ?? []) {
    const d = firstData(c);
    if (d) return d;
  }
  return undefined;
}

function shift(n: DecodedNode, by: number): void {
  n.offset += by;
  for (const c of n.children ?? []) shift(c, by);
}

/**
 * Show the EntryID a binary value holds as children of its Data node (same
 * bytes, value unchanged). Only when the bytes decode cleanly and completely
 * as an Ephemeral or Permanent EntryID; otherwise the bytes stay as they are.
 */
export function annotateEntryId(valueNode: DecodedNode): void {
  const data = firstData(valueNode);
  if (!data || data.children) return;
  const bytes = data.value as Uint8Array;
  const t = bytes[0];
  if (t !== 0x87 && t !== 0x00) return;
  const d = decode(t === 0x87 ? ephemeralEntryId : permanentEntryId, bytes, {
    name: t === 0x87 ? 'EphemeralEntryID' : 'PermanentEntryID',
  });
  if (collectErrors(d.tree).length > 0 || d.tree.length !== bytes.length) return;
  delete d.tree.buffer;
  shift(d.tree, data.offset);
  data.children = [d.tree];
  if (d.tree.display !== undefined) data.display = d.tree.display;
}
