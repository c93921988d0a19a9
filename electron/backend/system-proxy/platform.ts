/** The proxy settings stores of this machine: what `system-proxy on` changes and `off` puts back. */
import { GnomeProxyStore } from './gnome.js';
import { KdeProxyStore, kioslavercPath } from './kde.js';
import { MacProxyStore } from './macos.js';
import type { CommandRunner } from './runner.js';
import type { SettingsStore } from './settings.js';
import { WindowsProxyStore } from './windows.js';

export async function platformStores(
  runner: CommandRunner,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SettingsStore[]> {
  if (platform === 'win32') return [new WindowsProxyStore(runner)];
  if (platform === 'darwin') return (await MacProxyStore.services(runner)).map((s) => new MacProxyStore(runner, s));
  const stores: SettingsStore[] = [];
  if (await GnomeProxyStore.present(runner)) stores.push(new GnomeProxyStore(runner));
  if (KdeProxyStore.present(env)) stores.push(new KdeProxyStore(kioslavercPath(env), runner));
  return stores;
}

/** Where nothing can be set: what to tell the user. */
export function noStoresMessage(platform: NodeJS.Platform = process.platform): string {
  return platform === 'linux'
    ? 'no desktop proxy settings found (neither GNOME gsettings with org.gnome.system.proxy nor KDE kioslaverc)'
    : `no proxy settings MapiScope can change on ${platform}`;
}
