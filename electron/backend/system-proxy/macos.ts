/**
 * macOS: the proxy settings of one network service (Wi-Fi, Ethernet, …) through `networksetup`,
 * which Outlook for Mac and every CFNetwork client follow. One store per enabled service.
 *
 * networksetup cannot empty a server or URL field; a proxy whose field was empty before is
 * restored by switching it off, which is what decides whether it is used.
 *
 * The PAC MapiScope serves is one URL for every service, so it names one previous route: the
 * controller takes the first store with one, and the stores come in the order
 * `-listallnetworkservices` prints them (the service order), so with services that disagree the
 * first enabled service that used a proxy or PAC script decides; services with none are skipped.
 */
import type { PreviousRoute } from './pac.js';
import { type CommandRunner, mustRun } from './runner.js';
import type { ProxyTarget, SettingValue, SettingValues, SettingsStore } from './settings.js';

/** Write order: URL and servers (setting a server switches it on), the bypass list, then the switches. */
const KEYS = [
  'autoproxyurl',
  'webproxy',
  'securewebproxy',
  'bypass',
  'autoproxystate',
  'webproxystate',
  'securewebproxystate',
] as const;

/** Enabled services of `networksetup -listallnetworkservices` (a leading "*" marks a disabled one). */
export function parseServices(out: string): string[] {
  return out
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('*'));
}

function field(out: string, name: string): string {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(out);
  return (m?.[1] ?? '').trim();
}

const onOff = (v: string) => (/^(yes|1|on)$/i.test(v) ? 'on' : 'off');

function server(out: string): string | null {
  const host = field(out, 'Server');
  const port = field(out, 'Port');
  return host ? `${host}:${port || '0'}` : null;
}

export class MacProxyStore implements SettingsStore {
  readonly id: string;
  readonly label: string;

  constructor(
    private readonly runner: CommandRunner,
    readonly service: string,
  ) {
    this.id = `macos:${service}`;
    this.label = `${service} (networksetup)`;
  }

  static async services(runner: CommandRunner): Promise<string[]> {
    return parseServices(await mustRun(runner, 'networksetup', ['-listallnetworkservices']));
  }

  async read(): Promise<SettingValues> {
    const ns = (...a: string[]) => mustRun(this.runner, 'networksetup', [...a, this.service]);
    const auto = await ns('-getautoproxyurl');
    const web = await ns('-getwebproxy');
    const secure = await ns('-getsecurewebproxy');
    const bypass = await ns('-getproxybypassdomains');
    const url = field(auto, 'URL');
    const domains = /^There aren't any/m.test(bypass)
      ? []
      : bypass
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
    return {
      autoproxyurl: url && url !== '(null)' ? url : null,
      webproxy: server(web),
      securewebproxy: server(secure),
      bypass: domains.length ? domains.join(' ') : null,
      autoproxystate: onOff(field(auto, 'Enabled')),
      webproxystate: onOff(field(web, 'Enabled')),
      securewebproxystate: onOff(field(secure, 'Enabled')),
    };
  }

  async write(key: string, value: SettingValue): Promise<void> {
    const s = this.service;
    const ns = (...a: string[]) => mustRun(this.runner, 'networksetup', a);
    switch (key) {
      case 'autoproxyurl':
        if (value !== null) await ns('-setautoproxyurl', s, value);
        return;
      case 'webproxy':
      case 'securewebproxy': {
        if (value === null) return;
        const at = value.lastIndexOf(':');
        await ns(
          key === 'webproxy' ? '-setwebproxy' : '-setsecurewebproxy',
          s,
          value.slice(0, at),
          value.slice(at + 1),
        );
        return;
      }
      case 'bypass':
        await ns('-setproxybypassdomains', s, ...(value ? value.split(' ') : ['Empty']));
        return;
      case 'autoproxystate':
        await ns('-setautoproxystate', s, value ?? 'off');
        return;
      case 'webproxystate':
        await ns('-setwebproxystate', s, value ?? 'off');
        return;
      case 'securewebproxystate':
        await ns('-setsecurewebproxystate', s, value ?? 'off');
        return;
      default:
        throw new Error(`unknown macOS proxy setting ${key}`);
    }
  }

  describe(v: SettingValues): string {
    const parts: string[] = [];
    if (v.autoproxystate === 'on') parts.push(`PAC ${v.autoproxyurl ?? ''}`);
    if (v.webproxystate === 'on') parts.push(`web ${v.webproxy ?? ''}`);
    if (v.securewebproxystate === 'on') parts.push(`secure web ${v.securewebproxy ?? ''}`);
    return parts.length ? parts.join(', ') : 'no proxy';
  }

  /**
   * The auto proxy URL when it is on (it takes precedence over the web proxies, which MapiScope's
   * own PAC routing relies on too: it leaves them as they are), else the web (http) and
   * secure web (https) proxies that are on, each for its own scheme, with the bypass domains.
   */
  previousRoute(v: SettingValues): PreviousRoute | undefined {
    if (v.autoproxystate === 'on' && v.autoproxyurl) return { kind: 'pac', url: v.autoproxyurl };
    const on = (state: SettingValue | undefined, server: SettingValue | undefined) =>
      state === 'on' && server && Number(server.slice(server.lastIndexOf(':') + 1)) > 0 ? server : '';
    const http = on(v.webproxystate, v.webproxy);
    const https = on(v.securewebproxystate, v.securewebproxy);
    if (!http && !https) return undefined;
    return {
      kind: 'proxy',
      server: http === https ? http : [http && `http=${http}`, https && `https=${https}`].filter(Boolean).join(';'),
      bypass: (v.bypass ?? '').split(' ').filter(Boolean),
    };
  }

  desired(t: ProxyTarget): SettingValues {
    if (t.kind === 'pac') return { autoproxyurl: t.url, autoproxystate: 'on' };
    const hp = `${t.proxy.host}:${t.proxy.port}`;
    return {
      webproxy: hp,
      securewebproxy: hp,
      bypass: t.bypass.length ? t.bypass.join(' ') : null,
      autoproxystate: 'off',
      webproxystate: 'on',
      securewebproxystate: 'on',
    };
  }
}

export const MAC_KEYS = KEYS;
