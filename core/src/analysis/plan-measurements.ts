import type { AnalysisRun, Measurement, Metric, MetricResult } from "../types/analysis.ts";
import { isCompletedPhase } from "./analysis-phase.ts";
import { effectiveCount } from "./effective-count.ts";
import { parseGoDuration } from "./go-duration.ts";
import { isTerminating } from "./is-terminating.ts";
import { resolveMetricsWithoutSecrets } from "./resolve-args.ts";

/** Argo's `DefaultErrorRetryInterval`: an Error measurement is retried after 10 s whatever the interval. */
export const ERROR_RETRY_INTERVAL_MS = 10_000;

export interface MeasurementTask {
  /** The metric as written in the run (arguments still to be resolved, secrets included, by the caller). */
  metric: Metric;
  /** Set when an in-flight measurement must be resumed, or terminated when `terminate` is true. */
  incomplete?: Measurement;
  terminate?: boolean;
}

export interface MeasurementPlan {
  /** Measurements to take (or resume, or terminate) now. */
  tasks: MeasurementTask[];
  /** When to look at the run again, in ms from `now`; `null` when nothing is scheduled. */
  requeueAfterMs: number | null;
}

function time(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function duration(text: string): number | null {
  try {
    return parseGoDuration(text);
  } catch {
    return null;
  }
}

/**
 * Which measurements are due and when to requeue (Argo's `generateMetricTasks` + `calculateNextReconcileTime`):
 * a completed metric is skipped; an in-flight measurement is resumed at its `resumeAt` (or terminated while the
 * run terminates); no new measurement starts while terminating; the first waits for `startedAt +
 * initialDelay`; later ones come `interval` after the previous `finishedAt` (10 s after an Error) until the
 * effective count is reached.
 */
export function planMeasurements(run: AnalysisRun, now: Date | number): MeasurementPlan {
  const nowMs = typeof now === "number" ? now : now.getTime();
  const specMetrics = Array.isArray(run.spec?.metrics) ? run.spec.metrics : [];
  let metrics: Metric[];
  try {
    metrics = resolveMetricsWithoutSecrets(specMetrics, run.spec.args ?? []);
  } catch {
    // The assessment reports unresolvable arguments; nothing can be measured.
    return { tasks: [], requeueAfterMs: null };
  }
  const terminating = isTerminating(run);
  const startedAt = time(run.status?.startedAt);
  const results = new Map<string, MetricResult>((run.status?.metricResults ?? []).map((r) => [r.name, r]));
  const tasks: MeasurementTask[] = [];
  let wakeAt: number | null = null;
  const wake = (t: number) => {
    if (wakeAt === null || t < wakeAt) wakeAt = t;
  };

  metrics.forEach((metric, i) => {
    const specMetric = specMetrics[i] as Metric;
    const result = results.get(metric.name);
    if (result && isCompletedPhase(result.phase)) return;
    const measurements = result?.measurements ?? [];
    const last = measurements[measurements.length - 1];

    if (last !== undefined && last.finishedAt === undefined) {
      const resumeAt = time(last.resumeAt);
      if (!terminating && resumeAt !== null && resumeAt > nowMs) {
        wake(resumeAt);
        return;
      }
      tasks.push({ metric: specMetric, incomplete: last, ...(terminating ? { terminate: true } : {}) });
      return;
    }
    if (terminating) return;
    if (last === undefined) {
      if (metric.initialDelay) {
        if (startedAt === null) return;
        const delay = duration(metric.initialDelay);
        if (delay === null) return;
        if (startedAt + delay > nowMs) {
          wake(startedAt + delay);
          return;
        }
      }
      tasks.push({ metric: specMetric });
      return;
    }
    const count = effectiveCount(metric);
    if (count !== null && (result?.count ?? 0) >= count) return;
    let interval = ERROR_RETRY_INTERVAL_MS;
    if (last.phase !== "Error" && metric.interval) {
      const parsed = duration(metric.interval);
      if (parsed === null) return;
      interval = parsed;
    } else if (last.phase !== "Error" && !metric.interval) {
      // No interval and no error: nothing more to take for this metric.
      return;
    }
    const finishedAt = time(last.finishedAt) ?? nowMs;
    const dueAt = finishedAt + interval;
    if (nowMs > dueAt) tasks.push({ metric: specMetric });
    else wake(dueAt);
  });

  const at = wakeAt as number | null;
  return { tasks, requeueAfterMs: at === null ? null : Math.max(0, at - nowMs) };
}
