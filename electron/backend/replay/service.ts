/**
 * Client replay as a backend service. A run replays the workspace's exchanges
 * (or given ones) against a URL or the simulator, reports progress as events
 * and keeps its report.
 *
 * Events: a `replay-progress` event (the run as `replay.status` returns it) when a run starts, after
 * completed exchanges and verdicts (at most one per `progressIntervalMs` per run, the latest state), and at
 * once when it ends; nothing follows the final one. Each exchange and verdict is also a `log` line.
 *
 * RPC methods: replay.check, replay.sessions, replay.changes, replay.start, replay.status, replay.report, replay.recorded,
 * replay.cancel, replay.list.
 */
import type { ReplayRunData } from '../../../shared/api/replay.js';
import { exchangeToDto } from '../../../shared/api/dto.js';
import type { Exchange } from '../../../shared/capture/exchange.js';
import type { Backend, BackendService } from '../backend.js';
import type { ReplaySessionRow, ReplayStartDto } from '../../../shared/api/contract.js';
import { ApiError } from '../rpc.js';
import type { SimulatorService } from '../simulator/service.js';
import { type PlanStep, PlanError, parsePlan } from '../../../shared/replay/plan.js';
import { ProgressThrottle, type ThrottleClock, systemClock } from './progress-throttle.js';
import {
  type ReplayOptions,
  type ReplayProgress,
  type ReplayReport,
  Replayer,
  canReplay,
  describeChanges,
  mailboxChanges,
  listSessions,
} from './replayer.js';

export interface ReplayStartParams {
  /** "simulator" (the running one, or a temporary one in server-replay mode) or a base URL. */
  target: string;
  session?: number;
  plan?: string | PlanStep[];
  realtime?: boolean;
  exchanges?: readonly Exchange[];
  insecure?: boolean;
  auth?: ReplayOptions['auth'];
  /** Expiry for a temporary simulator (ms). */
  simulatorExpiryMs?: number;
  /** Keep the replayed traffic (replay.recorded), each exchange naming its captured original. */
  record?: boolean;
  /** Replay ROPs that change the mailbox against a URL target (never needed for the simulator). */
  allowChanges?: boolean;
}

export type ReplayRun = ReplayRunData<ReplayReport>;

export interface ReplayServiceOptions {
  /** Least time between two progress events of one run (the final one is never held back). Default 100. */
  progressIntervalMs?: number;
  /** Time source for the throttle (tests). */
  clock?: ThrottleClock;
}

export class ReplayService implements BackendService {
  readonly name = 'replay';
  private runs = new Map<number, ReplayRun>();
  private aborts = new Map<number, AbortController>();
  private nextId = 1;
  private backend?: Backend;
  /** Progress of every run (the CLI prints it). */
  onProgress?: (runId: number, e: ReplayProgress) => void;

  private readonly progressIntervalMs: number;
  private readonly clock: ThrottleClock;

  constructor(
    private readonly simulator?: SimulatorService,
    opts: ReplayServiceOptions = {},
  ) {
    this.progressIntervalMs = opts.progressIntervalMs ?? 100;
    this.clock = opts.clock ?? systemClock;
  }

