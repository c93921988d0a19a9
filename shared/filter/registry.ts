/**
 * The field registry: every filterable field with its stable name, type and
 * description, derived from the definitions themselves — the codec
 * structures of the request and response bodies ([MS-OXCMAPIHTTP] 2.2.4,
 * [MS-OXCRPC] AUX blocks), every `defineRop` ([MS-OXCROPS]), the property
 * tag names ([MS-OXPROPS]) — plus the exchange-level layers (summary, HTTP,
 * transport, session facts) declared once in record.ts. Nothing here lists a
 * decoded field by hand: a field added to a definition is filterable at once.
 *
 * Names:
 * - bodies: `<RequestType>.<request|response>.<Field>[.<Field>…]` (`Connect.request.UserDn`);
 * - ROPs: `<RopName>.<request|response>.<Field>…`, also `<RopName>.<Field>` for either side,
 *   and the bare field name for fields many ROPs share (`ReturnValue`, `InputHandleIndex`);
 * - AUX blocks: `aux.<BLOCK>.<Field>` (`aux.AUX_PERF_CLIENTINFO.MachineName`);
 * - properties: `prop.<PidTag…>` (any property value or row column with that tag), named
 *   properties by their resolved name (`prop.PidLid…`, `prop["PS_PUBLIC_STRINGS:\"Keywords\""]`).
 * Arrays and transformed payloads (RPC_HEADER_EXT buffers) add no name part.
 */
import { type Codec, shapeOf } from '../codec/index.js';
import { AUX_BLOCKS, auxBlockEntry } from '../protocol/aux/index.js';
import { emsmdbRequestCodecs, emsmdbResponseCodecs } from '../protocol/emsmdb/index.js';
import { nspiRequestCodecs, nspiResponseCodecs } from '../protocol/nspi/index.js';
import { allTagEntries } from '../protocol/oxcdata/proptag-names.js';
import { PropertyType, propertyTypeName } from '../protocol/oxcdata/types.js';
import { ROP_NAMES } from '../protocol/rops/header.js';
import { ropsById } from '../protocol/rops/registry.js';
import { RECORD_FIELDS } from './record.js';
import type { FieldInfo, FieldType } from './types.js';

/** Codec kinds that are values of their own type (not numbers): ids, errors, tags, GUIDs, times, text, bytes. */
const KIND_TYPES: Readonly<Record<string, FieldType>> = {
  uint8: 'number',
  uint16: 'number',
  uint32: 'number',
  int16: 'number',
  int32: 'number',
  uint64: 'number',
  int64: 'number',
  float: 'number',
  double: 'number',
  bool: 'bool',
  ErrorCode: 'error',
  PropertyTag: 'proptag',
  GUID: 'guid',
  FILETIME: 'time',
  string8: 'string',
  unicode: 'string',
  bytes: 'bytes',
  Binary: 'bytes',
  GlobalCounter: 'number',
  FolderId: 'id',
  MessageId: 'id',
};

/** Structures that start a namespace of their own, not a path inside the body. */
const ANCHORS = new Set<Codec<unknown>>([auxBlockEntry]);
/** ROP lists (each ROP is named by its own definition, below) and property rows (their values are `prop.*`). */
const ANCHOR_KINDS = /^(RopRequest\[\]|RopResponse\[\]|\w*PropertyRow(\[\])?)$/;

/** Deepest name path a structure walk follows (recursive restrictions stop here). */
const MAX_DEPTH = 10;

interface Sink {
  add(name: string, codec: Codec<unknown>, layer: FieldInfo['layer'], description: string): void;
}

function leafInfo(codec: Codec<unknown>): Pick<FieldInfo, 'type' | 'names' | 'bits'> | undefined {
  const shape = shapeOf(codec);
  if (shape?.type === 'enum') return { type: 'enum', names: shape.names };
  if (shape?.type === 'flags') return { type: 'flags', bits: shape.bits };
  if (codec.kind === 'RopId') return { type: 'enum', names: ROP_NAMES };
  const t = KIND_TYPES[codec.kind];
  if (t) return { type: t };
  if (shape) return undefined; // a structure: its parts are the fields
  return { type: 'value' };
}

