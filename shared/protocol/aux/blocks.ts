/**
 * AUX blocks ([MS-OXCRPC] 2.2.2.2): AUX_HEADER {Size u16, Version u8, Type u8}
 * then a block of Size-4 bytes. Every block is decoded inside its own window,
 * so a bad block cannot disturb its neighbours; unknown Version/Type pairs are
 * kept as raw bytes (3.1.4.1.2: skip by Size).
 *
 * `*Offset` fields count from the start of the AUX_HEADER; 0 means absent.
 * Strings are UTF-16LE, null-terminated.
 */
import {
  type Codec,
  type DecodedNode,
  type FieldDef,
  type StructValue,
  Writer,
  enumOf,
  field,
  flagsOf,
  guid,
  latin1Decode,
  latin1Encode,
  leaf,
  reserved,
  rest,
  sized,
  struct,
  switchOn,
  toHex,
  u16,
  u32,
  u32hex,
  u8,
  utf16Decode,
  utf16Encode,
  utf16Z,
  encode as encodeWith,
  withShape,
} from '../../codec/index.js';

export const AuxVersion = { AUX_VERSION_1: 0x01, AUX_VERSION_2: 0x02 } as const;

/** AUX_HEADER.Type names ([MS-OXCRPC] 2.2.2.2). */
export const AUX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x01: 'AUX_TYPE_PERF_REQUESTID',
  0x02: 'AUX_TYPE_PERF_CLIENTINFO',
  0x03: 'AUX_TYPE_PERF_SERVERINFO',
  0x04: 'AUX_TYPE_PERF_SESSIONINFO',
  0x05: 'AUX_TYPE_PERF_DEFMDB_SUCCESS',
  0x06: 'AUX_TYPE_PERF_DEFGC_SUCCESS',
  0x07: 'AUX_TYPE_PERF_MDB_SUCCESS',
  0x08: 'AUX_TYPE_PERF_GC_SUCCESS',
  0x09: 'AUX_TYPE_PERF_FAILURE',
  0x0a: 'AUX_TYPE_CLIENT_CONTROL',
  0x0b: 'AUX_TYPE_PERF_PROCESSINFO',
  0x0c: 'AUX_TYPE_PERF_BG_DEFMDB_SUCCESS',
  0x0d: 'AUX_TYPE_PERF_BG_DEFGC_SUCCESS',
  0x0e: 'AUX_TYPE_PERF_BG_MDB_SUCCESS',
  0x0f: 'AUX_TYPE_PERF_BG_GC_SUCCESS',
  0x10: 'AUX_TYPE_PERF_BG_FAILURE',
  0x11: 'AUX_TYPE_PERF_FG_DEFMDB_SUCCESS',
  0x12: 'AUX_TYPE_PERF_FG_DEFGC_SUCCESS',
  0x13: 'AUX_TYPE_PERF_FG_MDB_SUCCESS',
  0x14: 'AUX_TYPE_PERF_FG_GC_SUCCESS',
  0x15: 'AUX_TYPE_PERF_FG_FAILURE',
  0x16: 'AUX_TYPE_OSVERSIONINFO',
  0x17: 'AUX_TYPE_EXORGINFO',
  0x18: 'AUX_TYPE_PERF_ACCOUNTINFO',
  0x46: 'AUX_TYPE_SERVER_CAPABILITIES',
  0x48: 'AUX_TYPE_ENDPOINT_CAPABILITIES',
  0x49: 'AUX_TYPE_EXCEPTION_TRACE',
  0x4a: 'AUX_CLIENT_CONNECTION_INFO',
  0x4b: 'AUX_SERVER_SESSION_INFO',
  0x4e: 'AUX_PROTOCOL_DEVICE_IDENTIFICATION',
};

// --- variable part: strings and byte runs addressed by offset fields --------

interface VarSpec {
  /** Node / value name of the item, e.g. "MachineName". */
  name: string;
  /** Field holding its offset from the AUX_HEADER start. */
  offset: string;
  /** Field holding its byte size; absent for UTF16Z strings. */
  size?: string;
}

const VAR_KEY = 'VariableData';

