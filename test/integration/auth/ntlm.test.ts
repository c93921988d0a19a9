/**
 * NTLM and Negotiate between MapiScope's client (@ewsjs/ntlm-client under the
 * Authenticator) and the simulator's acceptor (hash-wasm, node-forge), each
 * checked against a third, independent implementation: Debian's
 * python3-ntlm-auth (test/support/ntlm_python.py) verifies the client's
 * NTLMv2 responses and acts as a client towards the simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthError, Authenticator } from '../../../electron/backend/auth/authenticator.js';
import { parseUser } from '../../../electron/backend/auth/credentials.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { MailboxResponder } from '../../../electron/backend/simulator/mailbox.js';
import { challengeMessage, unwrapSpnego } from '../../../electron/backend/simulator/ntlm-acceptor.js';
import { ExchangeSimulator, type SimulatorOptions } from '../../../electron/backend/simulator/simulator.js';
import { buildConnectRequest } from '../../../electron/backend/simulator/bodies.js';

const PY = join(dirname(fileURLToPath(import.meta.url)), '../../support/ntlm_python.py');
/** Async: the simulator under test runs in this process and must keep answering. */
const python = (args: string[], input?: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const p = execFile('/usr/bin/python3', [PY, ...args], { encoding: 'utf8', timeout: 20_000 }, (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(JSON.parse(out)),
    );
    p.stdin!.end(input ?? '');
  });

const EMSMDB = '/mapi/emsmdb/?MailboxId=alice@contoso.test';
const USER_DN = '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice';

let sims: ExchangeSimulator[] = [];
let clients: MapiClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  for (const s of sims) await s.stop();
  sims = [];
  clients = [];
});
async function sim(auth: NonNullable<SimulatorOptions['auth']>): Promise<ExchangeSimulator> {
  const s = new ExchangeSimulator({ responder: new MailboxResponder(), auth });
  await s.start();
  sims.push(s);
  return s;
}
function client(s: ExchangeSimulator, auth: Authenticator): MapiClient {
  const c = new MapiClient(s.url, { auth });
  clients.push(c);
  return c;
}

/** Runs the client's handshake against a fixed CHALLENGE_MESSAGE and returns what it sent. */
async function clientMessages(scheme: 'ntlm' | 'negotiate', user: string, password: string) {
  const ch = challengeMessage('CONTOSO');
  const sent: string[] = [];
  const a = new Authenticator({ scheme, credentials: parseUser(user, password), workstation: 'WS1' });
  const name = scheme === 'ntlm' ? 'NTLM' : 'Negotiate';
  await a.request({
    connection: {},
    connectionId: 1,
    localAddress: '127.0.0.1',
    send: async (authz) => {
      sent.push(authz ?? '');
      if (sent.length === 1) {
        // The server's answer: raw NTLM (also valid under Negotiate, as IIS may answer).
        return {
          statusCode: 401,
          headers: [{ name: 'WWW-Authenticate', value: `${name} ${ch.message.toString('base64')}` }],
        };
      }
      return { statusCode: 200, headers: [] };
    },
  });
  const tokens = sent.map((s) => Buffer.from(s.split(' ')[1]!, 'base64'));
  return { ch, sent, tokens };
}

