import type { AnalysisPhase, AnalysisRun, Metric, MetricResult, RunSummary } from "../types/analysis.ts";
import { isCompletedPhase, isWorsePhase } from "./analysis-phase.ts";
import { AnalysisSpecError } from "./analysis-spec-error.ts";
import { assessMetricLimits, assessMetricStatus } from "./assess-metric-status.ts";
import { isTerminating } from "./is-terminating.ts";
import { dryRunMetricNames, measurementRetentionLimits } from "./metric-rules.ts";
import { resolveMetricsWithoutSecrets } from "./resolve-args.ts";
import { validateMetrics } from "./validate-metric.ts";

/** A Kubernetes Event the controller should record, as Argo's recorder does. */
export interface AnalysisEvent {
  type: "Normal" | "Warning";
  /** `Metric<Phase>` or `AnalysisRun<Phase>`. */
  reason: string;
  message: string;
}

export interface RunAssessment {
  phase: AnalysisPhase;
  /** Run message: `Metric "x" assessed Failed due to failed (2) > failureLimit (1)`, "" while running. */
  message: string;
  /** The metric results with phases (and messages) brought up to date, in the run's order. */
  metricResults: MetricResult[];
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
  /** Events for metrics that just completed and for the run completing now (empty when nothing changed). */
  events: AnalysisEvent[];
}

const eventType = (phase: AnalysisPhase): AnalysisEvent["type"] =>
  phase === "Error" || phase === "Failed" ? "Warning" : "Normal";

function completionEvent(phase: AnalysisPhase): AnalysisEvent {
  return { type: eventType(phase), reason: `AnalysisRun${phase}`, message: `Analysis Completed. Result: ${phase}` };
}

const emptySummary = (): RunSummary => ({ count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 });

function tally(summary: RunSummary, phase: AnalysisPhase): void {
  if (phase === "Error") summary.error++;
  else if (phase === "Failed") summary.failed++;
  else if (phase === "Inconclusive") summary.inconclusive++;
  else summary.successful++;
}

function specError(run: AnalysisRun, message: string): RunAssessment {
  return {
    phase: "Error",
    message,
    metricResults: [...(run.status?.metricResults ?? [])],
    runSummary: run.status?.runSummary ?? emptySummary(),
    dryRunSummary: run.status?.dryRunSummary ?? emptySummary(),
    events: [completionEvent("Error")],
  };
}

/**
 * The verdict of an AnalysisRun (Argo's `reconcileAnalysisRun` checks + `assessRunStatus`): arguments must
 * resolve and the spec be valid (else Error); each metric is assessed; while any metric is incomplete the run
 * is Running (unless terminating); then the worst non-dry-run metric wins, order
 * Successful < Running < Pending < Inconclusive < Error < Failed, ties to the first in spec order.
 * A run already completed keeps its phase.
 */
export function assessRunStatus(analysisRun: AnalysisRun): RunAssessment {
  const run = analysisRun;
  const status = run.status ?? {};
  if (isCompletedPhase(status.phase)) {
    return {
      phase: status.phase as AnalysisPhase,
      message: status.message ?? "",
      metricResults: [...(status.metricResults ?? [])],
      runSummary: status.runSummary ?? emptySummary(),
      dryRunSummary: status.dryRunSummary ?? emptySummary(),
      events: [],
    };
  }
  const specMetrics: Metric[] = Array.isArray(run.spec?.metrics) ? run.spec.metrics : [];
  let metrics: Metric[];
  try {
    metrics = resolveMetricsWithoutSecrets(specMetrics, run.spec?.args ?? []);
  } catch (e) {
    if (e instanceof AnalysisSpecError) return specError(run, `Unable to resolve metric arguments: ${e.message}`);
    throw e;
  }
  const invalid = validateMetrics(metrics);
  if (invalid !== undefined) return specError(run, `Analysis spec invalid: ${invalid}`);
  let dryRun: Set<string>;
  try {
    dryRun = dryRunMetricNames(run.spec.dryRun, metrics);
    measurementRetentionLimits(run.spec.measurementRetention, metrics);
  } catch (e) {
    if (e instanceof AnalysisSpecError) return specError(run, `Analysis spec invalid: ${e.message}`);
    throw e;
  }

  const terminating = isTerminating(run);
  const results = [...(status.metricResults ?? [])];
  let worst: AnalysisPhase | undefined;
  let message = run.spec.terminate ? "Run Terminated" : "";
  let everythingCompleted = true;
  const runSummary = emptySummary();
  const dryRunSummary = emptySummary();
  const events: AnalysisEvent[] = [];

  for (const metric of metrics) {
    const isDryRun = dryRun.has(metric.name);
    if (isDryRun) dryRunSummary.count++;
    else runSummary.count++;
    const index = results.findIndex((r) => r.name === metric.name);
    if (index < 0) {
      // Not started yet (e.g. waiting for its initial delay).
      everythingCompleted = false;
      continue;
    }
    let result = results[index] as MetricResult;
    const metricStatus = assessMetricStatus(metric, result, terminating);
    if (result.phase !== metricStatus) {
      const last = result.measurements?.[result.measurements.length - 1];
      result = { ...result, phase: metricStatus, ...(last ? { message: last.message ?? "" } : {}) };
      if (result.message === "") delete result.message;
      results[index] = result;
      if (isCompletedPhase(metricStatus)) {
        events.push({
          type: eventType(metricStatus),
          reason: `Metric${metricStatus}`,
          message: `Metric '${metric.name}' Completed. Result: ${metricStatus}`,
        });
      }
    }
    if (!isCompletedPhase(metricStatus)) {
      everythingCompleted = false;
      continue;
    }
    const limit = assessMetricLimits(metric, result);
    if (!isDryRun) {
      if (worst === undefined || isWorsePhase(worst, metricStatus)) {
        worst = metricStatus;
        if (limit.message !== undefined) {
          message = `Metric "${metric.name}" assessed ${metricStatus} due to ${limit.message}`;
          if (result.message) message += `: "Error Message: ${result.message}"`;
        }
      }
      tally(runSummary, limit.phase ?? "Successful");
    } else {
      worst ??= "Successful";
      if (limit.message !== undefined) {
        results[index] = { ...result, message: `Metric assessed ${metricStatus} due to ${limit.message}` };
      }
      tally(dryRunSummary, limit.phase ?? "Successful");
    }
  }
  message = message.trim();
  let phase: AnalysisPhase;
  if (terminating) phase = worst ?? "Successful";
  else if (!everythingCompleted || worst === undefined) {
    phase = "Running";
    message = "";
  } else phase = worst;
  if (isCompletedPhase(phase) && phase !== status.phase) events.push(completionEvent(phase));
  return { phase, message, metricResults: results, runSummary, dryRunSummary, events };
}
