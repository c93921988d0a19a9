/**
 * The simulator and replay as backend services (RPC) and as CLI commands.
 */
import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backend } from '../../../electron/backend/backend.js';
import { defaultServices } from '../../../electron/backend/services.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import type { ReplayReport } from '../../../electron/backend/replay/replayer.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { buildConnectRequest } from '../../../electron/backend/simulator/index.js';
import { runCli } from '../../../electron/cli/main.js';
import { readCapture } from '../../../electron/backend/store/capture-file.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const CAP1 = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler/cap1');

describe('SimulatorService and ReplayService over RPC', () => {
  it('starts a simulator from the workspace, runs a replay with a switch, reports, stops', async () => {
    const backend = await Backend.start({ listen: false, services: defaultServices() });
    const logs: string[] = [];
    backend.events.on((e) => {
      if (e.type === 'log') logs.push(e.data.message);
    });
    try {
      await backend.workspace.replace(loadBodyFolder(CAP1).exchanges);
      expect(await backend.rpc.invoke('replay.check', { session: 99 })).toEqual({
        reason: 'the capture has 11 session(s); there is no session 99',
      });
      const sessions = (await backend.rpc.invoke('replay.sessions', {})) as { index: number; types: string[] }[];
      expect(sessions[0]).toMatchObject({ index: 1, types: ['Connect', 'Execute', 'Execute', 'Disconnect'] });
      const st = (await backend.rpc.invoke('simulator.start', {
        fromWorkspace: true,
        cookies: 'gromox',
        expiryMs: 5000,
      })) as { running: boolean; url: string; mode: string };
      expect(st).toMatchObject({ running: true, mode: 'capture' });
      await expect(backend.rpc.invoke('simulator.start', {})).rejects.toThrow(/already runs/);
      await expect(backend.rpc.invoke('replay.start', { target: 'simulator', plan: 'teleport@2' })).rejects.toThrow(
        /unknown kind "teleport"/,
      );
      const run = (await backend.rpc.invoke('replay.start', { target: 'simulator', session: 1, plan: 'drop@3' })) as {
        id: number;
      };
      let state = 'running';
      for (let i = 0; i < 200 && state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        state = ((await backend.rpc.invoke('replay.status', { id: run.id })) as { state: string }).state;
      }
      expect(state).toBe('done');
      const report = (await backend.rpc.invoke('replay.report', { id: run.id })) as ReplayReport;
      expect(report.target).toBe(st.url);
      expect(report.switches).toMatchObject([
        { step: 'drop:after-send@3', verdict: 'context-reestablished', redone: 1 },
      ]);
      expect(report.summary).toMatchObject({ replayed: 4, succeeded: 4, failed: 0, recoveryRequests: 3 });
      expect(logs).toContain('replay 1: drop:after-send@3 → context-reestablished');
      expect(logs.filter((l) => l.startsWith('simulator: Connect → 0'))).toHaveLength(2);
      const status = (await backend.rpc.invoke('simulator.status', {})) as {
        requests: number;
        byResponseCode: Record<string, number>;
      };
      expect(status.byResponseCode).toEqual({ '0': 7 });
      await expect(backend.rpc.invoke('replay.recorded', { id: run.id })).rejects.toThrow(
        /started without record: true/,
      );
      // A recorded run: the replayed traffic comes back as exchange DTOs naming their originals.
      const rec = (await backend.rpc.invoke('replay.start', { target: 'simulator', session: 1, record: true })) as {
        id: number;
      };
      let st2 = 'running';
      for (let i = 0; i < 200 && st2 === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        st2 = ((await backend.rpc.invoke('replay.status', { id: rec.id })) as { state: string }).state;
      }
      expect(st2).toBe('done');
      expect(
        ((await backend.rpc.invoke('replay.report', { id: rec.id })) as { recordedCount: number }).recordedCount,
      ).toBe(4);
      const dtos = (await backend.rpc.invoke('replay.recorded', { id: rec.id })) as {
        comment?: string;
        request: { body: string };
      }[];
      expect(dtos.map((d) => d.comment)).toEqual([
        'replay of #1 (replay)',
        'replay of #2 (replay)',
        'replay of #3 (replay)',
        'replay of #4 (replay)',
      ]);
      expect(Buffer.from(dtos[3]!.request.body, 'base64')).toEqual(Buffer.from([0, 0, 0, 0]));
      expect(await backend.rpc.invoke('simulator.stop', {})).toEqual({ running: false });
    } finally {
      await backend.stop();
    }
  });
});

describe('simulator from a capture looks like the captured server', () => {
  it('takes cookie names, timers and X-ServerApplication from the capture unless given', async () => {
    const { SimulatorService } = await import('../../../electron/backend/simulator/service.js');
    const svc = new SimulatorService();
    try {
      const st = await svc.start({ exchanges: loadBodyFolder(CAP1).exchanges });
      expect(st).toMatchObject({
        running: true,
        mode: 'capture',
        cookies: { context: 'sid', sequence: 'sequence' },
        expiryMs: 900000,
        pendingPeriodMs: 30000,
      });
      const c = new MapiClient(svc.simulator!.url);
      const r = await c.send('/mapi/emsmdb/?MailboxId=a@b', 'Connect', buildConnectRequest('/o=x/cn=y'));
      c.close();
      expect(r.headers.find((h) => h.name === 'X-ServerApplication')?.value).toBe('Exchange/15.00.0847.4040');
      await svc.stop();
      const own = await svc.start({
        exchanges: loadBodyFolder(CAP1).exchanges,
        cookies: 'exchange',
        expiryMs: 1234,
      });
      expect(own).toMatchObject({ cookies: { context: 'MapiContext', sequence: 'MapiSequence' }, expiryMs: 1234 });
    } finally {
      await svc.stop();
    }
  });
});

