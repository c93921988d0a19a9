/**
 * Logon and store ROPs: [MS-OXCROPS] 2.2.3, semantics [MS-OXCSTOR] 2.2.1.
 */
import {
  type Codec,
  type DecodeEnv,
  type EncodeEnv,
  type FieldDef,
  type Scope,
  type StructValue,
  Reader,
  array,
  asciiZ,
  bytes,
  field,
  fieldGroup,
  filetime,
  guid,
  sized,
  struct,
  u8,
  u16,
  u32,
} from '../../codec/index.js';
import { propertyRow } from '../oxcdata/values.js';
import { bool8, flags8, flags32, folderIdCodec, ifNonZero, longTermIdCodec, serverList } from './common.js';
import { type ContextUnavailable, contextual, isContextUnavailable, logonFlagsOf, pairedRequest } from './context.js';
import { ropName } from './header.js';
import { type RopDefinition, defineRop } from './define.js';

/** [MS-OXCSTOR] 2.2.1.1.1 LogonFlags. */
export const LogonFlags = { Private: 0x01, Undercover: 0x02, Ghosted: 0x04, SpoolerProcess: 0x08 } as const;
/** [MS-OXCSTOR] 2.2.1.1.1 OpenFlags. */
export const OpenFlags = {
  USE_ADMIN_PRIVILEGE: 0x00000001,
  PUBLIC: 0x00000002,
  HOME_LOGON: 0x00000004,
  TAKE_OWNERSHIP: 0x00000008,
  ALTERNATE_SERVER: 0x00000100,
  IGNORE_HOME_MDB: 0x00000200,
  NO_MAIL: 0x00000400,
  USE_PER_MDB_REPLID_MAPPING: 0x01000000,
  SUPPORT_PROGRESS: 0x20000000,
} as const;
/** [MS-OXCSTOR] 2.2.1.1.3 ResponseFlags. */
export const ResponseFlags = { Reserved: 0x01, OwnerRight: 0x02, SendAsRight: 0x04, OOF: 0x10 } as const;
export const StoreStateFlags = { STORE_HAS_SEARCHES: 0x01000000 } as const;

/** [MS-OXCSTOR] 2.2.1.1.3: the 13 special folders of a private mailbox, in wire order. */
export const PRIVATE_FOLDER_NAMES = [
  'MailboxRoot',
  'DeferredAction',
  'SpoolerQueue',
  'IpmSubtree',
  'Inbox',
  'Outbox',
  'SentItems',
  'DeletedItems',
  'CommonViews',
  'Schedule',
  'Search',
  'Views',
  'Shortcuts',
] as const;

const privateFolderIds = struct(
  'FolderIds',
  PRIVATE_FOLDER_NAMES.map((n) => field(n, folderIdCodec)),
);

/** [MS-OXCROPS] 2.2.3.1.2.1 LogonTime. */
const logonTime = struct(
  'LogonTime',
  [
    field('Seconds', u8),
    field('Minutes', u8),
    field('Hour', u8),
    field('DayOfWeek', u8, { doc: 'Sunday is 0.' }),
    field('Day', u8),
    field('Month', u8, { doc: 'January is 1.' }),
    field('Year', u16),
  ],
  {
    summary: (v) => {
      const p = (n: unknown) => String(n).padStart(2, '0');
      return `${v.Year as number}-${p(v.Month)}-${p(v.Day)} ${p(v.Hour)}:${p(v.Minutes)}:${p(v.Seconds)}`;
    },
  },
);

/**
 * Private or public layout, chosen by the request's LogonFlags ([MS-OXCSTOR]
 * 2.2.1.1.3: the private layout is sent when the request had Private set).
 */
function requestLogonFlags(s: Scope, env: DecodeEnv | EncodeEnv): number | undefined {
  const q = pairedRequest(s, env);
  return q && q.RopId === ropLogon.id ? (q.LogonFlags as number) : undefined;
}
const isPrivate = (s: Scope, env: DecodeEnv | EncodeEnv) => {
  const f = requestLogonFlags(s, env);
  return f !== undefined && (f & LogonFlags.Private) !== 0;
};
const isPublic = (s: Scope, env: DecodeEnv | EncodeEnv) => {
  const f = requestLogonFlags(s, env);
  return f !== undefined && (f & LogonFlags.Private) === 0;
};
const onlyIf = fieldGroup;

