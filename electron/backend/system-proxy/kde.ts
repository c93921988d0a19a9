/**
 * KDE's proxy settings: the `[Proxy Settings]` group of `kioslaverc` in the XDG config folder
 * (ProxyType 0 none, 1 manual, 2 PAC URL), used only where that file already exists. KIO
 * programs are told to re-read it over D-Bus.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { PreviousRoute } from './pac.js';
import type { CommandRunner } from './runner.js';
import type { ProxyTarget, SettingValue, SettingValues, SettingsStore } from './settings.js';

const GROUP = 'Proxy Settings';
const KEYS = ['Proxy Config Script', 'httpProxy', 'httpsProxy', 'NoProxyFor', 'ProxyType'] as const;
/** Read for the previous route only (never written): true makes NoProxyFor the hosts that do use the proxy. */
const READ_ONLY_KEYS = ['ReversedException'] as const;

/**
 * "host:port" of a kioslaverc proxy value: "http://host port" as KDE's dialog writes it, or
 * "http://host:port", the scheme and a trailing slash optional; "" without a host and a port.
 */
export function kdeProxyServer(v: string | null | undefined): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(\[[0-9a-f:.]+\]|[^\s:/[\]]+)(?:[\s:]+(\d+))?\/?\s*$/i.exec((v ?? '').trim());
  if (!m || !(Number(m[2]) > 0)) return '';
  return `${m[1]}:${Number(m[2])}`;
}

export function kioslavercPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config'), 'kioslaverc');
}

/** The value of `key` in `[group]` of an INI text, or null. */
export function iniGet(text: string, group: string, key: string): string | null {
  let inGroup = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('[')) inGroup = t === `[${group}]`;
    else if (inGroup) {
      const eq = t.indexOf('=');
      if (eq > 0 && t.slice(0, eq).trim() === key) return t.slice(eq + 1);
    }
  }
  return null;
}

/** `text` with `key` in `[group]` set (null: removed); every other line kept as it was. */
export function iniSet(text: string, group: string, key: string, value: string | null): string {
  const lines = text.split('\n');
  let start = -1;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (!t.startsWith('[')) continue;
    if (start >= 0) {
      end = i;
      break;
    }
    if (t === `[${group}]`) start = i;
  }
  if (start < 0) {
    if (value === null) return text;
    const sep = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return `${text}${sep}[${group}]\n${key}=${value}\n`;
  }
  for (let i = start + 1; i < end; i++) {
    const t = lines[i]!.trim();
    const eq = t.indexOf('=');
    if (eq > 0 && t.slice(0, eq).trim() === key) {
      if (value === null) lines.splice(i, 1);
      else lines[i] = `${key}=${value}`;
      return lines.join('\n');
    }
  }
  if (value === null) return text;
  // After the group's last non-empty line.
  let at = end;
  while (at > start + 1 && lines[at - 1]!.trim() === '') at--;
  lines.splice(at, 0, `${key}=${value}`);
  return lines.join('\n');
}

export class KdeProxyStore implements SettingsStore {
  readonly id = 'kde';
  readonly label: string;

  constructor(
    private readonly file: string,
    private readonly runner?: CommandRunner,
  ) {
    this.label = `KDE proxy settings (${file})`;
  }

  static present(env: NodeJS.ProcessEnv = process.env): boolean {
    return existsSync(kioslavercPath(env));
  }

  async read(): Promise<SettingValues> {
    const text = await readFile(this.file, 'utf8');
    const out: SettingValues = {};
    for (const k of [...KEYS, ...READ_ONLY_KEYS]) out[k] = iniGet(text, GROUP, k);
    return out;
  }

  async write(key: string, value: SettingValue): Promise<void> {
    const text = await readFile(this.file, 'utf8');
    const tmp = `${this.file}.mapiscope-tmp`;
    await writeFile(tmp, iniSet(text, GROUP, key, value));
    await rename(tmp, this.file);
  }

  describe(v: SettingValues): string {
    if (v.ProxyType === '2') return `PAC ${v['Proxy Config Script'] ?? ''}`;
    if (v.ProxyType === '1') return `manual ${v.httpProxy ?? ''}`;
    if (v.ProxyType === '3') return 'automatic detection (WPAD)';
    if (v.ProxyType === '4') return 'from the environment';
    return 'no proxy';
  }

  /**
   * ProxyType 2: the script at Proxy Config Script; 1: httpProxy for http and httpsProxy for
   * https, NoProxyFor's hosts direct (".example.org" meaning every name under it). Not known, so
   * direct: automatic detection (3), the environment's proxy (4), and a reversed exception list
   * (which sends only its hosts through the proxy, and every other host direct).
   */
  previousRoute(v: SettingValues): PreviousRoute | undefined {
    if (v.ProxyType === '2')
      return v['Proxy Config Script'] ? { kind: 'pac', url: v['Proxy Config Script'] } : undefined;
    if (v.ProxyType !== '1' || /^(true|1|on|yes)$/i.test(v.ReversedException ?? '')) return undefined;
    const http = kdeProxyServer(v.httpProxy);
    const https = kdeProxyServer(v.httpsProxy);
    if (!http && !https) return undefined;
    return {
      kind: 'proxy',
      server: http === https ? http : [http && `http=${http}`, https && `https=${https}`].filter(Boolean).join(';'),
      bypass: (v.NoProxyFor ?? '')
        .split(/[,\s]+/)
        .filter(Boolean)
        .map((h) => (h.startsWith('.') ? `*${h}` : h)),
    };
  }

  desired(t: ProxyTarget): SettingValues {
    if (t.kind === 'pac') return { 'Proxy Config Script': t.url, ProxyType: '2' };
    const p = `http://${t.proxy.host} ${t.proxy.port}`;
    return { httpProxy: p, httpsProxy: p, NoProxyFor: t.bypass.join(','), ProxyType: '1' };
  }

  async notify(): Promise<void> {
    await this.runner?.run('dbus-send', [
      '--type=signal',
      '/KIO/Scheduler',
      'org.kde.KIO.Scheduler.reparseSlaveConfiguration',
      'string:',
    ]);
  }
}
