import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../electron/cli/args.js';
import type { Command } from '../../../electron/cli/command.js';
import { CliFailure, optInt } from '../../../electron/cli/command.js';
import { commands } from '../../../electron/cli/commands/index.js';
import { runCli } from '../../../electron/cli/main.js';
import { VERSION } from '../../../electron/backend/version.js';

async function cli(argv: string[], list?: readonly Command[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    ...(list ? { commandList: list } : {}),
  });
  return { code, out, err };
}

const echo: Command = {
  name: 'echo',
  summary: 'prints its arguments',
  usage: ['echo [--n N] <words…>'],
  options: [
    { name: 'n', value: 'N', description: 'times' },
    { name: 'tag', alias: 't', value: 'T', repeat: true, description: 'tags' },
  ],
  async run(args, io) {
    const n = optInt(args, 'n', 1, 3) ?? 1;
    if (args.positionals[0] === 'fail') throw new CliFailure('asked to fail');
    const data = { words: args.positionals, n, tags: args.options.tag ?? [] };
    io.stdout(io.json ? JSON.stringify(data) + '\n' : `${args.positionals.join(' ')}\n`.repeat(n));
    io.stderr('progress\n');
    return 0;
  },
};

describe('mapiscope CLI', () => {
  it('lists every registered command in --help, in registry order', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.out).toContain(`  ${c.name}`);
    expect(r.out).toContain('Exit codes: 0 ok, 1 failure, 2 bad usage');
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await cli(['--version'])).out).toBe(`${pkg.version}\n`);
  });

  it('exit codes: 0 ok, 1 failure, 2 usage', async () => {
    expect(await cli(['echo', 'a', 'b', '--n', '2'], [echo])).toMatchObject({
      code: 0,
      out: 'a b\na b\n',
      err: 'progress\n',
    });
    expect((await cli(['echo', 'fail'], [echo])).code).toBe(1);
    const bad = await cli(['echo', '--n', '9'], [echo]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--n expects an integer from 1 to 3, got "9"');
    expect(bad.err).toContain('Usage: mapiscope echo');
    expect((await cli(['echo', '--nope'], [echo])).err).toContain('unknown option --nope');
    expect((await cli(['nosuch'], [echo])).code).toBe(2);
    expect((await cli([], [echo])).code).toBe(2);
  });

  it('--json switches data output to one JSON document', async () => {
    const r = await cli(['echo', 'x', '--json', '-t', 'a', '--tag=b'], [echo]);
    expect(JSON.parse(r.out)).toEqual({ words: ['x'], n: 1, tags: ['a', 'b'] });
  });

  it('per-command help shows usage and options', async () => {
    const r = await cli(['echo', '--help'], [echo]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: mapiscope echo [--n N] <words…>');
    expect(r.out).toContain('--tag <T>, -t');
  });

  it('parses -- and = forms', () => {
    const specs = [
      { name: 'port', value: 'N', description: '' },
      { name: 'json', description: '' },
    ];
    expect(parseArgs(['a', '--port=8', '--json', '--', '--x'], specs)).toEqual({
      positionals: ['a', '--x'],
      options: { port: '8', json: true },
    });
    expect(() => parseArgs(['--port'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--json=1'], specs)).toThrow(/takes no value/);
  });
});
