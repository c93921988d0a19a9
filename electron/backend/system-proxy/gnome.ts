/**
 * GNOME's proxy settings (`org.gnome.system.proxy`, read by GNOME apps, Chromium and anything
 * using GIO's proxy resolver), through the `gsettings` tool. Values are kept in the GVariant
 * text form `gsettings get` prints, which `gsettings set` reads back unchanged.
 */
import { type CommandRunner, mustRun } from './runner.js';
import type { PreviousRoute } from './pac.js';
import type { ProxyTarget, SettingValue, SettingValues, SettingsStore } from './settings.js';

const BASE = 'org.gnome.system.proxy';
/** schema key, in write order: the URL and servers first, the mode last. */
const KEYS: readonly (readonly [string, string])[] = [
  [BASE, 'autoconfig-url'],
  [`${BASE}.http`, 'host'],
  [`${BASE}.http`, 'port'],
  [`${BASE}.https`, 'host'],
  [`${BASE}.https`, 'port'],
  [BASE, 'ignore-hosts'],
  [BASE, 'mode'],
];

const id = (schema: string, key: string) => `${schema} ${key}`;

/** A string as a GVariant text literal. */
export function gvariantString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A string array as `gsettings get` prints it. */
export function gvariantStringArray(a: readonly string[]): string {
  return a.length === 0 ? '@as []' : `[${a.map(gvariantString).join(', ')}]`;
}

export class GnomeProxyStore implements SettingsStore {
  readonly id = 'gnome';
  readonly label = 'GNOME proxy settings (org.gnome.system.proxy)';

  constructor(private readonly runner: CommandRunner) {}

  /** True when gsettings runs and knows the proxy schemas. */
  static async present(runner: CommandRunner): Promise<boolean> {
    const r = await runner.run('gsettings', ['list-schemas']);
    return r.code === 0 && r.stdout.split('\n').some((l) => l.trim() === BASE);
  }

  /** Every value in one run: `list-recursively` prints "<schema> <key> <value>" for the schema and its children. */
  async read(): Promise<SettingValues> {
    const listed = new Map<string, string>();
    for (const line of (await mustRun(this.runner, 'gsettings', ['list-recursively', BASE])).split('\n')) {
      const a = line.indexOf(' ');
      const b = line.indexOf(' ', a + 1);
      if (a > 0 && b > a) listed.set(line.slice(0, b), line.slice(b + 1).trim());
    }
    const out: SettingValues = {};
    for (const [schema, key] of KEYS) {
      const v = listed.get(id(schema, key));
      if (v === undefined) throw new Error(`gsettings does not list ${schema} ${key}`);
      out[id(schema, key)] = v;
    }
    return out;
  }

  /**
   * Sets a value; a value equal to the schema's default is reset instead, so a key that was never
   * set is left unset again (the defaults come from gsettings' memory backend, which holds none).
   */
  async write(k: string, value: SettingValue): Promise<void> {
    const [schema, key] = k.split(' ') as [string, string];
    if (value === null || value === (await this.defaultOf(schema, key)))
      await mustRun(this.runner, 'gsettings', ['reset', schema, key]);
    else await mustRun(this.runner, 'gsettings', ['set', schema, key, value]);
  }

  private readonly defaults = new Map<string, string | undefined>();

  private async defaultOf(schema: string, key: string): Promise<string | undefined> {
    const k = id(schema, key);
    if (!this.defaults.has(k)) {
      const r = await this.runner.run('env', ['GSETTINGS_BACKEND=memory', 'gsettings', 'get', schema, key]);
      this.defaults.set(k, r.code === 0 ? r.stdout.trim() : undefined);
    }
    return this.defaults.get(k);
  }

  describe(v: SettingValues): string {
    const unq = (x: SettingValue | undefined) => (x ?? '').replace(/^'(.*)'$/, '$1');
    const mode = unq(v[id(BASE, 'mode')]);
    if (mode === 'auto') return `PAC ${unq(v[id(BASE, 'autoconfig-url')]) || '(automatic detection)'}`;
    if (mode === 'manual') return `manual ${unq(v[id(`${BASE}.http`, 'host')])}:${v[id(`${BASE}.http`, 'port')] ?? ''}`;
    return 'no proxy';
  }

  previousRoute(v: SettingValues): PreviousRoute | undefined {
    const unq = (x: SettingValue | undefined) => (x ?? '').replace(/^'(.*)'$/, '$1');
    const mode = unq(v[id(BASE, 'mode')]);
    const url = unq(v[id(BASE, 'autoconfig-url')]);
    if (mode === 'auto') return url ? { kind: 'pac', url } : undefined;
    if (mode !== 'manual') return undefined;
    const server = (schema: string) => {
      const host = unq(v[id(schema, 'host')]);
      const port = Number(v[id(schema, 'port')] ?? 0);
      return host && port > 0 ? `${host}:${port}` : '';
    };
    const http = server(`${BASE}.http`);
    const https = server(`${BASE}.https`);
    if (!http && !https) return undefined;
    const bypass = [...(v[id(BASE, 'ignore-hosts')] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!);
    return {
      kind: 'proxy',
      server: http === https || !https ? http : !http ? `https=${https}` : `http=${http};https=${https}`,
      bypass,
    };
  }

  desired(t: ProxyTarget): SettingValues {
    if (t.kind === 'pac') return { [id(BASE, 'autoconfig-url')]: gvariantString(t.url), [id(BASE, 'mode')]: "'auto'" };
    const host = gvariantString(t.proxy.host);
    const port = String(t.proxy.port);
    return {
      [id(`${BASE}.http`, 'host')]: host,
      [id(`${BASE}.http`, 'port')]: port,
      [id(`${BASE}.https`, 'host')]: host,
      [id(`${BASE}.https`, 'port')]: port,
      [id(BASE, 'ignore-hosts')]: gvariantStringArray(t.bypass),
      [id(BASE, 'mode')]: "'manual'",
    };
  }
}
