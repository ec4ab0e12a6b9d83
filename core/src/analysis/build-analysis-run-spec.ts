import type { AnalysisRunSpec, AnalysisTemplate, Argument, DryRun, MeasurementRetention } from "../types/analysis.ts";
import { AnalysisSpecError } from "./analysis-spec-error.ts";
import { mergeArgs } from "./resolve-args.ts";

export interface AnalysisRunSources {
  /** Namespaced AnalysisTemplates, in the order the Rollout lists them (included templates already expanded). */
  templates?: readonly AnalysisTemplate[];
  clusterTemplates?: readonly AnalysisTemplate[];
  /** Arguments supplied by the caller (the Rollout step, background analysis or Experiment), already valued. */
  args?: readonly Argument[];
  /** Dry-run and retention rules supplied by the caller, merged before the templates' own. */
  dryRun?: readonly DryRun[];
  measurementRetention?: readonly MeasurementRetention[];
}

function flattenArgs(templates: readonly AnalysisTemplate[]): Argument[] {
  const combined: Argument[] = [];
  for (const template of templates) {
    for (const arg of template.spec?.args ?? []) {
      const previous = combined.findIndex((a) => a.name === arg.name);
      if (previous < 0) {
        combined.push({ ...arg });
        continue;
      }
      const prev = combined[previous] as Argument;
      if (prev.value !== undefined && arg.value !== undefined && prev.value !== arg.value) {
        throw new AnalysisSpecError(
          "SPEC_INVALID",
          `Argument \`${arg.name}\` specified multiple times with different values: '${prev.value}', '${arg.value}'`,
        );
      }
      // A value already set is never replaced by an argument without one.
      if (prev.value === undefined) combined[previous] = { ...arg };
    }
  }
  return combined;
}

function uniqueRules<R extends { metricName: string }>(label: string, rules: readonly R[]): R[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.metricName)) {
      throw new AnalysisSpecError("SPEC_INVALID", `two ${label} metric rules have the same name '${rule.metricName}'`);
    }
    seen.add(rule.metricName);
  }
  return [...rules];
}

/**
 * The spec of an AnalysisRun made from templates (Argo's `NewAnalysisRunFromTemplates`): metrics concatenated
 * (namespaced templates first; a name twice is an error), template arguments combined (conflicting values are an
 * error) then overridden by the caller's (every argument must end with a value or valueFrom), dry-run and
 * retention rules merged (the caller's first; a rule twice is an error). Throws {@link AnalysisSpecError}.
 */
export function buildAnalysisRunSpec(sources: AnalysisRunSources): AnalysisRunSpec {
  const all = [...(sources.templates ?? []), ...(sources.clusterTemplates ?? [])];
  const metrics = all.flatMap((t) => t.spec?.metrics ?? []);
  const names = new Set<string>();
  for (const metric of metrics) {
    if (names.has(metric.name)) {
      throw new AnalysisSpecError("SPEC_INVALID", `two metrics have the same name '${metric.name}'`);
    }
    names.add(metric.name);
  }
  const templateDryRun = uniqueRules(
    "Dry-Run",
    all.flatMap((t) => t.spec?.dryRun ?? []),
  );
  const templateRetention = uniqueRules(
    "Measurement Retention",
    all.flatMap((t) => t.spec?.measurementRetention ?? []),
  );
  const args = mergeArgs(sources.args ?? [], flattenArgs(all));
  const dryRun = uniqueRules("Dry-Run", [...(sources.dryRun ?? []), ...templateDryRun]);
  const measurementRetention = uniqueRules("Measurement Retention", [
    ...(sources.measurementRetention ?? []),
    ...templateRetention,
  ]);
  return {
    metrics: structuredClone(metrics),
    ...(args.length > 0 ? { args } : {}),
    ...(dryRun.length > 0 ? { dryRun } : {}),
    ...(measurementRetention.length > 0 ? { measurementRetention } : {}),
  };
}
