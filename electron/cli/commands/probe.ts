import { type Command, CliFailure, UsageError, optFlag, optInt, optString } from '../command.js';

export const probeCommand: Command = {
  name: 'probe',
  summary: 'check a server: TLS, Autodiscover mapiHttp, /mapi/emsmdb and /mapi/nspi PING',
  usage: ['probe <https://server | mapi URL> [--user U --password P] [--email E] [--insecure] [--ca FILE]'],
  options: [
    { name: 'user', alias: 'u', value: 'U', description: 'user for Basic authentication (Autodiscover and PING)' },
    { name: 'password', value: 'P', description: 'password for --user' },
    { name: 'email', value: 'E', description: 'mailbox address sent to Autodiscover' },
    { name: 'insecure', description: 'go on past an untrusted certificate (still reported)' },
    { name: 'ca', value: 'FILE', description: 'extra trusted CA certificate (PEM)' },
    { name: 'timeout', value: 'MS', description: 'per-request timeout in ms (default 10000)' },
  ],
  details: 'Exit code 0 when every step is ok or a warning, 1 when a step failed.',
  async run(args, io) {
    const url = args.positionals[0];
    if (!url) throw new UsageError('give the server to probe');
    const { probe } = await import('../../backend/probe/probe.js');
    const { readFile } = await import('node:fs/promises');
    const caFile = optString(args, 'ca');
    let ca: string | undefined;
    if (caFile)
      ca = await readFile(caFile, 'utf8').catch(() => {
        throw new CliFailure(`cannot read ${caFile}`);
      });
    const timeoutMs = optInt(args, 'timeout', 100, 600_000);
    const user = optString(args, 'user');
    const password = optString(args, 'password');
    const email = optString(args, 'email');
    let report;
    try {
      report = await probe({
        url,
        ...(user ? { user } : {}),
        ...(password ? { password } : {}),
        ...(email ? { email } : {}),
        insecure: optFlag(args, 'insecure'),
        ...(ca ? { ca } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    if (io.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
    else {
      const mark = { ok: '✓', warn: '!', fail: '✗', skip: '·' } as const;
      io.stdout(`Probe of ${report.target}\n`);
      for (const s of report.steps) {
        io.stdout(
          `  ${mark[s.verdict]} ${s.name}${s.status !== undefined ? ` [HTTP ${s.status}${s.ms !== undefined ? `, ${s.ms.toFixed(0)} ms` : ''}]` : ''}\n      ${s.detail}\n`,
        );
        if (s.url) io.stdout(`      ${s.url}\n`);
      }
      if (report.serverApplication) io.stdout(`  server: ${report.serverApplication}\n`);
      io.stdout(`Verdict: ${report.verdict}\n`);
    }
    return report.verdict === 'fail' ? 1 : 0;
  },
};