describe('mapiscope replay and simulate', () => {
  it('replay --target simulator --json prints the report; exit 0', async () => {
    let out = '';
    let err = '';
    const code = await runCli(
      ['replay', CAP1, '--target', 'simulator', '--session', '1', '--plan', 'stale@3', '--json'],
      {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
      },
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as ReplayReport;
    expect(report.switches).toMatchObject([
      { step: 'stale@3', verdict: 'sequence-rejected-recovered', responseCodes: [15, 0] },
    ]);
    expect(err).toContain('switch stale@3: sequence-rejected-recovered');
  });

  it('replay --out writes the replayed traffic as a capture that reads back, linked to the originals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapiscope-replay-'));
    try {
      const out = join(dir, 'replayed.mscap');
      let err = '';
      const code = await runCli(
        ['replay', CAP1, '--target', 'simulator', '--session', '1', '--plan', 'drop@3', '--out', out],
        { stdout: () => undefined, stderr: (s) => (err += s) },
      );
      expect(code).toBe(0);
      expect(err).toContain(`wrote 7 replayed exchange(s) to ${out}`);
      const back: Exchange[] = [];
      for await (const ex of readCapture(out)) back.push(ex);
      expect(back.map((e) => e.comment)).toEqual([
        'replay of #1 (replay)',
        'replay of #2 (replay)',
        'replay of #3 (replay)',
        'replay of #1 (reconnect)',
        'replay of #2 (redo)',
        'replay of #3 (resend)',
        'replay of #4 (replay)',
      ]);
      expect(back[2]!.aborted?.kind).toBe('client-reset');
      expect(back[2]!.response).toBeUndefined();
      expect(back[6]!.response?.statusCode).toBe(200);
      // The written capture loads again (shared loader) and shows the reconnect as a second session.
      let listed = '';
      expect(
        await runCli(['replay', out, '--list', '--json'], { stdout: (s) => (listed += s), stderr: () => undefined }),
      ).toBe(0);
      expect((JSON.parse(listed) as { types: string[] }[]).map((x) => x.types)).toEqual([
        ['Connect', 'Execute', 'Execute'],
        ['Connect', 'Execute', 'Execute', 'Disconnect'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replay exits 2 on a bad plan and 1 when a target is dead', async () => {
    let err = '';
    expect(
      await runCli(['replay', CAP1, '--target', 'simulator', '--plan', 'drop@x'], {
        stdout: () => undefined,
        stderr: (s) => (err += s),
      }),
    ).toBe(2);
    expect(err).toContain('plan step "drop@x" is not kind[:arg]@N[:arg]');
    let out = '';
    const code = await runCli(
      ['replay', CAP1, '--target', 'http://127.0.0.1:1', '--session', '1', '--timeout-ms', '2000'],
      { stdout: (s) => (out += s), stderr: () => undefined },
    );
    expect(code).toBe(1);
    expect(out).toMatch(/^replayed 1 exchange\(s\) in \d+ ms: 0 succeeded, 1 failed/);
    expect(out).toContain(
      'stopped: cannot connect to 127.0.0.1:1: connection refused by 127.0.0.1:1: nothing listens there (server down or wrong port)\n',
    );
    expect(out).not.toContain('switch');
    // A capture that changes the mailbox needs --allow-changes against a server (not the simulator).
    let err2 = '';
    expect(
      await runCli(['replay', CAP1, '--target', 'http://127.0.0.1:1'], {
        stdout: () => undefined,
        stderr: (s) => (err2 += s),
      }),
    ).toBe(1);
    expect(err2).toContain(
      "2 captured request(s) change the mailbox (#26 RopCreateFolder, RopSetProperties; #31 RopModifyRules): replaying them changes the target's real mailbox; give --allow-changes",
    );
  });

  it('simulate --json prints the endpoints, serves until stopped', async () => {
    let out = '';
    let err = '';
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => (stop = r));
    const running = runCli(['simulate', '--json', '--cookies', 'gromox', '--expiry-ms', '700'], {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      stopSignal,
    });
    for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    const info = JSON.parse(out) as { url: string; emsmdb: string; cookies: { context: string }; expiryMs: number };
    expect(info).toMatchObject({ cookies: { context: 'sid', sequence: 'sequence' }, expiryMs: 700 });
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = new MapiClient(info.url);
    const r = await c.send(
      new URL(info.emsmdb).pathname + new URL(info.emsmdb).search,
      'Connect',
      buildConnectRequest('/o=x/cn=y'),
    );
    c.close();
    expect(r.responseCode).toBe(0);
    stop();
    expect(await running).toBe(0);
    expect(err).toMatch(/conn 1 127\.0\.0\.1 Connect ctx 1 → 200 X-ResponseCode 0/);
    expect(err).toContain('stopped after 1 request(s): {"0":1}');
  });
});
