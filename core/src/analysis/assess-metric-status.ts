import type { AnalysisPhase, Metric, MetricResult } from "../types/analysis.ts";
import { isCompletedPhase } from "./analysis-phase.ts";
import { effectiveCount } from "./effective-count.ts";
import { intOrStringValue, isSet } from "./int-or-string.ts";

/** Argo's `defaults.DefaultConsecutiveErrorLimit`. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export interface LimitVerdict {
  /** Failed, Inconclusive or Error when a limit tripped; absent otherwise. */
  phase?: AnalysisPhase;
  /** E.g. `failed (2) > failureLimit (1)`. */
  message?: string;
}

/**
 * Which limit a metric result broke (`assessMetricFailureInconclusiveOrError`). The checks run Failed,
 * Inconclusive, Error and a later one overrides an earlier one, so Error > Inconclusive > Failed.
 */
export function assessMetricLimits(metric: Metric, result: MetricResult): LimitVerdict {
  let verdict: LimitVerdict = {};
  const failureLimit = isSet(metric.failureLimit) ? intOrStringValue(metric.failureLimit) : 0;
  const failed = result.failed ?? 0;
  // failureLimit -1 turns the check off (consecutiveSuccessLimit then decides).
  if (failureLimit >= 0 && failed > failureLimit) {
    verdict = { phase: "Failed", message: `failed (${failed}) > failureLimit (${failureLimit})` };
  }
  const inconclusiveLimit = isSet(metric.inconclusiveLimit) ? intOrStringValue(metric.inconclusiveLimit) : 0;
  const inconclusive = result.inconclusive ?? 0;
  if (inconclusive > inconclusiveLimit) {
    verdict = {
      phase: "Inconclusive",
      message: `inconclusive (${inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`,
    };
  }
  const errorLimit = isSet(metric.consecutiveErrorLimit)
    ? intOrStringValue(metric.consecutiveErrorLimit)
    : DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  const consecutiveError = result.consecutiveError ?? 0;
  if (consecutiveError > errorLimit) {
    verdict = {
      phase: "Error",
      message: `consecutiveErrors (${consecutiveError}) > consecutiveErrorLimit (${errorLimit})`,
    };
  }
  return verdict;
}

/**
 * The phase of one metric (`assessMetricStatus`), in Argo's order: a completed phase is kept; no measurement ⇒
 * Pending (Successful when terminating); an in-flight measurement ⇒ Running; a tripped limit; the
 * consecutive-success limit reached ⇒ Successful; the count reached ⇒ Successful (Inconclusive or Failed when a
 * consecutive-success limit was required and not met); otherwise Running (Successful when terminating).
 */
export function assessMetricStatus(metric: Metric, metricResult: MetricResult, terminating: boolean): AnalysisPhase {
  if (isCompletedPhase(metricResult.phase)) return metricResult.phase;
  const measurements = metricResult.measurements ?? [];
  const last = measurements[measurements.length - 1];
  if (last === undefined) return terminating ? "Successful" : "Pending";
  if (!isCompletedPhase(last.phase)) return "Running";

  const limit = assessMetricLimits(metric, metricResult);
  if (limit.phase !== undefined) return limit.phase;

  const successLimit = isSet(metric.consecutiveSuccessLimit) ? intOrStringValue(metric.consecutiveSuccessLimit) : 0;
  if (successLimit > 0 && (metricResult.consecutiveSuccess ?? 0) >= successLimit) return "Successful";

  const count = effectiveCount(metric);
  if (count !== null && (metricResult.count ?? 0) >= count) {
    if (successLimit > 0) {
      const failureLimit = isSet(metric.failureLimit) ? intOrStringValue(metric.failureLimit) : 0;
      // With a failure limit in play as well the outcome is undecided; on its own the unmet limit is a failure.
      return failureLimit >= 0 ? "Inconclusive" : "Failed";
    }
    return "Successful";
  }
  return terminating ? "Successful" : "Running";
}
