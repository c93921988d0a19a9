/**
 * Field types of the filter language and how a literal of each type is read
 * and compared. Pure data and functions: the registry (registry.ts) says which
 * type a field has; the parser turns `field op literal` into a predicate on
 * one value of that field.
 */

/**
 * - number: integers in decimal or hex (`0x1F`), also 64-bit ones;
 * - enum / flags: a number whose values or bits have names (`names` / `bits`);
 * - error: an [MS-OXCDATA] 2.4 error code, by name (`ecNullObject`) or number;
 * - proptag: a property tag, by PidTag name or number;
 * - id: a Folder/Message ID ([MS-OXCDATA] 2.2.1.1) written `1-0x0D`;
 * - guid, time (FILETIME or epoch ms, written as an ISO date), string, bytes (hex), bool;
 * - duration (ms; `2s`, `500ms`), size (bytes; `10kb`);
 * - rop: a list of ROP names; value: any of the above, told by the value itself (property values).
 */
export type FieldType =
  | 'number'
  | 'enum'
  | 'flags'
  | 'error'
  | 'proptag'
  | 'id'
  | 'guid'
  | 'time'
  | 'string'
  | 'bytes'
  | 'bool'
  | 'duration'
  | 'size'
  | 'rop'
  | 'value';

/** One filterable field as the catalog describes it (JSON-safe: sent to the UI as is). */
export interface FieldInfo {
  /** Stable filter name, e.g. "RopOpenFolder.request.FolderId". */
  name: string;
  type: FieldType;
  description: string;
  /** Where it comes from: summary, http, mapi, session, body, rop, aux, prop. */
  layer: FieldLayer;
  /** enum: value → name. */
  names?: Readonly<Record<number, string>>;
  /** flags: name → bit. */
  bits?: Readonly<Record<string, number>>;
  /** Completion values for strings (request types, endpoints …). */
  values?: readonly string[];
  /** Other spellings accepted for the same field (the list filter's short names). */
  aliases?: readonly string[];
  /**
   * Concrete fields this name stands for (a ROP field without request/response,
   * a field common to many ROPs); absent: itself.
   */
  of?: readonly string[];
}

export type FieldLayer = 'summary' | 'http' | 'mapi' | 'session' | 'body' | 'rop' | 'aux' | 'prop';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'matches';

/** A predicate on one value of a field; values come as the decoders give them (number, bigint, string, bytes, id). */
export type ValueTest = (v: unknown) => boolean;

export interface IdLiteral {
  ReplicaId: number;
  GlobalCounter: number;
}

const FILETIME_EPOCH_MS = 11644473600000n;

/** Epoch ms of a FILETIME (100 ns ticks since 1601). */
export function filetimeToMs(v: bigint): number {
  return Number(v / 10000n - FILETIME_EPOCH_MS);
}

/** "1-0x0D", "1-0x00000000000D", "1-13" → an id; undefined when not one. */
export function parseId(s: string): IdLiteral | undefined {
  const m = /^(\d+|0x[0-9a-f]+)-(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (!m) return undefined;
  const r = Number(m[1]);
  const g = Number(m[2]);
  if (!Number.isSafeInteger(r) || !Number.isSafeInteger(g) || r > 0xffff || g > 0xffffffffffff) return undefined;
  return { ReplicaId: r, GlobalCounter: g };
}

export function isIdValue(v: unknown): v is IdLiteral {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as IdLiteral).ReplicaId === 'number' &&
    typeof (v as IdLiteral).GlobalCounter === 'number'
  );
}

/** Canonical text of a value for keys and display: ids as "1-0x0D", bytes as hex, GUIDs lower case. */
export function valueKey(v: unknown): string | number | bigint | boolean | undefined {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return hexOf(v);
  if (isIdValue(v)) return `${v.ReplicaId}-0x${v.GlobalCounter.toString(16).toUpperCase()}`;
  return undefined;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function hexOf(b: Uint8Array, max = 4096): string {
  let s = '';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) s += HEX[b[i]!];
  return s;
}

/** Integer literal: decimal, hex (0x…), negative decimal; bigint when beyond 2^53. */
export function parseInteger(s: string): number | bigint | undefined {
  const t = s.trim();
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  const neg = t.startsWith('-');
  const big = BigInt(neg ? t.slice(1) : t);
  const v = neg ? -big : big;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const u = (m[2] ?? 'ms').toLowerCase();
  return u === 's' ? n * 1000 : u === 'm' ? n * 60_000 : u === 'h' ? n * 3_600_000 : n;
}

export function parseSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(b|kb|k|mb|m|gb|g)?$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const u = (m[2] ?? 'b').toLowerCase();
  return u.startsWith('k') ? n * 1024 : u.startsWith('m') ? n * 1024 * 1024 : u.startsWith('g') ? n * 1024 ** 3 : n;
}

