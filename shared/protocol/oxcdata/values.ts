/**
 * [MS-OXCDATA] 2.11 property values and 2.8 rows.
 *
 * Two count-width rules exist:
 *  - 'rop'  ([MS-OXCDATA] 2.11.1, ROP buffers): PtypBinary byte counts are u16,
 *           multi-valued element counts are u32.
 *  - 'nspi' ([MS-OXCMAPIHTTP] 2.2.1.1 AddressBookPropertyValue): binary counts
 *           u32, multi-value counts u32, and a HasValue byte (0xFF value follows,
 *           0x00 none) before every string, binary and multi-valued value; inside
 *           PtypMultipleString8/String/Binary each element has its own HasValue
 *           byte as well (observed in gromox and Outlook traffic).
 *
 * Value shapes (decode result, accepted by encode):
 *   integers, floats, booleans, error codes → number; currency, int64, time → bigint;
 *   strings → string; GUID → "xxxxxxxx-…" string; binary → Uint8Array;
 *   multi-valued → array of the single shapes; PtypNull → null;
 *   nspi-wrapped values → { HasValue: number, Value?: … };
 *   PtypServerId, PtypRestriction, PtypRuleAction → their struct values.
 */
import {
  type Codec,
  type DecodeEnv,
  type DecodedNode,
  EncodeEnv,
  type Reader,
  Scope,
  type StructValue,
  DecodeError,
  Writer,
  asDecodeError,
  custom,
  enumOf,
  errorLeaf,
  field,
  filetime,
  f32,
  f64,
  guid,
  hex,
  NO_NODE,
  lazy,
  leaf,
  rest,
  sized,
  struct,
  toHex,
  u16,
  u32,
  u8,
  utf16Z,
  array,
} from '../../codec/index.js';
import { string8Z } from './codepage.js';
import { annotateEntryIdData } from './entryid-detect.js';
import { errorCode } from './errors.js';
import { folderId, messageId } from './ids.js';
import { restrictionCodecOver } from './restriction.js';
import { ruleActionCodecOver } from './ruleaction.js';
import {
  MVI_FLAG,
  MV_FLAG,
  PropertyType as T,
  describeTag,
  nspiPropertyTag,
  propertyTag,
  propertyTypeField,
  propertyTypeName,
  tagType,
} from './types.js';

export type Width = 'rop' | 'nspi';
export interface ValueOptions {
  width?: Width;
}

// ---------------------------------------------------------------------------
// Building blocks

/** Count-prefixed byte run; value is the bytes, the node shows Count and Data. */
/** `annotate`: show a recognised EntryID inside the bytes (see entryid-detect.ts). */
export function countedBytes(countWidth: 2 | 4, kind = 'Binary', annotate = false): Codec<Uint8Array> {
  return custom<Uint8Array>(
    kind,
    countWidth,
    (r, name, _scope, env) => {
      const start = r.pos;
      const n = countWidth === 2 ? r.u16() : r.u32();
      if (!env.tree && n <= r.remaining) return { value: r.take(n), node: NO_NODE };
      const countNode: DecodedNode = { name: 'Count', value: n, offset: start, length: countWidth };
      if (n > r.remaining) {
        throw Object.assign(
          new DecodeError(`${name}: Count ${n} exceeds the ${r.remaining} byte(s) that remain`, r.pos),
          {
            partial: {
              name,
              offset: start,
              length: r.end - start,
              children: [
                countNode,
                errorLeaf(
                  'Data',
                  new DecodeError(`Count ${n} exceeds the ${r.remaining} byte(s) that remain`, r.pos),
                  r.end,
                ),
              ],
            },
          },
        );
      }
      const at = r.pos;
      const data = r.take(n);
      const node: DecodedNode = {
        name,
        offset: start,
        length: r.pos - start,
        display: n <= 32 ? `${n} bytes: ${toHex(data, ' ')}` : `${n} bytes`,
        children: [countNode, { name: 'Data', value: data, offset: at, length: n }],
      };
      if (annotate && n >= 21) annotateEntryIdData(node.children![1]!, data);
      return { value: data, node };
    },
    (w, v) => {
      if (countWidth === 2) w.u16(v.length);
      else w.u32(v.length);
      w.bytes(v);
    },
  );
}

