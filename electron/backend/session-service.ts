/**
 * The `sessions` backend service: keeps a SessionModel fed from the
 * workspace (live exchanges and whole files), gives every decode its session
 * context, and serves sessions, timelines and findings over RPC.
 *
 * Live exchanges ('exchange' events) are fed at once; after 'exchanges-reset'
 * (file opened, cleared) the model starts over and is fed in one forward pass
 * in the background, in slices (a decode feeds up to its exchange first). An
 * opened capture file is streamed from the file for this, one exchange at a
 * time, so the pass holds no more than the model's facts. Feeding
 * fills in `ExchangeSummary.session` of the workspace's list rows, and
 * `findings.list` their `severity`.
 *
 * The field-value index (filters on decoded fields, value completion) is not
 * fed by the pass: it is built on first need, after the pass, by decoding each
 * exchange again with its versioned session context (the same values the pass
 * saw), and kept up to date on each later need. A capture nobody filters on a
 * decoded field pays neither its time nor its memory.
 *
 * RPC methods:
 * - `sessions.list` {} → { total, items: SessionInfo[] }
 * - `sessions.get` { id } → { session: SessionInfo, timeline: TimelineItem[], handles: HandleSummary[] }
 * - `findings.list` { session?, severity?, exchangeId? } → { total, items: Finding[] }
 */
import type { HandleSummaryDto } from '../../shared/api/contract.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import { type Finding, diagnoseModel, severityByExchange } from '../../shared/diagnose/index.js';
import { type ExchangeDecode, decodeExchange } from '../../shared/protocol/decode-exchange.js';
import { annotateHandles } from '../../shared/session/annotate.js';
import { namedPropertiesIn } from '../../shared/session/named-labels.js';
import { FieldIndexer } from '../../shared/filter/capture.js';
import { SessionModel } from '../../shared/session/model.js';
import type { HandleRecord } from '../../shared/session/types.js';
import type { Backend, BackendService } from './backend.js';
import { ApiError } from './rpc.js';

/** One handle of `sessions.get` (shared/api/contract.ts). */
export type HandleSummary = HandleSummaryDto;

function handleSummary(h: HandleRecord): HandleSummary {
  const out: HandleSummary = { handle: h.handle, kind: h.kind };
  if (h.createdBy) out.createdBy = h.createdBy;
  if (h.parent !== undefined) out.parent = h.parent;
  if (h.logonId !== undefined) out.logonId = h.logonId;
  if (h.releasedBy) out.releasedBy = h.releasedBy;
  const cols = h.columns[h.columns.length - 1]?.value;
  if (cols) out.columns = cols;
  if (h.fastTransfer) out.fastTransfer = h.fastTransfer;
  if (h.subscription) out.subscription = h.subscription;
  return out;
}

export interface SessionServiceOptions {
  /** Decoded trees the model keeps (the backend's decode cache keeps its own DTOs). */
  cacheSize?: number;
}

export class SessionService implements BackendService {
  readonly name = 'sessions';
  private model: SessionModel;
  /** The field-value index, built on demand (one position per exchange indexed, in workspace order). */
  private indexer = new FieldIndexer();
  private fed = 0;
  /** Exchanges indexed so far (≤ fed). */
  private indexed = 0;
  private findings: Finding[] | undefined;
  private off?: () => void;
  private workspace?: Backend['workspace'];

  constructor(private readonly opts: SessionServiceOptions = {}) {
    this.model = new SessionModel({ cacheSize: opts.cacheSize ?? 16 });
  }

