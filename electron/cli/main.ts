/**
 * `mapiscope` entry point: global options, help, dispatch to the registered
 * subcommands, exit codes (0 ok, 1 failure, 2 usage).
 */
import { parseArgs } from './args.js';
import { CliFailure, type CliIO, type Command, type OptionSpec, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { VERSION } from '../backend/version.js';

const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'help', alias: 'h', description: 'show help' },
  { name: 'json', description: 'print data as JSON on stdout' },
];

function pad(s: string, n: number): string {
  return s.length >= n ? s + '  ' : s + ' '.repeat(n - s.length);
}

export function mainHelp(list: readonly Command[] = commands): string {
  const lines = [
    `mapiscope ${VERSION} — inspector and replayer for MAPI over HTTP (Outlook ↔ Exchange)`,
    '',
    'Usage: mapiscope <command> [options]',
    '       mapiscope <command> --help',
    '',
    'Commands:',
    ...list.map((c) => `  ${pad(c.name, 12)}${c.summary}`),
    '',
    'Global options:',
    '  --help, -h    show help',
    '  --version     print the version',
    '  --json        print data as JSON on stdout (where a command prints data)',
    '',
    'Exit codes: 0 ok, 1 failure, 2 bad usage. Progress and logs go to stderr.',
  ];
  return lines.join('\n') + '\n';
}

export function commandHelp(c: Command): string {
  const opts = [...c.options, ...GLOBAL_OPTIONS];
  const lines = [
    `mapiscope ${c.name} — ${c.summary}`,
    '',
    ...c.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}mapiscope ${u}`),
    '',
    'Options:',
    ...opts.map((o) => {
      const flag = `--${o.name}${o.value ? ` <${o.value}>` : ''}${o.alias ? `, -${o.alias}` : ''}`;
      return `  ${pad(flag, 26)}${o.description}`;
    }),
  ];
  if (c.details) lines.push('', c.details.trimEnd());
  return lines.join('\n') + '\n';
}

export interface RunOptions {
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  stopSignal?: Promise<void>;
  commandList?: readonly Command[];
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], opts: RunOptions = {}): Promise<number> {
  const stdout = opts.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = opts.stderr ?? ((s: string) => void process.stderr.write(s));
  const list = opts.commandList ?? commands;
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0]) {
      const c = list.find((x) => x.name === rest[0]);
      if (c) {
        stdout(commandHelp(c));
        return 0;
      }
    }
    stdout(mainHelp(list));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = list.find((c) => c.name === first);
  if (!cmd) {
    stderr(`mapiscope: unknown command "${first}"\n\n${mainHelp(list)}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, [...cmd.options, ...GLOBAL_OPTIONS]);
    if (args.options.help) {
      stdout(commandHelp(cmd));
      return 0;
    }
    const io: CliIO = {
      stdout,
      stderr,
      json: args.options.json === true,
      stopSignal: opts.stopSignal ?? new Promise<void>(() => {}),
    };
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`mapiscope ${cmd.name}: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    if (e instanceof CliFailure) {
      stderr(`mapiscope ${cmd.name}: ${e.message}\n`);
      return 1;
    }
    stderr(`mapiscope ${cmd.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

/** The data folder a command line uses (`--data-dir`, else $MAPISCOPE_DATA_DIR, else ~/.mapiscope). */
export function dataDirOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--data-dir') return argv[i + 1];
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return undefined;
}

/**
 * After a crash or `kill -9` of a MapiScope that had routed the machine through itself, the next
 * command restores the proxy settings first and says so in one line.
 */
export async function recoverSystemProxy(argv: readonly string[], stderr: (s: string) => void): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { defaultDataDir } = await import('../backend/data-dir.js');
  const { journalPath } = await import('../backend/system-proxy/journal.js');
  const dataDir = dataDirOf(argv) ?? defaultDataDir();
  if (!existsSync(journalPath(dataDir))) return;
  const { SystemProxy, restoreSummary } = await import('../backend/system-proxy/controller.js');
  try {
    const r = await new SystemProxy({ dataDir }).recoverStale();
    if (r) stderr(`mapiscope: ${restoreSummary(r, 'after an unclean stop')}\n`);
  } catch (e) {
    stderr(`mapiscope: could not restore the proxy settings left by an unclean stop: ${(e as Error).message}\n`);
  }
}

/** Process entry: wires signals, runs, and exits with the code. */
export async function cliMain(argv: readonly string[]): Promise<void> {
  await recoverSystemProxy(argv, (s) => void process.stderr.write(s));
  let resolveStop!: () => void;
  const stopSignal = new Promise<void>((r) => (resolveStop = r));
  let stops = 0;
  const onSignal = () => {
    stops++;
    if (stops > 1) process.exit(130);
    resolveStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await runCli(argv, { stopSignal });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // Let stdout drain before exiting.
  process.stdout.write('', () => process.exit(code));
}
