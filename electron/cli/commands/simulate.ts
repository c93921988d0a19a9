import { type Command, CliFailure, UsageError, optFlag, optInt, optString } from '../command.js';
import { loadCaptureForReplay } from './replay.js';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run an Exchange simulator on 127.0.0.1 (scripted mailbox, or server replay from a capture)',
  usage: [
    'simulate [--port N | --listen 127.0.0.1:PORT] [--cookies exchange|gromox] [--expiry S | --expiry-ms N] [--from CAPTURE [--session N]]',
  ],
  options: [
    { name: 'port', alias: 'p', value: 'N', description: 'port (default: a free one)' },
    { name: 'listen', value: 'ADDR:PORT', description: 'loopback address and port, e.g. 127.0.0.1:8080' },
    {
      name: 'cookies',
      value: 'STYLE',
      description:
        'cookie names: exchange (MapiContext/MapiSequence) or gromox (sid/sequence); default exchange, or the captured names with --from',
    },
    {
      name: 'codes',
      value: 'STYLE',
      description: 'X-ResponseCode numbering: spec (default) or gromox (7 stale sequence, 2 unknown/expired context)',
    },
    {
      name: 'expiry',
      value: 'S',
      description:
        'idle expiry of a Session Context in seconds (X-ExpirationInfo; default 900, or the captured value with --from)',
    },
    { name: 'expiry-ms', value: 'N', description: 'idle expiry in milliseconds' },
    { name: 'pending-ms', value: 'N', description: 'PENDING keep-alive interval (X-PendingPeriod; default 30000)' },
    {
      name: 'notification-wait-ms',
      value: 'N',
      description: 'how long a NotificationWait is held without events (default 300000)',
    },
    {
      name: 'from',
      value: 'CAPTURE',
      description: 'answer from this capture (server replay): .mscap, HAR, SAZ or a body folder',
    },
    { name: 'session', value: 'N', description: 'with --from: serve captured session N to every context' },
    { name: 'tls', description: 'speak HTTPS with a throwaway certificate for 127.0.0.1 (clients must accept it)' },
    { name: 'tls-cert', value: 'FILE', description: 'HTTPS certificate (PEM), with --tls-key' },
    { name: 'tls-key', value: 'FILE', description: 'HTTPS private key (PEM)' },
    {
      name: 'auth',
      value: 'MODE',
      description:
        'basic:USER:PASSWORD, ntlm:USER:PASSWORD or negotiate:USER:PASSWORD (NTLMv2 verified; handshake per new connection; USER may be DOMAIN\\user)',
    },
    {
      name: 'processing-ms',
      value: 'N',
      description: 'processing time added to each Execute and address book request (makes overlaps reproducible)',
    },
    {
      name: 'check-sequence',
      value: 'TYPES',
      description: 'request types whose sequence cookie is validated (default Execute; e.g. Execute,QueryRows)',
    },
    { name: 'quiet', alias: 'q', description: 'do not log each request on stderr' },
  ],
  details: [
    'Session semantics per [MS-OXCMAPIHTTP]: Connect/Bind mint cookies, the sequence cookie rotates and is checked',
    '(15 when stale or overlapping), idle contexts expire (10), a missing cookie is 13, PING resets the idle timer,',
    'NotificationWait is held with PENDING keep-alives, Connect with old cookies replaces the context.',
    'Without --from the scripted mailbox answers RopLogon, RopOpenFolder, hierarchy/contents tables',
    '(SetColumns/QueryRows), RopGetPropertiesSpecific and RopSetProperties.',
    '',
    'Examples:',
    '  mapiscope simulate --cookies gromox --expiry 60',
    '  mapiscope simulate --from capture.mscap --port 8080',
  ].join('\n'),
  async run(args, io) {
    let host = '127.0.0.1';
    let port = optInt(args, 'port', 0, 65535) ?? 0;
    const listen = optString(args, 'listen');
    if (listen) {
      const m = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/.exec(listen);
      if (!m) throw new UsageError('--listen takes a loopback address and port, e.g. 127.0.0.1:8080');
      host = m[1]!;
      port = Number(m[2]);
    }
    const cookies = optString(args, 'cookies');
    if (cookies !== undefined && cookies !== 'exchange' && cookies !== 'gromox')
      throw new UsageError('--cookies is exchange or gromox');
    const codes = optString(args, 'codes');
    if (codes !== undefined && codes !== 'spec' && codes !== 'gromox')
      throw new UsageError('--codes is spec or gromox');
    const expirySec = optInt(args, 'expiry', 1, 86_400);
    const expiryMs =
      optInt(args, 'expiry-ms', 10, 86_400_000) ?? (expirySec !== undefined ? expirySec * 1000 : undefined);
    const pendingMs = optInt(args, 'pending-ms', 10, 3_600_000);
    const waitMs = optInt(args, 'notification-wait-ms', 10, 3_600_000);
    const session = optInt(args, 'session', 1);
    const processingMs = optInt(args, 'processing-ms', 0, 600_000);
    const checkSeq = optString(args, 'check-sequence');
    const validateSequence = checkSeq
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const from = optString(args, 'from');
    if (session !== undefined && !from) throw new UsageError('--session needs --from');
    let auth: { kind: 'basic' | 'ntlm' | 'negotiate'; user: string; password: string } | undefined;
    const a = optString(args, 'auth');
    if (a) {
      const m = /^(basic|ntlm|negotiate):([^:]+):(.*)$/i.exec(a);
      if (!m) throw new UsageError('--auth is basic:USER:PASSWORD, ntlm:USER:PASSWORD or negotiate:USER:PASSWORD');
      auth = { kind: m[1]!.toLowerCase() as 'basic' | 'ntlm' | 'negotiate', user: m[2]!, password: m[3]! };
    }

    let tls: { key: string; cert: string } | undefined;
    const certFile = optString(args, 'tls-cert');
    const keyFile = optString(args, 'tls-key');
    if ((certFile === undefined) !== (keyFile === undefined))
      throw new UsageError('--tls-cert and --tls-key go together');
    const { readFile, mkdtemp, rm } = await import('node:fs/promises');
    let tmpCa: string | undefined;
    if (certFile && keyFile) {
      try {
        tls = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
      } catch (e) {
        throw new CliFailure(`cannot read the TLS files: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else if (optFlag(args, 'tls')) {
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { CertificateAuthority } = await import('../../backend/ca/ca.js');
      tmpCa = await mkdtemp(join(tmpdir(), 'mapiscope-sim-ca-'));
      const ca = await CertificateAuthority.loadOrCreate(tmpCa, { commonName: 'MapiScope simulator (throwaway)' });
      const leaf = await ca.leafFor(host);
      tls = { cert: leaf.certPem, key: leaf.keyPem };
    }

    const { SimulatorService } = await import('../../backend/simulator/service.js');
    const svc = new SimulatorService();
    let exchanges;
    if (from) {
      const loaded = await loadCaptureForReplay(from, io);
      exchanges = loaded;
    }
    if (!optFlag(args, 'quiet'))
      svc.onRequest = (e) =>
        io.stderr(
          `${new Date(e.at).toISOString().slice(11, 23)} conn ${e.connectionId} ${e.remoteAddress} ${e.type || '-'}${e.contextId ? ` ctx ${e.contextId}` : ''} → ${e.httpStatus} X-ResponseCode ${e.responseCode}${e.note ? ` (${e.note})` : ''}\n`,
        );
    let st;
    try {
      st = await svc.start({
        host,
        port,
        ...(cookies ? { cookies } : {}),
        ...(expiryMs !== undefined ? { expiryMs } : {}),
        ...(pendingMs !== undefined ? { pendingPeriodMs: pendingMs } : {}),
        ...(waitMs !== undefined ? { notificationWaitMs: waitMs } : {}),
        ...(exchanges ? { exchanges } : {}),
        ...(session !== undefined ? { session } : {}),
        ...(tls ? { tls } : {}),
        ...(auth ? { auth } : {}),
        ...(codes ? { responseCodes: codes } : {}),
        ...(processingMs ? { processingDelayMs: processingMs } : {}),
        ...(validateSequence ? { validateSequence } : {}),
      });
    } catch (e) {
      if (tmpCa) await rm(tmpCa, { recursive: true, force: true });
      throw new CliFailure(e instanceof Error ? e.message : String(e));
    }
    if (!st.running) throw new CliFailure('the simulator did not start');
    const sim = svc.simulator!;
    for (const p of st.problems) io.stderr(`warning: ${p}\n`);
    if (io.json)
      io.stdout(
        JSON.stringify({
          url: sim.url,
          emsmdb: sim.emsmdbUrl,
          nspi: sim.nspiUrl,
          mode: st.mode,
          cookies: st.cookies,
          expiryMs: st.expiryMs,
          pendingPeriodMs: st.pendingPeriodMs,
        }) + '\n',
      );
    else {
      io.stdout(`Exchange simulator (${st.mode}) at ${sim.url}\n`);
      io.stdout(`  mailbox endpoint:      ${sim.emsmdbUrl}\n`);
      io.stdout(`  address book endpoint: ${sim.nspiUrl}\n`);
      io.stdout(
        `  cookies ${st.cookies.context}/${st.cookies.sequence}, expiry ${st.expiryMs} ms, PENDING every ${st.pendingPeriodMs} ms\n`,
      );
    }
    io.stderr('Ctrl-C stops\n');
    await io.stopSignal;
    const final = svc.simulatorStatus();
    await svc.stop();
    if (tmpCa) await rm(tmpCa, { recursive: true, force: true });
    if (final.running)
      io.stderr(`stopped after ${final.requests} request(s): ${JSON.stringify(final.byResponseCode)}\n`);
    return 0;
  },
};
