import type { FieldIssue } from "../field-issue.ts";
import type { Metric } from "../types/analysis.ts";
import { parseGoDuration } from "./go-duration.ts";
import { intOrStringValue, isSet } from "./int-or-string.ts";

/** Provider keys Argo Rollouts knows; `plugin` holds one entry per plugin. */
export const METRIC_PROVIDERS = [
  "prometheus",
  "job",
  "web",
  "wavefront",
  "kayenta",
  "datadog",
  "newRelic",
  "cloudWatch",
  "graphite",
  "influxdb",
  "skywalking",
  "plugin",
] as const;

/**
 * Every rule of Argo's `ValidateMetric` the metric breaks, in Argo's order, each with the metric field it is
 * about (relative to the metric, e.g. `count`). Argo reports only the first; the hub shows them all.
 */
export function metricRuleIssues(metric: Metric): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const count = intOrStringValue(metric.count);
  const failureLimit = isSet(metric.failureLimit) ? intOrStringValue(metric.failureLimit) : 0;
  const inconclusiveLimit = isSet(metric.inconclusiveLimit) ? intOrStringValue(metric.inconclusiveLimit) : 0;
  const successLimit = isSet(metric.consecutiveSuccessLimit) ? intOrStringValue(metric.consecutiveSuccessLimit) : 0;

  if (count > 0) {
    if (failureLimit >= 0 && successLimit > 0 && count < failureLimit + successLimit) {
      issues.push({ field: "count", message: "count must be >= failureLimit + consecutiveSuccessLimit" });
    } else if (failureLimit >= 0 && count < failureLimit) {
      issues.push({ field: "count", message: "count must be >= failureLimit" });
    } else if (failureLimit < 0 && count < successLimit) {
      issues.push({ field: "count", message: "count must be >= consecutiveSuccessLimit" });
    }
    if (count < inconclusiveLimit) issues.push({ field: "count", message: "count must be >= inconclusiveLimit" });
  }
  if (count > 1 && !metric.interval) {
    issues.push({ field: "interval", message: "interval must be specified when count > 1" });
  }
  if (metric.interval) {
    try {
      parseGoDuration(metric.interval);
    } catch (e) {
      issues.push({ field: "interval", message: `invalid interval string: ${(e as Error).message}` });
    }
  }
  if (metric.initialDelay) {
    try {
      parseGoDuration(metric.initialDelay);
    } catch (e) {
      // Argo still calls the field by its old name here.
      issues.push({ field: "initialDelay", message: `invalid startDelay string: ${(e as Error).message}` });
    }
  }
  if (failureLimit < -1) issues.push({ field: "failureLimit", message: "failureLimit must be >= -1" });
  if (inconclusiveLimit < 0) {
    issues.push({ field: "inconclusiveLimit", message: "inconclusiveLimit must be >= 0" });
  }
  if (isSet(metric.consecutiveErrorLimit) && intOrStringValue(metric.consecutiveErrorLimit) < 0) {
    issues.push({ field: "consecutiveErrorLimit", message: "consecutiveErrorLimit must be >= 0" });
  }
  if (successLimit < 0) {
    issues.push({ field: "consecutiveSuccessLimit", message: "consecutiveSuccessLimit must be >= 0" });
  }
  if (failureLimit === -1 && successLimit === 0) {
    issues.push({
      field: "consecutiveSuccessLimit",
      message: "consecutiveSuccessLimit must be > 0 when failureLimit is -1 (disabled)",
    });
  }
  const provider = metric.provider;
  let providers = 0;
  if (typeof provider === "object" && provider !== null) {
    for (const key of METRIC_PROVIDERS) {
      const body = provider[key];
      if (body === undefined || body === null) continue;
      providers += key === "plugin" && typeof body === "object" ? Object.keys(body).length : 1;
    }
  }
  if (providers === 0) issues.push({ field: "provider", message: "no provider specified" });
  if (providers > 1) issues.push({ field: "provider", message: "multiple providers specified" });
  return issues;
}

/** Argo's `ValidateMetric`: the first broken rule's message, or `undefined` for a valid metric. */
export function validateMetric(metric: Metric): string | undefined {
  return metricRuleIssues(metric)[0]?.message;
}

/**
 * Argo's `ValidateMetrics`: `no metrics specified`, `metrics[i]: duplicate name 'x'`, or `metrics[i]: <rule>`;
 * `undefined` when all metrics are valid.
 */
export function validateMetrics(metrics: readonly Metric[]): string | undefined {
  if (metrics.length === 0) return "no metrics specified";
  const names = new Set<string>();
  for (const [i, metric] of metrics.entries()) {
    if (names.has(metric.name)) return `metrics[${i}]: duplicate name '${metric.name}'`;
    names.add(metric.name);
    const message = validateMetric(metric);
    if (message !== undefined) return `metrics[${i}]: ${message}`;
  }
  return undefined;
}
