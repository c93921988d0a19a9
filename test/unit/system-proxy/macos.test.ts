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
});
