/**
 * `probe --repeat N --interval T`: the same probe again and again, then the
 * latency of each step over the runs (nearest-rank percentiles of the
 * successful runs) and how often it failed.
 */
import { type ProbeOptions, type ProbeRun, probe } from './probe.js';
import { type LatencyStats, STEP_NAMES, type StepId } from '../../../shared/api/probe.js';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function latencyOf(runs: readonly ProbeRun[]): LatencyStats[] {
  const ids = [...new Set(runs.flatMap((r) => r.steps.map((s) => s.id)))] as StepId[];
  return ids.map((id) => {
    const steps = runs.map((r) => r.steps.find((s) => s.id === id)).filter((s) => s !== undefined);
    const ok = steps
      .filter((s) => s.result === 'Succeeded' && s.durationMs !== undefined)
      .map((s) => s.durationMs!)
      .sort((a, b) => a - b);
    const out: LatencyStats = {
      step: id,
      name: STEP_NAMES[id],
      runs: steps.filter((s) => s.result !== 'Skipped').length,
      failures: steps.filter((s) => s.result === 'Failed').length,
    };
    const p50 = percentile(ok, 50);
    if (p50 !== undefined) {
      out.p50 = p50;
      out.p90 = percentile(ok, 90)!;
      out.p99 = percentile(ok, 99)!;
      out.max = ok.at(-1)!;
    }
    return out;
  });
}

/** "30s", "500ms", "2m" → ms. */
export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an interval (e.g. 30s, 500ms, 2m)`);
  const n = Number(m[1]);
  return Math.round(n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000));
}

export async function probeSeries(
  opts: ProbeOptions,
  count: number,
  intervalMs: number,
  onRun?: (run: ProbeRun, index: number) => void,
  signal?: AbortSignal,
): Promise<ProbeRun[]> {
  const runs: ProbeRun[] = [];
  for (let i = 0; i < count; i++) {
    if (signal?.aborted) break;
    const started = Date.now();
    const r = await probe({ ...opts, ...(signal ? { signal } : {}) });
    runs.push(r);
    onRun?.(r, i);
    if (i + 1 < count) {
      const wait = Math.max(0, intervalMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  return runs;
}
