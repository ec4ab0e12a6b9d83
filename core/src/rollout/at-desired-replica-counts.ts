import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout, TrafficWeights } from "../types/rollout.ts";
import { calculateReplicaCountsForBasicCanary } from "./basic-canary-counts.ts";
import { availableReplicas, specReplicas, sumAvailableReplicas } from "./replica-set-counts.ts";
import { calculateReplicaCountsForTrafficRoutedCanary } from "./traffic-routed-canary-counts.ts";

/**
 * Available canary pods a step needs before it may complete: all desired ones by default, else what
 * `replicaProgressThreshold` asks for (a pod count or a percentage of the desired count, rounded up).
 */
export function canaryProgressThreshold(rollout: Rollout, desiredCanary: number): number {
  const threshold = rollout.spec.strategy?.canary?.replicaProgressThreshold;
  if (!threshold) return desiredCanary;
  if (threshold.type === "Pods") return Math.min(threshold.value, desiredCanary);
  return Math.ceil((desiredCanary * threshold.value) / 100);
}

/**
 * Whether the ReplicaSets are where the current step wants them (Argo's `AtDesiredReplicaCountsForCanary`), the
 * condition for a `setWeight` step to complete: the canary is scaled to its desired count with enough available
 * pods; the stable is scaled and created to its desired count (not checked with dynamicStableScale behind a
 * router); without a router, older ReplicaSets have no available pods left, since they would still get traffic.
 */
export function atDesiredReplicaCountsForCanary(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  stableRS: ReplicaSet | undefined,
  otherRSs: ReadonlyArray<ReplicaSet> = [],
  weights: TrafficWeights | undefined = rollout.status?.canary?.weights,
): boolean {
  const canary = rollout.spec.strategy?.canary;
  if (!canary) return false;
  const routed = canary.trafficRouting !== undefined;
  const desired = routed
    ? calculateReplicaCountsForTrafficRoutedCanary(rollout, weights, newRS, stableRS)
    : calculateReplicaCountsForBasicCanary(rollout, newRS, stableRS, otherRSs);
  if (!newRS || specReplicas(newRS) !== desired.canary) return false;
  if (availableReplicas(newRS) < canaryProgressThreshold(rollout, desired.canary)) return false;
  if (!routed || !canary.dynamicStableScale) {
    if (!stableRS || specReplicas(stableRS) !== desired.stable || (stableRS.status?.replicas ?? 0) !== desired.stable) {
      return false;
    }
  }
  if (!routed && sumAvailableReplicas(otherRSs) !== 0) return false;
  return true;
}
