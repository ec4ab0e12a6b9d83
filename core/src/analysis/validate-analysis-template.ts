import type { FieldIssue } from "../field-issue.ts";
import type { Metric } from "../types/analysis.ts";
import { compileCondition } from "./evaluate-condition.ts";
import { ExpressionError } from "./expr/expression-error.ts";
import { compileGoRegexp } from "./go-regexp.ts";
import { metricRuleIssues } from "./validate-metric.ts";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const hasPlaceholder = (v: unknown) => typeof v === "string" && v.includes("{{");

function checkIntOrString(value: unknown, field: string, issues: FieldIssue[]): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "number" && Number.isInteger(value)) return true;
  if (typeof value === "string" && (/^[+-]?\d+$/.test(value) || hasPlaceholder(value))) return true;
  issues.push({ field, message: "must be an integer (or a string holding one, or an {{args.*}} placeholder)" });
  return false;
}

function checkCondition(value: unknown, field: string, issues: FieldIssue[]): void {
  if (value === undefined || value === null || value === "") return;
  if (typeof value !== "string") {
    issues.push({ field, message: "must be a string" });
    return;
  }
  // Placeholders are substituted when the run starts; the text is only checkable then.
  if (hasPlaceholder(value)) return;
  try {
    compileCondition(value);
  } catch (e) {
    if (e instanceof ExpressionError) issues.push({ field, message: e.message });
    else throw e;
  }
}

const INT_FIELDS = ["count", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit"];

function validateMetricAt(raw: unknown, at: string, issues: FieldIssue[]): void {
  if (!isObject(raw)) {
    issues.push({ field: at, message: "must be an object" });
    return;
  }
  if (typeof raw.name !== "string" || raw.name === "") issues.push({ field: `${at}.name`, message: "is required" });
  let typesOk = true;
  for (const key of ["interval", "initialDelay"]) {
    if (raw[key] !== undefined && typeof raw[key] !== "string") {
      issues.push({ field: `${at}.${key}`, message: "must be a duration string such as 30s or 5m" });
      typesOk = false;
    }
  }
  for (const key of INT_FIELDS) typesOk = checkIntOrString(raw[key], `${at}.${key}`, issues) && typesOk;
  checkCondition(raw.successCondition, `${at}.successCondition`, issues);
  checkCondition(raw.failureCondition, `${at}.failureCondition`, issues);
  if (raw.provider !== undefined && !isObject(raw.provider)) {
    issues.push({ field: `${at}.provider`, message: "must be an object" });
    return;
  }
  if (!typesOk) return;
  // Fields still holding placeholders are judged after substitution, when the run starts.
  const concrete: Obj = { ...raw, provider: raw.provider ?? {} };
  for (const key of [...INT_FIELDS, "interval", "initialDelay"]) {
    if (hasPlaceholder(concrete[key])) delete concrete[key];
  }
  for (const issue of metricRuleIssues(concrete as unknown as Metric)) {
    issues.push({ field: `${at}.${issue.field}`, message: issue.message });
  }
}

function validateMetricNameRules(
  kind: "dryRun" | "measurementRetention",
  label: string,
  raw: unknown,
  metricNames: string[] | null,
  issues: FieldIssue[],
): void {
  if (raw === undefined || raw === null) return;
  const at = `spec.${kind}`;
  if (!Array.isArray(raw)) {
    issues.push({ field: at, message: "must be a list" });
    return;
  }
  const seen = new Set<string>();
  raw.forEach((rule, i) => {
    const ruleAt = `${at}[${i}]`;
    if (!isObject(rule) || typeof rule.metricName !== "string" || rule.metricName === "") {
      issues.push({ field: `${ruleAt}.metricName`, message: "is required" });
      return;
    }
    const name = rule.metricName;
    if (seen.has(name)) {
      issues.push({ field: `${ruleAt}.metricName`, message: `two ${label} metric rules have the same name '${name}'` });
    }
    seen.add(name);
    if (kind === "measurementRetention" && (!Number.isInteger(rule.limit) || (rule.limit as number) < 0)) {
      issues.push({ field: `${ruleAt}.limit`, message: "must be an integer >= 0" });
    }
    let re: RegExp;
    try {
      re = compileGoRegexp(name);
    } catch (e) {
      issues.push({ field: `${ruleAt}.metricName`, message: (e as Error).message });
      return;
    }
    if (metricNames !== null && !metricNames.some((m) => re.test(m))) {
      issues.push({ field: `${ruleAt}.metricName`, message: "Rule didn't match any metric name(s)" });
    }
  });
}

function validateArgs(raw: unknown, issues: FieldIssue[]): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    issues.push({ field: "spec.args", message: "must be a list" });
    return;
  }
  const seen = new Set<string>();
  raw.forEach((arg, i) => {
    const at = `spec.args[${i}]`;
    if (!isObject(arg) || typeof arg.name !== "string" || arg.name === "") {
      issues.push({ field: `${at}.name`, message: "is required" });
      return;
    }
    if (seen.has(arg.name)) issues.push({ field: `${at}.name`, message: `duplicate argument name '${arg.name}'` });
    seen.add(arg.name);
    if (arg.value !== undefined && typeof arg.value !== "string") {
      issues.push({ field: `${at}.value`, message: "must be a string" });
    }
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      issues.push({ field: `${at}.valueFrom`, message: "value and valueFrom are mutually exclusive" });
    }
    if (arg.valueFrom !== undefined) {
      const from = arg.valueFrom;
      const ref = isObject(from) ? from.secretKeyRef : undefined;
      if (!isObject(from) || (from.secretKeyRef === undefined && from.fieldRef === undefined)) {
        issues.push({ field: `${at}.valueFrom`, message: "must set secretKeyRef or fieldRef" });
      } else if (ref !== undefined && (!isObject(ref) || typeof ref.name !== "string" || typeof ref.key !== "string")) {
        issues.push({ field: `${at}.valueFrom.secretKeyRef`, message: "needs a name and a key" });
      }
    }
  });
}

