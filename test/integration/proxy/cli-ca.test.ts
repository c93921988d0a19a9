import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../../electron/cli/commands/capture.js';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../../bin/mapiscope.mjs');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'msclica-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => run(process.execPath, [BIN, ...args, '--data-dir', root], { timeout: 30_000 });

describe('mapiscope ca', () => {
  it('path, export --pem / --der (same certificate), status --json, trust-help', async () => {
    const p = (await cli('ca', 'path')).stdout.trim();
    expect(p).toBe(path.join(root, 'ca', 'certs', 'ca.pem'));
    const pem = (await cli('ca', 'export', '--pem')).stdout;
    expect(pem).toBe(await readFile(p, 'utf8'));
    const derFile = path.join(root, 'ca.cer');
    const r = await cli('ca', 'export', '--der', '--out', derFile);
    expect(r.stderr).toBe(`wrote DER CA certificate to ${derFile}\n`);
    const der = await readFile(derFile);
    expect(new X509Certificate(der).fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
    const st = JSON.parse((await cli('ca', 'status', '--json')).stdout) as {
      fingerprint256: string;
      created: boolean;
      expired: boolean;
    };
    expect(st.fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
    expect(st).toMatchObject({ created: false, expired: false });
    const help = (await cli('ca', 'trust-help', '--platform', 'win32')).stdout;
    expect(help).toContain(`certutil -user -addstore Root "${p.replace(/\.pem$/, '.cer')}"`);
    await expect(cli('ca', 'export')).rejects.toMatchObject({ code: 2 });
    await expect(cli('ca', 'frobnicate')).rejects.toMatchObject({ code: 2 });
  }, 60_000);

  it('parses --listen forms', () => {
    expect(parseListen('127.0.0.1:8888')).toEqual({ host: '127.0.0.1', port: 8888 });
    expect(parseListen('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListen('host:99999')).toThrow('port out of range');
    expect(() => parseListen('nope')).toThrow('--listen expects HOST:PORT');
  });
});