/**
 * A block = fixed fields (exactly `fixedSize` bytes) + a variable part holding
 * the items the offset fields point to. The variable part's bytes are kept in
 * the value (`VariableData`) so encode reproduces them; items are shown as
 * nodes at their real offsets, gaps as `Padding`. A value built without
 * `VariableData` is laid out contiguously and its offset/size fields derived.
 */
function auxBlock(
  kind: string,
  fixed: readonly FieldDef[],
  fixedSize: number,
  vars: readonly VarSpec[] = [],
): Codec<StructValue> {
  const fixedCodec = struct(kind, fixed);
  if (vars.length === 0) return fixedCodec;
  const fields = () => [
    ...fixed,
    ...vars.map((v) => field(v.name, (v.size === undefined ? utf16Z : rest) as Codec<unknown>)),
  ];
  return withShape<Codec<StructValue>>(
    {
      kind,
      minSize: fixedSize,
      decode(r, name, scope, env) {
        const d = fixedCodec.decode(r, name, scope, env);
        const v = d.value;
        const node = d.node;
        const areaStart = r.pos;
        const areaEnd = r.end;
        const headerStart = areaStart - fixedSize - 4;
        const raw = r.take(r.remaining);
        v[VAR_KEY] = raw;
        const items: DecodedNode[] = [];
        for (const spec of vars) {
          const off = Number(v[spec.offset] ?? 0);
          if (off === 0) continue;
          const at = headerStart + off;
          const size = spec.size === undefined ? undefined : Number(v[spec.size] ?? 0);
          if (at < areaStart || at > areaEnd || (at === areaEnd && size !== 0)) {
            env.failures++;
            items.push({
              name: spec.name,
              offset: areaStart,
              length: 0,
              error: `${spec.offset} ${off} points outside the block's variable part`,
            });
            continue;
          }
          if (size !== undefined) {
            if (at + size > areaEnd) {
              env.failures++;
              items.push({
                name: spec.name,
                offset: at,
                length: areaEnd - at,
                error: `${spec.size} ${size} runs past the block end`,
              });
              continue;
            }
            const b = r.bytes.subarray(at, at + size);
            v[spec.name] = b;
            items.push({ name: spec.name, offset: at, length: size, value: b, display: showBytes(spec.name, b) });
            continue;
          }
          let z = -1;
          for (let i = at; i + 1 < areaEnd; i += 2)
            if (r.bytes[i] === 0 && r.bytes[i + 1] === 0) {
              z = i;
              break;
            }
          if (z < 0) {
            env.failures++;
            items.push({
              name: spec.name,
              offset: at,
              length: areaEnd - at,
              error: 'UTF-16 string has no terminating null within the block',
            });
            continue;
          }
          const s = utf16Decode(r.bytes.subarray(at, z));
          v[spec.name] = s;
          items.push({ name: spec.name, offset: at, length: z + 2 - at, value: s, display: JSON.stringify(s) });
        }
        items.sort((a, b) => a.offset - b.offset);
        let pos = areaStart;
        const children: DecodedNode[] = [];
        for (const it of items) {
          if (it.offset > pos) children.push(padding(r.bytes, pos, it.offset));
          children.push(it);
          pos = Math.max(pos, it.offset + it.length);
        }
        if (pos < areaEnd) children.push(padding(r.bytes, pos, areaEnd));
        if (env.tree) {
          node.children!.push(...children);
          node.length = areaEnd - node.offset;
        }
        return { value: v, node };
      },
      encode(w, v, scope, env) {
        let vals = v;
        let area = v[VAR_KEY] as Uint8Array | undefined;
        if (area === undefined) {
          // Lay out the items after the fixed part, in declaration order.
          vals = { ...v };
          const tmp = new Writer(64);
          for (const spec of vars) {
            const x = v[spec.name];
            if (x === undefined || x === null) {
              vals[spec.offset] = 0;
              if (spec.size) vals[spec.size] = 0;
              continue;
            }
            vals[spec.offset] = 4 + fixedSize + tmp.pos;
            if (spec.size) {
              const b = x as Uint8Array;
              vals[spec.size] = b.length;
              tmp.bytes(b);
            } else {
              tmp.bytes(utf16Encode(String(x))).u16(0);
            }
          }
          area = tmp.finish();
        }
        fixedCodec.encode(w, vals, scope, env);
        w.bytes(area);
      },
    },
    { type: 'struct', fields },
  );
}

