/**
 * Windows: the current user's WinINET settings (what Outlook and Internet Options use) under
 * HKCU\…\Internet Settings, through `reg`. Values are kept as "TYPE:data" ("REG_DWORD:0x1",
 * "REG_SZ:http://…"), null when absent. After a change, running applications are told the way
 * Fiddler does it: InternetSetOption(INTERNET_OPTION_SETTINGS_CHANGED) then
 * (INTERNET_OPTION_REFRESH), called from PowerShell.
 */
import { type CommandRunner, mustRun } from './runner.js';
import type { ProxyTarget, SettingValue, SettingValues, SettingsStore } from './settings.js';

export const INTERNET_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
/** Write order: servers and script first, the switch last. */
const NAMES = ['ProxyServer', 'ProxyOverride', 'AutoConfigURL', 'ProxyEnable'] as const;

/** InternetSetOption option numbers (wininet.h). */
const INTERNET_OPTION_SETTINGS_CHANGED = 39;
const INTERNET_OPTION_REFRESH = 37;

export const NOTIFY_SCRIPT = [
  '$s=\'[DllImport("wininet.dll")] public static extern bool InternetSetOption(IntPtr h,int o,IntPtr b,int l);\'',
  '$t=Add-Type -MemberDefinition $s -Name WinInet -Namespace MapiScope -PassThru',
  `$null=$t::InternetSetOption([IntPtr]::Zero,${INTERNET_OPTION_SETTINGS_CHANGED},[IntPtr]::Zero,0)`,
  `$null=$t::InternetSetOption([IntPtr]::Zero,${INTERNET_OPTION_REFRESH},[IntPtr]::Zero,0)`,
].join(';');

/** The Internet Settings values in `reg query` output. */
export function parseRegQuery(out: string): SettingValues {
  const values: SettingValues = {};
  for (const n of NAMES) values[n] = null;
  for (const line of out.split(/\r?\n/)) {
    const m = /^\s+(\S+)\s+(REG_[A-Z_]+)(?:\s{4}(.*))?$/.exec(line);
    if (m && (NAMES as readonly string[]).includes(m[1]!)) values[m[1]!] = `${m[2]}:${m[3] ?? ''}`;
  }
  return values;
}

export class WindowsProxyStore implements SettingsStore {
  readonly id = 'windows';
  readonly label = 'Windows Internet Settings (current user)';

  constructor(private readonly runner: CommandRunner) {}

  async read(): Promise<SettingValues> {
    return parseRegQuery(await mustRun(this.runner, 'reg', ['query', INTERNET_SETTINGS_KEY]));
  }

  async write(name: string, value: SettingValue): Promise<void> {
    if (value === null) {
      const r = await this.runner.run('reg', ['delete', INTERNET_SETTINGS_KEY, '/v', name, '/f']);
      // Deleting a value that is already gone is what we wanted.
      if (r.code !== 0 && (await this.read())[name] !== null)
        await mustRun(this.runner, 'reg', ['delete', INTERNET_SETTINGS_KEY, '/v', name, '/f']);
      return;
    }
    const colon = value.indexOf(':');
    const type = value.slice(0, colon);
    let data = value.slice(colon + 1);
    if (type === 'REG_DWORD') data = String(Number.parseInt(data, data.startsWith('0x') ? 16 : 10));
    await mustRun(this.runner, 'reg', ['add', INTERNET_SETTINGS_KEY, '/v', name, '/t', type, '/d', data, '/f']);
  }

  describe(v: SettingValues): string {
    const data = (x: SettingValue | undefined) => (x ? x.slice(x.indexOf(':') + 1) : '');
    const parts: string[] = [];
    if (data(v.AutoConfigURL)) parts.push(`PAC ${data(v.AutoConfigURL)}`);
    if (Number.parseInt(data(v.ProxyEnable) || '0', 16) === 1) parts.push(`manual ${data(v.ProxyServer)}`);
    return parts.length ? parts.join(', then ') : 'no proxy';
  }

  desired(t: ProxyTarget): SettingValues {
    if (t.kind === 'pac') return { AutoConfigURL: `REG_SZ:${t.url}` };
    return {
      ProxyServer: `REG_SZ:${t.proxy.host}:${t.proxy.port}`,
      // WinINET matches wildcards, not CIDR; <local> is every name without a dot.
      ProxyOverride: `REG_SZ:${['<local>', ...t.bypass.map((b) => (b === '127.0.0.0/8' ? '127.*' : b))].join(';')}`,
      // A script would take precedence over the manual proxy.
      AutoConfigURL: null,
      ProxyEnable: 'REG_DWORD:0x1',
    };
  }

  async notify(): Promise<void> {
    await this.runner.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', NOTIFY_SCRIPT]);
  }
}
