import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { hostsFromPacQuery, normalizeHosts, pacScript, pacUrl } from '../../../electron/backend/system-proxy/pac.js';

/** shExpMatch as PAC engines define it: shell wildcards * and ? over the whole string. */
function shExpMatch(s: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(s);
}

function evaluate(script: string, url: string, host: string): string {
  const ctx: Record<string, unknown> = { shExpMatch };
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
});