function padding(b: Uint8Array, from: number, to: number): DecodedNode {
  const bytes = b.subarray(from, to);
  const zero = bytes.every((x) => x === 0);
  return {
    name: 'Padding',
    offset: from,
    length: to - from,
    value: bytes,
    display: zero ? `${to - from} zero byte(s)` : toHex(bytes, ' '),
  };
}

function showBytes(name: string, b: Uint8Array): string {
  if (/IP/.test(name) && b.length === 4) return Array.from(b).join('.');
  if (/Mac/.test(name) && b.length === 6) return toHex(b, ':');
  return toHex(b, ' ');
}

// --- block structures ([MS-OXCRPC] 2.2.2.2.1–.23) ----------------------------

const ms = (name: string) => field(name, u32, { doc: 'milliseconds' });

const ClientMode = enumOf(u16, { 0: 'CLIENTMODE_UNKNOWN', 1: 'CLIENTMODE_CLASSIC', 2: 'CLIENTMODE_CACHED' });
const ServerType = enumOf(u16, {
  0: 'SERVERTYPE_UNKNOWN',
  1: 'SERVERTYPE_PRIVATE',
  2: 'SERVERTYPE_PUBLIC',
  3: 'SERVERTYPE_DIRECTORY',
  4: 'SERVERTYPE_REFERRAL',
});

export const AUX_PERF_REQUESTID = auxBlock('AUX_PERF_REQUESTID', [field('SessionID', u16), field('RequestID', u16)], 4);

export const AUX_PERF_SESSIONINFO = auxBlock(
  'AUX_PERF_SESSIONINFO',
  [field('SessionID', u16), field('Reserved', reserved(2)), field('SessionGuid', guid)],
  20,
);

export const AUX_PERF_SESSIONINFO_V2 = auxBlock(
  'AUX_PERF_SESSIONINFO_V2',
  [field('SessionID', u16), field('Reserved', reserved(2)), field('SessionGuid', guid), field('ConnectionID', u32)],
  24,
);

export const AUX_PERF_CLIENTINFO = auxBlock(
  'AUX_PERF_CLIENTINFO',
  [
    field('AdapterSpeed', u32, { doc: 'kbit/s' }),
    field('ClientID', u16),
    field('MachineNameOffset', u16),
    field('UserNameOffset', u16),
    field('ClientIPSize', u16),
    field('ClientIPOffset', u16),
    field('ClientIPMaskSize', u16),
    field('ClientIPMaskOffset', u16),
    field('AdapterNameOffset', u16),
    field('MacAddressSize', u16),
    field('MacAddressOffset', u16),
    field('ClientMode', ClientMode),
    field('Reserved', reserved(2)),
  ],
  28,
  [
    { name: 'MachineName', offset: 'MachineNameOffset' },
    { name: 'UserName', offset: 'UserNameOffset' },
    { name: 'ClientIP', offset: 'ClientIPOffset', size: 'ClientIPSize' },
    { name: 'ClientIPMask', offset: 'ClientIPMaskOffset', size: 'ClientIPMaskSize' },
    { name: 'AdapterName', offset: 'AdapterNameOffset' },
    { name: 'MacAddress', offset: 'MacAddressOffset', size: 'MacAddressSize' },
  ],
);

export const AUX_PERF_SERVERINFO = auxBlock(
  'AUX_PERF_SERVERINFO',
  [
    field('ServerID', u16),
    field('ServerType', ServerType),
    field('ServerDNOffset', u16),
    field('ServerNameOffset', u16),
  ],
  8,
  [
    { name: 'ServerDN', offset: 'ServerDNOffset' },
    { name: 'ServerName', offset: 'ServerNameOffset' },
  ],
);

export const AUX_PERF_PROCESSINFO = auxBlock(
  'AUX_PERF_PROCESSINFO',
  [
    field('ProcessID', u16),
    field('Reserved_1', reserved(2)),
    field('ProcessGuid', guid),
    field('ProcessNameOffset', u16),
    field('Reserved_2', reserved(2)),
  ],
  24,
  [{ name: 'ProcessName', offset: 'ProcessNameOffset' }],
);

