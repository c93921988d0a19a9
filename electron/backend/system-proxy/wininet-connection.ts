/**
 * WinINET's per-connection proxy settings as stored in the registry value
 * HKCU\…\Internet Settings\Connections\DefaultConnectionSettings (REG_BINARY). Modern Windows
 * (Internet Options, Settings → Proxy) reads the proxy from this value; ProxyEnable / ProxyServer /
 * ProxyOverride / AutoConfigURL beside it are kept in step for older readers.
 *
 * Microsoft does not document the layout. What this relies on (all integers u32 little-endian):
 *
 * | offset | field |
 * |---|---|
 * | 0 | version: 0x46 since IE 7 (0x3C in IE 6) |
 * | 4 | counter, raised by one on every change (how WinINET notices one) |
 * | 8 | flags: the INTERNET_PER_CONN_FLAGS bits of wininet.h — PROXY_TYPE_DIRECT 0x1 (always set), PROXY_TYPE_PROXY 0x2 (manual proxy), PROXY_TYPE_AUTO_PROXY_URL 0x4 (setup script), PROXY_TYPE_AUTO_DETECT 0x8 |
 * | 12 | proxy server length n, then n bytes of text ("host:port" or "http=…;https=…") |
 * | … | bypass list length, then its text ("<local>;*.contoso.com") |
 * | … | setup script URL length, then its text |
 * | … | the rest (32 bytes in version 0x46, auto-detect state): kept as it is |
 *
 * Sources: Microsoft's IE support blog "What is DefaultConnectionSettings key?" (2017: the 9th byte is
 * 01 with nothing checked, 03 manual proxy, 05 setup script, 09 auto-detect, 0f all); the
 * INTERNET_PER_CONN_OPTION documentation (wininet.h, the PROXY_TYPE_* values); the layout of the
 * length-prefixed strings as written up by the proxyconf project (github.com/vbfox/proxyconf,
 * "Technical information").
 */

export const CONNECTION_SETTINGS_VERSION = 0x46;
export const PROXY_TYPE_DIRECT = 0x1;
export const PROXY_TYPE_PROXY = 0x2;
export const PROXY_TYPE_AUTO_PROXY_URL = 0x4;
export const PROXY_TYPE_AUTO_DETECT = 0x8;
/** What follows the three strings in version 0x46 when there is nothing to keep. */
const TAIL_BYTES = 32;

export interface ConnectionSettings {
  version: number;
  counter: number;
  flags: number;
  proxyServer: string;
  bypassList: string;
  autoConfigUrl: string;
  /** The bytes after the setup script URL, kept as they were. */
  tail: Uint8Array;
}

export class ConnectionSettingsError extends Error {
  override name = 'ConnectionSettingsError';
}

/** Reads the value's bytes; throws ConnectionSettingsError on a length that runs past the end. */
export function decodeConnectionSettings(b: Uint8Array): ConnectionSettings {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  const u32 = (what: string): number => {
    if (o + 4 > b.length) throw new ConnectionSettingsError(`DefaultConnectionSettings ends inside ${what} at ${o}`);
    const x = v.getUint32(o, true);
    o += 4;
    return x;
  };
  const text = (what: string): string => {
    const n = u32(`the length of ${what}`);
    if (o + n > b.length)
      throw new ConnectionSettingsError(`DefaultConnectionSettings: ${what} (${n} bytes at ${o}) runs past the end`);
    const s = Buffer.from(b.subarray(o, o + n)).toString('latin1');
    o += n;
    return s;
  };
  const version = u32('the version');
  const counter = u32('the counter');
  const flags = u32('the flags');
  const proxyServer = text('the proxy server');
  const bypassList = text('the bypass list');
  // Version 0x28 (WinHTTP's) stops after the bypass list.
  const autoConfigUrl = o < b.length ? text('the setup script URL') : '';
  return { version, counter, flags, proxyServer, bypassList, autoConfigUrl, tail: new Uint8Array(b.subarray(o)) };
}

export function encodeConnectionSettings(s: ConnectionSettings): Uint8Array {
  const strings = [s.proxyServer, s.bypassList, s.autoConfigUrl].map((x) => Buffer.from(x, 'latin1'));
  const out = Buffer.alloc(12 + strings.reduce((n, x) => n + 4 + x.length, 0) + s.tail.length);
  out.writeUInt32LE(s.version >>> 0, 0);
  out.writeUInt32LE(s.counter >>> 0, 4);
  out.writeUInt32LE(s.flags >>> 0, 8);
  let o = 12;
  for (const x of strings) {
    out.writeUInt32LE(x.length, o);
    x.copy(out, o + 4);
    o += 4 + x.length;
  }
  out.set(s.tail, o);
  return out;
}

/**
 * The value that routes as asked, derived from the one in place (`previous`, undefined when there
 * is none): its version and trailing bytes kept, its counter raised by one; auto-detect off (WPAD
 * would come before the manual proxy or the script).
 */
export function routedConnectionSettings(
  previous: ConnectionSettings | undefined,
  route: { proxyServer: string; bypassList: string } | { autoConfigUrl: string },
): ConnectionSettings {
  const base = previous ?? {
    version: CONNECTION_SETTINGS_VERSION,
    counter: 0,
    flags: PROXY_TYPE_DIRECT,
    proxyServer: '',
    bypassList: '',
    autoConfigUrl: '',
    tail: new Uint8Array(TAIL_BYTES),
  };
  const counter = (base.counter + 1) >>> 0;
  if ('autoConfigUrl' in route)
    return {
      ...base,
      counter,
      flags: PROXY_TYPE_DIRECT | PROXY_TYPE_AUTO_PROXY_URL,
      autoConfigUrl: route.autoConfigUrl,
    };
  return {
    ...base,
    counter,
    flags: PROXY_TYPE_DIRECT | PROXY_TYPE_PROXY,
    proxyServer: route.proxyServer,
    bypassList: route.bypassList,
  };
}

/** `reg` prints and takes REG_BINARY data as hex digits without separators. */
export function toRegHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

export function fromRegHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new ConnectionSettingsError(`not REG_BINARY hex: ${hex.slice(0, 40)}`);
  return Buffer.from(hex, 'hex');
}