const privateLogonFields: FieldDef[] = [
  field('LogonFlags', flags8(LogonFlags), { doc: "The request's LogonFlags, echoed." }),
  field('FolderIds', privateFolderIds, { doc: 'Folder ids of the special folders of the mailbox.' }),
  field('ResponseFlags', flags8(ResponseFlags)),
  field('MailboxGuid', guid, { doc: 'Identifies the mailbox.' }),
  field('ReplId', u16, { doc: "Replica id that stands for ReplGuid in this logon's ids." }),
  field('ReplGuid', guid),
  field('LogonTime', logonTime, { doc: 'Time of the logon, server local time.' }),
  field('GwartTime', filetime, { doc: 'Time the gateway address routing table last changed.' }),
  field('StoreState', flags32(StoreStateFlags)),
];
const publicLogonFields: FieldDef[] = [
  field('LogonFlags', flags8(LogonFlags), { doc: "The request's LogonFlags, echoed." }),
  field('FolderIds', array(folderIdCodec, 13, { item: 'FolderId' }), {
    doc: 'Folder ids of the 13 public-folder special folders ([MS-OXCSTOR] 2.2.1.1.4).',
  }),
  field('ReplId', u16),
  field('ReplGuid', guid),
  field('PerUserGuid', guid, { doc: 'Reserved; SHOULD be all zeros.' }),
];

/**
 * The success response without its request: the private layout has 160 bytes,
 * the public one 139, and each echoes LogonFlags (Private 0x01 set or not).
 * When exactly one of them fits the bytes (its LogonFlags agree, and the ROP
 * list ends after it or a RopId follows), it is decoded and marked "layout
 * inferred from the response"; otherwise the bytes stay a "context
 * unavailable" node.
 */
function inferredLogonResponse(): Codec<StructValue | ContextUnavailable> {
  const layouts = [
    { name: 'private', isPrivate: true, codec: struct('LogonResponse', privateLogonFields) },
    { name: 'public', isPrivate: false, codec: struct('LogonResponse', publicLogonFields) },
  ];
  const fits = (l: (typeof layouts)[number], r: Reader, scope: Scope, env: DecodeEnv): boolean => {
    const trial = new Reader(r.bytes, r.bufferId, r.pos, r.end, r.view);
    const failures = env.failures;
    let ok = false;
    try {
      const v = l.codec.decode(trial, 'LogonResponse', scope, env).value;
      const next = trial.peekU8();
      ok =
        env.failures === failures &&
        ((v.LogonFlags as number) & LogonFlags.Private ? l.isPrivate : !l.isPrivate) &&
        (next === undefined || ropName(next) !== undefined);
    } catch {
      ok = false;
    }
    env.failures = failures;
    return ok;
  };
  return {
    kind: 'LogonResponse',
    minSize: 0,
    decode(r, name, scope, env) {
      const ok = layouts.filter((l) => fits(l, r, scope, env));
      if (ok.length === 1) {
        const l = ok[0]!;
        const d = l.codec.decode(r, name, scope, env);
        d.value.Layout = l.name;
        if (env.tree) {
          d.node.display = `${l.name} logon: layout inferred from the response (${d.node.length} bytes, LogonFlags ${
            l.isPrivate ? 'with' : 'without'
          } Private; the ${l.isPrivate ? 'public' : 'private'} layout does not fit)`;
          d.node.children?.push({
            name: 'Layout',
            value: l.name,
            offset: r.pos,
            length: 0,
            generated: true,
            display: 'layout inferred from the response',
          });
        }
        return d;
      }
      const offset = r.pos;
      const raw = r.take(r.remaining);
      env.failures++;
      const reason = `the RopLogon request (its LogonFlags choose private or public layout) is not known${
        ok.length ? ', and both layouts fit these bytes' : ''
      }`;
      return {
        value: { contextUnavailable: reason, raw },
        node: { name, offset, length: raw.length, value: raw, error: `context unavailable: ${reason}` },
      };
    },
    encode(w, v, scope, env) {
      if (isContextUnavailable(v)) {
        w.bytes(v.raw);
        return;
      }
      const l = layouts.find((x) => x.name === v.Layout) ?? layouts[0]!;
      l.codec.encode(w, v, scope, env);
    },
  };
}

