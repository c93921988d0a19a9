/** The shape every benchmark module exports (test/bench/<name>.bench.ts). */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same work done the plain way, measured in the same run. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or as stated in `note`). */
  ratio?: number;
  note?: string;
}

export interface Bench {
  name: string;
  run(opts: { quick: boolean }): Promise<BenchResult[]>;
}