/** u32 element count followed by that many `elem`; value is the element array. */
export function countedArray<T>(elem: Codec<T>, kind: string, countWidth: 2 | 4 = 4): Codec<T[]> {
  const inner = array(elem, 'Count', { item: 'Value' });
  return custom<T[]>(
    kind,
    countWidth,
    (r, name, scope, env) => {
      const start = r.pos;
      const n = countWidth === 2 ? r.u16() : r.u32();
      const countNode: DecodedNode = { name: 'Count', value: n, offset: start, length: countWidth };
      const node: DecodedNode = { name, offset: start, length: 0, children: [countNode] };
      try {
        const d = inner.decode(r, 'Values', new Scope({ Count: n }, scope), env);
        node.children!.push(...(d.node.children ?? []));
        node.length = r.pos - start;
        node.display = `${n} value${n === 1 ? '' : 's'}`;
        return { value: d.value, node };
      } catch (err) {
        const e = asDecodeError(err, r.pos);
        if (e.partial) node.children!.push(...(e.partial.children ?? [e.partial]));
        else node.children!.push(errorLeaf('Values', e, r.end));
        node.length = r.end - start;
        e.partial = node;
        throw e;
      }
    },
    (w, v, scope, env) => {
      if (countWidth === 2) w.u16(v.length);
      else w.u32(v.length);
      for (const x of v) elem.encode(w, x, scope, env);
    },
  );
}

/** AddressBook HasValue byte + the value when it is 0xFF ([MS-OXCMAPIHTTP] 2.2.1.1). */
export function hasValue(inner: Codec<unknown>, kind = inner.kind): Codec<StructValue> {
  return struct(kind, [
    field('HasValue', hasValueFlag, { derive: (v) => (v.Value === undefined ? 0 : 0xff) }),
    field('Value', inner, { when: (s) => s.num('HasValue') !== 0 }),
  ]);
}

const hasValueFlag = leaf<number>(
  'HasValue',
  1,
  (r) => {
    const at = r.pos;
    const v = r.u8();
    if (v !== 0 && v !== 0xff) throw new DecodeError(`HasValue must be 0x00 or 0xFF, found ${hex(v, 2)}`, at);
    return v;
  },
  (w, v) => w.u8(v),
  (v) => (v === 0xff ? 'value present (0xFF)' : 'no value (0x00)'),
);

const boolean = leaf<number>(
  'Boolean',
  1,
  (r) => r.u8(),
  (w, v) => w.u8(v),
  (v) => (v === 0 ? 'false' : v === 1 ? 'true' : `true (non-canonical ${hex(v, 2)})`),
);

const currency = leaf<bigint>(
  'Currency',
  8,
  (r) => r.i64(),
  (w, v) => w.i64(v),
  (v) => {
    const neg = v < 0n;
    const a = neg ? -v : v;
    return `${neg ? '-' : ''}${a / 10000n}.${(a % 10000n).toString().padStart(4, '0')}`;
  },
);

const FLOATINGTIME_EPOCH = Date.UTC(1899, 11, 30);
const floatingTime = leaf<number>(
  'FloatingTime',
  8,
  (r) => r.f64(),
  (w, v) => w.f64(v),
  (v) => {
    const d = new Date(FLOATINGTIME_EPOCH + v * 86400000);
    return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
  },
);

const int64 = leaf<bigint>(
  'Integer64',
  8,
  (r) => r.i64(),
  (w, v) => w.i64(v),
  (v) => `${v} (0x${BigInt.asUintN(64, v).toString(16).toUpperCase().padStart(16, '0')})`,
);
const int32 = leaf<number>(
  'Integer32',
  4,
  (r) => r.i32(),
  (w, v) => w.i32(v),
  (v) => `${v} (${hex(v, 8)})`,
);
const int16 = leaf<number>(
  'Integer16',
  2,
  (r) => r.i16(),
  (w, v) => w.i16(v),
);

