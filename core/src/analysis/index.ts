/** Analysis: the condition language, measurement verdicts, metric and run assessment, scheduling, validation. */
export type * from "../types/analysis.ts";
export type * from "../types/experiment.ts";
export {
  ANALYSIS_STATUS_ORDER,
  isCompletedPhase,
  isWorsePhase,
  worstPhase,
} from "./analysis-phase.ts";
export { AnalysisSpecError, type AnalysisSpecErrorCode } from "./analysis-spec-error.ts";
export {
  assessMetricLimits,
  assessMetricStatus,
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  type LimitVerdict,
} from "./assess-metric-status.ts";
export { type AnalysisEvent, assessRunStatus, type RunAssessment } from "./assess-run-status.ts";
export { type AnalysisRunSources, buildAnalysisRunSpec } from "./build-analysis-run-spec.ts";
export { effectiveCount } from "./effective-count.ts";
export {
  type CompiledCondition,
  compileCondition,
  conditionCacheSize,
  evaluateCondition,
} from "./evaluate-condition.ts";
export { evaluateResult, isNilOrEmptyResult, type ResultVerdict } from "./evaluate-result.ts";
export { evaluateTime } from "./evaluate-time.ts";
export { ExpressionError, type ExpressionErrorCode } from "./expr/expression-error.ts";
export { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from "./expr/limits.ts";
export { DurationError, parseGoDuration } from "./go-duration.ts";
export { compileGoRegexp, GoRegexpError } from "./go-regexp.ts";
export { intOrStringValue } from "./int-or-string.ts";
export { isTerminating } from "./is-terminating.ts";
export {
  DEFAULT_MEASUREMENT_HISTORY_LIMIT,
  dryRunMetricNames,
  measurementRetentionLimits,
} from "./metric-rules.ts";
export {
  ERROR_RETRY_INTERVAL_MS,
  type MeasurementPlan,
  type MeasurementTask,
  planMeasurements,
} from "./plan-measurements.ts";
export { type RecordOptions, recordMeasurement, trimMeasurements } from "./record-measurement.ts";
export { mergeArgs, resolveArgs, resolveMetricArgs, resolveMetricsWithoutSecrets } from "./resolve-args.ts";
export { validateAnalysisTemplate } from "./validate-analysis-template.ts";
export { METRIC_PROVIDERS, metricRuleIssues, validateMetric, validateMetrics } from "./validate-metric.ts";
