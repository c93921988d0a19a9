/**
 * The exchange list's filter: the filter language (parse.ts) on list rows.
 * Without a catalog only the list-row fields are known (what a row can
 * answer by itself); the UI passes the catalog it got from the backend
 * (`filter.fields`), and a filter that reads decoded fields is then evaluated
 * by the backend over the field index (`needsBackend`).
 *
 * Short form, as before: `type:Execute rop:RopQueryRows code!=0 session:3 latency>2s -aborted`.
 */
import type { ExchangeSummary } from '../capture/summary.js';
import { FieldCatalog } from './catalog.js';
import { type CompiledFilter, compileFilterExpression, matchNode } from './evaluate.js';
import type { FilterError } from './parse.js';
import { RECORD_FIELDS } from './record.js';
import { type FieldInfo, normRop } from './types.js';

/** The fields a list row answers by itself. */
export const FILTER_FIELDS: readonly FieldInfo[] = RECORD_FIELDS.filter((f) => f.layer === 'summary');

let rowCatalog: FieldCatalog | undefined;
export function summaryCatalog(): FieldCatalog {
  return (rowCatalog ??= new FieldCatalog(FILTER_FIELDS));
}

export interface ListFilter {
  test: (s: ExchangeSummary) => boolean;
  errors: FilterError[];
  /** Reads fields a row does not have (decoded, HTTP, facts, session): evaluate with `filter.run`. */
  needsBackend: boolean;
  compiled: CompiledFilter;
}

export function parseFilter(src: string, catalog: FieldCatalog = summaryCatalog()): CompiledFilter {
  return compileFilterExpression(src, catalog);
}

/** A predicate for the list; terms with errors match everything, so typing never blanks the list. */
export function compileFilter(src: string, catalog: FieldCatalog = summaryCatalog()): ListFilter {
  const c = compileFilterExpression(src, catalog);
  const needsBackend = c.tests.some((t) => t.field.layer !== 'summary');
  return {
    test: (s) => matchNode(c.root, { record: { summary: s } }),
    errors: c.errors,
    needsBackend,
    compiled: c,
  };
}

export interface CompletionContext {
  catalog?: FieldCatalog | undefined;
  /** ROP names seen in the capture (values of `rop`). */
  knownRops?: readonly string[];
  /** Values seen for a field (from the backend's index), by field name. */
  valuesOf?: (field: FieldInfo) => readonly string[];
}

/** Completions for the word that ends at `caret`: whole replacement texts for that word. */
export function completeFilter(src: string, caret: number, ctx: CompletionContext | readonly string[] = {}): string[] {
  const c: CompletionContext = Array.isArray(ctx)
    ? { knownRops: ctx as readonly string[] }
    : (ctx as CompletionContext);
  const catalog = c.catalog ?? summaryCatalog();
  const before = src.slice(0, caret);
  const word = /(\S*)$/.exec(before)![1]!;
  const m = /^(-|!)?([A-Za-z_][\w.]*)(!=|>=|<=|:|=|>|<|~)(.*)$/.exec(word);
  if (m) {
    const f = catalog.resolve(m[2]!);
    if (!f) return [];
    const last = m[4]!.split('|').pop()!;
    const head = `${m[1] ?? ''}${m[2]}${m[3]}${m[4]!.slice(0, m[4]!.length - last.length)}`;
    return valueCompletions(f, last, c).map((v) => head + v);
  }
  // A value after "field op " (spaced form): the word being typed is the value.
  const spaced = /([A-Za-z_][\w.]*(?:\["[^"]*"\])?)\s*(==|!=|<=|>=|<|>|\s(?:contains|in\s*\{[^}]*))\s+\{?"?(\S*)$/.exec(
    before,
  );
  if (spaced && before.endsWith(spaced[3]!)) {
    const f = catalog.resolve(spaced[1]!);
    if (f) return valueCompletions(f, word.replace(/^[{"]+/, ''), c);
  }
  const neg = /^[-!]/.test(word) ? word[0]! : '';
  const w = word.slice(neg.length);
  if (w.includes('"')) return [];
  const out: string[] = [];
  for (const f of catalog.complete(w, 30)) {
    const alias = f.aliases?.find(
      (a) => a.startsWith(w.toLowerCase()) && !f.name.toLowerCase().startsWith(w.toLowerCase()),
    );
    const name = alias ?? f.name;
    out.push(`${neg}${name}${f.type === 'bool' || !alias ? '' : ':'}`);
  }
  return [...new Set(out)].filter((s) => s !== word);
}

function valueCompletions(f: FieldInfo, typed: string, c: CompletionContext): string[] {
  let vals: readonly string[];
  if (f.type === 'rop') vals = c.knownRops ?? [];
  else if (f.names) vals = Object.values(f.names);
  else if (f.bits) vals = Object.keys(f.bits);
  else if (f.type === 'bool') vals = ['true', 'false'];
  else vals = f.values ?? c.valuesOf?.(f) ?? [];
  const t = typed.toLowerCase();
  const norm = f.type === 'rop' ? normRop(t) : t;
  return vals
    .filter((v) => {
      const l = f.type === 'rop' ? normRop(v) : v.toLowerCase();
      return l.startsWith(norm) && v.toLowerCase() !== t;
    })
    .slice(0, 20)
    .map((v) => (/[\s(),{}"]/.test(v) ? JSON.stringify(v) : v));
}
