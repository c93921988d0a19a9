/**
 * Routes the machine's clients through MapiScope and puts everything back: `on` journals the
 * previous values before the first write and undoes what it wrote if a write fails halfway;
 * `off` (and the recovery after a crash) restores only values that are still MapiScope's, and
 * reports the ones someone else changed meanwhile instead of overwriting them.
 */
import { mkdir } from 'node:fs/promises';
import {
  type JournalOwner,
  type ProxyJournal,
  processAlive,
  readJournal,
  removeJournal,
  writeJournal,
} from './journal.js';
import { PAC_PATH, type PreviousRoute, withPreviousRoute } from './pac.js';
import { noStoresMessage, platformStores } from './platform.js';
import { type CommandRunner, execRunner } from './runner.js';
import {
  type ProxyTarget,
  type SettingValue,
  type SettingValues,
  type SettingsSnapshot,
  type SettingsStore,
  describeTarget,
} from './settings.js';

export interface SystemProxyOptions {
  /** Data folder holding the restore journal. */
  dataDir: string;
  runner?: CommandRunner;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The stores to use instead of discovering the platform's (tests). */
  stores?: () => Promise<SettingsStore[]>;
  /** Whether a journal owner still runs (tests). */
  isAlive?: (pid: number) => boolean;
}

export interface SettingChange {
  store: string;
  key: string;
  from: SettingValue;
  to: SettingValue;
}

export interface RestoreReport {
  /** There was something to restore. */
  journal?: ProxyJournal;
  restored: SettingChange[];
  /** Changed by someone else since MapiScope set them: left as they are. */
  changedByOthers: { store: string; key: string; ours: SettingValue; now: SettingValue }[];
  failed: { store: string; key?: string; error: string }[];
}

export interface StoreStatus {
  id: string;
  label: string;
  routing: string;
  values: SettingValues;
}

export interface SystemProxyStatus {
  platform: string;
  stores: StoreStatus[];
  /** What MapiScope set, when a journal exists. */
  journal?: ProxyJournal & { ownerRunning: boolean };
  /** The current settings are exactly the ones MapiScope set. */
  ours: boolean;
  /** Settings MapiScope set that someone else has changed since. */
  changedByOthers: { store: string; key: string; ours: SettingValue; now: SettingValue }[];
  /** The PAC URL clients are sent to, when routing with PAC. */
  pacUrl?: string;
  proxy?: { host: string; port: number };
  hosts?: string[];
  mode: 'off' | 'pac' | 'all';
}

export class SystemProxyError extends Error {
  override name = 'SystemProxyError';
}

export class SystemProxy {
  readonly runner: CommandRunner;
  readonly platform: NodeJS.Platform;

  constructor(private readonly opts: SystemProxyOptions) {
    this.runner = opts.runner ?? execRunner();
    this.platform = opts.platform ?? process.platform;
  }

  private stores(): Promise<SettingsStore[]> {
    return this.opts.stores ? this.opts.stores() : platformStores(this.runner, this.platform, this.opts.env);
  }

  private alive(pid: number): boolean {
    return (this.opts.isAlive ?? processAlive)(pid);
  }

  journal(): Promise<ProxyJournal | undefined> {
    return readJournal(this.opts.dataDir);
  }