const logonSuccess: FieldDef[] = [
  ...onlyIf(isPrivate, privateLogonFields),
  ...onlyIf(isPublic, publicLogonFields),
  field('LogonResponse', inferredLogonResponse(), { when: (s, env) => requestLogonFlags(s, env) === undefined }),
];

/** Opens a private mailbox or the public folders; the base of every other ROP. */
export const ropLogon = defineRop({
  id: 0xfe,
  name: 'RopLogon',
  specRef: 'MS-OXCROPS 2.2.3.1',
  creates: 'logon',
  handles: 'out',
  request: [
    field('LogonFlags', flags8(LogonFlags)),
    field('OpenFlags', flags32(OpenFlags)),
    field('StoreState', flags32(StoreStateFlags), { doc: 'Reserved; the client sends 0.' }),
    field('EssdnSize', u16, {
      derive: (v, h) => (v.Essdn === undefined ? 0 : h.sizeOf('Essdn')),
      doc: 'Byte count of Essdn, terminating null included.',
    }),
    field('Essdn', sized(asciiZ, 'EssdnSize'), {
      when: (s) => s.num('EssdnSize') > 0,
      doc: 'Distinguished name of the mailbox to open (private logons).',
    }),
  ],
  response: logonSuccess,
  responseFor: {
    // ecWrongServer: [MS-OXCROPS] 2.2.3.1.4 redirect response.
    0x00000478: [
      field('LogonFlags', flags8(LogonFlags)),
      field('ServerNameSize', u8, { derive: (_v, h) => h.sizeOf('ServerName') }),
      field('ServerName', sized(asciiZ, 'ServerNameSize'), { doc: 'The server to log on to instead.' }),
    ],
  },
});

export const ropGetReceiveFolder = defineRop({
  id: 0x27,
  name: 'RopGetReceiveFolder',
  specRef: 'MS-OXCROPS 2.2.3.2',
  request: [field('MessageClass', asciiZ, { doc: 'Message class whose receive folder is wanted.' })],
  response: [
    field('FolderId', folderIdCodec),
    field('ExplicitMessageClass', asciiZ, { doc: 'The message class actually configured for that folder.' }),
  ],
});

export const ropSetReceiveFolder = defineRop({
  id: 0x26,
  name: 'RopSetReceiveFolder',
  specRef: 'MS-OXCROPS 2.2.3.3',
  request: [field('FolderId', folderIdCodec), field('MessageClass', asciiZ)],
  response: [],
});

/**
 * Rows of the receive folder table use three fixed columns ([MS-OXCSTOR]
 * 2.2.1.4): PidTagFolderId, PidTagMessageClass (8-bit, as MAPI Inspector
 * reads it) and PidTagLastModificationTime.
 */
export const RECEIVE_FOLDER_COLUMNS: readonly number[] = [0x67480014, 0x001a001e, 0x30080040];

export const ropGetReceiveFolderTable = defineRop({
  id: 0x68,
  name: 'RopGetReceiveFolderTable',
  specRef: 'MS-OXCROPS 2.2.3.4',
  request: [],
  response: [
    field('RowCount', u32, { derive: (v) => (v.Rows as unknown[]).length }),
    field('Rows', array({ ...propertyRow(RECEIVE_FOLDER_COLUMNS), minSize: 1 }, 'RowCount', { item: 'PropertyRow' })),
  ],
});

export const ropGetStoreState = defineRop({
  id: 0x7b,
  name: 'RopGetStoreState',
  specRef: 'MS-OXCROPS 2.2.3.5',
  request: [],
  response: [field('StoreState', flags32(StoreStateFlags))],
});

export const ropGetOwningServers = defineRop({
  id: 0x42,
  name: 'RopGetOwningServers',
  specRef: 'MS-OXCROPS 2.2.3.6',
  request: [field('FolderId', folderIdCodec)],
  response: serverList('OwningServersCount', 'CheapServersCount', 'OwningServers'),
});

