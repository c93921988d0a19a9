import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../../electron/backend/store/capture-file.js';
import { type RawUpstream, rawClient, rawUpstream, until } from './helpers.js';

const BIN = path.resolve(__dirname, '../../../bin/mapiscope.mjs');
let root: string;
let up: RawUpstream;
const kids: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mscli-'));
  up = await rawUpstream((r) => {
    const body = `resp ${up.requests.length}`;
    r.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
});
afterEach(() => {
  for (const k of kids.splice(0)) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
});
afterAll(async () => {
  await up.close();
  await rm(root, { recursive: true, force: true });
});

function startCli(out: string) {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'capture',
      '--port',
      '0',
      '--reverse',
      `http://127.0.0.1:${up.port}`,
      '--out',
      out,
      '--data-dir',
      path.join(root, 'data'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  kids.push(child);
  const io = { stderr: '', stdout: '' };
  child.stderr.on('data', (d: Buffer) => (io.stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (io.stdout += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, io, exited };
}

async function listenPort(io: { stderr: string }): Promise<number> {
  await until(() => /listening on 127\.0\.0\.1:(\d+)/.test(io.stderr), 20_000, 'the CLI to listen');
  return Number(/listening on 127\.0\.0\.1:(\d+)/.exec(io.stderr)![1]);
}

describe('mapiscope capture', () => {
  it('prints one line per exchange on stderr and stops cleanly on SIGINT with a valid file', async () => {
    const out = path.join(root, 'cli.mscap');
    const { child, io, exited } = startCli(out);
    const port = await listenPort(io);
    // The banner lines may arrive in separate stderr chunks.
    await until(() => io.stderr.includes(`writing ${out}`), 10_000, 'the banner naming the capture file');
    expect(io.stderr).toContain(`writing ${out}`);
    const c = await rawClient(port);
    let from = 0;
    for (let i = 0; i < 3; i++) {
      c.send(
        `POST /mapi/emsmdb/?MailboxId=x HTTP/1.1\r\nHost: mail\r\nX-RequestType: Execute\r\nContent-Length: 1\r\n\r\n${i}`,
      );
      from += (await c.response({ from })).raw.length;
    }
    await until(() => /#3 /.test(io.stderr), 10_000, 'three summary lines');
    expect(io.stderr).toMatch(/#1 c1 POST http:\/\/127\.0\.0\.1:\d+\/mapi\/emsmdb\/\?MailboxId=x Execute → 200 \d+B/);
    c.close();
    child.kill('SIGINT');
    const r = await exited;
    expect(r, io.stderr).toEqual({ code: 0, signal: null });
    expect(io.stderr).toContain(`3 exchange(s) written to ${out}`);
    const cap = await openCapture(out);
    expect(cap.count).toBe(3);
    expect(cap.tornTail).toBeUndefined();
    expect(Buffer.from((await cap.get(3)).request.body).toString()).toBe('2');
    await cap.close();
  }, 40_000);

  it('kill -9 mid-traffic: every exchange the CLI reported as written is in the file', async () => {
    const out = path.join(root, 'killed.mscap');
    const { child, io, exited } = startCli(out);
    const port = await listenPort(io);
    const clients = await Promise.all([rawClient(port), rawClient(port)]);
    let stop = false;
    // Two clients hammer the proxy until it dies.
    const loops = clients.map(async (c) => {
      let from = 0;
      for (let i = 0; i < 2000 && !stop; i++) {
        c.send('POST /mapi/emsmdb/ HTTP/1.1\r\nHost: m\r\nContent-Length: 5\r\n\r\nhello');
        try {
          from += (await c.response({ from, timeoutMs: 3000 })).raw.length;
        } catch {
          return;
        }
      }
    });
    await until(() => (io.stderr.match(/^#\d+ /gm) ?? []).length >= 40, 20_000, '40 exchanges');
    child.kill('SIGKILL');
    const r = await exited;
    stop = true;
    expect(r.signal).toBe('SIGKILL');
    await Promise.all(loops);
    for (const c of clients) c.close();
    const reported = (io.stderr.match(/^#(\d+) /gm) ?? []).map((l) => Number(l.slice(1)));
    expect(reported.length).toBeGreaterThanOrEqual(40);
    const cap = await openCapture(out);
    // Everything reported is in the file (a line is printed only after its record was written).
    for (const id of reported) expect(cap.ids).toContain(id);
    expect(cap.count).toBeGreaterThanOrEqual(reported.length);
    expect(cap.ids).toEqual(Array.from({ length: cap.count }, (_, i) => i + 1));
    if (cap.tornTail) expect(cap.tornTail.bytes).toBeGreaterThan(0);
    await cap.close();
  }, 60_000);

  it('rejects bad usage with exit code 2', async () => {
    const child = spawn(process.execPath, [BIN, 'capture', '--reverse', 'ftp://x'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kids.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('--reverse expects http(s)://host:port, got "ftp://x"');
  }, 30_000);
});
