/** Fixture loading for the transport decoder tests (Node side only). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange, RawHeader } from '../../../shared/capture/exchange.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, rel)));
}

export function listFixtures(sub: string, re: RegExp): string[] {
  return readdirSync(join(FIXTURES, sub))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => `${sub}/${f}`);
}

const SYNCGW_TYPES: Record<string, string> = {
  connect: 'Connect',
  execute: 'Execute',
  disconnect: 'Disconnect',
  notificationwait: 'NotificationWait',
};

export interface BodyFixture {
  file: string;
  requestType: string;
  direction: 'request' | 'response';
}

/** Every mailbox-endpoint body among the fixtures (syncgw, gromox-ruler cap1/cap2). */
export function emsmdbBodyFixtures(): BodyFixture[] {
  const out: BodyFixture[] = [];
  for (const f of listFixtures('syncgw', /^[a-z]+_(req|resp)\d+\.bin$/)) {
    const m = /\/([a-z]+)_(req|resp)\d+\.bin$/.exec(f)!;
    const t = SYNCGW_TYPES[m[1]!];
    if (t) out.push({ file: f, requestType: t, direction: m[2] === 'req' ? 'request' : 'response' });
  }
  for (const cap of ['gromox-ruler/cap1', 'gromox-ruler/cap2'])
    for (const f of listFixtures(cap, /-mapi-emsmdb-.*\.(request|response)\.bin$/)) {
      const m = /-mapi-emsmdb-([A-Za-z]+)\.(request|response)\.bin$/.exec(f)!;
      out.push({ file: f, requestType: m[1]!, direction: m[2] as 'request' | 'response' });
    }
  return out;
}

/** An Exchange rebuilt from a gromox-ruler `.meta.txt` and its two body files. */
export function loadMetaExchange(prefix: string, id = 1): Exchange {
  const text = readFileSync(join(FIXTURES, `${prefix}.meta.txt`), 'latin1');
  const section = (name: string): string[] => {
    const lines = text.split(/\r?\n/);
    const start = lines.indexOf(`[${name}]`);
    if (start < 0) return [];
    const out: string[] = [];
    for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('['); i++)
      if (lines[i]!.trim()) out.push(lines[i]!);
    return out;
  };
  const headersOf = (ls: string[]): RawHeader[] =>
    ls.map((l) => {
      const c = l.indexOf(':');
      return { name: l.slice(0, c), value: l.slice(c + 1).trim() };
    });
  const req = section('request');
  const [method, url, ver] = req[0]!.split(' ');
  const resp = section('response');
  const st = /^HTTP\/(\S+) (\d+) ?(.*)$/.exec(resp[0] ?? '');
  const body = (kind: string) => {
    const p = join(FIXTURES, `${prefix}.${kind}.bin`);
    return existsSync(p) ? new Uint8Array(readFileSync(p)) : new Uint8Array(0);
  };
  const ex: Exchange = {
    id,
    connectionId: 1,
    timings: { requestStart: 0 },
    request: {
      method: method!,
      url: url!,
      httpVersion: ver!.replace('HTTP/', ''),
      headers: headersOf(req.slice(1)),
      body: body('request'),
    },
    ...(st
      ? {
          response: {
            statusCode: Number(st[2]),
            statusMessage: st[3]!,
            httpVersion: st[1]!,
            headers: headersOf(resp.slice(1)),
            body: body('response'),
            chunks: [],
          },
        }
      : {}),
  };
  return ex;
}
