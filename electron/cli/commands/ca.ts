import { writeFile } from 'node:fs/promises';
import { CliFailure, type Command, UsageError, optFlag, optString } from '../command.js';

export const caCommand: Command = {
  name: 'ca',
  summary: 'the interception CA: export it, show where it is, how to trust it',
  usage: [
    'ca export --pem|--der [--out FILE]',
    'ca path',
    'ca status',
    'ca trust [--store user|nss|system] [--nssdb DIR]',
    'ca untrust [--store user|nss|system] [--nssdb DIR]',
    'ca trust-help [--platform win32|darwin|linux|all]',
  ],
  options: [
    { name: 'pem', description: 'export as PEM (text)' },
    { name: 'der', description: 'export as DER (binary .cer, what Windows double-click installs)' },
    { name: 'out', alias: 'o', value: 'FILE', description: 'write to FILE instead of stdout' },
    { name: 'ca-dir', value: 'DIR', description: 'CA folder (default <data-dir>/ca)' },
    { name: 'data-dir', value: 'DIR', description: 'data folder (default ~/.mapiscope or $MAPISCOPE_DATA_DIR)' },
    { name: 'platform', value: 'OS', description: 'trust-help for another OS (win32, darwin, linux, all)' },
    {
      name: 'store',
      value: 'STORE',
      description:
        'user (default: Windows CurrentUser Root, macOS login keychain, Linux NSS db), nss, or system (as root)',
    },
    { name: 'nssdb', value: 'DIR', description: 'NSS database folder for --store nss (default ~/.pki/nssdb)' },
  ],
  details: [
    'The CA is generated on first use (key file mode 0600) and reused afterwards. Trust it only for the current user and remove it when done.',
    '`ca trust` adds it (Windows asks for confirmation); `ca untrust` removes exactly this certificate, found by its',
    'fingerprint, from the given store or from every store that holds it; `ca status` says which stores hold it.',
  ].join('\n'),
  async run(args, io) {
    const sub = args.positionals[0];
    if (!sub) throw new UsageError('missing subcommand: export, path, status, trust, untrust or trust-help');
    const caDir = optString(args, 'ca-dir');
    const nssdb = optString(args, 'nssdb');
    const storeOpt = optString(args, 'store');
    if (storeOpt && !['user', 'nss', 'system'].includes(storeOpt))
      throw new UsageError(`--store expects user, nss or system, got "${storeOpt}"`);
    const store = storeOpt as 'user' | 'nss' | 'system' | undefined;
    if (nssdb && store && store !== 'nss') throw new UsageError('--nssdb goes with --store nss');
    const dataDir = optString(args, 'data-dir');
    const { CaptureService } = await import('../../backend/capture-service.js');
    const svc = new CaptureService({ ...(dataDir ? { dataDir } : {}), ...(caDir ? { caDir } : {}) });
    switch (sub) {
      case 'export': {
        const pem = optFlag(args, 'pem');
        const der = optFlag(args, 'der');
        if (pem === der) throw new UsageError('ca export needs exactly one of --pem or --der');
        const out = optString(args, 'out') ?? args.positionals[1];
        const data = await svc.exportCa(der ? 'der' : 'pem');
        if (out) {
          await writeFile(out, data);
          io.stderr(`wrote ${der ? 'DER' : 'PEM'} CA certificate to ${out}\n`);
        } else if (der) {
          if (process.stdout.isTTY) throw new UsageError('refusing to write binary DER to a terminal; use --out FILE');
          process.stdout.write(data);
        } else io.stdout(data as string);
        return 0;
      }
      case 'path': {
        const st = await svc.caStatus();
        if (io.json) io.stdout(JSON.stringify({ dir: st.dir, certPath: st.certPath }) + '\n');
        else io.stdout(`${st.certPath}\n`);
        return 0;
      }
      case 'trust':
      case 'untrust': {
        const trust = await svc.caTrust(nssdb ? { nssDb: nssdb } : {});
        try {
          if (sub === 'trust') io.stdout(`${await trust.trust(store ?? 'user')}\n`);
          else {
            const done = await trust.untrust(store);
            io.stdout(done.length ? done.join('\n') + '\n' : 'the MapiScope CA is not in any trust store\n');
          }
        } catch (e) {
          throw new CliFailure((e as Error).message);
        }
        return 0;
      }
      case 'status': {
        const st = await svc.caStatus();
        const trusted = await (await svc.caTrust(nssdb ? { nssDb: nssdb } : {})).status();
        if (io.json) io.stdout(JSON.stringify({ ...st, trust: trusted }) + '\n');
        else {
          io.stdout(
            [
              `certificate: ${st.certPath}`,
              `subject:     ${st.subject.replace(/\n/g, ', ')}`,
              `valid:       ${st.notBefore} … ${st.notAfter}${st.expired ? ' (EXPIRED)' : ''}`,
              `sha256:      ${st.fingerprint256}`,
              `constraints: ${st.nameConstraints.length ? st.nameConstraints.join(', ') : 'none'}`,
              ...trusted.map(
                (t) =>
                  `trusted in ${t.label}: ${t.trusted ? 'yes' : 'no'}${t.error ? ` (could not check: ${t.error})` : ''}`,
              ),
            ].join('\n') + '\n',
          );
        }
        return 0;
      }
      case 'trust-help': {
        const p = optString(args, 'platform');
        if (p && !['win32', 'darwin', 'linux', 'all'].includes(p))
          throw new UsageError(`--platform expects win32, darwin, linux or all, got "${p}"`);
        io.stdout(await svc.trustInstructions((p as NodeJS.Platform | 'all' | undefined) ?? undefined));
        return 0;
      }
      default:
        throw new UsageError(`unknown ca subcommand "${sub}"`);
    }
  },
};
