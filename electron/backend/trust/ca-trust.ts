/**
 * Trusting the MapiScope CA on this machine, and untrusting it: exactly our certificate, found
 * by its fingerprint, never another one.
 *
 *   store   Windows                     macOS                               Linux
 *   user    CurrentUser\Root (certutil) login keychain, trusted for SSL     the user's NSS db (~/.pki/nssdb)
 *   nss     —                           —                                   an NSS db (--nssdb DIR)
 *   system  LocalMachine\Root (admin)   System keychain (root)              /usr/local/share/ca-certificates (root)
 *
 * Windows shows its own confirmation dialog for the user store.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { type CommandRunner, CommandError, mustRun } from '../system-proxy/runner.js';

export type TrustStoreKind = 'user' | 'nss' | 'system';

/** The CA as the trust stores see it. */
export interface CaIdentity {
  /** PEM file of the certificate. */
  certPath: string;
  pem: string;
  /** SHA-1 of the DER, hex without separators, upper case (Windows and macOS name certificates by it). */
  sha1: string;
  /** SHA-256 of the DER, colon-separated hex (what `ca status` shows). */
  sha256: string;
  commonName: string;
}

export function caIdentity(certPath: string, pem: string): CaIdentity {
  const x = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? 'MapiScope CA';
  return { certPath, pem, sha1: x.fingerprint.replace(/:/g, ''), sha256: x.fingerprint256, commonName: cn };
}

export interface TrustStoreStatus {
  store: TrustStoreKind;
  label: string;
  trusted: boolean;
  /** Why the store could not be read, if it could not. */
  error?: string;
}

export interface CaTrustOptions {
  runner: CommandRunner;
  platform?: NodeJS.Platform;
  /** Home folder (for ~/.pki/nssdb and the login keychain). */
  home?: string;
  /** NSS database folder for the "nss" store (default the user's, ~/.pki/nssdb). */
  nssDb?: string;
  /** Linux system anchors folder (default /usr/local/share/ca-certificates). */
  anchorDir?: string;
  /** Whether this process may change system stores (default: uid 0 on Unix). */
  isAdmin?: boolean;
}

export class TrustError extends Error {
  override name = 'TrustError';
}

const sha256Of = (pem: string) => new X509Certificate(pem).fingerprint256;

/** PEM blocks in a text. */
function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

export class CaTrust {
  readonly platform: NodeJS.Platform;
  private readonly run: CommandRunner;

  constructor(
    readonly ca: CaIdentity,
    private readonly opts: CaTrustOptions,
  ) {
    this.platform = opts.platform ?? process.platform;
    this.run = opts.runner;
  }

  /** Stores that exist on this platform, the default first. */
  stores(): TrustStoreKind[] {
    return this.platform === 'linux' ? ['nss', 'system'] : ['user', 'system'];
  }

  /** "user" is the NSS db on Linux. */
  private resolve(store: TrustStoreKind): TrustStoreKind {
    if (store === 'user' && this.platform === 'linux') return 'nss';
    if (store === 'nss' && this.platform !== 'linux')
      throw new TrustError('--store nss is for Linux; on this system use --store user');
    return store;
  }

  label(store: TrustStoreKind): string {
    const s = this.resolve(store);
    if (this.platform === 'win32') return s === 'user' ? 'Windows CurrentUser\\Root' : 'Windows LocalMachine\\Root';
    if (this.platform === 'darwin') return s === 'user' ? `login keychain (${this.keychain()})` : 'System keychain';
    return s === 'nss' ? `NSS database ${this.nssDb()}` : `system anchors (${this.anchorFile()})`;
  }

  private home(): string {
    return this.opts.home ?? homedir();
  }
  private nssDb(): string {
    return this.opts.nssDb ?? path.join(this.home(), '.pki', 'nssdb');
  }
  private keychain(): string {
    return path.join(this.home(), 'Library', 'Keychains', 'login.keychain-db');
  }
  private anchorFile(): string {
    const dir = this.opts.anchorDir ?? '/usr/local/share/ca-certificates';
    return path.join(dir, `mapiscope-${this.ca.sha1.slice(0, 16).toLowerCase()}.crt`);
  }
  private admin(): boolean {
    return this.opts.isAdmin ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  }
  private nickname(): string {
    return this.ca.commonName;
  }

