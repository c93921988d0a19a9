/**
 * Windows: the current user's WinINET settings (what Outlook and Internet Options use) under
 * HKCU\…\Internet Settings, through `reg`: the values ProxyEnable, ProxyServer, ProxyOverride,
 * AutoConfigURL and, under its Connections key, the binary DefaultConnectionSettings that modern
 * Windows reads them from (layout: wininet-connection.ts). Values are kept as "TYPE:data"
 * ("REG_DWORD:0x1", "REG_SZ:http://…", "REG_BINARY:4600…"), null when absent, so a restore writes
 * back exactly the bytes that were there. After a change, running applications are told the way
 * Fiddler does it: InternetSetOption(INTERNET_OPTION_SETTINGS_CHANGED) then
 * (INTERNET_OPTION_REFRESH), called from PowerShell.
 */
import { type CommandRunner, mustRun } from './runner.js';
import type { PreviousRoute } from './pac.js';
import type { ProxyTarget, SettingValue, SettingValues, SettingsStore } from './settings.js';
import {
  type ConnectionSettings,
  PROXY_TYPE_AUTO_PROXY_URL,
  PROXY_TYPE_PROXY,
  decodeConnectionSettings,
  encodeConnectionSettings,
  fromRegHex,
  routedConnectionSettings,
  toRegHex,
} from './wininet-connection.js';

export const INTERNET_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
export const CONNECTIONS_KEY = `${INTERNET_SETTINGS_KEY}\\Connections`;
export const CONNECTION_SETTINGS = 'DefaultConnectionSettings';
/** Write order: servers and script first, the switches last (the binary value is what Windows reads). */
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

/** The Internet Settings values (or those named) in `reg query` output. */
export function parseRegQuery(out: string, names: readonly string[] = NAMES): SettingValues {
  const values: SettingValues = {};
  for (const n of names) values[n] = null;
  for (const line of out.split(/\r?\n/)) {
    const m = /^\s+(\S+)\s+(REG_[A-Z_]+)(?:\s{4}(.*))?$/.exec(line);
    if (m && names.includes(m[1]!)) values[m[1]!] = `${m[2]}:${m[3] ?? ''}`;
  }
  return values;
}

/** The connection settings in a "REG_BINARY:hex" value; undefined when absent or not readable. */
export function connectionSettingsOf(v: SettingValue | undefined): ConnectionSettings | undefined {
  if (!v?.startsWith('REG_BINARY:')) return undefined;
  try {
    return decodeConnectionSettings(fromRegHex(v.slice('REG_BINARY:'.length)));
  } catch {
    return undefined;
  }
}

const NOT_FOUND = /unable to find the specified registry key or value/i;

export class WindowsProxyStore implements SettingsStore {
  readonly id = 'windows';
  readonly label = 'Windows Internet Settings (current user)';

  constructor(private readonly runner: CommandRunner) {}

  async read(): Promise<SettingValues> {
    const values = parseRegQuery(await mustRun(this.runner, 'reg', ['query', INTERNET_SETTINGS_KEY]));
    const r = await this.runner.run('reg', ['query', CONNECTIONS_KEY, '/v', CONNECTION_SETTINGS]);
    // No Connections key or value yet (a profile that never opened Internet Options): absent.
    if (r.code !== 0 && !NOT_FOUND.test(r.stderr + r.stdout))
      await mustRun(this.runner, 'reg', ['query', CONNECTIONS_KEY, '/v', CONNECTION_SETTINGS]);
    return { ...values, ...parseRegQuery(r.code === 0 ? r.stdout : '', [CONNECTION_SETTINGS]) };
  }

  async write(name: string, value: SettingValue): Promise<void> {
    const key = name === CONNECTION_SETTINGS ? CONNECTIONS_KEY : INTERNET_SETTINGS_KEY;
    if (value === null) {
      const r = await this.runner.run('reg', ['delete', key, '/v', name, '/f']);
      // Deleting a value that is already gone is what we wanted.
      if (r.code !== 0 && (await this.read())[name] !== null)
        await mustRun(this.runner, 'reg', ['delete', key, '/v', name, '/f']);
      return;
    }
    const colon = value.indexOf(':');
    const type = value.slice(0, colon);
    let data = value.slice(colon + 1);
    if (type === 'REG_DWORD') data = String(Number.parseInt(data, data.startsWith('0x') ? 16 : 10));
    await mustRun(this.runner, 'reg', ['add', key, '/v', name, '/t', type, '/d', data, '/f']);
  }

  describe(v: SettingValues): string {
    const data = (x: SettingValue | undefined) => (x ? x.slice(x.indexOf(':') + 1) : '');
    const parts: string[] = [];
    if (data(v.AutoConfigURL)) parts.push(`PAC ${data(v.AutoConfigURL)}`);
    if (Number.parseInt(data(v.ProxyEnable) || '0', 16) === 1) parts.push(`manual ${data(v.ProxyServer)}`);
    return parts.length ? parts.join(', then ') : 'no proxy';
  }

  previousRoute(v: SettingValues): PreviousRoute | undefined {
    const data = (x: SettingValue | undefined) => (x ? x.slice(x.indexOf(':') + 1) : '');
    const split = (list: string) => list.split(';').filter(Boolean);
    const c = connectionSettingsOf(v[CONNECTION_SETTINGS]);
    if (c) {
      if (c.flags & PROXY_TYPE_AUTO_PROXY_URL && c.autoConfigUrl) return { kind: 'pac', url: c.autoConfigUrl };
      if (c.flags & PROXY_TYPE_PROXY && c.proxyServer)
        return { kind: 'proxy', server: c.proxyServer, bypass: split(c.bypassList) };
      return undefined;
    }
    if (data(v.AutoConfigURL)) return { kind: 'pac', url: data(v.AutoConfigURL) };
    if (Number.parseInt(data(v.ProxyEnable) || '0', 16) === 1 && data(v.ProxyServer))
      return { kind: 'proxy', server: data(v.ProxyServer), bypass: split(data(v.ProxyOverride)) };
    return undefined;
  }

  desired(t: ProxyTarget, current: SettingValues = {}): SettingValues {
    const previous = connectionSettingsOf(current[CONNECTION_SETTINGS]);
    const binary = (s: ConnectionSettings): string => `REG_BINARY:${toRegHex(encodeConnectionSettings(s))}`;
    if (t.kind === 'pac')
      return {
        AutoConfigURL: `REG_SZ:${t.url}`,
        [CONNECTION_SETTINGS]: binary(routedConnectionSettings(previous, { autoConfigUrl: t.url })),
      };
    const proxyServer = `${t.proxy.host}:${t.proxy.port}`;
    // WinINET matches wildcards, not CIDR; <local> is every name without a dot.
    const bypassList = ['<local>', ...t.bypass.map((b) => (b === '127.0.0.0/8' ? '127.*' : b))].join(';');
    return {
      ProxyServer: `REG_SZ:${proxyServer}`,
      ProxyOverride: `REG_SZ:${bypassList}`,
      // A script would take precedence over the manual proxy.
      AutoConfigURL: null,
      ProxyEnable: 'REG_DWORD:0x1',
      [CONNECTION_SETTINGS]: binary(routedConnectionSettings(previous, { proxyServer, bypassList })),
    };
  }

  async notify(): Promise<void> {
    await this.runner.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', NOTIFY_SCRIPT]);
  }
}
