/** Starts the real headless backend (`mapiscope serve`) as a child process for e2e tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunningBackend {
  url: string;
  origin: string;
  token: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
  rpc<T = unknown>(method: string, params?: unknown): Promise<T>;
}

/** `env`: the backend's whole environment (e.g. a scratch desktop's), default this process's. */
export async function startBackend(extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<RunningBackend> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const proc = spawn(process.execPath, [path.join(root, 'bin/mapiscope.mjs'), 'serve', '--json', ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`backend did not start in 20 s: ${stderr}`)), 20_000);
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(buf.slice(0, nl)));
      }
    });
    proc.on('exit', (code) => reject(new Error(`backend exited with ${code}: ${stderr}`)));
  });
  const origin = `http://127.0.0.1:${info.port}`;
  return {
    ...info,
    origin,
    proc,
    async rpc<T>(method: string, params: unknown = {}) {
      const r = await fetch(`${origin}/api/rpc/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
      if (!r.ok) throw new Error(`${method}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGINT');
      }),
  };
}
