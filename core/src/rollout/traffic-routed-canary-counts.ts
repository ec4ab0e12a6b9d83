import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout, TrafficWeights } from "../types/rollout.ts";
import type { CanaryStableCounts } from "./basic-canary-counts.ts";
import { canaryReplicasOrWeight } from "./canary-steps.ts";
import { maxTrafficWeight, rolloutReplicas } from "./defaults.ts";

/** Pods needed to serve `weight` out of `maxWeight` of the traffic, rounded up. */
export function trafficWeightToReplicas(replicas: number, weight: number, maxWeight: number): number {
  return Math.ceil((weight * replicas) / maxWeight);
}

/**
 * Raises a non-zero count to `minPodsPerReplicaSet` (capped at `spec.replicas`) so neither side of a routed
 * canary runs on a single pod. Only with traffic routing.
 */
export function applyMinPodsPerReplicaSet(rollout: Rollout, count: number): number {
  const canary = rollout.spec.strategy?.canary;
  if (count === 0 || canary?.minPodsPerReplicaSet === undefined || !canary.trafficRouting) return count;
  return Math.max(count, Math.min(canary.minPodsPerReplicaSet, rolloutReplicas(rollout)));
}

/**
 * Replica counts for a canary behind a traffic router (Argo's `CalculateReplicaCountsForTrafficRoutedCanary`).
 * The stable stays at 100 % unless dynamicStableScale; then it follows the larger of the desired and the actual
 * (`weights`) stable weight, and after an abort the canary keeps pods for the traffic it still receives.
 * maxSurge/maxUnavailable do not apply here (as in Argo, argo-rollouts#3284).
 */
export function calculateReplicaCountsForTrafficRoutedCanary(
  rollout: Rollout,
  weights?: TrafficWeights,
  newRS?: ReplicaSet,
  stableRS?: ReplicaSet,
): CanaryStableCounts {
  const replicas = rolloutReplicas(rollout);
  const maxWeight = maxTrafficWeight(rollout);
  const desired = canaryReplicasOrWeight(rollout, newRS, stableRS);
  let canary =
    desired.replicas ??
    applyMinPodsPerReplicaSet(rollout, trafficWeightToReplicas(replicas, desired.weight, maxWeight));
  if (!rollout.spec.strategy?.canary?.dynamicStableScale) return { canary, stable: replicas };

  let stable = trafficWeightToReplicas(replicas, maxWeight - desired.weight, maxWeight);
  if (weights) {
    // Going up, the stable keeps pods until its traffic is actually taken away; going down, it grows first.
    stable = Math.max(stable, trafficWeightToReplicas(replicas, weights.stable.weight, maxWeight));
    if (rollout.status?.abort) {
      canary = Math.max(canary, trafficWeightToReplicas(replicas, weights.canary.weight, maxWeight));
    }
  }
  return { canary: applyMinPodsPerReplicaSet(rollout, canary), stable: applyMinPodsPerReplicaSet(rollout, stable) };
}
