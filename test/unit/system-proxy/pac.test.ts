import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  hostsFromPacQuery,
  ipv4Network,
  normalizeHosts,
  pacScript,
  pacUrl,
  previousFromPacQuery,
  proxiesByScheme,
  withPreviousRoute,
} from '../../../electron/backend/system-proxy/pac.js';

/** shExpMatch as PAC engines define it: shell wildcards * and ? over the whole string. */
function shExpMatch(s: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(s);
}

/** isInNet as PAC engines define it, for address literals only (a name would be resolved: the script must not ask). */
function isInNet(host: string, pattern: string, mask: string): boolean {
  const n = (a: string) => {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(a)) throw new Error(`isInNet asked to resolve ${a}`);
    return a.split('.').reduce((x, b) => x * 256 + Number(b), 0);
  };
  const m = n(mask);
  return (n(host) & m) >>> 0 === (n(pattern) & m) >>> 0;
}

function evaluate(script: string, url: string, host: string): string {
  const ctx: Record<string, unknown> = { shExpMatch, isPlainHostName: (h: string) => !h.includes('.'), isInNet };
  runInNewContext(script, ctx);
  return (ctx.FindProxyForURL as (u: string, h: string) => string)(url, host);
}

describe('PAC script', () => {
  const script = pacScript({ host: '127.0.0.1', port: 8888 }, [
    'autodiscover.*',
    'Mail.Contoso.com',
    '*.outlook.contoso.net',
  ]);
  it.each([
    ['mail.contoso.com', 'PROXY 127.0.0.1:8888'],
    ['MAIL.CONTOSO.COM', 'PROXY 127.0.0.1:8888'],
    ['autodiscover.contoso.com', 'PROXY 127.0.0.1:8888'],
    ['eu.outlook.contoso.net', 'PROXY 127.0.0.1:8888'],
    ['evilmail.contoso.com', 'DIRECT'],
    ['mail.contoso.com.example.org', 'DIRECT'],
    ['www.example.org', 'DIRECT'],
    ['outlook.contoso.net', 'DIRECT'],
  ])('%s → %s', (host, expected) => {
    expect(evaluate(script, `https://${host}/mapi/emsmdb/`, host)).toBe(expected);
  });

  it('carries given hosts in the URL query and reads them back, dropping malformed ones', () => {
    const url = pacUrl(8888, ['mail.contoso.com', 'ex01.contoso.local']);
    expect(url).toBe('http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com,ex01.contoso.local');
    expect(hostsFromPacQuery(new URL(url).search)).toEqual(['mail.contoso.com', 'ex01.contoso.local']);
    expect(hostsFromPacQuery('?hosts=ok.example,bad host,"x";alert(1)')).toEqual(['ok.example']);
  });

  it('normalizes host names (case, trailing dot, duplicates) and refuses script text', () => {
    expect(normalizeHosts([' Mail.Contoso.COM. ', 'mail.contoso.com', '*.x.org', 'a"b', 'x);y'])).toEqual([
      'mail.contoso.com',
      '*.x.org',
    ]);
  });

  it('sends the other hosts to the corporate proxy set before, keeping its bypass list and <local>', () => {
    const previous = {
      kind: 'proxy' as const,
      server: 'corp-proxy.contoso.com:3128',
      bypass: ['*.contoso.com', '<local>'],
    };
    const url = pacUrl(8888, ['mail.contoso.com'], previous);
    expect(url).toBe(
      'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com&previous=proxy%3Acorp-proxy.contoso.com%3A3128&bypass=*.contoso.com%3B%3Clocal%3E',
    );
    expect(previousFromPacQuery(new URL(url).search)).toEqual(previous);
    const script = pacScript({ host: '127.0.0.1', port: 8888 }, ['mail.contoso.com'], { previous });
    expect(script).toContain('everything else as before MapiScope routed: through corp-proxy.contoso.com:3128');
    expect(evaluate(script, 'https://mail.contoso.com/mapi/', 'mail.contoso.com')).toBe('PROXY 127.0.0.1:8888');
    expect(evaluate(script, 'https://www.example.org/', 'www.example.org')).toBe('PROXY corp-proxy.contoso.com:3128');
    expect(evaluate(script, 'http://intranet.contoso.com/', 'intranet.contoso.com')).toBe('DIRECT');
    expect(evaluate(script, 'http://wiki/', 'wiki')).toBe('DIRECT');
  });

  it('keeps the IPv4 networks of a bypass list (macOS writes "169.254/16"), for address literals only', () => {
    expect(ipv4Network('169.254/16')).toEqual(['169.254.0.0', '255.255.0.0']);
    expect(ipv4Network('10.1.2.3/8')).toEqual(['10.0.0.0', '255.0.0.0']);
    expect(ipv4Network('192.168.10.0/23')).toEqual(['192.168.10.0', '255.255.254.0']);
    expect(ipv4Network('0.0.0.0/0')).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(ipv4Network('1.2.3.4/33')).toBeUndefined();
    expect(ipv4Network('300.1/8')).toBeUndefined();
    expect(ipv4Network('*.local')).toBeUndefined();
    const previous = previousFromPacQuery(
      new URL(
        pacUrl(8888, [], {
          kind: 'proxy',
          server: 'corp-proxy.contoso.com:3128',
          bypass: ['*.local', '169.254/16', '127.0.0.0/8', 'fe80::/10'],
        }),
      ).search,
    )!;
    // An IPv6 network is dropped (its hosts go to the proxy).
    expect(previous).toEqual({
      kind: 'proxy',
      server: 'corp-proxy.contoso.com:3128',
      bypass: ['*.local', '169.254/16', '127.0.0.0/8'],
    });
    const script = pacScript({ host: '127.0.0.1', port: 8888 }, [], { previous });
    const corp = 'PROXY corp-proxy.contoso.com:3128';
    expect(evaluate(script, 'http://169.254.169.254/latest', '169.254.169.254')).toBe('DIRECT');
    expect(evaluate(script, 'http://127.0.0.1:9000/', '127.0.0.1')).toBe('DIRECT');
    expect(evaluate(script, 'http://169.255.0.1/', '169.255.0.1')).toBe(corp);
    expect(evaluate(script, 'http://printer.local/', 'printer.local')).toBe('DIRECT');
    // A name is not resolved to be matched against a network.
    expect(evaluate(script, 'https://www.example.org/', 'www.example.org')).toBe(corp);
  });

  it('a per-scheme server list picks the proxy by the URL scheme', () => {
    expect(proxiesByScheme('http=a:80;https=b:443;socks=c:1080')).toEqual({
      http: 'PROXY a:80',
      https: 'PROXY b:443',
      socks: 'SOCKS c:1080',
    });
    const script = pacScript({ host: '127.0.0.1', port: 8888 }, [], {
      previous: { kind: 'proxy', server: 'http=a:80;https=b:443', bypass: [] },
    });
    expect(evaluate(script, 'http://x.org/', 'x.org')).toBe('PROXY a:80');
    expect(evaluate(script, 'https://x.org/', 'x.org')).toBe('PROXY b:443');
    expect(evaluate(script, 'ftp://x.org/', 'x.org')).toBe('DIRECT');
  });

  it('runs the previous PAC script for the other hosts, in a scope of its own', () => {
    const corporate = [
      'function helper(h) { return h === "blocked.example" ? "PROXY filter.contoso.com:8080" : "DIRECT"; }',
      'function FindProxyForURL(url, host) { return helper(host); }',
    ].join('\n');
    const previous = { kind: 'pac' as const, url: 'http://wpad.contoso.com/proxy.pac' };
    const script = pacScript({ host: '127.0.0.1', port: 8888 }, ['mail.contoso.com'], { previous, script: corporate });
    expect(evaluate(script, 'https://mail.contoso.com/', 'mail.contoso.com')).toBe('PROXY 127.0.0.1:8888');
    expect(evaluate(script, 'https://blocked.example/', 'blocked.example')).toBe('PROXY filter.contoso.com:8080');
    expect(evaluate(script, 'https://www.example.org/', 'www.example.org')).toBe('DIRECT');
    // A script without FindProxyForURL: DIRECT, never our own function again.
    const broken = pacScript({ host: '127.0.0.1', port: 8888 }, [], { previous, script: 'var x = 1;' });
    expect(evaluate(broken, 'https://www.example.org/', 'www.example.org')).toBe('DIRECT');
    // Not fetched: DIRECT, and the script says why.
    const missing = pacScript({ host: '127.0.0.1', port: 8888 }, [], { previous, error: 'HTTP 404' });
    expect(missing).toContain('could not be fetched (HTTP 404)');
    expect(evaluate(missing, 'https://www.example.org/', 'www.example.org')).toBe('DIRECT');
  });

  it('refuses script text in the previous route of a query', () => {
    expect(previousFromPacQuery('?previous=proxy:a:1";alert(1)//')).toBeUndefined();
    expect(previousFromPacQuery('?previous=pac:javascript:alert(1)')).toBeUndefined();
    expect(previousFromPacQuery('?previous=proxy:a:1&bypass=ok.example;"x";<local>')).toEqual({
      kind: 'proxy',
      server: 'a:1',
      bypass: ['ok.example', '<local>'],
    });
    expect(withPreviousRoute('http://127.0.0.1:9/mapiscope.pac?hosts=a.b', undefined)).toBe(
      'http://127.0.0.1:9/mapiscope.pac?hosts=a.b',
    );
  });
});
