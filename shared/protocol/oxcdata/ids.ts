/**
 * [MS-OXCDATA] 2.2.1 identifiers and 2.2.4 Folder/Message EntryIDs.
 */
import {
  type Codec,
  type StructValue,
  asciiZ,
  custom,
  enumOf,
  field,
  flagsOf,
  guid,
  readsNoScope,
  reserved,
  struct,
  u16,
  u32,
  utf16Z,
} from '../../codec/index.js';
import { string8Z } from './codepage.js';

/** GlobalCounter: 6 bytes, most significant first ([MS-OXCDATA] 2.2.1.1); value is a number (< 2^48). */
export const globalCounter: Codec<number> = readsNoScope(
  custom<number>(
    'GlobalCounter',
    6,
    (r, name) => {
      const at = r.pos;
      const b = r.take(6);
      let v = 0;
      for (let i = 0; i < 6; i++) v = v * 256 + b[i]!;
      return { value: v, node: { name, value: v, offset: at, length: 6, display: hex48(v) } };
    },
    (w, v) => {
      let x = v;
      const b = new Uint8Array(6);
      for (let i = 5; i >= 0; i--) {
        b[i] = x % 256;
        x = Math.floor(x / 256);
      }
      w.bytes(b);
    },
  ),
);

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hex48(v: number): string {
  if (Number.isInteger(v) && v >= 0 && v < 0x1000000000000) {
    // Six bytes from a table: the same text as the general form below.
    const hi = Math.floor(v / 0x100000000);
    const lo = v - hi * 0x100000000;
    return (
      '0x' +
      HEX_BYTE[hi >>> 8]! +
      HEX_BYTE[hi & 0xff]! +
      HEX_BYTE[lo >>> 24]! +
      HEX_BYTE[(lo >>> 16) & 0xff]! +
      HEX_BYTE[(lo >>> 8) & 0xff]! +
      HEX_BYTE[lo & 0xff]!
    );
  }
  return '0x' + v.toString(16).toUpperCase().padStart(12, '0');
}

/** Id value: ReplicaId (u16) and the 48-bit GlobalCounter. */
export interface IdValue {
  ReplicaId: number;
  GlobalCounter: number;
}

/** "1-0x00000E8EDF36" */
export function idToString(v: IdValue): string {
  return `${v.ReplicaId}-${hex48(v.GlobalCounter)}`;
}

/** The 8 wire bytes read as a little-endian u64 (how some tools print FIDs/MIDs). */
export function idToU64(v: IdValue): bigint {
  let x = BigInt(v.ReplicaId);
  let c = BigInt(v.GlobalCounter);
  // bytes 2..7 hold the counter big-endian
  for (let i = 7; i >= 2; i--) {
    x |= (c & 0xffn) << BigInt(8 * i);
    c >>= 8n;
  }
  return x;
}

/** `idToU64`'s inverse: the id whose 8 wire bytes, read little-endian, are `v`. */
export function idFromU64(v: bigint): IdValue {
  const x = BigInt.asUintN(64, v);
  let counter = 0;
  // bytes 2..7 hold the counter big-endian
  for (let i = 2; i <= 7; i++) counter = counter * 256 + Number((x >> BigInt(8 * i)) & 0xffn);
  return { ReplicaId: Number(x & 0xffffn), GlobalCounter: counter };
}

function idCodec(kind: string): Codec<IdValue> {
  return struct(kind, [field('ReplicaId', u16), field('GlobalCounter', globalCounter)], {
    summary: (v) => idToString(v as IdValue),
  }) as unknown as Codec<IdValue>;
}

/** [MS-OXCDATA] 2.2.1.1 Folder ID: ReplicaId(2) + GlobalCounter(6). */
export const folderId = idCodec('FolderId');
/** [MS-OXCDATA] 2.2.1.2 Message ID. */
export const messageId = idCodec('MessageId');

/** [MS-OXCDATA] 2.2.1.3 GID: DatabaseGuid + GlobalCounter (22 bytes). */
export const globalId = struct('GID', [field('DatabaseGuid', guid), field('GlobalCounter', globalCounter)], {
  summary: (v) => `{${v.DatabaseGuid as string}}:${hex48(v.GlobalCounter as number)}`,
});

/** [MS-OXCDATA] 2.2.1.3.1 LongTermID: DatabaseGuid, GlobalCounter, Pad (24 bytes). */
export const longTermId = struct(
  'LongTermId',
  [field('DatabaseGuid', guid), field('GlobalCounter', globalCounter), field('Pad', u16, { derive: () => 0 })],
  { summary: (v) => `{${v.DatabaseGuid as string}}:${hex48(v.GlobalCounter as number)}` },
);

