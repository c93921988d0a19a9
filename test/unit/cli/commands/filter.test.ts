/**
 * `mapiscope filter --json` names the HTTP head node a header or status filter
 * matched, by the path the UI's tree gives it (head trees rooted at "h").
 * Capture: test/fixtures/gromox-ruler/cap1 (ruler against gromox 2.4; test/fixtures/README.md).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../../../../electron/cli/main.js';
import { FIXTURES } from '../../protocol/transport-helpers.js';

const CAP1 = join(FIXTURES, 'gromox-ruler/cap1');
const CLIENT_INFO = '{2F94A2BF-A2E6-4CCC-BF98-B5F22C542226}';

interface Matched {
  field: string;
  value?: unknown;
  side?: string;
  path?: string;
  namePath?: string;
}

async function filter(expr: string): Promise<{ id: number; type: string; matched: Matched[] }[]> {
  let out = '';
  let err = '';
  const code = await runCli(['filter', CAP1, expr, '--json'], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  });
  expect(code, err).toBe(0);
  return JSON.parse(out) as { id: number; type: string; matched: Matched[] }[];
}

describe('mapiscope filter --json: HTTP head paths', () => {
  it('a header filter reports the header node of each side that holds it', async () => {
    const r = await filter(`http.header["x-clientinfo"] == "${CLIENT_INFO}" and mapi.type == Connect`);
    expect(r.map((x) => x.id)).toEqual([1, 5, 10, 17, 22, 28, 34, 39, 44, 48]);
    // 001-mapi-emsmdb-Connect.meta.txt: X-Clientinfo is the request's 8th header, X-ClientInfo the response's 5th.
    expect(r[0]!.matched).toEqual([
      {
        field: 'http.request.header["X-Clientinfo"]',
        value: CLIENT_INFO,
        side: 'request',
        path: 'h.1.7',
        namePath: 'HttpRequest/Headers/X-Clientinfo',
      },
      {
        field: 'http.response.header["X-ClientInfo"]',
        value: CLIENT_INFO,
        side: 'response',
        path: 'h.1.4',
        namePath: 'HttpResponse/Headers/X-ClientInfo',
      },
      { field: 'mapi.type', value: 'Connect' },
    ]);
  });

  it('a side-bound header filter reports that side only; an Execute request carries a Cookie header first', async () => {
    const r = await filter(`http.request.header["X-ClientInfo"] contains "2F94A2BF" and mapi.type == Execute`);
    expect(r[0]!.id).toBe(2);
    expect(r[0]!.matched).toEqual([
      {
        field: 'http.request.header["X-Clientinfo"]',
        value: CLIENT_INFO,
        side: 'request',
        path: 'h.1.8',
        namePath: 'HttpRequest/Headers/X-Clientinfo',
      },
      { field: 'mapi.type', value: 'Execute' },
    ]);
  });

  it('a status filter reports the status line node of the response', async () => {
    const r = await filter('http.status == 200 and mapi.type == Disconnect');
    expect(r.map((x) => x.id)).toEqual([4, 9, 16, 21, 27, 33, 38, 43, 52]);
    for (const x of r)
      expect(x.matched).toEqual([
        {
          field: 'http.status',
          value: 200,
          side: 'response',
          path: 'h.0.1',
          namePath: 'HttpResponse/StatusLine/StatusCode',
        },
        { field: 'mapi.type', value: 'Disconnect' },
      ]);
    expect(await filter('http.status == 500')).toEqual([]);
  });
});
