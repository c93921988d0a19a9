/**
 * `mapiscope probe` end to end on 127.0.0.1 against the simulator: a whole
 * logon (Autodiscover → Connect → RopLogon → RopOpenFolder → Disconnect; Bind →
 * DNToMId → Unbind; PING) over NTLM, Negotiate and Basic, and each failure a
 * support engineer meets, named in plain words with the right exit code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../electron/backend/probe/probe.js';
import { latencyOf, percentile } from '../../../electron/backend/probe/series.js';
import {
  ExchangeSimulator,
  MailboxResponder,
  type SimulatorOptions,
} from '../../../electron/backend/simulator/index.js';
import { openCapture } from '../../../electron/backend/store/capture-file.js';
import { runCli } from '../../../electron/cli/main.js';

let sims: ExchangeSimulator[] = [];
afterEach(async () => {
  for (const s of sims) await s.stop();
  sims = [];
});
async function start(opts: Partial<SimulatorOptions> = {}) {
  const s = new ExchangeSimulator({ responder: new MailboxResponder(), ...opts });
  await s.start();
  sims.push(s);
  return s;
}
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let dir = '';
let cert = '';
let key = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-'));
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
      '30',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  // Self-signed for 127.0.0.1: untrusted, unless --ca names it (it is its own issuer).
  cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  key = readFileSync(join(dir, 'k.pem'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL = [
  'TLS certificate',
  'Autodiscover (mapiHttp)',
  'Connect (emsmdb)',
  'Logon to the mailbox (RopLogon)',
  'Open Inbox (RopOpenFolder)',
  'Disconnect (emsmdb)',
  'Bind (nspi)',
  'Find the user (nspi DNToMId)',
  'Unbind (nspi)',
  'PING (emsmdb)',
  'PING (nspi)',
];

describe('probe: a logon, step by step', () => {
  it('succeeds over HTTPS with NTLM (DOMAIN\\user): every step, each with its codes, exit 0', async () => {
    const s = await start({ tls: { key, cert }, auth: { kind: 'ntlm', user: 'CONTOSO\\alice', password: 's3cret!' } });
    const r = await cli([
      'probe',
      s.url,
      '--user',
      'CONTOSO\\alice',
      '--password',
      's3cret!',
      '--email',
      'alice@contoso.test',
      '--ca',
      join(dir, 'c.pem'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.result).toBe('Succeeded');
    expect(rep.identity).toBe('CONTOSO\\alice');
    expect(rep.steps.map((x: { name: string; result: string }) => [x.name, x.result])).toEqual(
      ALL.map((n) => [n, 'Succeeded']),
    );
    const by = Object.fromEntries(rep.steps.map((x: { id: string }) => [x.id, x]));
    expect(by.tls.detail).toMatch(/certificate "127\.0\.0\.1" issued by "127\.0\.0\.1", valid until .*; trusted$/);
    expect(by.autodiscover.detail).toContain(
      `POX: mapiHttp MailStore ${s.url}/mapi/emsmdb/?MailboxId=alice%40contoso.test`,
    );
    expect(by.autodiscover.auth).toBe('NTLM handshake on connection ' + by.autodiscover.auth.split(' ').at(-1));
    expect(by.connect).toMatchObject({
      status: 200,
      responseCode: 0,
      responseCodeName: 'Success',
      returnValue: 'Success',
    });
    expect(by.connect.requestId).toMatch(/^\{[0-9A-F-]{36}\}:1$/);
    expect(by.logon).toMatchObject({ returnValue: 'Success' });
    expect(by.logon.detail).toMatch(/^private logon, Inbox folder id 0x[0-9a-f]{16}$/);
    expect(by['open-inbox'].returnValue).toBe('Success');
    expect(by.resolve.detail).toMatch(/cn=alice is MId 0x10$/);
    // PING carries ?MailboxId= (a bare /mapi/emsmdb/ is not the endpoint).
    expect(by['ping-emsmdb'].url).toBe(`${s.url}/mapi/emsmdb/?MailboxId=alice%40contoso.test`);
    for (const x of rep.steps) expect(x.end).toBeGreaterThanOrEqual(x.start);
    expect(rep.mapiHttp.source).toBe('Autodiscover');
    expect(r.out + r.err).not.toContain('s3cret!');
  });

  it('the text output mirrors Test-OutlookConnectivity (identity, start, end, result, error)', async () => {
    const s = await start({ auth: { kind: 'negotiate', user: 'alice', password: 'pw' } });
    const r = await cli(['probe', s.url, '--user', 'alice@contoso.test', '--password', 'pw']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[1]).toMatch(/^Identity\s+Scenario\s+StartTime\s+EndTime\s+Latency\s+Result\s+Error$/);
    expect(lines[2]).toMatch(
      /^alice@contoso\.test\s+Autodiscover \(mapiHttp\)\s+\d\d:\d\d:\d\d\.\d{3}\s+\d\d:\d\d:\d\d\.\d{3}\s+\d+ ms\s+Succeeded\s*$/,
    );
    expect(r.out).toContain('authentication: negotiate, 3 handshake(s)');
    expect(r.out).toContain('note: Negotiate: Kerberos is not available to MapiScope on this platform');
    expect(r.out).toMatch(/Result: Succeeded\n$/);
  });

  for (const kind of ['ntlm', 'negotiate', 'basic'] as const)
    it(`a wrong password is a failure naming the scheme (${kind}), exit 1`, async () => {
      const s = await start({ auth: { kind, user: 'alice', password: 'right' } });
      const r = await probe({
        url: s.url,
        email: 'alice@contoso.test',
        auth: { credentials: { user: 'alice', password: 'wrong-pw' } },
      });
      expect(r.result).toBe('Failed');
      const name = { ntlm: 'NTLM', negotiate: 'Negotiate', basic: 'Basic' }[kind];
      expect(r.steps[0]).toMatchObject({ id: 'autodiscover', result: 'Failed', status: 401 });
      expect(r.steps[0]!.error).toBe(
        `${name}: the server refused the credentials of alice (wrong user name or password, or the account may not use this server)`,
      );
      expect(
        r.steps.slice(1).every((x) => x.result === 'Skipped' && x.error === 'not run: authentication failed'),
      ).toBe(true);
      expect(JSON.stringify(r)).not.toContain('wrong-pw');
    });

  it('no credentials against a server that wants them: says which options are missing', async () => {
    const s = await start({ auth: { kind: 'ntlm', user: 'alice', password: 'pw' } });
    const r = await cli(['probe', s.url, '--email', 'alice@contoso.test']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'the server asks for NTLM authentication: give --user (DOMAIN\\user or user@domain) and --password, or set MAPISCOPE_PASSWORD',
    );
  });

  it('the password may come from MAPISCOPE_PASSWORD; without it and without a terminal the CLI says how to give it', async () => {
    const s = await start({ auth: { kind: 'ntlm', user: 'alice', password: 'from-env' } });
    process.env.MAPISCOPE_PASSWORD = 'from-env';
    try {
      expect((await cli(['probe', s.url, '--user', 'alice@contoso.test'])).code).toBe(0);
    } finally {
      delete process.env.MAPISCOPE_PASSWORD;
    }
    const r = await cli(['probe', s.url, '--user', 'alice@contoso.test']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'no password for alice@contoso.test: give --password, set MAPISCOPE_PASSWORD, or run in a terminal to be asked',
    );
  });

  it('server down: one plain sentence, the rest not run, exit 1', async () => {
    const port = await freePort();
    const r = await cli(['probe', `http://127.0.0.1:${port}`, '--email', 'alice@contoso.test']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `connection refused by 127.0.0.1:${port}: nothing listens there (server down or wrong port)`,
    );
    expect(r.out).toContain('not run: the server cannot be reached');
    expect(r.out).not.toMatch(/ECONNREFUSED|Parse Error/);
  });

  it('untrusted certificate: the TLS step fails and says -k; with -k the logon runs but the result stays Failed', async () => {
    const s = await start({ tls: { key, cert } });
    const strict = await probe({ url: s.url, email: 'alice@contoso.test' });
    expect(strict.steps[0]).toMatchObject({ id: 'tls', result: 'Failed' });
    expect(strict.steps[0]!.error).toBe(
      'TLS: self-signed certificate for 127.0.0.1; Outlook refuses it too (use -k to probe on anyway, or --ca FILE to trust its issuer)',
    );
    expect(strict.steps.slice(1).every((x) => x.error === 'not run: the certificate is not trusted')).toBe(true);
    const k = await probe({ url: s.url, email: 'alice@contoso.test', insecure: true });
    expect(k.steps[0]!.error).toMatch(/— going on because of -k$/);
    expect(k.steps.slice(1).every((x) => x.result === 'Succeeded')).toBe(true);
    expect(k.result).toBe('Failed');
  });

  it('Autodiscover without mapiHttp: a failure that says so; a MAPI URL on the command line still runs and wins', async () => {
    const s = await start({ autodiscover: { mapiHttp: false } });
    const r = await probe({ url: s.url, email: 'alice@contoso.test' });
    expect(r.steps[0]).toMatchObject({ id: 'autodiscover', result: 'Failed' });
    expect(r.steps[0]!.error).toBe(
      'Autodiscover answered for alice@contoso.test but offers no mapiHttp protocol (POX and JSON): MAPI over HTTP is disabled for this mailbox or server; Outlook would use Outlook Anywhere',
    );
    expect(r.steps.find((x) => x.id === 'connect')!.error).toBe(
      'not run: no MAPI URL (Autodiscover gave none; give the /mapi/emsmdb/?MailboxId=… URL)',
    );
    const url = `${s.url}/mapi/emsmdb/?MailboxId=given@contoso.test`;
    const g = await probe({ url, email: 'alice@contoso.test', dn: '/o=Contoso/cn=Recipients/cn=alice' });
    expect(g.mapiHttp).toEqual({
      mailStore: url,
      addressBook: `${s.url}/mapi/nspi/?MailboxId=given@contoso.test`,
      source: 'command line',
    });
    expect(g.steps.filter((x) => x.id !== 'autodiscover').every((x) => x.result === 'Succeeded')).toBe(true);
    expect(g.steps.find((x) => x.id === 'connect')!.url).toBe(url);
  });

  it('the command line URL wins over the one Autodiscover offers', async () => {
    const s = await start();
    const url = `${s.url}/mapi/emsmdb/?MailboxId=given@contoso.test`;
    const r = await probe({ url, email: 'alice@contoso.test' });
    expect(r.result).toBe('Succeeded');
    expect(r.steps[0]!.detail).toMatch(/; the MAPI URL from the command line is used instead$/);
    expect(r.steps.find((x) => x.id === 'ping-emsmdb')!.url).toBe(url);
  });

  it('without a mailbox address Autodiscover is skipped, and the probe does not call that a success', async () => {
    const s = await start();
    const r = await probe({ url: s.url });
    expect(r.steps[0]).toMatchObject({
      result: 'Skipped',
      error: 'not run: no mailbox address to ask for (give --email, or --user as user@domain)',
    });
    expect(r.result).toBe('Failed');
  });

  it('a server that does not speak HTTP: a plain sentence, no parser dump', async () => {
    // The probe resets the connection once it sees the answer is not HTTP: that reset is expected here.
    const srv = net.createServer((c) => c.on('error', () => {}).end('SSH-2.0-OpenSSH_9.2\r\nKEXINIT\r\n\r\n'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as net.AddressInfo).port;
      const r = await probe({ url: `http://127.0.0.1:${port}`, email: 'alice@contoso.test', timeoutMs: 3000 });
      expect(r.steps[0]!.error).toBe('the answer is not HTTP (it starts with "SSH-2.0-OpenSSH_9.2")');
    } finally {
      srv.close();
    }
  });

  it('--repeat with --interval ends with latency percentiles per step; --out captures the traffic without secrets', async () => {
    const s = await start({ auth: { kind: 'basic', user: 'alice@contoso.test', password: 'pw-in-capture?' } });
    const out = join(dir, 'probe.mscap');
    const r = await cli([
      'probe',
      s.url,
      '--user',
      'alice@contoso.test',
      '--password',
      'pw-in-capture?',
      '--repeat',
      '3',
      '--interval',
      '50ms',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.runs).toHaveLength(3);
    expect(j.result).toBe('Succeeded');
    const connect = j.latency.find((l: { step: string }) => l.step === 'connect');
    expect(connect).toMatchObject({ runs: 3, failures: 0 });
    expect(connect.p50).toBeLessThanOrEqual(connect.p90);
    expect(connect.max).toBe(
      Math.max(
        ...j.runs.map(
          (x: { steps: { id: string; durationMs: number }[] }) => x.steps.find((y) => y.id === 'connect')!.durationMs,
        ),
      ),
    );
    expect(r.err.match(/^run \d\/3 at .*: Succeeded$/gm)).toHaveLength(3);
    const cap = await openCapture(out);
    try {
      expect(cap.count).toBe(3 * 10);
      const raw = readFileSync(out);
      expect(raw.includes(Buffer.from('pw-in-capture?'))).toBe(false);
      expect(raw.includes(Buffer.from(Buffer.from('alice@contoso.test:pw-in-capture?').toString('base64')))).toBe(
        false,
      );
      const first = await cap.at(0);
      expect(first.request.headers.find((h) => h.name === 'Authorization')?.value).toMatch(
        /^Basic redacted-basic-\d+$/,
      );
    } finally {
      await cap.close();
    }
  });

  it('percentiles are nearest-rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
    expect(latencyOf([])).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}
