/**
 * The proxy auto-config (PAC) script MapiScope serves on its proxy port: the Exchange hosts go
 * through MapiScope, everything else where it went before MapiScope routed — DIRECT, or the
 * corporate proxy that was set (its bypass list kept), or the corporate PAC script that was set
 * (fetched when our script is served and run for those hosts; DIRECT when it cannot be fetched,
 * and the script says why in a comment). Hosts are exact names ("mail.contoso.com") or shell
 * patterns ("*.contoso.com", "autodiscover.*"), matched case-insensitively.
 */

/** Path of the script on the proxy port (`http://127.0.0.1:<port>/mapiscope.pac`). */
export const PAC_PATH = '/mapiscope.pac';

/** Autodiscover is how Outlook finds its Exchange hosts, so its names are always routed. */
export const AUTODISCOVER_PATTERNS: readonly string[] = ['autodiscover.*', 'autodiscover-s.outlook.com'];

/** Where the clients' other traffic went before MapiScope routed them. */
export type PreviousRoute =
  /** A manual proxy: "host:port", or per scheme "http=host:port;https=host:port"; hosts in `bypass` went direct. */
  | { kind: 'proxy'; server: string; bypass: string[] }
  /** A PAC script. */
  | { kind: 'pac'; url: string };

/** The PAC URL for a proxy on `port`, with extra `hosts` and the previous route carried in the query. */
export function pacUrl(port: number, hosts: readonly string[] = [], previous?: PreviousRoute): string {
  const q: string[] = [];
  if (hosts.length) q.push(`hosts=${hosts.map(encodeURIComponent).join(',')}`);
  if (previous?.kind === 'proxy') {
    q.push(`previous=${encodeURIComponent(`proxy:${previous.server}`)}`);
    if (previous.bypass.length) q.push(`bypass=${encodeURIComponent(previous.bypass.join(';'))}`);
  } else if (previous?.kind === 'pac') q.push(`previous=${encodeURIComponent(`pac:${previous.url}`)}`);
  return `http://127.0.0.1:${port}${PAC_PATH}${q.length ? `?${q.join('&')}` : ''}`;
}

/** A PAC URL with the previous route added to (or replaced in) its query. */
export function withPreviousRoute(url: string, previous: PreviousRoute | undefined): string {
  const u = new URL(url);
  return pacUrl(Number(u.port), hostsFromPacQuery(u.search), previous);
}

/** Proxy server text we put in a script: host names, addresses, ports and "scheme=" prefixes only. */
const SERVER_TEXT = /^[A-Za-z0-9.:[\]=;_-]+$/;
const BYPASS_ENTRY = /^(?:<local>|[A-Za-z0-9*?.:[\]_-]+|\d{1,3}(?:\.\d{1,3}){0,3}\/\d{1,2})$/;

/**
 * An IPv4 network of a bypass list ("192.168.0.0/16", or macOS' short "169.254/16", the missing
 * bytes zero) as the address and mask isInNet takes; undefined for anything else.
 */
export function ipv4Network(entry: string): [string, string] | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){0,3})\/(\d{1,2})$/.exec(entry);
  if (!m) return undefined;
  const bytes = m[1]!.split('.').map(Number);
  const bits = Number(m[2]);
  if (bits > 32 || bytes.some((b) => b > 255)) return undefined;
  while (bytes.length < 4) bytes.push(0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const masked = bytes.map((b, i) => b & ((mask >>> (24 - 8 * i)) & 0xff));
  return [masked.join('.'), [24, 16, 8, 0].map((s) => (mask >>> s) & 0xff).join('.')];
}

/** The previous route a PAC URL's query names (undefined when none, or malformed). */
export function previousFromPacQuery(search: string): PreviousRoute | undefined {
  const q = new URLSearchParams(search);
  const v = q.get('previous');
  if (!v) return undefined;
  if (v.startsWith('proxy:')) {
    const server = v.slice('proxy:'.length);
    if (!SERVER_TEXT.test(server)) return undefined;
    const bypass = (q.get('bypass') ?? '').split(/[;,\s]+/).filter((b) => b && BYPASS_ENTRY.test(b));
    return { kind: 'proxy', server, bypass };
  }
  if (v.startsWith('pac:')) {
    const url = v.slice('pac:'.length);
    return /^https?:\/\/[^\s]+$/i.test(url) ? { kind: 'pac', url } : undefined;
  }
  return undefined;
}

