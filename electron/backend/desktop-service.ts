/**
 * DesktopService: capturing Outlook on this machine from the app. Routes the system proxy to the
 * running capture (undone when the capture stops, the backend stops, or at the next start after
 * a crash), trusts and untrusts the CA, and answers the "Capture Outlook" checklist.
 */
import type {
  CaTrustDto,
  CertificateRefusalDto,
  OutlookChecklistDto,
  RestoreDto,
  SystemProxyDto,
  TrustStoreKind,
} from '../../shared/api/desktop.js';
import type { Backend, BackendService } from './backend.js';
import type { CaptureService } from './capture-service.js';
import { ApiError } from './rpc.js';
import { type RestoreReport, SystemProxy, type SystemProxyStatus, restoreSummary } from './system-proxy/controller.js';
import { AUTODISCOVER_PATTERNS, normalizeHosts } from './system-proxy/pac.js';
import { routeTarget } from './system-proxy/routing.js';
import type { CaTrust } from './trust/ca-trust.js';

export interface DesktopServiceOptions {
  /** How the journal names this process ("MapiScope app", "mapiscope serve"). */
  command?: string;
  /**
   * Folder of the restore journal (default the capture's data folder). The desktop app keeps its CA in
   * its own folder but shares the journal with the CLI (~/.mapiscope), so either repairs the other's crash.
   */
  journalDir?: string;
  /** Replaceable for tests. */
  systemProxy?: SystemProxy;
  trust?: () => Promise<CaTrust>;
}

const MAX_REFUSALS = 20;

export class DesktopService implements BackendService {
  readonly name = 'desktop';
  private readonly sp: SystemProxy;
  private backend: Backend | undefined;
  /** This backend set the current routing (and undoes it). */
  private routingSelf = false;
  private recovered?: string;
  private refusals: CertificateRefusalDto[] = [];
  private outlook: OutlookChecklistDto['outlook'] = { ok: false, count: 0 };
  private wasRunning = false;

  constructor(
    private readonly capture: CaptureService,
    private readonly opts: DesktopServiceOptions = {},
  ) {
    this.sp = opts.systemProxy ?? new SystemProxy({ dataDir: opts.journalDir ?? capture.dataDir });
  }

  private get command(): string {
    return this.opts.command ?? 'mapiscope serve';
  }

  private trust(): Promise<CaTrust> {
    return this.opts.trust ? this.opts.trust() : this.capture.caTrust();
  }

  async register(backend: Backend): Promise<void> {
    this.backend = backend;
    // Settings left by an unclean stop of an earlier run are put back first.
    const r = await this.sp.recoverStale().catch((e: Error): RestoreReport => ({
      restored: [],
      changedByOthers: [],
      failed: [{ store: 'journal', error: e.message }],
    }));
    if (r) {
      this.recovered = restoreSummary(r, 'at start, after an unclean stop');
      backend.events.emit({
        type: 'log',
        data: { level: r.failed.length ? 'error' : 'warn', message: this.recovered },
      });
    }
    const cap = this.capture;
    cap.on('state', (s) => {
      if (s.running && !this.wasRunning) {
        this.outlook = { ok: false, count: 0 };
        this.refusals = [];
      }
      if (!s.running && this.wasRunning && this.routingSelf) void this.restore('capture stopped');
      this.wasRunning = s.running;
    });
    cap.on('exchange', (_ex, s) => {
      if (s.endpoint !== 'emsmdb' && s.endpoint !== 'nspi' && s.endpoint !== 'autodiscover') return;
      this.outlook = {
        ok: true,
        count: this.outlook.count + 1,
        first: this.outlook.first ?? { id: s.id, url: s.url, ...(s.host ? { host: s.host } : {}) },
      };
    });
    cap.on('client-rejected-certificate', (e) =>
      this.refused({ side: 'client', host: e.host, error: `${e.code}: ${e.error}`, time: e.time }),
    );
    cap.on('untrusted-certificate', (e) =>
      this.refused({ side: 'upstream', host: e.host, error: e.error, time: Date.now() }),
    );

    const rpc = backend.rpc;
    rpc.method('systemProxy.status', () => this.proxyStatus());
    rpc.method('systemProxy.on', (p) => this.on(p.all === true, Array.isArray(p.hosts) ? p.hosts.map(String) : []));
    rpc.method('systemProxy.off', async () => {
      const r = await this.restore('system-proxy off');
      return { ...r, state: await this.proxyStatus() };
    });
    rpc.method('ca.trustStatus', () => this.caTrust());
    rpc.method('ca.trust', async (p) => {
      const message = await this.run(async () => (await this.trust()).trust(storeOf(p.store)));
      return { ...(await this.caTrust()), message };
    });
    rpc.method('ca.untrust', async (p) => {
      const messages = await this.run(async () => (await this.trust()).untrust(p.store ? storeOf(p.store) : undefined));
      return { ...(await this.caTrust()), messages };
    });
    rpc.method('outlook.checklist', () => this.checklist());
  }

