/**
 * The gromox-ruler cap1 capture (test/fixtures/gromox-ruler/cap1) as Exchanges:
 * request line and headers from each .meta.txt, bodies from the .bin files,
 * response chunks from its chunk sizes. The pcap's times are not in the
 * extracted files, so times here are synthetic (exchange i starts at T0 + 100·i ms).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyChunk, Exchange, RawHeader } from '../../../shared/capture/exchange.js';

const DIR = join(import.meta.dirname, '../../fixtures/gromox-ruler/cap1');
const T0 = 1795864000000;

function headersOf(lines: string[]): RawHeader[] {
  return lines.map((l) => {
    const c = l.indexOf(':');
    return { name: l.slice(0, c), value: l.slice(c + 1).trim() };
  });
}

export function gromoxCapture(): Exchange[] {
  const metas = readdirSync(DIR)
    .filter((f) => f.endsWith('.meta.txt'))
    .sort();
  const ports = new Map<string, number>();
  return metas.map((m, i) => {
    const base = m.slice(0, -'.meta.txt'.length);
    const text = readFileSync(join(DIR, m), 'latin1');
    const conn = /conn ([\d.]+):(\d+)/.exec(text)!;
    const section = (name: string): string[] => {
      const a = text.indexOf(`[${name}]\n`);
      if (a < 0) return [];
      const rest = text.slice(a + name.length + 3);
      const end = rest.search(/\n\[[a-z-]+\]\n/);
      return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l !== '');
    };
    const [reqLine = '', ...reqHeaders] = section('request');
    const [statusLine = '', ...resHeaders] = section('response');
    const [method = '', url = '', version = ''] = reqLine.split(' ');
    const sm = /^(\S+) (\d+) ?(.*)$/.exec(statusLine)!;
    const reqBody = new Uint8Array(readFileSync(join(DIR, `${base}.request.bin`)));
    const resBody = new Uint8Array(readFileSync(join(DIR, `${base}.response.bin`)));
    const start = T0 + 100 * i;
    const sizes = section('response-chunks').map((l) => parseInt(l, 10));
    const chunks: BodyChunk[] = [];
    let off = 0;
    for (const [k, s] of (sizes.length ? sizes : [resBody.length]).entries()) {
      chunks.push({ time: start + 5 + k * 2.5, offset: off, length: s });
      off += s;
    }
    const key = `${conn[1]}:${conn[2]}`;
    if (!ports.has(key)) ports.set(key, ports.size + 1);
    return {
      id: i + 1,
      connectionId: ports.get(key)!,
      client: { address: conn[1]!, port: Number(conn[2]) },
      server: { address: '127.0.0.1', port: 10080 },
      origin: 'http://127.0.0.1:10080',
      timings: {
        requestStart: start,
        requestEnd: start + 1,
        responseHeaders: start + 5,
        responseEnd: start + 5 + (chunks.length - 1) * 2.5,
      },
      request: {
        method,
        url,
        httpVersion: version.replace(/^HTTP\//, ''),
        headers: headersOf(reqHeaders),
        body: reqBody,
      },
      response: {
        statusCode: Number(sm[2]),
        statusMessage: sm[3]!,
        httpVersion: sm[1]!.replace(/^HTTP\//, ''),
        headers: headersOf(resHeaders),
        body: resBody,
        chunks,
      },
    };
  });
}
