/**
 * The proxy auto-config (PAC) script MapiScope serves on its proxy port: the Exchange hosts go
 * through MapiScope, everything else DIRECT. Hosts are exact names ("mail.contoso.com") or
 * shell patterns ("*.contoso.com", "autodiscover.*"), matched case-insensitively.
 */

/** Path of the script on the proxy port (`http://127.0.0.1:<port>/mapiscope.pac`). */
export const PAC_PATH = '/mapiscope.pac';

/** Autodiscover is how Outlook finds its Exchange hosts, so its names are always routed. */
export const AUTODISCOVER_PATTERNS: readonly string[] = ['autodiscover.*', 'autodiscover-s.outlook.com'];

/** The PAC URL for a proxy on `port`, with extra `hosts` carried in the query. */
export function pacUrl(port: number, hosts: readonly string[] = []): string {
  const q = hosts.length ? `?hosts=${hosts.map(encodeURIComponent).join(',')}` : '';
  return `http://127.0.0.1:${port}${PAC_PATH}${q}`;
}

/** The hosts a PAC URL's query names (malformed entries are dropped). */
export function hostsFromPacQuery(search: string): string[] {
  const q = new URLSearchParams(search).get('hosts');
  return q ? normalizeHosts(q.split(',')) : [];
}

/** Lower-case, trimmed, valid host names or patterns, without duplicates. */
export function normalizeHosts(list: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of list) {
    const h = raw.trim().toLowerCase().replace(/\.$/, '');
    if (/^[a-z0-9*?][a-z0-9*?.-]*$/.test(h) || /^\[?[0-9a-f:]+\]?$/.test(h)) out.add(h);
  }
  return [...out];
}

/** The PAC script: `hosts` (names or patterns) through `proxy`, the rest DIRECT. */
export function pacScript(proxy: { host: string; port: number }, hosts: readonly string[]): string {
  const list = normalizeHosts(hosts);
  const exact = list.filter((h) => !/[*?]/.test(h));
  const patterns = list.filter((h) => /[*?]/.test(h));
  return [
    '// MapiScope: Exchange traffic through the capturing proxy, everything else direct.',
    'function FindProxyForURL(url, host) {',
    '  host = host.toLowerCase();',
    `  var exact = ${JSON.stringify(exact)};`,
    `  var patterns = ${JSON.stringify(patterns)};`,
    '  for (var i = 0; i < exact.length; i++) if (host === exact[i]) return ' +
      JSON.stringify(`PROXY ${proxy.host}:${proxy.port}`) +
      ';',
    '  for (var j = 0; j < patterns.length; j++) if (shExpMatch(host, patterns[j])) return ' +
      JSON.stringify(`PROXY ${proxy.host}:${proxy.port}`) +
      ';',
    '  return "DIRECT";',
    '}',
    '',
  ].join('\n');
}

/** Loopback never goes through the proxy. */
export const LOOPBACK_BYPASS: readonly string[] = ['localhost', '127.0.0.0/8', '::1'];
