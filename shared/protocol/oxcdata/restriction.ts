/**
 * [MS-OXCDATA] 2.12 restrictions and 2.13 sort orders.
 * Count widths: ROP buffers use u16 RestrictCount for And/Or; the NSPI
 * (MAPI/HTTP address book, extended rules) form uses u32, and its
 * TaggedValues are AddressBook values (HasValue bytes).
 */
import {
  type Codec,
  type FieldDef,
  type StructValue,
  DecodeError,
  array,
  custom,
  enumOf,
  field,
  flagsOf,
  hex,
  lazy,
  leaf,
  struct,
  u16,
  u32,
  u8,
} from '../../codec/index.js';
import { describeTag, nspiPropertyTag, propertyIdField, propertyTag, propertyTypeField } from './types.js';

export const RestrictType = {
  AndRestriction: 0x00,
  OrRestriction: 0x01,
  NotRestriction: 0x02,
  ContentRestriction: 0x03,
  PropertyRestriction: 0x04,
  ComparePropertiesRestriction: 0x05,
  BitMaskRestriction: 0x06,
  SizeRestriction: 0x07,
  ExistRestriction: 0x08,
  SubObjectRestriction: 0x09,
  CommentRestriction: 0x0a,
  CountRestriction: 0x0b,
} as const;
const RESTRICT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RestrictType).map(([k, v]) => [v, k]));

/** [MS-OXCDATA] 2.12.5 RelOp values. */
export const RelOp: Readonly<Record<number, string>> = {
  0x00: 'RELOP_LT',
  0x01: 'RELOP_LE',
  0x02: 'RELOP_GT',
  0x03: 'RELOP_GE',
  0x04: 'RELOP_EQ',
  0x05: 'RELOP_NE',
  0x06: 'RELOP_RE',
  0x64: 'RELOP_MEMBER_OF_DL',
};
const RELOP_SYM: Readonly<Record<number, string>> = {
  0: '<',
  1: '<=',
  2: '>',
  3: '>=',
  4: '==',
  5: '!=',
  6: '~=',
  0x64: 'member of',
};

/** [MS-OXCDATA] 2.12.4 FuzzyLevelLow / FuzzyLevelHigh. */
export const FuzzyLevelLow: Readonly<Record<number, string>> = {
  0x0000: 'FL_FULLSTRING',
  0x0001: 'FL_SUBSTRING',
  0x0002: 'FL_PREFIX',
};
export const FuzzyLevelHighBits = { FL_IGNORECASE: 0x0001, FL_IGNORENONSPACE: 0x0002, FL_LOOSE: 0x0004 } as const;

const hasValueByte = leaf<number>(
  'HasValue',
  1,
  (r) => {
    const at = r.pos;
    const v = r.u8();
    if (v !== 0 && v !== 0xff) throw new DecodeError(`presence byte must be 0x00 or 0xFF, found ${hex(v, 2)}`, at);
    return v;
  },
  (w, v) => w.u8(v),
  (v) => (v === 0 ? 'absent (0x00)' : 'present (0xFF)'),
);

const restrictTypeField = enumOf(u8, RESTRICT_NAMES, 'RestrictType');
const relOpField = enumOf(u8, RelOp, 'RelOp');

/** The TaggedPropertyValue codec for a count width (values.ts `taggedPropertyValueCodec`). */
export type TaggedValueCodecFor = (width: 'rop' | 'nspi') => Codec<StructValue>;

/**
 * `restrictionCodec(width)` over `taggedValue`: one Restriction ([MS-OXCDATA] 2.12) for
 * `width` ('rop' u16 And/Or counts, 'nspi' u32), built on first use; nesting is capped.
 */
export function restrictionCodecOver(taggedValue: TaggedValueCodecFor): (width?: 'rop' | 'nspi') => Codec<StructValue> {
  const built = new Map<string, Codec<StructValue>>();
  return (width = 'rop') => {
    let c = built.get(width);
    if (c) return c;
    const self: Codec<StructValue> = lazy(
      'Restriction',
      (): Codec<StructValue> => makeRestriction(width, self, taggedValue(width)),
      64,
    );
    c = self;
    built.set(width, c);
    return c;
  };
}

