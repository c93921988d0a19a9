/**
 * `mapiscope export`: a capture (or HAR/SAZ) to HAR 1.2, Fiddler SAZ, or the
 * decoded tree of every exchange as a JSON array (the `decode --json` shape),
 * through the backend's exporter (electron/backend/store/export.ts). Redaction
 * is on unless `--no-redact`; a failure never leaves a partial file behind.
 */
import { writeFile } from 'node:fs/promises';
import { CaptureFileError } from '../../../shared/capture/errors.js';
import {
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  ExportWriteError,
  type Sink,
  exportCapture,
  exportToFile,
  redactionSummary,
} from '../../backend/store/export.js';
import { type Command, CliFailure, UsageError, optFlag, optString } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a capture, HAR or SAZ as HAR 1.2, Fiddler SAZ or decoded JSON (redacted)',
  usage: [
    'export <capture|har|saz> --format har|saz|json [--out <file>] [--no-redact] [--name <user>]…',
    'export <capture> --har <out.har> | --saz <out.saz>',
  ],
  options: [
    {
      name: 'format',
      alias: 'f',
      value: 'har|saz|json',
      description: 'output format (default: from the --out extension, else har)',
    },
    {
      name: 'out',
      alias: 'o',
      value: 'file',
      description: 'output file (default stdout for har/json; required for saz)',
    },
    { name: 'har', value: 'file', description: 'same as --format har --out <file>' },
    { name: 'saz', value: 'file', description: 'same as --format saz --out <file>' },
    { name: 'no-redact', description: 'keep credentials, cookies and tokens (default: redacted)' },
    {
      name: 'name',
      value: 'user',
      repeat: true,
      description: 'also replace this user/mailbox name everywhere (bodies too); repeatable',
    },
    {
      name: 'redact-names',
      description:
        'find user/mailbox names in the capture (headers, credentials, and every decoded body: DNs, addresses, display names) and replace them too',
    },
    { name: 'report', value: 'file', description: 'write the redaction report (JSON) to this file' },
    {
      name: 'no-rops',
      description: 'HAR: build _mapi from headers and meta-tags only (no ROP names; several times faster)',
    },
  ],
  details: [
    'Redaction (default): Authorization/Proxy-Authorization credentials, NTLM/Negotiate blobs,',
    'cookie values (consistent pseudonyms), token query parameters and token fields in text bodies.',
    'HAR output: HAR 1.2 with _exchange (lossless: our import gives back the same bytes) and _mapi blocks.',
    'JSON output: a streamed array of {id, endpoint, requestType, responseCode, request, response}, as decode --json.',
    'A failed export leaves no partial output file.',
  ].join('\n'),
  async run(args, io) {
    const input = args.positionals[0];
    if (!input) throw new UsageError('missing input file');
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
    let format = optString(args, 'format') as ExportFormat | undefined;
    let out = optString(args, 'out');
    for (const f of ['har', 'saz'] as const) {
      const v = optString(args, f);
      if (v !== undefined) {
        if (format && format !== f) throw new UsageError(`--${f} conflicts with --format ${format}`);
        if (out && out !== v) throw new UsageError(`--${f} conflicts with --out`);
        format = f;
        out = v;
      }
    }
    if (!format && out) format = /\.saz$/i.test(out) ? 'saz' : /\.json$/i.test(out) ? 'json' : 'har';
    format ??= 'har';
    if (!['har', 'saz', 'json'].includes(format))
      throw new UsageError(`--format must be har, saz or json, got "${format}"`);
    if (format === 'saz' && !out) throw new UsageError('SAZ is binary: give --out <file.saz>');
    const names = ((args.options.name as string[] | undefined) ?? []).flatMap((n) => n.split(',')).filter(Boolean);
    const opts: ExportOptions = {
      format,
      redact: !optFlag(args, 'no-redact'),
      names,
      discoverNames: optFlag(args, 'redact-names'),
      noRops: optFlag(args, 'no-rops'),
      progress: (n) => io.stderr(`exported ${n} exchange(s)\r`),
    };
    let r: ExportResult;
    try {
      if (out) r = await exportToFile(input, out, opts);
      else {
        const sink: Sink = {
          bytes: 0,
          async write(p) {
            const s = typeof p === 'string' ? p : Buffer.from(p).toString('latin1');
            sink.bytes += Buffer.byteLength(s);
            io.stdout(s);
          },
        };
        r = await exportCapture(input, sink, opts);
      }
    } catch (e) {
      if (e instanceof CaptureFileError || e instanceof ExportWriteError) throw new CliFailure(e.message);
      throw e;
    }
    io.stderr('\n');
    for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
    if (r.discoveredNames !== undefined) io.stderr(`found ${r.discoveredNames} user/mailbox name(s) to replace\n`);
    if (r.redaction) io.stderr(redactionSummary(r.redaction) + '\n');
    else io.stderr('redaction disabled (--no-redact): the output holds credentials and cookies\n');
    const report = optString(args, 'report');
    if (report && r.redaction) await writeFile(report, JSON.stringify(r.redaction, null, 2) + '\n');
    if (out) {
      io.stderr(`wrote ${r.exchanges} exchange(s), ${r.bytes} bytes of ${format.toUpperCase()} to ${out}\n`);
      if (io.json)
        io.stdout(
          JSON.stringify({
            out,
            format,
            exchanges: r.exchanges,
            bytes: r.bytes,
            inputFormat: r.inputFormat,
            warnings: r.warnings,
            redaction: r.redaction ?? null,
          }) + '\n',
        );
    }
    return 0;
  },
};