  register(backend: Backend): void {
    this.workspace = backend.workspace;
    this.off = backend.events.on((e) => {
      if (e.type === 'exchanges-reset') {
        this.reset();
        // A file was opened: run the pass in the background, in slices, so the API stays responsive.
        void this.feedAll()
          .then(() => this.announce(backend))
          .catch((err: unknown) =>
            backend.events.emit({
              type: 'log',
              data: {
                level: 'error',
                message: `session analysis stopped: ${err instanceof Error ? err.message : String(err)}`,
              },
            }),
          );
      } else if (e.type === 'exchange') {
        // Live: feed at once so the row carries its session number (cheap: one decode, needed for context anyway).
        this.ensure().catch(() => undefined);
      }
    });
    // Context is the state *before* an exchange: feeding up to it is enough, so selecting an early
    // exchange of a large file does not wait for the whole pass.
    backend.decodes.contextFor = async (ex: Exchange) => {
      const i = backend.workspace.indexOf(ex.id);
      await this.ensure(i === undefined ? undefined : i + 1);
      return this.model.contextFor(ex);
    };
    backend.decodes.annotate = (ex: Exchange, d: ExchangeDecode) => {
      const f = this.model.factsOf(ex.id);
      if (f) annotateHandles(d, f);
    };
    // In ROP context only: NSPI's ids from 0x8000 are fixed address-book properties.
    backend.decodes.namedProperties = (ex: Exchange, d: ExchangeDecode) => {
      const view = d.requestType === 'Execute' ? this.model.viewFor(ex.id) : undefined;
      if (!view) return undefined;
      const nameOf = (id: number) => view.namedPropertyName(id);
      const out: Record<number, string> = {};
      if (d.request) namedPropertiesIn(d.request.tree, nameOf, out);
      if (d.response) namedPropertiesIn(d.response.tree, nameOf, out);
      return out;
    };
    const rpc = backend.rpc;
    rpc.method('sessions.list', async () => {
      await this.feedAll();
      const items = this.current().sessions();
      return { total: items.length, items };
    });
    rpc.method('sessions.get', async (p) => {
      await this.feedAll();
      const id = Number((p as { id?: unknown }).id);
      const m = this.current();
      const session = m.session(id);
      if (!session) throw new ApiError('not-found', `no session ${String((p as { id?: unknown }).id)}`);
      return { session, timeline: m.timeline(id), handles: m.handles(id).map(handleSummary) };
    });
    rpc.method('findings.list', async (p) => {
      await this.feedAll();
      const q = p ?? {};
      let items = this.allFindings();
      if (q.session !== undefined) items = items.filter((f) => f.session === Number(q.session));
      if (q.severity !== undefined) items = items.filter((f) => f.severity === q.severity);
      if (q.exchangeId !== undefined) items = items.filter((f) => f.evidence.includes(Number(q.exchangeId)));
      return { total: items.length, items };
    });
  }

  status(): Record<string, never> {
    return {};
  }

  async dispose(): Promise<void> {
    this.off?.();
  }

  /** The model after every exchange of the workspace was fed (for services that join other data to it). */
  async analysed(): Promise<SessionModel> {
    await this.feedAll();
    return this.current();
  }

  /** The model as fed so far (every exchange after `feedAll()`). */
  current(): SessionModel {
    this.catchUp();
    return this.model;
  }

  /**
   * Feeds what is in memory at once; exchanges served by a file follow in the sliced background pass
   * (one unsliced stream over a large file would hold the event loop, and every RPC with it).
   */
  private catchUp(): void {
    const ws = this.workspace;
    if (ws && (this.streaming > 0 || this.fed < ws.onDisk)) void this.feedAll().catch(() => undefined);
    else this.ensure().catch(() => undefined);
  }

  /**
   * The field index as built so far, with the model it belongs to (both replaced on a reset). It covers
   * the first `indexProgress().indexed` exchanges; `indexAll()` builds the rest.
   */
  fieldIndex(): { indexer: FieldIndexer; model: SessionModel } {
    return { indexer: this.indexer, model: this.model };
  }

  /** Exchanges in the field index so far, of `total` in the workspace. */
  indexProgress(): { indexed: number; total: number } {
    return { indexed: this.indexed, total: this.workspace?.count ?? 0 };
  }

  private indexing: Promise<void> | undefined;

  /**
   * Runs the session pass to the end, then indexes every exchange not indexed yet, in slices of
   * `slice` exchanges (yielding to the event loop between them). Settles early when the content
   * is replaced meanwhile: callers check `indexProgress()` and ask again.
   */
  indexAll(slice = 500): Promise<void> {
    if (this.indexing) return this.indexing;
    let run: Promise<void> | undefined = undefined;
    run = (async () => {
      await Promise.resolve();
      try {
        await this.feedAll();
        const ws = this.workspace;
        if (!ws) return;
        const model = this.model;
        const indexer = this.indexer;
        const gen = ws.generation;
        while (this.indexed < this.fed) {
          const from = this.indexed;
          const to = Math.min(this.fed, from + slice);
          let i = from;
          for await (const ex of ws.iterate(from, to)) {
            if (this.model !== model || ws.generation !== gen) return;
            this.indexOne(model, indexer, ex);
            this.indexed = ++i;
          }
          if (i < to) return; // the content shrank (replaced) meanwhile
          await new Promise<void>((r) => setImmediate(r));
          if (this.model !== model || ws.generation !== gen) return;
        }
      } finally {
        if (this.indexing === run) this.indexing = undefined;
      }
    })();
    this.indexing = run;
    return run;
  }

  /** The values the pass decoded for `ex` (values only, with its session as it was before it), into the index. */
  private indexOne(model: SessionModel, indexer: FieldIndexer, ex: Exchange): void {
    const view = model.viewFor(ex.id);
    let d: ExchangeDecode | undefined;
    try {
      d = decodeExchange(ex, view ? { session: view } : {}, { tree: false });
    } catch {
      d = undefined; // the pass recorded this failure in the exchange's facts; its HTTP fields are indexed still
    }
    try {
      indexer.observe(ex, d, view);
    } catch {
      // one exchange's failure must not stop the index
    }
  }

