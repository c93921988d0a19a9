/**
 * The filter language, after Wireshark's display filters:
 *
 *   rop == RopQueryRows and RopQueryRows.RowCount > 0
 *   ReturnValue == ecNullObject or not (http.status in {200, 401})
 *   prop.PidTagSubject matches "(?i)invoice"
 *   RopOpenFolder.request.FolderId == 1-0x0D
 *
 * Operators `== != < <= > >=`, `contains`, `matches` (a regular expression;
 * a leading `(?i)` sets its flags), `in {…}`, `and or not ( )` (also `&& || !`);
 * a field alone tests that it is present (a flag: that it is true). Terms side
 * by side are ANDed, and the list filter's short form keeps working:
 * `type:Execute|Bind -aborted latency>2s nspi` (`:` equals, `~` contains,
 * `a|b` either value, a leading `-` negates, a bare word searches the URL,
 * request type and ROP names).
 *
 * Parsing never throws: every problem is an error with the column (0-based
 * offset) it starts at, and the faulty term matches everything, so a filter
 * being typed never blanks the list.
 */
import { type CompareOp, type FieldInfo, type NameTables, type ValueTest, compileComparison } from './types.js';

/** What the parser needs to know about fields (see catalog.ts). */
export interface FieldResolver {
  /** The field a name stands for (aliases, `RopX.Field`, `http.header["…"]`, `prop.PidTag…` included). */
  resolve(name: string): FieldInfo | undefined;
  /** Close names, for "did you mean". */
  suggest(name: string): string[];
  readonly tables: NameTables;
}

export type FilterNode =
  | { kind: 'and' | 'or'; parts: FilterNode[] }
  | { kind: 'not'; part: FilterNode }
  | { kind: 'true' }
  | FieldTest
  | { kind: 'text'; word: string; at: number };

export interface FieldTest {
  kind: 'test';
  field: FieldInfo;
  /** 'exists': present (for a bool: true); '!=': present and no value equal; otherwise any value passes one of `tests`. */
  op: CompareOp | 'exists' | 'in';
  tests: ValueTest[];
  at: number;
  /** The source text of the term. */
  text: string;
}

export interface FilterError {
  /** 0-based offset in the filter text. */
  at: number;
  message: string;
}

export interface ParsedFilter {
  root: FilterNode;
  errors: FilterError[];
  /** Every field test, in source order (for highlighting and for telling which fields a filter reads). */
  tests: FieldTest[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'matches']);
const SYMBOL_OPS = ['==', '!=', '<=', '>=', '<', '>', '='] as const;
/** Operators of the list filter's short form, written against the name (`code!=0`, `type:Execute`). */
const SHORT_OPS = ['!=', '>=', '<=', ':', '=', '>', '<', '~'] as const;
/** Fields whose `:` means "contains" in the short form (as it always did). */
const SHORT_CONTAINS = new Set(['url', 'host', 'client']);

class Parser {
  pos = 0;
  readonly errors: FilterError[] = [];
  readonly tests: FieldTest[] = [];
  constructor(
    readonly src: string,
    readonly fields: FieldResolver,
  ) {}

  error(at: number, message: string): FilterNode {
    this.errors.push({ at, message });
    return { kind: 'true' };
  }

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  peekWord(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    return m?.[0];
  }