/** [MS-OXCDATA] 2.11.1.4 PtypServerId: Count(u16) then Ours + FID/MID/Instance or opaque data. */
const serverIdBody = struct('ServerId', [
  field('Ours', enumOf(u8, { 0: 'client data', 1: 'server id' })),
  field('FolderId', folderId, { when: (s) => s.num('Ours') === 1 }),
  field('MessageId', messageId, { when: (s) => s.num('Ours') === 1 }),
  field('Instance', u32, { when: (s) => s.num('Ours') === 1 }),
  field('ClientData', rest, { when: (s) => s.num('Ours') !== 1 }),
]);
function serverId(countWidth: 2 | 4): Codec<StructValue> {
  return struct('PtypServerId', [
    field('Count', countWidth === 2 ? u16 : u32, { derive: (_v, h) => h.sizeOf('ServerId') }),
    field('ServerId', sized(serverIdBody, 'Count')),
  ]);
}

// ---------------------------------------------------------------------------
// propertyValue

const cache = new Map<number, Codec<unknown>>();
const ropBinary = countedBytes(2, 'Binary', true);
const nspiBinary = countedBytes(4, 'Binary');

function single(type: number, width: Width): Codec<unknown> | undefined {
  const bin = width === 'rop' ? ropBinary : nspiBinary;
  switch (type) {
    case T.PtypNull:
      return leaf<null>(
        'Null',
        0,
        () => null,
        () => {},
        () => '(null)',
      );
    case T.PtypInteger16:
      return int16;
    case T.PtypInteger32:
      return int32;
    case T.PtypFloating32:
      return f32;
    case T.PtypFloating64:
      return f64;
    case T.PtypCurrency:
      return currency;
    case T.PtypFloatingTime:
      return floatingTime;
    case T.PtypErrorCode:
      return errorCode;
    case T.PtypBoolean:
      return boolean;
    case T.PtypInteger64:
      return int64;
    case T.PtypString8:
      return string8Z; // in the code page in use ([MS-OXCDATA] 2.11.1)
    case T.PtypString:
      return utf16Z;
    case T.PtypTime:
      return filetime;
    case T.PtypGuid:
      return guid;
    case T.PtypBinary:
      return bin;
    case T.PtypObject:
      // No inline form is specified ([MS-OXCDATA] 2.11.1.5); when one occurs it is carried
      // like PtypBinary with the width's count (as gromox reads it), without a HasValue byte.
      return countedBytes(width === 'rop' ? 2 : 4, 'Object');
    case T.PtypServerId:
      return serverId(2); // Count is u16 in every context (gromox reads it so for extended buffers too)
    case T.PtypRestriction:
      return restrictionCodec(width);
    case T.PtypRuleAction:
      return ruleActionCodec(width);
    default:
      return undefined;
  }
}

/** Types whose AddressBookPropertyValue carries a HasValue byte ([MS-OXCMAPIHTTP] 2.2.1.1). */
export function nspiHasValueType(type: number): boolean {
  return type === T.PtypString || type === T.PtypString8 || type === T.PtypBinary || (type & MV_FLAG) !== 0;
}

function build(type: number, width: Width): Codec<unknown> | undefined {
  if (type & MV_FLAG) {
    const base = type & ~MV_FLAG;
    const elem0 = single(base, width);
    if (
      !elem0 ||
      base === T.PtypNull ||
      base === T.PtypObject ||
      base === T.PtypServerId ||
      base === T.PtypRestriction ||
      base === T.PtypRuleAction ||
      base === T.PtypErrorCode ||
      base === T.PtypBoolean
    )
      return undefined;
    // NSPI: each string/binary element has its own HasValue byte.
    const elem =
      width === 'nspi' && nspiHasValueType(base)
        ? hasValue(width === 'nspi' && base === T.PtypBinary ? countedBytes(4) : elem0)
        : elem0;
    const mv = countedArray(elem, propertyTypeName(type) ?? 'MultipleValue', 4);
    return width === 'nspi' ? hasValue(mv, mv.kind) : mv;
  }
  const c = single(type, width);
  if (!c) return undefined;
  return width === 'nspi' && nspiHasValueType(type) ? hasValue(c, c.kind) : c;
}

