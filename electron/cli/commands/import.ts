/**
 * `mapiscope import`: a HAR or SAZ (or another capture) into a MapiScope
 * capture file. Exchanges stream from the reader to the capture writer. The
 * capture is written under a temporary name and renamed at the end: on a bad
 * input nothing is left behind, unless `--keep-partial` asks to keep the
 * exchanges read before the fault (the exit code is 1 either way).
 */
import { rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { CaptureFileError } from '../../../shared/capture/errors.js';
import { CaptureWriter, indexPath } from '../../backend/store/capture-file.js';
import { type Command, CliFailure, UsageError, optFlag, optString } from '../command.js';
import { iterateExchanges, type CaptureFileFormat } from '../../backend/store/load.js';

export interface ImportResult {
  exchanges: number;
  format?: CaptureFileFormat;
  warnings: string[];
  /** Set when the input had a fault: its message. */
  error?: string;
  /** True when the output file was kept (complete, or partial with keepPartial). */
  written: boolean;
}

export async function importCapture(
  input: string,
  out: string,
  opts: { keepPartial?: boolean; progress?: (n: number) => void } = {},
): Promise<ImportResult> {
  if (existsSync(out)) throw new CliFailure(`${out} exists: an existing capture is never overwritten`);
  const tmp = `${out}.partial-${process.pid}`;
  const res: ImportResult = { exchanges: 0, warnings: [], written: false };
  const source = iterateExchanges(input, { warnings: res.warnings, format: (f) => (res.format = f) });
  let writer: CaptureWriter | undefined;
  const cleanup = async (): Promise<void> => {
    await writer?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    await rm(indexPath(tmp), { force: true });
  };
  try {
    writer = await CaptureWriter.create(tmp, { importedFrom: input });
    try {
      for await (const ex of source) {
        await writer.append(ex);
        res.exchanges++;
        if (res.exchanges % 1000 === 0) opts.progress?.(res.exchanges);
      }
    } catch (e) {
      if (!(e instanceof CaptureFileError)) throw e;
      res.error = e.message;
      if (!opts.keepPartial) {
        await cleanup();
        return res;
      }
    }
    await writer.close();
    await rename(tmp, out);
    await rename(indexPath(tmp), indexPath(out)).catch(() => undefined);
    res.written = true;
    return res;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a HAR or Fiddler SAZ file into a MapiScope capture',
  usage: ['import <in.har|in.saz> --out <capture.mscap> [--keep-partial]'],
  options: [
    { name: 'out', alias: 'o', value: 'capture', description: 'capture file to create (never overwritten)' },
    {
      name: 'keep-partial',
      description: 'on a damaged input, keep the exchanges read before the fault (exit code stays 1)',
    },
  ],
  details: [
    'The format is told from the content: HAR (any tool; losses are listed as warnings), SAZ, or a capture.',
    'Our own HAR and SAZ exports import back byte for byte.',
  ].join('\n'),
  async run(args, io) {
    const input = args.positionals[0];
    if (!input) throw new UsageError('missing input file');
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
    const out = optString(args, 'out');
    if (!out) throw new UsageError('missing --out <capture>');
    let r: ImportResult;
    try {
      r = await importCapture(input, out, {
        keepPartial: optFlag(args, 'keep-partial'),
        progress: (n) => io.stderr(`imported ${n} exchange(s)\r`),
      });
    } catch (e) {
      if (e instanceof CaptureFileError) throw new CliFailure(e.message);
      throw e;
    }
    for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
    if (io.json)
      io.stdout(
        JSON.stringify({
          out: r.written ? out : null,
          format: r.format,
          exchanges: r.exchanges,
          warnings: r.warnings,
          error: r.error ?? null,
        }) + '\n',
      );
    if (r.error) {
      io.stderr(`error: ${r.error}\n`);
      io.stderr(
        r.written
          ? `kept the ${r.exchanges} exchange(s) read before the fault in ${out}\n`
          : `${r.exchanges} exchange(s) were readable before the fault; nothing written (use --keep-partial to keep them)\n`,
      );
      return 1;
    }
    io.stderr(`imported ${r.exchanges} exchange(s) from ${input} (${r.format}) into ${out}\n`);
    return 0;
  },
};
