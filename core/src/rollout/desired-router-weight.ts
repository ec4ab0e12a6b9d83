import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { atDesiredReplicaCountsForCanary } from "./at-desired-replica-counts.ts";
import {
  currentCanaryStep,
  currentSetWeight,
  desiredCanaryWeight,
  isFullyPromoted,
  previousSetWeight,
} from "./canary-steps.ts";
import { maxTrafficWeight, rolloutReplicas } from "./defaults.ts";
import { availableReplicas } from "./replica-set-counts.ts";
import { trafficWeightToReplicas } from "./traffic-routed-canary-counts.ts";

export interface RouterWeightDecision {
  /** Canary weight to set on the router (the stable gets `maxWeight - weight`). */
  weight: number;
  /** Header/mirror routes managed by the rollout are to be removed (end of rollout, abort, promote-full). */
  removeManagedRoutes: boolean;
  /**
   * False when the stable ReplicaSet lacks the available pods for its share of traffic: nothing should be sent
   * this round (the router keeps the weight it has).
   */
  send: boolean;
}

/**
 * The canary weight to send to the traffic router now (Argo's `reconcileTrafficRouting`): 0 when fully promoted;
 * on abort 0, or with dynamicStableScale a weight that steps down as the stable regains pods (never above the
 * weight already set); 0 with managed routes removed while the canary has no available pod; on promote-full the current weight, or with
 * dynamicStableScale the share the available canary pods can carry; while the step's pods are not yet at their
 * counts the previous `setWeight`; else the current `setWeight` (the maximum past the last step).
 */
export function desiredRouterWeight(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  stableRS: ReplicaSet | undefined,
  otherRSs: ReadonlyArray<ReplicaSet> = [],
): RouterWeightDecision {
  const canary = rollout.spec.strategy?.canary;
  const maxWeight = maxTrafficWeight(rollout);
  const replicas = rolloutReplicas(rollout);
  const currentWeight = rollout.status?.canary?.weights?.canary.weight;
  let weight = 0;
  let removeManagedRoutes = false;

  if (isFullyPromoted(rollout)) {
    removeManagedRoutes = true;
  } else if (rollout.status?.abort) {
    removeManagedRoutes = true;
    if (canary?.dynamicStableScale) {
      weight = desiredCanaryWeight(rollout, newRS, stableRS);
      if (currentWeight !== undefined) weight = Math.min(weight, currentWeight);
    }
  } else if (!newRS || availableReplicas(newRS) === 0) {
    // Nothing can serve canary traffic yet: no weight, and no header/mirror route pointing at it.
    weight = 0;
    removeManagedRoutes = true;
  } else if (rollout.status?.promoteFull) {
    removeManagedRoutes = true;
    if (canary?.dynamicStableScale) {
      weight = replicas === 0 ? maxWeight : Math.floor((maxWeight * availableReplicas(newRS)) / replicas);
    } else if (currentWeight !== undefined) {
      weight = currentWeight;
    }
  } else {
    const { index } = currentCanaryStep(rollout);
    const stepCount = canary?.steps?.length ?? 0;
    if (index === undefined) {
      weight = maxWeight;
    } else if (!atDesiredReplicaCountsForCanary(rollout, newRS, stableRS, otherRSs, undefined)) {
      weight = previousSetWeight(rollout);
    } else if (index !== stepCount) {
      weight = currentSetWeight(rollout);
    } else {
      weight = maxWeight;
    }
  }

  const stableNeeded = trafficWeightToReplicas(replicas, maxWeight - weight, maxWeight);
  const send = !stableRS || isFullyPromoted(rollout) || availableReplicas(stableRS) >= Math.min(stableNeeded, replicas);
  return { weight, removeManagedRoutes, send };
}