  /** A keyword at the caret (followed by a non-name character). */
  atKeyword(...words: string[]): string | undefined {
    const w = this.peekWord();
    if (!w) return undefined;
    const lw = w.toLowerCase();
    if (!words.includes(lw)) return undefined;
    const next = this.src[this.pos + w.length];
    if (next !== undefined && /[A-Za-z0-9_.[:~=<>!]/.test(next)) return undefined;
    return lw;
  }

  parse(): FilterNode {
    this.ws();
    if (this.pos >= this.src.length) return { kind: 'true' };
    const e = this.orExpr();
    this.ws();
    if (this.pos < this.src.length) {
      const at = this.pos;
      this.pos = this.src.length;
      return { kind: 'and', parts: [e, this.error(at, `unexpected "${this.src.slice(at, at + 20)}"`)] };
    }
    return e;
  }

  orExpr(): FilterNode {
    const parts = [this.andExpr()];
    for (;;) {
      this.ws();
      if (this.src.startsWith('||', this.pos)) this.pos += 2;
      else if (this.atKeyword('or')) this.pos += 2;
      else break;
      parts.push(this.andExpr());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  }

  andExpr(): FilterNode {
    const parts = [this.unary()];
    for (;;) {
      this.ws();
      if (this.pos >= this.src.length || this.src[this.pos] === ')' || this.src.startsWith('||', this.pos)) break;
      if (this.atKeyword('or')) break;
      if (this.src.startsWith('&&', this.pos)) this.pos += 2;
      else if (this.atKeyword('and')) this.pos += 3;
      // Otherwise terms side by side (the short form): ANDed too.
      const before = this.pos;
      parts.push(this.unary());
      if (this.pos === before) break;
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  }

  unary(): FilterNode {
    this.ws();
    const at = this.pos;
    if (this.atKeyword('not')) {
      this.pos += 3;
      return { kind: 'not', part: this.unary() };
    }
    const c = this.src[this.pos];
    if (
      (c === '!' && this.src[this.pos + 1] !== '=') ||
      (c === '-' && /[A-Za-z_"]/.test(this.src[this.pos + 1] ?? ''))
    ) {
      this.pos++;
      return { kind: 'not', part: this.unary() };
    }
    if (c === '(') {
      this.pos++;
      const e = this.orExpr();
      this.ws();
      if (this.src[this.pos] !== ')') return { kind: 'and', parts: [e, this.error(at, 'unclosed "("')] };
      this.pos++;
      return e;
    }
    if (c === undefined) return this.error(at, 'expected a field or a value');
    if (c === ')') {
      this.pos++;
      return this.error(at, 'unexpected ")"');
    }
    return this.term();
  }

  /** A field name: words joined by dots, each part optionally followed by ["…"] subscripts. */
  fieldName(): string | undefined {
    const start = this.pos;
    const re = /^[A-Za-z_][A-Za-z0-9_]*(\["(?:[^"\\]|\\.)*"\])*(\.[A-Za-z0-9_]+(\["(?:[^"\\]|\\.)*"\])*)*/;
    const m = re.exec(this.src.slice(start));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  term(): FilterNode {
    const at = this.pos;
    if (this.src[at] === '"') {
      const s = this.quoted();
      if (s === undefined) return this.error(at, 'unterminated string');
      return { kind: 'text', word: s, at };
    }
    const name = this.fieldName();
    if (name === undefined) {
      // Not a name: a bare word of the short form (an id, a URL piece …).
      const m = /^[^\s()]+/.exec(this.src.slice(at))!;
      this.pos += m[0].length;
      return { kind: 'text', word: m[0], at };
    }
    // The short form: the operator is written against the name.
    const short = SHORT_OPS.find((o) => this.src.startsWith(o, this.pos));
    if (short && !this.src.startsWith('==', this.pos)) return this.shortTerm(name, short, at);
    const afterName = this.pos;
    this.ws();
    const sym = SYMBOL_OPS.find((o) => this.src.startsWith(o, this.pos));
    const kw = sym ? undefined : this.atKeyword('contains', 'matches', 'in');
    const field = this.fields.resolve(name);
    if (!sym && !kw) {
      this.pos = afterName;
      if (field && !(field.layer === 'summary' && field.type !== 'bool' && !name.includes('.'))) {
        const t: FieldTest = { kind: 'test', field, op: 'exists', tests: [], at, text: name };
        this.tests.push(t);
        return t;
      }
      if (name.includes('.') || name.includes('[')) return this.unknown(name, at);
      return { kind: 'text', word: name, at };
    }
    if (!field) {
      this.skipValue();
      return this.unknown(name, at);
    }
    if (kw === 'in') {
      this.pos += 2;
      return this.inSet(field, at);
    }
    const op: CompareOp = sym === '=' ? '==' : ((sym ?? kw) as CompareOp);
    this.pos += (sym ?? kw)!.length;
    this.ws();
    const vAt = this.pos;
    const value = this.value();
    if (value === undefined) return this.error(vAt, `${name}: missing value after ${op}`);
    return this.comparison(field, op, [value], at, vAt, name);
  }

  unknown(name: string, at: number): FilterNode {
    const s = this.fields.suggest(name);
    return this.error(at, `unknown field "${name}"${s.length ? ` (did you mean ${s.slice(0, 3).join(', ')}?)` : ''}`);
  }

  shortTerm(name: string, op: (typeof SHORT_OPS)[number], at: number): FilterNode {
    this.pos += op.length;
    const vAt = this.pos;
    const raw = this.src[this.pos] === '"' ? this.quoted() : this.rawValue();
    const field = this.fields.resolve(name);
    if (!field) return this.unknown(name, at);
    const values = (raw ?? '').split('|').filter((v) => v.length > 0);
    if (values.length === 0) return this.error(vAt, `${name}: missing value`);
    const cop: CompareOp =
      op === '~' || (op === ':' && SHORT_CONTAINS.has(field.name)) ? 'contains' : op === ':' || op === '=' ? '==' : op;
    return this.comparison(field, cop, values, at, vAt, name);
  }

  comparison(
    field: FieldInfo,
    op: CompareOp,
    values: string[],
    at: number,
    vAt: number,
    typed = field.name,
  ): FilterNode {
    const tests: ValueTest[] = [];
    for (const v of values) {
      const r = compileComparison(field, op, v, this.fields.tables);
      if ('error' in r) return this.error(vAt, `${typed}: ${r.error}`);
      tests.push(r.test);
    }
    const t: FieldTest = { kind: 'test', field, op, tests, at, text: this.src.slice(at, this.pos) };
    this.tests.push(t);
    return t;
  }

  inSet(field: FieldInfo, at: number): FilterNode {
    this.ws();
    if (this.src[this.pos] !== '{') return this.error(this.pos, 'expected "{" after in');
    this.pos++;
    const tests: ValueTest[] = [];
    for (;;) {
      this.ws();
      if (this.src[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.src[this.pos] === '}') {
        this.pos++;
        break;
      }
      if (this.pos >= this.src.length) return this.error(at, 'unclosed "{"');
      const vAt = this.pos;
      const v = this.value(true);
      if (v === undefined) return this.error(vAt, 'expected a value');
      const r = compileComparison(field, '==', v, this.fields.tables);
      if ('error' in r) {
        this.skipTo('}');
        return this.error(vAt, `${field.name}: ${r.error}`);
      }
      tests.push(r.test);
    }
    if (tests.length === 0) return this.error(at, 'empty set');
    const t: FieldTest = { kind: 'test', field, op: 'in', tests, at, text: this.src.slice(at, this.pos) };
    this.tests.push(t);
    return t;
  }

  skipTo(ch: string): void {
    const i = this.src.indexOf(ch, this.pos);
    this.pos = i < 0 ? this.src.length : i + 1;
  }

  skipValue(): void {
    this.ws();
    const sym = SYMBOL_OPS.find((o) => this.src.startsWith(o, this.pos));
    const kw = this.atKeyword('contains', 'matches', 'in');
    if (sym) this.pos += sym.length;
    else if (kw) this.pos += kw.length;
    this.ws();
    if (kw === 'in') this.skipTo('}');
    else this.value();
  }

  quoted(): string | undefined {
    let i = this.pos + 1;
    let out = '';
    while (i < this.src.length && this.src[i] !== '"') {
      if (this.src[i] === '\\' && i + 1 < this.src.length) {
        out += this.src[i + 1];
        i += 2;
      } else out += this.src[i++];
    }
    if (i >= this.src.length) {
      this.pos = this.src.length;
      return undefined;
    }
    this.pos = i + 1;
    return out;
  }

  rawValue(inSet = false): string {
    const stop = inSet ? /[\s(),{}]/ : /[\s()]/;
    const start = this.pos;
    while (this.pos < this.src.length && !stop.test(this.src[this.pos]!)) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** A literal: "quoted", {GUID}, or a word (number, name, id, time …). */
  value(inSet = false): string | undefined {
    const c = this.src[this.pos];
    if (c === undefined) return undefined;
    if (c === '"') return this.quoted();
    if (c === '{' && !inSet) {
      const end = this.src.indexOf('}', this.pos);
      if (end > 0) {
        const v = this.src.slice(this.pos, end + 1);
        this.pos = end + 1;
        return v;
      }
    }
    const v = this.rawValue(inSet);
    if (!v || (!inSet && KEYWORDS.has(v.toLowerCase()) && v.toLowerCase() !== 'in')) {
      if (v) this.pos -= v.length;
      return undefined;
    }
    return v;
  }
}

export function parseFilterExpression(src: string, fields: FieldResolver): ParsedFilter {
  const p = new Parser(src, fields);
  let root: FilterNode;
  try {
    root = p.parse();
  } catch (e) {
    // A parser bug must not take the caller down: report it at the caret.
    p.errors.push({ at: p.pos, message: `internal parser failure: ${e instanceof Error ? e.message : String(e)}` });
    root = { kind: 'true' };
  }
  return { root, errors: p.errors, tests: p.tests };
}
