/**
 * Replay against the NTLM (and Negotiate) simulator: every new TCP connection
 * — the first, each one a drop's reconnect opens, each one an address switch
 * opens — runs its own handshake, exactly once, and the report lists them;
 * the CLI shows them and keeps credentials out of --out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureResponder } from '../../../electron/backend/simulator/capture-responder.js';
import { ExchangeSimulator } from '../../../electron/backend/simulator/index.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { parsePlan } from '../../../shared/replay/plan.js';
import { replayCapture } from '../../../electron/backend/replay/replayer.js';
import { openCapture } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';

const CAP1 = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler/cap1');
const session1 = () => loadBodyFolder(CAP1).exchanges.slice(0, 4);

let sims: ExchangeSimulator[] = [];
afterEach(async () => {
  for (const s of sims) await s.stop();
  sims = [];
});

describe('replay re-authenticates every new connection', () => {
  for (const kind of ['ntlm', 'negotiate'] as const)
    it(`${kind}: drop and address switches, one handshake per new connection`, async () => {
      const ex = session1();
      const sim = new ExchangeSimulator({
        responder: new CaptureResponder(ex),
        cookies: 'gromox',
        auth: { kind, user: 'CONTOSO\\alice', password: 'pw' },
      });
      await sim.start();
      sims.push(sim);
      const r = await replayCapture(ex, {
        target: sim.url,
        auth: { credentials: { user: 'alice', domain: 'CONTOSO', password: 'pw' } },
        plan: parsePlan('drop@2,address:127.0.0.5@3'),
      });
      expect(r.summary.failed).toBe(0);
      expect(r.switches.map((s) => s.verdict)).toEqual(['context-reestablished', 'context-kept']);
      const conns = [...new Set(r.exchanges.map((e) => e.replayed.connectionId))];
      const hs = r.auth!.handshakes;
      // Connect's connection, the reconnect after the drop, the switch to 127.0.0.5: three, each once.
      expect(conns).toHaveLength(3);
      expect(hs.map((h) => h.connectionId)).toEqual(conns);
      expect(hs.every((h) => h.ok && h.scheme === kind && h.legs === 2)).toBe(true);
      expect(hs.at(-1)!.localAddress).toBe('127.0.0.5');
      // The first exchange on each new connection says it needed a handshake.
      expect(r.exchanges.filter((e) => e.replayed.handshake).map((e) => e.replayed.handshake)).toEqual(
        conns.map((c) => `${kind.toUpperCase()} handshake on connection ${c}`),
      );
      // The server saw one anonymous 401 (which named the scheme) and one challenge per connection.
      expect(sim.log.filter((e) => e.httpStatus === 401)).toHaveLength(1 + conns.length);
      expect(r.auth!.scheme).toBe(kind);
    });

  it('the CLI prints the handshakes, and --out redacts Authorization', async () => {
    const ex = session1();
    const sim = new ExchangeSimulator({
      responder: new CaptureResponder(ex),
      cookies: 'gromox',
      auth: { kind: 'basic', user: 'alice', password: 'visible-if-leaked' },
    });
    await sim.start();
    sims.push(sim);
    const dir = mkdtempSync(join(tmpdir(), 'replay-out-'));
    try {
      const out = join(dir, 'r.mscap');
      let text = '';
      const code = await runCli(
        [
          'replay',
          CAP1,
          '--target',
          sim.url,
          '--session',
          '1',
          '--user',
          'alice',
          '--password',
          'visible-if-leaked',
          '--out',
          out,
        ],
        { stdout: (s) => (text += s), stderr: () => undefined },
      );
      expect(code).toBe(0);
      expect(text).toContain('  auth: basic as alice\n');
      const raw = readFileSync(out);
      expect(raw.includes(Buffer.from('visible-if-leaked'))).toBe(false);
      expect(raw.includes(Buffer.from(Buffer.from('alice:visible-if-leaked').toString('base64')))).toBe(false);
      const cap = await openCapture(out);
      try {
        const first = await cap.at(0);
        expect(first.request.headers.find((h) => h.name === 'Authorization')!.value).toMatch(
          /^Basic redacted-basic-1$/,
        );
      } finally {
        await cap.close();
      }
      // A wrong password: said once, naming the scheme, exit 1.
      let bad = '';
      const c2 = await runCli(
        ['replay', CAP1, '--target', sim.url, '--session', '1', '--user', 'alice', '--password', 'nope'],
        {
          stdout: (s) => (bad += s),
          stderr: () => undefined,
        },
      );
      expect(c2).toBe(1);
      expect(bad).toContain(
        'stopped: authentication failed: Basic: the server refused the credentials of alice (wrong user name or password, or the account may not use this server)\n',
      );
      // No credentials at all: which options are missing.
      let none = '';
      expect(
        await runCli(['replay', CAP1, '--target', sim.url, '--session', '1'], {
          stdout: (s) => (none += s),
          stderr: () => undefined,
        }),
      ).toBe(1);
      expect(none).toContain(
        'stopped: authentication failed: the server asks for Basic authentication: give --user (DOMAIN\\user or user@domain) and --password, or set MAPISCOPE_PASSWORD\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