  private refused(r: CertificateRefusalDto): void {
    this.refusals = [...this.refusals.filter((x) => x.side !== r.side || x.host !== r.host), r].slice(-MAX_REFUSALS);
  }

  private async run<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw new ApiError('failed', (e as Error).message);
    }
  }

  async on(all: boolean, hosts: string[]): Promise<SystemProxyDto> {
    const st = this.capture.state();
    if (!st.running || st.mode !== 'forward' || !st.port)
      throw new ApiError('bad-request', 'start a forward capture first: routing sends traffic to its port');
    const given = normalizeHosts(hosts);
    if (!all) this.capture.addRouteHosts(given);
    await this.run(() =>
      this.sp.on(
        routeTarget({ port: st.port!, all, hosts: given }),
        {
          kind: 'process',
          pid: process.pid,
          command: this.command,
        },
        given,
      ),
    );
    this.routingSelf = true;
    return this.announce();
  }

  private async restore(why: string): Promise<RestoreDto> {
    const r = await this.sp.off().catch((e: Error): RestoreReport => ({
      restored: [],
      changedByOthers: [],
      failed: [{ store: 'journal', error: e.message }],
    }));
    if (r.failed.length === 0) this.routingSelf = false;
    const summary = r.journal ? restoreSummary(r, why) : `${why}: MapiScope had not changed the proxy settings`;
    if (r.journal)
      this.backend?.events.emit({
        type: 'log',
        data: { level: r.failed.length || r.changedByOthers.length ? 'warn' : 'info', message: summary },
      });
    await this.announce().catch(() => undefined);
    return {
      summary,
      restored: r.restored.length,
      changedByOthers: r.changedByOthers.length,
      failed: r.failed.length,
    };
  }

  private async announce(): Promise<SystemProxyDto> {
    const s = await this.proxyStatus();
    this.backend?.events.emit({ type: 'system-proxy', data: s });
    return s;
  }

  async proxyStatus(): Promise<SystemProxyDto> {
    return this.toDto(await this.sp.status());
  }

  private toDto(st: SystemProxyStatus): SystemProxyDto {
    const j = st.journal;
    const cap = this.capture.state();
    const routedHere = st.mode === 'pac' && cap.running && st.proxy?.port === cap.port;
    return {
      platform: st.platform,
      mode: st.mode,
      ours: st.ours,
      ...(j
        ? {
            owner: {
              command: j.owner.command,
              pid: j.owner.pid,
              running: j.ownerRunning,
              self: j.owner.pid === process.pid,
            },
          }
        : {}),
      ...(st.pacUrl ? { pacUrl: st.pacUrl } : {}),
      ...(st.proxy ? { proxy: st.proxy } : {}),
      hosts:
        st.mode !== 'pac'
          ? []
          : routedHere
            ? this.capture.pacHosts(st.hosts ?? [])
            : normalizeHosts([...AUTODISCOVER_PATTERNS, ...(st.hosts ?? [])]),
      stores: st.stores.map((s) => ({ id: s.id, label: s.label, routing: s.routing })),
      changedByOthers: st.changedByOthers.map((c) => ({ store: c.store, key: c.key })),
      ...(this.recovered ? { recovered: this.recovered } : {}),
    };
  }

  async caTrust(): Promise<CaTrustDto> {
    const t = await this.trust();
    return { fingerprint256: t.ca.sha256, stores: await t.status() };
  }

  async checklist(): Promise<OutlookChecklistDto> {
    const [ca, routing] = await Promise.all([this.caTrust(), this.proxyStatus()]);
    const cap = this.capture.state();
    const capturing = cap.running && cap.mode === 'forward';
    return {
      ca: { ...ca, ok: ca.stores.some((s) => s.trusted) },
      routing: {
        ...routing,
        capturing,
        ...(cap.port ? { port: cap.port } : {}),
        ok: capturing && routing.mode !== 'off' && routing.ours && routing.proxy?.port === cap.port,
      },
      outlook: this.outlook,
      refusals: [...this.refusals],
    };
  }

  async dispose(): Promise<void> {
    if (this.routingSelf) await this.restore('MapiScope stopped');
    this.backend = undefined;
  }
}

function storeOf(s: unknown): TrustStoreKind {
  if (s === undefined || s === 'user' || s === 'nss' || s === 'system') return (s as TrustStoreKind) ?? 'user';
  throw new ApiError('bad-request', `store must be user, nss or system, not ${JSON.stringify(s)}`);
}
