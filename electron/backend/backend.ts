/**
 * The headless backend: owns every Node-side service (workspace, capture,
 * simulator, replay) behind one RPC registry and one event bus, and serves
 * them over the local API. Electron's main process runs the same Backend
 * in-process and bridges it over IPC.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendStatus, CaptureState } from '../../shared/api/contract.js';
import { exchangeToDto } from '../../shared/api/dto.js';
import { EventBus } from './event-bus.js';
import { ApiError, RpcRegistry } from './rpc.js';
import { ApiServer } from './server.js';
import { VERSION } from './version.js';
import { Workspace, type WorkspaceOptions } from './workspace.js';
import { DecodeCache } from './decode-cache.js';

export interface BackendService {
  readonly name: string;
  /** Registers RPC methods / raw routes; may start background work. */
  register(backend: Backend): void | Promise<void>;
  /** Contributes to `status` (e.g. the capture state). */
  status?(): Partial<BackendStatus>;
  dispose?(): Promise<void>;
}

export interface BackendOptions {
  port?: number;
  token?: string;
  rendererDir?: string;
  /** Where the CA, settings and captures live. */
  dataDir?: string;
  mode?: BackendStatus['mode'];
  /** Serve the HTTP/WebSocket API (the Electron app may run without it). */
  listen?: boolean;
  services?: BackendService[];
  /** How much of an opened capture file the workspace keeps in memory. */
  workspace?: WorkspaceOptions;
}

/** The built renderer: electron-vite's out/renderer, else the web build. */
export function defaultRendererDir(): string | undefined {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  for (const d of ['dist-web', 'out/renderer']) {
    const p = path.join(root, d);
    if (existsSync(path.join(p, 'index.html'))) return p;
  }
  return undefined;
}

export class Backend {
  readonly rpc = new RpcRegistry();
  readonly events = new EventBus();
  readonly workspace: Workspace;
  readonly decodes: DecodeCache;
  readonly startedAt = Date.now();
  readonly api: ApiServer;
  private services: BackendService[] = [];
  captureState: CaptureState = { running: false };

  private constructor(readonly opts: BackendOptions) {
    this.workspace = new Workspace(this.events, opts.workspace ?? {});
    this.decodes = new DecodeCache(this.workspace);
    this.api = new ApiServer(this.rpc, this.events, {
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      ...(opts.rendererDir !== undefined ? { rendererDir: opts.rendererDir } : {}),
    });
    this.registerCore();
  }

  static async start(opts: BackendOptions = {}): Promise<Backend> {
    const b = new Backend(opts);
    for (const s of opts.services ?? []) await b.addService(s);
    if (opts.listen !== false) await b.api.start();
    return b;
  }

  async addService(s: BackendService): Promise<void> {
    this.services.push(s);
    await s.register(this);
  }

  setCaptureState(state: CaptureState): void {
    this.captureState = state;
    this.events.emit({ type: 'capture-state', data: state });
  }

  status(): BackendStatus {
    const st: BackendStatus = {
      version: VERSION,
      startedAt: this.startedAt,
      mode: this.opts.mode ?? 'headless',
      exchangeCount: this.workspace.count,
      capture: this.captureState,
      services: this.services.map((s) => s.name),
    };
    if (this.workspace.file) st.file = this.workspace.file;
    for (const s of this.services) Object.assign(st, s.status?.() ?? {});
    return st;
  }

  private registerCore(): void {
    const rpc = this.rpc;
    rpc.method('status', () => this.status());
    rpc.method('exchanges.list', (p) => this.workspace.list(p.offset ?? 0, p.limit ?? 100_000));
    rpc.method('exchanges.get', async (p) => {
      const ex = await this.workspace.get(Number(p.id));
      if (!ex) throw new ApiError('not-found', `no exchange ${p.id}`);
      return exchangeToDto(ex);
    });
    rpc.method('exchanges.decode', async (p) => {
      const d = await this.decodes.get(Number(p.id));
      if (!d) throw new ApiError('not-found', `no exchange ${p.id}`);
      return d;
    });
    rpc.method('exchanges.clear', async () => {
      this.decodes.clear();
      return { cleared: await this.workspace.clear() };
    });
  }

  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.dispose?.().catch(() => undefined);
    await this.api.stop();
    // An opened capture file's handle.
    await this.workspace.close();
  }
}
