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
  u64,
  withDisplay,
  enumOf,
} from '../../codec/index.js';

/**
 * [MS-OXCDATA] 2.2.1.1 Folder ID / 2.2.1.2 Message ID: ReplicaId (u16 LE)
 * then a 6-byte GlobalCounter, most significant byte first. Kept as the u64
 * read little-endian (lossless), shown as "RRRR-GGGGGGGGGGGG".
 */
export function showObjectId(v: bigint): string {
  const repl = Number(v & 0xffffn);
  let counter = 0n;
  for (let i = 0; i < 6; i++) counter = (counter << 8n) | ((v >> BigInt(16 + 8 * i)) & 0xffn);
  return `${repl.toString(16).toUpperCase().padStart(4, '0')}-${counter.toString(16).toUpperCase().padStart(12, '0')}`;
}
export const folderIdCodec: Codec<bigint> = withDisplay(u64, showObjectId, 'FolderID');
export const messageIdCodec: Codec<bigint> = withDisplay(u64, showObjectId, 'MessageID');

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
