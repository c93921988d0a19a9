/**
 * The interception CA: generated once per install into a data directory, reused afterwards.
 *
 * Layout (compatible with http-mitm-proxy's `sslCaDir`, so its own `ca.create()` loads our CA
 * instead of minting a 1-year "NodeMITMProxyCA"):
 *   certs/ca.pem            CA certificate (PEM)
 *   keys/ca.private.key     CA private key (PEM, mode 0600)
 *   keys/ca.public.key      CA public key (PEM)
 *   keys/leaf.key           one RSA key shared by every leaf certificate (mode 0600)
 *   certs/<host>.pem        cached leaf certificates, re-minted when close to expiry or from another CA
 *
 * Keys come from Node's asynchronous `generateKeyPair` (thread pool), so creating the CA or a leaf
 * never blocks the event loop for the half second node-forge's synchronous path takes. Leaves share
 * one key (as mitmproxy does), so a new host costs one signature, not one key generation.
 */
import type { CaStatusDto } from '../../../shared/api/contract.js';
import { X509Certificate, createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Exchange Online / Microsoft 365 hosts Outlook talks MAPI/HTTP and Autodiscover to. */
export const M365_NAME_CONSTRAINTS: readonly string[] = [
  'outlook.office365.com',
  'outlook.office.com',
  'autodiscover-s.outlook.com',
  'outlook.com',
  'office365.com',
  'office.com',
];

export interface CaOptions {
  /** Subject common name of a new CA. */
  commonName?: string;
  /** Validity of a new CA in years (default 5). */
  validityYears?: number;
  /**
   * DNS subtrees the CA may issue for (X.509 nameConstraints, critical). Empty or absent = no
   * constraint. A constrained CA cannot be abused for other sites even if its key leaks.
   */
  nameConstraints?: readonly string[];
  /** Leaf validity in days (default 90; browsers refuse more than 398). */
  leafValidityDays?: number;
  /** Re-mint a cached leaf when fewer than this many days remain (default 7). */
  leafRenewDays?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** The CA's status (`ca.status`, shared/api/contract.ts). */
export type CaStatus = CaStatusDto;

export interface LeafCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
  /** True when served from the memory or disk cache. */
  cached: boolean;
}

const DEFAULT_CN = 'MapiScope Interception CA';

export class CertificateAuthority {
  private readonly memo = new Map<string, LeafCertificate>();
  private readonly pending = new Map<string, Promise<LeafCertificate>>();
  private x509: X509Certificate;

  private constructor(
    readonly dir: string,
    readonly certPem: string,
    private readonly forgeCert: forge.pki.Certificate,
    private readonly forgeKey: forge.pki.rsa.PrivateKey,
    private readonly leafKeyPem: string,
    private readonly leafPublic: forge.pki.rsa.PublicKey,
    private readonly opts: CaOptions,
    readonly created: boolean,
    readonly nameConstraints: string[],
  ) {
    this.x509 = new X509Certificate(certPem);
  }

  static paths(dir: string) {
    return {
      cert: path.join(dir, 'certs', 'ca.pem'),
      key: path.join(dir, 'keys', 'ca.private.key'),
      pub: path.join(dir, 'keys', 'ca.public.key'),
      leafKey: path.join(dir, 'keys', 'leaf.key'),
      meta: path.join(dir, 'ca.json'),
    };
  }

  /** Load the CA in `dir`, or generate it there the first time (or when the old one expired). */
  static async loadOrCreate(dir: string, opts: CaOptions = {}): Promise<CertificateAuthority> {
    const p = CertificateAuthority.paths(dir);
    await mkdir(path.join(dir, 'certs'), { recursive: true });
    await mkdir(path.join(dir, 'keys'), { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to a new folder; a copied CA folder may have been loosened.
    await tighten(path.join(dir, 'keys'), 0o700);
    const now = (opts.now ?? (() => new Date()))();
    let created = false;
    let certPem: string | undefined;
    let keyPem: string | undefined;
    try {
      certPem = await readFile(p.cert, 'utf8');
      keyPem = await readFile(p.key, 'utf8');
      const x = new X509Certificate(certPem);
      if (new Date(x.validTo).getTime() <= now.getTime()) {
        // Keep the expired CA next to the new one: users may still need to remove it from trust stores.
        const stamp = now.toISOString().replace(/[:.]/g, '-');
        await rename(p.cert, path.join(dir, 'certs', `ca-expired-${stamp}.pem`));
        certPem = undefined;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`CA in ${dir} is unreadable: ${(e as Error).message}`);
      certPem = undefined;
    }
    let constraints: string[] = [];
    if (!certPem || !keyPem) {
      constraints = [...(opts.nameConstraints ?? [])];
      const made = await createCaFiles(opts, now, constraints);
      certPem = made.certPem;
      keyPem = made.keyPem;
      await writeFile(p.key, made.keyPem, { mode: 0o600 });
      await chmod(p.key, 0o600);
      await writeFile(p.pub, made.publicPem);
      await writeFile(p.cert, made.certPem);
      await writeFile(p.meta, JSON.stringify({ nameConstraints: constraints, createdAt: now.toISOString() }, null, 2));
      created = true;
    } else {
      await tighten(p.key, 0o600);
      try {
        constraints =
          (JSON.parse(await readFile(p.meta, 'utf8')) as { nameConstraints?: string[] }).nameConstraints ?? [];
      } catch {
        constraints = [];
      }
    }
    let leafKeyPem: string;
    try {
      leafKeyPem = await readFile(p.leafKey, 'utf8');
      await tighten(p.leafKey, 0o600);
    } catch {
      const kp = await generateKeyPairAsync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      });
      leafKeyPem = kp.privateKey;
      await writeFile(p.leafKey, leafKeyPem, { mode: 0o600 });
      await chmod(p.leafKey, 0o600);
    }
    const forgeCert = forge.pki.certificateFromPem(certPem);
    const forgeKey = forge.pki.privateKeyFromPem(keyPem);
    const leafPriv = forge.pki.privateKeyFromPem(leafKeyPem);
    const leafPublic = forge.pki.setRsaPublicKey(leafPriv.n, leafPriv.e);
    return new CertificateAuthority(
      dir,
      certPem,
      forgeCert,
      forgeKey,
      leafKeyPem,
      leafPublic,
      opts,
      created,
      constraints,
    );
  }

  get certPath(): string {
    return CertificateAuthority.paths(this.dir).cert;
  }

  exportPem(): string {
    return this.certPem;
  }

  exportDer(): Buffer {
    return Buffer.from(this.x509.raw);
  }

  status(): CaStatus {
    const now = (this.opts.now ?? (() => new Date()))();
    return {
      dir: this.dir,
      certPath: this.certPath,
      subject: this.x509.subject,
      notBefore: new Date(this.x509.validFrom).toISOString(),
      notAfter: new Date(this.x509.validTo).toISOString(),
      fingerprint256: this.x509.fingerprint256,
      nameConstraints: [...this.nameConstraints],
      created: this.created,
      expired: new Date(this.x509.validTo).getTime() <= now.getTime(),
    };
  }

  /**
   * A leaf certificate for `host` (DNS name or IP literal), signed by this CA. Served from memory,
   * then from certs/<host>.pem if it was issued by this CA and is not close to expiry, else minted.
   */
  async leafFor(host: string): Promise<LeafCertificate> {
    const key = host.toLowerCase();
    const renewMs = (this.opts.leafRenewDays ?? 7) * 86_400_000;
    const nowMs = (this.opts.now ?? (() => new Date()))().getTime();
    const hit = this.memo.get(key);
    if (hit && hit.notAfter.getTime() - nowMs > renewMs) return { ...hit, cached: true };
    const inflight = this.pending.get(key);
    if (inflight) return inflight;
    const job = (async () => {
      const file = this.leafPath(key);
      try {
        const pem = await readFile(file, 'utf8');
        const x = new X509Certificate(pem);
        if (
          x.checkIssued(this.x509) &&
          x.verify(this.x509.publicKey) &&
          new Date(x.validTo).getTime() - nowMs > renewMs
        ) {
          const leaf = { certPem: pem, keyPem: this.leafKeyPem, notAfter: new Date(x.validTo), cached: true };
          this.memo.set(key, leaf);
          return leaf;
        }
        await unlink(file).catch(() => undefined);
      } catch {
        /* not cached yet, or unreadable: mint a new one */
      }
      const leaf = this.mintLeaf(key, new Date(nowMs));
      await writeFile(file, leaf.certPem);
      this.memo.set(key, leaf);
      return leaf;
    })().finally(() => this.pending.delete(key));
    this.pending.set(key, job);
    return job;
  }

  /** True when no valid leaf for `host` is in memory or it is due for renewal. */
  needsRenewal(host: string): boolean {
    const hit = this.memo.get(host.toLowerCase());
    const nowMs = (this.opts.now ?? (() => new Date()))().getTime();
    return !hit || hit.notAfter.getTime() - nowMs <= (this.opts.leafRenewDays ?? 7) * 86_400_000;
  }

  /** Where the leaf for `host` is cached on disk (file name made safe). */
  leafPath(host: string): string {
    const safe = host.toLowerCase().replace(/[^a-z0-9.\-_]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
    return path.join(this.dir, 'certs', `${safe}.pem`);
  }

  get leafKey(): string {
    return this.leafKeyPem;
  }

  private mintLeaf(host: string, now: Date): LeafCertificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.leafPublic;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
    cert.validity.notAfter = new Date(now.getTime() + (this.opts.leafValidityDays ?? 90) * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: host.slice(0, 64) }]);
    cert.setIssuer(this.forgeCert.subject.attributes);
    const ipKind = isIP(host);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [ipKind ? { type: 7, ip: host } : { type: 2, value: host }] },
      { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(this.forgeCert) },
    ]);
    cert.sign(this.forgeKey, forge.md.sha256.create());
    return {
      certPem: forge.pki.certificateToPem(cert),
      keyPem: this.leafKeyPem,
      notAfter: cert.validity.notAfter,
      cached: false,
    };
  }
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // positive INTEGER
  return b.toString('hex');
}