  /**
   * Routes through MapiScope. An earlier routing of this data folder is undone first (refused
   * while another running process owns it). Returns what was set.
   */
  async on(
    target: ProxyTarget,
    owner: JournalOwner,
    hosts: string[] = [],
  ): Promise<{ journal: ProxyJournal; replaced?: RestoreReport }> {
    let replaced: RestoreReport | undefined;
    const existing = await this.journal();
    if (existing) {
      const o = existing.owner;
      if (o.kind === 'process' && o.pid !== owner.pid && this.alive(o.pid))
        throw new SystemProxyError(
          `${o.command} (pid ${o.pid}) is routing through MapiScope already; stop it first or run \`mapiscope system-proxy off\``,
        );
      replaced = await this.restore(existing);
      if (replaced.failed.length)
        throw new SystemProxyError(`could not undo the earlier routing: ${failText(replaced)}`);
    }
    const stores = await this.stores();
    if (stores.length === 0) throw new SystemProxyError(noStoresMessage(this.platform));
    const previous: SettingsSnapshot = {};
    for (const s of stores) previous[s.id] = await s.read();
    // The PAC sends the hosts that are not Exchange's where they went before (a corporate proxy or script).
    const before = target.kind === 'pac' ? previousRoute(stores, previous) : undefined;
    if (target.kind === 'pac') target = { ...target, url: withPreviousRoute(target.url, before?.route) };
    const journal: ProxyJournal = {
      version: 1,
      platform: this.platform,
      owner,
      at: new Date().toISOString(),
      target,
      hosts,
      stores: stores.map((s) => ({ id: s.id, label: s.label })),
      ...(before && stores.length > 1 ? { previousFrom: before.from } : {}),
      previous,
    };
    await mkdir(this.opts.dataDir, { recursive: true });
    await writeJournal(this.opts.dataDir, journal);

    const written: { store: SettingsStore; key: string }[] = [];
    try {
      for (const s of stores)
        for (const [key, value] of Object.entries(s.desired(target, previous[s.id]))) {
          if (previous[s.id]![key] === value) continue;
          written.push({ store: s, key });
          await s.write(key, value);
        }
    } catch (e) {
      // Put every store written to back as it was, in its write order (which the stores make safe
      // for restoring too), including values a write changed on the side (macOS switches a proxy on
      // when its server is set). The journal stays only if that fails too.
      const undoErrors: string[] = [];
      for (const store of new Set(written.map((w) => w.store))) {
        const before = previous[store.id]!;
        const now = await store.read().catch((): SettingValues => ({}));
        for (const key of Object.keys(before)) {
          if ((now[key] ?? null) === (before[key] ?? null)) continue;
          try {
            await store.write(key, before[key] ?? null);
          } catch (u) {
            undoErrors.push(`${store.label} ${key}: ${(u as Error).message}`);
          }
        }
      }
      await notifyAll(new Set(written.map((w) => w.store)));
      if (undoErrors.length === 0) await removeJournal(this.opts.dataDir);
      throw new SystemProxyError(
        `could not route through MapiScope: ${(e as Error).message}; ` +
          (undoErrors.length
            ? `undoing failed too (${undoErrors.join('; ')}); the journal is kept and the next start retries`
            : 'every setting already changed was put back'),
      );
    }
    const applied: SettingsSnapshot = {};
    for (const s of stores) applied[s.id] = await s.read();
    journal.applied = applied;
    await writeJournal(this.opts.dataDir, journal);
    await notifyAll(new Set(stores));
    return { journal, ...(replaced ? { replaced } : {}) };
  }

  /** Puts back what MapiScope set (nothing to do without a journal). */
  async off(): Promise<RestoreReport> {
    const j = await this.journal();
    if (!j) return { restored: [], changedByOthers: [], failed: [] };
    return this.restore(j);
  }

  /**
   * After a crash: restores the settings of a journal whose owning process is gone. Persistent
   * routing (`system-proxy on`) and a live owner are left alone.
   */
  async recoverStale(): Promise<RestoreReport | undefined> {
    let j: ProxyJournal | undefined;
    try {
      j = await this.journal();
    } catch (e) {
      return { restored: [], changedByOthers: [], failed: [{ store: 'journal', error: (e as Error).message }] };
    }
    if (!j || j.owner.kind !== 'process' || j.owner.pid === process.pid || this.alive(j.owner.pid)) return undefined;
    return this.restore(j);
  }

