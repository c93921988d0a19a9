/**
 * The exchange-list filter language, e.g.
 *   type:Execute rop:RopQueryRows code!=0 session:3 latency>2s -aborted
 * Terms are ANDed; `a|b` inside a value ORs; a leading `-` negates a term;
 * bare words match the URL, request type and ROP names. Fields and operators
 * are declared once in FILTER_FIELDS (which also feeds completion).
 */
import type { ExchangeSummary } from '../capture/summary.js';

export type Op = ':' | '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';

type Kind = 'string' | 'number' | 'duration' | 'bytes' | 'bool' | 'list';

export interface FilterField {
  name: string;
  aliases?: string[];
  kind: Kind;
  description: string;
  get(s: ExchangeSummary): string | number | boolean | readonly string[] | undefined;
  /** Known values for completion. */
  values?: readonly string[];
}

export const FILTER_FIELDS: readonly FilterField[] = [
  { name: 'id', kind: 'number', description: 'exchange number', get: (s) => s.id },
  {
    name: 'type',
    aliases: ['rt'],
    kind: 'string',
    description: 'X-RequestType',
    get: (s) => s.requestType,
    values: [
      'Connect',
      'Execute',
      'Disconnect',
      'NotificationWait',
      'PING',
      'Bind',
      'Unbind',
      'GetProps',
      'QueryRows',
      'ResolveNames',
      'DNToMId',
      'GetMatches',
    ],
  },
  { name: 'rop', kind: 'list', description: 'a ROP in the Execute request', get: (s) => s.rops ?? [] },
  {
    name: 'code',
    aliases: ['responsecode'],
    kind: 'number',
    description: 'final X-ResponseCode',
    get: (s) => s.responseCode,
  },
  { name: 'status', aliases: ['http'], kind: 'number', description: 'HTTP status', get: (s) => s.status },
  { name: 'session', kind: 'number', description: 'MAPI session number', get: (s) => s.session },
  {
    name: 'latency',
    aliases: ['duration', 'time'],
    kind: 'duration',
    description: 'request start to response end',
    get: (s) => s.durationMs,
  },
  {
    name: 'endpoint',
    aliases: ['ep'],
    kind: 'string',
    description: 'emsmdb, nspi, autodiscover, rpcproxy, other',
    get: (s) => s.endpoint,
    values: ['emsmdb', 'nspi', 'autodiscover', 'rpcproxy', 'other'],
  },
  { name: 'method', kind: 'string', description: 'HTTP method', get: (s) => s.method },
  { name: 'url', kind: 'string', description: 'request target', get: (s) => s.url },
  { name: 'host', kind: 'string', description: 'Host header', get: (s) => s.host },
  {
    name: 'conn',
    aliases: ['connection'],
    kind: 'number',
    description: 'client TCP connection id',
    get: (s) => s.connectionId,
  },
  { name: 'req', kind: 'bytes', description: 'request body size', get: (s) => s.requestBytes },
  { name: 'resp', kind: 'bytes', description: 'response body size', get: (s) => s.responseBytes },
  {
    name: 'aborted',
    kind: 'bool',
    description: 'connection reset or closed mid-exchange',
    get: (s) => s.aborted !== undefined,
  },
  {
    name: 'severity',
    aliases: ['finding'],
    kind: 'string',
    description: 'highest finding severity',
    get: (s) => s.severity,
    values: ['error', 'warning', 'info'],
  },
  { name: 'client', kind: 'string', description: 'X-ClientInfo', get: (s) => s.clientInfo },
];

const byName = new Map<string, FilterField>();
for (const f of FILTER_FIELDS) for (const n of [f.name, ...(f.aliases ?? [])]) byName.set(n, f);

export interface FilterTerm {
  field?: FilterField;
  op: Op;
  values: string[];
  negate: boolean;
  /** Position in the source text, for error messages and completion. */
  at: number;
  text: string;
}

export interface ParsedFilter {
  terms: FilterTerm[];
  errors: { at: number; message: string }[];
}

const TERM = /^(-|!)?([a-zA-Z]+)(!=|>=|<=|:|=|>|<|~)(.*)$/;

function tokenize(src: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) out.push({ text: m[1] !== undefined ? m[1] : m[2]!, at: m.index });
  return out;
}

export function parseFilter(src: string): ParsedFilter {
  const terms: FilterTerm[] = [];
  const errors: ParsedFilter['errors'] = [];
  for (const tok of tokenize(src)) {
    const m = TERM.exec(tok.text);
    if (m && byName.has(m[2]!.toLowerCase())) {
      const field = byName.get(m[2]!.toLowerCase())!;
      const value = m[4]!.replace(/^"|"$/g, '');
      const values = value.split('|').filter((v) => v.length > 0);
      const op = m[3] as Op;
      if (values.length === 0) errors.push({ at: tok.at, message: `${field.name}: missing value` });
      else if (['>', '>=', '<', '<='].includes(op) && !['number', 'duration', 'bytes'].includes(field.kind))
        errors.push({ at: tok.at, message: `${field.name} is not numeric; use : or ~` });
      else if (
        ['number', 'duration', 'bytes'].includes(field.kind) &&
        values.some((v) => toNumber(field.kind, v) === undefined)
      )
        errors.push({
          at: tok.at,
          message: `${field.name}: "${value}" is not a ${field.kind === 'duration' ? 'duration (e.g. 2s, 500ms)' : field.kind === 'bytes' ? 'size (e.g. 10kb)' : 'number'}`,
        });
      terms.push({ field, op, values, negate: !!m[1], at: tok.at, text: tok.text });
    } else if (m && !byName.has(m[2]!.toLowerCase()) && /^[a-zA-Z]+$/.test(m[2]!) && m[3] !== '~') {
      errors.push({
        at: tok.at,
        message: `unknown field "${m[2]}" (known: ${FILTER_FIELDS.map((f) => f.name).join(', ')})`,
      });
    } else {
      const neg = tok.text.startsWith('-') && tok.text.length > 1;
      const word = neg ? tok.text.slice(1) : tok.text;
      const bare = byName.get(word.toLowerCase());
      if (bare?.kind === 'bool')
        terms.push({ field: bare, op: ':', values: ['true'], negate: neg, at: tok.at, text: tok.text });
      else terms.push({ op: '~', values: [word], negate: neg, at: tok.at, text: tok.text });
    }
  }
  return { terms, errors };
}

