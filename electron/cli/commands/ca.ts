import { writeFile } from 'node:fs/promises';
import { type Command, UsageError, optFlag, optString } from '../command.js';

export const caCommand: Command = {
  name: 'ca',
  summary: 'the interception CA: export it, show where it is, how to trust it',
  usage: [
    'ca export --pem|--der [--out FILE]',
    'ca path',
    'ca status',
    'ca trust-help [--platform win32|darwin|linux|all]',
  ],
  options: [
    { name: 'pem', description: 'export as PEM (text)' },
    { name: 'der', description: 'export as DER (binary .cer, what Windows double-click installs)' },
    { name: 'out', alias: 'o', value: 'FILE', description: 'write to FILE instead of stdout' },
    { name: 'ca-dir', value: 'DIR', description: 'CA folder (default <data-dir>/ca)' },
    { name: 'data-dir', value: 'DIR', description: 'data folder (default ~/.mapiscope or $MAPISCOPE_DATA_DIR)' },
    { name: 'platform', value: 'OS', description: 'trust-help for another OS (win32, darwin, linux, all)' },
  ],
  details:
    'The CA is generated on first use (key file mode 0600) and reused afterwards. Trust it only for the current user and remove it when done.',
  async run(args, io) {
    const sub = args.positionals[0];
    if (!sub) throw new UsageError('missing subcommand: export, path, status or trust-help');
    const caDir = optString(args, 'ca-dir');
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
          process.stdout.write(data as Buffer);
        } else io.stdout(data as string);
        return 0;
      }
      case 'path': {
        const st = await svc.caStatus();
        if (io.json) io.stdout(JSON.stringify({ dir: st.dir, certPath: st.certPath }) + '\n');
        else io.stdout(`${st.certPath}\n`);
        return 0;
      }
      case 'status': {
        const st = await svc.caStatus();
        if (io.json) io.stdout(JSON.stringify(st) + '\n');
        else {
          io.stdout(
            [
              `certificate: ${st.certPath}`,
              `subject:     ${st.subject.replace(/\n/g, ', ')}`,
              `valid:       ${st.notBefore} … ${st.notAfter}${st.expired ? ' (EXPIRED)' : ''}`,
              `sha256:      ${st.fingerprint256}`,
              `constraints: ${st.nameConstraints.length ? st.nameConstraints.join(', ') : 'none'}`,
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