  /** Exchanges fed to the model so far, of `total` in the workspace. */
  progress(): { fed: number; total: number } {
    return { fed: this.fed, total: this.workspace?.count ?? 0 };
  }

  allFindings(): Finding[] {
    this.catchUp();
    if (!this.findings) {
      this.findings = diagnoseModel(this.model);
      this.markSeverities(this.findings);
    }
    return this.findings;
  }

  private reset(): void {
    this.indexer = new FieldIndexer();
    this.model = new SessionModel({ cacheSize: this.opts.cacheSize ?? 16 });
    this.fed = 0;
    this.indexed = 0;
    this.findings = undefined;
  }

  /** Feeds from a file in progress, one after another. */
  private chain: Promise<void> = Promise.resolve();
  private streaming = 0;

  /**
   * Feeds the model up to `upTo` workspace exchanges (all by default). Exchanges in memory (live,
   * import) are fed at once, before this returns; those served by a capture file (an opened one,
   * the older part of a live capture) are streamed from it, one at a time, and the promise tells
   * when they are in.
   */
  private ensure(upTo?: number): Promise<void> {
    const ws = this.workspace;
    if (!ws) return Promise.resolve();
    if (ws.count < this.fed) this.reset();
    const end = Math.min(ws.count, upTo ?? ws.count);
    if (this.streaming === 0 && this.fed >= ws.onDisk) {
      if (this.fed < end) this.feedSync(end);
      return Promise.resolve();
    }
    if (this.fed >= end) return this.chain;
    this.streaming++;
    const run = this.chain.then(() => this.feedStream(end)).finally(() => this.streaming--);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private feedSync(end: number): void {
    const ws = this.workspace!;
    for (let i = this.fed; i < end; i++) this.feedOne(ws, ws.resident(i)!, i);
    this.fed = end;
    this.findings = undefined;
  }

  /** Streams positions fed … end - 1 from the workspace; stops if the content is replaced. */
  private async feedStream(end: number): Promise<void> {
    const ws = this.workspace!;
    const model = this.model;
    const gen = ws.generation;
    const to = Math.min(end, ws.count);
    if (this.fed >= to) return;
    let i = this.fed;
    for await (const ex of ws.iterate(i, to)) {
      if (this.model !== model || ws.generation !== gen) return;
      this.feedOne(ws, ex, i);
      this.fed = ++i;
      this.findings = undefined;
    }
  }

  private feedOne(ws: NonNullable<SessionService['workspace']>, ex: Exchange, i: number): void {
    const ctx = this.model.add(ex);
    // The list rows (ExchangeSummary.session) are the workspace's own objects: fill in the session number.
    const row = ws.summaryAt(i);
    if (row && row.id === ctx.exchangeId) {
      if (ctx.session !== undefined) row.session = ctx.session;
      if (ctx.facts.ropNames?.length) row.rops = ctx.facts.ropNames;
      if (ctx.facts.requestType && !row.requestType) row.requestType = ctx.facts.requestType;
    }
  }

  private feeding: Promise<void> | undefined;

  /** The whole forward pass in slices of `slice` exchanges, yielding to the event loop between them. */
  feedAll(slice = 500): Promise<void> {
    if (this.feeding) return this.feeding;
    let run: Promise<void> | undefined = undefined;
    run = (async () => {
      // Yield first: a pass with nothing to feed would otherwise finish (and clear `feeding`) before
      // `feeding` is set, leaving a settled promise there that every later call would return.
      await Promise.resolve();
      try {
        for (;;) {
          const total = this.workspace?.count ?? 0;
          if (this.fed >= total) break;
          // Content replaced meanwhile (a reset): the loop goes on with the new content.
          await this.ensure(this.fed + slice);
          await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        if (this.feeding === run) this.feeding = undefined;
      }
    })();
    this.feeding = run;
    return run;
  }

  /** Tells the UI that sessions and severities are ready after a background pass. */
  private announce(backend: Backend): void {
    const findings = this.allFindings();
    backend.events.emit({
      type: 'analysis-ready',
      data: { sessions: this.model.sessions().length, findings: findings.length, exchanges: this.fed },
    });
  }

  /** Marks each list row with the highest severity of the findings that cite it. */
  private markSeverities(findings: readonly Finding[]): void {
    const ws = this.workspace;
    if (!ws) return;
    const sev = severityByExchange(findings);
    for (const row of ws.list().items) {
      const s = sev.get(row.id);
      if (s) row.severity = s;
      else delete row.severity;
    }
  }
}

export function sessionService(opts: SessionServiceOptions = {}): SessionService {
  return new SessionService(opts);
}