  /** Adds the CA to `store` (default: the user's). Resolves with what was done. */
  async trust(store: TrustStoreKind = 'user'): Promise<string> {
    const s = this.resolve(store);
    if ((await this.statusOf(s)).trusted) return `already trusted in ${this.label(s)}`;
    if (s === 'system' && !this.admin())
      throw new TrustError(`trusting in ${this.label(s)} needs administrator rights (run it as root / elevated)`);
    if (this.platform === 'win32') {
      const der = this.ca.certPath.replace(/\.pem$/i, '') + '.cer';
      await writeFile(der, new X509Certificate(this.ca.pem).raw);
      await mustRun(this.run, 'certutil', [...(s === 'user' ? ['-user'] : []), '-addstore', 'Root', der]);
    } else if (this.platform === 'darwin') {
      const args =
        s === 'user'
          ? ['add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', this.keychain(), this.ca.certPath]
          : [
              'add-trusted-cert',
              '-d',
              '-r',
              'trustRoot',
              '-p',
              'ssl',
              '-k',
              '/Library/Keychains/System.keychain',
              this.ca.certPath,
            ];
      await mustRun(this.run, 'security', args);
    } else if (s === 'nss') {
      const db = this.nssDb();
      if (!existsSync(path.join(db, 'cert9.db'))) {
        await mkdir(db, { recursive: true, mode: 0o700 });
        await mustRun(this.run, 'certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      }
      await mustRun(this.run, 'certutil', [
        '-A',
        '-d',
        `sql:${db}`,
        '-t',
        'C,,',
        '-n',
        this.nickname(),
        '-i',
        this.ca.certPath,
      ]);
    } else {
      await mkdir(path.dirname(this.anchorFile()), { recursive: true });
      await writeFile(this.anchorFile(), this.ca.pem);
      await mustRun(this.run, 'update-ca-certificates', []);
    }
    const after = await this.statusOf(s);
    if (!after.trusted)
      throw new TrustError(
        `${this.label(s)} does not list the MapiScope CA after adding it${after.error ? `: ${after.error}` : ''}`,
      );
    return `trusted in ${this.label(s)}`;
  }

  /** Removes our CA from `store`, or from every store that holds it. Other certificates stay. */
  async untrust(store?: TrustStoreKind): Promise<string[]> {
    const done: string[] = [];
    const targets = store ? [this.resolve(store)] : this.stores();
    for (const s of targets) {
      const st = await this.statusOf(s);
      if (!st.trusted) {
        if (store) done.push(`not in ${this.label(s)}`);
        continue;
      }
      if (s === 'system' && !this.admin())
        throw new TrustError(
          `removing it from ${this.label(s)} needs administrator rights (run it as root / elevated)`,
        );
      await this.remove(s);
      const after = await this.statusOf(s);
      if (after.trusted) throw new TrustError(`the MapiScope CA is still in ${this.label(s)} after removing it`);
      done.push(`removed from ${this.label(s)}`);
    }
    return done;
  }

  private async remove(s: TrustStoreKind): Promise<void> {
    if (this.platform === 'win32') {
      // By SHA-1 thumbprint: only this certificate.
      await mustRun(this.run, 'certutil', [...(s === 'user' ? ['-user'] : []), '-delstore', 'Root', this.ca.sha1]);
    } else if (this.platform === 'darwin') {
      const kc = s === 'user' ? this.keychain() : '/Library/Keychains/System.keychain';
      await mustRun(this.run, 'security', ['delete-certificate', '-Z', this.ca.sha1, '-t', kc]);
    } else if (s === 'nss') {
      const db = `sql:${this.nssDb()}`;
      for (const nick of await this.nssNicknamesHoldingUs()) {
        const pems = await this.nssCerts(nick);
        if (pems.some((p) => sha256Of(p) !== this.ca.sha256))
          throw new TrustError(`"${nick}" in ${this.label(s)} also names another certificate; remove ours by hand`);
        // One certificate per -D.
        for (let i = 0; i < pems.length; i++) await mustRun(this.run, 'certutil', ['-D', '-d', db, '-n', nick]);
      }
    } else {
      await unlink(this.anchorFile());
      await mustRun(this.run, 'update-ca-certificates', ['--fresh']);
    }
  }

  async status(): Promise<TrustStoreStatus[]> {
    const out: TrustStoreStatus[] = [];
    for (const s of this.stores()) out.push(await this.statusOf(s));
    return out;
  }

  async statusOf(store: TrustStoreKind): Promise<TrustStoreStatus> {
    const s = this.resolve(store);
    const base = { store: s, label: this.label(s) };
    try {
      return { ...base, trusted: await this.holds(s) };
    } catch (e) {
      return { ...base, trusted: false, error: (e as Error).message };
    }
  }

  private async holds(s: TrustStoreKind): Promise<boolean> {
    if (this.platform === 'win32') {
      const r = await this.run.run('certutil', [...(s === 'user' ? ['-user'] : []), '-store', 'Root', this.ca.sha1]);
      return r.code === 0 && r.stdout.replace(/[\s:]/g, '').toUpperCase().includes(this.ca.sha1);
    }
    if (this.platform === 'darwin') {
      const kc = s === 'user' ? this.keychain() : '/Library/Keychains/System.keychain';
      const r = await this.run.run('security', ['find-certificate', '-a', '-Z', '-c', this.ca.commonName, kc]);
      if (r.code !== 0) return false;
      return [...r.stdout.matchAll(/SHA-1 hash:\s*([0-9A-Fa-f]+)/g)].some((m) => m[1]!.toUpperCase() === this.ca.sha1);
    }
    if (s === 'nss') {
      if (!existsSync(path.join(this.nssDb(), 'cert9.db'))) return false;
      return (await this.nssNicknamesHoldingUs()).length > 0;
    }
    const f = this.anchorFile();
    if (!existsSync(f)) return false;
    return pemBlocks(await readFile(f, 'utf8')).some((p) => sha256Of(p) === this.ca.sha256);
  }

  /** Nicknames in the NSS db under which our certificate is stored. */
  private async nssNicknamesHoldingUs(): Promise<string[]> {
    const list = await mustRun(this.run, 'certutil', ['-L', '-d', `sql:${this.nssDb()}`]);
    const nicks = new Set<string>();
    for (const line of list.split('\n').slice(4)) {
      // "<nickname padded>   <trust flags like CT,C,C>"
      const m = /^(.*\S)\s+\S*,\S*,\S*\s*$/.exec(line);
      if (m) nicks.add(m[1]!);
    }
    const out: string[] = [];
    for (const n of nicks) if ((await this.nssCerts(n)).some((p) => sha256Of(p) === this.ca.sha256)) out.push(n);
    return out;
  }

  private async nssCerts(nick: string): Promise<string[]> {
    try {
      return pemBlocks(await mustRun(this.run, 'certutil', ['-L', '-d', `sql:${this.nssDb()}`, '-n', nick, '-a']));
    } catch (e) {
      if (e instanceof CommandError) return [];
      throw e;
    }
  }
}