export const AUX_PERF_DEFMDB_SUCCESS = auxBlock(
  'AUX_PERF_DEFMDB_SUCCESS',
  [ms('TimeSinceRequest'), ms('TimeToCompleteRequest'), field('RequestID', u16), field('Reserved', reserved(2))],
  12,
);

export const AUX_PERF_DEFGC_SUCCESS = auxBlock(
  'AUX_PERF_DEFGC_SUCCESS',
  [
    field('ServerID', u16),
    field('SessionID', u16),
    ms('TimeSinceRequest'),
    ms('TimeToCompleteRequest'),
    field('RequestOperation', u8),
    field('Reserved', reserved(3)),
  ],
  16,
);

export const AUX_PERF_MDB_SUCCESS = auxBlock(
  'AUX_PERF_MDB_SUCCESS',
  [
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    field('RequestID', u16),
    ms('TimeSinceRequest'),
    ms('TimeToCompleteRequest'),
  ],
  16,
);

export const AUX_PERF_MDB_SUCCESS_V2 = auxBlock(
  'AUX_PERF_MDB_SUCCESS_V2',
  [
    field('ProcessID', u16),
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    field('RequestID', u16),
    field('Reserved', reserved(2)),
    ms('TimeSinceRequest'),
    ms('TimeToCompleteRequest'),
  ],
  20,
);

export const AUX_PERF_GC_SUCCESS = auxBlock(
  'AUX_PERF_GC_SUCCESS',
  [
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    field('Reserved_1', reserved(2)),
    ms('TimeSinceRequest'),
    ms('TimeToCompleteRequest'),
    field('RequestOperation', u8),
    field('Reserved_2', reserved(3)),
  ],
  20,
);

export const AUX_PERF_GC_SUCCESS_V2 = auxBlock(
  'AUX_PERF_GC_SUCCESS_V2',
  [
    field('ProcessID', u16),
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    ms('TimeSinceRequest'),
    ms('TimeToCompleteRequest'),
    field('RequestOperation', u8),
    field('Reserved', reserved(3)),
  ],
  20,
);

export const AUX_PERF_FAILURE = auxBlock(
  'AUX_PERF_FAILURE',
  [
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    field('RequestID', u16),
    ms('TimeSinceRequest'),
    ms('TimeToFailRequest'),
    field('ResultCode', u32hex),
    field('RequestOperation', u8),
    field('Reserved', reserved(3)),
  ],
  24,
);

export const AUX_PERF_FAILURE_V2 = auxBlock(
  'AUX_PERF_FAILURE_V2',
  [
    field('ProcessID', u16),
    field('ClientID', u16),
    field('ServerID', u16),
    field('SessionID', u16),
    field('RequestID', u16),
    field('Reserved_1', reserved(2)),
    ms('TimeSinceRequest'),
    ms('TimeToFailRequest'),
    field('ResultCode', u32hex),
    field('RequestOperation', u8),
    field('Reserved_2', reserved(3)),
  ],
  28,
);

export const AUX_CLIENT_CONTROL = auxBlock(
  'AUX_CLIENT_CONTROL',
  [
    field(
      'EnableFlags',
      flagsOf(u32, {
        ENABLE_PERF_SENDTOSERVER: 0x01,
        ENABLE_PERF_SENDTOMAILBOX: 0x02,
        ENABLE_COMPRESSION: 0x04,
        ENABLE_HTTP_TUNNELING: 0x08,
        ENABLE_PERF_SENDGCDATA: 0x10,
      }),
    ),
    ms('ExpiryTime'),
  ],
  8,
);

export const AUX_OSVERSIONINFO = auxBlock(
  'AUX_OSVERSIONINFO',
  [
    field('OSVersionInfoSize', u32),
    field('MajorVersion', u32),
    field('MinorVersion', u32),
    field('BuildNumber', u32),
    field('Reserved1', reserved(132)),
    field('ServicePackMajor', u16),
    field('ServicePackMinor', u16),
    field('Reserved2', reserved(4)),
  ],
  156,
);

export const AUX_EXORGINFO = auxBlock(
  'AUX_EXORGINFO',
  [
    field(
      'OrgFlags',
      flagsOf(u32, { PUBLIC_FOLDERS_ENABLED: 0x1, USE_AUTODISCOVER_FOR_PUBLIC_FOLDER_CONFIGURATION: 0x2 }),
    ),
  ],
  4,
);