/** ISO date or date-time (UTC unless it says otherwise) → epoch ms. */
export function parseTime(s: string): number | undefined {
  const t = s.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return undefined;
  const iso = t.replace(' ', 'T');
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) || iso.length === 10 ? iso : iso + 'Z');
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseGuid(s: string): string | undefined {
  const m = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i.exec(s.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

export function parseBool(s: string): boolean | undefined {
  const t = s.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(t)) return true;
  if (['false', 'no', '0'].includes(t)) return false;
  return undefined;
}

export function parseHexBytes(s: string): string | undefined {
  const t = s
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:-]/g, '')
    .toLowerCase();
  return /^([0-9a-f]{2})*$/.test(t) ? t : undefined;
}

/** A regular expression from the filter text; a leading `(?i)`-style group sets flags (JS has no inline flags). */
export function parseRegex(s: string): RegExp | string {
  let src = s;
  let flags = '';
  const m = /^\(\?([imsu]+)\)/.exec(src);
  if (m) {
    flags = [...new Set(m[1]!.split(''))].join('');
    src = src.slice(m[0].length);
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Names of a number-valued field (enum names, error names, ROP names …) resolved to numbers. */
export interface NameTables {
  errorByName(name: string): number | undefined;
  tagByName(name: string): number | undefined;
}

/** A number of a number-like field from its literal: digits, or a name the field (or its type) knows. */
export function numberLiteral(f: FieldInfo, text: string, tables: NameTables): number | bigint | undefined {
  const n = parseInteger(text);
  if (n !== undefined) return n;
  const t = text.trim();
  if (f.names) {
    const lower = t.toLowerCase();
    for (const [k, v] of Object.entries(f.names)) if (v.toLowerCase() === lower) return Number(k);
  }
  if (f.bits && t in f.bits) return f.bits[t];
  if (f.type === 'error') return tables.errorByName(t);
  if (f.type === 'proptag') return tables.tagByName(t);
  return undefined;
}

function cmp(a: number | bigint, b: number | bigint): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
  const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

function ordered(op: CompareOp, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return false;
  }
}

function asNumber(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Text of a value for `contains`/`matches` and string comparison. */
export function valueText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  const k = valueKey(v);
  return k === undefined ? undefined : String(k);
}

export type LiteralResult = { test: ValueTest } | { error: string };

/**
 * The predicate `value op literal` for a field of `f`'s type. `!=` is given
 * as `==` here: the evaluator negates it over the exchange (present, and no
 * value equal), as the list filter always did.
 */
export function compileComparison(f: FieldInfo, op: CompareOp, text: string, tables: NameTables): LiteralResult {
  const eq = op === '!=' ? '==' : op;
  if (op === 'matches') {
    const re = parseRegex(text);
    if (typeof re === 'string') return { error: `bad regular expression: ${re}` };
    return {
      test: (v) => {
        const s = valueText(v);
        return s !== undefined && re.test(s);
      },
    };
  }
  if (op === 'contains') return containsTest(f, text, tables);
  const ordering = eq !== '==';
  switch (f.type) {
    case 'number':
    case 'enum':
    case 'error':
    case 'proptag':
    case 'flags': {
      if (f.type === 'proptag' && parseInteger(text) === undefined) {
        // A tag name names the property id; the type half of the tag is left free.
        const id = tables.tagByName(text.trim());
        if (id === undefined) return { error: `"${text}" is not ${expectText(f)}` };
        return { test: (v) => typeof v === 'number' && ordered(eq, cmp(v >>> 16, id)) };
      }
      const n = numberLiteral(f, text, tables);
      if (n === undefined) return { error: `"${text}" is not ${expectText(f)}` };
      return {
        test: (v) => {
          const x = asNumber(v);
          if (x === undefined) return false;
          // ReturnValue and error codes are unsigned 32-bit.
          return ordered(eq, cmp(typeof x === 'number' && x < 0 && typeof n === 'number' && n > 0 ? x >>> 0 : x, n));
        },
      };
    }
    case 'duration':
    case 'size': {
      const n = f.type === 'duration' ? parseDuration(text) : parseSize(text);
      if (n === undefined)
        return {
          error: `"${text}" is not a ${f.type === 'duration' ? 'duration (e.g. 2s, 500ms)' : 'size (e.g. 10kb)'}`,
        };
      return { test: (v) => typeof v === 'number' && ordered(eq, cmp(v, n)) };
    }
    case 'time': {
      const ms =
        parseTime(text) ?? (typeof parseInteger(text) === 'number' ? (parseInteger(text) as number) : undefined);
      if (ms === undefined) return { error: `"${text}" is not a time (e.g. 2026-11-22T11:24:11Z)` };
      return {
        test: (v) => {
          const x = typeof v === 'bigint' ? filetimeToMs(v) : typeof v === 'number' ? v : undefined;
          return x !== undefined && ordered(eq, cmp(x, ms));
        },
      };
    }
    case 'id': {
      const id = parseId(text);
      if (!id) return { error: `"${text}" is not a folder or message id (e.g. 1-0x0D)` };
      return {
        test: (v) =>
          isIdValue(v) &&
          ordered(
            eq,
            v.ReplicaId !== id.ReplicaId ? v.ReplicaId - id.ReplicaId : cmp(v.GlobalCounter, id.GlobalCounter),
          ),
      };
    }
    case 'guid': {
      if (ordering) return { error: 'GUIDs can only be compared with == or !=' };
      const g = parseGuid(text);
      if (!g) return { error: `"${text}" is not a GUID (e.g. {c78618db-a67d-46d2-bf39-b9f8166302d6})` };
      return { test: (v) => typeof v === 'string' && v.toLowerCase() === g };
    }
    case 'bool': {
      const b = parseBool(text);
      if (b === undefined) return { error: `"${text}" is not true or false` };
      return { test: (v) => (v === true || v === 1) === b };
    }
    case 'bytes': {
      if (ordering) return { error: 'bytes can only be compared with ==, != or contains' };
      const h = parseHexBytes(text);
      if (h === undefined) return { error: `"${text}" is not hex bytes (e.g. 01 02 ab)` };
      return { test: (v) => v instanceof Uint8Array && hexOf(v) === h };
    }
    case 'rop': {
      if (ordering) return { error: 'ROP names can only be compared with ==, != or contains' };
      const w = normRop(text);
      return { test: (v) => typeof v === 'string' && normRop(v) === w };
    }
    case 'string': {
      const w = text.toLowerCase();
      return {
        test: (v) => {
          const s = valueText(v);
          if (s === undefined) return false;
          const l = s.toLowerCase();
          return ordering ? ordered(eq, l < w ? -1 : l > w ? 1 : 0) : l === w;
        },
      };
    }
    case 'value':
      return dynamicTest(eq, text, tables);
  }
}

function expectText(f: FieldInfo): string {
  if (f.type === 'error') return 'an error name or number (e.g. ecNullObject, 0x4B9)';
  if (f.type === 'proptag') return 'a property tag (e.g. PidTagDisplayName, 0x3001001F)';
  if (f.names) return `a number or one of ${Object.values(f.names).slice(0, 6).join(', ')}…`;
  if (f.bits) return `a number or a flag (${Object.keys(f.bits).slice(0, 6).join(', ')})`;
  return 'a number (decimal or 0x hex)';
}

/** Property values: the literal is read the way each value's own type asks. */
function dynamicTest(op: CompareOp, text: string, tables: NameTables): LiteralResult {
  const n = parseInteger(text) ?? tables.errorByName(text);
  const ms = parseTime(text);
  const g = parseGuid(text);
  const h = parseHexBytes(text);
  const b = parseBool(text);
  const id = parseId(text);
  const w = text.toLowerCase();
  return {
    test: (v) => {
      if (typeof v === 'string') {
        if (g !== undefined && v.length === 36) return op === '==' && v.toLowerCase() === g;
        const l = v.toLowerCase();
        return ordered(op, l < w ? -1 : l > w ? 1 : 0);
      }
      if (typeof v === 'boolean') return b !== undefined && op === '==' && v === b;
      if (typeof v === 'bigint' && ms !== undefined) return ordered(op, cmp(filetimeToMs(v), ms));
      if ((typeof v === 'number' || typeof v === 'bigint') && n !== undefined) return ordered(op, cmp(v, n));
      // PtypBoolean values decode as numbers (0 or 1).
      if (typeof v === 'number' && b !== undefined) return op === '==' && (v !== 0) === b;
      if (v instanceof Uint8Array) return h !== undefined && op === '==' && hexOf(v) === h;
      if (isIdValue(v) && id)
        return op === '==' && v.ReplicaId === id.ReplicaId && v.GlobalCounter === id.GlobalCounter;
      return false;
    },
  };
}

function containsTest(f: FieldInfo, text: string, tables: NameTables): LiteralResult {
  if (f.type === 'flags') {
    const bit = numberLiteral(f, text, tables);
    if (bit === undefined || typeof bit === 'bigint') return { error: `"${text}" is not ${expectText(f)}` };
    return { test: (v) => typeof v === 'number' && (v & bit) === bit && bit !== 0 };
  }
  if (f.type === 'bytes') {
    const h = parseHexBytes(text);
    if (h === undefined) return { error: `"${text}" is not hex bytes (e.g. 01 02 ab)` };
    return {
      test: (v) => {
        if (!(v instanceof Uint8Array)) return false;
        const s = hexOf(v);
        for (let i = s.indexOf(h); i >= 0; i = s.indexOf(h, i + 1)) if (i % 2 === 0) return true;
        return false;
      },
    };
  }
  if (f.type === 'rop') {
    const w = text.toLowerCase();
    return { test: (v) => typeof v === 'string' && v.toLowerCase().includes(w) };
  }
  const w = text.toLowerCase();
  return {
    test: (v) => {
      const s = valueText(v);
      return s !== undefined && s.toLowerCase().includes(w);
    },
  };
}

export function normRop(s: string): string {
  const l = s.toLowerCase();
  return l.startsWith('rop') ? l.slice(3) : l;
}