/** Every field under `codec`, named `prefix.Field…`. */
function walkCodec(
  codec: Codec<unknown>,
  prefix: string,
  layer: FieldInfo['layer'],
  describe: (path: string, doc?: string) => string,
  sink: Sink,
  path: Codec<unknown>[],
  doc?: string,
): void {
  if (ANCHORS.has(codec) || ANCHOR_KINDS.test(codec.kind) || path.length > MAX_DEPTH || path.includes(codec)) return;
  const leaf = leafInfo(codec);
  if (leaf) sink.add(prefix, codec, layer, describe(prefix, doc));
  const shape = shapeOf(codec);
  if (!shape || shape.type === 'enum' || shape.type === 'flags') return;
  const next = [...path, codec];
  switch (shape.type) {
    case 'struct':
      for (const f of shape.fields()) {
        const fs = shapeOf(f.codec);
        // A transformed payload (RPC_HEADER_EXT) adds no name part: its content is the field's.
        if (fs?.type === 'window' && fs.payload) walkCodec(fs.inner(), prefix, layer, describe, sink, next, f.opts.doc);
        else walkCodec(f.codec, `${prefix}.${f.name}`, layer, describe, sink, next, f.opts.doc);
      }
      return;
    case 'array':
      walkCodec(shape.item, prefix, layer, describe, sink, next, doc);
      return;
    case 'window':
      walkCodec(shape.inner(), prefix, layer, describe, sink, next, doc);
      return;
    case 'choice':
      for (const c of shape.cases()) walkCodec(c, prefix, layer, describe, sink, next, doc);
      return;
  }
}

/** The filter type of a property value of [MS-OXCDATA] 2.11.1 type `t` (multi-valued: its items' type). */
function propFieldType(t: number): FieldType {
  switch (t & ~0x1000) {
    case PropertyType.PtypInteger16:
    case PropertyType.PtypInteger32:
    case PropertyType.PtypInteger64:
    case PropertyType.PtypFloating32:
    case PropertyType.PtypFloating64:
    case PropertyType.PtypCurrency:
      return 'number';
    case PropertyType.PtypBoolean:
      return 'bool';
    case PropertyType.PtypErrorCode:
      return 'error';
    case PropertyType.PtypString:
    case PropertyType.PtypString8:
      return 'string';
    case PropertyType.PtypTime:
      return 'time';
    case PropertyType.PtypGuid:
      return 'guid';
    case PropertyType.PtypBinary:
      return 'bytes';
    default:
      return 'value';
  }
}

export interface FieldCatalogData {
  fields: FieldInfo[];
}

let built: FieldInfo[] | undefined;

