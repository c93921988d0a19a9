/**
 * Reads a capture stored as a folder of `NNN-<name>.meta.txt` files with their
 * `.request.bin` / `.response.bin` bodies (the layout of the team's gromox-ruler
 * captures): request line and headers in wire order, response status line and
 * headers, response chunk sizes. Bad entries are skipped and reported, never fatal.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyChunk, Exchange, RawHeader } from '../../../shared/capture/exchange.js';

export interface MetaCapture {
  exchanges: Exchange[];
  problems: string[];
}

export function isMetaCaptureDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && readdirSync(path).some((f) => f.endsWith('.meta.txt'));
  } catch {
    return false;
  }
}

function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  const head: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\[([a-z-]+)\]$/.exec(line.trim());
    if (m) {
      out.set(m[1]!, (cur = []));
      continue;
    }
    if (cur) {
      if (line.trim()) cur.push(line);
    } else head.push(line);
  }
  out.set('#', head);
  return out;
}

function headersOf(lines: readonly string[]): RawHeader[] {
  const out: RawHeader[] = [];
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) out.push({ name: l.slice(0, c), value: l.slice(c + 1).trim() });
  }
  return out;
}

export function loadMetaCaptureDir(dir: string): MetaCapture {
  const problems: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.meta.txt'))
    .sort();
  const exchanges: Exchange[] = [];
  const connIds = new Map<string, number>();
  for (const f of files) {
    const prefix = f.slice(0, -'.meta.txt'.length);
    try {
      const s = sections(readFileSync(join(dir, f), 'latin1'));
      const req = s.get('request') ?? [];
      const line = /^(\S+)\s+(\S+)\s+HTTP\/(\S+)$/.exec(req[0] ?? '');
      if (!line) {
        problems.push(`${f}: no request line`);
        continue;
      }
      const body = (kind: string): Uint8Array => {
        const p = join(dir, `${prefix}.${kind}.bin`);
        return existsSync(p) ? new Uint8Array(readFileSync(p)) : new Uint8Array(0);
      };
      const conn = /conn\s+([\d.]+):(\d+)/.exec((s.get('#') ?? []).join('\n'));
      const key = conn ? `${conn[1]}:${conn[2]}` : f;
      if (!connIds.has(key)) connIds.set(key, connIds.size + 1);
      const id = exchanges.length + 1;
      // No timestamps in this layout: a monotonic stand-in keeps order and sessions intact.
      const t = id * 10;
      const resp = s.get('response') ?? [];
      const st = /^HTTP\/(\S+)\s+(\d{3})\s?(.*)$/.exec(resp[0] ?? '');
      const respBody = body('response');
      const chunks: BodyChunk[] = [];
      let off = 0;
      for (const c of s.get('response-chunks') ?? []) {
        const m = /^(\d+)\s+bytes/.exec(c.trim());
        if (!m) continue;
        const n = Math.min(Number(m[1]), Math.max(0, respBody.length - off));
        chunks.push({ time: t + 5, offset: off, length: n });
        off += n;
      }
      const ex: Exchange = {
        id,
        connectionId: connIds.get(key)!,
        ...(conn ? { client: { address: conn[1]!, port: Number(conn[2]) } } : {}),
        timings: { requestStart: t, requestEnd: t + 1, ...(st ? { responseHeaders: t + 2, responseEnd: t + 9 } : {}) },
        request: {
          method: line[1]!,
          url: line[2]!,
          httpVersion: line[3]!,
          headers: headersOf(req.slice(1)),
          body: body('request'),
        },
        ...(st
          ? {
              response: {
                statusCode: Number(st[2]),
                statusMessage: st[3] ?? '',
                httpVersion: st[1]!,
                headers: headersOf(resp.slice(1)),
                body: respBody,
                chunks: chunks.length ? chunks : [{ time: t + 5, offset: 0, length: respBody.length }],
              },
            }
          : {}),
      };
      exchanges.push(ex);
    } catch (e) {
      problems.push(`${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { exchanges, problems };
}