/**
 * The value of a property of known `type` ([MS-OXCDATA] 2.11.2.1 PropertyValue;
 * with width 'nspi' the [MS-OXCMAPIHTTP] 2.2.1.1 AddressBookPropertyValue).
 * A MultivalueInstance column type (0x2000 set) decodes as the single base type.
 * PtypUnspecified reads a TypedPropertyValue (the value names its own type);
 * unknown types give an error node (their size cannot be known).
 */
export function propertyValue(type: number, opts: ValueOptions = {}): Codec<unknown> {
  const width = opts.width ?? 'rop';
  let t = type & 0xffff;
  if (t & MVI_FLAG) t = t & ~(MVI_FLAG | MV_FLAG);
  const key = width === 'rop' ? t : t | 0x10000;
  const hit = cache.get(key);
  if (hit) return hit;
  // PtypUnspecified: the value carries its own type (a TypedPropertyValue, as gromox reads it);
  // nesting depth is capped because each level is wire-driven.
  if (t === T.PtypUnspecified) {
    const typed = lazy('TypedPropertyValue', () => typedPropertyValueCodec(width), 80);
    cache.set(key, typed);
    return typed;
  }
  const c =
    build(t, width) ??
    custom<unknown>(
      'PropertyValue',
      0,
      (r, name) => {
        throw new DecodeError(`${name}: unknown property type ${hex(t, 4)}; the value's size cannot be known`, r.pos);
      },
      () => {
        throw new Error(`cannot encode a value of property type ${hex(t, 4)}`);
      },
    );
  cache.set(key, c);
  return c;
}

/** A PropertyValue whose type is read from a sibling field at decode and encode time. */
export function valueOfType(pick: (s: Scope) => number, width: Width, kind = 'PropertyValue'): Codec<unknown> {
  return {
    kind,
    minSize: 0,
    decode(r, name, scope, env) {
      return propertyValue(pick(scope), { width }).decode(r, name, scope, env);
    },
    encode(w, v, scope, env) {
      propertyValue(pick(scope), { width }).encode(w, v, scope, env);
    },
  };
}

// ---------------------------------------------------------------------------
// Wrappers (2.11.3 – 2.11.6)

const wrapperCache = new Map<string, Codec<StructValue>>();
function memo(key: string, make: () => Codec<StructValue>): Codec<StructValue> {
  let c = wrapperCache.get(key);
  if (!c) wrapperCache.set(key, (c = make()));
  return c;
}

/** [MS-OXCDATA] 2.11.4 TaggedPropertyValue: PropertyTag, PropertyValue. */
export function taggedPropertyValueCodec(width: Width = 'rop'): Codec<StructValue> {
  return memo(`tagged:${width}`, () =>
    struct(
      'TaggedPropertyValue',
      [
        field('PropertyTag', width === 'rop' ? propertyTag : nspiPropertyTag),
        field(
          'PropertyValue',
          valueOfType((s) => tagType(s.num('PropertyTag')), width),
        ),
      ],
      { summary: (v) => describeTag(v.PropertyTag as number, width) },
    ),
  );
}

/** [MS-OXCDATA] 2.11.3 TypedPropertyValue: PropertyType, PropertyValue. */
export function typedPropertyValueCodec(width: Width = 'rop'): Codec<StructValue> {
  return memo(`typed:${width}`, () =>
    struct('TypedPropertyValue', [
      field('PropertyType', propertyTypeField),
      field(
        'PropertyValue',
        valueOfType((s) => s.num('PropertyType'), width),
      ),
    ]),
  );
}

export const FlaggedFlag = { Value: 0x00, NotFound: 0x01, Error: 0x0a } as const;
const flagField = leaf<number>(
  'Flag',
  1,
  (r) => {
    const at = r.pos;
    const v = r.u8();
    if (v !== 0x00 && v !== 0x01 && v !== 0x0a)
      throw new DecodeError(`Flag must be 0x00, 0x01 or 0x0A, found ${hex(v, 2)}`, at);
    return v;
  },
  (w, v) => w.u8(v),
  (v) => (v === 0 ? 'value follows (0x00)' : v === 1 ? 'not found, no value (0x01)' : 'error code follows (0x0A)'),
);

/**
 * [MS-OXCDATA] 2.11.5 FlaggedPropertyValue for a column of `type`; for a
 * PtypUnspecified column the 2.11.6 FlaggedPropertyValueWithType.
 */
