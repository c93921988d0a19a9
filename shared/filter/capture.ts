/**
 * Filtering a whole capture: the field index fed from the session pass's
 * decodes (`indexer.observe`: the SessionModel's `onDecoded`, or called with
 * the same decode made again later), and the evaluation of
 * a compiled filter over it with each exchange's record.
 */
import type { Exchange } from '../capture/exchange.js';
import type { ExchangeDecode } from '../protocol/decode-exchange.js';
import type { SessionView } from '../session/state.js';
import { FieldCatalog } from './catalog.js';
import { type BulkSource, type CompiledFilter, compileFilterExpression, evaluateBulk, httpFields } from './evaluate.js';
import { decodedFields } from './extract.js';
import { FieldIndex } from './field-index.js';
import type { ExchangeRecord } from './record.js';
import { fieldRegistry } from './registry.js';

let catalog: FieldCatalog | undefined;

/** The registry as a catalog (made once). */
export function fieldCatalog(): FieldCatalog {
  return (catalog ??= new FieldCatalog(fieldRegistry()));
}

export function compileCaptureFilter(src: string): CompiledFilter {
  return compileFilterExpression(src, fieldCatalog());
}

/** Feeds a FieldIndex from the session pass: HTTP heads, then every decoded field with its value. */
export class FieldIndexer {
  readonly index = new FieldIndex();
  readonly observe = (ex: Exchange, d: ExchangeDecode | undefined, view: SessionView | undefined): void => {
    const index = this.index;
    index.begin(ex.id);
    const add = (f: string, v: unknown) => index.add(f, v);
    httpFields({ request: ex.request.headers, response: ex.response?.headers }, add);
    if (d) decodedFields(d, add, view ? { namedPropertyName: (id) => view.namedPropertyName(id) } : {});
  };
}

export interface CaptureFilterSource {
  index: FieldIndex;
  /** Positions to evaluate and the exchange id at each (default: the index's own); for filters that read no index. */
  count?: number;
  idAt?(position: number): number;
  /** The record of the exchange at a position of the index. */
  record(position: number): ExchangeRecord;
  tick?(): boolean;
}

/** Ids of the exchanges that match, in index (capture) order. */
export function filterCapture(f: CompiledFilter, src: CaptureFilterSource): number[] {
  const bulk: BulkSource = { count: src.count ?? src.index.count, index: src.index, record: (i) => src.record(i) };
  if (src.tick) bulk.tick = src.tick;
  const mask = evaluateBulk(f.root, bulk);
  const out: number[] = [];
  const ids = src.index.ids;
  const idAt = src.idAt ?? ((i: number) => ids[i]!);
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(idAt(i));
  return out;
}
