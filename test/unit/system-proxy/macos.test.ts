import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemProxy } from '../../../electron/backend/system-proxy/controller.js';
import { journalPath } from '../../../electron/backend/system-proxy/journal.js';
import { MacProxyStore, parseServices } from '../../../electron/backend/system-proxy/macos.js';
import { platformStores } from '../../../electron/backend/system-proxy/platform.js';
import { routeTarget } from '../../../electron/backend/system-proxy/routing.js';
import { describeTarget } from '../../../electron/backend/system-proxy/settings.js';
import { FakeNetworksetup, macService } from './fake-machines.js';

const OWNER = { kind: 'process' as const, pid: 4242, command: 'MapiScope app' };
const PAC = 'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-mac-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function machine() {
  return new FakeNetworksetup(
    new Map([
      ['Wi-Fi', macService({ bypass: ['*.local', '169.254/16'] })],
      ['*Bluetooth PAN', macService()],
      ['USB 10/100/1000 LAN', macService({ web: { server: 'corp-proxy.contoso.com', port: 3128, on: false } })],
    ]),
  );
}

function controller(ns: FakeNetworksetup) {
  return new SystemProxy({ dataDir: dir, runner: ns, platform: 'darwin', isAlive: () => false });
}

describe('macOS network services through networksetup', () => {
  it('lists only the enabled services', () => {
    expect(
      parseServices(
        'An asterisk (*) denotes that a network service is disabled.\nWi-Fi\n*Bluetooth PAN\nThunderbolt Bridge\n',
      ),
    ).toEqual(['Wi-Fi', 'Thunderbolt Bridge']);
  });

  it('PAC routing sets the auto proxy URL of every enabled service with exactly these commands, and off restores them', async () => {
    const ns = machine();
    const before = ns.snapshot();
    const sp = controller(ns);
    const { journal } = await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), OWNER);
    expect(journal.stores.map((s) => s.id)).toEqual(['macos:Wi-Fi', 'macos:USB 10/100/1000 LAN']);
    const reads = (s: string) => [
      `networksetup -getautoproxyurl ${s}`,
      `networksetup -getwebproxy ${s}`,
      `networksetup -getsecurewebproxy ${s}`,
      `networksetup -getproxybypassdomains ${s}`,
    ];
    expect(ns.calls).toEqual([
      'networksetup -listallnetworkservices',
      ...reads('Wi-Fi'),
      ...reads('USB 10/100/1000 LAN'),
      `networksetup -setautoproxyurl Wi-Fi ${PAC}`,
      'networksetup -setautoproxystate Wi-Fi on',
      `networksetup -setautoproxyurl USB 10/100/1000 LAN ${PAC}`,
      'networksetup -setautoproxystate USB 10/100/1000 LAN on',
      ...reads('Wi-Fi'),
      ...reads('USB 10/100/1000 LAN'),
    ]);
    expect(ns.services.get('Wi-Fi')).toMatchObject({ autoUrl: PAC, autoOn: true });
    expect((await sp.status()).stores.map((s) => s.routing)).toEqual([`PAC ${PAC}`, `PAC ${PAC}`]);
    const mark = ns.calls.length;
    await sp.off();
    expect(ns.since(mark).filter((c) => c.includes(' -set'))).toEqual([
      'networksetup -setautoproxystate Wi-Fi off',
      'networksetup -setautoproxystate USB 10/100/1000 LAN off',
    ]);
    // networksetup cannot empty the URL field: the auto proxy is off, which decides.
    const after = ns.snapshot();
    expect(after['Wi-Fi']!.autoOn).toBe(false);
    expect({ ...after['Wi-Fi'], autoUrl: '' }).toEqual(before['Wi-Fi']);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('--all sets web and secure web proxies, then restores a disabled corporate proxy exactly', async () => {
    const ns = machine();
    const before = ns.snapshot();
    const sp = controller(ns);
    await sp.on(routeTarget({ port: 8888, all: true }), OWNER);
    expect(ns.calls.filter((c) => c.includes('USB') && c.includes(' -set'))).toEqual([
      'networksetup -setwebproxy USB 10/100/1000 LAN 127.0.0.1 8888',
      'networksetup -setsecurewebproxy USB 10/100/1000 LAN 127.0.0.1 8888',
      'networksetup -setproxybypassdomains USB 10/100/1000 LAN localhost 127.0.0.0/8 ::1',
      'networksetup -setwebproxystate USB 10/100/1000 LAN on',
      'networksetup -setsecurewebproxystate USB 10/100/1000 LAN on',
    ]);
    expect(ns.services.get('USB 10/100/1000 LAN')!.web).toEqual({ server: '127.0.0.1', port: 8888, on: true });
    const mark = ns.calls.length;
    await sp.off();
    expect(ns.since(mark).filter((c) => c.includes('USB') && c.includes(' -set'))).toEqual([
      'networksetup -setwebproxy USB 10/100/1000 LAN corp-proxy.contoso.com 3128',
      'networksetup -setproxybypassdomains USB 10/100/1000 LAN Empty',
      'networksetup -setwebproxystate USB 10/100/1000 LAN off',
      'networksetup -setsecurewebproxystate USB 10/100/1000 LAN off',
    ]);
    const after = ns.snapshot();
    expect(after['USB 10/100/1000 LAN']!.web).toEqual(before['USB 10/100/1000 LAN']!.web);
    expect(after['Wi-Fi']!.bypass).toEqual(['*.local', '169.254/16']);
  });

  it('a failure on the second service undoes the first service too', async () => {
    const ns = machine();
    const before = ns.snapshot();
    ns.failWhen = (l) => l === 'networksetup -setwebproxystate USB 10/100/1000 LAN on';
    const sp = new SystemProxy({
      dataDir: dir,
      runner: ns,
      platform: 'darwin',
      stores: async () => [new MacProxyStore(ns, 'Wi-Fi'), new MacProxyStore(ns, 'USB 10/100/1000 LAN')],
    });
    await expect(sp.on(routeTarget({ port: 8888, all: true }), OWNER)).rejects.toThrow(
      /setwebproxystate USB 10\/100\/1000 LAN on failed.*every setting already changed was put back/,
    );
    const after = ns.snapshot();
    // Every switch is back off; the bypass lists and servers are as before.
    for (const s of ['Wi-Fi', 'USB 10/100/1000 LAN']) {
      expect(after[s]!.web.on).toBe(false);
      expect(after[s]!.secure.on).toBe(false);
      expect(after[s]!.bypass).toEqual(before[s]!.bypass);
    }
    expect(after['USB 10/100/1000 LAN']!.web).toEqual(before['USB 10/100/1000 LAN']!.web);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('platformStores makes one store per enabled service', async () => {
    const stores = await platformStores(machine(), 'darwin');
    expect(stores.map((s) => s.label)).toEqual(['Wi-Fi (networksetup)', 'USB 10/100/1000 LAN (networksetup)']);
  });

  describe('the previous route the PAC sends the other hosts to', () => {
    const CORP = { server: 'corp-proxy.contoso.com', port: 3128, on: true };
    const onOne = async (state: Parameters<typeof macService>[0]) => {
      const ns = new FakeNetworksetup(new Map([['Wi-Fi', macService(state)]]));
      const before = ns.snapshot();
      const sp = controller(ns);
      const { journal } = await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), OWNER);
      // One service: nothing to tell apart.
      expect(journal.previousFrom).toBeUndefined();
      await sp.off();
      // What networksetup can put back: the URL field keeps MapiScope's URL, switched off.
      expect({ ...ns.snapshot()['Wi-Fi'], autoUrl: before['Wi-Fi']!.autoUrl }).toEqual(before['Wi-Fi']);
      return journal.target;
    };

    it('manual: the web and secure web proxy, with the bypass domains', async () => {
      const target = await onOne({ web: CORP, secure: CORP, bypass: ['*.contoso.com', '*.local', '169.254/16'] });
      expect(target).toMatchObject({
        url: `${PAC}&previous=proxy%3Acorp-proxy.contoso.com%3A3128&bypass=*.contoso.com%3B*.local%3B169.254%2F16`,
      });
      expect(`routing ${describeTarget(target)}`).toBe(
        `routing PAC ${(target as { url: string }).url} (only the Exchange hosts through 127.0.0.1:8888, the other hosts through corp-proxy.contoso.com:3128 as before)`,
      );
    });

    it('manual, per scheme: a web proxy only for http, a secure web proxy only for https; one switched off does not count', async () => {
      expect(await onOne({ web: CORP })).toMatchObject({
        url: `${PAC}&previous=proxy%3Ahttp%3Dcorp-proxy.contoso.com%3A3128`,
      });
      expect(
        await onOne({ web: { ...CORP, on: false }, secure: { server: 'tls-proxy.contoso.com', port: 8443, on: true } }),
      ).toMatchObject({ url: `${PAC}&previous=proxy%3Ahttps%3Dtls-proxy.contoso.com%3A8443` });
      expect(
        await onOne({ web: CORP, secure: { server: 'tls-proxy.contoso.com', port: 8443, on: true } }),
      ).toMatchObject({
        url: `${PAC}&previous=proxy%3Ahttp%3Dcorp-proxy.contoso.com%3A3128%3Bhttps%3Dtls-proxy.contoso.com%3A8443`,
      });
    });

    it('PAC: the auto proxy URL when it is on, before the web proxies; none: direct', async () => {
      const target = await onOne({ autoUrl: 'http://wpad.contoso.com/proxy.pac', autoOn: true, web: CORP });
      expect(target).toMatchObject({ url: `${PAC}&previous=pac%3Ahttp%3A%2F%2Fwpad.contoso.com%2Fproxy.pac` });
      expect(describeTarget(target)).toContain(
        'the other hosts as the PAC script set before (http://wpad.contoso.com/proxy.pac) decides',
      );
      // A URL switched off, a proxy with a server but switched off: nothing was in use.
      const none = await onOne({ autoUrl: 'http://wpad.contoso.com/proxy.pac', web: { ...CORP, on: false } });
      expect(none).toMatchObject({ url: PAC });
      expect(describeTarget(none)).toBe(`PAC ${PAC} (only the Exchange hosts through 127.0.0.1:8888)`);
    });

    it('services that disagree: the first enabled service in service order that used a proxy or PAC decides', async () => {
      const ns = new FakeNetworksetup(
        new Map([
          ['*Disabled LAN', macService({ web: { server: 'old-proxy.contoso.com', port: 80, on: true }, secure: CORP })],
          ['Thunderbolt Bridge', macService()],
          ['Wi-Fi', macService({ web: CORP, secure: CORP })],
          ['USB 10/100/1000 LAN', macService({ autoUrl: 'http://wpad.contoso.com/proxy.pac', autoOn: true })],
        ]),
      );
      const { journal } = await controller(ns).on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), OWNER);
      const url = `${PAC}&previous=proxy%3Acorp-proxy.contoso.com%3A3128`;
      expect(journal.target).toMatchObject({ url });
      // The routing line says whose settings those were.
      expect(journal.previousFrom).toBe('Wi-Fi (networksetup)');
      expect(describeTarget(journal.target, journal.previousFrom)).toBe(
        `PAC ${url} (only the Exchange hosts through 127.0.0.1:8888, the other hosts through corp-proxy.contoso.com:3128 as before; that route is the one Wi-Fi (networksetup) had)`,
      );
      // That one PAC URL is set on every enabled service.
      for (const s of ['Thunderbolt Bridge', 'Wi-Fi', 'USB 10/100/1000 LAN'])
        expect(ns.services.get(s)).toMatchObject({ autoUrl: url, autoOn: true });
      await controller(ns).off();
      expect(ns.services.get('USB 10/100/1000 LAN')).toMatchObject({
        autoUrl: 'http://wpad.contoso.com/proxy.pac',
        autoOn: true,
      });
    });

    it('a MapiScope PAC left on a service is not a previous route', async () => {
      const ns = new FakeNetworksetup(
        new Map([
          ['Wi-Fi', macService({ autoUrl: 'http://127.0.0.1:7777/mapiscope.pac', autoOn: true })],
          ['Ethernet', macService({ secure: CORP })],
        ]),
      );
      const { journal } = await controller(ns).on(routeTarget({ port: 8888 }), OWNER);
      expect(journal.target).toMatchObject({
        url: 'http://127.0.0.1:8888/mapiscope.pac?previous=proxy%3Ahttps%3Dcorp-proxy.contoso.com%3A3128',
      });
    });
  });
});
