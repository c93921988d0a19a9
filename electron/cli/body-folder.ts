/**
 * A capture stored as a folder of bodies (the team's gromox-ruler layout):
 * `NNN-mapi-<endpoint>-<Type>.meta.txt` with the request line and headers in
 * wire order and case, the response status line and headers, the response
 * chunk sizes; `.request.bin` / `.response.bin` hold the bodies after chunk
 * decoding. `parseBodyFolderEntry` is pure (text + bytes in, Exchange out);
 * `loadBodyFolder` reads the files.
 *
 * The layout has no timestamps. Each exchange gets the time of its response's
 * `Date` header when present (second resolution) plus its index in ms, so order
 * is kept and gaps of seconds stay visible; request/response durations are left
 * unknown rather than invented.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyChunk, Exchange, RawHeader } from '../../shared/capture/exchange.js';

export interface BodyFolderEntry {
  /** File name prefix, e.g. "013-mapi-nspi-BIND". */
  name: string;
  meta: string;
  request: Uint8Array;
  response?: Uint8Array;
}

export interface BodyFolder {
  exchanges: Exchange[];
  /** Entries that could not be read, with the reason. */
  problems: string[];
}

const ENTRY = /^(\d+)-.*\.meta\.txt$/;

export function isBodyFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && readdirSync(path).some((f) => ENTRY.test(f));
  } catch {
    return false;
  }
}

function splitSections(text: string): { preamble: string[]; sections: Map<string, string[]> } {
  const sections = new Map<string, string[]>();
  const preamble: string[] = [];
  let cur: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^\[([a-z-]+)\]\s*$/.exec(line);
    if (m) {
      cur = [];
      sections.set(m[1]!, cur);
    } else if (cur) {
      if (line.length) cur.push(line);
    } else preamble.push(line);
  }
  return { preamble, sections };
}

function parseHeaders(lines: readonly string[]): RawHeader[] {
  const out: RawHeader[] = [];
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c <= 0) continue;
    out.push({ name: l.slice(0, c), value: l.slice(c + 1).replace(/^[ \t]+/, '') });
  }
  return out;
}

/** Connection ids by client address:port, shared across the entries of one folder. */
export type ConnectionIds = Map<string, number>;

/**
 * One exchange from its meta text and bodies. `id` is the 1-based position;
 * `connections` assigns connection ids by client endpoint (same port = same socket).
 */
export function parseBodyFolderEntry(e: BodyFolderEntry, id: number, connections: ConnectionIds): Exchange {
  const { preamble, sections } = splitSections(e.meta);
  const req = sections.get('request') ?? [];
  const line = /^(\S+)\s+(\S+)\s+HTTP\/(\S+)$/.exec(req[0] ?? '');
  if (!line) throw new Error(`${e.name}: no request line in [request]`);
  const conn = /conn\s+([0-9a-fA-F.:]+):(\d+)/.exec(preamble.join('\n'));
  const key = conn ? `${conn[1]}:${conn[2]}` : `entry:${e.name}`;
  let connectionId = connections.get(key);
  if (connectionId === undefined) {
    connectionId = connections.size + 1;
    connections.set(key, connectionId);
  }
  const requestHeaders = parseHeaders(req.slice(1));
  const resp = sections.get('response') ?? [];
  const status = /^HTTP\/(\S+)\s+(\d{3})\s?(.*)$/.exec(resp[0] ?? '');
  const responseHeaders = parseHeaders(resp.slice(1));
  const date = responseHeaders.find((h) => h.name.toLowerCase() === 'date')?.value;
  const dateMs = date ? Date.parse(date) : NaN;
  const t = (Number.isFinite(dateMs) ? dateMs : 0) + id;
  const host = requestHeaders.find((h) => h.name.toLowerCase() === 'host')?.value;
  const hostm = host ? /^(.*?)(?::(\d+))?$/.exec(host) : null;

  let response: Exchange['response'];
  if (status) {
    const body = e.response ?? new Uint8Array(0);
    const chunks: BodyChunk[] = [];
    let off = 0;
    for (const c of sections.get('response-chunks') ?? []) {
      const m = /^(\d+)\s+bytes/.exec(c.trim());
      if (!m) continue;
      const n = Math.min(Number(m[1]), Math.max(0, body.length - off));
      chunks.push({ time: t, offset: off, length: n });
      off += n;
    }
    if (off < body.length) chunks.push({ time: t, offset: off, length: body.length - off });
    response = {
      statusCode: Number(status[2]),
      statusMessage: status[3] ?? '',
      httpVersion: status[1]!,
      headers: responseHeaders,
      body,
      chunks,
    };
  }
  const ex: Exchange = {
    id,
    connectionId,
    ...(conn ? { client: { address: conn[1]!, port: Number(conn[2]) } } : {}),
    ...(hostm?.[1] ? { server: { address: hostm[1], port: hostm[2] ? Number(hostm[2]) : 80 } } : {}),
    timings: { requestStart: t },
    request: {
      method: line[1]!,
      url: line[2]!,
      httpVersion: line[3]!,
      headers: requestHeaders,
      body: e.request,
    },
    ...(response ? { response } : {}),
    comment: e.name,
  };
  return ex;
}

/** Every `NNN-….meta.txt` of `dir` in numeric order, with its bodies. */
export function loadBodyFolder(dir: string): BodyFolder {
  const files = readdirSync(dir)
    .filter((f) => ENTRY.test(f))
    .sort((a, b) => Number(ENTRY.exec(a)![1]) - Number(ENTRY.exec(b)![1]) || a.localeCompare(b));
  const connections: ConnectionIds = new Map();
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const name = f.slice(0, -'.meta.txt'.length);
    const bin = (kind: string): Uint8Array | undefined => {
      const p = join(dir, `${name}.${kind}.bin`);
      return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
    };
    try {
      const response = bin('response');
      exchanges.push(
        parseBodyFolderEntry(
          {
            name,
            meta: readFileSync(join(dir, f), 'latin1'),
            request: bin('request') ?? new Uint8Array(0),
            ...(response ? { response } : {}),
          },
          exchanges.length + 1,
          connections,
        ),
      );
    } catch (e) {
      problems.push(`${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { exchanges, problems };
}
