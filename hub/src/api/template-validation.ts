import type { FieldIssue } from "@bellwether/core";
import { validateAnalysisTemplate } from "@bellwether/core";

/**
 * Validates a hub-authored template spec as the ClusterAnalysisTemplate that agents will materialise, with
 * core's validator. Returned fields are relative to the spec (the caller prefixes `spec`).
 */
export function validateTemplateSpec(name: string, spec: unknown): FieldIssue[] {
  const template = { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterAnalysisTemplate", metadata: { name }, spec };
  return validateAnalysisTemplate(template).map((i) => ({
    field: i.field === "spec" ? "" : i.field.startsWith("spec.") ? i.field.slice(5) : i.field,
    message: i.message,
  }));
}
