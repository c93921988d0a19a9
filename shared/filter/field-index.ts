/**
 * The field-value index: for every decoded and HTTP field (by index key, see
 * evaluate.ts `keysOf`), its distinct values and, per value, the positions of
 * the exchanges that carry it (ascending, each once). Fed exchange by exchange
 * in the session pass (`begin` then `add` for each field value), so filtering
 * a whole capture on any decoded field reads the index instead of decoding.
 *
 * Values are kept once per distinct value (ids, bytes and GUIDs by their text),
 * so memory follows the number of (field, exchange) pairs plus distinct values.
 */
import { type IndexedValues } from './evaluate.js';
import { valueKey } from './types.js';

interface Entry {
  /** One value as decoded (the tests run on it). */
  value: unknown;
  positions: number[];
}

/** Values longer than this (large binary properties, long texts) are indexed by their first part only. */
const MAX_TEXT = 4096;

export class FieldIndex implements IndexedValues {
  private readonly fields = new Map<string, Map<unknown, Entry>>();
  private pos = -1;
  /** Exchange id at each position. */
  readonly ids: number[] = [];
  private pairs = 0;

  get count(): number {
    return this.ids.length;
  }

  /** Starts the next exchange; its fields follow with `add`. */
  begin(exchangeId: number): void {
    this.pos = this.ids.length;
    this.ids.push(exchangeId);
  }

  add(field: string, value: unknown): void {
    let k: unknown;
    let v = value;
    switch (typeof value) {
      case 'number':
      case 'boolean':
      case 'bigint':
        k = value;
        break;
      case 'string':
        k = value.length > MAX_TEXT ? (v = value.slice(0, MAX_TEXT)) : value;
        break;
      default: {
        const key = valueKey(value);
        if (key === undefined) return;
        // Ids, bytes and GUID texts are keyed by text, apart from strings with the same characters.
        k = `\u0000${String(key).slice(0, MAX_TEXT)}`;
        if (v instanceof Uint8Array && v.length > MAX_TEXT / 2) v = v.subarray(0, MAX_TEXT / 2);
      }
    }
    let values = this.lastField === field ? this.lastValues! : this.fields.get(field);
    if (!values) this.fields.set(field, (values = new Map()));
    this.lastField = field;
    this.lastValues = values;
    const e = values.get(k);
    if (!e) {
      // Most values are seen once (subjects, request ids): a one-element literal holds its position exactly,
      // where an empty array grown by push reserves room for 17.
      values.set(k, { value: v, positions: [this.pos] });
      this.pairs++;
      return;
    }
    const p = e.positions;
    if (p[p.length - 1] !== this.pos) {
      p.push(this.pos);
      this.pairs++;
    }
  }

  private lastField: string | undefined;
  private lastValues: Map<unknown, Entry> | undefined;

  forEachValue(key: string, visit: (value: unknown, positions: readonly number[]) => void): void {
    const values = this.fields.get(key);
    if (values) for (const e of values.values()) visit(e.value, e.positions);
  }

  /** Distinct values of a field (completion), most frequent first. */
  topValues(key: string, limit = 50): unknown[] {
    const values = this.fields.get(key);
    if (!values) return [];
    return [...values.values()]
      .sort((a, b) => b.positions.length - a.positions.length)
      .slice(0, limit)
      .map((e) => e.value);
  }

  hasField(key: string): boolean {
    return this.fields.has(key);
  }

  fieldKeys(): IterableIterator<string> {
    return this.fields.keys();
  }

  /** Sizes, for the bench and status: fields, distinct values, (field value, exchange) pairs. */
  stats(): { exchanges: number; fields: number; values: number; postings: number } {
    let values = 0;
    for (const m of this.fields.values()) values += m.size;
    return { exchanges: this.ids.length, fields: this.fields.size, values, postings: this.pairs };
  }
}
