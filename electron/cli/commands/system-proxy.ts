import { CliFailure, type Command, UsageError, optFlag, optInt, optString } from '../command.js';

export const systemProxyCommand: Command = {
  name: 'system-proxy',
  summary: "route this machine's Outlook traffic through MapiScope, and put the settings back",
  usage: [
    'system-proxy on [--port P] [--hosts mail.contoso.com,autodiscover.contoso.com] [--all]',
    'system-proxy off',
    'system-proxy status [--json]',
  ],
  options: [
    { name: 'port', alias: 'p', value: 'P', description: 'port of the capturing proxy on 127.0.0.1 (default 8888)' },
    {
      name: 'hosts',
      value: 'LIST',
      repeat: true,
      description: 'Exchange hosts to route (comma-separated, * patterns allowed); Autodiscover names always are',
    },
    { name: 'all', description: 'route all traffic (manual proxy settings) instead of the PAC script' },
    { name: 'data-dir', value: 'DIR', description: 'data folder (default ~/.mapiscope or $MAPISCOPE_DATA_DIR)' },
  ],
  details: [
    'By default clients get a PAC script served by the capturing proxy itself',
    '(http://127.0.0.1:P/mapiscope.pac): the Exchange hosts go through MapiScope, everything else goes',
    'direct, and when no capture runs the script is unreachable, so clients go direct. --all sets the',
    'manual proxy instead (everything goes to 127.0.0.1:P, so keep a capture running).',
    '',
    "Windows: the current user's Internet Settings (what Outlook uses); macOS: every enabled network",
    'service (networksetup); Linux: GNOME (gsettings) and KDE (kioslaverc) where present.',
    'The previous settings are kept in <data-dir>/system-proxy.json until `off` puts them back; settings',
    'someone else changed meanwhile are left as they are and reported.',
    '',
    'Examples:',
    '  mapiscope capture --port 8888 --out outlook.mscap      # in one terminal',
    '  mapiscope system-proxy on --hosts mail.contoso.com      # in another; `off` when done',
    '  mapiscope capture --system-proxy --hosts mail.contoso.com   # both in one, restored on stop',
  ].join('\n'),
  async run(args, io) {
    const sub = args.positionals[0];
    if (!sub) throw new UsageError('missing subcommand: on, off or status');
    const dataDir = optString(args, 'data-dir');
    const { defaultDataDir } = await import('../../backend/capture-service.js');
    const { SystemProxy, SystemProxyError, restoreSummary } = await import('../../backend/system-proxy/controller.js');
    const { describeTarget } = await import('../../backend/system-proxy/settings.js');
    const { routeTarget, parseHostsOption, environmentHint } = await import('../../backend/system-proxy/routing.js');
    const sp = new SystemProxy({ dataDir: dataDir ?? defaultDataDir() });
    switch (sub) {
      case 'on': {
        const port = optInt(args, 'port', 1, 65535) ?? 8888;
        const all = optFlag(args, 'all');
        const hosts = parseHostsOption(args.options.hosts);
        if (all && hosts.length) throw new UsageError('--hosts is for the PAC script; --all routes everything');
        const target = routeTarget({ port, all, hosts });
        try {
          const { journal, replaced } = await sp.on(
            target,
            { kind: 'persistent', pid: process.pid, command: 'mapiscope system-proxy on' },
            hosts,
          );
          if (replaced?.journal) io.stderr(`${restoreSummary(replaced, 'replacing the earlier routing')}\n`);
          if (io.json) io.stdout(JSON.stringify((await sp.status()) satisfies object) + '\n');
          else {
            io.stdout(`routing ${describeTarget(journal.target, journal.previousFrom)}\n`);
            for (const s of journal.stores) io.stdout(`  set: ${s.label}\n`);
          }
          io.stderr(`${environmentHint(port)}\n`);
          if (!(await listening(port)))
            io.stderr(
              `note: nothing listens on 127.0.0.1:${port} yet; start \`mapiscope capture --port ${port}\` (or the app)${all ? ': until then clients cannot connect' : ': until then clients go direct'}\n`,
            );
          io.stderr('undo with: mapiscope system-proxy off\n');
          return 0;
        } catch (e) {
          if (e instanceof SystemProxyError) throw new CliFailure(e.message);
          throw e;
        }
      }
      case 'off': {
        const r = await sp.off();
        if (io.json) io.stdout(JSON.stringify(r) + '\n');
        else if (!r.journal) io.stdout('nothing to restore: MapiScope has not changed the proxy settings\n');
        else io.stdout(`${restoreSummary(r, 'system-proxy off')}\n`);
        return r.failed.length ? 1 : 0;
      }
      case 'status': {
        const st = await sp.status();
        if (io.json) {
          io.stdout(JSON.stringify(st) + '\n');
          return 0;
        }
        const j = st.journal;
        const lines: string[] = [];
        if (!j) lines.push('MapiScope is not routing this machine (no restore journal).');
        else {
          lines.push(
            `MapiScope routes ${describeTarget(j.target, j.previousFrom)}, set by ${j.owner.command} (pid ${j.owner.pid}) at ${j.at}${
              j.ownerRunning ? '' : ' — that process is gone'
            }`,
          );
          lines.push(
            st.ours
              ? "The current settings are MapiScope's."
              : st.changedByOthers.length
                ? `Someone else changed ${st.changedByOthers.map((c) => `${c.store} ${c.key}`).join(', ')} since; \`off\` leaves those as they are.`
                : "The current settings are not MapiScope's any more.",
          );
          if (j.hosts.length) lines.push(`Hosts given: ${j.hosts.join(', ')}`);
        }
        for (const s of st.stores) lines.push(`  ${s.label}: ${s.routing}`);
        if (st.stores.length === 0) lines.push('  (no proxy settings found on this system)');
        io.stdout(lines.join('\n') + '\n');
        return 0;
      }
      default:
        throw new UsageError(`unknown system-proxy subcommand "${sub}"`);
    }
  },
};

/** True when something accepts connections on 127.0.0.1:port. */
async function listening(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
