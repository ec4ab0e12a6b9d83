import type { Argument, Metric } from "../types/analysis.ts";
import { AnalysisSpecError } from "./analysis-spec-error.ts";

const OPEN = "{{";
const CLOSE = "}}";

/**
 * Substitutes `{{args.name}}` tags (spaces inside the braces allowed) with argument values, as Argo's
 * `templateutil.ResolveArgs` does: every argument must have a value (`argument "x" was not supplied`) and
 * every tag must resolve (`failed to resolve {{args.y}}`).
 */
export function resolveArgs(template: string, args: readonly Argument[]): string {
  const values = new Map<string, string>();
  for (const arg of args) {
    if (arg.value === undefined || arg.value === null) {
      throw new AnalysisSpecError("ARGS_UNRESOLVED", `argument "${arg.name}" was not supplied`);
    }
    values.set(`args.${arg.name}`, arg.value);
  }
  return substitute(template, values);
}

function substitute(template: string, values: ReadonlyMap<string, string>): string {
  if (!template.includes(OPEN)) return template;
  let out = "";
  let unresolved: string | undefined;
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf(OPEN, i);
    if (open < 0) break;
    const close = template.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      throw new AnalysisSpecError(
        "ARGS_UNRESOLVED",
        `Cannot find end tag="${CLOSE}" in the template="${template}" starting from "${template.slice(open + OPEN.length)}"`,
      );
    }
    out += template.slice(i, open);
    const tag = template.slice(open + OPEN.length, close);
    const value = values.get(tag.trim());
    if (value === undefined) unresolved = `failed to resolve {{${tag}}}`;
    else out += value;
    i = close + CLOSE.length;
  }
  out += template.slice(i);
  // Like Argo, the last unresolved tag is the one reported.
  if (unresolved !== undefined) throw new AnalysisSpecError("ARGS_UNRESOLVED", unresolved);
  return out;
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out;
  }
  return value;
}

/**
 * A copy of the metric with `{{args.*}}` resolved in every string field (`ResolveMetricArgs`, which runs over
 * the metric's JSON, so conditions, queries, URLs and headers are all covered).
 */
export function resolveMetricArgs(metric: Metric, args: readonly Argument[]): Metric {
  const values = new Map<string, string>();
  for (const arg of args) {
    if (arg.value === undefined || arg.value === null) {
      throw new AnalysisSpecError("ARGS_UNRESOLVED", `argument "${arg.name}" was not supplied`);
    }
    values.set(`args.${arg.name}`, arg.value);
  }
  return mapStrings(metric, (s) => substitute(s, values)) as Metric;
}

/**
 * Argo's `getResolvedMetricsWithoutSecrets`: secret-backed arguments get a placeholder so the spec can be checked
 * without reading secrets; the values themselves are resolved only when measuring.
 */
export function resolveMetricsWithoutSecrets(metrics: readonly Metric[], args: readonly Argument[] = []): Metric[] {
  const placeholderArgs = args.map((arg) =>
    arg.valueFrom?.secretKeyRef ? { name: arg.name, value: "temp-for-secret" } : arg,
  );
  return metrics.map((m) => resolveMetricArgs(m, placeholderArgs));
}

/**
 * Merges the caller's arguments into a template's (`MergeArgs`): a supplied value or valueFrom replaces the
 * template's; afterwards every argument needs one (`args.x was not resolved`).
 */
export function mergeArgs(incoming: readonly Argument[], templateArgs: readonly Argument[]): Argument[] {
  const merged = templateArgs.map((a) => ({ ...a }));
  for (const arg of incoming) {
    const target = merged.find((a) => a.name === arg.name);
    if (target === undefined) continue;
    if (arg.value !== undefined && arg.value !== null) target.value = arg.value;
    else if (arg.valueFrom !== undefined) target.valueFrom = arg.valueFrom;
  }
  for (const arg of merged) {
    if ((arg.value === undefined || arg.value === null) && arg.valueFrom === undefined) {
      throw new AnalysisSpecError("ARGS_UNRESOLVED", `args.${arg.name} was not resolved`);
    }
  }
  return merged;
}
