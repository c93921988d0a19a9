/** What `system-proxy on`, `capture --system-proxy` and the app's routing switch set. */
import { LOOPBACK_BYPASS, normalizeHosts, pacUrl } from './pac.js';
import type { ProxyTarget } from './settings.js';

export interface RouteOptions {
  /** The capturing proxy's port on 127.0.0.1. */
  port: number;
  /** Route everything (manual proxy settings) instead of the PAC. */
  all?: boolean;
  /** Exchange hosts for the PAC, besides Autodiscover's and the learned ones. */
  hosts?: readonly string[];
}

export function routeTarget(o: RouteOptions): ProxyTarget {
  const proxy = { host: '127.0.0.1', port: o.port };
  if (o.all) return { kind: 'manual', proxy, bypass: [...LOOPBACK_BYPASS] };
  return { kind: 'pac', url: pacUrl(o.port, normalizeHosts(o.hosts ?? [])), proxy };
}

/** The hint for command-line tools, which read the environment rather than the desktop settings. */
export function environmentHint(port: number, platform: NodeJS.Platform = process.platform): string {
  const url = `http://127.0.0.1:${port}`;
  return platform === 'win32'
    ? `command-line tools read the environment instead: set HTTPS_PROXY=${url} & set HTTP_PROXY=${url}`
    : `command-line tools read the environment instead: export HTTPS_PROXY=${url} HTTP_PROXY=${url} NO_PROXY=localhost,127.0.0.1`;
}

/** "--hosts a,b" given once or several times. */
export function parseHostsOption(v: string | string[] | boolean | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(','));
  return normalizeHosts(list);
}
