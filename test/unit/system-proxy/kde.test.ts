import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemProxy } from '../../../electron/backend/system-proxy/controller.js';
import { KdeProxyStore, iniGet, iniSet } from '../../../electron/backend/system-proxy/kde.js';
import { routeTarget } from '../../../electron/backend/system-proxy/routing.js';
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
});
