import type { CanaryStep } from "@bellwether/core";

/** How Argo names a step in "Rollout step 2/4 completed (pause: 30s)". */
export function stepDescription(step: CanaryStep | undefined): string {
  if (!step) return "";
  if (step.setWeight !== undefined) return `setWeight: ${step.setWeight}`;
  if (step.pause) {
    const d = step.pause.duration;
    if (d === undefined) return "pause";
    return typeof d === "number" ? `pause: ${d}s` : `pause: ${d}`;
  }
  if (step.setCanaryScale) return "setCanaryScale";
  if (step.analysis) return "analysis";
  if (step.experiment) return "experiment";
  if (step.setHeaderRoute) return "setHeaderRoute";
  if (step.setMirrorRoute) return "setMirrorRoute";
  if (step.plugin) return "plugin";
  return "";
}