export const AUX_PERF_ACCOUNTINFO = auxBlock(
  'AUX_PERF_ACCOUNTINFO',
  [field('ClientID', u16), field('Reserved', reserved(2)), field('Account', guid)],
  20,
);

export const AUX_SERVER_CAPABILITIES = auxBlock(
  'AUX_SERVER_CAPABILITIES',
  [
    field(
      'ServerCapabilityFlags',
      flagsOf(u32, {
        PACKED_FAST_TRANSFER_UPLOAD_BUFFERS: 0x1,
        PACKED_WRITE_STREAM_UPLOAD_BUFFERS: 0x2,
        ULTRA_LARGE_PACKED_DOWNLOAD_BUFFERS: 0x8,
      }),
    ),
  ],
  4,
);

export const AUX_ENDPOINT_CAPABILITIES = auxBlock(
  'AUX_ENDPOINT_CAPABILITIES',
  [field('EndpointCapabilityFlag', flagsOf(u32, { ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT: 0x1 }))],
  4,
);

/** Not in the spec; layout as other decoders read it: RopIndex then 8-bit text. */
const text8 = leaf<string>(
  'string8',
  0,
  (r) => latin1Decode(r.take(r.remaining)),
  (w, v) => w.bytes(latin1Encode(v)),
  (v) => JSON.stringify(v),
);
export const AUX_EXCEPTION_TRACE = auxBlock(
  'AUX_EXCEPTION_TRACE',
  [field('RopIndex', u32), field('ExceptionTrace', text8)],
  4,
);

export const AUX_CLIENT_CONNECTION_INFO = auxBlock(
  'AUX_CLIENT_CONNECTION_INFO',
  [
    field('ConnectionGUID', guid),
    field('OffsetConnectionContextInfo', u16),
    field('Reserved', reserved(2)),
    // u32 as implementations read it (one spec edition says 2 bytes).
    field('ConnectionAttempts', u32),
    field('ConnectionFlags', flagsOf(u32, { CLIENTMODE_CACHED: 0x1 })),
  ],
  28,
  [{ name: 'ConnectionContextInfo', offset: 'OffsetConnectionContextInfo' }],
);

export const AUX_SERVER_SESSION_INFO = auxBlock(
  'AUX_SERVER_SESSION_INFO',
  [field('OffsetServerSessionContextInfo', u16)],
  2,
  [{ name: 'ServerSessionContextInfo', offset: 'OffsetServerSessionContextInfo' }],
);

export const AUX_PROTOCOL_DEVICE_IDENTIFICATION = auxBlock(
  'AUX_PROTOCOL_DEVICE_IDENTIFICATION',
  [
    field('DeviceManufacturerOffset', u16),
    field('DeviceModelOffset', u16),
    field('DeviceSerialNumberOffset', u16),
    field('DeviceVersionOffset', u16),
    field('DeviceFirmwareVersionOffset', u16),
  ],
  10,
  [
    { name: 'DeviceManufacturer', offset: 'DeviceManufacturerOffset' },
    { name: 'DeviceModel', offset: 'DeviceModelOffset' },
    { name: 'DeviceSerialNumber', offset: 'DeviceSerialNumberOffset' },
    { name: 'DeviceVersion', offset: 'DeviceVersionOffset' },
    { name: 'DeviceFirmwareVersion', offset: 'DeviceFirmwareVersionOffset' },
  ],
);