export function flaggedPropertyValue(type: number, opts: ValueOptions = {}): Codec<StructValue> {
  const width = opts.width ?? 'rop';
  const t = type & 0xffff;
  if (t === T.PtypUnspecified) return flaggedPropertyValueWithType(opts);
  return memo(`flagged:${width}:${t}`, () =>
    struct('FlaggedPropertyValue', [
      field('Flag', flagField),
      field('PropertyValue', propertyValue(t, { width }), { when: (s) => s.num('Flag') === 0 }),
      field('ErrorCode', errorCode, { when: (s) => s.num('Flag') === 0x0a }),
    ]),
  );
}

/** [MS-OXCDATA] 2.11.6 FlaggedPropertyValueWithType. */
export function flaggedPropertyValueWithType(opts: ValueOptions = {}): Codec<StructValue> {
  const width = opts.width ?? 'rop';
  return memo(`flaggedtyped:${width}`, () =>
    struct('FlaggedPropertyValueWithType', [
      field('PropertyType', propertyTypeField),
      field('Flag', flagField),
      field(
        'PropertyValue',
        valueOfType((s) => s.num('PropertyType'), width),
        { when: (s) => s.num('Flag') === 0 },
      ),
      field('ErrorCode', errorCode, { when: (s) => s.num('Flag') === 0x0a }),
    ]),
  );
}

/** TaggedPropertyValue in ROP context. */
export const taggedPropertyValue: Codec<StructValue> = lazy('TaggedPropertyValue', () =>
  taggedPropertyValueCodec('rop'),
);
/** TypedPropertyValue in ROP context. */
export const typedPropertyValue: Codec<StructValue> = lazy('TypedPropertyValue', () => typedPropertyValueCodec('rop'));

/** `count` TaggedPropertyValues; `count` is a field name (e.g. "PropertyValueCount") or number. */
export function taggedPropertyValueArray(
  countField: string | number | ((s: Scope, env: DecodeEnv) => number),
  width: Width = 'rop',
): Codec<StructValue[]> {
  return array(
    lazy('TaggedPropertyValue', () => taggedPropertyValueCodec(width)),
    countField,
    { item: 'TaggedPropertyValue' },
  );
}

// ---------------------------------------------------------------------------
// Rows (2.8.1, 2.8.2)

export type ColumnsSpec = readonly number[] | ((s: Scope, env: DecodeEnv) => readonly number[] | undefined);

/** Text of the node that stands for row bytes whose columns are not known. */
export const NO_COLUMNS = 'context unavailable: no columns for this table';

function resolveColumns(spec: ColumnsSpec, s: Scope, env: DecodeEnv | EncodeEnv): readonly number[] | undefined {
  return typeof spec === 'function' ? spec(s, env as DecodeEnv) : spec;
}

/** Column type as the row carries it: MultivalueInstance columns hold one value of the base type. */
export function rowValueType(tag: number): number {
  const t = tag & 0xffff;
  return t & MVI_FLAG ? t & ~(MVI_FLAG | MV_FLAG) : t;
}

const columnNames = new Map<number, string>();
/** Name of a row column's node: the tag's name ("PidTagDisplayName"), or its hex form when unnamed. */
export function columnNodeName(tag: number, width: Width): string {
  const key = width === 'rop' ? tag >>> 0 : -1 - (tag >>> 0);
  let n = columnNames.get(key);
  if (n === undefined) {
    const d = describeTag(tag, width);
    const i = d.indexOf(' (');
    n = d.startsWith('0x') ? hex(tag, 8) : i > 0 ? d.slice(0, i) : d;
    if (columnNames.size < 8192) columnNames.set(key, n);
  }
  return n;
}

