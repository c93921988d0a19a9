import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../electron/cli/main.js';

interface J {
  id: number;
  requestType: string;
  request?: { errors: unknown[]; tree: unknown };
  response?: { errors: unknown[] };
}

describe('mapiscope decode on a whole capture uses the session model', () => {
  it('decodes the ruler⇄gromox folder with handle origins from earlier exchanges', async () => {
    let out = '';
    const code = await runCli(['decode', 'test/fixtures/gromox-ruler/cap1', '--json'], {
      stdout: (s) => (out += s),
      stderr: () => {},
    });
    expect(code).toBe(0);
    const all = JSON.parse(out) as J[];
    expect(all).toHaveLength(52);
    expect(all.flatMap((x) => [...(x.request?.errors ?? []), ...(x.response?.errors ?? [])])).toEqual([]);
    // Exchange 3 acts on a handle the server never issued: the session model says so in a generated node.
    const text = JSON.stringify(all[2]!.request!.tree);
    expect(text).toContain(
      '"name":"InputHandle","value":201326592,"display":"0x0C000000: never returned by the server in this session"',
    );
    // Exchange 2's RopLogon handle is the origin of later handles in the same session.
    expect(JSON.stringify(all[3]!.request?.tree ?? {})).not.toContain('context unavailable');
  });

  it('refuses a folder that holds no MAPI bodies', async () => {
    let err = '';
    const code = await runCli(['decode', 'test/fixtures/syncgw'], { stdout: () => {}, stderr: (s) => (err += s) });
    expect(code).toBe(1);
    expect(err).toContain('is a folder but not a folder of MAPI bodies');
  });
});
