/** One figure a benchmark measured. */
export interface BenchResult {
  /** What was measured, e.g. "kube-sim watch latency p99 (100 watchers, 1000 writes/s)". */
  name: string;
  value: number;
  /** Unit of value, e.g. "ms", "ops/s", "MiB". */
  unit: string;
  /** The target the issue names, in words, e.g. "<= 100 ms". */
  target?: string;
  /** Whether the target was met; absent when there is no target. A missed target is reported, never hidden. */
  ok?: boolean;
}

/** A benchmark module exports `run`. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}