describe('NTLMv2 checked by an independent implementation (python3-ntlm-auth)', () => {
  it("the client's AUTHENTICATE_MESSAGE proves the password (DOMAIN\\user)", async () => {
    const { ch, tokens } = await clientMessages('ntlm', 'CONTOSO\\alice', 'Pa55:wörd');
    const ok = await python(
      ['verify'],
      JSON.stringify({
        challenge: ch.message.toString('base64'),
        authenticate: tokens[1]!.toString('base64'),
        password: 'Pa55:wörd',
      }),
    );
    expect(ok).toEqual({ ok: true, user: 'alice', domain: 'CONTOSO', ntlmv2: true });
    const wrong = await python(
      ['verify'],
      JSON.stringify({
        challenge: ch.message.toString('base64'),
        authenticate: tokens[1]!.toString('base64'),
        password: 'Pa55:word',
      }),
    );
    expect(wrong.ok).toBe(false);
  });

  it('a UPN goes as the user name with an empty domain', async () => {
    const { ch, tokens } = await clientMessages('ntlm', 'alice@contoso.test', 'pw');
    const r = await python(
      ['verify'],
      JSON.stringify({
        challenge: ch.message.toString('base64'),
        authenticate: tokens[1]!.toString('base64'),
        password: 'pw',
      }),
    );
    expect(r).toEqual({ ok: true, user: 'alice@contoso.test', domain: '', ntlmv2: true });
  });

  it('Negotiate wraps the same NTLM messages in SPNEGO (NegTokenInit listing NTLMSSP, then NegTokenResp)', async () => {
    const { ch, sent, tokens } = await clientMessages('negotiate', 'CONTOSO\\alice', 'pw');
    expect(sent[0]).toMatch(/^Negotiate /);
    // GSS-API InitialContextToken: [APPLICATION 0], then the SPNEGO OID 1.3.6.1.5.5.2.
    expect(tokens[0]![0]).toBe(0x60);
    expect([...tokens[0]!.subarray(2, 10)]).toEqual([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]);
    const init = unwrapSpnego(tokens[0]!);
    expect(init.offersNtlm).toBe(true);
    expect(init.ntlm!.subarray(0, 12)).toEqual(Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1'));
    expect(tokens[1]![0]).toBe(0xa1); // NegTokenResp
    const type3 = unwrapSpnego(tokens[1]!).ntlm!;
    const r = await python(
      ['verify'],
      JSON.stringify({
        challenge: ch.message.toString('base64'),
        authenticate: type3.toString('base64'),
        password: 'pw',
      }),
    );
    expect(r.ok).toBe(true);
  });

  it("python's NTLM client is accepted by the simulator, and refused with a wrong password", async () => {
    const s = await sim({ kind: 'ntlm', user: 'CONTOSO\\alice', password: 'secret' });
    expect(await python(['client', s.url, 'alice', 'CONTOSO', 'secret'])).toEqual({ statuses: [401, 200] });
    expect(await python(['client', s.url, 'alice', 'CONTOSO', 'nope'])).toEqual({ statuses: [401, 401] });
    expect(await python(['client', s.url, 'bob', 'CONTOSO', 'secret'])).toEqual({ statuses: [401, 401] });
    const n = await sim({ kind: 'negotiate', user: 'CONTOSO\\alice', password: 'secret' });
    expect(await python(['client', n.url, 'alice', 'CONTOSO', 'secret', 'Negotiate'])).toEqual({
      statuses: [401, 200],
    });
  });
});

describe('MapiScope client against the simulator acceptor', () => {
  for (const kind of ['ntlm', 'negotiate'] as const)
    it(`${kind}: chosen from WWW-Authenticate, one handshake per connection`, async () => {
      const s = await sim({ kind, user: 'CONTOSO\\alice', password: 'pw' });
      const c = client(s, new Authenticator({ credentials: parseUser('CONTOSO\\alice', 'pw') }));
      const r1 = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
      expect(r1.responseCode).toBe(0);
      expect(r1.handshake).toMatchObject({ scheme: kind, ok: true, legs: 2 });
      const r2 = await c.send(EMSMDB, 'PING', new Uint8Array(0));
      expect(r2.responseCode).toBe(0);
      expect(r2.handshake).toBeUndefined();
      const r3 = await c.send(EMSMDB, 'PING', new Uint8Array(0), { newConnection: true });
      expect(r3.handshake).toMatchObject({ scheme: kind, ok: true });
      expect(c.auth.handshakes.map((h) => h.connectionId)).toEqual(c.connections.map((x) => x.id));
      if (kind === 'negotiate') expect(c.auth.notes.join(' ')).toMatch(/Kerberos is not available.*carries NTLM/);
    });

  it('a wrong password is a refusal naming the scheme, without the password', async () => {
    const s = await sim({ kind: 'ntlm', user: 'alice', password: 'right' });
    const c = client(s, new Authenticator({ credentials: parseUser('alice', 'wrong-secret') }));
    const r = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    expect(r.statusCode).toBe(401);
    expect(r.authError).toBeInstanceOf(AuthError);
    expect(r.authError!.kind).toBe('refused');
    expect(r.authError!.message).toMatch(/^NTLM: the server refused the credentials of alice/);
    expect(JSON.stringify(c.auth.handshakes) + r.authError!.message).not.toContain('wrong-secret');
  });

  it('no credentials: says which options are missing; a forced scheme the server lacks is named', async () => {
    const s = await sim({ kind: 'negotiate', user: 'alice', password: 'pw' });
    const c = client(s, new Authenticator());
    const r = await c.send(EMSMDB, 'PING', new Uint8Array(0));
    expect(r.authError?.kind).toBe('missing-credentials');
    expect(r.authError?.message).toBe(
      'the server asks for Negotiate, NTLM authentication: give --user (DOMAIN\\user or user@domain) and --password, or set MAPISCOPE_PASSWORD',
    );
    const b = await sim({ kind: 'basic', user: 'alice', password: 'pw' });
    const f = client(b, new Authenticator({ scheme: 'ntlm', credentials: parseUser('alice', 'pw') }));
    const r2 = await f.send(EMSMDB, 'PING', new Uint8Array(0));
    expect(r2.authError?.kind).toBe('not-offered');
    expect(r2.authError?.message).toBe('NTLM was forced but the server offers Basic');
  });

  it('Basic with DOMAIN\\user, and a forced scheme skips the anonymous first request', async () => {
    const s = await sim({ kind: 'basic', user: 'CONTOSO\\alice', password: 'pw' });
    const c = client(s, new Authenticator({ scheme: 'basic', credentials: parseUser('CONTOSO\\alice', 'pw') }));
    expect((await c.send(EMSMDB, 'PING', new Uint8Array(0))).responseCode).toBe(0);
    expect(s.log.filter((e) => e.httpStatus === 401)).toHaveLength(0);
  });
});
