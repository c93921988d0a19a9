/**
 * A scratch Linux desktop for the system-proxy tests: GNOME settings in a keyfile under a
 * temporary XDG_CONFIG_HOME (never the real user's dconf), a temporary HOME and data folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { CertificateAuthority } from '../../../electron/backend/ca/ca.js';

export const BIN = path.resolve(__dirname, '../../../bin/mapiscope.mjs');

export interface ScratchDesktop {
  root: string;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  config: string;
  home: string;
  gsettings(...args: string[]): string;
  /** Every org.gnome.system.proxy value, as `gsettings list-recursively` prints them. */
  proxyValues(): string;
  /** Runs `mapiscope …` to completion. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts `mapiscope …` and resolves once stderr matches `ready`. */
  start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; out: { stdout: string; stderr: string } }>;
  dispose(): Promise<void>;
}

/** `caDir`: a CA folder to copy into the data folder (making a CA takes seconds). */
export async function scratchDesktop(caDir?: string): Promise<ScratchDesktop> {
  const root = await mkdtemp(path.join(tmpdir(), 'mapiscope-desktop-'));
  const config = path.join(root, 'config');
  const home = path.join(root, 'home');
  const dataDir = path.join(root, 'data');
  await mkdir(config, { recursive: true });
  await mkdir(home, { recursive: true });
  if (caDir) await cp(caDir, path.join(dataDir, 'ca'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GSETTINGS_BACKEND: 'keyfile',
    XDG_CONFIG_HOME: config,
    HOME: home,
    MAPISCOPE_DATA_DIR: dataDir,
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const kids: ChildProcess[] = [];
  const gsettings = (...args: string[]) => execFileSync('gsettings', args, { env, encoding: 'utf8' }).trim();
  return {
    root,
    env,
    dataDir,
    config,
    home,
    gsettings,
    proxyValues: () => gsettings('list-recursively', 'org.gnome.system.proxy'),
    cli: (...args) =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        c.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      }),
    start: (args, ready) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        kids.push(child);
        const out = { stdout: '', stderr: '' };
        const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${out.stderr}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => {
          out.stderr += d.toString();
          if (ready.test(out.stderr)) {
            clearTimeout(timer);
            resolve({ child, out });
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code} before ready: ${out.stderr}`));
        });
      }),
    async dispose() {
      for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Fails clearly where the tools the tests need are missing (.ci/run installs them). */
export function requireTools(): void {
  const missing = ['gsettings', 'certutil'].filter(
    (t) => !['/usr/bin', '/bin', '/usr/local/bin'].some((d) => existsSync(path.join(d, t))),
  );
  if (missing.length)
    throw new Error(
      `missing ${missing.join(', ')}: apt-get install libglib2.0-bin gsettings-desktop-schemas libnss3-tools`,
    );
}

/**
 * Registers the hooks every desktop test file uses: tools checked and one CA made per file,
 * a fresh scratch desktop handed to `use` before each test and disposed after it.
 */
export function scratchDesktopPerTest(use: (desktop: ScratchDesktop) => void): void {
  let caDir: string;
  let d: ScratchDesktop | undefined;
  beforeAll(async () => {
    requireTools();
    caDir = await mkdtemp(path.join(tmpdir(), 'mapiscope-ca-'));
    await CertificateAuthority.loadOrCreate(caDir);
  });
  afterAll(async () => {
    await rm(caDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    d = await scratchDesktop(caDir);
    use(d);
  });
  afterEach(async () => {
    await d?.dispose();
    d = undefined;
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c)),
  );
}
