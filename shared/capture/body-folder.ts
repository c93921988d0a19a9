/**
 * A capture stored as a folder of bodies (the team's gromox-ruler layout):
 * `NNN-mapi-<endpoint>-<Type>.meta.txt` with the request line and headers in
 * wire order and case, the response status line and headers, the response
 * chunk sizes; `.request.bin` / `.response.bin` hold the bodies after chunk
 * decoding. `parseBodyFolderEntry` is pure (text + bytes in, Exchange out);
 * `loadBodyFolder` (electron/backend/store/body-folder.ts) reads the files.
 *
 * The layout has no timestamps. Each exchange gets the time of its response's
 * `Date` header when present (second resolution) plus its index in ms, so order
 * is kept and gaps of seconds stay visible; request/response durations are left
 * unknown rather than invented.
 */
import type { BodyChunk, Exchange, RawHeader } from './exchange.js';

export interface BodyFolderEntry {
  /** File name prefix, e.g. "013-mapi-nspi-BIND". */
  name: string;
  meta: string;
  request: Uint8Array;
  response?: Uint8Array;
}

/** A `NNN-….meta.txt` file name; group 1 is the position. */
export const BODY_FOLDER_ENTRY = /^(\d+)-.*\.meta\.txt$/;

/** Meta file names of a folder listing in numeric order. */
export function bodyFolderEntries(files: readonly string[]): string[] {
  return files
    .filter((f) => BODY_FOLDER_ENTRY.test(f))
    .sort(
      (a, b) => Number(BODY_FOLDER_ENTRY.exec(a)![1]) - Number(BODY_FOLDER_ENTRY.exec(b)![1]) || a.localeCompare(b),
    );
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