function makeRestriction(width: 'rop' | 'nspi', self: Codec<StructValue>, tpv: Codec<StructValue>): Codec<StructValue> {
  const countW = width === 'rop' ? u16 : u32;
  const tagC = width === 'rop' ? propertyTag : nspiPropertyTag;
  const rt = field('RestrictType', restrictTypeField);
  // NSPI over MAPI/HTTP: a presence byte (0xFF / 0x00) precedes the TaggedValue of
  // Property and Content restrictions (seen in Outlook's GetMatches; gromox EXT_FLAG_ABK).
  const taggedValue: FieldDef[] =
    width === 'nspi'
      ? [
          field('HasTaggedValue', hasValueByte, { derive: (v) => (v.TaggedValue === undefined ? 0 : 0xff) }),
          field('TaggedValue', tpv, { when: (s) => s.num('HasTaggedValue') !== 0 }),
        ]
      : [field('TaggedValue', tpv)];
  const andOr = (kind: string) =>
    struct(
      kind,
      [
        rt,
        field('RestrictCount', countW, { derive: (v) => (v.Restricts as unknown[]).length }),
        field('Restricts', array({ ...self, minSize: 1 }, 'RestrictCount', { item: 'Restriction' })),
      ],
      {
        summary: (v) => `${kind === 'AndRestriction' ? 'AND' : 'OR'} of ${(v.Restricts as unknown[]).length}`,
      },
    );
  const cases: Record<number, Codec<StructValue>> = {
    0x00: andOr('AndRestriction'),
    0x01: andOr('OrRestriction'),
    0x02: struct('NotRestriction', [rt, field('Restriction', self)], { summary: () => 'NOT' }),
    0x03: struct(
      'ContentRestriction',
      [
        rt,
        field('FuzzyLevelLow', enumOf(u16, FuzzyLevelLow)),
        field('FuzzyLevelHigh', flagsOf(u16, FuzzyLevelHighBits)),
        field('PropertyTag', tagC),
        ...taggedValue,
      ],
      {
        summary: (v) =>
          `${describeTag(v.PropertyTag as number, width)} ${FuzzyLevelLow[v.FuzzyLevelLow as number] ?? hex(v.FuzzyLevelLow as number, 4)}`,
      },
    ),
    0x04: struct('PropertyRestriction', [rt, field('RelOp', relOpField), field('PropTag', tagC), ...taggedValue], {
      summary: (v) => `${describeTag(v.PropTag as number, width)} ${RELOP_SYM[v.RelOp as number] ?? '?'} value`,
    }),
    0x05: struct(
      'ComparePropertiesRestriction',
      [rt, field('RelOp', relOpField), field('PropTag1', tagC), field('PropTag2', tagC)],
      {
        summary: (v) =>
          `${describeTag(v.PropTag1 as number, width)} ${RELOP_SYM[v.RelOp as number] ?? '?'} ${describeTag(v.PropTag2 as number, width)}`,
      },
    ),
    0x06: struct(
      'BitMaskRestriction',
      [
        rt,
        field('BitmapRelOp', enumOf(u8, { 0: 'BMR_EQZ', 1: 'BMR_NEZ' })),
        field('PropTag', tagC),
        field('Mask', u32),
      ],
      {
        summary: (v) =>
          `${describeTag(v.PropTag as number, width)} & ${hex(v.Mask as number, 8)} ${v.BitmapRelOp === 0 ? '== 0' : '!= 0'}`,
      },
    ),
    0x07: struct('SizeRestriction', [rt, field('RelOp', relOpField), field('PropTag', tagC), field('Size', u32)], {
      summary: (v) =>
        `size(${describeTag(v.PropTag as number, width)}) ${RELOP_SYM[v.RelOp as number] ?? '?'} ${v.Size as number}`,
    }),
    0x08: struct('ExistRestriction', [rt, field('PropTag', tagC)], {
      summary: (v) => `EXISTS ${describeTag(v.PropTag as number, width)}`,
    }),
    0x09: struct('SubObjectRestriction', [rt, field('Subobject', tagC), field('Restriction', self)], {
      summary: (v) => `SUBOBJECT ${describeTag(v.Subobject as number, width)}`,
    }),
    0x0a: struct('CommentRestriction', [
      rt,
      field('TaggedValuesCount', u8, { derive: (v) => (v.TaggedValues as unknown[]).length }),
      field('TaggedValues', array(tpv, 'TaggedValuesCount', { item: 'TaggedPropertyValue' })),
      field('RestrictionPresent', u8, { derive: (v) => (v.Restriction === undefined ? 0 : 1) }),
      field('Restriction', self, { when: (s) => s.num('RestrictionPresent') !== 0 }),
    ]),
    0x0b: struct('CountRestriction', [rt, field('Count', u32), field('SubRestriction', self)], {
      summary: (v) => `first ${v.Count as number} matching`,
    }),
  };
  return custom<StructValue>(
    'Restriction',
    1,
    (r, name, scope, env) => {
      const t = r.peekU8();
      if (t === undefined) throw new DecodeError(`${name}: needs 1 byte for RestrictType, none remain`, r.pos);
      const c = cases[t];
      if (!c) throw new DecodeError(`${name}: unknown RestrictType ${hex(t, 2)}`, r.pos);
      const d = c.decode(r, name, scope, env);
      d.node.display = `${RESTRICT_NAMES[t]}${d.node.display ? `: ${d.node.display}` : ''}`;
      return d;
    },
    (w, v, scope, env) => {
      const c = cases[v.RestrictType as number];
      if (!c) throw new Error(`Restriction: unknown RestrictType ${String(v.RestrictType)}`);
      c.encode(w, v, scope, env);
    },
  );
}

/** [MS-OXCDATA] 2.13.1 SortOrder (5 bytes). */
export const sortOrder = struct(
  'SortOrder',
  [
    field('PropertyType', propertyTypeField),
    field('PropertyId', propertyIdField),
    field(
      'Order',
      enumOf(
        u8,
        { 0x00: 'TABLE_SORT_ASCEND', 0x01: 'TABLE_SORT_DESCEND', 0x04: 'TABLE_SORT_MAXIMUM_CATEGORY' },
        'Order',
      ),
    ),
  ],
  {
    summary: (v) =>
      `${describeTag((((v.PropertyId as number) << 16) | (v.PropertyType as number)) >>> 0)} ${v.Order === 0 ? 'ascending' : v.Order === 1 ? 'descending' : 'max category'}`,
  },
);

/** [MS-OXCDATA] 2.13.2 SortOrderSet. */
export const sortOrderSet = struct('SortOrderSet', [
  field('SortOrderCount', u16, { derive: (v) => (v.SortOrders as unknown[]).length }),
  field('CategorizedCount', u16),
  field('ExpandedCount', u16),
  field('SortOrders', array(sortOrder, 'SortOrderCount', { item: 'SortOrder' })),
]);
