/**
 * What the probe and the shared authentication cost on top of the HTTP itself,
 * each figure beside a baseline measured in the same run against the same
 * simulator on 127.0.0.1:
 *
 * 1. One PING through MapiClient + Authenticator (headers, cookie jar, response
 *    parsing) vs a bare node:http POST on a keep-alive connection.
 * 2. A new connection with its NTLM handshake (anonymous 401 skipped: the scheme
 *    is known, so NEGOTIATE → CHALLENGE → AUTHENTICATE, NTLMv2 verified by the
 *    simulator) vs a new connection without authentication.
 * 3. A whole probe (Autodiscover, Connect, RopLogon, RopOpenFolder, Disconnect,
 *    Bind, DNToMId, Unbind, two PINGs) vs the same ten requests sent bare, one
 *    after the other, on one keep-alive connection.
 */
import http from 'node:http';
import { Authenticator } from '../../electron/backend/auth/authenticator.js';
import { probe } from '../../electron/backend/probe/probe.js';
import { MapiClient } from '../../electron/backend/replay/mapi-client.js';
import { ExchangeSimulator, MailboxResponder } from '../../electron/backend/simulator/index.js';
import type { Bench, BenchResult } from './types.js';

const PING_PATH = '/mapi/emsmdb/?MailboxId=bench@mapiscope.test';

function bare(
  agent: http.Agent,
  url: URL,
  path: string,
  type: string,
  body: Uint8Array,
  method = 'POST',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          'Content-Type': 'application/mapi-http',
          'X-RequestType': type,
          'X-RequestId': '{00000000-0000-0000-0000-000000000000}:1',
          'X-ClientInfo': '{bench}',
          'Content-Length': String(body.length),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, n); i++) await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

const bench: Bench = {
  name: 'probe',
  async run({ quick }) {
    const out: BenchResult[] = [];
    const n = quick ? 100 : 1000;
    const plain = new ExchangeSimulator({ responder: new MailboxResponder() });
    const ntlm = new ExchangeSimulator({
      responder: new MailboxResponder(),
      auth: { kind: 'ntlm', user: 'CONTOSO\\bench', password: 'bench-pw' },
    });
    await plain.start();
    await ntlm.start();
    try {
      // 1. Per-request client overhead.
      const url = new URL(plain.url);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const client = new MapiClient(plain.url, { auth: new Authenticator() });
      const bareMs = await timeEach(n, () => bare(agent, url, PING_PATH, 'PING', new Uint8Array(0)));
      const clientMs = await timeEach(n, () => client.send(PING_PATH, 'PING', new Uint8Array(0)));
      client.close();
      agent.destroy();
      out.push({
        name: 'PING through MapiClient + Authenticator',
        value: clientMs * 1000,
        unit: 'µs/request',
        baseline: { name: 'bare node:http POST, keep-alive', value: bareMs * 1000 },
        ratio: clientMs / bareMs,
      });

      // 2. A new connection with an NTLM handshake vs without authentication.
      const m = quick ? 30 : 200;
      const auth = new Authenticator({
        scheme: 'ntlm',
        credentials: { user: 'bench', domain: 'CONTOSO', password: 'bench-pw' },
      });
      const nc = new MapiClient(ntlm.url, { auth });
      const pc = new MapiClient(plain.url, { auth: new Authenticator() });
      const newPlain = await timeEach(m, () => pc.send(PING_PATH, 'PING', new Uint8Array(0), { newConnection: true }));
      const newNtlm = await timeEach(m, () => nc.send(PING_PATH, 'PING', new Uint8Array(0), { newConnection: true }));
      if (auth.handshakes.some((h) => !h.ok)) throw new Error('an NTLM handshake failed');
      nc.close();
      pc.close();
      out.push({
        name: 'new connection + NTLMv2 handshake + PING',
        value: newNtlm,
        unit: 'ms',
        baseline: { name: 'new connection + PING, no authentication', value: newPlain },
        ratio: newNtlm / newPlain,
        note: 'the handshake adds one round trip and the NTLMv2 computation on both sides',
      });

      // 3. A whole probe vs its ten requests sent bare.
      const k = quick ? 10 : 60;
      const probeMs = await timeEach(k, async () => {
        const r = await probe({ url: plain.url, email: 'bench@mapiscope.test' });
        if (r.result !== 'Succeeded')
          throw new Error(`probe failed: ${JSON.stringify(r.steps.find((s) => s.result !== 'Succeeded'))}`);
      });
      const agent2 = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const steps: [string, string, string][] = [
        ['/autodiscover/autodiscover.xml', 'Autodiscover', 'POST'],
        [PING_PATH, 'PING', 'POST'],
        [PING_PATH, 'PING', 'POST'],
        [PING_PATH, 'PING', 'POST'],
        [PING_PATH, 'PING', 'POST'],
        ['/mapi/nspi/?MailboxId=bench@mapiscope.test', 'PING', 'POST'],
        ['/mapi/nspi/?MailboxId=bench@mapiscope.test', 'PING', 'POST'],
        ['/mapi/nspi/?MailboxId=bench@mapiscope.test', 'PING', 'POST'],
        [PING_PATH, 'PING', 'POST'],
        ['/mapi/nspi/?MailboxId=bench@mapiscope.test', 'PING', 'POST'],
      ];
      const bareTen = await timeEach(k, async () => {
        for (const [p, t, meth] of steps) await bare(agent2, url, p, t, new Uint8Array(0), meth);
      });
      agent2.destroy();
      out.push({
        name: 'whole probe (10 steps, report, TLS skipped on http)',
        value: probeMs,
        unit: 'ms/probe',
        baseline: { name: '10 bare requests on one keep-alive connection', value: bareTen },
        ratio: probeMs / bareTen,
        note: 'not the same server work: the baseline requests are PINGs (no session, no ROPs); the probe also opens fresh connections for its PINGs',
      });
    } finally {
      await plain.stop();
      await ntlm.stop();
    }
    return out;
  },
};

export default bench;
