import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority, keyFileMode, trustInstructions } from '../../../electron/backend/ca/ca.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'msca-t-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Serves `leaf` on 127.0.0.1:0 and connects a TLS client that trusts only `caPem`. */
async function handshake(
  leaf: { certPem: string; keyPem: string },
  caPem: string,
  servername: string,
): Promise<string> {
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    return await new Promise<string>((resolve) => {
      const c = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername }, () => {
        c.end();
        resolve('trusted');
      });
      c.on('error', (e: NodeJS.ErrnoException) => resolve(`${e.code ?? ''}: ${e.message}`));
      c.setTimeout(5000, () => resolve('timeout'));
    });
  } finally {
    server.close();
  }
}

describe('CertificateAuthority', () => {
  it('is generated once into its directory (key 0600, own name, multi-year) and reused afterwards', async () => {
    const dir = path.join(root, 'a');
    const ca = await CertificateAuthority.loadOrCreate(dir);
    const st = ca.status();
    expect(st.created).toBe(true);
    expect(st.subject).toMatch(/CN=MapiScope Interception CA [0-9a-f]{8}/);
    const years = (Date.parse(st.notAfter) - Date.parse(st.notBefore)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(4.9);
    expect(years).toBeLessThan(5.1);
    if (process.platform !== 'win32') expect(await keyFileMode(dir)).toBe(0o600);
    const again = await CertificateAuthority.loadOrCreate(dir);
    expect(again.status().created).toBe(false);
    expect(again.status().fingerprint256).toBe(st.fingerprint256);
    // PEM and DER exports are the same certificate.
    const der = ca.exportDer();
    expect(new X509Certificate(der).fingerprint256).toBe(st.fingerprint256);
    expect(ca.exportPem()).toBe(await readFile(path.join(dir, 'certs', 'ca.pem'), 'utf8'));
    expect(new X509Certificate(ca.exportPem()).ca).toBe(true);
  });

  it('mints leaves for DNS names and IPs that a client trusting only the CA accepts, cached on disk', async () => {
    const ca = await CertificateAuthority.loadOrCreate(path.join(root, 'b'));
    const leaf = await ca.leafFor('127.0.0.1');
    expect(leaf.cached).toBe(false);
    const x = new X509Certificate(leaf.certPem);
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(x.checkIssued(new X509Certificate(ca.exportPem()))).toBe(true);
    const dns = await ca.leafFor('mail.contoso.com');
    expect(new X509Certificate(dns.certPem).subjectAltName).toBe('DNS:mail.contoso.com');
    expect(await handshake(dns, ca.exportPem(), 'mail.contoso.com')).toBe('trusted');
    expect((await ca.leafFor('mail.contoso.com')).cached).toBe(true);
    // A fresh instance (new process) reuses the file.
    const ca2 = await CertificateAuthority.loadOrCreate(path.join(root, 'b'));
    const again = await ca2.leafFor('mail.contoso.com');
    expect(again.cached).toBe(true);
    expect(again.certPem).toBe(dns.certPem);
  });

  it('re-mints a cached leaf that is close to expiry or was issued by another CA', async () => {
    const dir = path.join(root, 'c');
    const ca = await CertificateAuthority.loadOrCreate(dir, { leafValidityDays: 10, leafRenewDays: 7 });
    const first = await ca.leafFor('outlook.office365.com');
    // 5 days later the 10-day leaf has fewer than 7 days left: a new one is minted.
    const later = await CertificateAuthority.loadOrCreate(dir, {
      leafValidityDays: 10,
      leafRenewDays: 7,
      now: () => new Date(Date.now() + 5 * 86_400_000),
    });
    const second = await later.leafFor('outlook.office365.com');
    expect(second.cached).toBe(false);
    expect(second.certPem).not.toBe(first.certPem);
    // A leaf signed by another CA in the cache file is not served.
    const other = await CertificateAuthority.loadOrCreate(path.join(root, 'c-other'));
    const foreign = await other.leafFor('outlook.office365.com');
    await writeFile(ca.leafPath('outlook.office365.com'), foreign.certPem);
    const fresh = await CertificateAuthority.loadOrCreate(dir);
    const third = await fresh.leafFor('outlook.office365.com');
    expect(third.cached).toBe(false);
    expect(new X509Certificate(third.certPem).checkIssued(new X509Certificate(fresh.exportPem()))).toBe(true);
  });

  it('name constraints: leaves inside the permitted subtrees verify, others are rejected by the client', async () => {
    const ca = await CertificateAuthority.loadOrCreate(path.join(root, 'd'), {
      nameConstraints: ['contoso.com', 'outlook.office365.com'],
    });
    expect(ca.status().nameConstraints).toEqual(['contoso.com', 'outlook.office365.com']);
    const text = execFileSync('openssl', ['x509', '-noout', '-text'], {
      input: ca.exportPem(),
      timeout: 10_000,
    }).toString();
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:contoso\.com\s+DNS:outlook\.office365\.com/,
    );
    expect(await handshake(await ca.leafFor('mail.contoso.com'), ca.exportPem(), 'mail.contoso.com')).toBe('trusted');
    const verdict = await handshake(await ca.leafFor('evil.example'), ca.exportPem(), 'evil.example');
    expect(verdict).not.toBe('trusted');
    expect(verdict).toMatch(/permitted subtree violation/i);
  });

  it('replaces an expired CA and keeps the old certificate aside', async () => {
    const dir = path.join(root, 'e');
    const old = await CertificateAuthority.loadOrCreate(dir, { validityYears: 1 });
    const future = () => new Date(Date.now() + 2 * 365 * 86_400_000);
    const renewed = await CertificateAuthority.loadOrCreate(dir, { now: future });
    expect(renewed.status().created).toBe(true);
    expect(renewed.status().fingerprint256).not.toBe(old.status().fingerprint256);
    const certs = await readdir(path.join(dir, 'certs'));
    expect(certs.some((n) => n.startsWith('ca-expired-'))).toBe(true);
  });

  it('trust instructions name the file and the per-OS commands', () => {
    const t = trustInstructions('/data/ca/certs/ca.pem', 'all');
    expect(t).toContain('certutil -user -addstore Root "/data/ca/certs/ca.cer"');
    expect(t).toContain(
      'security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "/data/ca/certs/ca.pem"',
    );
    expect(t).toContain('update-ca-certificates');
    expect(trustInstructions('/x.pem', 'win32')).not.toContain('security add-trusted-cert');
  });
});
