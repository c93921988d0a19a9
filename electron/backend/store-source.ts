/**
 * A MapiScope capture file as the workspace's ExchangeStore: the list summaries from one
 * streaming pass, the exchanges read through the index when needed (store/capture-file.ts).
 */
import { stat } from 'node:fs/promises';
import type { ExchangeSummary } from '../../shared/capture/summary.js';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import { detectFormat, iterateExchanges } from './store/load.js';
import { ApiError } from './rpc.js';
import { type OpenCapture, openCapture } from './store/capture-file.js';
import type { ExchangeStore } from './workspace.js';

/** The first `n` exchanges of an open capture as a store (the workspace owns it: close() closes the file). */
export function captureStore(c: OpenCapture, n = c.count): ExchangeStore {
  return {
    at: (i) => (i < n ? c.at(i) : Promise.reject(new RangeError(`no exchange at position ${i}`))),
    read: (from, to) => c.read(from, Math.min(to, n)),
    close: () => c.close(),
  };
}

export interface StoreOpenResult {
  store: ExchangeStore;
  summaries: ExchangeSummary[];
  format: string;
  warnings: string[];
}

/**
 * Opens a MapiScope capture for reading on demand: the summaries from one streaming pass (the
 * same pass, warnings and partial-read rule as `openAny`), the exchanges through the index.
 * Undefined when `p` is not a capture this can serve (another format, a folder, a file the
 * index reader refuses): the caller loads it into memory instead.
 */
export async function openStore(p: string): Promise<StoreOpenResult | undefined> {
  const st = await stat(p).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  if ((await detectFormat(p).catch(() => undefined)) !== 'capture') return undefined;
  const c = await openCapture(p).catch(() => undefined);
  if (!c) return undefined;
  const warnings: string[] = [];
  const summaries: ExchangeSummary[] = [];
  let format = 'capture';
  try {
    for await (const ex of iterateExchanges(p, { warnings })) summaries.push(summarizeExchange(ex));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (summaries.length === 0) {
      await c.close();
      throw new ApiError('bad-request', msg);
    }
    format = 'partial';
    warnings.push(`read stopped: ${msg}`);
  }
  // The pass and the index agree on the records up to where either stops (a file still being
  // written may have grown since the index was read: what is past it is left out).
  const n = Math.min(summaries.length, c.count);
  summaries.length = n;
  for (let i = 0; i < n; i++) {
    if (c.ids[i] !== summaries[i]!.id) {
      await c.close();
      return undefined;
    }
  }
  return { store: captureStore(c, n), summaries, format, warnings };
}
