/**
 * The session model's forward pass over a synthetic capture of 100k exchanges
 * (10k with --quick): sessions of Connect, Logon, OpenFolder + GetContentsTable
 * + SetColumns, 20 × QueryRows (rows need the model's columns), NotificationWait,
 * PING, Release, Disconnect, each session with its own cookies. Exchanges are
 * generated on the fly so only the model's own memory is measured.
 *
 * Baselines in the same run: summarizing the same exchanges (the list view's
 * work) and decoding them without a model (the decoders' own cost).
 */
import type { Exchange, RawHeader } from '../../shared/capture/exchange.js';
import { summarizeExchange } from '../../shared/protocol/summary.js';
import { diagnoseModel, rules } from '../../shared/diagnose/index.js';
import { decodeExchange } from '../../shared/protocol/decode-exchange.js';
import { SessionModel } from '../../shared/session/model.js';
import { FOLDER_HANDLE, LOGON_HANDLE, ROPS, ScriptedClient, TABLE_HANDLE } from '../unit/session/helpers.js';
import type { Bench, BenchResult } from './types.js';

const NONE = 0xffffffff;

/** One healthy session of 27 exchanges. */
export function template(): Exchange[] {
  const c = new ScriptedClient();
  c.connect();
  c.execute(ROPS.logonReq, [NONE], ROPS.logonResp, [LOGON_HANDLE]);
  c.execute(
    `${ROPS.openFolderReq(0, 1)} ${ROPS.contentsTableReq(1, 2)} ${ROPS.setColumnsReq(2)}`,
    [LOGON_HANDLE, NONE, NONE],
    `${ROPS.openFolderResp(1)} ${ROPS.contentsTableResp(2)} ${ROPS.setColumnsResp(2)}`,
    [LOGON_HANDLE, FOLDER_HANDLE, TABLE_HANDLE],
  );
  for (let i = 0; i < 20; i++) c.execute(ROPS.queryRowsReq(0), [TABLE_HANDLE], ROPS.queryRowsResp(0), [TABLE_HANDLE]);
  c.notificationWait({ duration: 2000, elapsed: 1990 });
  c.ping();
  c.execute(ROPS.releaseReq(0), [TABLE_HANDLE], '', [TABLE_HANDLE]);
  c.disconnect();
  return c.exchanges;
}

const rewrite = (hs: readonly RawHeader[], k: number): RawHeader[] =>
  hs.map((h) =>
    /cookie/i.test(h.name)
      ? { name: h.name, value: h.value.replace(/ctx1\b/g, `ctx${k}`).replace(/seq(\d+)/g, `s${k}q$1`) }
      : h,
  );

/** Template exchange `t` as exchange `id` of session copy `k` (its own cookies, connection and times shifted by `dt`). */
export function sessionCopy(t: Exchange, id: number, k: number, dt: number): Exchange {
  return {
    ...t,
    id,
    connectionId: k + 1,
    timings: {
      requestStart: t.timings.requestStart + dt,
      ...(t.timings.requestEnd !== undefined ? { requestEnd: t.timings.requestEnd + dt } : {}),
      ...(t.timings.responseHeaders !== undefined ? { responseHeaders: t.timings.responseHeaders + dt } : {}),
      ...(t.timings.responseEnd !== undefined ? { responseEnd: t.timings.responseEnd + dt } : {}),
    },
    request: { ...t.request, headers: rewrite(t.request.headers, k) },
    ...(t.response
      ? {
          response: {
            ...t.response,
            headers: rewrite(t.response.headers, k),
            chunks: t.response.chunks.map((c) => ({ ...c, time: c.time + dt })),
          },
        }
      : {}),
  };
}

/** Time from a template's first request to the next copy's (its span plus a second). */
export const templateSpan = (tpl: readonly Exchange[]): number =>
  tpl[tpl.length - 1]!.timings.requestStart - tpl[0]!.timings.requestStart + 1000;

