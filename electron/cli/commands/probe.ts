import { AUTH_OPTIONS, readAuthOptions } from '../auth-options.js';
import { type Command, CliFailure, UsageError, optFlag, optInt, optString } from '../command.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const time = (t: number | undefined) => (t ? new Date(t).toISOString().slice(11, 23) : '-');

export const probeCommand: Command = {
  name: 'probe',
  summary: 'log on to a mailbox step by step, like Test-OutlookConnectivity (TLS, Autodiscover, emsmdb, nspi, PING)',
  usage: [
    'probe <https://server | …/mapi/emsmdb/?MailboxId=…> [--user DOMAIN\\user | user@domain] [--password P] [--email E] [--dn DN]',
    '      [--auth basic|ntlm|negotiate|bearer] [-k] [--ca FILE] [--repeat N --interval 30s] [--out F.mscap] [--json]',
  ],
  options: [
    ...AUTH_OPTIONS,
    {
      name: 'email',
      value: 'E',
      description: 'mailbox address for Autodiscover (default: --user when it is user@domain)',
    },
    { name: 'dn', value: 'DN', description: "the user's legacy DN for Connect and RopLogon (default: Autodiscover's)" },
    { name: 'nspi', value: 'URL', description: 'address book URL when the MAPI URL is given and nspi is elsewhere' },
    { name: 'insecure', alias: 'k', description: 'go on past an untrusted certificate (the TLS step still fails)' },
    { name: 'ca', value: 'FILE', description: 'extra trusted CA certificate (PEM)' },
    { name: 'timeout', value: 'MS', description: 'per-request timeout in ms (default 15000)' },
    { name: 'repeat', value: 'N', description: 'probe N times and end with latency percentiles per step' },
    { name: 'interval', value: 'T', description: 'time between the starts of two probes with --repeat (default 30s)' },
    {
      name: 'out',
      alias: 'o',
      value: 'FILE',
      description: "capture the probe's own traffic (.mscap; Authorization redacted)",
    },
  ],
  details: [
    'Steps: TLS certificate → Autodiscover (POX, then JSON) → Connect → Execute RopLogon → RopOpenFolder (Inbox) →',
    'Disconnect; Bind → DNToMId of the user → Unbind; PING on /mapi/emsmdb and /mapi/nspi. A MAPI URL given on the',
    'command line wins over the one Autodiscover offers. Authentication: Basic, NTLM, Negotiate (SPNEGO carrying',
    'NTLM) or Bearer, as the server offers, unless --auth forces one; the password comes from --password,',
    'MAPISCOPE_PASSWORD or a prompt. Exit code 0 only when every step succeeded.',
  ].join('\n'),
  async run(args, io) {
    const url = args.positionals[0];
    if (!url) throw new UsageError('give the server to probe');
    const { probe, parseTarget } = await import('../../backend/probe/probe.js');
    const { probeSeries, latencyOf, parseInterval } = await import('../../backend/probe/series.js');
    try {
      parseTarget(url);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const { readFile } = await import('node:fs/promises');
    const caFile = optString(args, 'ca');
    let ca: string | undefined;
    if (caFile)
      ca = await readFile(caFile, 'utf8').catch(() => {
        throw new CliFailure(`cannot read ${caFile}`);
      });
    const auth = await readAuthOptions(args, io);
    const timeoutMs = optInt(args, 'timeout', 100, 600_000);
    const repeat = optInt(args, 'repeat', 1, 1_000_000);
    const intervalText = optString(args, 'interval');
    if (intervalText && !repeat) throw new UsageError('--interval goes with --repeat');
    let intervalMs = 30_000;
    if (intervalText)
      try {
        intervalMs = parseInterval(intervalText);
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
    const outFile = optString(args, 'out');
    const email = optString(args, 'email');
    const dn = optString(args, 'dn');
    const nspiUrl = optString(args, 'nspi');
    const opts = {
      url,
      auth,
      ...(email ? { email } : {}),
      ...(dn ? { dn } : {}),
      ...(nspiUrl ? { nspiUrl } : {}),
      insecure: optFlag(args, 'insecure'),
      ...(ca ? { ca } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(outFile ? { record: true } : {}),
    };
    type Run = Awaited<ReturnType<typeof probe>>;
    const table = (r: Run) => {
      io.stdout(
        `${pad('Identity', 22)}${pad('Scenario', 34)}${pad('StartTime', 14)}${pad('EndTime', 14)}${pad('Latency', 10)}${pad('Result', 11)}Error\n`,
      );
      for (const s of r.steps)
        io.stdout(
          `${pad(r.identity, 22)}${pad(s.name, 34)}${pad(time(s.start), 14)}${pad(time(s.end), 14)}${pad(s.durationMs !== undefined ? `${s.durationMs} ms` : '-', 10)}${pad(s.result, 11)}${s.error ?? ''}\n`,
        );
    };
    const details = (r: Run) => {
      for (const s of r.steps) {
        const facts = [
          s.status !== undefined ? `HTTP ${s.status}` : '',
          s.responseCode !== undefined ? `X-ResponseCode ${s.responseCode} (${s.responseCodeName ?? '?'})` : '',
          s.returnValue ? `ReturnValue ${s.returnValue}` : '',
          s.requestId ? `X-RequestId ${s.requestId}` : '',
          s.auth ?? '',
        ].filter(Boolean);
        if (facts.length || s.detail)
          io.stdout(`  ${s.name}: ${[...facts, s.detail ?? ''].filter(Boolean).join('; ')}\n`);
      }
      if (r.mapiHttp) io.stdout(`  MAPI URL (${r.mapiHttp.source}): ${r.mapiHttp.mailStore ?? '-'}\n`);
      if (r.serverApplication) io.stdout(`  server: ${r.serverApplication}\n`);
      if (r.auth?.scheme) io.stdout(`  authentication: ${r.auth.scheme}, ${r.auth.handshakes} handshake(s)\n`);
      for (const n of [...(r.auth?.notes ?? []), ...r.notes]) io.stdout(`  note: ${n}\n`);
    };
    const ac = new AbortController();
    void io.stopSignal.then(() => ac.abort());
    let runs: Run[];
    if (!repeat) runs = [await probe({ ...opts, signal: ac.signal })];
    else
      runs = await probeSeries(
        opts,
        repeat,
        intervalMs,
        (r, i) => {
          const failed = r.steps.filter((s) => s.result === 'Failed');
          io.stderr(
            `run ${i + 1}/${repeat} at ${time(r.startedAt)}: ${r.result}${failed.length ? ` (${failed.map((s) => `${s.name}: ${s.error}`).join('; ')})` : ''}\n`,
          );
        },
        ac.signal,
      );
    const last = runs.at(-1)!;
    const latency = latencyOf(runs);
    const result = runs.every((r) => r.result === 'Succeeded') ? 'Succeeded' : 'Failed';
    if (outFile) {
      const { CaptureWriter } = await import('../../backend/store/capture-file.js');
      const { Redactor } = await import('../../../shared/capture/redact.js');
      const redactor = new Redactor();
      let n = 0;
      try {
        const w = await CaptureWriter.create(outFile, { source: 'probe', target: url });
        for (const r of runs)
          for (const ex of r.recorded ?? []) await w.append({ ...redactor.credentials(ex), id: ++n });
        await w.close();
      } catch (e) {
        throw new CliFailure(`cannot write ${outFile}: ${e instanceof Error ? e.message : String(e)}`);
      }
      io.stderr(`wrote ${n} exchange(s) of the probe to ${outFile}\n`);
    }
    for (const r of runs) delete r.recorded;
    if (io.json) io.stdout(JSON.stringify(repeat ? { runs, latency, result } : last, null, 2) + '\n');
    else {
      io.stdout(`Probe of ${last.target} as ${last.identity}\n`);
      table(last);
      details(last);
      if (repeat) {
        io.stdout(`\n${runs.length} run(s): ${runs.filter((r) => r.result === 'Succeeded').length} succeeded\n`);
        io.stdout(
          `${pad('Scenario', 34)}${pad('runs', 6)}${pad('failed', 8)}${pad('p50', 9)}${pad('p90', 9)}${pad('p99', 9)}max\n`,
        );
        const ms = (v?: number) => (v === undefined ? '-' : `${v} ms`);
        for (const l of latency)
          io.stdout(
            `${pad(l.name, 34)}${pad(String(l.runs), 6)}${pad(String(l.failures), 8)}${pad(ms(l.p50), 9)}${pad(ms(l.p90), 9)}${pad(ms(l.p99), 9)}${ms(l.max)}\n`,
          );
      }
      io.stdout(`Result: ${result}\n`);
    }
    return result === 'Succeeded' ? 0 : 1;
  },
};
