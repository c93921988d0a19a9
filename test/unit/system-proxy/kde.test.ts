import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemProxy } from '../../../electron/backend/system-proxy/controller.js';
import { KdeProxyStore, iniGet, iniSet, kdeProxyServer } from '../../../electron/backend/system-proxy/kde.js';
import { routeTarget } from '../../../electron/backend/system-proxy/routing.js';
import { describeTarget } from '../../../electron/backend/system-proxy/settings.js';
import { FakeRegistry } from './fake-machines.js';

const KIOSLAVERC =
  '[$Version]\nupdate_info=kioslave.upd:remove-cookiejar\n\n[Proxy Settings]\nProxyType=0\nhttpProxy=http://corp 3128\n\n[Cookie Policy]\nCookieGlobalAdvice=Accept\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-kde-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('KDE kioslaverc', () => {
  it('edits one key of one group and keeps every other line', () => {
    let t = iniSet(KIOSLAVERC, 'Proxy Settings', 'ProxyType', '2');
    t = iniSet(t, 'Proxy Settings', 'Proxy Config Script', 'http://127.0.0.1:8888/mapiscope.pac');
    expect(iniGet(t, 'Proxy Settings', 'ProxyType')).toBe('2');
    expect(iniGet(t, 'Cookie Policy', 'CookieGlobalAdvice')).toBe('Accept');
    expect(t).toContain(
      'ProxyType=2\nhttpProxy=http://corp 3128\nProxy Config Script=http://127.0.0.1:8888/mapiscope.pac\n\n[Cookie Policy]',
    );
    t = iniSet(t, 'Proxy Settings', 'Proxy Config Script', null);
    expect(iniSet(t, 'Proxy Settings', 'ProxyType', '0')).toBe(KIOSLAVERC);
    expect(iniSet('', 'Proxy Settings', 'ProxyType', '1')).toBe('[Proxy Settings]\nProxyType=1\n');
  });

  it('routes with the PAC URL, signals KIO, and off gives back the file byte for byte', async () => {
    const file = path.join(dir, 'kioslaverc');
    await writeFile(file, KIOSLAVERC);
    const runner = new FakeRegistry();
    const sp = new SystemProxy({ dataDir: dir, runner, stores: async () => [new KdeProxyStore(file, runner)] });
    await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), { kind: 'persistent', pid: 1, command: 't' });
    const set = await readFile(file, 'utf8');
    expect(iniGet(set, 'Proxy Settings', 'ProxyType')).toBe('2');
    expect(iniGet(set, 'Proxy Settings', 'Proxy Config Script')).toBe(
      'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com',
    );
    expect(runner.calls).toEqual([
      'dbus-send --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:',
    ]);
    await sp.off();
    expect(await readFile(file, 'utf8')).toBe(KIOSLAVERC);
  });

  describe('the previous route the PAC sends the other hosts to', () => {
    /** `system-proxy on` over a kioslaverc with this [Proxy Settings] group, found in a scratch XDG_CONFIG_HOME. */
    const onWith = async (group: string) => {
      const text = `[$Version]\nupdate_info=kioslave.upd:remove-cookiejar\n\n[Proxy Settings]\n${group}\n[Cookie Policy]\nCookieGlobalAdvice=Accept\n`;
      const file = path.join(dir, 'kioslaverc');
      await writeFile(file, text);
      // No gsettings here (the recorded runner knows only reg): the KDE store is the only one.
      const runner = new FakeRegistry();
      const sp = new SystemProxy({ dataDir: dir, runner, platform: 'linux', env: { XDG_CONFIG_HOME: dir } });
      const { journal } = await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), {
        kind: 'persistent',
        pid: 1,
        command: 't',
      });
      expect(journal.stores.map((s) => s.id)).toEqual(['kde']);
      const url = (journal.target as { url: string }).url;
      expect(iniGet(await readFile(file, 'utf8'), 'Proxy Settings', 'Proxy Config Script')).toBe(url);
      await sp.off();
      expect(await readFile(file, 'utf8')).toBe(text);
      return journal.target;
    };
    const PAC = 'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com';

    it('manual: httpProxy and httpsProxy as the dialog writes them, NoProxyFor with its domains as patterns', async () => {
      const target = await onWith(
        'ProxyType=1\nhttpProxy=http://corp-proxy.contoso.com 3128\nhttpsProxy=http://corp-proxy.contoso.com 3128\nNoProxyFor=localhost, .contoso.com,intranet\n',
      );
      const url = `${PAC}&previous=proxy%3Acorp-proxy.contoso.com%3A3128&bypass=localhost%3B*.contoso.com%3Bintranet`;
      expect(target).toMatchObject({ url });
      expect(`routing ${describeTarget(target)}`).toBe(
        `routing PAC ${url} (only the Exchange hosts through 127.0.0.1:8888, the other hosts through corp-proxy.contoso.com:3128 as before)`,
      );
    });

    it('manual, per scheme: different http and https proxies, or only one of them', async () => {
      expect(
        await onWith('ProxyType=1\nhttpProxy=http://web.contoso.com:8080/\nhttpsProxy=tls.contoso.com 8443\n'),
      ).toMatchObject({
        url: `${PAC}&previous=proxy%3Ahttp%3Dweb.contoso.com%3A8080%3Bhttps%3Dtls.contoso.com%3A8443`,
      });
      expect(await onWith('ProxyType=1\nhttpProxy=http://web.contoso.com 8080\nhttpsProxy=\n')).toMatchObject({
        url: `${PAC}&previous=proxy%3Ahttp%3Dweb.contoso.com%3A8080`,
      });
    });

    it('PAC: the Proxy Config Script of ProxyType 2', async () => {
      const target = await onWith(
        'ProxyType=2\nProxy Config Script=http://wpad.contoso.com/proxy.pac\nhttpProxy=http://corp 3128\n',
      );
      expect(target).toMatchObject({ url: `${PAC}&previous=pac%3Ahttp%3A%2F%2Fwpad.contoso.com%2Fproxy.pac` });
      expect(describeTarget(target)).toContain(
        'the other hosts as the PAC script set before (http://wpad.contoso.com/proxy.pac) decides',
      );
    });

    it('none: no proxy, automatic detection, the environment, a reversed exception list, a proxy without a port', async () => {
      for (const group of [
        'ProxyType=0\nhttpProxy=http://corp-proxy.contoso.com 3128\n',
        'ProxyType=3\n',
        'ProxyType=4\nhttpProxy=http_proxy\n',
        'ProxyType=1\nhttpProxy=http://corp-proxy.contoso.com 3128\nNoProxyFor=mail.contoso.com\nReversedException=true\n',
        'ProxyType=1\nhttpProxy=http://corp-proxy.contoso.com\n',
      ])
        expect(await onWith(group), group).toMatchObject({ url: PAC });
    });

    it('reads the proxy forms kioslaverc holds', () => {
      expect(kdeProxyServer('http://corp 3128')).toBe('corp:3128');
      expect(kdeProxyServer('http://corp:3128')).toBe('corp:3128');
      expect(kdeProxyServer('corp 3128')).toBe('corp:3128');
      expect(kdeProxyServer('http://[fd00::1]:3128/')).toBe('[fd00::1]:3128');
      expect(kdeProxyServer('http://corp')).toBe('');
      expect(kdeProxyServer('http://corp 0')).toBe('');
      expect(kdeProxyServer('')).toBe('');
      expect(kdeProxyServer(null)).toBe('');
    });
  });
});