/**
 * Validates an AnalysisTemplate or ClusterAnalysisTemplate (or a bare spec under `spec`) with Argo's metric
 * rules and messages, naming each broken field (`spec.metrics[0].successCondition`). Conditions are compiled,
 * so a typo is caught when the template is authored rather than at the first measurement. Never throws.
 */
export function validateAnalysisTemplate(template: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isObject(template)) return [{ field: "", message: "must be an object" }];
  const spec = template.spec;
  if (!isObject(spec)) return [{ field: "spec", message: "is required" }];
  const includes = spec.templates;
  const hasIncludes = Array.isArray(includes) && includes.length > 0;
  if (includes !== undefined && includes !== null) {
    if (!Array.isArray(includes)) issues.push({ field: "spec.templates", message: "must be a list" });
    else {
      includes.forEach((ref, i) => {
        if (!isObject(ref) || typeof ref.templateName !== "string" || ref.templateName === "") {
          issues.push({ field: `spec.templates[${i}].templateName`, message: "is required" });
        }
      });
    }
  }
  const metrics = spec.metrics;
  let metricNames: string[] | null = null;
  if (metrics === undefined || metrics === null || (Array.isArray(metrics) && metrics.length === 0)) {
    if (!hasIncludes) issues.push({ field: "spec.metrics", message: "no metrics specified" });
  } else if (!Array.isArray(metrics)) {
    issues.push({ field: "spec.metrics", message: "must be a list" });
  } else {
    const seen = new Set<string>();
    metrics.forEach((metric, i) => {
      const at = `spec.metrics[${i}]`;
      const name = isObject(metric) ? metric.name : undefined;
      if (typeof name === "string" && name !== "") {
        if (seen.has(name)) issues.push({ field: `${at}.name`, message: `duplicate name '${name}'` });
        seen.add(name);
      }
      validateMetricAt(metric, at, issues);
    });
    // Included templates may contribute more metrics, so unmatched rules are only certain without them.
    if (!hasIncludes) metricNames = [...seen];
  }
  validateArgs(spec.args, issues);
  validateMetricNameRules("dryRun", "Dry-Run", spec.dryRun, metricNames, issues);
  validateMetricNameRules(
    "measurementRetention",
    "Measurement Retention",
    spec.measurementRetention,
    metricNames,
    issues,
  );
  return issues;
}
