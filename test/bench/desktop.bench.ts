/**
 * Desktop integration bench, each figure beside a baseline of the same run:
 *  - system-proxy on + off round trip through the real GNOME store (gsettings, keyfile backend in a
 *    scratch XDG_CONFIG_HOME: the journal, reads, writes, read-back and restore), vs one bare
 *    `gsettings get` run (what a single tool call costs on this machine).
 *  - the PAC script fetched from the capturing proxy's port (built per request from the hosts), p50
 *    over sequential keep-alive requests, vs the same bytes from a bare node:http server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CaptureService } from '../../electron/backend/capture-service.js';
import { SystemProxy } from '../../electron/backend/system-proxy/controller.js';
import { GnomeProxyStore } from '../../electron/backend/system-proxy/gnome.js';
import { routeTarget } from '../../electron/backend/system-proxy/routing.js';
import { execRunner } from '../../electron/backend/system-proxy/runner.js';
import type { Bench, BenchResult } from './types.js';

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function get(agent: http.Agent, port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t0));
      })
      .on('error', reject);
  });
}

const bench: Bench = {
  name: 'desktop',
  async run({ quick }) {
    const dir = await mkdtemp(path.join(tmpdir(), 'msbench-desktop-'));
    const env = { GSETTINGS_BACKEND: 'keyfile', XDG_CONFIG_HOME: path.join(dir, 'config') };
    const out: BenchResult[] = [];
    try {
      const runner = execRunner(env);
      const sp = new SystemProxy({
        dataDir: path.join(dir, 'data'),
        runner,
        stores: async () => [new GnomeProxyStore(runner)],
      });
      const rounds = quick ? 3 : 9;
      const onOff: number[] = [];
      const tool: number[] = [];
      for (let r = 0; r < rounds; r++) {
        let t0 = performance.now();
        await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), {
          kind: 'persistent',
          pid: process.pid,
          command: 'bench',
        });
        await sp.off();
        onOff.push(performance.now() - t0);
        t0 = performance.now();
        await run('gsettings', ['get', 'org.gnome.system.proxy', 'mode'], { env: { ...process.env, ...env } });
        tool.push(performance.now() - t0);
      }
      const a = median(onOff);
      const b = median(tool);
      out.push({
        name: 'system-proxy on + off round trip (GNOME keyfile store, PAC)',
        value: Number(a.toFixed(1)),
        unit: 'ms',
        baseline: { name: 'one `gsettings get` run', value: Number(b.toFixed(1)) },
        ratio: Number((a / b).toFixed(1)),
        note: 'the tool runs dominate: read, write, read back, then read and restore',
      });

      const svc = new CaptureService({ dataDir: path.join(dir, 'cap') });
      const st = await svc.start({ out: path.join(dir, 'b.mscap'), routeHosts: ['mail.contoso.com'] });
      const pac = await new Promise<string>((resolve) =>
        http.get({ host: '127.0.0.1', port: st.port, path: '/mapiscope.pac' }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => resolve(t));
        }),
      );
      const bare = http.createServer((_q, res) => {
        res.writeHead(200, {
          'Content-Type': 'application/x-ns-proxy-autoconfig',
          'Content-Length': Buffer.byteLength(pac),
        });
        res.end(pac);
      });
      await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
      const barePort = (bare.address() as AddressInfo).port;
      const n = quick ? 300 : 2000;
      const ours: number[] = [];
      const base: number[] = [];
      const agentA = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const agentB = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let r = 0; r < 4; r++) {
        for (let i = 0; i < n / 4; i++) ours.push(await get(agentA, st.port!, '/mapiscope.pac?hosts=ex01.contoso.com'));
        for (let i = 0; i < n / 4; i++) base.push(await get(agentB, barePort, '/'));
      }
      agentA.destroy();
      agentB.destroy();
      bare.close();
      await svc.stop();
      const pa = median(ours);
      const pb = median(base);
      out.push({
        name: `PAC fetched from the proxy port, latency p50 (${pac.length} B script)`,
        value: Number(pa.toFixed(3)),
        unit: 'ms',
        baseline: { name: 'same bytes from a bare node:http server', value: Number(pb.toFixed(3)) },
        ratio: Number((pa / pb).toFixed(2)),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return out;
  },
};

export default bench;
