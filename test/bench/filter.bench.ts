/**
 * Filtering a whole capture on decoded fields (100k exchanges of about 1 GB;
 * 10k with --quick), two ways, beside the list filter on summary fields as
 * the same-run baseline:
 * - the field-value index fed by the session pass: the pass's extra cost, the
 *   index's memory, and the time of a filter over it;
 * - no index: the session pass decoding and matching every exchange, in two
 *   worker threads (sessions split between them), against one thread.
 */
import { Worker } from 'node:worker_threads';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import type { ExchangeSummary } from '../../shared/capture/summary.js';
import { compileFilter } from '../../shared/filter/filter.js';
import { FieldIndexer, compileCaptureFilter, filterCapture as filterIndexed } from '../../shared/filter/index.js';
import { SessionModel } from '../../shared/session/model.js';
import { filterCapture } from './filter-capture.js';
import type { Bench, BenchResult } from './types.js';

const ROWS = 130;
const DECODED = [
  'prop.PidTagSubject contains "Invoice 1036 "',
  'RopQueryRows.RowCount > 0 and session == 7',
  'prop.PidTagSubject matches "(?i)statement 10[0-4]\\\\d "',
  'ReturnValue == ecNullObject',
];
const SUMMARY = 'type:Execute code!=0 session:7';

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(f: () => unknown, rounds = 5): number {
  const t: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function inWorkers(n: number, parts: number, expr: string): Promise<{ ms: number; ids: number; bytes: number }> {
  const t0 = performance.now();
  return Promise.all(
    Array.from(
      { length: parts },
      (_, part) =>
        new Promise<{ ids: number[]; bytes: number }>((resolve, reject) => {
          const w = new Worker(new URL('./filter-worker.mjs', import.meta.url), {
            workerData: { n, rows: ROWS, part, parts, expr },
          });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  ).then((rs) => ({
    ms: performance.now() - t0,
    ids: rs.reduce((a, r) => a + r.ids.length, 0),
    bytes: rs.reduce((a, r) => a + r.bytes, 0),
  }));
}

const bench: Bench = {
  name: 'filter',
  async run({ quick }) {
    const n = quick ? 10_000 : 100_000;
    const out: BenchResult[] = [];
    // Warm-up: every path once.
    {
      const ix = new FieldIndexer();
      const m = new SessionModel({ cacheSize: 0, onDecoded: ix.observe });
      for (const ex of filterCapture(2000, ROWS)) m.add(ex);
    }

    // The session pass alone.
    let bytes = 0;
    let t0 = performance.now();
    {
      const m = new SessionModel({ cacheSize: 0 });
      for (const ex of filterCapture(n, ROWS)) {
        bytes += ex.request.body.length + (ex.response?.body.length ?? 0);
        m.add(ex);
      }
    }
    const plainMs = performance.now() - t0;

    // The session pass feeding the index (and the list rows, for the summary baseline).
    const h0 = heapMB();
    const indexer = new FieldIndexer();
    const model = new SessionModel({ cacheSize: 0 });
    const h1 = heapMB();
    const withIndex = new SessionModel({ cacheSize: 0, onDecoded: indexer.observe });
    const summaries: ExchangeSummary[] = [];
    t0 = performance.now();
    for (const ex of filterCapture(n, ROWS)) {
      const c = withIndex.add(ex);
      const s = summarizeExchange(ex);
      if (c.session !== undefined) s.session = c.session;
      summaries.push(s);
    }
    const indexedMs = performance.now() - t0;
    void model;
    const indexHeap = heapMB() - h1;
    void h0;
    const facts = withIndex.facts();
    const stats = indexer.index.stats();

    // Baseline: the list filter on summary fields over the same rows.
    const list = compileFilter(SUMMARY);
    let summaryHits = 0;
    const summaryMs = time(() => (summaryHits = summaries.filter(list.test).length));

    const mb = bytes / 1048576;
    for (const expr of DECODED) {
      const f = compileCaptureFilter(expr);
      let hits = 0;
      const ms = time(
        () =>
          (hits = filterIndexed(f, {
            index: indexer.index,
            record: (i) => ({ summary: summaries[i]!, facts: facts[i]! }),
          }).length),
      );
      out.push({
        name: `decoded-field filter from the index: ${expr}`,
        value: ms,
        unit: 'ms',
        baseline: { name: `summary-field filter "${SUMMARY}", same rows`, value: summaryMs },
        ratio: ms / summaryMs,
        note: `${hits} of ${n} match (summary filter: ${summaryHits}); goal ≤ 3000 ms; ${mb.toFixed(0)} MB capture`,
      });
    }

    out.push(
      {
        name: `session pass feeding the field index (${n} exchanges, ${mb.toFixed(0)} MB)`,
        value: indexedMs,
        unit: 'ms',
        baseline: { name: 'the same pass without the index', value: plainMs },
        ratio: indexedMs / plainMs,
        note: `${stats.fields} fields, ${stats.values} distinct values, ${stats.postings} (field value, exchange) pairs`,
      },
      {
        name: 'field index memory (heap growth of the pass with the index)',
        value: indexHeap,
        unit: 'MB',
        note: `${((indexHeap * 1048576) / n).toFixed(0)} bytes per exchange, model facts included${(globalThis as { gc?: unknown }).gc ? '' : '; no --expose-gc, figures include garbage'}`,
      },
    );

    // No index: decode and match every exchange, sessions split over worker threads.
    const expr = DECODED[0]!;
    const one = await inWorkers(n, 1, expr);
    const two = await inWorkers(n, 2, expr);
    out.push({
      name: `decoded-field filter without an index: session pass decoding and matching in 2 worker threads`,
      value: two.ms,
      unit: 'ms',
      baseline: { name: 'the same in 1 worker thread', value: one.ms },
      ratio: two.ms / one.ms,
      note: `${two.ids} match (1 thread: ${one.ids}); ${(two.bytes / 1048576 / (two.ms / 1000)).toFixed(0)} MB/s; goal ≤ 3000 ms`,
    });
    return out;
  },
};

export default bench;