/** Every filterable field, in a stable order (exchange layers, bodies, ROPs, AUX blocks, properties). */
export function fieldRegistry(): readonly FieldInfo[] {
  if (built) return built;
  const out: FieldInfo[] = [];
  const byName = new Map<string, FieldInfo>();
  const sink: Sink = {
    add(name, codec, layer, description) {
      const leaf = leafInfo(codec)!;
      const prev = byName.get(name);
      if (prev) {
        // The same name from two layouts (a success and a failure response): one field, the broader type.
        if (prev.type !== leaf.type) prev.type = 'value';
        return;
      }
      const f: FieldInfo = { name, type: leaf.type, description, layer };
      if (leaf.names) f.names = leaf.names;
      if (leaf.bits) f.bits = leaf.bits;
      byName.set(name, f);
      out.push(f);
    },
  };
  for (const f of RECORD_FIELDS) {
    const { get: _get, ...info } = f;
    out.push(info);
    byName.set(f.name, info);
  }

  // Bodies, by request type and direction.
  const bodies: [Record<string, Codec<unknown>>, 'request' | 'response', string][] = [
    [emsmdbRequestCodecs, 'request', 'MS-OXCMAPIHTTP 2.2.4'],
    [emsmdbResponseCodecs, 'response', 'MS-OXCMAPIHTTP 2.2.4'],
    [nspiRequestCodecs, 'request', 'MS-OXCMAPIHTTP 2.2.5'],
    [nspiResponseCodecs, 'response', 'MS-OXCMAPIHTTP 2.2.5'],
  ];
  for (const [table, dir, ref] of bodies)
    for (const [type, codec] of Object.entries(table)) {
      const shape = shapeOf(codec);
      if (shape?.type !== 'struct') continue;
      for (const f of shape.fields())
        walkCodec(
          f.codec,
          `${type}.${dir}.${f.name}`,
          'body',
          (p, doc) => `${type} ${dir} [${ref}]: ${p.slice(type.length + dir.length + 2)}${doc ? ` — ${doc}` : ''}`,
          sink,
          [codec],
          f.opts.doc,
        );
    }

  // ROPs: each side's structure, then the either-side and cross-ROP names.
  const ropFieldOwners = new Map<string, Set<string>>();
  const ropConcrete = new Map<string, string[]>();
  for (const def of [...ropsById.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const [dir, codec] of [
      ['request', def.request],
      ['response', def.response],
    ] as const) {
      if (!codec) continue;
      const prefix = `${def.name}.${dir}`;
      const before = out.length;
      walkCodec(
        codec,
        prefix,
        'rop',
        (p, doc) => `${def.name} ${dir} [${def.specRef}]: ${p.slice(prefix.length + 1)}${doc ? ` — ${doc}` : ''}`,
        sink,
        [],
      );
      for (const f of out.slice(before)) {
        const rel = f.name.slice(prefix.length + 1);
        if (!rel) continue;
        const short = `${def.name}.${rel}`;
        const list = ropConcrete.get(short) ?? [];
        list.push(f.name);
        ropConcrete.set(short, list);
        const owners = ropFieldOwners.get(rel) ?? new Set();
        owners.add(f.name);
        ropFieldOwners.set(rel, owners);
      }
    }
  }
  for (const [short, of] of ropConcrete) {
    if (byName.has(short)) continue;
    const first = byName.get(of[0]!)!;
    const f: FieldInfo = {
      name: short,
      type: of.every((n) => byName.get(n)!.type === first.type) ? first.type : 'value',
      description: `${short.split('.')[0]} request or response: ${short.slice(short.indexOf('.') + 1)}`,
      layer: 'rop',
      of,
    };
    if (first.names) f.names = first.names;
    if (first.bits) f.bits = first.bits;
    byName.set(short, f);
    out.push(f);
  }
  // A field many ROPs share is filterable across all of them by its bare name (ReturnValue == ecNullObject).
  const ROP_COMMON_MIN = 8;
  for (const [rel, owners] of [...ropFieldOwners].sort((a, b) => a[0].localeCompare(b[0]))) {
    const ropNames = new Set([...owners].map((n) => n.slice(0, n.indexOf('.'))));
    if (ropNames.size < ROP_COMMON_MIN || rel.includes('.') || byName.has(rel)) continue;
    const of = [...owners];
    const first = byName.get(of[0]!)!;
    const f: FieldInfo = {
      name: rel,
      type: of.every((n) => byName.get(n)!.type === first.type) ? first.type : 'value',
      description: `${rel} of any ROP (${ropNames.size} ROPs have it)`,
      layer: 'rop',
      of,
    };
    if (first.names) f.names = first.names;
    byName.set(rel, f);
    out.push(f);
  }

  // AUX blocks, by block structure ([MS-OXCRPC] 2.2.2.2).
  for (const codec of new Set(AUX_BLOCKS.values())) {
    const shape = shapeOf(codec);
    if (shape?.type !== 'struct') continue;
    for (const f of shape.fields())
      walkCodec(
        f.codec,
        `aux.${codec.kind}.${f.name}`,
        'aux',
        (p, doc) => `${codec.kind} [MS-OXCRPC 2.2.2.2]: ${p.slice(codec.kind.length + 5)}${doc ? ` — ${doc}` : ''}`,
        sink,
        [codec],
        f.opts.doc,
      );
  }

  // Property values by tag name ([MS-OXPROPS]); named properties resolve at decode time (catalog.ts).
  const propTypes = new Map<string, Set<number>>();
  for (const e of allTagEntries()) {
    const set = propTypes.get(e.name) ?? new Set();
    set.add(e.type);
    propTypes.set(e.name, set);
  }
  for (const [name, types] of propTypes)
    if (!byName.has(`prop.${name}`)) {
      const kinds = new Set([...types].map(propFieldType));
      const f: FieldInfo = {
        name: `prop.${name}`,
        type: kinds.size === 1 ? [...kinds][0]! : 'value',
        description: `${name} (${[...types].map((t) => propertyTypeName(t) ?? t.toString(16)).join(', ')}): any property value or table column with this tag`,
        layer: 'prop',
      };
      byName.set(f.name, f);
      out.push(f);
    }
  built = out;
  return out;
}
