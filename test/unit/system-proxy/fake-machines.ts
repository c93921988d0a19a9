/**
 * Recorded command runners for the desktop integration tests: every command line is recorded,
 * and a small model of the tool's state answers it the way the real tool prints. `failWhen`
 * makes a chosen command fail, to test failures halfway.
 */
import type { CommandResult, CommandRunner } from '../../../electron/backend/system-proxy/runner.js';
import { CONNECTIONS_KEY, INTERNET_SETTINGS_KEY } from '../../../electron/backend/system-proxy/windows.js';

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string, code = 1): CommandResult => ({ code, stdout: '', stderr });

export abstract class RecordedRunner implements CommandRunner {
  readonly calls: string[] = [];
  /** A predicate over the command line ("reg add …"): when true, the command fails. */
  failWhen?: (line: string) => boolean;

  async run(file: string, args: readonly string[]): Promise<CommandResult> {
    const line = [file, ...args].join(' ');
    this.calls.push(line);
    if (this.failWhen?.(line)) return fail('ERROR: Access is denied.', 5);
    return this.answer(file, args);
  }

  /** Lines recorded since `mark`. */
  since(mark: number): string[] {
    return this.calls.slice(mark);
  }

  protected abstract answer(file: string, args: readonly string[]): CommandResult;
}

/** HKCU\…\Internet Settings and its Connections key as `reg` sees them. */
export class FakeRegistry extends RecordedRunner {
  values = new Map<string, { type: string; data: string }>();
  /** The values under …\Internet Settings\Connections. */
  connections = new Map<string, { type: string; data: string }>();

  constructor(
    initial: Record<string, { type: string; data: string }> = {},
    connections: Record<string, { type: string; data: string }> = {},
  ) {
    super();
    for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
    for (const [k, v] of Object.entries(connections)) this.connections.set(k, v);
  }

  snapshot(): Record<string, { type: string; data: string }> {
    const all = [...this.values, ...[...this.connections].map(([k, v]) => [`Connections\\${k}`, v] as const)];
    return Object.fromEntries(all.sort(([a], [b]) => a.localeCompare(b)));
  }

  protected answer(file: string, args: readonly string[]): CommandResult {
    if (file === 'powershell.exe') return ok();
    if (file !== 'reg') return fail(`'${file}' is not recognized`, 9009);
    const [verb, key, ...rest] = args;
    const values = key === INTERNET_SETTINGS_KEY ? this.values : key === CONNECTIONS_KEY ? this.connections : undefined;
    if (!values) return fail('ERROR: The system was unable to find the specified registry key or value.');
    const opt = (n: string) => (rest.includes(n) ? rest[rest.indexOf(n) + 1] : undefined);
    if (verb === 'query') {
      const only = opt('/v');
      const lines = ['', key];
      for (const [n, v] of values) if (!only || n === only) lines.push(`    ${n}    ${v.type}    ${v.data}`);
      if (only && lines.length === 2)
        return fail('ERROR: The system was unable to find the specified registry key or value.');
      lines.push('');
      return ok(lines.join('\r\n'));
    }
    if (verb === 'add') {
      const type = opt('/t')!;
      const d = opt('/d')!;
      values.set(opt('/v')!, { type, data: type === 'REG_DWORD' ? `0x${Number(d).toString(16)}` : d });
      return ok('The operation completed successfully.\r\n');
    }
    if (verb === 'delete') {
      if (!values.delete(opt('/v')!))
        return fail('ERROR: The system was unable to find the specified registry key or value.');
      return ok('The operation completed successfully.\r\n');
    }
    return fail('ERROR: Invalid syntax.');
  }
}

export interface MacServiceState {
  autoUrl: string;
  autoOn: boolean;
  web: { server: string; port: number; on: boolean };
  secure: { server: string; port: number; on: boolean };
  bypass: string[];
}

export function macService(p: Partial<MacServiceState> = {}): MacServiceState {
  return {
    autoUrl: '',
    autoOn: false,
    web: { server: '', port: 0, on: false },
    secure: { server: '', port: 0, on: false },
    bypass: [],
    ...p,
  };
}

/** `networksetup` over a few network services; a name starting with "*" is disabled. */
export class FakeNetworksetup extends RecordedRunner {
  constructor(readonly services: Map<string, MacServiceState>) {
    super();
  }

  snapshot(): Record<string, MacServiceState> {
    return JSON.parse(JSON.stringify(Object.fromEntries(this.services))) as Record<string, MacServiceState>;
  }

  protected answer(file: string, args: readonly string[]): CommandResult {
    if (file !== 'networksetup') return fail(`${file}: command not found`, 127);
    const [verb, name, ...rest] = args;
    if (verb === '-listallnetworkservices')
      return ok(
        ['An asterisk (*) denotes that a network service is disabled.', ...this.services.keys()].join('\n') + '\n',
      );
    const s = this.services.get(name ?? '');
    if (!s) return fail(`${name} is not a recognized network service.\n** Error: The parameters were not valid.`, 4);
    const proxyText = (p: { server: string; port: number; on: boolean }) =>
      `Enabled: ${p.on ? 'Yes' : 'No'}\nServer: ${p.server}\nPort: ${p.port}\nAuthenticated Proxy Enabled: 0\n`;
    switch (verb) {
      case '-getautoproxyurl':
        return ok(`URL: ${s.autoUrl || '(null)'}\nEnabled: ${s.autoOn ? 'Yes' : 'No'}\n`);
      case '-getwebproxy':
        return ok(proxyText(s.web));
      case '-getsecurewebproxy':
        return ok(proxyText(s.secure));
      case '-getproxybypassdomains':
        return ok(s.bypass.length ? s.bypass.join('\n') + '\n' : `There aren't any bypass domains set on ${name}.\n`);
      case '-setautoproxyurl':
        s.autoUrl = rest[0]!;
        s.autoOn = true;
        return ok();
      case '-setautoproxystate':
        s.autoOn = rest[0] === 'on';
        return ok();
      case '-setwebproxy':
        s.web = { server: rest[0]!, port: Number(rest[1]), on: true };
        return ok();
      case '-setsecurewebproxy':
        s.secure = { server: rest[0]!, port: Number(rest[1]), on: true };
        return ok();
      case '-setwebproxystate':
        s.web.on = rest[0] === 'on';
        return ok();
      case '-setsecurewebproxystate':
        s.secure.on = rest[0] === 'on';
        return ok();
      case '-setproxybypassdomains':
        s.bypass = rest[0] === 'Empty' ? [] : [...rest];
        return ok();
      default:
        return fail(`** Error: unknown option ${verb}`, 4);
    }
  }
}
