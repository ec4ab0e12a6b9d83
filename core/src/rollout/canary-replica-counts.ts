import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { type CanaryStableCounts, calculateReplicaCountsForBasicCanary } from "./basic-canary-counts.ts";
import { RolloutSpecError } from "./rollout-spec-error.ts";
import { calculateReplicaCountsForTrafficRoutedCanary } from "./traffic-routed-canary-counts.ts";

/**
 * Desired `{ canary, stable }` pod counts for a canary Rollout now: by pod ratio without a traffic router, else by
 * traffic weight (reading `status.canary.weights`). "Available" is `status.availableReplicas` of each ReplicaSet.
 * @throws RolloutSpecError when the Rollout has no canary strategy, or its surge/unavailable are malformed
 */
export function calculateReplicaCountsForCanary(
  rollout: Rollout,
  newRS?: ReplicaSet,
  stableRS?: ReplicaSet,
  otherRSs: ReadonlyArray<ReplicaSet> = [],
): CanaryStableCounts {
  const canary = rollout.spec.strategy?.canary;
  if (!canary) throw new RolloutSpecError("spec.strategy.canary", "a canary strategy is required for canary counts");
  if (!canary.trafficRouting) return calculateReplicaCountsForBasicCanary(rollout, newRS, stableRS, otherRSs);
  return calculateReplicaCountsForTrafficRoutedCanary(rollout, rollout.status?.canary?.weights, newRS, stableRS);
}
