/**
 * Looks field names up in the registry's list (registry.ts, or the same list
 * as the UI receives it over the API): exact names, the list filter's short
 * aliases (any case), and the field families that take a key — HTTP headers
 * and cookies by name, properties by any tag or resolved named-property name.
 */
import { errorCodeByName } from '../protocol/oxcdata/errors.js';
import { tagIdByName } from '../protocol/oxcdata/proptag-names.js';
import type { FieldResolver } from './parse.js';
import type { FieldInfo, NameTables } from './types.js';

export const NAME_TABLES: NameTables = {
  errorByName: errorCodeByName,
  tagByName: (n) => {
    const m = /^0x([0-9a-f]{1,4})$/i.exec(n);
    return m ? parseInt(m[1]!, 16) : tagIdByName(n);
  },
};

/** The filter name of a property by its display name: `prop.PidTagSubject`, or `prop["PS_PUBLIC_STRINGS:\"Keywords\""]`. */
export function propFieldName(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) ? `prop.${name}` : `prop[${JSON.stringify(name)}]`;
}

const FAMILY =
  /^(http\.header|http\.request\.header|http\.response\.header|http\.cookie|http\.setCookie|prop)\["((?:[^"\\]|\\.)*)"\]$/;

export class FieldCatalog implements FieldResolver {
  private readonly byName = new Map<string, FieldInfo>();
  private readonly byLower = new Map<string, FieldInfo>();
  readonly tables: NameTables = NAME_TABLES;

  constructor(readonly fields: readonly FieldInfo[]) {
    for (const f of fields) {
      this.byName.set(f.name, f);
      for (const a of f.aliases ?? []) this.byLower.set(a.toLowerCase(), f);
    }
  }

  resolve(name: string): FieldInfo | undefined {
    const exact = this.byName.get(name) ?? this.byLower.get(name.toLowerCase());
    if (exact) return exact;
    const m = FAMILY.exec(name);
    if (m) {
      const key = JSON.parse(`"${m[2]!}"`) as string;
      if (m[1] === 'prop') return this.byName.get(propFieldName(key)) ?? dynamicProp(propFieldName(key), key);
      return {
        name: `${m[1]}[${JSON.stringify(key)}]`,
        type: 'string',
        layer: 'http',
        description: `${m[1]!.includes('ookie') ? 'cookie' : 'header'} ${key}`,
      };
    }
    // Named properties are known by the names the session resolves (PidLid…, PidName…), and any tag by number.
    const p = /^prop\.(PidLid\w+|PidName\w+|0x[0-9a-f]{8})$/i.exec(name);
    if (p) return dynamicProp(name, p[1]!);
    return undefined;
  }

  suggest(name: string): string[] {
    const lower = name.toLowerCase();
    const tail = lower.slice(lower.lastIndexOf('.') + 1);
    const scored: [number, string][] = [];
    for (const f of this.fields) {
      const l = f.name.toLowerCase();
      const score =
        l === lower ? 0 : l.startsWith(lower) ? 1 : tail && l.endsWith('.' + tail) ? 2 : l.includes(lower) ? 3 : -1;
      if (score >= 0) scored.push([score * 1000 + f.name.length, f.name]);
    }
    return scored.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  }

  /** Field names that start with `prefix` (completion), shortest first within each layer order. */
  complete(prefix: string, limit = 30): FieldInfo[] {
    const lower = prefix.toLowerCase();
    const out: FieldInfo[] = [];
    for (const f of this.fields) {
      if (f.name.toLowerCase().startsWith(lower) || f.aliases?.some((a) => a.startsWith(lower))) out.push(f);
      if (out.length >= limit * 20) break;
    }
    return out.sort((a, b) => depth(a.name) - depth(b.name) || a.name.length - b.name.length).slice(0, limit);
  }
}

const depth = (n: string) => n.split('.').length;

function dynamicProp(name: string, key: string): FieldInfo {
  return { name, type: 'value', layer: 'prop', description: `property ${key}` };
}
