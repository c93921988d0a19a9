/**
 * system-proxy on Linux for real: the GNOME settings through gsettings' keyfile backend in a
 * scratch XDG_CONFIG_HOME, a KDE kioslaverc beside it, and the CLI as a user runs it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ScratchDesktop, exited, scratchDesktopPerTest } from './linux-env.js';

const KIOSLAVERC = '[Proxy Settings]\nProxyType=0\n\n[Cookie Policy]\nCookieGlobalAdvice=Accept\n';

let d: ScratchDesktop;
scratchDesktopPerTest((desktop) => (d = desktop));

/** The user's own settings before MapiScope: a manual corporate proxy with its own exceptions. */
function corporateProxy() {
  d.gsettings('set', 'org.gnome.system.proxy', 'mode', 'manual');
  d.gsettings('set', 'org.gnome.system.proxy.http', 'host', 'corp-proxy.example');
  d.gsettings('set', 'org.gnome.system.proxy.http', 'port', '3128');
  d.gsettings('set', 'org.gnome.system.proxy', 'ignore-hosts', "['localhost', '*.corp.example']");
}

describe('system-proxy on Linux (GNOME keyfile backend, KDE kioslaverc)', () => {
  it('on sets the PAC in GNOME and KDE, status says it is ours, off restores the exact previous values', async () => {
    corporateProxy();
    const kde = path.join(d.config, 'kioslaverc');
    await writeFile(kde, KIOSLAVERC);
    const before = d.proxyValues();

    const on = await d.cli('system-proxy', 'on', '--port', '18888', '--hosts', 'mail.contoso.test,ex2.contoso.test');
    expect(on.code, on.stderr).toBe(0);
    // The corporate proxy stays in use for the other hosts: the PAC URL names it and its exceptions.
    const url =
      'http://127.0.0.1:18888/mapiscope.pac?hosts=mail.contoso.test,ex2.contoso.test' +
      '&previous=proxy%3Acorp-proxy.example%3A3128&bypass=localhost%3B*.corp.example';
    expect(on.stdout).toContain(
      `routing PAC ${url} (only the Exchange hosts through 127.0.0.1:18888, the other hosts through corp-proxy.example:3128 as before; that route is the one GNOME proxy settings (org.gnome.system.proxy) had)`,
    );
    expect(on.stderr).toContain('export HTTPS_PROXY=http://127.0.0.1:18888');
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'autoconfig-url')).toBe(`'${url}'`);
    expect(await readFile(kde, 'utf8')).toContain(
      'ProxyType=2\nProxy Config Script=http://127.0.0.1:18888/mapiscope.pac',
    );

    const st = await d.cli('system-proxy', 'status', '--json');
    const status = JSON.parse(st.stdout) as { ours: boolean; mode: string; pacUrl: string; stores: { id: string }[] };
    expect(status).toMatchObject({ ours: true, mode: 'pac' });
    expect(status.stores.map((s) => s.id)).toEqual(['gnome', 'kde']);

    const off = await d.cli('system-proxy', 'off');
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(
      /^system-proxy off: restored the proxy settings that mapiscope system-proxy on \(pid \d+\) had set/,
    );
    expect(d.proxyValues()).toBe(before);
    expect(await readFile(kde, 'utf8')).toBe(KIOSLAVERC);
    expect(existsSync(path.join(d.dataDir, 'system-proxy.json'))).toBe(false);
    expect((await d.cli('system-proxy', 'status')).stdout).toContain('MapiScope is not routing this machine');
  });

  it("KDE's corporate proxy or PAC script (GNOME's mode none, its default) is what the other hosts keep using, and the routing line names it", async () => {
    const kde = path.join(d.config, 'kioslaverc');
    const manual =
      '[Proxy Settings]\nProxyType=1\nhttpProxy=http://corp-proxy.example 3128\nhttpsProxy=http://corp-proxy.example 3128\nNoProxyFor=localhost,.corp.example\n';
    await writeFile(kde, manual);
    const { child, out } = await d.start(
      [
        'capture',
        '--system-proxy',
        '--port',
        '0',
        '--hosts',
        'mail.contoso.test',
        '--out',
        path.join(d.root, 'kde.mscap'),
      ],
      /routing PAC .*\n/,
    );
    const port = /routing PAC http:\/\/127\.0\.0\.1:(\d+)\//.exec(out.stderr)![1]!;
    const url =
      `http://127.0.0.1:${port}/mapiscope.pac?hosts=mail.contoso.test` +
      '&previous=proxy%3Acorp-proxy.example%3A3128&bypass=localhost%3B*.corp.example';
    expect(out.stderr).toContain(
      `routing PAC ${url} (only the Exchange hosts through 127.0.0.1:${port}, the other hosts through corp-proxy.example:3128 as before; that route is the one KDE proxy settings (${kde}) had); restored when the capture stops`,
    );
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'autoconfig-url')).toBe(`'${url}'`);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(await readFile(kde, 'utf8')).toBe(manual);

    const script = '[Proxy Settings]\nProxyType=2\nProxy Config Script=http://wpad.corp.example/proxy.pac\n';
    await writeFile(kde, script);
    const on = await d.cli('system-proxy', 'on', '--port', '18888');
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain(
      'routing PAC http://127.0.0.1:18888/mapiscope.pac?previous=pac%3Ahttp%3A%2F%2Fwpad.corp.example%2Fproxy.pac ' +
        '(only the Exchange hosts through 127.0.0.1:18888, the other hosts as the PAC script set before (http://wpad.corp.example/proxy.pac) decides, ' +
        `or directly while it cannot be fetched; that route is the one KDE proxy settings (${kde}) had)`,
    );
    expect((await d.cli('system-proxy', 'off')).code).toBe(0);
    expect(await readFile(kde, 'utf8')).toBe(script);
  });

  it('--all sets the manual proxy; off gives back the corporate one', async () => {
    corporateProxy();
    const before = d.proxyValues();
    expect((await d.cli('system-proxy', 'on', '--all', '--port', '18889')).code).toBe(0);
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'manual'");
    expect(d.gsettings('get', 'org.gnome.system.proxy.https', 'host')).toBe("'127.0.0.1'");
    expect(d.gsettings('get', 'org.gnome.system.proxy.https', 'port')).toBe('18889');
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'ignore-hosts')).toBe("['localhost', '127.0.0.0/8', '::1']");
    await d.cli('system-proxy', 'off');
    expect(d.proxyValues()).toBe(before);
  });

  it('a setting someone else changed meanwhile is not overwritten, and both status and off say so', async () => {
    expect((await d.cli('system-proxy', 'on', '--port', '18888')).code).toBe(0);
    d.gsettings('set', 'org.gnome.system.proxy', 'mode', 'none');
    d.gsettings('set', 'org.gnome.system.proxy', 'autoconfig-url', 'http://wpad.example/other.pac');
    const st = await d.cli('system-proxy', 'status');
    expect(st.stdout).toContain(
      'Someone else changed GNOME proxy settings (org.gnome.system.proxy) org.gnome.system.proxy autoconfig-url',
    );
    const off = await d.cli('system-proxy', 'off');
    expect(off.stdout).toContain('left 1 setting(s) someone else changed since, as they are');
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'autoconfig-url')).toBe("'http://wpad.example/other.pac'");
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'none'");
  });

  it('capture --system-proxy routes while it runs and restores on SIGTERM and on Ctrl-C', async () => {
    const before = d.proxyValues();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { child, out } = await d.start(
        [
          'capture',
          '--system-proxy',
          '--port',
          '0',
          '--hosts',
          'mail.contoso.test',
          '--out',
          path.join(d.root, `${signal}.mscap`),
        ],
        /routing PAC/,
      );
      expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
      child.kill(signal);
      expect(await exited(child)).toBe(0);
      expect(out.stderr).toMatch(
        /capture stopped: restored the proxy settings that mapiscope capture \(pid \d+\) had set/,
      );
      expect(d.proxyValues()).toBe(before);
    }
  });

  it('after kill -9 of capture --system-proxy, the next command restores the settings and says so in one line', async () => {
    corporateProxy();
    const before = d.proxyValues();
    const { child } = await d.start(
      ['capture', '--system-proxy', '--port', '0', '--out', path.join(d.root, 'killed.mscap')],
      /routing PAC/,
    );
    const pid = child.pid!;
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
    child.kill('SIGKILL');
    await exited(child);
    // Nothing restored it: the process had no chance.
    expect(d.gsettings('get', 'org.gnome.system.proxy', 'mode')).toBe("'auto'");
    const next = await d.cli('ca', 'path');
    expect(next.code).toBe(0);
    const lines = next.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `mapiscope: after an unclean stop: restored the proxy settings that mapiscope capture (pid ${pid}) had set (GNOME proxy settings (org.gnome.system.proxy))`,
    );
    expect(d.proxyValues()).toBe(before);
    // Said once: the journal is gone.
    expect((await d.cli('ca', 'path')).stderr).toBe('');
  });
});