interface RowPlan {
  names: string[];
  standard: Codec<unknown>[];
  flagged: Codec<unknown>[];
}
/** Per column list (the same array for every row of a table): node names and value codecs. */
const plans = new WeakMap<readonly number[], { rop?: RowPlan; nspi?: RowPlan }>();
function rowPlan(cols: readonly number[], width: Width): RowPlan {
  let e = plans.get(cols);
  if (!e) plans.set(cols, (e = {}));
  let p = e[width];
  if (!p) {
    p = { names: [], standard: [], flagged: [] };
    for (const tag of cols) {
      const t = rowValueType(tag);
      p.names.push(columnNodeName(tag, width));
      // StandardPropertyRow: PropertyValue, or TypedPropertyValue for a PtypUnspecified column.
      p.standard.push(propertyValue(t, { width }));
      // FlaggedPropertyRow: FlaggedPropertyValue[WithType].
      p.flagged.push(flaggedPropertyValue(t, { width }));
    }
    e[width] = p;
  }
  return p;
}

/** Value of a row whose columns were unknown; re-encoded as its raw bytes. */
export interface UnknownRow {
  contextUnavailable: string;
  Raw: Uint8Array;
}

/**
 * Raw bytes to the end of the window, shown as an explicit
 * "context unavailable" child: never a guessed layout.
 */
export function contextUnavailable(kind: string, reason: string): Codec<UnknownRow> {
  return custom<UnknownRow>(
    kind,
    0,
    (r, name) => {
      const start = r.pos;
      const raw = r.take(r.remaining);
      return {
        value: { contextUnavailable: reason, Raw: raw },
        node: {
          name,
          offset: start,
          length: raw.length,
          display: reason,
          children: [
            {
              name: 'ContextUnavailable',
              value: raw,
              display: `${reason} (${raw.length} bytes)`,
              offset: start,
              length: raw.length,
            },
          ],
        },
      };
    },
    (w, v) => {
      w.bytes(v.Raw);
    },
  );
}

/**
 * [MS-OXCDATA] 2.8.1 PropertyRow: StandardPropertyRow (Flag 0x00) or
 * FlaggedPropertyRow (0x01) over `columns`. Value: { Flag, ValueArray } —
 * ValueArray holds, per column, the PropertyValue (standard), a
 * TypedPropertyValue (standard, PtypUnspecified column) or a
 * FlaggedPropertyValue[WithType] (flagged). Without columns: an UnknownRow.
 */
export function propertyRow(columns: ColumnsSpec, opts: ValueOptions = {}): Codec<StructValue | UnknownRow> {
  const width = opts.width ?? 'rop';
  const unknown = contextUnavailable('PropertyRow', NO_COLUMNS);
  return custom<StructValue | UnknownRow>(
    'PropertyRow',
    0,
    (r, name, scope, env) => {
      const cols = resolveColumns(columns, scope, env);
      if (!cols) return unknown.decode(r, name, scope, env);
      if (!env.tree) return rowValues(r, cols, width, scope, env);
      const start = r.pos;
      const node: DecodedNode = { name, offset: start, length: 0, children: [] };
      const values: unknown[] = [];
      let flag = -1;
      try {
        flag = r.u8();
        node.children!.push({
          name: 'Flag',
          value: flag,
          offset: start,
          length: 1,
          display: flag === 0 ? 'StandardPropertyRow (0x00)' : flag === 1 ? 'FlaggedPropertyRow (0x01)' : hex(flag, 2),
        });
        if (flag !== 0 && flag !== 1) {
          // The error leaf must be in the partial tree, or the failure is lost (codec failure model).
          const bad = new DecodeError(`PropertyRow Flag must be 0x00 or 0x01, found ${hex(flag, 2)}`, r.pos);
          node.children!.push(errorLeaf('ValueArray', bad, r.end));
          throw bad;
        }
        const plan = rowPlan(cols, width);
        const codecs = flag === 1 ? plan.flagged : plan.standard;
        for (let i = 0; i < cols.length; i++) {
          const at = r.pos;
          try {
            const d = codecs[i]!.decode(r, plan.names[i]!, scope, env);
            values.push(d.value);
            node.children!.push(d.node);
          } catch (err) {
            const e = asDecodeError(err, at);
            node.children!.push(e.partial ?? errorLeaf(plan.names[i]!, e, r.end));
            throw e;
          }
        }
      } catch (err) {
        const e = asDecodeError(err, start);
        if (node.children!.length === 0) node.children!.push(errorLeaf('Flag', e, r.end));
        let end = r.pos;
        for (const c of node.children!) end = Math.max(end, c.offset + c.length);
        node.length = end - start;
        e.partial = node;
        throw e;
      }
      node.length = r.pos - start;
      node.display = `${flag === 1 ? 'FlaggedPropertyRow' : 'StandardPropertyRow'}, ${cols.length} column${cols.length === 1 ? '' : 's'}`;
      return { value: rowValue(flag, values, cols, width), node };
    },
    (w, v, scope, env) => {
      if ('Raw' in v && (v as UnknownRow).Raw instanceof Uint8Array && !('ValueArray' in v)) {
        w.bytes((v as UnknownRow).Raw);
        return;
      }
      const cols = resolveColumns(columns, scope, env);
      if (!cols) throw new Error('PropertyRow: cannot encode without columns');
      const sv = v as StructValue;
      const flag = sv.Flag as number;
      const vals = sv.ValueArray as unknown[];
      if (vals.length !== cols.length) throw new Error(`PropertyRow: ${vals.length} values for ${cols.length} columns`);
      w.u8(flag);
      const plan = rowPlan(cols, width);
      const codecs = flag === 1 ? plan.flagged : plan.standard;
      cols.forEach((_tag, i) => codecs[i]!.encode(w, vals[i], scope, env));
    },
  );
}

