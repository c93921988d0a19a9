/**
 * Pure readers of the structured values inside Exchange log columns (the
 * importer does the same in SQL for bulk; these serve correlation, the UI and
 * tests that check the two agree). Formats: shared/logs/FORMATS.md.
 */
import { ropsById } from '../protocol/rops/registry.js';

/** HttpProxy `ClientRequestId` of a MAPI POST: `R:<X-RequestId>;RT:<type>;CI:<X-ClientInfo>;CID:<guid>` (any order). */
export interface ClientRequestParts {
  requestId?: string;
  requestType?: string;
  clientInfo?: string;
  clientRequestGuid?: string;
}

const absent = (v: string | undefined): string | undefined =>
  v === undefined || v === '' || v === '<null>' || v === '<empty>' ? undefined : v;

export function splitClientRequestId(value: string | undefined): ClientRequestParts {
  const out: ClientRequestParts = {};
  if (!value) return out;
  for (const part of value.split(';')) {
    const i = part.indexOf(':');
    if (i < 0) continue;
    const tag = part.slice(0, i);
    const v = absent(part.slice(i + 1));
    if (v === undefined) continue;
    if (tag === 'R') out.requestId = v;
    else if (tag === 'RT') out.requestType = v;
    else if (tag === 'CI') out.clientInfo = v;
    else if (tag === 'CID') out.clientRequestGuid = v;
  }
  return out;
}

/** RCA/MAPIMB `request-ids` (`R:…|A:…|FE:…`) and `session-cookie` (`C:…|S:…`). */
export function splitTagged(value: string | undefined, sep = '|'): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  for (const part of value.split(sep)) {
    const i = part.indexOf(':');
    if (i <= 0) continue;
    const v = absent(part.slice(i + 1));
    if (v !== undefined && !(part.slice(0, i) in out)) out[part.slice(0, i)] = v;
  }
  return out;
}

/**
 * `key=value;` items of GenericInfo, GenericErrors and performance data. A key may
 * carry a type prefix (`I32:`, `Dbl:`, `F:`); the first occurrence of a key wins;
 * an item without `=` keeps its text as the key with an empty value.
 */
export function parseKeyValues(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!value) return out;
  for (const item of value.split(';')) {
    if (item === '') continue;
    const i = item.indexOf('=');
    const k = i < 0 ? item : item.slice(0, i);
    if (!out.has(k)) out.set(k, i < 0 ? '' : item.slice(i + 1));
  }
  return out;
}

export interface LoggedRop {
  /** `>` request (input), `<` response (output). */
  dir: '>' | '<';
  id: number;
  /** Name from the ROP registry ([MS-OXCROPS] 2.2), or `Rop0x<hex>` when unknown. */
  name: string;
  /** Text in parentheses after a failed ROP, e.g. `NotFound`. */
  error?: string;
}

export function ropName(id: number): string {
  return ropsById.get(id)?.name ?? `Rop0x${id.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** MapiHttp `RopIds`: `>[5]>[18]<[5]<[79](NotFound)`, decimal ROP ids. */
export function parseRopIds(value: string | undefined): LoggedRop[] {
  const out: LoggedRop[] = [];
  if (!value) return out;
  const re = /([<>])\[(\d+)\](?:\(([^)]*)\))?/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const id = Number(m[2]);
    const rop: LoggedRop = { dir: m[1] as '>' | '<', id, name: ropName(id) };
    if (m[3]) rop.error = m[3];
    out.push(rop);
  }
  return out;
}

/** `TimeSpan.ToString()` (`[d.]hh:mm:ss[.fffffff]`) or a plain number of ms → milliseconds. */
export function timeSpanMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value);
  if (!m) {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  const frac = m[5] ? Number(m[5].padEnd(7, '0')) / 1e4 : 0;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60_000 + Number(m[4]) * 1000 + frac;
}

/** A query result cell as text: null and undefined empty, objects (lists, maps) as JSON, scalars as written. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}
