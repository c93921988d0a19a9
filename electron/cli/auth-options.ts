/**
 * The authentication options shared by `probe` and `replay`: --user
 * (DOMAIN\user or user@domain), --password, else MAPISCOPE_PASSWORD, else a
 * hidden prompt when a terminal is attached; --auth to force a scheme;
 * --bearer for a token. The password goes only into AuthSettings.
 */
import type { AuthScheme, AuthSettings } from '../backend/auth/authenticator.js';
import { parseUser } from '../backend/auth/credentials.js';
import { type CliIO, type OptionSpec, type ParsedArgs, UsageError, optString } from './command.js';

export const AUTH_OPTIONS: OptionSpec[] = [
  { name: 'user', alias: 'u', value: 'USER', description: 'DOMAIN\\user or user@domain (Basic, NTLM, Negotiate)' },
  {
    name: 'password',
    value: 'PW',
    description: 'password for --user (else MAPISCOPE_PASSWORD, else a prompt when a terminal is attached)',
  },
  {
    name: 'auth',
    value: 'SCHEME',
    description: "force basic, ntlm, negotiate or bearer (default: chosen from the server's WWW-Authenticate)",
  },
  { name: 'bearer', value: 'TOKEN', description: 'OAuth bearer token' },
];

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let text = '';
    const raw = stdin.isRaw;
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode?.(raw);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled at the password prompt'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readAuthOptions(
  args: ParsedArgs,
  _io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
  prompt: ((q: string) => Promise<string>) | undefined = process.stdin.isTTY ? promptHidden : undefined,
): Promise<AuthSettings> {
  const out: AuthSettings = {};
  const forced = optString(args, 'auth')?.toLowerCase();
  if (forced !== undefined) {
    if (!['basic', 'ntlm', 'negotiate', 'bearer'].includes(forced))
      throw new UsageError('--auth is basic, ntlm, negotiate or bearer');
    out.scheme = forced as AuthScheme;
  }
  const bearer = optString(args, 'bearer');
  if (bearer !== undefined) out.token = bearer;
  const user = optString(args, 'user');
  let password = optString(args, 'password');
  if (password !== undefined && user === undefined) throw new UsageError('--password needs --user');
  if (user !== undefined) {
    password ??= env.MAPISCOPE_PASSWORD;
    if (password === undefined) {
      if (!prompt)
        throw new UsageError(
          `no password for ${user}: give --password, set MAPISCOPE_PASSWORD, or run in a terminal to be asked`,
        );
      password = await prompt(`Password for ${user}: `);
    }
    out.credentials = parseUser(user, password);
  }
  if (out.scheme === 'bearer' && out.token === undefined) throw new UsageError('--auth bearer needs --bearer TOKEN');
  if (out.scheme && out.scheme !== 'bearer' && !out.credentials)
    throw new UsageError(`--auth ${out.scheme} needs --user (and a password)`);
  return out;
}