/** `propertyRow`'s decode in values-only mode: the same value, or the same failure, without nodes. */
function rowValues(
  r: Reader,
  cols: readonly number[],
  width: Width,
  scope: Scope,
  env: DecodeEnv,
): { value: StructValue; node: DecodedNode } {
  const flag = r.u8();
  if (flag !== 0 && flag !== 1)
    throw new DecodeError(`PropertyRow Flag must be 0x00 or 0x01, found ${hex(flag, 2)}`, r.pos);
  const plan = rowPlan(cols, width);
  const codecs = flag === 1 ? plan.flagged : plan.standard;
  const values: unknown[] = [];
  for (let i = 0; i < cols.length; i++) values.push(codecs[i]!.decode(r, plan.names[i]!, scope, env).value);
  return { value: rowValue(flag, values, cols, width), node: NO_NODE };
}

/** The columns (and tag naming) each decoded row was read with, for readers of values alone (the filter index). */
export const ROW_COLUMNS = new WeakMap<object, { readonly columns: readonly number[]; readonly width: Width }>();

function rowValue(flag: number, values: unknown[], columns: readonly number[], width: Width): StructValue {
  const v = { Flag: flag, ValueArray: values };
  ROW_COLUMNS.set(v, { columns, width });
  return v;
}

/** [MS-OXCDATA] 2.8.2 PropertyRowSet: RowCount(u16) then rows. */
export function propertyRowSet(columns: ColumnsSpec, opts: ValueOptions = {}): Codec<StructValue> {
  const row = propertyRow(columns, opts);
  return struct('PropertyRowSet', [
    field('RowCount', u16, { derive: (v) => (v.Rows as unknown[]).length }),
    field('Rows', array({ ...row, minSize: 1 }, 'RowCount', { item: 'PropertyRow' })),
  ]);
}

/** [MS-OXCDATA] 2.7 PropertyProblem (10 bytes). */
export const propertyProblem = struct(
  'PropertyProblem',
  [field('Index', u16), field('PropertyTag', propertyTag), field('ErrorCode', errorCode)],
  { summary: (v) => `#${v.Index as number} ${describeTag(v.PropertyTag as number)}` },
);

/** Encode a value standalone (for tests and tools). */
export function encodeValue(type: number, value: unknown, opts: ValueOptions = {}): Uint8Array {
  const w = new Writer();
  propertyValue(type, opts).encode(w, value, undefined as unknown as Scope, new EncodeEnv());
  return w.finish();
}

/** One Restriction ([MS-OXCDATA] 2.12) for a count width, over this file's tagged values. */
export const restrictionCodec = restrictionCodecOver(taggedPropertyValueCodec);
/** Restriction in ROP context. */
export const restriction: Codec<StructValue> = restrictionCodec('rop');
/** [MS-OXORULE] 2.2.5 RuleAction for a count width, over this file's tagged values. */
export const ruleActionCodec = ruleActionCodecOver(taggedPropertyValueCodec);
