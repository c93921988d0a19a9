/**
 * The probe as a backend service for the Probe panel: `probe.start` runs one
 * probe and pushes its state as `probe-progress` events as each step starts
 * and ends; `probe.status` and `probe.cancel`. The password given to
 * `probe.start` is handed to the Authenticator only: never kept in the run,
 * logged or sent back.
 */
import type { ProbeRunData, ProbeStartParams } from '../../../shared/api/probe.js';
import type { AuthSettings } from '../auth/authenticator.js';
import { parseUser } from '../auth/credentials.js';
import type { Backend, BackendService } from '../backend.js';
import { ApiError } from '../rpc.js';
import { parseTarget, probe } from './probe.js';

const SCHEMES = ['basic', 'ntlm', 'negotiate', 'bearer'];

export class ProbeService implements BackendService {
  readonly name = 'probe';
  private runs = new Map<number, ProbeRunData>();
  private aborts = new Map<number, AbortController>();
  private nextId = 1;
  private backend?: Backend;

  register(backend: Backend): void {
    this.backend = backend;
    backend.rpc.method('probe.start', (p) => this.start(this.params(p)));
    backend.rpc.method('probe.status', (p) => this.get(p.id));
    backend.rpc.method('probe.cancel', (p) => {
      const r = this.get(p.id);
      this.aborts.get(r.id)?.abort();
      return r;
    });
  }

  async dispose(): Promise<void> {
    for (const a of this.aborts.values()) a.abort();
  }

  private get(id: number | undefined): ProbeRunData {
    const r = id === undefined ? [...this.runs.values()].at(-1) : this.runs.get(id);
    if (!r) throw new ApiError('not-found', id === undefined ? 'no probe has run' : `no probe ${id}`);
    return r;
  }

  private params(p: unknown): ProbeStartParams {
    if (p === null || typeof p !== 'object') throw new ApiError('bad-request', 'probe.start takes an object');
    const o = p as Record<string, unknown>;
    const str = (k: string): string | undefined => {
      const v = o[k];
      if (v === undefined || v === '') return undefined;
      if (typeof v !== 'string') throw new ApiError('bad-request', `${k} must be a string`);
      return v;
    };
    const url = str('url');
    if (!url) throw new ApiError('bad-request', 'url is required');
    try {
      parseTarget(url);
    } catch (e) {
      throw new ApiError('bad-request', e instanceof Error ? e.message : String(e));
    }
    const auth = str('auth');
    if (auth !== undefined && !SCHEMES.includes(auth))
      throw new ApiError('bad-request', 'auth is basic, ntlm, negotiate or bearer');
    const out: ProbeStartParams = { url, insecure: o.insecure === true };
    for (const k of ['user', 'password', 'email', 'dn', 'bearer'] as const) {
      const v = str(k);
      if (v !== undefined) out[k] = v;
    }
    if (auth) out.auth = auth as NonNullable<ProbeStartParams['auth']>;
    if (typeof o.timeoutMs === 'number' && o.timeoutMs >= 100 && o.timeoutMs <= 600_000) out.timeoutMs = o.timeoutMs;
    if (out.password !== undefined && out.user === undefined) throw new ApiError('bad-request', 'password needs user');
    return out;
  }

  private start(p: ProbeStartParams): ProbeRunData {
    const id = this.nextId++;
    const auth: AuthSettings = {};
    if (p.user !== undefined) auth.credentials = parseUser(p.user, p.password ?? '');
    if (p.bearer !== undefined) auth.token = p.bearer;
    if (p.auth) auth.scheme = p.auth;
    const ac = new AbortController();
    const run: ProbeRunData = {
      id,
      state: 'running',
      report: {
        target: p.url,
        identity: p.user ?? p.email ?? '(anonymous)',
        startedAt: Date.now(),
        endedAt: 0,
        result: 'Failed',
        steps: [],
        notes: [],
      },
    };
    this.runs.set(id, run);
    this.aborts.set(id, ac);
    while (this.runs.size > 20) this.runs.delete(this.runs.keys().next().value!);
    const emit = () => this.backend?.events.emit({ type: 'probe-progress', data: structuredClone(run) });
    void probe({
      url: p.url,
      auth,
      ...(p.email ? { email: p.email } : {}),
      ...(p.dn ? { dn: p.dn } : {}),
      ...(p.insecure ? { insecure: true } : {}),
      ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
      signal: ac.signal,
      onStep: (step, report) => {
        run.report = report;
        if (step.end === undefined && step.start !== undefined) run.current = step.id;
        else delete run.current;
        emit();
      },
    })
      .then((report) => {
        run.report = report;
        run.state = ac.signal.aborted ? 'cancelled' : 'done';
      })
      .catch((e: unknown) => {
        run.state = 'failed';
        run.error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        delete run.current;
        this.aborts.delete(id);
        emit();
      });
    emit();
    return structuredClone(run);
  }
}
