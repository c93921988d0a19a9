/**
 * CaTrust on Windows and macOS through recorded runners (exact command lines; only our certificate,
 * by fingerprint), and the Linux system store in a scratch anchors folder.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../electron/backend/system-proxy/runner.js';
import { CaTrust, type CaIdentity, caIdentity } from '../../../electron/backend/trust/ca-trust.js';
import { CertificateAuthority } from '../../../electron/backend/ca/ca.js';
import { RecordedRunner } from './fake-machines.js';

let dir: string;
let id: CaIdentity;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mapiscope-trust-'));
  const ca = await CertificateAuthority.loadOrCreate(path.join(dir, 'ca'));
  id = caIdentity(ca.certPath, ca.exportPem());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });

/** certutil.exe over CurrentUser\Root holding another CA and, once added, ours. */
class WindowsRoot extends RecordedRunner {
  readonly store = new Set(['0123456789ABCDEF0123456789ABCDEF01234567']);
  constructor(private readonly ours: string) {
    super();
  }
  protected answer(file: string, args: readonly string[]): CommandResult {
    const last = args[args.length - 1]!;
    if (args.includes('-addstore')) this.store.add(this.ours);
    else if (args.includes('-delstore')) {
      if (!this.store.delete(last)) return { code: 1, stdout: '', stderr: 'CRYPT_E_NOT_FOUND' };
    } else if (args.includes('-store'))
      return this.store.has(last)
        ? ok(
            `================ Certificate 0 ================\nCert Hash(sha1): ${last.toLowerCase().replace(/(..)(?!$)/g, '$1 ')}\n`,
          )
        : { code: -2146885628, stdout: '', stderr: 'CertUtil: -store command FAILED: 0x80092004' };
    return ok(file === 'certutil' ? 'CertUtil: -addstore command completed successfully.' : '');
  }
}

/** `security` over the login keychain holding another MapiScope CA of an older install and, once added, ours. */
class Keychain extends RecordedRunner {
  readonly certs = new Map([['FEDCBA9876543210FEDCBA9876543210FEDCBA98', 'MapiScope Interception CA 00000000']]);
  constructor(private readonly ours: CaIdentity) {
    super();
  }
  protected answer(_file: string, args: readonly string[]): CommandResult {
    if (args[0] === 'add-trusted-cert') this.certs.set(this.ours.sha1, this.ours.commonName);
    if (args[0] === 'delete-certificate') this.certs.delete(args[args.indexOf('-Z') + 1]!);
    if (args[0] === 'find-certificate') {
      const prefix = args[args.indexOf('-c') + 1]!;
      return ok(
        [...this.certs]
          .filter(([, cn]) => cn.startsWith(prefix))
          .map(
            ([h, cn]) =>
              `SHA-256 hash: 00\nSHA-1 hash: ${h}\nkeychain: "login.keychain-db"\n    "labl"<blob>="${cn}"\n`,
          )
          .join(''),
      );
    }
    return ok();
  }
}

describe('CaTrust', () => {
  it('Windows: adds the DER to CurrentUser\\Root, finds it by SHA-1, deletes only that thumbprint', async () => {
    const r = new WindowsRoot(id.sha1);
    const t = new CaTrust(id, { runner: r, platform: 'win32' });
    expect(await t.statusOf('user')).toMatchObject({ trusted: false, label: 'Windows CurrentUser\\Root' });
    const start = r.calls.length;
    expect(await t.trust()).toBe('trusted in Windows CurrentUser\\Root');
    const der = id.certPath.replace(/\.pem$/, '.cer');
    expect(r.since(start)).toEqual([
      `certutil -user -store Root ${id.sha1}`,
      `certutil -user -addstore Root ${der}`,
      `certutil -user -store Root ${id.sha1}`,
    ]);
    expect(new X509Certificate(readFileSync(der)).fingerprint256).toBe(id.sha256);
    const mark = r.calls.length;
    expect(await t.untrust()).toEqual(['removed from Windows CurrentUser\\Root']);
    expect(r.since(mark)).toEqual([
      `certutil -user -store Root ${id.sha1}`,
      `certutil -user -delstore Root ${id.sha1}`,
      `certutil -user -store Root ${id.sha1}`,
      // The machine store does not hold it: nothing removed there.
      `certutil -store Root ${id.sha1}`,
    ]);
    expect([...r.store]).toEqual(['0123456789ABCDEF0123456789ABCDEF01234567']);
  });

  it('Windows: the machine store needs an elevated process', async () => {
    const t = new CaTrust(id, { runner: new WindowsRoot(id.sha1), platform: 'win32', isAdmin: false });
    await expect(t.trust('system')).rejects.toThrow(/needs administrator rights/);
    await expect(t.trust('nss')).rejects.toThrow(/--store nss is for Linux/);
  });

  it('macOS: login keychain trusted for SSL; untrust deletes by SHA-1, not an older MapiScope CA of the same name', async () => {
    const r = new Keychain(id);
    const t = new CaTrust(id, { runner: r, platform: 'darwin', home: '/Users/alice', isAdmin: false });
    const kc = '/Users/alice/Library/Keychains/login.keychain-db';
    expect(await t.trust()).toBe(`trusted in login keychain (${kc})`);
    expect(r.calls[1]).toBe(`security add-trusted-cert -r trustRoot -p ssl -k ${kc} ${id.certPath}`);
    expect(await t.untrust('user')).toEqual([`removed from login keychain (${kc})`]);
    expect(r.calls).toContain(`security delete-certificate -Z ${id.sha1} -t ${kc}`);
    expect([...r.certs.keys()]).toEqual(['FEDCBA9876543210FEDCBA9876543210FEDCBA98']);
  });

  it('Linux system store: an anchor file named by fingerprint and update-ca-certificates, as root only', async () => {
    const anchorDir = path.join(dir, 'anchors');
    const r = new (class extends RecordedRunner {
      protected answer(): CommandResult {
        return ok();
      }
    })();
    const asUser = new CaTrust(id, { runner: r, platform: 'linux', anchorDir, isAdmin: false });
    await expect(asUser.trust('system')).rejects.toThrow(/needs administrator rights/);
    const t = new CaTrust(id, { runner: r, platform: 'linux', anchorDir, isAdmin: true });
    expect(await t.trust('system')).toMatch(/^trusted in system anchors \(.*mapiscope-[0-9a-f]{16}\.crt\)$/);
    const file = path.join(anchorDir, `mapiscope-${id.sha1.slice(0, 16).toLowerCase()}.crt`);
    expect(readFileSync(file, 'utf8')).toBe(id.pem);
    expect(r.calls).toEqual(['update-ca-certificates']);
    // A file of that name holding another certificate is not ours.
    await writeFile(path.join(anchorDir, 'other.crt'), 'x');
    expect(await t.untrust('system')).toEqual([expect.stringMatching(/^removed from system anchors/)]);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.join(anchorDir, 'other.crt'))).toBe(true);
    expect(r.calls).toEqual(['update-ca-certificates', 'update-ca-certificates --fresh']);
  });
});
