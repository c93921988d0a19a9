/**
 * The building blocks the ROP families share, in one place: a family file takes
 * its helpers from here (and its framing from define.ts, context.ts, header.ts),
 * never from another family. [MS-OXCDATA] structures come from ../oxcdata; what
 * is here is ROP-specific or a thin naming layer.
 */
import {
  type Codec,
  type FieldDef,
  type StructValue,
  array,
  asciiZ,
  bool8,
  field,
  flagsOf,
  hex,
  u8,
  u16,
  u32,
  enumOf,
  bytes,
  sized,
  struct,
  switchOn,
  utf16Z,
} from '../../codec/index.js';
import { propertyProblem, propertyTag, taggedPropertyValue } from '../oxcdata/index.js';
import { string8Z } from '../oxcdata/codepage.js';
import { restriction } from '../oxcdata/values.js';
import { type IdValue, folderId, longTermId, messageId } from '../oxcdata/ids.js';

/** [MS-OXCDATA] 2.2.1.1 Folder ID and 2.2.1.2 Message ID: ReplicaId(2) · GlobalCounter(6, big-endian). */
export const folderIdCodec: Codec<IdValue> = folderId;
export const messageIdCodec: Codec<IdValue> = messageId;

export const flags8 = (bits: Readonly<Record<string, number>>): Codec<number> => flagsOf(u8, bits);
export const flags16 = (bits: Readonly<Record<string, number>>): Codec<number> => flagsOf(u16, bits);
export const flags32 = (bits: Readonly<Record<string, number>>): Codec<number> => flagsOf(u32, bits);
export const enum8 = (names: Readonly<Record<number, string>>): Codec<number> => enumOf(u8, names);

/** Field present only when an earlier boolean-like field is non-zero. */
export const ifNonZero = (flag: string) => (s: { num(n: string): number }) => s.num(flag) !== 0;

/**
 * ServerCount(2) · CheapServerCount(2) · Servers(ASCIIZ × ServerCount): the
 * replica server list of ghosted public folders (RopOpenFolder, RopCreateFolder,
 * RopPublicFolderIsGhosted, RopGetOwningServers), present when `when` holds.
 */
export function serverList(
  countName: string,
  cheapName: string,
  listName: string,
  when?: (s: { num(n: string): number }) => boolean,
): FieldDef[] {
  const o = when ? { when } : {};
  return [
    field(countName, u16, {
      ...o,
      derive: (v) => (v[listName] as unknown[]).length,
      doc: 'Number of servers in the list.',
    }),
    field(cheapName, u16, { ...o, doc: 'Number of servers at the start of the list that are cheap to reach.' }),
    field(listName, array(asciiZ, countName, { item: 'Server' }), o),
  ];
}

export { bool8 };

/** [MS-OXCDATA] 2.2.1.3.1 LongTermID (24 bytes). */
export const longTermIdCodec = longTermId;

/** A string that is UTF-16 when the earlier field `flag` is non-zero, else 8-bit (CreateFolder, MoveFolder, …). */
export function stringBy(flag: string): Codec<unknown> {
  return switchOn('String', (s) => (s.num(flag) !== 0 ? 1 : 0), { 1: utf16Z, 0: string8Z });
}

/** Adds tooltip docs to the fields of a shared helper, in order (undefined keeps a field as is). */
export function documented<const F extends readonly FieldDef[]>(defs: F, docs: readonly (string | undefined)[]): F {
  return defs.map((f, i) =>
    docs[i] === undefined ? f : field(f.name, f.codec, { ...f.opts, doc: docs[i] }),
  ) as readonly FieldDef[] as F;
}

/**
 * Count(u16, or `opts.countCodec`) then `item` × Count, the count derived on encode; with
 * `opts.doc` the list field carries that tooltip and the count "Number of entries in …".
 */
export function countedList<T, const C extends string, const L extends string>(
  countName: C,
  listName: L,
  item: Codec<T>,
  itemName?: string,
  opts: { countCodec?: Codec<number>; doc?: string } = {},
): [FieldDef<C, number>, FieldDef<L, T[]>] {
  const defs: [FieldDef<C, number>, FieldDef<L, T[]>] = [
    field(countName, opts.countCodec ?? u16, { derive: (v) => (v[listName] as unknown[]).length }),
    field(listName, array(item, countName, itemName ? { item: itemName } : {})),
  ];
  return opts.doc === undefined ? defs : documented(defs, [`Number of entries in ${listName}.`, opts.doc]);
}

/** Size(u16) then that many bytes, the size derived on encode. */
export function sizedBytes(sizeName: string, dataName: string, sizeCodec: Codec<number> = u16): FieldDef[] {
  return [
    field(sizeName, sizeCodec, { derive: (v) => (v[dataName] as Uint8Array).length }),
    field(dataName, bytes(sizeName)),
  ];
}

/** RestrictionDataSize(u16) then one restriction in that window, absent when the size is 0. */
export function restrictionData<
  const S extends string = 'RestrictionDataSize',
  const D extends string = 'RestrictionData',
