/**
 * Raw HTTP/1.x messages as SAZ stores them (raw/NN_c.txt, NN_s.txt): head
 * bytes read as Latin-1 so every byte survives, chunked bodies decoded with
 * their chunk boundaries kept, and the inverse for writing.
 */
import type { RawHeader } from '../exchange.js';
import { concatBytes, latin1Decode, latin1OrUtf8Encode } from '../../codec/bytes.js';

export interface RawMessage {
  /** Request: [method, target, version]; response: [version, code, message]. */
  startLine: [string, string, string];
  headers: RawHeader[];
  body: Uint8Array;
  /** Chunk boundaries of a chunked body (offset, length in the decoded body). */
  chunks?: { offset: number; length: number }[];
  trailers?: RawHeader[];
  /** Problems met while parsing (message kept as far as it went). */
  problems: string[];
}

export function parseMessage(b: Uint8Array, kind: 'request' | 'response'): RawMessage {
  const problems: string[] = [];
  let headEnd = -1;
  let bodyStart = b.length;
  for (let i = 0; i + 1 < b.length; i++) {
    if (b[i] === 10 && b[i + 1] === 10) {
      headEnd = i;
      bodyStart = i + 2;
      break;
    }
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
      headEnd = i;
      bodyStart = i + 4;
      break;
    }
  }
  if (headEnd < 0) {
    headEnd = b.length;
    problems.push('header block not terminated by an empty line');
  }
  const lines = latin1Decode(b.subarray(0, headEnd)).split(/\r?\n/);
  const first = lines.shift() ?? '';
  let startLine: [string, string, string];
  if (kind === 'request') {
    const a = first.indexOf(' ');
    const z = first.lastIndexOf(' ');
    if (a < 0 || z <= a) {
      problems.push(`request line "${first.slice(0, 80)}" is not "METHOD target HTTP/x.y"`);
      startLine = [first.trim() || 'GET', '/', 'HTTP/1.1'];
    } else startLine = [first.slice(0, a), first.slice(a + 1, z), first.slice(z + 1)];
  } else {
    const m = /^(\S+) (\d{3})(?: (.*))?$/.exec(first);
    if (!m) {
      problems.push(`status line "${first.slice(0, 80)}" is not "HTTP/x.y code message"`);
      startLine = ['HTTP/1.1', '0', first];
    } else startLine = [m[1]!, m[2]!, m[3] ?? ''];
  }
  const headers = parseHeaderLines(lines, problems);
  const body = b.subarray(bodyStart);
  const msg: RawMessage = { startLine, headers, body, problems };
  const te = headers.find((h) => h.name.toLowerCase() === 'transfer-encoding');
  if (te && /chunked\s*$/i.test(te.value)) {
    const d = dechunk(body);
    if (d.problem) problems.push(d.problem);
    msg.body = d.body;
    msg.chunks = d.chunks;
    if (d.trailers.length) msg.trailers = d.trailers;
  } else msg.body = body.slice();
  return msg;
}

function parseHeaderLines(lines: string[], problems: string[]): RawHeader[] {
  const out: RawHeader[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const c = line.indexOf(':');
    if (c <= 0) {
      problems.push(`header line without ":" ("${line.slice(0, 60)}") dropped`);
      continue;
    }
    // Value: after the colon, optional whitespace skipped (RFC 9112 5.1), the rest kept as is.
    out.push({ name: line.slice(0, c), value: line.slice(c + 1).replace(/^[ \t]+/, '') });
  }
  return out;
}

function dechunk(b: Uint8Array): {
  body: Uint8Array;
  chunks: { offset: number; length: number }[];
  trailers: RawHeader[];
  problem?: string;
} {
  const parts: Uint8Array[] = [];
  const chunks: { offset: number; length: number }[] = [];
  let p = 0;
  let total = 0;
  const lineAt = (at: number): [string, number] | undefined => {
    const e = b.indexOf(10, at);
    if (e < 0) return undefined;
    return [latin1Decode(b.subarray(at, e)).replace(/\r$/, ''), e + 1];
  };
  for (;;) {
    const l = lineAt(p);
    if (!l)
      return {
        body: concatBytes(parts),
        chunks,
        trailers: [],
        problem:
          total === 0 && p >= b.length
            ? 'chunked body is empty (no final chunk)'
            : 'chunked body ends without the final 0-size chunk (truncated)',
      };
    const size = parseInt(l[0].split(';', 1)[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0)
      return {
        body: concatBytes(parts),
        chunks,
        trailers: [],
        problem: `bad chunk size line "${l[0].slice(0, 40)}" at body offset ${p}`,
      };
    p = l[1];
    if (size === 0) break;
    if (p + size > b.length) {
      parts.push(b.slice(p));
      chunks.push({ offset: total, length: b.length - p });
      return {
        body: concatBytes(parts),
        chunks,
        trailers: [],
        problem: 'chunked body is cut off inside a chunk (truncated)',
      };
    }
    parts.push(b.slice(p, p + size));
    chunks.push({ offset: total, length: size });
    total += size;
    p += size;
    if (b[p] === 13) p++;
    if (b[p] === 10) p++;
  }
  const trailerLines: string[] = [];
  for (;;) {
    const l = lineAt(p);
    if (!l || l[0] === '') break;
    trailerLines.push(l[0]);
    p = l[1];
  }
  const problems: string[] = [];
  return { body: concatBytes(parts), chunks, trailers: parseHeaderLines(trailerLines, problems) };
}

/** Serialises a message; a chunked body is framed one HTTP chunk per given boundary. */
export function serializeMessage(
  startLine: readonly [string, string, string],
  headers: readonly RawHeader[],
  body: Uint8Array,
  chunked?: { boundaries: readonly { offset: number; length: number }[]; trailers?: readonly RawHeader[] },
): Uint8Array {
  let head = `${startLine[0]} ${startLine[1]}${startLine[2] === '' ? '' : ' ' + startLine[2]}\r\n`;
  // A status line keeps the space before an empty reason phrase only if there is one to keep.
  for (const h of headers) head += `${h.name}: ${h.value}\r\n`;
  head += '\r\n';
  const parts: Uint8Array[] = [latin1OrUtf8Encode(head)];
  if (!chunked) parts.push(body);
  else {
    let covered = 0;
    const pieces = chunked.boundaries.filter((c) => c.length > 0);
    const spans =
      pieces.length &&
      pieces[0]!.offset === 0 &&
      pieces.every((c, i) => i === 0 || c.offset === pieces[i - 1]!.offset + pieces[i - 1]!.length)
        ? pieces
        : body.length
          ? [{ offset: 0, length: body.length }]
          : [];
    for (const c of spans) {
      const len = Math.min(c.length, body.length - c.offset);
      if (len <= 0) continue;
      parts.push(
        latin1OrUtf8Encode(len.toString(16) + '\r\n'),
        body.subarray(c.offset, c.offset + len),
        latin1OrUtf8Encode('\r\n'),
      );
      covered = c.offset + len;
    }
    if (covered < body.length)
      parts.push(
        latin1OrUtf8Encode((body.length - covered).toString(16) + '\r\n'),
        body.subarray(covered),
        latin1OrUtf8Encode('\r\n'),
      );
    let tail = '0\r\n';
    for (const h of chunked.trailers ?? []) tail += `${h.name}: ${h.value}\r\n`;
    parts.push(latin1OrUtf8Encode(tail + '\r\n'));
  }
  return concatBytes(parts);
}
