/**
 * Evaluating a parsed filter: on one exchange (its record and its decoded
 * fields), or on a whole capture at once through the field index built in the
 * session pass (field-index.ts), where each field test costs one look at the
 * field's distinct values instead of a decode per exchange.
 *
 * A test passes when any value of the field passes (Wireshark's "any"), `!=`
 * when the field is present and no value is equal (the list filter's
 * meaning), a field alone when it is present (a flag: when it is true).
 */
import type { RawHeader } from '../capture/exchange.js';
import {
  type FieldResolver,
  type FieldTest,
  type FilterNode,
  type ParsedFilter,
  parseFilterExpression,
} from './parse.js';
import { type ExchangeRecord, RECORD_FIELD_BY_NAME } from './record.js';
import type { FieldInfo } from './types.js';

/**
 * Index keys of a decoded or HTTP field (what `exchangeFields`/`decodedFields`
 * emit), or undefined for a field read from the exchange record.
 */
export function keysOf(f: FieldInfo): readonly string[] | undefined {
  if (f.layer === 'summary' || f.layer === 'mapi' || f.layer === 'session') return undefined;
  const m = /^(http\.header|http\.request\.header|http\.response\.header|http\.cookie|http\.setCookie)\[(.*)\]$/.exec(
    f.name,
  );
  if (m) {
    const key = (JSON.parse(m[2]!) as string).toLowerCase();
    if (m[1] === 'http.header') return [`http.request.header:${key}`, `http.response.header:${key}`];
    return [`${m[1]}:${key}`];
  }
  return f.of ?? [f.name];
}

/** The HTTP-level fields of an exchange under their index keys (headers and cookies by lower-case name). */
const REQUEST_KEYS = new Map<string, string>();
const RESPONSE_KEYS = new Map<string, string>();
/** The index key of a header name (lower case), remembered per spelling: a capture repeats a few dozen names. */
function headerKey(keys: Map<string, string>, prefix: string, name: string): string {
  let k = keys.get(name);
  if (k === undefined) {
    k = `${prefix}${name.toLowerCase()}`;
    if (keys.size < 4096) keys.set(name, k);
  }
  return k;
}

export function httpFields(
  headers: { request: readonly RawHeader[]; response?: readonly RawHeader[] | undefined },
  emit: (field: string, value: unknown) => void,
): void {
  for (const h of headers.request) {
    const key = headerKey(REQUEST_KEYS, 'http.request.header:', h.name);
    emit(key, h.value);
    if (key === 'http.request.header:cookie')
      for (const p of h.value.split(';')) {
        const eq = p.indexOf('=');
        if (eq > 0) emit(`http.cookie:${p.slice(0, eq).trim().toLowerCase()}`, p.slice(eq + 1).trim());
      }
  }
  for (const h of headers.response ?? []) {
    const key = headerKey(RESPONSE_KEYS, 'http.response.header:', h.name);
    emit(key, h.value);
    if (key === 'http.response.header:set-cookie') {
      const first = h.value.split(';', 1)[0]!;
      const eq = first.indexOf('=');
      if (eq > 0) emit(`http.setCookie:${first.slice(0, eq).trim().toLowerCase()}`, first.slice(eq + 1).trim());
    }
  }
}