function toNumber(kind: Kind, v: string): number | undefined {
  const s = v.trim().toLowerCase();
  if (kind === 'duration') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
    if (!m) return undefined;
    const n = Number(m[1]);
    return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
  }
  if (kind === 'bytes') {
    const m = /^(\d+(?:\.\d+)?)(b|kb|k|mb|m)?$/.exec(s);
    if (!m) return undefined;
    const n = Number(m[1]);
    return m[2] === 'kb' || m[2] === 'k' ? n * 1024 : m[2] === 'mb' || m[2] === 'm' ? n * 1024 * 1024 : n;
  }
  if (!/^-?(0x[0-9a-f]+|\d+)$/.test(s)) return undefined;
  return Number(s);
}

function normRop(s: string): string {
  const l = s.toLowerCase();
  return l.startsWith('rop') ? l.slice(3) : l;
}

function matchValue(field: FilterField, op: Op, want: string, got: ReturnType<FilterField['get']>): boolean {
  if (field.kind === 'list') {
    const list = (got as readonly string[]) ?? [];
    if (op === '~') return list.some((x) => x.toLowerCase().includes(want.toLowerCase()));
    return list.some((x) => normRop(x) === normRop(want));
  }
  if (field.kind === 'bool') {
    const w = !['false', 'no', '0'].includes(want.toLowerCase());
    return (got === true) === w;
  }
  if (field.kind === 'string') {
    if (got === undefined) return false;
    const g = String(got).toLowerCase();
    const w = want.toLowerCase();
    if (op === '~') return g.includes(w);
    if (op === '!=') return g !== w;
    return field.name === 'url' || field.name === 'host' || field.name === 'client' ? g.includes(w) : g === w;
  }
  const n = toNumber(field.kind, want);
  if (n === undefined || typeof got !== 'number') return op === '!=' && got === undefined ? false : false;
  switch (op) {
    case ':':
    case '=':
      return got === n;
    case '!=':
      return got !== n;
    case '>':
      return got > n;
    case '>=':
      return got >= n;
    case '<':
      return got < n;
    case '<=':
      return got <= n;
    case '~':
      return String(got).includes(want);
  }
}

function matchTerm(t: FilterTerm, s: ExchangeSummary): boolean {
  let ok: boolean;
  if (!t.field) {
    const w = t.values[0]!.toLowerCase();
    ok =
      s.url.toLowerCase().includes(w) ||
      (s.requestType ?? '').toLowerCase().includes(w) ||
      (s.rops ?? []).some((r) => r.toLowerCase().includes(w));
  } else if (t.op === '!=') {
    // a!=x|y means: neither x nor y
    const got = t.field.get(s);
    ok = got !== undefined && t.values.every((v) => !matchValue(t.field!, ':', v, got));
  } else {
    const got = t.field.get(s);
    ok = t.values.some((v) => matchValue(t.field!, t.op, v, got));
  }
  return t.negate ? !ok : ok;
}

/** A predicate for the list; terms with errors are ignored so typing never blanks the list. */
export function compileFilter(src: string): { test: (s: ExchangeSummary) => boolean; errors: ParsedFilter['errors'] } {
  const p = parseFilter(src);
  const bad = new Set(p.errors.map((e) => e.at));
  const terms = p.terms.filter((t) => !bad.has(t.at));
  return { test: (s) => terms.every((t) => matchTerm(t, s)), errors: p.errors };
}

/** Completions for the word that ends at `caret`. */
export function completeFilter(src: string, caret: number, knownRops: readonly string[] = []): string[] {
  const before = src.slice(0, caret);
  const word = /(\S*)$/.exec(before)![1]!;
  const m = /^(-|!)?([a-zA-Z]+)(!=|>=|<=|:|=|>|<|~)(.*)$/.exec(word);
  if (m) {
    const f = byName.get(m[2]!.toLowerCase());
    const vals = f?.name === 'rop' ? knownRops : (f?.values ?? []);
    const last = m[4]!.split('|').pop()!.toLowerCase();
    return vals
      .filter((v) => v.toLowerCase().startsWith(last) && v.toLowerCase() !== last)
      .slice(0, 20)
      .map((v) => `${m[1] ?? ''}${m[2]}${m[3]}${m[4]!.slice(0, m[4]!.length - last.length)}${v}`);
  }
  const w = word.replace(/^[-!]/, '').toLowerCase();
  return FILTER_FIELDS.filter((f) => f.name.startsWith(w)).map(
    (f) => `${word.startsWith('-') ? '-' : ''}${f.name}${f.kind === 'bool' ? '' : ':'}`,
  );
}
