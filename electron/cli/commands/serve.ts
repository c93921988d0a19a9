import { type Command, optInt, optString } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the headless backend and serve the UI on 127.0.0.1',
  usage: ['serve [--port N] [--token T]'],
  options: [
    { name: 'port', alias: 'p', value: 'N', description: 'port for the UI and API (default: a free port)' },
    { name: 'token', value: 'T', description: 'API token (default: random per run)' },
    { name: 'data-dir', value: 'DIR', description: 'folder for the CA and settings (default: ~/.mapiscope)' },
  ],
  details: 'Prints the UI URL (with the per-run token in its fragment). Stops on Ctrl-C.',
  async run(args, io) {
    const port = optInt(args, 'port', 0, 65535);
    const token = optString(args, 'token');
    const dataDir = optString(args, 'data-dir');
    // Loaded on use so that `mapiscope --help` stays fast.
    const { Backend, defaultRendererDir } = await import('../../backend/backend.js');
    const { defaultServices } = await import('../../backend/services.js');
    const rendererDir = defaultRendererDir();
    const backend = await Backend.start({
      ...(port !== undefined ? { port } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(rendererDir ? { rendererDir } : {}),
      ...(dataDir ? { dataDir } : {}),
      services: defaultServices({ ...(dataDir ? { dataDir } : {}) }),
    });
    if (!rendererDir)
      io.stderr('note: the renderer is not built; run `npm run build:web` to get the UI (the API works).\n');
    if (io.json)
      io.stdout(JSON.stringify({ url: backend.api.uiUrl, port: backend.api.port, token: backend.api.token }) + '\n');
    else io.stdout(`MapiScope UI: ${backend.api.uiUrl}\n`);
    io.stderr(`listening on 127.0.0.1:${backend.api.port}; Ctrl-C stops\n`);
    await io.stopSignal;
    io.stderr('stopping…\n');
    await backend.stop();
    return 0;
  },
};
