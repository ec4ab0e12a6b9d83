import type { Measurement, MetricResult } from "../types/analysis.ts";
import { isCompletedPhase } from "./analysis-phase.ts";

export interface RecordOptions {
  /** The measurement finishes the in-flight one (resume or terminate) instead of being a new one. */
  replaceLast?: boolean;
  /** The in-flight measurement was terminated; a Successful or Inconclusive one then says "Metric Terminated". */
  terminated?: boolean;
  /** Whether the metric is dry-run, recorded on a new result. */
  dryRun?: boolean;
  /** RFC 3339 time stamped as `finishedAt` on a completed measurement that has none. */
  now: string;
}

/**
 * Adds a measurement to a metric result and updates its counters (Argo's `runMeasurements`): Successful,
 * Failed and Inconclusive count towards `count`; Error does not, and only moves `error`/`consecutiveError`.
 * Returns a new result; the input is not modified.
 */
export function recordMeasurement(
  previous: MetricResult | undefined,
  metricName: string,
  measurement: Measurement,
  options: RecordOptions,
): MetricResult {
  const result: MetricResult = previous
    ? { ...previous, measurements: [...(previous.measurements ?? [])] }
    : { name: metricName, phase: "Running", dryRun: options.dryRun ?? false, measurements: [] };
  const m: Measurement = { ...measurement };
  if (options.terminated && (m.phase === "Successful" || m.phase === "Inconclusive")) m.message = "Metric Terminated";
  if (isCompletedPhase(m.phase)) {
    m.finishedAt ??= options.now;
    const inc = (v: number | undefined) => (v ?? 0) + 1;
    switch (m.phase) {
      case "Successful":
        result.successful = inc(result.successful);
        result.count = inc(result.count);
        result.consecutiveError = 0;
        result.consecutiveSuccess = inc(result.consecutiveSuccess);
        break;
      case "Failed":
        result.failed = inc(result.failed);
        result.count = inc(result.count);
        result.consecutiveError = 0;
        result.consecutiveSuccess = 0;
        break;
      case "Inconclusive":
        result.inconclusive = inc(result.inconclusive);
        result.count = inc(result.count);
        result.consecutiveError = 0;
        result.consecutiveSuccess = 0;
        break;
      case "Error":
        result.error = inc(result.error);
        result.consecutiveError = inc(result.consecutiveError);
        result.consecutiveSuccess = 0;
        break;
    }
  }
  const list = result.measurements as Measurement[];
  if (options.replaceLast && list.length > 0) list[list.length - 1] = m;
  else list.push(m);
  return result;
}

/** Keeps only the newest `limit` measurements (counters keep the whole history). */
export function trimMeasurements(result: MetricResult, limit: number): MetricResult {
  const list = result.measurements ?? [];
  if (list.length <= limit) return result;
  return { ...result, measurements: list.slice(list.length - limit) };
}
