/**
 * Export with name redaction on real MAPI traffic: the ruler ⇄ gromox captures
 * (test/fixtures/gromox-ruler cap1 + cap2, 57 exchanges with Connect, Execute,
 * NSPI, NotificationWait) repeated into one capture file, exported to HAR the
 * way `mapiscope export --redact-names` does (a first pass that finds the
 * names, then the redacted export). Baseline, same run, same file: the default
 * export (credentials and cookies redacted, no names).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '../../shared/capture/exchange.js';
import { CaptureWriter } from '../../electron/backend/store/capture-file.js';
import { loadBodyFolder } from '../../electron/backend/store/body-folder.js';
import { exportToFile } from '../../electron/backend/store/export.js';
import type { Bench, BenchResult } from './types.js';

const MB = 1024 * 1024;
const FIXTURES = fileURLToPath(new URL('../fixtures/gromox-ruler/', import.meta.url));

function realTraffic(): Exchange[] {
  return ['cap1', 'cap2'].flatMap((c) => loadBodyFolder(join(FIXTURES, c)).exchanges);
}

/** `copies` of the real exchanges, ids and times shifted so every copy follows the last. */
function* repeated(base: readonly Exchange[], copies: number): Generator<Exchange> {
  const span = 3_600_000;
  for (let k = 0; k < copies; k++)
    for (const [i, ex] of base.entries()) {
      const dt = k * span;
      const t = ex.timings;
      yield {
        ...ex,
        id: k * base.length + i + 1,
        connectionId: k * 1000 + ex.connectionId,
        timings: {
          requestStart: t.requestStart + dt,
          ...(t.requestEnd !== undefined ? { requestEnd: t.requestEnd + dt } : {}),
          ...(t.responseHeaders !== undefined ? { responseHeaders: t.responseHeaders + dt } : {}),
          ...(t.responseEnd !== undefined ? { responseEnd: t.responseEnd + dt } : {}),
        },
        ...(ex.response
          ? { response: { ...ex.response, chunks: ex.response.chunks.map((c) => ({ ...c, time: c.time + dt })) } }
          : {}),
      };
    }
}

const bench: Bench = {
  name: 'redact',
  async run({ quick }) {
    const results: BenchResult[] = [];
    const base = realTraffic();
    const copies = quick ? 20 : 200;
    const dir = mkdtempSync(join(tmpdir(), 'redact-bench-'));
    try {
      const capPath = join(dir, 'real.mscap');
      const cw = await CaptureWriter.create(capPath, {}, { syncIntervalMs: 60000 });
      let bodies = 0;
      for (const ex of repeated(base, copies)) {
        bodies += ex.request.body.length + (ex.response?.body.length ?? 0);
        await cw.append(ex);
      }
      await cw.close();
      const exchanges = base.length * copies;
      const run = async (names: boolean, out: string) => {
        const t = performance.now();
        const r = await exportToFile(capPath, join(dir, out), { format: 'har', redact: true, discoverNames: names });
        return { s: (performance.now() - t) / 1000, r };
      };
      await run(true, 'warm.har'); // warm-up: both code paths compiled before timing
      // Alternating rounds, so drift on a shared machine hits both alike.
      const plain: number[] = [];
      const named: number[] = [];
      let last: Awaited<ReturnType<typeof run>> | undefined;
      for (let round = 0; round < (quick ? 1 : 2); round++) {
        plain.push((await run(false, 'plain.har')).s);
        last = await run(true, 'named.har');
        named.push(last.s);
      }
      const best = (l: number[]) => Math.min(...l);
      results.push({
        name: `export → HAR with --redact-names, real MAPI traffic (${exchanges} exchanges, ${(bodies / MB).toFixed(1)} MB of bodies)`,
        value: exchanges / best(named),
        unit: 'exchanges/s',
        baseline: { name: 'the same export without names (default redaction)', value: exchanges / best(plain) },
        ratio: best(plain) / best(named),
        note: `${(bodies / MB / best(named)).toFixed(2)} MB/s of bodies; ${last?.r.discoveredNames ?? 0} names found, ${last?.r.redaction?.counts.name ?? 0} replacements; HAR ${(statSync(join(dir, 'named.har')).size / MB).toFixed(1)} MB`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};

export default bench;
