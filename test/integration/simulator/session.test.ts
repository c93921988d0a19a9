/**
 * Simulator conformance: the Session Context rules of [MS-OXCMAPIHTTP] 3.2 on a
 * real HTTP server on 127.0.0.1 with short timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExchangeSimulator,
  MailboxResponder,
  type SimulatorOptions,
  buildConnectRequest,
  buildDisconnectRequest,
  buildExecuteRequest,
  buildNotificationWaitRequest,
  connectResponse,
  notificationWaitResponse,
  parseExecuteResponse,
  ropLogonRequest,
} from '../../../electron/backend/simulator/index.js';
import { MapiClient } from '../../../electron/backend/replay/mapi-client.js';
import { Authenticator } from '../../../electron/backend/auth/authenticator.js';
import { parseUser } from '../../../electron/backend/auth/credentials.js';
import { decode } from '../../../shared/codec/index.js';

const EMSMDB = '/mapi/emsmdb/?MailboxId=simulated@mapiscope.test';
const NSPI = '/mapi/nspi/?MailboxId=simulated@mapiscope.test';
const USER_DN = '/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice';

let sims: ExchangeSimulator[] = [];
let clients: MapiClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  for (const s of sims) await s.stop();
  sims = [];
  clients = [];
});

async function sim(opts: Partial<SimulatorOptions> = {}): Promise<ExchangeSimulator> {
  const s = new ExchangeSimulator({
    responder: new MailboxResponder(),
    expiryMs: 5_000,
    pendingPeriodMs: 1_000,
    ...opts,
  });
  await s.start();
  sims.push(s);
  return s;
}
function client(s: ExchangeSimulator, opts: ConstructorParameters<typeof MapiClient>[1] = {}): MapiClient {
  const c = new MapiClient(s.url, opts);
  clients.push(c);
  return c;
}
const header = (r: { headers: { name: string; value: string }[] }, n: string) =>
  r.headers.filter((h) => h.name.toLowerCase() === n.toLowerCase()).map((h) => h.value);
const logon = () => buildExecuteRequest(ropLogonRequest(USER_DN), [0xffffffff]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('simulator session semantics', () => {
  it('Connect mints context and sequence cookies (Exchange names, path-scoped) and answers a Connect body', async () => {
    const s = await sim({ expiryMs: 4_321, pendingPeriodMs: 1_234 });
    const c = client(s);
    const r = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    expect(r.statusCode).toBe(200);
    expect(r.responseCode).toBe(0);
    const cookies = header(r, 'set-cookie');
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^MapiContext=[A-Za-z0-9_-]{32}; path=\/mapi\/emsmdb\/; HttpOnly$/);
    expect(cookies[1]).toMatch(/^MapiSequence=[0-9a-f-]{36}; path=\/mapi\/emsmdb\/; HttpOnly$/);
    expect(header(r, 'x-expirationinfo')).toEqual(['4321']);
    expect(header(r, 'x-pendingperiod')).toEqual(['1234']);
    expect(header(r, 'x-requesttype')).toEqual(['Connect']);
    expect(header(r, 'x-requestid')).toEqual([r.requestId]);
    expect(header(r, 'transfer-encoding')).toEqual(['chunked']);
    expect(r.entity?.metaTags).toEqual(['PROCESSING', 'DONE']);
    const body = decode(connectResponse, r.entity!.body);
    expect(body.value).toMatchObject({
      StatusCode: 0,
      ErrorCode: 0,
      DisplayName: 'Simulated User',
      AuxiliaryBufferSize: 0,
    });
    expect(s.status().contexts).toHaveLength(1);
  });

  it('rotates the sequence cookie on every Execute and keeps the context cookie', async () => {
    const s = await sim();
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const jar = c.jar('emsmdb');
    const ctx0 = jar.get('MapiContext');
    const seqs = [jar.get('MapiSequence')];
    for (let i = 0; i < 3; i++) {
      const r = await c.send(EMSMDB, 'Execute', logon());
      expect(r.responseCode).toBe(0);
      seqs.push(jar.get('MapiSequence'));
      expect(jar.get('MapiContext')).toBe(ctx0);
    }
    expect(new Set(seqs).size).toBe(4);
  });

  it('rejects a stale sequence cookie with 15 and keeps the context for the current one', async () => {
    const s = await sim();
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const old = new Map(c.jar('emsmdb'));
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
    const stale = await c.send(EMSMDB, 'Execute', logon(), { cookies: old });
    expect(stale.responseCode).toBe(15);
    expect(header(stale, 'content-type')).toEqual(['text/html']);
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
  });

  it('fails an overlapping request of the same context with 15; NotificationWait may overlap', async () => {
    const s = await sim({ processingDelayMs: (t) => (t === 'Execute' ? 600 : 0), notificationWaitMs: 700 });
    const a = client(s);
    await a.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const b = client(s);
    b.jars.set('emsmdb', a.jar('emsmdb'));
    const nw = client(s);
    nw.jars.set('emsmdb', new Map(a.jar('emsmdb')));
    const waiting = nw.send(EMSMDB, 'NotificationWait', buildNotificationWaitRequest());
    const first = a.send(EMSMDB, 'Execute', logon());
    await sleep(100);
    const second = await b.send(EMSMDB, 'Execute', logon(), { cookies: new Map(a.jar('emsmdb')) });
    expect(second.responseCode).toBe(15);
    expect((await first).responseCode).toBe(0);
    const n = await waiting;
    expect(n.responseCode).toBe(0);
    expect(decode(notificationWaitResponse, n.entity!.body).value).toMatchObject({ StatusCode: 0, EventPending: 0 });
  });

  it('answers 13 when the context cookie is missing (a cookie-less PING is answered, as Exchange does)', async () => {
    const s = await sim();
    const c = client(s);
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(13);
    // Real Exchange answers PING without cookies with 0 (test/fixtures/exchange-se/session-en-us__01-ping).
    expect((await c.send(EMSMDB, 'PING', new Uint8Array(0))).responseCode).toBe(0);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const noSeq = new Map([['MapiContext', c.jar('emsmdb').get('MapiContext')!]]);
    expect((await c.send(EMSMDB, 'Execute', logon(), { cookies: noSeq })).responseCode).toBe(13);
  });

  it('expires an idle context (10 afterwards) and PING resets the idle timer', async () => {
    const s = await sim({ expiryMs: 800 });
    const idle = client(s);
    await idle.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const pinger = client(s);
    await pinger.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const t0 = Date.now();
    for (let i = 0; i < 7; i++) {
      await sleep(150);
      const p = await pinger.send(EMSMDB, 'PING', new Uint8Array(0));
      expect(p.responseCode).toBe(0);
      expect(header(p, 'x-expirationinfo')).toEqual(['800']);
      expect(header(p, 'set-cookie')).toHaveLength(1);
    }
    expect(Date.now() - t0).toBeGreaterThan(800);
    // More than the expiry for the idle one, never more than ~150 ms idle for the pinger.
    const gone = await idle.send(EMSMDB, 'Execute', logon());
    expect(gone.responseCode).toBe(10);
    expect((await pinger.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
    expect(s.sessions.events.filter((e) => e.kind === 'expired')).toHaveLength(1);
  });

  it('holds NotificationWait open with PENDING keep-alives every X-PendingPeriod', async () => {
    const s = await sim({ pendingPeriodMs: 100, notificationWaitMs: 450, expiryMs: 200 });
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const t0 = Date.now();
    const r = await c.send(EMSMDB, 'NotificationWait', buildNotificationWaitRequest());
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(440);
    expect(r.responseCode).toBe(0);
    expect(r.entity?.metaTags[0]).toBe('PROCESSING');
    const pendings = r.entity!.metaTags.filter((t) => t === 'PENDING').length;
    // One per 100 ms over 450 ms; timers on a loaded machine may fire late, never early.
    expect(pendings).toBeGreaterThanOrEqual(2);
    expect(pendings).toBeLessThanOrEqual(4);
    expect(r.entity?.metaTags.at(-1)).toBe('DONE');
    // Keep-alives arrive as their own chunks, spread over the wait.
    expect(r.chunks.length).toBeGreaterThanOrEqual(4);
    expect(r.chunks.at(-1)!.time - r.chunks[0]!.time).toBeGreaterThanOrEqual(250);
    // The wait lasted longer than the expiry, but kept the context alive.
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
  });

  it('sends PENDING keep-alives while a slow Execute is processed', async () => {
    const s = await sim({ pendingPeriodMs: 100, processingDelayMs: (t) => (t === 'Execute' ? 350 : 0) });
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const r = await c.send(EMSMDB, 'Execute', logon());
    expect(r.responseCode).toBe(0);
    const pendings = r.entity!.metaTags.filter((t) => t === 'PENDING').length;
    expect(pendings).toBeGreaterThanOrEqual(2);
    expect(pendings).toBeLessThanOrEqual(3);
    expect(r.entity!.headers.map(([k]) => k)).toEqual(['X-ElapsedTime', 'X-StartTime']);
    expect(Number(r.entity!.headers[0]![1])).toBeGreaterThanOrEqual(340);
    expect(parseExecuteResponse(r.entity!.body)!.payloads[0]!.rops[0]).toBe(0xfe);
  });

  it('a NotificationWait of a context that a reconnect replaces completes at once', async () => {
    const s = await sim({ notificationWaitMs: 10_000 });
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const old = new Map(c.jar('emsmdb'));
    const nw = client(s);
    nw.jars.set('emsmdb', new Map(old));
    const t0 = Date.now();
    const waiting = nw.send(EMSMDB, 'NotificationWait', buildNotificationWaitRequest());
    await sleep(100);
    expect((await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN), { cookies: old })).responseCode).toBe(0);
    const r = await waiting;
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(decode(notificationWaitResponse, r.entity!.body).value).toMatchObject({ StatusCode: 0, EventPending: 0 });
    expect(s.log.find((e) => e.type === 'NotificationWait')?.note).toBe('context ended');
  });

  it('completes a NotificationWait early with EventPending 1 when an event is signalled', async () => {
    const s = await sim({ notificationWaitMs: 10_000 });
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const p = c.send(EMSMDB, 'NotificationWait', buildNotificationWaitRequest());
    await sleep(100);
    expect(s.signalEvent()).toBe(1);
    const r = await p;
    expect(decode(notificationWaitResponse, r.entity!.body).value).toMatchObject({ EventPending: 1 });
  });

  it('Disconnect destroys the context (later use: 10) and still returns the cookies', async () => {
    const s = await sim();
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const before = new Map(c.jar('emsmdb'));
    const d = await c.send(EMSMDB, 'Disconnect', buildDisconnectRequest());
    expect(d.responseCode).toBe(0);
    expect(header(d, 'set-cookie').map((x) => x.split(';')[0])).toEqual([
      `MapiContext=${before.get('MapiContext')}`,
      `MapiSequence=${before.get('MapiSequence')}`,
    ]);
    expect(Array.from(d.entity!.body)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(10);
    expect(s.status().contexts).toHaveLength(0);
  });

  it('Connect with the old cookies destroys the old context and returns new cookies (sequence ignored)', async () => {
    const s = await sim();
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const old = new Map(c.jar('emsmdb'));
    await c.send(EMSMDB, 'Execute', logon());
    // Old cookies include a now-stale sequence value: a reconnect must ignore it.
    const re = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN), { cookies: old });
    expect(re.responseCode).toBe(0);
    const fresh = c.jar('emsmdb');
    expect(fresh.get('MapiContext')).not.toBe(old.get('MapiContext'));
    expect((await c.send(EMSMDB, 'Execute', logon(), { cookies: old })).responseCode).toBe(10);
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
    expect(s.sessions.events.map((e) => e.kind)).toEqual(['created', 'reconnect', 'created']);
    expect(s.status().contexts.map((x) => x.id)).toEqual([2]);
  });

  it('uses gromox cookie names and keeps the address book context separate', async () => {
    const s = await sim({ cookies: 'gromox' });
    const c = client(s);
    const r = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    expect(header(r, 'set-cookie').map((x) => x.split('=')[0])).toEqual(['sid', 'sequence']);
    expect(header(r, 'set-cookie')[0]).not.toContain('path=');
    const b = await c.send(NSPI, 'BIND', new Uint8Array(45));
    expect(b.responseCode).toBe(0);
    expect(header(b, 'x-requesttype')).toEqual(['Bind']);
    expect(c.jar('nspi').get('sid')).not.toBe(c.jar('emsmdb').get('sid'));
    // A mailbox cookie is not an address book context.
    expect((await c.send(NSPI, 'QueryRows', new Uint8Array(8), { cookies: c.jar('emsmdb') })).responseCode).toBe(10);
    const u = await c.send(NSPI, 'Unbind', new Uint8Array(8));
    expect(u.responseCode).toBe(0);
    expect(Array.from(u.entity!.body)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('answers bad verb, path and request type with 2, 3 and 5', async () => {
    const s = await sim();
    const c = client(s);
    expect((await c.send('/owa/', 'Connect', new Uint8Array(0))).responseCode).toBe(3);
    expect((await c.send(EMSMDB, 'Bind', new Uint8Array(0))).responseCode).toBe(5);
    expect((await c.send(EMSMDB, 'Frobnicate', new Uint8Array(0))).responseCode).toBe(5);
    const conn = c.currentConnection!;
    const get = await conn.request({
      method: 'GET',
      target: EMSMDB,
      headers: [
        { name: 'Host', value: 'x' },
        { name: 'X-RequestType', value: 'PING' },
        { name: 'X-RequestId', value: '{A}:1' },
      ],
      body: new Uint8Array(0),
    });
    expect(get.headers.find((h) => h.name === 'X-ResponseCode')?.value).toBe('2');
  });

  it('continues a context from another loopback source address on a new connection', async () => {
    const s = await sim();
    const c = client(s);
    await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    const first = c.currentConnection!.id;
    const r = await c.send(EMSMDB, 'Execute', logon(), { localAddress: '127.0.0.2' });
    expect(r.responseCode).toBe(0);
    expect(r.localAddress).toBe('127.0.0.2');
    expect(r.connectionId).not.toBe(first);
    expect(s.status().sourceAddresses.sort()).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('serves HTTPS with a given certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapiscope-sim-'));
    try {
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
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const s = await sim({ tls: { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) } });
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const c = client(s, { insecure: true });
      const r = await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
      expect(r.responseCode).toBe(0);
      const e = await c.send(EMSMDB, 'Execute', logon());
      const parsed = parseExecuteResponse(e.entity!.body)!;
      expect(parsed.payloads[0]!.rops[0]).toBe(0xfe);
      expect(parsed.payloads[0]!.rops.subarray(2, 6)).toEqual(new Uint8Array([0, 0, 0, 0]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('authenticates with Basic, and with NTLM once per connection', async () => {
    const basic = await sim({ auth: { kind: 'basic', user: 'alice', password: 'pw' } });
    const anon = client(basic);
    const denied = await anon.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN));
    expect(denied.statusCode).toBe(401);
    expect(header(denied, 'www-authenticate')).toEqual(['Basic realm="mapiscope-simulator"']);
    const ok = client(basic, { auth: new Authenticator({ credentials: parseUser('alice', 'pw') }) });
    expect((await ok.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN))).responseCode).toBe(0);

    const ntlm = await sim({ auth: { kind: 'ntlm', user: 'alice', password: 'pw' } });
    const c = client(ntlm, { auth: new Authenticator({ credentials: parseUser('alice', 'pw') }) });
    expect((await c.send(EMSMDB, 'Connect', buildConnectRequest(USER_DN))).responseCode).toBe(0);
    expect((await c.send(EMSMDB, 'Execute', logon())).responseCode).toBe(0);
    expect((await c.send(EMSMDB, 'Execute', logon(), { newConnection: true })).responseCode).toBe(0);
    // First connection: the anonymous 401 that names NTLM, then the challenge; the second connection starts
    // with the NEGOTIATE_MESSAGE (the scheme is known): one challenge. The second request on the first needed none.
    expect(ntlm.log.filter((e) => e.httpStatus === 401).map((e) => e.connectionId)).toEqual([1, 1, 2]);
    expect(c.auth.handshakes.map((h) => [h.scheme, h.connectionId === c.connections[1]!.id, h.ok])).toEqual([
      ['ntlm', false, true],
      ['ntlm', true, true],
    ]);
  });
});