  register(backend: Backend): void {
    this.backend = backend;
    const rpc = backend.rpc;
    // Sessions are told apart by headers: an opened capture file is read without its bodies for this.
    const heads = () => backend.workspace.heads();
    rpc.method('replay.check', async (p) => ({
      reason: canReplay(await heads(), p.session) ?? null,
    }));
    rpc.method('replay.sessions', async () =>
      listSessions(await heads()).map((s): ReplaySessionRow => {
        const first = s.exchanges[0];
        return {
          index: s.index,
          endpoint: s.endpoint,
          exchanges: s.exchanges.length,
          types: s.types,
          ...(first ? { firstId: first.id } : {}),
        };
      }),
    );
    rpc.method('replay.changes', async (p) => {
      const session = p.session;
      // Telling changes apart reads the Execute request bodies (of the session only, when one is chosen).
      const list = backend.workspace.storeBacked
        ? await replayList(backend, session)
        : (backend.workspace.inMemory() ?? (await backend.workspace.materialize()));
      return mailboxChanges(list, session);
    });
    rpc.method('replay.start', async (p) => {
      // Checked here too: the HTTP transport passes whatever JSON a client sent.
      const o: { [K in keyof ReplayStartDto]?: unknown } = p ?? {};
      if (typeof o.target !== 'string' || !o.target)
        throw new ApiError('bad-request', 'target is "simulator" or a URL');
      const params: ReplayStartParams = { target: o.target };
      if (typeof o.session === 'number') params.session = o.session;
      if (typeof o.plan === 'string') params.plan = o.plan;
      if (o.realtime === true) params.realtime = true;
      if (o.insecure === true) params.insecure = true;
      if (o.record === true) params.record = true;
      if (o.allowChanges === true) params.allowChanges = true;
      // An opened capture file: the replayer walks the whole list, so it gets every exchange's head; bodies are
      // read for the chosen session only (all of them when every session is replayed).
      if (backend.workspace.storeBacked) params.exchanges = await replayList(backend, params.session);
      const run = this.start(params);
      return { id: run.id, state: run.state };
    });
    rpc.method('replay.status', (p) => this.get(p.id, false));
    rpc.method('replay.report', (p) => {
      const r = this.get(p.id, true);
      if (!r.report) throw new ApiError('not-found', `replay ${r.id} has no report yet (${r.state})`);
      // Recorded traffic carries bytes: it comes base64-encoded from replay.recorded.
      const { recorded, ...report } = r.report;
      return { ...report, recordedCount: recorded?.length ?? 0 };
    });
    rpc.method('replay.recorded', (p) => {
      const r = this.get(p.id, true);
      if (!r.report) throw new ApiError('not-found', `replay ${r.id} has no report yet (${r.state})`);
      if (!r.report.recorded) throw new ApiError('not-found', `replay ${r.id} was started without record: true`);
      return r.report.recorded.map(exchangeToDto);
    });
    rpc.method('replay.cancel', (p) => {
      const r = this.get((p as { id?: number }).id, false);
      this.aborts.get(r.id)?.abort();
      return { id: r.id, state: r.state };
    });
    rpc.method('replay.list', () =>
      [...this.runs.values()].map((r) => ({
        id: r.id,
        state: r.state,
        target: r.target,
        startedAt: r.startedAt,
        exchangesDone: r.exchangesDone,
      })),
    );
  }

  private get(id: number | undefined, full: boolean): ReplayRun {
    const r = id === undefined ? [...this.runs.values()].at(-1) : this.runs.get(Number(id));
    if (!r) throw new ApiError('not-found', id === undefined ? 'no replay has run' : `no replay ${id}`);
    return full ? r : slim(r);
  }

  private emitRun(run: ReplayRun): void {
    this.backend?.events.emit({ type: 'replay-progress', data: slim(run) });
  }

  /** Starts a run in the background; `wait(run.id)` resolves with its report. Without `p.exchanges`, the workspace's in-memory list (replay.start passes an opened file's exchanges). */
  start(p: ReplayStartParams): ReplayRun {
    const list = p.exchanges ?? this.backend?.workspace.inMemory() ?? [];
    let plan: PlanStep[] = [];
    try {
      plan = typeof p.plan === 'string' ? parsePlan(p.plan) : [...(p.plan ?? [])];
    } catch (e) {
      throw new ApiError('bad-request', e instanceof PlanError ? e.message : String(e));
    }
    const why = canReplay(list, p.session);
    if (why) throw new ApiError('bad-request', why);
    if (p.target !== 'simulator' && !p.allowChanges) {
      const changes = mailboxChanges(list, p.session);
      if (changes.length) throw new ApiError('bad-request', describeChanges(changes));
    }
    const run: ReplayRun = {
      id: this.nextId++,
      state: 'running',
      target: p.target,
      startedAt: Date.now(),
      exchangesDone: 0,
      switchesDone: 0,
    };
    this.runs.set(run.id, run);
    const ac = new AbortController();
    this.aborts.set(run.id, ac);
    const progress = new ProgressThrottle(() => this.emitRun(run), this.progressIntervalMs, this.clock);
    progress.changed();
    const done = this.execute(run, list, p, plan, ac.signal, progress).finally(() => this.aborts.delete(run.id));
    this.pending.set(run.id, done);
    return run;
  }

