import type { AnalysisRun, Measurement, Metric } from "@bellwether/core";

/** What a provider gets for one measurement: the run and the metric with every argument (secrets too) resolved. */
export interface MeasurementContext {
  run: AnalysisRun;
  metric: Metric;
  /** RFC 3339, second precision, as Kubernetes writes times. */
  now(): string;
}

/**
 * A metric provider (Argo's `metricproviders.Provider`): takes a measurement, resumes an in-flight one, or
 * terminates it. A thrown error becomes an Error measurement carrying the message; providers never decide the run.
 */
export interface MetricProvider {
  readonly type: string;
  run(ctx: MeasurementContext): Promise<Measurement>;
  resume(ctx: MeasurementContext, measurement: Measurement): Promise<Measurement>;
  terminate(ctx: MeasurementContext, measurement: Measurement): Promise<Measurement>;
}

/** Kubernetes-style time: RFC 3339 without fractional seconds. */
export function kubeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