/** Values of an exchange-record field (summary, transport facts, session). */
export function recordValues(f: FieldInfo, r: ExchangeRecord): readonly unknown[] {
  const rf = RECORD_FIELD_BY_NAME.get(f.name);
  if (!rf) return [];
  const v = rf.get(r);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Whether the values of one field pass a test. */
export function testValues(t: FieldTest, values: readonly unknown[]): boolean {
  if (values.length === 0) return false;
  if (t.op === 'exists') return t.field.type !== 'bool' || values.some((v) => v === true || v === 1);
  const any = values.some((v) => t.tests.some((fn) => fn(v)));
  return t.op === '!=' ? !any : any;
}

/** The list filter's bare word: URL, request type or a ROP name contains it. */
export function textMatches(word: string, r: ExchangeRecord): boolean {
  const w = word.toLowerCase();
  const url = r.summary?.url ?? r.facts?.url ?? '';
  const type = r.summary?.requestType ?? r.facts?.requestType ?? '';
  const rops = r.summary?.rops ?? r.facts?.ropNames ?? [];
  return (
    url.toLowerCase().includes(w) || type.toLowerCase().includes(w) || rops.some((x) => x.toLowerCase().includes(w))
  );
}

/** One exchange: its record, and its decoded and HTTP fields by index key (absent: none read). */
export interface ExchangeFields {
  record: ExchangeRecord;
  fields?: ReadonlyMap<string, readonly unknown[]>;
}

export function fieldValues(f: FieldInfo, x: ExchangeFields): readonly unknown[] {
  const keys = keysOf(f);
  if (!keys) return recordValues(f, x.record);
  if (keys.length === 1) return x.fields?.get(keys[0]!) ?? [];
  const out: unknown[] = [];
  for (const k of keys) for (const v of x.fields?.get(k) ?? []) out.push(v);
  return out;
}

export function matchNode(n: FilterNode, x: ExchangeFields): boolean {
  switch (n.kind) {
    case 'true':
      return true;
    case 'and':
      return n.parts.every((p) => matchNode(p, x));
    case 'or':
      return n.parts.some((p) => matchNode(p, x));
    case 'not':
      return !matchNode(n.part, x);
    case 'text':
      return textMatches(n.word, x.record);
    case 'test':
      return testValues(n, fieldValues(n.field, x));
  }
}

/** What a filter reads: only list rows, or also decoded/HTTP fields (the index or a decode), facts, sessions. */
export interface FilterNeeds {
  decoded: boolean;
  facts: boolean;
  session: boolean;
}

export function needsOf(p: ParsedFilter): FilterNeeds {
  const n: FilterNeeds = { decoded: false, facts: false, session: false };
  for (const t of p.tests) {
    if (keysOf(t.field)) n.decoded = true;
    else if (t.field.layer === 'mapi') n.facts = true;
    else if (t.field.layer === 'session') n.session = n.facts = true;
  }
  return n;
}

export interface CompiledFilter extends ParsedFilter {
  source: string;
  needs: FilterNeeds;
}

export function compileFilterExpression(src: string, fields: FieldResolver): CompiledFilter {
  const p = parseFilterExpression(src, fields);
  return { ...p, source: src, needs: needsOf(p) };
}

// ---------------------------------------------------------------------------
// A whole capture at once

/** The distinct values of an indexed field with the positions of the exchanges that have each. */
export interface IndexedValues {
  forEachValue(key: string, visit: (value: unknown, positions: readonly number[]) => void): void;
}

export interface BulkSource {
  /** Exchanges, by position 0 … count-1. */
  readonly count: number;
  readonly index: IndexedValues;
  /** The record of the exchange at a position (list row, facts, session). */
  record(position: number): ExchangeRecord;
  /** Called every `every` positions of a record-field loop; true stops the evaluation (cancelled). */
  tick?(): boolean;
}

export class FilterCancelled extends Error {
  override name = 'FilterCancelled';
}

/** Positions of the exchanges that match, as a 0/1 mask. Throws FilterCancelled when `tick` says so. */
export function evaluateBulk(n: FilterNode, src: BulkSource): Uint8Array {
  const count = src.count;
  switch (n.kind) {
    case 'true':
      return new Uint8Array(count).fill(1);
    case 'and': {
      const out = evaluateBulk(n.parts[0]!, src);
      for (let i = 1; i < n.parts.length; i++) {
        const m = evaluateBulk(n.parts[i]!, src);
        for (let j = 0; j < count; j++) out[j]! &= m[j]!;
      }
      return out;
    }
    case 'or': {
      const out = evaluateBulk(n.parts[0]!, src);
      for (let i = 1; i < n.parts.length; i++) {
        const m = evaluateBulk(n.parts[i]!, src);
        for (let j = 0; j < count; j++) out[j]! |= m[j]!;
      }
      return out;
    }
    case 'not': {
      const m = evaluateBulk(n.part, src);
      for (let j = 0; j < count; j++) m[j] = m[j]! ^ 1;
      return m;
    }
    case 'text':
      return loopRecords(src, (r) => textMatches(n.word, r));
    case 'test': {
      const keys = keysOf(n.field);
      if (!keys) return loopRecords(src, (r) => testValues(n, recordValues(n.field, r)));
      return indexedTest(n, keys, src);
    }
  }
}

function loopRecords(src: BulkSource, pass: (r: ExchangeRecord) => boolean): Uint8Array {
  const out = new Uint8Array(src.count);
  for (let i = 0; i < src.count; i++) {
    if ((i & 0x3fff) === 0 && src.tick?.()) throw new FilterCancelled('filter cancelled');
    if (pass(src.record(i))) out[i] = 1;
  }
  return out;
}

function mark(out: Uint8Array, positions: readonly number[], v: number): void {
  for (let i = 0; i < positions.length; i++) out[positions[i]!] = v;
}

function indexedTest(t: FieldTest, keys: readonly string[], src: BulkSource): Uint8Array {
  const out = new Uint8Array(src.count);
  if (t.op === '!=') {
    // Present, and no value equal: mark every position that has the field, then clear those with an equal value.
    const equal = new Uint8Array(src.count);
    for (const k of keys)
      src.index.forEachValue(k, (v, pos) => {
        mark(out, pos, 1);
        if (t.tests.some((fn) => fn(v))) mark(equal, pos, 1);
      });
    for (let i = 0; i < out.length; i++) out[i]! &= equal[i]! ^ 1;
    return out;
  }
  for (const k of keys)
    src.index.forEachValue(k, (v, pos) => {
      if (testValues(t, [v])) mark(out, pos, 1);
    });
  return out;
}
