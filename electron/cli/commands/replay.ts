import type { Exchange } from '../../../shared/capture/exchange.js';
import { AUTH_OPTIONS, readAuthOptions } from '../auth-options.js';
import { type CliIO, type Command, CliFailure, UsageError, optFlag, optInt, optString } from '../command.js';

/** Loads a capture for replay: a body folder, our capture file, or whatever the shared loader reads (HAR, SAZ). */
export async function loadCaptureForReplay(path: string, io: CliIO): Promise<Exchange[]> {
  const { stat } = await import('node:fs/promises');
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new CliFailure(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (isDir) {
    const { isBodyFolder, loadBodyFolder } = await import('../../backend/store/body-folder.js');
    if (!isBodyFolder(path)) throw new CliFailure(`${path} is a folder without .meta.txt files`);
    const f = loadBodyFolder(path);
    for (const p of f.problems) io.stderr(`warning: ${p}\n`);
    return f.exchanges;
  }
  // Capture files, HAR and SAZ: the shared loader.
  const { loadExchanges } = await import('../../backend/store/load.js');
  try {
    const r = await loadExchanges(path);
    for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
    return r.exchanges;
  } catch (e) {
    throw new CliFailure(`cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay captured MAPI sessions against a server or the simulator, with simulated network switches',
  usage: [
    'replay <capture> --target URL|simulator [--session N] [--plan drop@3,address@5,hibernate@7:30s,stale@9] [--realtime] [--json]',
    'replay <capture> --list',
  ],
  options: [
    {
      name: 'target',
      alias: 't',
      value: 'URL',
      description: 'base URL of the server (http(s)://host:port) or "simulator" (server replay of the same capture)',
    },
    {
      name: 'session',
      alias: 's',
      value: 'N',
      description: 'captured session to replay (default: all, in capture order); see --list',
    },
    {
      name: 'plan',
      value: 'STEPS',
      description:
        'network switches: drop[:before-send|after-send|while-streaming|idle]@N, address[:127.0.0.X]@N, hibernate@N:30s, stale@N',
    },
    { name: 'switch', value: 'STEP', repeat: true, description: 'one switch (same syntax as --plan), may repeat' },
    { name: 'realtime', description: 'wait the captured gaps between requests' },
    {
      name: 'resend-as-is',
      description: 'after a drop before the request was fully sent, resend with the same X-RequestId',
    },
    { name: 'list', description: 'list the captured sessions and exit' },
    {
      name: 'allow-changes',
      description: 'replay ROPs that change the mailbox (creates, deletes, property and rule changes) against a server',
    },
    { name: 'insecure', alias: 'k', description: 'accept any TLS certificate from the target' },
    { name: 'ca', value: 'FILE', description: 'extra trusted CA certificate (PEM) for the target' },
    ...AUTH_OPTIONS,
    { name: 'source', value: 'ADDR', description: 'loopback source address for the first connection (e.g. 127.0.0.1)' },
    { name: 'expiry-ms', value: 'N', description: 'with --target simulator: idle expiry of the temporary simulator' },
    { name: 'timeout-ms', value: 'N', description: 'per-request timeout (default 120000)' },
    {
      name: 'out',
      alias: 'o',
      value: 'FILE',
      description: 'write the replayed traffic as a capture file (.mscap), each exchange naming its original',
    },
  ],
  details: [
    'Cookies come from the target, X-RequestId counts up, captured server object handles are mapped to live ones.',
    'After each switch the replayer reacts as a conforming client: resend after a failure before the request was',
    'fully sent, Connect with the old cookies and redo the Executes after a failure after it, reconnect on 10,',
    'resend with the current cookie on 15. The report lists every exchange (captured vs replayed status,',
    'X-ResponseCode, ROP return values, structural diff) and a verdict per switch.',
    'Exit code 1 when an exchange still failed after the reaction to its switch.',
  ].join('\n'),
  async run(args, io) {
    const file = args.positionals[0];
    if (!file) throw new UsageError('replay needs a capture');
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${args.positionals[1]}`);
    const exchanges = await loadCaptureForReplay(file, io);
    const { listSessions, canReplay, Replayer } = await import('../../backend/replay/replayer.js');
    if (optFlag(args, 'list')) {
      const sessions = listSessions(exchanges);
      if (io.json)
        io.stdout(
          JSON.stringify(
            sessions.map((s) => ({
              index: s.index,
              endpoint: s.endpoint,
              exchanges: s.exchanges.length,
              firstId: s.exchanges[0]?.id,
              types: s.types,
            })),
          ) + '\n',
        );
      else
        for (const s of sessions)
          io.stdout(
            `${pad(String(s.index), 4)}${pad(s.endpoint, 8)}${pad(`#${s.exchanges[0]?.id}`, 6)}${s.types.join(' ')}\n`,
          );
      return 0;
    }
    const target = optString(args, 'target');
    if (!target) throw new UsageError('--target URL|simulator is required');
    if (target !== 'simulator' && !/^https?:\/\/[^/]+/.test(target))
      throw new UsageError('--target is http(s)://host:port or "simulator"');
    const session = optInt(args, 'session', 1);
    const { parsePlan, PlanError } = await import('../../../shared/replay/plan.js');
    const planText = [optString(args, 'plan') ?? '', ...((args.options.switch as string[] | undefined) ?? [])].filter(
      Boolean,
    );
    let plan;
    try {
      plan = parsePlan(planText);
    } catch (e) {
      if (e instanceof PlanError) throw new UsageError(e.message);
      throw e;
    }
    const why = canReplay(exchanges, session);
    if (why) throw new CliFailure(why);
    const allowChanges = target === 'simulator' || optFlag(args, 'allow-changes');
    if (!allowChanges) {
      const { mailboxChanges, describeChanges } = await import('../../backend/replay/replayer.js');
      const changes = mailboxChanges(exchanges, session);
      if (changes.length) throw new CliFailure(describeChanges(changes));
    }
    const auth = await readAuthOptions(args, io);
    const caFile = optString(args, 'ca');
    let ca: string | undefined;
    if (caFile) {
      const { readFile } = await import('node:fs/promises');
      ca = await readFile(caFile, 'utf8').catch(() => {
        throw new CliFailure(`cannot read ${caFile}`);
      });
    }
    const source = optString(args, 'source');
    if (source && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(source))
      throw new UsageError('--source is a loopback address (127.x.x.x)');
    const timeoutMs = optInt(args, 'timeout-ms', 100);
    const outFile = optString(args, 'out');

    let base = target;
    let temp: import('../../backend/simulator/service.js').SimulatorService | undefined;
    if (target === 'simulator') {
      const { SimulatorService } = await import('../../backend/simulator/service.js');
      temp = new SimulatorService();
      const expiryMs = optInt(args, 'expiry-ms', 10);
      const st = await temp.start({ exchanges, ...(expiryMs ? { expiryMs } : {}) });
      if (!st.running) throw new CliFailure('the simulator did not start');
      for (const p of st.problems) io.stderr(`warning: ${p}\n`);
      base = st.url;
      io.stderr(`simulator (server replay of ${file}) at ${base}\n`);
    }
    const ac = new AbortController();
    void io.stopSignal.then(() => ac.abort());
    let report;
    try {
      report = await new Replayer(exchanges, {
        target: base,
        ...(session !== undefined ? { session } : {}),
        plan,
        ...(optFlag(args, 'realtime') ? { realtime: true } : {}),
        ...(optFlag(args, 'resend-as-is') ? { resendSameRequestId: true } : {}),
        ...(optFlag(args, 'insecure') ? { insecure: true } : {}),
        auth,
        ...(ca ? { ca } : {}),
        ...(source ? { localAddress: source } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        ...(outFile ? { record: true } : {}),
        allowChanges,
        signal: ac.signal,
        onProgress: (e) => {
          if (e.kind === 'exchange' && e.report.replayed.connectionId === 0 && e.report.role === 'replay') return;
          if (e.kind === 'exchange') {
            const r = e.report;
            const code = r.replayed.aborted ?? `${r.replayed.status ?? '-'} / ${r.replayed.responseCode ?? '-'}`;
            io.stderr(
              `#${pad(String(r.position), 4)} ${pad(r.role, 9)} ${pad(r.type, 16)} captured ${r.captured.status ?? '-'} / ${r.captured.responseCode ?? '-'}  replayed ${code}${r.diff.length ? `  (${r.diff.length} diff)` : ''}${r.replayed.handshake ? `  {${r.replayed.handshake}}` : ''}${r.note ? `  [${r.note}]` : ''}\n`,
            );
          } else if (e.kind === 'switch')
            io.stderr(
              `   switch ${e.report.step}: ${e.report.verdict} — ${e.report.detail} (codes ${e.report.responseCodes.join(' → ')})\n`,
            );
        },
      }).run();
    } finally {
      await temp?.stop();
    }
    if (outFile) {
      const { CaptureWriter } = await import('../../backend/store/capture-file.js');
      const { Redactor } = await import('../../../shared/capture/redact.js');
      // Credentials never land in a capture file: Authorization is redacted as exports do it.
      const redactor = new Redactor();
      try {
        const w = await CaptureWriter.create(outFile, { source: 'replay', capture: file, target: base });
        for (const ex of report.recorded ?? []) await w.append(redactor.credentials(ex));
        await w.close();
      } catch (e) {
        throw new CliFailure(`cannot write ${outFile}: ${e instanceof Error ? e.message : String(e)}`);
      }
      io.stderr(`wrote ${report.recorded?.length ?? 0} replayed exchange(s) to ${outFile}\n`);
      delete report.recorded;
    }
    if (io.json) io.stdout(JSON.stringify(report) + '\n');
    else {
      const s = report.summary;
      io.stdout(
        `replayed ${s.replayed} exchange(s) in ${report.durationMs} ms: ${s.succeeded} succeeded, ${s.failed} failed, ${s.matched} matched the capture, ${s.withDiffs} with diffs, ${s.recoveryRequests} recovery request(s)\n`,
      );
      for (const w of report.switches)
        io.stdout(
          `  ${pad(w.step, 28)} ${pad(w.verdict, 28)} ${w.recoveryMs !== undefined ? `${w.recoveryMs} ms` : ''}  ${w.detail}\n`,
        );
      for (const e of report.exchanges.filter((x) => x.diff.length).slice(0, 20))
        for (const d of e.diff.slice(0, 5))
          io.stdout(`  diff #${e.position} ${e.type} ${d.path}: ${d.captured} → ${d.replayed}\n`);
      // Server-assigned folder, message and rule ids, captured → this run's, as the later requests carried them.
      for (const m of report.serverIds ?? []) io.stdout(`  server id ${m.captured} → ${m.live}\n`);
      if (report.auth?.scheme) {
        const hs = report.auth.handshakes;
        io.stdout(
          `  auth: ${report.auth.scheme} as ${report.auth.identity}${hs.length ? `, ${hs.length} handshake(s) on connection(s) ${hs.map((h) => `${h.connectionId}${h.ok ? '' : ' (failed)'}`).join(', ')}` : ''}\n`,
        );
        for (const n of report.auth.notes) io.stdout(`  auth: ${n}\n`);
      }
      for (const p of report.problems) if (p !== report.stoppedBecause) io.stdout(`  note: ${p}\n`);
      if (report.stoppedBecause) io.stdout(`stopped: ${report.stoppedBecause}\n`);
    }
    return report.stoppedBecause || report.summary.failed > 0 ? 1 : 0;
  },
};
