import type { AnalysisRun } from "../types/analysis.ts";

/**
 * Whether the run is winding down (`analysisutil.IsTerminating`): `spec.terminate`, or a metric that counts
 * (not dry-run) already ended Failed, Error or Inconclusive. No new measurements start while terminating.
 */
export function isTerminating(run: AnalysisRun, dryRunMetrics?: ReadonlySet<string>): boolean {
  if (run.spec?.terminate) return true;
  for (const result of run.status?.metricResults ?? []) {
    if (result.dryRun || dryRunMetrics?.has(result.name)) continue;
    if (result.phase === "Failed" || result.phase === "Error" || result.phase === "Inconclusive") return true;
  }
  return false;
}
