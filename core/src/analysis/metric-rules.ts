import type { DryRun, MeasurementRetention, Metric } from "../types/analysis.ts";
import { AnalysisSpecError } from "./analysis-spec-error.ts";
import { compileGoRegexp } from "./go-regexp.ts";

function matchRules<R extends { metricName: string }>(
  kind: "dryRun" | "measurementRetention",
  rules: readonly R[] | undefined,
  metrics: readonly Pick<Metric, "name">[],
): Map<string, R> {
  const matched = new Map<string, R>();
  (rules ?? []).forEach((rule, index) => {
    let re: RegExp;
    try {
      re = compileGoRegexp(rule.metricName);
    } catch (e) {
      throw new AnalysisSpecError("SPEC_INVALID", `${kind}[${index}]: ${(e as Error).message}`);
    }
    let hits = 0;
    for (const metric of metrics) {
      if (re.test(metric.name)) {
        matched.set(metric.name, rule);
        hits++;
      }
    }
    if (hits === 0) {
      throw new AnalysisSpecError("SPEC_INVALID", `${kind}[${index}]: Rule didn't match any metric name(s)`);
    }
  });
  return matched;
}

/**
 * Names of the dry-run metrics (`GetDryRunMetrics`): each rule is an unanchored Go regular expression
 * (`.*` marks all); a rule matching no metric is an error.
 */
export function dryRunMetricNames(dryRun: readonly DryRun[] | undefined, metrics: readonly Pick<Metric, "name">[]) {
  return new Set(matchRules("dryRun", dryRun, metrics).keys());
}

/** Argo's `DefaultMeasurementHistoryLimit`. */
export const DEFAULT_MEASUREMENT_HISTORY_LIMIT = 10;

/**
 * How many measurements to keep per metric (`GetMeasurementRetentionMetrics` + garbage collection): the last
 * matching rule's limit when > 0, else 10. A rule matching no metric is an error.
 */
export function measurementRetentionLimits(
  retention: readonly MeasurementRetention[] | undefined,
  metrics: readonly Pick<Metric, "name">[],
): Map<string, number> {
  const rules = matchRules("measurementRetention", retention, metrics);
  const limits = new Map<string, number>();
  for (const metric of metrics) {
    const limit = rules.get(metric.name)?.limit ?? 0;
    limits.set(metric.name, limit > 0 ? limit : DEFAULT_MEASUREMENT_HISTORY_LIMIT);
  }
  return limits;
}
