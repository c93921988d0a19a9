/** `ca trust --store nss` / `ca untrust` against a fresh NSS database with Debian's certutil. */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ScratchDesktop, scratchDesktopPerTest } from './linux-env.js';

let d: ScratchDesktop;
scratchDesktopPerTest((desktop) => (d = desktop));

const list = (db: string) => execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });

describe('ca trust in an NSS database', () => {
  it('adds exactly our CA (trusted for SSL) to a fresh db, status finds it by fingerprint, untrust removes only it', async () => {
    const db = path.join(d.root, 'nssdb');
    const trust = await d.cli('ca', 'trust', '--store', 'nss', '--nssdb', db);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toBe(`trusted in NSS database ${db}\n`);
    const pem = execFileSync('cat', [path.join(d.dataDir, 'ca', 'certs', 'ca.pem')], { encoding: 'utf8' });
    const ours = new X509Certificate(pem);
    const cn = /CN=([^\n]*)/.exec(ours.subject)![1]!;
    expect(list(db)).toMatch(new RegExp(`${cn.replace(/ /g, ' ')}\\s+C,,`));
    const exported = execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-n', cn, '-a'], { encoding: 'utf8' });
    expect(new X509Certificate(exported).fingerprint256).toBe(ours.fingerprint256);

    // Another CA in the same db, which untrust must leave alone.
    const otherFile = path.join(d.root, 'other.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(d.root, 'other.key'),
        '-out',
        otherFile,
        '-days',
        '2',
        '-subj',
        '/CN=Other Corp Root',
      ],
      { stdio: 'ignore' },
    );
    execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', 'Other Corp Root', '-i', otherFile]);

    const st = JSON.parse((await d.cli('ca', 'status', '--json', '--nssdb', db)).stdout) as {
      fingerprint256: string;
      trust: { store: string; trusted: boolean }[];
    };
    expect(st.fingerprint256).toBe(ours.fingerprint256);
    expect(st.trust.find((t) => t.store === 'nss')).toMatchObject({ trusted: true });

    expect((await d.cli('ca', 'trust', '--store', 'nss', '--nssdb', db)).stdout).toBe(
      `already trusted in NSS database ${db}\n`,
    );
    const untrust = await d.cli('ca', 'untrust', '--store', 'nss', '--nssdb', db);
    expect(untrust.code, untrust.stderr).toBe(0);
    expect(untrust.stdout).toBe(`removed from NSS database ${db}\n`);
    const after = list(db);
    expect(after).not.toContain(cn);
    expect(after).toContain('Other Corp Root');
    const st2 = JSON.parse((await d.cli('ca', 'status', '--json', '--nssdb', db)).stdout) as {
      trust: { store: string; trusted: boolean }[];
    };
    expect(st2.trust.find((t) => t.store === 'nss')).toMatchObject({ trusted: false });
  });

  it('refuses the system store without root, and --store nss with another OS store name', async () => {
    if (process.getuid?.() === 0) {
      // As root the system store would really change: only the usage checks run here.
      const bad = await d.cli('ca', 'trust', '--store', 'user', '--nssdb', path.join(d.root, 'x'));
      expect(bad.code).toBe(2);
      return;
    }
    const sys = await d.cli('ca', 'trust', '--store', 'system');
    expect(sys.code).toBe(1);
    expect(sys.stderr).toContain('needs administrator rights');
  });

  it('the default user store on Linux is ~/.pki/nssdb of HOME', async () => {
    await mkdir(path.join(d.home, '.pki'), { recursive: true });
    const r = await d.cli('ca', 'trust');
    expect(r.stdout).toBe(`trusted in NSS database ${path.join(d.home, '.pki', 'nssdb')}\n`);
    expect((await d.cli('ca', 'untrust')).stdout).toBe(
      `removed from NSS database ${path.join(d.home, '.pki', 'nssdb')}\n`,
    );
  });
});
