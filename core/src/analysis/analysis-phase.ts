import type { AnalysisPhase } from "../types/analysis.ts";

/** Completed phases: nothing more will be measured (`AnalysisPhase.Completed()`). */
export function isCompletedPhase(phase: AnalysisPhase | "" | undefined): boolean {
  return phase === "Successful" || phase === "Failed" || phase === "Error" || phase === "Inconclusive";
}

/** Argo's `analysisStatusOrder`, best to worst. */
export const ANALYSIS_STATUS_ORDER: readonly AnalysisPhase[] = [
  "Successful",
  "Running",
  "Pending",
  "Inconclusive",
  "Error",
  "Failed",
];

function rank(phase: AnalysisPhase | "" | undefined): number {
  const i = ANALYSIS_STATUS_ORDER.indexOf(phase as AnalysisPhase);
  // Argo's IsWorse treats an unknown phase like the first entry.
  return Math.max(i, 0);
}

/** Whether `next` is a worse verdict than `current` (`analysisutil.IsWorse`). */
export function isWorsePhase(current: AnalysisPhase | "" | undefined, next: AnalysisPhase | "" | undefined): boolean {
  return rank(next) > rank(current);
}

/** The worse of two verdicts (`analysisutil.Worst`); the left one on a tie. */
export function worstPhase(left: AnalysisPhase, right: AnalysisPhase): AnalysisPhase {
  return isWorsePhase(left, right) ? right : left;
}
