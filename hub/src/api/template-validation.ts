import type { FieldIssue } from "@bellwether/core";
import * as core from "@bellwether/core";

type TemplateValidator = (template: unknown) => FieldIssue[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Stand-in used only until core exports `validateAnalysisTemplate`: the shape the hub itself relies on. */
function minimalTemplateCheck(template: unknown): FieldIssue[] {
  const spec = isObject(template) ? template.spec : undefined;
  if (!isObject(spec)) return [{ field: "spec", message: "must be an object" }];
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    return [{ field: "spec.metrics", message: "must be a non-empty list" }];
  }
  const issues: FieldIssue[] = [];
  const names = new Set<string>();
  spec.metrics.forEach((m, i) => {
    if (!isObject(m)) {
      issues.push({ field: `spec.metrics[${i}]`, message: "must be an object" });
      return;
    }
    if (typeof m.name !== "string" || m.name === "")
      issues.push({ field: `spec.metrics[${i}].name`, message: "is required" });
    else if (names.has(m.name))
      issues.push({ field: `spec.metrics[${i}].name`, message: `duplicate metric name ${m.name}` });
    else names.add(m.name);
    if (!isObject(m.provider) || Object.keys(m.provider).length !== 1) {
      issues.push({ field: `spec.metrics[${i}].provider`, message: "must name exactly one provider" });
    }
  });
  return issues;
}

/**
 * Validates a hub-authored template spec as the ClusterAnalysisTemplate agents will materialise, with core's
 * validator when it is there. Returned fields are relative to the spec.
 */
export function validateTemplateSpec(name: string, spec: unknown): FieldIssue[] {
  const fromCore = (core as unknown as Record<string, unknown>).validateAnalysisTemplate;
  const validate: TemplateValidator =
    typeof fromCore === "function" ? (fromCore as TemplateValidator) : minimalTemplateCheck;
  const template = { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterAnalysisTemplate", metadata: { name }, spec };
  return validate(template).map((i) => ({
    // core may name fields from the manifest root (spec.metrics[0]) or from the spec (metrics[0]).
    field: i.field === "spec" ? "" : i.field.startsWith("spec.") ? i.field.slice(5) : i.field,
    message: i.message,
  }));
}
