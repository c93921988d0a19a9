/**
 * The `filter` backend service: the field registry for the UI, and filters
 * over every field of the open capture, answered from the field index
 * (session-service.ts builds it after the session pass, on the first filter
 * that reads a decoded or HTTP field). A run waits for the pass (and that
 * index) when it is not done yet, telling its progress (`filter-progress`
 * events, about ten a second) and stopping when cancelled.
 *
 * RPC methods (typed in shared/api/contract.ts):
 * - `filter.fields` {} → { fields, tables } — the registry, enum name tables shared by reference
 * - `filter.run` { expr, runId? } → { ids, evaluated, total, errors, ms }
 * - `filter.cancel` { runId } → { cancelled }
 * - `filter.values` { field, prefix?, limit? } → { values } — values seen in the capture (completion)
 * - `filter.columns` { field, ids } → { values: { [id]: string } } — a field as a list column
 */
import type { FilterFieldsDto, FilterRunResult } from '../../shared/api/contract.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import {
  type ExchangeRecord,
  type FieldInfo,
  FilterCancelled,
  compileCaptureFilter,
  decodedFieldMap,
  fieldCatalog,
  fieldRegistry,
  fieldValues,
  filterCapture,
  httpFields,
  keysOf,
  valueKey,
} from '../../shared/filter/index.js';
import { decodeExchange } from '../../shared/protocol/decode-exchange.js';
import { knownErrorName } from '../../shared/protocol/oxcdata/errors.js';
import type { SessionInfo } from '../../shared/session/types.js';
import type { Backend, BackendService } from './backend.js';
import { ApiError, textParam } from './rpc.js';
import type { SessionService } from './session-service.js';

/** How often a run that waits for the session pass reports progress. */
const PROGRESS_MS = 100;

let fieldsDto: FilterFieldsDto | undefined;

/** The registry with its enum tables by reference (hundreds of RopId fields share one ROP name table). */
export function filterFieldsDto(): FilterFieldsDto {
  if (fieldsDto) return fieldsDto;
  const tables: Record<string, Readonly<Record<number, string>>> = {};
  const ids = new Map<object, string>();
  const fields = fieldRegistry().map((f) => {
    if (!f.names) return f;
    let id = ids.get(f.names);
    if (!id) {
      id = `t${ids.size}`;
      ids.set(f.names, id);
      tables[id] = f.names;
    }
    const { names: _names, ...rest } = f;
    return { ...rest, namesRef: id };
  });
  return (fieldsDto = { fields, tables });
}

/** Text of a value as a list cell or a completion. */
function cellText(f: FieldInfo, v: unknown): string {
  if (f.names && typeof v === 'number' && f.names[v] !== undefined) return f.names[v];
  if (f.type === 'error' && typeof v === 'number')
    return knownErrorName(v) ?? `0x${(v >>> 0).toString(16).toUpperCase()}`;
  const k = valueKey(v);
  return k === undefined ? '' : String(k);
}

export class FilterService implements BackendService {
  readonly name = 'filter';
  private readonly cancelled = new Set<string>();
  private backend?: Backend;

  constructor(private readonly sessions: SessionService) {}

  register(backend: Backend): void {
    this.backend = backend;
    const rpc = backend.rpc;
    rpc.method('filter.fields', async () => filterFieldsDto());
    rpc.method('filter.run', async (p) => this.run(p as { expr?: unknown; runId?: unknown }));
    rpc.method('filter.cancel', async (p) => {
      const runId = textParam((p as { runId?: unknown }).runId);
      this.cancelled.add(runId);
      return { cancelled: true };
    });
    rpc.method('filter.values', async (p) => {
      const q = p as { field?: unknown; prefix?: unknown; limit?: unknown };
      const f = fieldCatalog().resolve(textParam(q.field));
      if (!f) throw new ApiError('bad-request', `unknown field "${String(q.field)}"`);
      // Values come from the index as built so far; the first completion starts building it.
      void this.sessions.indexAll().catch(() => undefined);
      const { indexer } = this.sessions.fieldIndex();
      const prefix = textParam(q.prefix).toLowerCase();
      const out = new Set<string>();
      for (const k of keysOf(f) ?? [])
        for (const v of indexer.index.topValues(k, 200)) {
          const t = cellText(f, v);
          if (t && t.toLowerCase().startsWith(prefix)) out.add(t);
        }
      return { values: [...out].slice(0, Number(q.limit ?? 50)) };
    });
    rpc.method('filter.columns', async (p) => this.columns(p as { field?: unknown; ids?: unknown }));
  }

