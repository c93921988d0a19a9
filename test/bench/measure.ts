/** Small measuring helpers shared by the benchmarks. */

export const MB = 1024 * 1024;

let sinkValue = 0;
/** Keeps a result alive so the optimiser cannot drop the work that produced it. */
export function consume(x: number): void {
  sinkValue ^= x;
}
/** The accumulated sink (print it only if it is a value that never occurs, to keep it observable). */
export function sink(): number {
  return sinkValue;
}

/** Calls `f` repeatedly for about `ms` milliseconds after a warm-up of `warmupMs`; returns calls per second. */
export function rate(f: () => void, ms: number, warmupMs = 0): number {
  for (let i = 0; i < 3; i++) f();
  const w0 = performance.now();
  while (performance.now() - w0 < warmupMs) f();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    f();
    n++;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/**
 * As `rate`, but calls per CPU-second of this process: on a machine other processes load, the time spent
 * waiting for a core is left out, so a figure and its same-run baseline (both measured this way) stay comparable.
 */
export function cpuRate(f: () => void, ms: number, warmupMs = 0): number {
  for (let i = 0; i < 3; i++) f();
  const w0 = cpuMs();
  while (cpuMs() - w0 < warmupMs) f();
  let n = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    f();
    n++;
    t = cpuMs();
  }
  return (n * 1000) / (t - t0);
}

/** The baseline of touching every byte once: a running checksum over the same bodies. */
export function checksum(bodies: readonly Uint8Array[]): void {
  let s = 0;
  for (const b of bodies) for (let i = 0; i < b.length; i++) s = (s + b[i]!) | 0;
  consume(s);
}

/** CPU time of this process in ms: on a shared machine, time spent waiting for a core is not ours. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Reads a whole file sequentially in 1 MiB blocks (the disk floor of any pass over it); returns its wall ms. */
export async function sequentialReadMs(file: string): Promise<number> {
  const { open } = await import('node:fs/promises');
  const t0 = performance.now();
  const fh = await open(file, 'r');
  const buf = Buffer.allocUnsafe(MB);
  let sum = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (!bytesRead) break;
      sum += buf[0]!;
    }
  } finally {
    await fh.close();
  }
  consume(sum);
  return performance.now() - t0;
}