/** Block structure by "version:type" ([MS-OXCRPC] 2.2.2.2 type table). */
export const AUX_BLOCKS = new Map<string, Codec<unknown>>();
const reg = (versions: readonly number[], types: readonly number[], c: Codec<StructValue>) => {
  for (const v of versions) for (const t of types) AUX_BLOCKS.set(`${v}:${t}`, c);
};
reg([1], [0x01], AUX_PERF_REQUESTID);
reg([1], [0x02], AUX_PERF_CLIENTINFO);
reg([1], [0x03], AUX_PERF_SERVERINFO);
reg([1], [0x04], AUX_PERF_SESSIONINFO);
reg([2], [0x04], AUX_PERF_SESSIONINFO_V2);
reg([1], [0x05, 0x0c, 0x11], AUX_PERF_DEFMDB_SUCCESS);
reg([1], [0x06, 0x0d, 0x12], AUX_PERF_DEFGC_SUCCESS);
reg([1], [0x07, 0x0e, 0x13], AUX_PERF_MDB_SUCCESS);
reg([2], [0x07, 0x0e, 0x13], AUX_PERF_MDB_SUCCESS_V2);
reg([1], [0x08, 0x0f, 0x14], AUX_PERF_GC_SUCCESS);
reg([2], [0x08, 0x0f, 0x14], AUX_PERF_GC_SUCCESS_V2);
reg([1], [0x09, 0x10, 0x15], AUX_PERF_FAILURE);
reg([2], [0x09, 0x10, 0x15], AUX_PERF_FAILURE_V2);
reg([1], [0x0a], AUX_CLIENT_CONTROL);
reg([1, 2], [0x0b], AUX_PERF_PROCESSINFO);
reg([1], [0x16], AUX_OSVERSIONINFO);
reg([1], [0x17], AUX_EXORGINFO);
reg([1], [0x18], AUX_PERF_ACCOUNTINFO);
reg([1], [0x46], AUX_SERVER_CAPABILITIES);
reg([1], [0x48], AUX_ENDPOINT_CAPABILITIES);
reg([1], [0x49], AUX_EXCEPTION_TRACE);
reg([1], [0x4a], AUX_CLIENT_CONNECTION_INFO);
reg([1], [0x4b], AUX_SERVER_SESSION_INFO);
reg([1], [0x4e], AUX_PROTOCOL_DEVICE_IDENTIFICATION);

export const auxHeader = struct(
  'AUX_HEADER',
  [
    field('Size', u16, { doc: 'AUX_HEADER plus block bytes.' }),
    field('Version', enumOf(u8, { 1: 'AUX_VERSION_1', 2: 'AUX_VERSION_2' })),
    field('Type', enumOf(u8, AUX_TYPE_NAMES)),
  ],
  {
    summary: (v) =>
      `${AUX_TYPE_NAMES[v.Type as number] ?? 'unknown type'} v${Number(v.Version)}, ${Number(v.Size)} bytes`,
  },
);

const hdr = (s: { get(n: string): unknown }) => (s.get('AUX_HEADER') as StructValue | undefined) ?? {};

const unknownBlock = struct('UnknownAuxBlock', [field('BlockData', rest)]);

/** One AUX_HEADER + block, the block capped to Size-4 bytes. */
export const auxBlockEntry: Codec<StructValue> = struct(
  'AuxBlock',
  [
    field('AUX_HEADER', auxHeader),
    field(
      'Block',
      sized(
        switchOn(
          'AuxBlockBody',
          (s) => `${Number(hdr(s).Version)}:${Number(hdr(s).Type)}`,
          AUX_BLOCKS,
          unknownBlock as Codec<unknown>,
        ),
        // A Size below 4 gives a negative window, which the reader rejects at this offset.
        (s) => Number(hdr(s).Size ?? 0) - 4,
        { allowTrailing: true },
      ),
    ),
  ],
  {
    summary: (v) => {
      const h = v.AUX_HEADER as StructValue;
      return AUX_TYPE_NAMES[h.Type as number] ?? `Unknown type 0x${Number(h.Type).toString(16)}`;
    },
    check: (v, node) => {
      // Label the block with its structure's name (AUX_PERF_SESSIONINFO_V2, …).
      const h = v.AUX_HEADER as StructValue;
      const block = node.children?.find((c) => c.name === 'Block');
      if (block && block.display === undefined)
        block.display =
          AUX_BLOCKS.get(`${Number(h.Version)}:${Number(h.Type)}`)?.kind ?? 'unknown block type, kept as raw bytes';
    },
  },
);

/**
 * A block value for encoding: fills AUX_HEADER.Size from the encoded block
 * (Version/Type must be given), e.g. `auxBlockValue(1, 0x17, { OrgFlags: 1 })`.
 */
export function auxBlockValue(version: number, type: number, block: StructValue): StructValue {
  const c = AUX_BLOCKS.get(`${version}:${type}`) ?? unknownBlock;
  const body = encodeWith(c, block);
  return { AUX_HEADER: { Size: 4 + body.length, Version: version, Type: type }, Block: block };
}