/** `n` exchanges: session k is the template with its own cookies, ids and times. */
export function* synthetic(n: number, tpl: readonly Exchange[]): Generator<Exchange> {
  const span = templateSpan(tpl);
  for (let id = 1, k = 0; id <= n; k++)
    for (const t of tpl) {
      if (id > n) return;
      yield sessionCopy(t, id, k, k * span);
      id++;
    }
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

const bench: Bench = {
  name: 'session',
  async run({ quick }) {
    const n = quick ? 10_000 : 100_000;
    const tpl = template();
    const out: BenchResult[] = [];

    // Warm-up: every code path once, so the first measured phase does not pay for the JIT alone.
    {
      const w = new SessionModel({ cacheSize: 0 });
      for (const ex of synthetic(2000, tpl)) {
        summarizeExchange(ex);
        decodeExchange(ex);
        w.add(ex);
      }
    }

    // Baseline 1: summaries (what the exchange list computes per exchange).
    let t0 = performance.now();
    const h0 = heapMB();
    const summaries = [];
    for (const ex of synthetic(n, tpl)) summaries.push(summarizeExchange(ex));
    const summaryRate = n / ((performance.now() - t0) / 1000);
    const summaryHeap = heapMB() - h0;
    summaries.length = 0;

    // Baseline 2: decoding alone, no model (QueryRows rows stay undecoded for lack of columns).
    t0 = performance.now();
    let errors = 0;
    for (const ex of synthetic(n, tpl)) errors += decodeExchange(ex).response?.errors.length ?? 0;
    const decodeRate = n / ((performance.now() - t0) / 1000);

    // Baseline 3: decoding with a fixed context provider that knows the table's columns
    // (the decoders' cost when rows do decode, without any session bookkeeping).
    const fixed = {
      session: {
        columnsForHandle: (h: number) => (h === TABLE_HANDLE ? [0x0037001f, 0x0e080003] : undefined),
        logonFlags: () => 1,
      },
    };
    t0 = performance.now();
    for (const ex of synthetic(n, tpl)) decodeExchange(ex, fixed);
    const decodeCtxRate = n / ((performance.now() - t0) / 1000);

    // Facts alone (no tree cache), measured first and dropped.
    const h2 = heapMB();
    let lean: SessionModel | undefined = new SessionModel({ cacheSize: 0 });
    for (const ex of synthetic(n, tpl)) lean.add(ex);
    const leanHeap = heapMB() - h2;
    const leanCount = lean.count;
    lean = undefined;

    // The forward pass: grouping, cookies, ROP state, one decode each with context.
    const h1 = heapMB();
    t0 = performance.now();
    const model = new SessionModel({ cacheSize: 64 });
    for (const ex of synthetic(n, tpl)) model.add(ex);
    const passMs = performance.now() - t0;
    const passRate = n / (passMs / 1000);
    const modelHeap = heapMB() - h1;

    const withContext = model.facts().filter((f) => f.missingContext?.length).length;

    t0 = performance.now();
    const findings = diagnoseModel(model);
    const diagMs = performance.now() - t0;

    // Showing an exchange: cached lookup vs a fresh decode with its versioned context.
    const probe = [...synthetic(200, tpl)].slice(-64);
    t0 = performance.now();
    for (let r = 0; r < 50; r++) for (const ex of probe) model.cachedDecode(ex.id);
    const lookupUs = ((performance.now() - t0) * 1000) / (50 * probe.length);
    t0 = performance.now();
    for (const ex of probe) decodeExchange(ex, model.contextFor(ex) ?? {});
    const redecodeUs = ((performance.now() - t0) * 1000) / probe.length;

    out.push(
      {
        name: `forward pass (${n} exchanges, ${model.sessions().length} sessions)`,
        value: passRate,
        unit: 'exchanges/s',
        baseline: { name: 'decodeExchange alone, no model', value: decodeRate },
        ratio: passRate / decodeRate,
        note: `${(passMs / 1000).toFixed(1)} s; without the model ${errors} decode errors (rows lack columns), with it ${withContext} exchanges miss context`,
      },
      {
        name: 'forward pass vs decoding with a fixed context',
        value: passRate,
        unit: 'exchanges/s',
        baseline: { name: 'decodeExchange with a static columns provider', value: decodeCtxRate },
        ratio: passRate / decodeCtxRate,
        note: 'the cost of the session bookkeeping itself',
      },
      {
        name: 'forward pass vs summaries',
        value: passRate,
        unit: 'exchanges/s',
        baseline: { name: 'summarizeExchange', value: summaryRate },
        ratio: passRate / summaryRate,
      },
      {
        name: 'model heap after the pass',
        value: modelHeap,
        unit: 'MB',
        baseline: { name: 'the summaries of the same exchanges', value: summaryHeap },
        ratio: modelHeap / Math.max(0.001, summaryHeap),
        note: `${((modelHeap * 1048576) / n).toFixed(0)} bytes per exchange (facts for all, trees for the last 64); ${((leanHeap * 1048576) / leanCount).toFixed(0)} with no tree cache${(globalThis as { gc?: unknown }).gc ? '' : '; no --expose-gc, figures include garbage'}`,
      },
      {
        name: `diagnose (${rules.length} rules) over the model`,
        value: diagMs,
        unit: 'ms',
        baseline: { name: 'the forward pass', value: passMs },
        ratio: diagMs / passMs,
        note: `${findings.length} findings`,
      },
      {
        name: 'show an exchange: cached decode lookup',
        value: lookupUs,
        unit: 'µs',
        baseline: { name: 're-decode with its versioned context', value: redecodeUs },
        ratio: lookupUs / redecodeUs,
      },
    );
    return out;
  },
};

export default bench;