/** [MS-OXCDATA] 2.2.4.1 / 2.2.4.2 FolderType / MessageType values. */
export const EntryIdType: Readonly<Record<number, string>> = {
  0x0001: 'eitLTPrivateFolder',
  0x0003: 'eitLTPublicFolder',
  0x0005: 'eitLTWackyFolder',
  0x0007: 'eitLTPrivateMessage',
  0x0009: 'eitLTPublicMessage',
  0x000b: 'eitLTWackyMessage',
  0x000c: 'eitLTPublicFolderByName',
};

/** [MS-OXCDATA] 2.2.4.1 Folder EntryID (46 bytes). */
export const folderEntryId = struct(
  'FolderEntryId',
  [
    field('Flags', u32),
    field('ProviderUID', guid),
    field('FolderType', enumOf(u16, EntryIdType)),
    field('DatabaseGuid', guid),
    field('GlobalCounter', globalCounter),
    field('Pad', reserved(2)),
  ],
  {
    summary: (v: StructValue) =>
      `${EntryIdType[v.FolderType as number] ?? 'folder'} ${hex48(v.GlobalCounter as number)}`,
  },
);

/** [MS-OXCDATA] 2.2.4.2 Message EntryID (70 bytes). */
export const messageEntryId = struct(
  'MessageEntryId',
  [
    field('Flags', u32),
    field('ProviderUID', guid),
    field('MessageType', enumOf(u16, EntryIdType)),
    field('FolderDatabaseGuid', guid),
    field('FolderGlobalCounter', globalCounter),
    field('Pad1', reserved(2)),
    field('MessageDatabaseGuid', guid),
    field('MessageGlobalCounter', globalCounter),
    field('Pad2', reserved(2)),
  ],
  {
    summary: (v: StructValue) =>
      `${EntryIdType[v.MessageType as number] ?? 'message'} ${hex48(v.MessageGlobalCounter as number)}`,
  },
);

/** ProviderUID of Address Book EntryIDs ([MS-OXCDATA] 2.2.5.2) and of One-Off EntryIDs (2.2.5.1). */
export const PROVIDER_UID_ADDRESS_BOOK = 'c840a7dc-42c0-1a10-b4b9-08002b2fe182';
export const PROVIDER_UID_ONE_OFF = 'a41f2b81-a3be-1910-9d6e-00dd010f5402';

/** [MS-OXCDATA] 2.2.5.2 Address Book EntryID: Flags, ProviderUID, Version, Type, X500DN. */
export const abEntryId = struct(
  'AddressBookEntryId',
  [
    field('Flags', u32),
    field('ProviderUID', guid),
    field('Version', u32),
    field(
      'Type',
      enumOf(u32, {
        0: 'local mail user',
        1: 'distribution list',
        2: 'bulletin board or public folder',
        3: 'automated mailbox',
        4: 'organizational mailbox',
        5: 'private distribution list',
        6: 'remote mail user',
        0x100: 'container',
        0x101: 'template',
        0x102: 'one-off user',
        0x200: 'search',
      }),
    ),
    field('X500DN', asciiZ),
  ],
  { summary: (v: StructValue) => v.X500DN as string },
);

const ONE_OFF_UNICODE = 0x8000;
const oneOffString: Codec<string> = custom<string>(
  'string',
  1,
  (r, name, scope, env) => (scope.num('OneOffFlags') & ONE_OFF_UNICODE ? utf16Z : string8Z).decode(r, name, scope, env),
  (w, v, scope, env) => (scope.num('OneOffFlags') & ONE_OFF_UNICODE ? utf16Z : string8Z).encode(w, v, scope, env),
);

/** [MS-OXCDATA] 2.2.5.1 One-Off EntryID: the strings are UTF-16 when the Unicode bit (0x8000) is set. */
export const oneOffEntryId = struct(
  'OneOffEntryId',
  [
    field('Flags', u32),
    field('ProviderUID', guid),
    field('Version', u16),
    field('OneOffFlags', flagsOf(u16, { MAPI_ONE_OFF_UNICODE: 0x8000, MAPI_ONE_OFF_NO_RICH_INFO: 0x0001 })),
    field('DisplayName', oneOffString),
    field('AddressType', oneOffString),
    field('EmailAddress', oneOffString),
  ],
  {
    summary: (v: StructValue) => `${v.DisplayName as string} <${v.AddressType as string}:${v.EmailAddress as string}>`,
  },
);
