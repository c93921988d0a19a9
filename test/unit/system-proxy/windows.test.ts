import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemProxy } from '../../../electron/backend/system-proxy/controller.js';
import { journalPath, readJournal } from '../../../electron/backend/system-proxy/journal.js';
import { routeTarget } from '../../../electron/backend/system-proxy/routing.js';
import {
  CONNECTIONS_KEY as CONN,
  INTERNET_SETTINGS_KEY as KEY,
  NOTIFY_SCRIPT,
  WindowsProxyStore,
  connectionSettingsOf,
  parseRegQuery,
} from '../../../electron/backend/system-proxy/windows.js';
import {
  decodeConnectionSettings,
  encodeConnectionSettings,
  routedConnectionSettings,
  toRegHex,
} from '../../../electron/backend/system-proxy/wininet-connection.js';
import { FakeRegistry } from './fake-machines.js';

const QUERY = [`reg query ${KEY}`, `reg query ${CONN} /v DefaultConnectionSettings`];
/** A corporate manual proxy in the binary value too (flags 0x03 + auto-detect 0x08, counter 0x51). */
const CORPORATE_BINARY = toRegHex(
  encodeConnectionSettings({
    version: 0x46,
    counter: 0x51,
    flags: 0x0b,
    proxyServer: 'corp-proxy.contoso.com:3128',
    bypassList: '*.contoso.com;<local>',
    autoConfigUrl: 'http://wpad.contoso.com/proxy.pac',
    tail: new Uint8Array(32).fill(0).map((_, i) => (i === 0 ? 1 : 0)),
  }),
);
const CORPORATE_CONNECTIONS = {
  DefaultConnectionSettings: { type: 'REG_BINARY', data: CORPORATE_BINARY },
  SavedLegacySettings: { type: 'REG_BINARY', data: CORPORATE_BINARY },
};

