/**
 * The `mapiscope` command contract. Every subcommand is one `Command` value,
 * registered in commands/index.ts; main.ts only parses and dispatches.
 * Exit codes: 0 ok, 1 failure, 2 bad usage. Data goes to stdout, progress and
 * logs to stderr.
 */
export interface OptionSpec {
  /** Long name without dashes ("port"). */
  name: string;
  /** Single-letter alias without dash ("p"). */
  alias?: string;
  /** Takes a value (`--port 8080`); otherwise a boolean flag. */
  value?: string;
  /** May be given more than once (values collected in order). */
  repeat?: boolean;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Option values by long name: string, string[] (repeat) or true (flag). */
  options: Record<string, string | string[] | boolean | undefined>;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when --json was given: commands print one JSON document on stdout. */
  json: boolean;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM), for long-running commands. */
  stopSignal: Promise<void>;
}

export interface Command {
  name: string;
  /** One line for `mapiscope --help`. */
  summary: string;
  /** Usage line(s) after "mapiscope " for `mapiscope <name> --help`. */
  usage: string[];
  options: OptionSpec[];
  /** Longer text for `mapiscope <name> --help` (examples, notes). */
  details?: string;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Thrown for bad usage; main prints the message with the command's usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown for an expected failure (bad file, dead upstream); main prints the message and exits 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

export function optString(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function optInt(args: ParsedArgs, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const s = optString(args, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got "${s}"`);
  return n;
}

export function optFlag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