>(
  sizeName = 'RestrictionDataSize' as S,
  dataName = 'RestrictionData' as D,
): [FieldDef<S, number>, FieldDef<D, StructValue | undefined>] {
  return [
    field(sizeName, u16, { derive: (v, h) => (v[dataName] === undefined ? 0 : h.sizeOf(dataName)) }),
    field(dataName, sized(restriction, sizeName), { when: (s) => s.num(sizeName) > 0 }),
  ];
}

/** A non-zero ReturnValue of 0x00000503 (ecDstNullObject): DestHandleIndex is echoed as 4 bytes. */
export const NULL_DESTINATION = 0x00000503;

/**
 * [MS-OXCDATA] 2.11.7 TypedString: StringType(1), then nothing (0x00 absent,
 * 0x01 empty), an 8-bit string (0x02, and 0x03 "reduced Unicode") or UTF-16 (0x04).
 */
export const typedString = struct(
  'TypedString',
  [
    field('StringType', enumOf(u8, { 0: 'NotPresent', 1: 'Empty', 2: 'String8', 3: 'ReducedUnicode', 4: 'Unicode' })),
    field('String', string8Z, { when: (s) => s.num('StringType') === 2 || s.num('StringType') === 3 }),
    field('String', utf16Z, { when: (s) => s.num('StringType') === 4 }),
  ],
  {
    summary: (v) =>
      typeof v.String === 'string' ? JSON.stringify(v.String) : v.StringType === 1 ? '""' : '(not present)',
  },
);

/** The ByteCount / BufferSize sentinel: "let the server pick, up to the maximum that follows". */
export const BABE = 0xbabe;

/** `SizeName`(2, or `sizeCodec`) then `DataName` (SizeName bytes): `sizedBytes` with tooltip docs. */
export function sizedData(sizeName: string, dataName: string, doc: string, sizeCodec = u16): FieldDef[] {
  return documented(sizedBytes(sizeName, dataName, sizeCodec), [`Size of ${dataName} in bytes.`, doc]);
}

/** `CountName`(2) then that many PropertyTags. */
export const tagList = <const C extends string = 'PropertyTagCount', const L extends string = 'PropertyTags'>(
  countName = 'PropertyTagCount' as C,
  listName = 'PropertyTags' as L,
  doc = 'The property tags.',
): [FieldDef<C, number>, FieldDef<L, number[]>] =>
  countedList(countName, listName, propertyTag, 'PropertyTag', { doc });

/** `CountName`(2) then that many TaggedPropertyValues ([MS-OXCDATA] 2.11.4). */
export const taggedValueList = (
  countName = 'PropertyValueCount',
  listName = 'PropertyValues',
  doc = 'The property values, each with its tag.',
): FieldDef[] => countedList(countName, listName, taggedPropertyValue, 'TaggedPropertyValue', { doc });

/** PropertyProblemCount(2) then PropertyProblems ([MS-OXCDATA] 2.7), the answer of the set/delete/copy ROPs. */
export const problemList = (): FieldDef[] =>
  countedList('PropertyProblemCount', 'PropertyProblems', propertyProblem, 'PropertyProblem', {
    doc: 'Properties that could not be processed, each with its index in the request and an error code.',
  });

/** The 4-byte DestHandleIndex of the ecDstNullObject (0x00000503) responses ([MS-OXCROPS] 2.2.8.11.3, 2.2.8.12.3). */
export const nullDestination = (): FieldDef[] => [
  field('DestHandleIndex', u32, { doc: 'The destination handle index that held no object, echoed as 4 bytes.' }),
];

/**
 * A row change of RopModifyPermissions / RopModifyRules: a flags byte, then
 * PropertyValueCount(2) and TaggedPropertyValues ([MS-OXCROPS] 2.2.10.1.1.1, 2.2.11.1.1.1).
 */
export function rowChange(
  kind: string,
  flagsName: string,
  bits: Readonly<Record<string, number>>,
  doc: string,
): Codec<StructValue> {
  const names = Object.entries(bits);
  return struct(
    kind,
    [
      field(flagsName, flags8(bits), { doc }),
      ...taggedValueList('PropertyValueCount', 'PropertyValues', 'The columns of the row.'),
    ],
    {
      summary: (v) => {
        const f = v[flagsName] as number;
        const n = names.filter(([, b]) => (f & b) === b).map(([k]) => k);
        return `${n.length ? n.join(' | ') : hex(f, 2)}, ${(v.PropertyValues as unknown[]).length} value(s)`;
      },
    },
  );
}

/** [MS-OXCFXICS] 2.2.3.1.1.1.2 SendOptions (shared with RopSynchronizationConfigure). */
export const SendOptionsBits = {
  Unicode: 0x01,
  UseCpid: 0x02,
  RecoverMode: 0x04,
  ForceUnicode: 0x08,
  PartialItem: 0x10,
  Reserved1: 0x20,
  Reserved2: 0x40,
};
export const sendOptions = flags8(SendOptionsBits);

export { NotificationTypeBits, TableEventType, notificationData } from './notification-data.js';
