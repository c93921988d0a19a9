/**
 * `mapiscope report <capture> [--logs <case|folder>]… [--probe probe.json] --out case.html`:
 * one self-contained, redacted HTML file for a ticket (environment and support
 * verdict, sessions timeline, findings with evidence, server-log summary,
 * probe result). Written to a temporary file and renamed at the end.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProbeLike } from '../../../shared/report/case-report.js';
import { type Command, CliFailure, UsageError, optFlag, optString } from '../command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'a self-contained, redacted HTML case report (capture, server logs, probe)',
  usage: ['report <capture|har|saz> [--logs CASE.logs|FOLDER]… [--probe probe.json] --out case.html [--no-redact]'],
  options: [
    { name: 'out', alias: 'o', value: 'FILE', description: 'the HTML file to write' },
    { name: 'logs', value: 'PATH', repeat: true, description: 'a case file (logs import) or Exchange log folders' },
    { name: 'probe', value: 'FILE', description: 'the JSON `mapiscope probe … --json` printed' },
    { name: 'no-redact', description: 'keep user/mailbox names and cookie values (default: redacted)' },
  ],
  details: 'The file has no script and loads nothing: it opens offline in any browser.',
  async run(args, io) {
    const capture = args.positionals[0];
    const out = optString(args, 'out');
    if (!capture || !out) throw new UsageError('report needs a capture and --out case.html');
    const logs = args.options.logs;
    const logPaths = Array.isArray(logs) ? logs : typeof logs === 'string' ? [logs] : [];
    const probePath = optString(args, 'probe');
    let probe: ProbeLike | undefined;
    if (probePath) {
      try {
        probe = JSON.parse(await readFile(probePath, 'utf8')) as ProbeLike;
      } catch (e) {
        throw new CliFailure(`${probePath}: not the JSON of mapiscope probe --json (${(e as Error).message})`);
      }
    }
    const { detectInput, readInput } = await import('./analyze.js');
    const { buildCaseReport } = await import('../../backend/report/build-report.js');
    const kind = detectInput(capture);
    const warnings: string[] = [];
    const opened = logPaths.length
      ? await (await import('../../backend/logs/case.js')).openCase(logPaths).catch((e: Error) => {
          throw new CliFailure(e.message);
        })
      : undefined;
    try {
      const { html, data } = await buildCaseReport({
        name: basename(capture),
        exchanges: readInput(capture, kind, warnings),
        ...(opened ? { logs: opened.db } : {}),
        ...(probe ? { probe } : {}),
        redact: !optFlag(args, 'no-redact'),
      });
      const tmp = `${out}.partial-${process.pid}`;
      try {
        await writeFile(tmp, html);
        await rename(tmp, out);
      } catch (e) {
        await rm(tmp, { force: true });
        throw new CliFailure((e as Error).message);
      }
      for (const w of warnings) io.stderr(`warning: ${w}\n`);
      const summary = {
        out,
        bytes: Buffer.byteLength(html),
        sessions: data.sessions.length,
        findings: data.findings.length,
        serverLogs: !!data.serverLogs,
        probe: !!data.probe,
        redacted: data.redaction.redacted,
        secretsReplaced: data.redaction.secrets,
      };
      if (io.json) io.stdout(JSON.stringify(summary) + '\n');
      else
        io.stdout(
          `${out}: ${summary.sessions} session(s), ${summary.findings} finding(s)${summary.serverLogs ? ', server logs' : ''}${summary.probe ? ', probe' : ''}; ` +
            `${summary.redacted ? `${summary.secretsReplaced} names and cookie values redacted` : 'NOT redacted'}\n`,
        );
      return 0;
    } finally {
      opened?.db.close();
    }
  },
};
