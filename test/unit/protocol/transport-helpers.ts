/** Fixture loading for the transport decoder tests (Node side only). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBodyFolderEntry } from '../../../shared/capture/body-folder.js';
import type { Exchange } from '../../../shared/capture/exchange.js';

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

/** An Exchange rebuilt from a gromox-ruler `.meta.txt` and its two body files (the body-folder parser). */
export function loadMetaExchange(prefix: string, id = 1): Exchange {
  const body = (kind: string): Uint8Array | undefined => {
    const p = join(FIXTURES, `${prefix}.${kind}.bin`);
    return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
  };
  const response = body('response');
  const ex = parseBodyFolderEntry(
    {
      name: prefix,
      meta: readFileSync(join(FIXTURES, `${prefix}.meta.txt`), 'latin1'),
      request: body('request') ?? new Uint8Array(0),
      ...(response ? { response } : {}),
    },
    id,
    new Map(),
  );
  return { ...ex, connectionId: 1 };
}