export const ropPublicFolderIsGhosted = defineRop({
  id: 0x45,
  name: 'RopPublicFolderIsGhosted',
  specRef: 'MS-OXCROPS 2.2.3.7',
  request: [field('FolderId', folderIdCodec)],
  response: [
    field('IsGhosted', bool8),
    ...serverList('ServersCount', 'CheapServersCount', 'Servers', ifNonZero('IsGhosted')),
  ],
});

export const ropLongTermIdFromId = defineRop({
  id: 0x43,
  name: 'RopLongTermIdFromId',
  specRef: 'MS-OXCROPS 2.2.3.8',
  request: [field('ObjectId', folderIdCodec, { doc: 'Folder or message id to convert.' })],
  response: [field('LongTermId', longTermIdCodec)],
});

export const ropIdFromLongTermId = defineRop({
  id: 0x44,
  name: 'RopIdFromLongTermId',
  specRef: 'MS-OXCROPS 2.2.3.9',
  request: [field('LongTermId', longTermIdCodec)],
  response: [field('ObjectId', folderIdCodec)],
});

export const ropGetPerUserLongTermIds = defineRop({
  id: 0x60,
  name: 'RopGetPerUserLongTermIds',
  specRef: 'MS-OXCROPS 2.2.3.10',
  request: [field('DatabaseGuid', guid)],
  response: [
    field('LongTermIdCount', u16, { derive: (v) => (v.LongTermIds as unknown[]).length }),
    field('LongTermIds', array(longTermIdCodec, 'LongTermIdCount', { item: 'LongTermId' })),
  ],
});

export const ropGetPerUserGuid = defineRop({
  id: 0x61,
  name: 'RopGetPerUserGuid',
  specRef: 'MS-OXCROPS 2.2.3.11',
  request: [field('LongTermId', longTermIdCodec)],
  response: [field('DatabaseGuid', guid)],
});

export const ropReadPerUserInformation = defineRop({
  id: 0x63,
  name: 'RopReadPerUserInformation',
  specRef: 'MS-OXCROPS 2.2.3.12',
  request: [
    field('FolderId', longTermIdCodec, { doc: 'LongTermID of the public folder.' }),
    field('Reserved', u8),
    field('DataOffset', u32),
    field('MaxDataSize', u16),
  ],
  response: [
    field('HasFinished', bool8),
    field('DataSize', u16, { derive: (v) => (v.Data as Uint8Array).length }),
    field('Data', bytes('DataSize')),
  ],
});

/**
 * ReplGuid is present only in the first chunk (DataOffset 0) of a private
 * logon ([MS-OXCROPS] 2.2.3.13.1), so the logon's flags are needed.
 */
const replGuidMaybe = (s: Scope, env: DecodeEnv | EncodeEnv): boolean => {
  if (s.num('DataOffset') !== 0) return false;
  const f = logonFlagsOf(s, env, s.num('LogonId'));
  return !f.ok || (f.value & LogonFlags.Private) !== 0;
};

export const ropWritePerUserInformation = defineRop({
  id: 0x64,
  name: 'RopWritePerUserInformation',
  specRef: 'MS-OXCROPS 2.2.3.13',
  request: [
    field('FolderId', longTermIdCodec, { doc: 'LongTermID of the public folder.' }),
    field('HasFinished', bool8),
    field('DataOffset', u32),
    field('DataSize', u16, { derive: (v) => (v.Data as Uint8Array).length }),
    field('Data', bytes('DataSize')),
    field(
      'ReplGuid',
      contextual(
        'ReplGuid',
        (s, env) => logonFlagsOf(s, env, s.num('LogonId')),
        () => guid,
      ),
      { when: replGuidMaybe },
    ),
  ],
  response: [],
});

export const storeRops: RopDefinition[] = [
  ropLogon,
  ropGetReceiveFolder,
  ropSetReceiveFolder,
  ropGetReceiveFolderTable,
  ropGetStoreState,
  ropGetOwningServers,
  ropPublicFolderIsGhosted,
  ropLongTermIdFromId,
  ropIdFromLongTermId,
  ropGetPerUserLongTermIds,
  ropGetPerUserGuid,
  ropReadPerUserInformation,
  ropWritePerUserInformation,
];