const NOTIFY = `powershell.exe -NoProfile -NonInteractive -Command ${NOTIFY_SCRIPT}`;
const PROCESS = { kind: 'process' as const, pid: 4242, command: 'mapiscope capture' };
const CORPORATE = {
  ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
  ProxyServer: { type: 'REG_SZ', data: 'corp-proxy.contoso.com:3128' },
  ProxyOverride: { type: 'REG_SZ', data: '*.contoso.com;<local>' },
  AutoConfigURL: { type: 'REG_SZ', data: 'http://wpad.contoso.com/proxy.pac' },
  MigrateProxy: { type: 'REG_DWORD', data: '0x1' },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-win-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function controller(reg: FakeRegistry, alive = false) {
  return new SystemProxy({
    dataDir: dir,
    runner: reg,
    platform: 'win32',
    stores: async () => [new WindowsProxyStore(reg)],
    isAlive: () => alive,
  });
}

describe('Windows Internet Settings through reg', () => {
  it('parses reg query output, including an empty REG_SZ and values it does not manage', () => {
    const out =
      '\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\r\n' +
      '    CertificateRevocation    REG_DWORD    0x1\r\n    ProxyEnable    REG_DWORD    0x0\r\n' +
      '    ProxyServer    REG_SZ    \r\n    AutoConfigURL    REG_SZ    http://a/b.pac\r\n';
    expect(parseRegQuery(out)).toEqual({
      ProxyServer: 'REG_SZ:',
      ProxyOverride: null,
      AutoConfigURL: 'REG_SZ:http://a/b.pac',
      ProxyEnable: 'REG_DWORD:0x0',
    });
  });

  it('PAC routing sets AutoConfigURL with exactly these commands, tells applications, and off deletes it again', async () => {
    const reg = new FakeRegistry({ ProxyEnable: { type: 'REG_DWORD', data: '0x0' } });
    const before = reg.snapshot();
    const sp = controller(reg);
    const target = routeTarget({ port: 8888, hosts: ['mail.contoso.com'] });
    await sp.on(target, PROCESS, ['mail.contoso.com']);
    const url = 'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com';
    // No binary value before (a profile that never opened Internet Options): a fresh one, version 0x46.
    const binary = toRegHex(encodeConnectionSettings(routedConnectionSettings(undefined, { autoConfigUrl: url })));
    expect(binary.slice(0, 24)).toBe('460000000100000005000000');
    expect(reg.calls).toEqual([
      ...QUERY,
      `reg add ${KEY} /v AutoConfigURL /t REG_SZ /d ${url} /f`,
      `reg add ${CONN} /v DefaultConnectionSettings /t REG_BINARY /d ${binary} /f`,
      ...QUERY,
      NOTIFY,
    ]);
    expect(reg.values.get('AutoConfigURL')?.data).toBe(url);
    const j = await readJournal(dir);
    expect(j?.previous.windows).toEqual({
      ProxyServer: null,
      ProxyOverride: null,
      AutoConfigURL: null,
      ProxyEnable: 'REG_DWORD:0x0',
      DefaultConnectionSettings: null,
    });
    expect((await sp.status()).ours).toBe(true);

    const mark = reg.calls.length;
    const r = await sp.off();
    expect(reg.since(mark)).toEqual([
      ...QUERY,
      `reg delete ${KEY} /v AutoConfigURL /f`,
      `reg delete ${CONN} /v DefaultConnectionSettings /f`,
      NOTIFY,
    ]);
    expect(r.restored.map((c) => c.key)).toEqual(['AutoConfigURL', 'DefaultConnectionSettings']);
    expect(reg.snapshot()).toEqual(before);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('--all over a corporate proxy: manual settings with <local> bypass, the binary value too, then every byte back', async () => {
    const reg = new FakeRegistry(CORPORATE, CORPORATE_CONNECTIONS);
    const before = reg.snapshot();
    const sp = controller(reg);
    await sp.on(routeTarget({ port: 8888, all: true }), PROCESS);
    const bypass = '<local>;localhost;127.*;::1';
    const ours = toRegHex(
      encodeConnectionSettings({
        ...decodeConnectionSettings(Buffer.from(CORPORATE_BINARY, 'hex')),
        counter: 0x52,
        flags: 0x03,
        proxyServer: '127.0.0.1:8888',
        bypassList: bypass,
      }),
    );
    expect(reg.calls.slice(2, 8)).toEqual([
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d 127.0.0.1:8888 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d ${bypass} /f`,
      `reg delete ${KEY} /v AutoConfigURL /f`,
      // ProxyEnable is 1 already: not written.
      `reg add ${CONN} /v DefaultConnectionSettings /t REG_BINARY /d ${ours} /f`,
      ...QUERY,
    ]);
    const written = connectionSettingsOf(`REG_BINARY:${reg.connections.get('DefaultConnectionSettings')!.data}`)!;
    expect(written).toMatchObject({ counter: 0x52, flags: 0x03, autoConfigUrl: 'http://wpad.contoso.com/proxy.pac' });
    expect(written.tail[0]).toBe(1);
    expect((await sp.status()).stores[0]!.routing).toBe('manual 127.0.0.1:8888');
    const mark = reg.calls.length;
    await sp.off();
    // Restored in write order, the previous bytes exactly (counter 0x51, flags 0x0b).
    expect(reg.since(mark).filter((l) => !l.startsWith('reg query'))).toEqual([
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d corp-proxy.contoso.com:3128 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d *.contoso.com;<local> /f`,
      `reg add ${KEY} /v AutoConfigURL /t REG_SZ /d http://wpad.contoso.com/proxy.pac /f`,
      `reg add ${CONN} /v DefaultConnectionSettings /t REG_BINARY /d ${CORPORATE_BINARY} /f`,
      NOTIFY,
    ]);
    expect(reg.snapshot()).toEqual(before);
  });

  it('the binary value failing to write (the last write) puts back every value already written, exactly', async () => {
    const reg = new FakeRegistry(CORPORATE, CORPORATE_CONNECTIONS);
    const before = reg.snapshot();
    reg.failWhen = (l) =>
      l.startsWith(`reg add ${CONN} /v DefaultConnectionSettings`) && l.includes('/d 46000000520000');
    const sp = controller(reg);
    await expect(sp.on(routeTarget({ port: 8888, all: true }), PROCESS)).rejects.toThrow(
      /could not route through MapiScope: reg add .*DefaultConnectionSettings.* failed \(exit 5\): ERROR: Access is denied\.; every setting already changed was put back/,
    );
    expect(reg.calls.slice(-6)).toEqual([
      ...QUERY,
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d corp-proxy.contoso.com:3128 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d *.contoso.com;<local> /f`,
      `reg add ${KEY} /v AutoConfigURL /t REG_SZ /d http://wpad.contoso.com/proxy.pac /f`,
      NOTIFY,
    ]);
    expect(reg.snapshot()).toEqual(before);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('a binary value that cannot be read is replaced by a fresh one and restored byte for byte', async () => {
    const odd = { DefaultConnectionSettings: { type: 'REG_BINARY', data: '4600000001' } };
    const reg = new FakeRegistry({}, odd);
    const before = reg.snapshot();
    const sp = controller(reg);
    await sp.on(routeTarget({ port: 8888 }), PROCESS);
    expect(connectionSettingsOf(`REG_BINARY:${reg.connections.get('DefaultConnectionSettings')!.data}`)).toMatchObject({
      version: 0x46,
      counter: 1,
      flags: 0x05,
      autoConfigUrl: 'http://127.0.0.1:8888/mapiscope.pac',
    });
    await sp.off();
    expect(reg.snapshot()).toEqual(before);
  });

  it('a write failing halfway puts back what was written and leaves no journal', async () => {
    const reg = new FakeRegistry(CORPORATE);
    const before = reg.snapshot();
    reg.failWhen = (l) => l.includes('/v AutoConfigURL') && l.startsWith('reg delete');
    const sp = controller(reg);
    await expect(sp.on(routeTarget({ port: 8888, all: true }), PROCESS)).rejects.toThrow(
      /could not route through MapiScope: reg delete .* failed \(exit 5\): ERROR: Access is denied\.; every setting already changed was put back/,
    );
    expect(reg.calls.slice(-5)).toEqual([
      ...QUERY,
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d corp-proxy.contoso.com:3128 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d *.contoso.com;<local> /f`,
      NOTIFY,
    ]);
    expect(reg.snapshot()).toEqual(before);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('when undoing fails too, the journal stays and the next start after the crash repairs it', async () => {
    const reg = new FakeRegistry({ ProxyEnable: { type: 'REG_DWORD', data: '0x0' } });
    const before = reg.snapshot();
    let deletes = 0;
    // ProxyOverride cannot be written, and every delete fails for a while, so undoing ProxyServer fails too.
    reg.failWhen = (l) =>
      (l.startsWith('reg add') && l.includes('/v ProxyOverride')) || (l.startsWith('reg delete') && ++deletes <= 3);
    const sp = controller(reg);
    await expect(sp.on(routeTarget({ port: 8888, all: true }), PROCESS)).rejects.toThrow(
      /undoing failed too .*the journal is kept/,
    );
    expect(reg.snapshot()).not.toEqual(before);
    expect(existsSync(journalPath(dir))).toBe(true);
    const r = await controller(reg).recoverStale();
    expect(r?.failed).toEqual([]);
    expect(reg.snapshot()).toEqual(before);
    expect(existsSync(journalPath(dir))).toBe(false);
  });

  it('a setting changed by someone else meanwhile is left as it is and reported', async () => {
    const reg = new FakeRegistry(CORPORATE);
    const sp = controller(reg);
    await sp.on(routeTarget({ port: 8888, all: true }), PROCESS);
    // Someone else points ProxyServer elsewhere.
    reg.values.set('ProxyServer', { type: 'REG_SZ', data: 'other:8080' });
    const st = await sp.status();
    expect(st.ours).toBe(false);
    expect(st.changedByOthers).toEqual([
      {
        store: 'Windows Internet Settings (current user)',
        key: 'ProxyServer',
        ours: 'REG_SZ:127.0.0.1:8888',
        now: 'REG_SZ:other:8080',
      },
    ]);
    const r = await sp.off();
    expect(r.changedByOthers.map((c) => c.key)).toEqual(['ProxyServer']);
    expect(reg.values.get('ProxyServer')?.data).toBe('other:8080');
    expect(reg.values.get('AutoConfigURL')?.data).toBe(CORPORATE.AutoConfigURL.data);
    expect(reg.values.get('ProxyOverride')?.data).toBe(CORPORATE.ProxyOverride.data);
  });

  it('recovery leaves a running owner alone and persistent routing until off', async () => {
    const reg = new FakeRegistry();
    await controller(reg, true).on(routeTarget({ port: 8888 }), PROCESS);
    expect(await controller(reg, true).recoverStale()).toBeUndefined();
    expect(reg.values.has('AutoConfigURL')).toBe(true);
    await controller(reg, false).off();
    await controller(reg).on(routeTarget({ port: 8888 }), {
      kind: 'persistent',
      pid: 1,
      command: 'mapiscope system-proxy on',
    });
    expect(await controller(reg).recoverStale()).toBeUndefined();
    expect(reg.values.has('AutoConfigURL')).toBe(true);
  });

  it('refuses to take over while another running process routes, and replaces a dead one', async () => {
    const reg = new FakeRegistry();
    await controller(reg, true).on(routeTarget({ port: 8888 }), PROCESS);
    await expect(controller(reg, true).on(routeTarget({ port: 9999 }), { ...PROCESS, pid: 5555 })).rejects.toThrow(
      /mapiscope capture \(pid 4242\) is routing through MapiScope already/,
    );
    const r = await controller(reg, false).on(routeTarget({ port: 9999 }), { ...PROCESS, pid: 5555 });
    expect(r.replaced?.restored.map((c) => c.key)).toEqual(['AutoConfigURL', 'DefaultConnectionSettings']);
    expect(reg.values.get('AutoConfigURL')?.data).toBe('http://127.0.0.1:9999/mapiscope.pac');
  });

  it('PAC routing over a corporate proxy: the PAC URL carries it, so the other hosts keep going through it', async () => {
    const manual = toRegHex(
      encodeConnectionSettings({
        version: 0x46,
        counter: 7,
        flags: 0x03,
        proxyServer: 'corp-proxy.contoso.com:3128',
        bypassList: '*.contoso.com;<local>',
        autoConfigUrl: '',
        tail: new Uint8Array(32),
      }),
    );
    const reg = new FakeRegistry(
      {
        ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
        ProxyServer: { type: 'REG_SZ', data: 'corp-proxy.contoso.com:3128' },
        ProxyOverride: { type: 'REG_SZ', data: '*.contoso.com;<local>' },
      },
      { DefaultConnectionSettings: { type: 'REG_BINARY', data: manual } },
    );
    const before = reg.snapshot();
    const sp = controller(reg);
    const { journal } = await sp.on(routeTarget({ port: 8888, hosts: ['mail.contoso.com'] }), PROCESS);
    const url =
      'http://127.0.0.1:8888/mapiscope.pac?hosts=mail.contoso.com&previous=proxy%3Acorp-proxy.contoso.com%3A3128&bypass=*.contoso.com%3B%3Clocal%3E';
    expect(journal.target).toMatchObject({ kind: 'pac', url });
    expect(reg.values.get('AutoConfigURL')?.data).toBe(url);
    // The binary value: the script on, the manual proxy off (the script sends the other hosts to it).
    expect(connectionSettingsOf(`REG_BINARY:${reg.connections.get('DefaultConnectionSettings')!.data}`)).toMatchObject({
      counter: 8,
      flags: 0x05,
      autoConfigUrl: url,
      proxyServer: 'corp-proxy.contoso.com:3128',
    });
    expect((await sp.status()).pacUrl).toBe(url);
    await sp.off();
    expect(reg.snapshot()).toEqual(before);
  });

  it('PAC routing over a corporate PAC script: the PAC URL names it; a MapiScope PAC left behind is not one', async () => {
    const reg = new FakeRegistry(CORPORATE, CORPORATE_CONNECTIONS);
    const { journal } = await controller(reg).on(routeTarget({ port: 8888 }), PROCESS);
    // The binary value is what Windows reads: its script (flag 0x04 is off in it) is not in use, its manual proxy is.
    expect(journal.target).toMatchObject({
      url: 'http://127.0.0.1:8888/mapiscope.pac?previous=proxy%3Acorp-proxy.contoso.com%3A3128&bypass=*.contoso.com%3B%3Clocal%3E',
    });
    await controller(reg).off();
    const script = new FakeRegistry({ AutoConfigURL: { type: 'REG_SZ', data: 'http://wpad.contoso.com/proxy.pac' } });
    const on = await controller(script).on(routeTarget({ port: 8888 }), PROCESS);
    expect(on.journal.target).toMatchObject({
      url: 'http://127.0.0.1:8888/mapiscope.pac?previous=pac%3Ahttp%3A%2F%2Fwpad.contoso.com%2Fproxy.pac',
    });
    await controller(script).off();
    const leftover = new FakeRegistry({
      AutoConfigURL: { type: 'REG_SZ', data: 'http://127.0.0.1:7777/mapiscope.pac' },
    });
    const again = await controller(leftover).on(routeTarget({ port: 8888 }), PROCESS);
    expect(again.journal.target).toMatchObject({ url: 'http://127.0.0.1:8888/mapiscope.pac' });
  });
});