  private async restore(j: ProxyJournal): Promise<RestoreReport> {
    const report: RestoreReport = { journal: j, restored: [], changedByOthers: [], failed: [] };
    const stores = new Map((await this.stores().catch(() => [] as SettingsStore[])).map((s) => [s.id, s]));
    const touched = new Set<SettingsStore>();
    for (const { id, label } of j.stores) {
      const store = stores.get(id);
      const previous = j.previous[id] ?? {};
      if (!store) {
        report.failed.push({ store: label, error: 'these settings are not there any more' });
        continue;
      }
      const applied = j.applied?.[id] ?? { ...previous, ...store.desired(j.target, previous) };
      let current: SettingValues;
      try {
        current = await store.read();
      } catch (e) {
        report.failed.push({ store: label, error: (e as Error).message });
        continue;
      }
      for (const key of Object.keys(applied)) {
        const before = previous[key] ?? null;
        const ours = applied[key] ?? null;
        const now = current[key] ?? null;
        if (before === ours || now === before) continue;
        if (now !== ours) {
          report.changedByOthers.push({ store: label, key, ours, now });
          continue;
        }
        try {
          await store.write(key, before);
          touched.add(store);
          report.restored.push({ store: label, key, from: ours, to: before });
        } catch (e) {
          report.failed.push({ store: label, key, error: (e as Error).message });
        }
      }
    }
    await notifyAll(touched);
    if (report.failed.length === 0) await removeJournal(this.opts.dataDir);
    return report;
  }

  async status(): Promise<SystemProxyStatus> {
    const j = await this.journal().catch(() => undefined);
    const stores = await this.stores();
    const out: SystemProxyStatus = {
      platform: this.platform,
      stores: [],
      ours: false,
      changedByOthers: [],
      mode: 'off',
    };
    let oursCount = 0;
    for (const s of stores) {
      const values = await s.read();
      out.stores.push({ id: s.id, label: s.label, routing: s.describe(values), values });
      const prev = j?.previous[s.id];
      const applied = j?.applied?.[s.id];
      if (!prev || !applied) continue;
      for (const key of Object.keys(applied)) {
        if ((prev[key] ?? null) === (applied[key] ?? null)) continue;
        if ((values[key] ?? null) === (applied[key] ?? null)) oursCount++;
        else out.changedByOthers.push({ store: s.label, key, ours: applied[key] ?? null, now: values[key] ?? null });
      }
    }
    if (j) {
      out.journal = { ...j, ownerRunning: j.owner.kind === 'persistent' || this.alive(j.owner.pid) };
      out.ours = j.applied !== undefined && out.changedByOthers.length === 0 && oursCount > 0;
      out.mode = j.target.kind === 'pac' ? 'pac' : 'all';
      out.proxy = j.target.proxy;
      out.hosts = j.hosts;
      if (j.target.kind === 'pac') out.pacUrl = j.target.url;
    }
    return out;
  }
}

/**
 * The previous proxy or PAC script of the first store that had one, in platform order (GNOME
 * before KDE; macOS services in service order), leaving out a MapiScope PAC left behind.
 */
function previousRoute(
  stores: readonly SettingsStore[],
  previous: SettingsSnapshot,
): { route: PreviousRoute; from: string } | undefined {
  for (const s of stores) {
    const r = s.previousRoute?.(previous[s.id]!);
    if (r?.kind === 'pac' && /^http:\/\/127\.0\.0\.1:\d+\//.test(r.url) && r.url.includes(PAC_PATH)) continue;
    if (r) return { route: r, from: s.label };
  }
  return undefined;
}

async function notifyAll(stores: Iterable<SettingsStore>): Promise<void> {
  for (const s of stores) await s.notify?.().catch(() => undefined);
}

function failText(r: RestoreReport): string {
  return r.failed.map((f) => `${f.store}${f.key ? ` ${f.key}` : ''}: ${f.error}`).join('; ');
}

/** One line saying what a restore did (for the CLI and the app's log). */
export function restoreSummary(r: RestoreReport, why: string): string {
  const parts: string[] = [];
  const j = r.journal;
  const who = j ? `${j.owner.command} (pid ${j.owner.pid})` : 'MapiScope';
  if (r.restored.length) {
    const stores = [...new Set(r.restored.map((c) => c.store))].join(', ');
    parts.push(`${why}: restored the proxy settings that ${who} had set (${stores})`);
  } else parts.push(`${why}: no proxy setting of ${who} needed restoring`);
  if (r.changedByOthers.length)
    parts.push(
      `left ${r.changedByOthers.length} setting(s) someone else changed since, as they are (${r.changedByOthers
        .map((c) => `${c.store} ${c.key}`)
        .join(', ')})`,
    );
  if (r.failed.length) parts.push(`could not restore ${failText(r)} (kept the journal to retry)`);
  return parts.join('; ');
}

export { describeTarget };