  private pending = new Map<number, Promise<void>>();

  async wait(id: number): Promise<ReplayRun> {
    await this.pending.get(id);
    const r = this.runs.get(id);
    if (!r) throw new Error(`no replay ${id}`);
    return r;
  }

  private async execute(
    run: ReplayRun,
    list: readonly Exchange[],
    p: ReplayStartParams,
    plan: PlanStep[],
    signal: AbortSignal,
    progress: ProgressThrottle,
  ): Promise<void> {
    let temp: SimulatorService | undefined;
    try {
      let target = p.target;
      if (target === 'simulator') {
        const running = this.simulator?.simulator;
        if (running) target = running.url;
        else {
          // No simulator running: a temporary one answers from the same capture.
          const { SimulatorService: Svc } = await import('../simulator/service.js');
          temp = new Svc();
          const st = await temp.start({
            exchanges: list,
            ...(p.simulatorExpiryMs ? { expiryMs: p.simulatorExpiryMs } : {}),
          });
          if (!st.running) throw new Error('the temporary simulator did not start');
          target = st.url;
        }
      }
      const report = await new Replayer(list, {
        target,
        ...(p.session !== undefined ? { session: p.session } : {}),
        plan,
        ...(p.realtime ? { realtime: true } : {}),
        ...(p.insecure ? { insecure: true } : {}),
        ...(p.auth ? { auth: p.auth } : {}),
        ...(p.record ? { record: true } : {}),
        allowChanges: p.target === 'simulator' || p.allowChanges === true,
        signal,
        onProgress: (e) => {
          if (e.kind === 'exchange') run.exchangesDone++;
          if (e.kind === 'switch') run.switchesDone++;
          this.onProgress?.(run.id, e);
          if (e.kind !== 'done') progress.changed();
          if (e.kind !== 'done')
            this.backend?.events.emit({
              type: 'log',
              data: {
                level: 'info',
                message:
                  e.kind === 'exchange'
                    ? `replay ${run.id}: #${e.report.position} ${e.report.role} ${e.report.type} → ${e.report.replayed.responseCode ?? e.report.replayed.aborted ?? '?'}`
                    : `replay ${run.id}: ${e.report.step} → ${e.report.verdict}`,
              },
            });
        },
      }).run();
      run.report = report;
      run.state = signal.aborted ? 'cancelled' : 'done';
    } catch (e) {
      run.state = 'failed';
      run.error = e instanceof Error ? e.message : String(e);
    } finally {
      progress.flush();
      await temp?.stop();
    }
  }

  async dispose(): Promise<void> {
    for (const a of this.aborts.values()) a.abort();
    await Promise.all(this.pending.values());
  }
}

/** A run as `replay.status` and the progress events carry it: the report without its exchanges and recorded traffic. */
function slim(r: ReplayRun): ReplayRun {
  const { report, ...rest } = r;
  if (!report) return rest;
  const { recorded: _recorded, ...summary } = report;
  void _recorded;
  return { ...rest, report: { ...summary, exchanges: [] } };
}

/**
 * The exchanges a replay of a store-backed workspace needs: the heads of all (session numbering and grouping stay
 * those of the whole capture) with the bodies of `session`'s exchanges, or every exchange whole when all sessions
 * are replayed. A 1 GB capture replayed one session at a time holds that session's bodies, not the file.
 */
async function replayList(backend: Backend, session: number | undefined): Promise<readonly Exchange[]> {
  const ws = backend.workspace;
  if (session === undefined) return ws.materialize();
  const heads = await ws.heads();
  const chosen = listSessions(heads)[session - 1];
  if (!chosen) return heads; // the replayer reports that there is no such session
  const ids = new Set(chosen.exchanges.map((e) => e.id));
  const out: Exchange[] = [];
  for (const h of heads) out.push(ids.has(h.id) ? ((await ws.get(h.id)) ?? h) : h);
  return out;
}
