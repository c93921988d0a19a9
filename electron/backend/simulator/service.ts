/**
 * The simulator as a backend service: start/stop/status over the RPC registry,
 * answers from the scripted mailbox or from a capture (the workspace's
 * exchanges or given ones). Used by `mapiscope serve`, the app and the CLI.
 *
 * RPC methods: simulator.start, simulator.stop, simulator.status, simulator.signalEvent.
 */
import type { Exchange } from '../../../shared/capture/exchange.js';
import type { Backend, BackendService } from '../backend.js';
import { ApiError } from '../rpc.js';
import { CaptureResponder } from './capture-responder.js';
import { MailboxResponder, MailboxStore } from './mailbox.js';
import type { CookieStyle } from './sessions.js';
import { ExchangeSimulator, type SimLogEntry, type SimulatorOptions, type SimulatorStatus } from './simulator.js';

export interface SimulatorStartParams {
  port?: number;
  host?: string;
  /** Cookie names; with a capture, the captured server's names by default. */
  cookies?: CookieStyle;
  /** Idle expiry; with a capture, its X-ExpirationInfo by default. */
  expiryMs?: number;
  pendingPeriodMs?: number;
  notificationWaitMs?: number;
  /** Answer from these exchanges (server replay); the scripted mailbox otherwise. */
  exchanges?: readonly Exchange[];
  /** Answer from the exchanges currently in the backend's workspace. */
  fromWorkspace?: boolean;
  /** Captured session to serve to every context (1-based). */
  session?: number;
  tls?: { key: string; cert: string };
  auth?: SimulatorOptions['auth'];
  responseCodes?: SimulatorOptions['responseCodes'];
  processingDelayMs?: number;
  /** Request types whose sequence cookie is validated (default Execute). */
  validateSequence?: string[];
}

export type SimulatorServiceStatus = { running: false } | ({ running: true; problems: string[] } & SimulatorStatus);

export class SimulatorService implements BackendService {
  readonly name = 'simulator';
  private sim: ExchangeSimulator | undefined;
  private problems: string[] = [];
  private backend?: Backend;
  /** Called for every request the simulator answers (the CLI prints them). */
  onRequest?: (e: SimLogEntry) => void;

  register(backend: Backend): void {
    this.backend = backend;
    const rpc = backend.rpc;
    rpc.method('simulator.start', async (p) => this.start(this.params(p)));
    rpc.method('simulator.stop', async () => {
      await this.stop();
      return this.simulatorStatus();
    });
    rpc.method('simulator.status', () => this.simulatorStatus());
    rpc.method('simulator.signalEvent', (p) => ({
      completed: this.sim?.signalEvent(p.contextId) ?? 0,
    }));
  }

  private params(p: unknown): SimulatorStartParams {
    if (p === null || typeof p !== 'object') throw new ApiError('bad-request', 'simulator.start takes an object');
    const o = p as Record<string, unknown>;
    const num = (k: string, min: number, max: number): number | undefined => {
      const v = o[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw new ApiError('bad-request', `${k} must be an integer from ${min} to ${max}`);
      return v;
    };
    const cookies = o.cookies;
    if (cookies !== undefined && cookies !== 'exchange' && cookies !== 'gromox')
      throw new ApiError('bad-request', 'cookies is "exchange" or "gromox"');
    const out: SimulatorStartParams = {};
    const port = num('port', 0, 65535);
    if (port !== undefined) out.port = port;
    const e = num('expiryMs', 10, 86_400_000);
    if (e !== undefined) out.expiryMs = e;
    const pp = num('pendingPeriodMs', 10, 3_600_000);
    if (pp !== undefined) out.pendingPeriodMs = pp;
    const nw = num('notificationWaitMs', 10, 3_600_000);
    if (nw !== undefined) out.notificationWaitMs = nw;
    const s = num('session', 1, 1_000_000);
    if (s !== undefined) out.session = s;
    if (cookies) out.cookies = cookies;
    if (o.fromWorkspace === true) out.fromWorkspace = true;
    return out;
  }

  async start(p: SimulatorStartParams = {}): Promise<SimulatorServiceStatus> {
    if (this.sim) throw new ApiError('bad-request', `the simulator already runs at ${this.sim.url}; stop it first`);
    this.problems = [];
    // An opened capture file is read into memory while the simulator answers from it.
    const exchanges = p.exchanges ?? (p.fromWorkspace ? await this.backend?.workspace.materialize() : undefined);
    let responder;
    // Server replay looks like the captured server unless told otherwise (cookie names, timers, version).
    let like: ReturnType<CaptureResponder['capturedServer']> = {};
    if (exchanges) {
      const cr = new CaptureResponder(exchanges, { ...(p.session !== undefined ? { session: p.session } : {}) });
      this.problems.push(...cr.problems);
      responder = cr;
      like = cr.capturedServer();
    } else responder = new MailboxResponder(new MailboxStore());
    const sim = new ExchangeSimulator({
      responder,
      ...(like.cookies ? { cookies: like.cookies } : {}),
      ...(like.pendingPeriodMs !== undefined ? { pendingPeriodMs: like.pendingPeriodMs } : {}),
      ...(like.expiryMs !== undefined ? { expiryMs: like.expiryMs } : {}),
      ...(like.serverApplication ? { serverApplication: like.serverApplication } : {}),
      ...(p.host ? { host: p.host } : {}),
      ...(p.port !== undefined ? { port: p.port } : {}),
      ...(p.cookies ? { cookies: p.cookies } : {}),
      ...(p.expiryMs !== undefined ? { expiryMs: p.expiryMs } : {}),
      ...(p.pendingPeriodMs !== undefined ? { pendingPeriodMs: p.pendingPeriodMs } : {}),
      ...(p.notificationWaitMs !== undefined ? { notificationWaitMs: p.notificationWaitMs } : {}),
      ...(p.processingDelayMs !== undefined ? { processingDelayMs: p.processingDelayMs } : {}),
      ...(p.validateSequence ? { validateSequence: p.validateSequence } : {}),
      ...(p.tls ? { tls: p.tls } : {}),
      ...(p.auth ? { auth: p.auth } : {}),
      ...(p.responseCodes ? { responseCodes: p.responseCodes } : {}),
    });
    sim.on('request', (e: SimLogEntry) => {
      this.onRequest?.(e);
      this.backend?.events.emit({
        type: 'log',
        data: {
          level: e.responseCode > 0 ? 'warn' : 'info',
          message: `simulator: ${e.type} → ${e.responseCode}${e.note ? ` (${e.note})` : ''}`,
        },
      });
    });
    await sim.start();
    this.sim = sim;
    return this.simulatorStatus();
  }

  get simulator(): ExchangeSimulator | undefined {
    return this.sim;
  }

  simulatorStatus(): SimulatorServiceStatus {
    return this.sim ? { running: true, problems: [...this.problems], ...this.sim.status() } : { running: false };
  }

  async stop(): Promise<void> {
    const s = this.sim;
    this.sim = undefined;
    await s?.stop();
  }

  async dispose(): Promise<void> {
    await this.stop();
  }
}
