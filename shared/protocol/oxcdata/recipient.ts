/**
 * [MS-OXCDATA] 2.8.3 RecipientRow and RecipientFlags. The recipient
 * property columns come from context (RecipientColumns of the ROP), passed
 * in like propertyRow's columns.
 */
import {
  type Codec,
  type DecodeEnv,
  type Scope,
  type StructValue,
  asciiZ,
  bytes,
  custom,
  hex,
  enumOf,
  field,
  struct,
  u16,
  u8,
  utf16Z,
} from '../../codec/index.js';
import { string8Z } from './codepage.js';
import { type ColumnsSpec, type ValueOptions, NO_COLUMNS, propertyRow } from './values.js';

export const RecipientFlagBits = {
  R: 0x0080,
  S: 0x0040,
  T: 0x0020,
  D: 0x0010,
  E: 0x0008,
  O: 0x8000,
  I: 0x0400,
  U: 0x0200,
  N: 0x0100,
} as const;

/** 2.8.3.1 Type subfield (bits 0x0007). */
export const RecipientAddressType: Readonly<Record<number, string>> = {
  0: 'NoType',
  1: 'X500DN',
  2: 'MsMail',
  3: 'SMTP',
  4: 'Fax',
  5: 'ProfessionalOfficeSystem',
  6: 'PersonalDistributionList1',
  7: 'PersonalDistributionList2',
};

const FLAG_WORDS: Record<string, number> = {
  Responsibility: 0x0080,
  SameAsDisplayName: 0x0040,
  TransmittableDisplayName: 0x0020,
  DisplayName: 0x0010,
  EmailAddress: 0x0008,
  NonStandard: 0x8000,
  SimpleDisplayName: 0x0400,
  Unicode: 0x0200,
  NonRich: 0x0100,
};

export const recipientFlags: Codec<number> = {
  ...u16,
  kind: 'RecipientFlags',
  decode(r, name, scope, env) {
    const d = u16.decode(r, name, scope, env);
    const t = d.value & 7;
    const names = Object.entries(FLAG_WORDS)
      .filter(([, b]) => (d.value & b) !== 0)
      .map(([n]) => n);
    const rest = d.value & ~7 & ~Object.values(FLAG_WORDS).reduce((a, b) => a | b, 0);
    if (rest) names.push(`reserved ${hex(rest, 4)}`);
    d.node.display = `${hex(d.value, 4)}: Type ${RecipientAddressType[t]} (${t})${names.length ? ', ' + names.join(' | ') : ''}`;
    return d;
  },
};

const flags = (s: Scope) => s.num('RecipientFlags');
const typeOf = (s: Scope) => flags(s) & 7;
const has = (bit: number) => (s: Scope) => (flags(s) & bit) !== 0;

/** ASCIIZ or UTF16Z by the U bit of RecipientFlags. */
const recipientString: Codec<string> = custom<string>(
  'string',
  1,
  (r, name, scope, env) => (has(RecipientFlagBits.U)(scope) ? utf16Z : string8Z).decode(r, name, scope, env),
  (w, v, scope, env) => (has(RecipientFlagBits.U)(scope) ? utf16Z : string8Z).encode(w, v, scope, env),
);

/**
 * RecipientRow ([MS-OXCDATA] 2.8.3.2). `columns` are the RecipientColumns;
 * RecipientProperties covers the first RecipientColumnCount of them. When the
 * columns are unknown, RecipientProperties is an explicit "context
 * unavailable" node holding the remaining bytes of the window.
 */
export function recipientRow(columns: ColumnsSpec, opts: ValueOptions = {}): Codec<StructValue> {
  const rowCols = (s: Scope, env: DecodeEnv): readonly number[] | undefined => {
    const all = typeof columns === 'function' ? columns(s, env) : columns;
    if (!all) return undefined;
    const n = s.num('RecipientColumnCount');
    return all.slice(0, n);
  };
  return struct(
    'RecipientRow',
    [
      field('RecipientFlags', recipientFlags),
      field('AddressPrefixUsed', u8, { when: (s) => typeOf(s) === 1 }),
      field(
        'DisplayType',
        enumOf(u8, {
          0: 'messaging user',
          1: 'distribution list',
          2: 'forum',
          3: 'automated agent',
          4: 'address book',
          5: 'private distribution list',
          6: 'remote address book',
        }),
        { when: (s) => typeOf(s) === 1 },
      ),
      field('X500DN', asciiZ, { when: (s) => typeOf(s) === 1 }),
      field('EntryIdSize', u16, {
        when: (s) => typeOf(s) === 6 || typeOf(s) === 7,
        derive: (v) => (v.EntryId as Uint8Array).length,
      }),
      field('EntryId', bytes('EntryIdSize'), { when: (s) => typeOf(s) === 6 || typeOf(s) === 7 }),
      field('SearchKeySize', u16, {
        when: (s) => typeOf(s) === 6 || typeOf(s) === 7,
        derive: (v) => (v.SearchKey as Uint8Array).length,
      }),
      field('SearchKey', bytes('SearchKeySize'), { when: (s) => typeOf(s) === 6 || typeOf(s) === 7 }),
      field('AddressType', asciiZ, { when: (s) => typeOf(s) === 0 && has(RecipientFlagBits.O)(s) }),
      field('EmailAddress', recipientString, { when: has(RecipientFlagBits.E) }),
      field('DisplayName', recipientString, { when: has(RecipientFlagBits.D) }),
      field('SimpleDisplayName', recipientString, { when: has(RecipientFlagBits.I) }),
      field('TransmittableDisplayName', recipientString, { when: has(RecipientFlagBits.T) }),
      field('RecipientColumnCount', u16),
      field('RecipientProperties', propertyRow(rowCols, opts)),
    ],
    {
      summary: (v) =>
        (v.DisplayName as string | undefined) ??
        (v.EmailAddress as string | undefined) ??
        (v.X500DN as string | undefined),
    },
  );
}

export { NO_COLUMNS };