  private async run(p: { expr?: unknown; runId?: unknown }): Promise<FilterRunResult> {
    const expr = typeof p.expr === 'string' ? p.expr : '';
    const runId = typeof p.runId === 'string' ? p.runId : '';
    const t0 = Date.now();
    const f = compileCaptureFilter(expr);
    if (f.errors.length) return { ids: [], evaluated: 0, total: 0, errors: f.errors, ms: 0 };
    try {
      await this.waitForPass(runId, f.needs.decoded);
      const { indexer, model } = this.sessions.fieldIndex();
      const ws = this.backend!.workspace;
      const facts = model.facts();
      let sessions: SessionInfo[] | undefined;
      const ids = filterCapture(f, {
        index: indexer.index,
        // A filter on list and session fields only needs no index: every exchange the pass fed is a position.
        ...(f.needs.decoded ? {} : { count: facts.length, idAt: (i: number) => facts[i]!.id }),
        record: (i) => {
          const r: ExchangeRecord = {};
          const s = ws.summaryAt(i);
          if (s) r.summary = s;
          const fx = facts[i];
          if (fx) {
            r.facts = fx;
            if (fx.session !== undefined && f.needs.session) {
              sessions ??= model.sessions();
              const si = sessions[fx.session - 1];
              if (si) r.session = si;
            }
          }
          return r;
        },
        tick: () => this.cancelled.has(runId),
      });
      const evaluated = f.needs.decoded ? indexer.index.count : facts.length;
      return { ids, evaluated, total: ws.count, errors: [], ms: Date.now() - t0 };
    } catch (e) {
      if (e instanceof FilterCancelled) throw new ApiError('failed', 'filter cancelled');
      throw e;
    } finally {
      this.cancelled.delete(runId);
    }
  }

  /**
   * Feeds the rest of the session pass (and, for `indexed`, builds the rest of the field index), reporting
   * progress and honouring a cancel. Progress counts both: exchanges fed, plus exchanges indexed for a filter
   * that needs the index (its total is then twice the exchanges).
   */
  private async waitForPass(runId: string, indexed: boolean): Promise<void> {
    const done = () => {
      const { fed, total } = this.sessions.progress();
      if (!indexed) return { fed, total };
      return { fed: fed + this.sessions.indexProgress().indexed, total: 2 * total };
    };
    const emit = (finished: boolean) => {
      const { fed, total } = done();
      this.backend!.events.emit({ type: 'filter-progress', data: { runId, fed, total, done: finished } });
    };
    const sleep = () => new Promise((r) => setTimeout(r, PROGRESS_MS));
    for (;;) {
      const { fed, total } = done();
      if (fed >= total) break;
      // feedAll / indexAll may settle before the end (content replaced meanwhile): ask again until every exchange
      // is in, and never without giving the event loop a turn (a pass that makes no progress must not spin).
      await Promise.race([indexed ? this.sessions.indexAll() : this.sessions.feedAll(), sleep()]);
      if (done().fed === fed) await sleep();
      if (this.cancelled.has(runId)) throw new FilterCancelled('filter cancelled');
      emit(false);
    }
    emit(true);
  }

  /** Values of one field for the list rows on screen (decoded per row; a screen is a few dozen rows). */
  private async columns(p: { field?: unknown; ids?: unknown }): Promise<{ values: Record<string, string> }> {
    const f = fieldCatalog().resolve(textParam(p.field));
    if (!f) throw new ApiError('bad-request', `unknown field "${String(p.field)}"`);
    const ids = Array.isArray(p.ids) ? p.ids.slice(0, 500).map(Number) : [];
    const ws = this.backend!.workspace;
    const { model } = this.sessions.fieldIndex();
    const out: Record<string, string> = {};
    const keys = keysOf(f);
    for (const id of ids) {
      const i = ws.indexOf(id);
      if (i === undefined) continue;
      const r: ExchangeRecord = {};
      const s = ws.summaryAt(i);
      if (s) r.summary = s;
      const fx = model.factsOf(id);
      if (fx) r.facts = fx;
      if (fx?.session !== undefined) {
        const si = model.session(fx.session);
        if (si) r.session = si;
      }
      let fields: Map<string, unknown[]> | undefined;
      if (keys) {
        const ex: Exchange | undefined = await ws.get(id);
        if (!ex) continue;
        fields = new Map();
        if (keys.some((k) => k.startsWith('http.')))
          httpFields({ request: ex.request.headers, response: ex.response?.headers }, (k, v) => {
            const l = fields!.get(k) ?? [];
            l.push(v);
            fields!.set(k, l);
          });
        else {
          const view = model.viewFor(id);
          const d = decodeExchange(ex, view ? { session: view } : {}, { tree: false });
          fields = decodedFieldMap(d, view ? { namedPropertyName: (pid) => view.namedPropertyName(pid) } : {});
        }
      }
      const vals = fieldValues(f, { record: r, ...(fields ? { fields } : {}) });
      if (vals.length) out[String(id)] = [...new Set(vals.map((v) => cellText(f, v)))].join(', ');
    }
    return { values: out };
  }
}
