import type { Metric } from "../types/analysis.ts";
import { intOrStringValue } from "./int-or-string.ts";

/**
 * How many measurements a metric takes (`Metric.EffectiveCount`): `count` when set and non-zero; otherwise one measurement
 * without an interval, and `null` (indefinitely, until terminated) with one.
 */
export function effectiveCount(metric: Pick<Metric, "count" | "interval">): number | null {
  const count = intOrStringValue(metric.count);
  // A negative count is kept as Argo keeps it (it is reached at once); validation reports it.
  if (count !== 0) return count;
  return metric.interval ? null : 1;
}
