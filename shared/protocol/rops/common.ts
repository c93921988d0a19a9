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
} from '../../codec/index.js';
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
    field(countName, u16, { ...o, derive: (v) => (v[listName] as unknown[]).length, doc: 'Number of servers in the list.' }),
    field(cheapName, u16, { ...o, doc: 'Number of servers at the start of the list that are cheap to reach.' }),
    field(listName, array(asciiZ, countName, { item: 'Server' }), o),
  ];
}

export { bool8 };


/** [MS-OXCDATA] 2.2.1.3.1 LongTermID (24 bytes). */
export const longTermIdCodec = longTermId;
