import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConnectionSettingsError,
  decodeConnectionSettings,
  encodeConnectionSettings,
  fromRegHex,
  routedConnectionSettings,
  toRegHex,
} from '../../../electron/backend/system-proxy/wininet-connection.js';

const fixture = (name: string): Uint8Array =>
  Buffer.from(
    readFileSync(path.join(__dirname, '../../fixtures/wininet', name), 'utf8')
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((x) => Number.parseInt(x, 16)),
  );

describe('WinINET DefaultConnectionSettings layout', () => {
  it('reads a manual proxy with <local> bypass and auto-detect (real export), and writes the same bytes', () => {
    const b = fixture('manual-local.hex');
    const s = decodeConnectionSettings(b);
    expect(s).toMatchObject({
      version: 0x46,
      counter: 0x51,
      flags: 0x0b,
      proxyServer: '127.0.0.1:80',
      bypassList: '<local>',
      autoConfigUrl: '',
    });
    // 12 header bytes, 4 + 12, 4 + 7, 4 + 0: the rest (32 bytes) starts at 43.
    expect(s.tail).toEqual(new Uint8Array(32));
    expect(Buffer.from(encodeConnectionSettings(s))).toEqual(Buffer.from(b));
  });

  it('reads a manual proxy with a setup script URL (real export), and writes the same bytes', () => {
    const b = fixture('manual-and-script.hex');
    const s = decodeConnectionSettings(b);
    expect(s).toMatchObject({
      version: 0x46,
      counter: 0x0cc1,
      flags: 0x07,
      proxyServer: '192.168.1.1:80',
      bypassList: '',
      autoConfigUrl: 'http://xduotai.com/pRsO3NGR3-.pac',
    });
    expect(s.tail.length).toBe(103 - 71);
    expect(Buffer.from(encodeConnectionSettings(s))).toEqual(Buffer.from(b));
  });

  it('a length running past the end is an error naming the field and offset', () => {
    const b = fixture('manual-local.hex').slice(0, 20);
    expect(() => decodeConnectionSettings(b)).toThrow(ConnectionSettingsError);
    expect(() => decodeConnectionSettings(b)).toThrow(/the proxy server \(12 bytes at 16\) runs past the end/);
    expect(() => decodeConnectionSettings(b.slice(0, 6))).toThrow(/ends inside the counter at 4/);
  });

  it('routing keeps the version and the trailing bytes, raises the counter, clears auto-detect', () => {
    const before = decodeConnectionSettings(fixture('manual-and-script.hex'));
    const manual = routedConnectionSettings(before, { proxyServer: '127.0.0.1:8888', bypassList: '<local>;127.*' });
    expect(manual).toMatchObject({ version: 0x46, counter: 0x0cc2, flags: 0x03, proxyServer: '127.0.0.1:8888' });
    expect(manual.bypassList).toBe('<local>;127.*');
    expect(manual.tail).toEqual(before.tail);
    const pac = routedConnectionSettings(decodeConnectionSettings(fixture('manual-local.hex')), {
      autoConfigUrl: 'http://127.0.0.1:8888/mapiscope.pac',
    });
    // Auto-detect (0x08) and the manual proxy (0x02) off, the script on; the proxy text stays as the UI keeps it.
    expect(pac).toMatchObject({ counter: 0x52, flags: 0x05, proxyServer: '127.0.0.1:80', bypassList: '<local>' });
    const fresh = routedConnectionSettings(undefined, { autoConfigUrl: 'http://x/p.pac' });
    expect(toRegHex(encodeConnectionSettings(fresh))).toBe(
      '46000000' +
        '01000000' +
        '05000000' +
        '00000000' +
        '00000000' +
        '0E000000' +
        Buffer.from('http://x/p.pac').toString('hex').toUpperCase() +
        '00'.repeat(32),
    );
  });

  it('reg hex round trip, and non-hex refused', () => {
    const b = fixture('manual-local.hex');
    expect(Buffer.from(fromRegHex(toRegHex(b)))).toEqual(Buffer.from(b));
    expect(() => fromRegHex('46 00')).toThrow(ConnectionSettingsError);
  });
});
