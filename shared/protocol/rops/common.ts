/**
 * Small building blocks the ROP families share. [MS-OXCDATA] structures come
 * from ../oxcdata; what is here is ROP-specific or a thin naming layer.
 */
import {
  type Codec,
  type FieldDef,
  array,
  asciiZ,
  bool8,
  field,
  flagsOf,
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
import { string8Z } from '../oxcdata/codepage.js';
import { restriction } from '../oxcdata/restriction.js';
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

/** Count(u16) then `item` × Count, the count derived on encode. */
export function countedList(
  countName: string,
  listName: string,
  item: Codec<unknown>,
  itemName?: string,
  countCodec: Codec<number> = u16,
): FieldDef[] {
  return [
    field(countName, countCodec, { derive: (v) => (v[listName] as unknown[]).length }),
    field(listName, array(item, countName, itemName ? { item: itemName } : {})),
  ];
}

/** Size(u16) then that many bytes, the size derived on encode. */
export function sizedBytes(sizeName: string, dataName: string, sizeCodec: Codec<number> = u16): FieldDef[] {
  return [
    field(sizeName, sizeCodec, { derive: (v) => (v[dataName] as Uint8Array).length }),
    field(dataName, bytes(sizeName)),
  ];
}

/** RestrictionDataSize(u16) then one restriction in that window, absent when the size is 0. */
export function restrictionData(sizeName = 'RestrictionDataSize', dataName = 'RestrictionData'): FieldDef[] {
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