/** "PROXY a:1" per URL scheme ("*" for any) of a WinINET-style server list. */
export function proxiesByScheme(server: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of server.split(';').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) out['*'] ??= `PROXY ${part}`;
    else if (part.slice(0, eq).toLowerCase() === 'socks') out.socks = `SOCKS ${part.slice(eq + 1)}`;
    else out[part.slice(0, eq).toLowerCase()] = `PROXY ${part.slice(eq + 1)}`;
  }
  return out;
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

/** What the script does with the hosts that are not Exchange's. */
export interface PacOtherwise {
  previous: PreviousRoute;
  /** The previous PAC script's text (kind "pac"), when it could be fetched. */
  script?: string;
  /** Why it could not be, said in the script. */
  error?: string;
}

/** The PAC script: `hosts` (names or patterns) through `proxy`, the rest as before (DIRECT without `otherwise`). */
export function pacScript(
  proxy: { host: string; port: number },
  hosts: readonly string[],
  otherwise?: PacOtherwise,
): string {
  const list = normalizeHosts(hosts);
  const exact = list.filter((h) => !/[*?]/.test(h));
  const patterns = list.filter((h) => /[*?]/.test(h));
  const ours = JSON.stringify(`PROXY ${proxy.host}:${proxy.port}`);
  return [
    `// MapiScope: Exchange traffic through the capturing proxy, everything else ${otherwiseText(otherwise)}.`,
    ...otherwiseCode(otherwise),
    'function FindProxyForURL(url, host) {',
    '  host = host.toLowerCase();',
    `  var exact = ${JSON.stringify(exact)};`,
    `  var patterns = ${JSON.stringify(patterns)};`,
    `  for (var i = 0; i < exact.length; i++) if (host === exact[i]) return ${ours};`,
    `  for (var j = 0; j < patterns.length; j++) if (shExpMatch(host, patterns[j])) return ${ours};`,
    otherwise ? '  return mapiscopeOtherwise(url, host);' : '  return "DIRECT";',
    '}',
    '',
  ].join('\n');
}

function otherwiseText(o: PacOtherwise | undefined): string {
  if (!o) return 'direct';
  if (o.previous.kind === 'proxy') return `as before MapiScope routed: through ${o.previous.server}`;
  if (o.script !== undefined) return `as before MapiScope routed: as ${o.previous.url} decides`;
  return `direct: the PAC script set before MapiScope routed, ${o.previous.url}, could not be fetched (${(o.error ?? 'no answer').replace(/[\r\n]+/g, ' ')})`;
}

/** `mapiscopeOtherwise(url, host)`: the route of a host that is not Exchange's. */
function otherwiseCode(o: PacOtherwise | undefined): string[] {
  if (!o) return [];
  const p = o.previous;
  if (p.kind === 'proxy') {
    const networks = p.bypass.map(ipv4Network).filter((n) => n !== undefined);
    const bypass = p.bypass.filter((b) => b !== '<local>' && !ipv4Network(b)).map((b) => b.toLowerCase());
    return [
      'function mapiscopeOtherwise(url, host) {',
      ...(p.bypass.includes('<local>') ? ['  if (isPlainHostName(host)) return "DIRECT";'] : []),
      `  var bypass = ${JSON.stringify(bypass)};`,
      '  for (var i = 0; i < bypass.length; i++) if (shExpMatch(host, bypass[i])) return "DIRECT";',
      // A network matches address literals only (isInNet on a name would resolve it).
      ...(networks.length
        ? [
            `  var networks = ${JSON.stringify(networks)};`,
            '  if (/^\\d+\\.\\d+\\.\\d+\\.\\d+$/.test(host))',
            '    for (var k = 0; k < networks.length; k++) if (isInNet(host, networks[k][0], networks[k][1])) return "DIRECT";',
          ]
        : []),
      `  var proxies = ${JSON.stringify(proxiesByScheme(p.server))};`,
      '  var scheme = url.substring(0, url.indexOf(":")).toLowerCase();',
      '  return proxies[scheme] || proxies["*"] || "DIRECT";',
      '}',
    ];
  }
  if (o.script === undefined) return ['function mapiscopeOtherwise(url, host) {', '  return "DIRECT";', '}'];
  // The previous script runs in a scope of its own; its FindProxyForURL is the one asked.
  return [
    `// The PAC script set before MapiScope routed (${p.url}):`,
    'var mapiscopePrevious = (function () {',
    '  var FindProxyForURL;',
    o.script,
    '  return FindProxyForURL;',
    '})();',
    'function mapiscopeOtherwise(url, host) {',
    '  return typeof mapiscopePrevious === "function" ? mapiscopePrevious(url, host) : "DIRECT";',
    '}',
  ];
}

/** Loopback never goes through the proxy. */
export const LOOPBACK_BYPASS: readonly string[] = ['localhost', '127.0.0.0/8', '::1'];
