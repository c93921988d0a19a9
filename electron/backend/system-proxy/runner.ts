/**
 * How the desktop integration runs the operating system's own tools (`reg`, `networksetup`,
 * `gsettings`, `certutil`, `security`): one small interface, so tests replay a recorded
 * conversation instead of touching the machine.
 */
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  /** Runs `file` with `args` (no shell). Never rejects for a non-zero exit: the code is in the result. */
  run(file: string, args: readonly string[]): Promise<CommandResult>;
}

/** A failed tool run, with what the tool said. */
export class CommandError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    const said = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    super(`${file} ${args.join(' ')} failed (exit ${result.code})${said ? `: ${said}` : ''}`);
  }
}

/** Runs a command and throws CommandError unless it exits 0. */
export async function mustRun(runner: CommandRunner, file: string, args: readonly string[]): Promise<string> {
  const r = await runner.run(file, args);
  if (r.code !== 0) throw new CommandError(file, args, r);
  return r.stdout;
}

/** The real runner: execFile without a shell, 120 s per command (a trust dialog waits for the user), environment of this process plus `env`. */
export function execRunner(env: NodeJS.ProcessEnv = {}): CommandRunner {
  return {
    run(file, args) {
      return new Promise((resolve) => {
        execFile(
          file,
          [...args],
          { timeout: 120_000, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, ...env }, windowsHide: true },
          (err, stdout, stderr) => {
            const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
            let code = 0;
            if (e) code = typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : 1;
            resolve({
              code,
              stdout: String(stdout),
              stderr: String(stderr) || (e && typeof e.code !== 'number' ? e.message : ''),
            });
          },
        );
      });
    },
  };
}