function authorityKeyId(ca: forge.pki.Certificate): string {
  const ext = ca.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ext?.subjectKeyIdentifier) return forge.util.hexToBytes(ext.subjectKeyIdentifier);
  return forge.pki.getPublicKeyFingerprint(ca.publicKey, { type: 'RSAPublicKey' }).getBytes();
}

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees } with dNSName bases. */
function nameConstraintsAsn1(hosts: readonly string[]): forge.asn1.Asn1 {
  const a = forge.asn1;
  const subtrees = hosts.map((h) =>
    a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [a.create(a.Class.CONTEXT_SPECIFIC, 2, false, h)]),
  );
  return a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [a.create(a.Class.CONTEXT_SPECIFIC, 0, true, subtrees)]);
}

async function createCaFiles(opts: CaOptions, now: Date, constraints: string[]) {
  const kp = await generateKeyPairAsync('rsa', {
    modulusLength: 3072,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(kp.privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  const until = new Date(now.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + (opts.validityYears ?? 5));
  cert.validity.notAfter = until;
  // A per-install suffix, so two installs' CAs are told apart in trust stores.
  const suffix = createHash('sha256').update(randomBytes(16)).digest('hex').slice(0, 8);
  const attrs = [
    { name: 'commonName', value: `${opts.commonName ?? DEFAULT_CN} ${suffix}` },
    { name: 'organizationName', value: 'MapiScope' },
    { shortName: 'OU', value: 'Local interception CA - do not share' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const exts: unknown[] = [
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (constraints.length > 0) exts.push({ id: '2.5.29.30', critical: true, value: nameConstraintsAsn1(constraints) });
  cert.setExtensions(exts as forge.pki.CertificateField[]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: kp.privateKey, publicPem: kp.publicKey };
}

/** How to trust (and later remove) the CA on each desktop OS; `certPath` is the PEM file. */
export function trustInstructions(certPath: string, platform: NodeJS.Platform | 'all' = process.platform): string {
  const der = certPath.replace(/\.pem$/, '.cer');
  const win = [
    'Windows (current user only, no admin rights needed):',
    `  mapiscope ca export --der --out "${der}"`,
    `  certutil -user -addstore Root "${der}"`,
    '  (or double-click the .cer file > Install Certificate > Current User > "Trusted Root Certification Authorities")',
    '  Remove later: certutil -user -delstore Root "<CA common name>"',
  ];
  const mac = [
    'macOS (login keychain):',
    `  security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "${certPath}"`,
    '  Remove later: security delete-certificate -c "<CA common name>" ~/Library/Keychains/login.keychain-db',
  ];
  const linux = [
    'Linux (system store, Debian/Ubuntu):',
    `  sudo cp "${certPath}" /usr/local/share/ca-certificates/mapiscope-ca.crt && sudo update-ca-certificates`,
    'Linux (Fedora/RHEL): sudo cp the PEM to /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust',
    'Chromium/Firefox NSS db (per user):',
    `  certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n mapiscope-ca -i "${certPath}"`,
    '  Remove later: certutil -d sql:$HOME/.pki/nssdb -D -n mapiscope-ca',
  ];
  const note = [
    'Outlook uses the Windows store: trust the CA for the current user only and remove it when done.',
    'The private key stays in the CA folder (mode 0600); never copy it to another machine.',
  ];
  const parts: string[][] = [];
  if (platform === 'win32' || platform === 'all') parts.push(win);
  if (platform === 'darwin' || platform === 'all') parts.push(mac);
  if (platform === 'linux' || platform === 'all' || (platform !== 'win32' && platform !== 'darwin')) parts.push(linux);
  parts.push(note);
  return parts.map((p) => p.join('\n')).join('\n\n') + '\n';
}

/** Takes group/other permissions off a key file or folder that has them (best effort: not ours to chmod → left as is). */
async function tighten(file: string, mode: number): Promise<void> {
  try {
    if (((await stat(file)).mode & 0o777) !== mode) await chmod(file, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EROFS' && code !== 'ENOENT') throw e;
  }
}

/** Size and mode of the CA key file (for status checks and tests). */
export async function keyFileMode(dir: string): Promise<number> {
  return (await stat(CertificateAuthority.paths(dir).key)).mode & 0o777;
}

/** Default CA directory under an app data root (Electron passes app.getPath('userData')). */
export function defaultCaDir(appDataDir: string): string {
  return path.join(appDataDir, 'ca');
}
