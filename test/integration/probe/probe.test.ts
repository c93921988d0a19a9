import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../../electron/backend/probe/probe.js';
import { ExchangeSimulator, MailboxResponder } from '../../../electron/backend/simulator/index.js';
import { runCli } from '../../../electron/cli/main.js';

let sim: ExchangeSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function start(opts: Partial<ConstructorParameters<typeof ExchangeSimulator>[0]> = {}) {
  sim = new ExchangeSimulator({
    responder: new MailboxResponder(),
    serverApplication: 'Exchange/15.02.2562.045',
    ...opts,
  });
  await sim.start();
  return sim;
}

describe('probe against the built-in simulator', () => {
  it('finds both endpoints, the auth scheme they ask for, and a PING with credentials', async () => {
    const s = await start({ auth: { kind: 'basic', user: 'alice', password: 'pw' } });
    const anon = await probe({ url: s.url, timeoutMs: 5000 });
    const byName = Object.fromEntries(anon.steps.map((x) => [x.name, x]));
    expect(byName['TLS certificate']).toMatchObject({
      verdict: 'warn',
      detail: 'plain HTTP: Outlook only uses MAPI over HTTP over HTTPS',
    });
    expect(byName['Mailbox endpoint (emsmdb PING)']).toMatchObject({
      verdict: 'ok',
      status: 401,
      detail: 'endpoint present; asks for Basic',
    });
    expect(byName['Address book endpoint (nspi PING)']).toMatchObject({ verdict: 'ok', status: 401 });
    expect(byName['Autodiscover (mapiHttp)']!.verdict).not.toBe('ok');

    const authed = await probe({ url: s.url, user: 'alice', password: 'pw', timeoutMs: 5000 });
    const ping = authed.steps.find((x) => x.name === 'Mailbox endpoint (emsmdb PING)')!;
    expect(ping).toMatchObject({ verdict: 'ok', status: 200 });
    expect(ping.detail).toMatch(/^PING answered \(X-ResponseCode 0\) by Exchange\/15\.02\.2562\.045 in \d+ ms$/);
    expect(authed.serverApplication).toBe('Exchange/15.02.2562.045');

    const refused = await probe({ url: s.url, user: 'alice', password: 'wrong', timeoutMs: 5000 });
    expect(refused.steps.find((x) => x.name === 'Mailbox endpoint (emsmdb PING)')!.detail).toBe(
      'endpoint present; asks for Basic — the given credentials were refused',
    );
  });

  it('reports an untrusted certificate and goes on with --insecure or the issuing CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    const s = await start({ tls: { key: readFileSync(join(dir, 'k.pem')), cert } });
    const strict = await probe({ url: s.url, timeoutMs: 5000 });
    expect(strict.verdict).toBe('fail');
    expect(strict.steps).toHaveLength(1);
    expect(strict.steps[0]!.detail).toMatch(
      /certificate "127\.0\.0\.1" issued by "127\.0\.0\.1".*NOT TRUSTED: (DEPTH_ZERO_SELF_SIGNED_CERT|self-signed certificate)/,
    );
    const insecure = await probe({ url: s.url, insecure: true, timeoutMs: 5000 });
    expect(insecure.steps[0]!.verdict).toBe('warn');
    expect(insecure.steps.find((x) => x.name === 'Mailbox endpoint (emsmdb PING)')).toMatchObject({
      verdict: 'ok',
      status: 200,
    });
    const withCa = await probe({ url: s.url, ca: cert, timeoutMs: 5000 });
    expect(withCa.steps[0]!.detail).toMatch(/expires in [0-2] day\(s\)$/);
    expect(withCa.steps[0]!.verdict).toBe('warn');
  });

  it('says when nothing listens, through the CLI with an exit code', async () => {
    let out = '';
    const code = await runCli(['probe', 'http://127.0.0.1:9/', '--timeout', '2000'], {
      stdout: (t) => (out += t),
      stderr: () => {},
    });
    expect(code).toBe(1);
    expect(out).toMatch(/✗ Mailbox endpoint \(emsmdb PING\)\n\s+connect ECONNREFUSED 127\.0\.0\.1:9/);
    expect(out).toContain('Verdict: fail');
    const bad = await runCli(['probe'], { stdout: () => {}, stderr: () => {} });
    expect(bad).toBe(2);
  });
});
