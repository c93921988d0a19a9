import { existsSync } from 'node:fs';
import { CliFailure, type Command, UsageError, optFlag, optInt, optString } from '../command.js';

function optList(v: string | string[] | boolean | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  return Array.isArray(v) ? v : [v];
}

/** "127.0.0.1:8888", "8888", "[::1]:8888" → host and port. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]+)):)?(\d+)$/.exec(s.trim());
  if (!m) throw new UsageError(`--listen expects HOST:PORT, got "${s}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--listen port out of range: ${port}`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export const captureCommand: Command = {
  name: 'capture',
  summary: 'run the capturing proxy headless and write a capture file',
  usage: [
    'capture [--port N | --listen HOST:PORT] [--reverse URL] [--out FILE] [--ca-dir DIR]',
    'capture --system-proxy [--hosts mail.contoso.com,…] [--all] [--port N] [--out FILE]',
  ],
  options: [
    { name: 'port', alias: 'p', value: 'N', description: 'listen port on 127.0.0.1 (default 8888; 0 = any free port)' },
    {
      name: 'listen',
      value: 'HOST:PORT',
      description: 'listen address (only give another host than 127.0.0.1 on purpose)',
    },
    { name: 'reverse', value: 'URL', description: 'reverse proxy to http(s)://host:port instead of a forward proxy' },
    {
      name: 'out',
      alias: 'o',
      value: 'FILE',
      description: 'capture file (appended to if it exists; default under the data dir)',
    },
    { name: 'ca-dir', value: 'DIR', description: 'CA folder (default <data-dir>/ca)' },
    { name: 'data-dir', value: 'DIR', description: 'data folder (default ~/.mapiscope or $MAPISCOPE_DATA_DIR)' },
    {
      name: 'trust-host',
      value: 'HOST:PORT',
      repeat: true,
      description: 'accept this upstream\'s certificate problems ("trust anyway")',
    },
    { name: 'upstream-ca', value: 'PEM', repeat: true, description: 'extra CA file to verify upstream servers with' },
    { name: 'quiet', alias: 'q', description: 'no per-exchange lines on stderr' },
    {
      name: 'system-proxy',
      description: "route this machine's Outlook traffic here while capturing (restored when it stops)",
    },
    {
      name: 'hosts',
      value: 'LIST',
      repeat: true,
      description: 'with --system-proxy: Exchange hosts the PAC routes (Autodiscover names and learned hosts always)',
    },
    { name: 'all', description: 'with --system-proxy: route all traffic (manual proxy) instead of the PAC' },
  ],
  details: [
    'Prints where it listens and where the CA is, then one line per completed exchange on stderr.',
    'Ctrl-C (SIGINT) or SIGTERM stops: exchanges in flight are written as aborted and the file is closed.',
    'With --json, prints {file, exchanges, listen} on stdout when it stops.',
    'The proxy also serves a PAC script at http://127.0.0.1:<port>/mapiscope.pac (see `mapiscope system-proxy`).',
    '',
    'Examples:',
    '  mapiscope capture --port 8888 --out outlook.mscap',
    '  mapiscope capture --reverse https://mail.contoso.com:443 --port 8443',
    '  mapiscope capture --system-proxy --hosts mail.contoso.com --out outlook.mscap',
  ].join('\n'),
  async run(args, io) {
    const port = optInt(args, 'port', 0, 65535);
    const listen = optString(args, 'listen');
    if (port !== undefined && listen) throw new UsageError('give --port or --listen, not both');
    const addr = listen ? parseListen(listen) : { host: '127.0.0.1', port: port ?? 8888 };
    const reverse = optString(args, 'reverse');
    if (reverse && !/^https?:\/\/[^/]+/i.test(reverse))
      throw new UsageError(`--reverse expects http(s)://host:port, got "${reverse}"`);
    const out = optString(args, 'out');
    const caDir = optString(args, 'ca-dir');
    const dataDir = optString(args, 'data-dir');
    const quiet = optFlag(args, 'quiet');
    const upstreamCaFiles = optList(args.options['upstream-ca']);
    for (const f of upstreamCaFiles) if (!existsSync(f)) throw new UsageError(`--upstream-ca: no such file ${f}`);
    const systemProxy = optFlag(args, 'system-proxy');
    const all = optFlag(args, 'all');
    const { parseHostsOption, routeTarget, environmentHint } = await import('../../backend/system-proxy/routing.js');
    const hosts = parseHostsOption(args.options.hosts);
    if ((all || hosts.length) && !systemProxy) throw new UsageError('--hosts and --all go with --system-proxy');
    if (systemProxy && reverse) throw new UsageError('--system-proxy routes to a forward proxy; leave out --reverse');
    if (all && hosts.length) throw new UsageError('--hosts is for the PAC script; --all routes everything');

    const { CaptureService, readPemFiles } = await import('../../backend/capture-service.js');
    const log =
      (level: string) =>
      (...a: unknown[]) => {
        if (level === 'error' || level === 'warn')
          io.stderr(`[proxy ${level}] ${a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')}\n`);
      };
    const svc = new CaptureService({
      ...(dataDir ? { dataDir } : {}),
      ...(caDir ? { caDir } : {}),
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    });
    let st;
    try {
      st = await svc.start({
        host: addr.host,
        port: addr.port,
        ...(reverse ? { reverse } : {}),
        ...(out ? { out } : {}),
        trustedHosts: optList(args.options['trust-host']),
        upstreamCa: await readPemFiles(upstreamCaFiles),
        routeHosts: hosts,
      });
    } catch (e) {
      throw new CliFailure(`cannot start capture: ${(e as Error).message}`);
    }
    const { SystemProxy, restoreSummary } = await import('../../backend/system-proxy/controller.js');
    const { describeTarget } = await import('../../backend/system-proxy/settings.js');
    const sp = systemProxy ? new SystemProxy({ dataDir: svc.dataDir }) : undefined;
    if (sp) {
      let journal: Awaited<ReturnType<typeof sp.on>>['journal'];
      try {
        // The journal's target: a PAC URL also names the proxy or script the other hosts keep using.
        ({ journal } = await sp.on(
          routeTarget({ port: st.port!, all, hosts }),
          { kind: 'process', pid: process.pid, command: 'mapiscope capture' },
          hosts,
        ));
      } catch (e) {
        await svc.stop();
        throw new CliFailure(`cannot route through MapiScope: ${(e as Error).message}`);
      }
      io.stderr(`routing ${describeTarget(journal.target, journal.previousFrom)}; restored when the capture stops\n`);
      io.stderr(`${environmentHint(st.port!)}\n`);
    }
    io.stderr(`${st.mode} proxy listening on ${st.host}:${st.port}${reverse ? ` → ${reverse}` : ''}\n`);
    if (st.caPath) io.stderr(`CA certificate: ${st.caPath}  (mapiscope ca trust-help)\n`);
    io.stderr(`writing ${st.file}\n`);
    if (st.tornTail)
      io.stderr(
        `note: the file ended in a torn record (${st.tornTail.bytes} bytes at ${st.tornTail.offset}); moved to ${st.tornTail.savedTo}\n`,
      );
    io.stderr('Ctrl-C stops\n');
    // One line per exchange, written once per turn of the event loop (one write for a burst).
    let lines = '';
    const flushLines = () => {
      if (lines) io.stderr(lines);
      lines = '';
    };
    svc.on('exchange', (ex, s) => {
      if (quiet) return;
      const status = s.status ?? '---';
      const dur = s.durationMs !== undefined ? `${Math.round(s.durationMs)}ms` : '';
      const rt = s.requestType ? ` ${s.requestType}` : '';
      const ab = ex.aborted ? ` ABORTED ${ex.aborted.kind}: ${ex.aborted.message}` : '';
      if (!lines) setImmediate(flushLines);
      lines += `#${ex.id} c${ex.connectionId} ${ex.request.method} ${ex.origin ?? ''}${ex.request.url.startsWith('/') ? ex.request.url : ''}${rt} → ${status} ${s.responseBytes}B ${dur}${ab}\n`;
    });
    svc.on('untrusted-certificate', (e) =>
      io.stderr(
        `upstream certificate of ${e.host} is not trusted (${e.error}); restart with --trust-host ${e.host} to trust it anyway\n`,
      ),
    );
    svc.on('state', (s) => {
      if (s.error) io.stderr(`capture error: ${s.error}\n`);
    });
    await io.stopSignal;
    io.stderr('stopping…\n');
    if (sp) io.stderr(`${restoreSummary(await sp.off(), 'capture stopped')}\n`);
    const fin = await svc.stop();
    flushLines();
    io.stderr(`${fin.exchanges} exchange(s) written to ${fin.file}\n`);
    if (io.json)
      io.stdout(
        JSON.stringify({ file: fin.file, exchanges: fin.exchanges, listen: `${st.host}:${st.port}`, mode: st.mode }) +
          '\n',
      );
    return fin.error ? 1 : 0;
  },
};
