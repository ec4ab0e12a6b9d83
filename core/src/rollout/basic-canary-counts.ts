import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { canaryReplicasOrWeight } from "./canary-steps.ts";
import { maxTrafficWeight, rolloutReplicas } from "./defaults.ts";
import { maxSurge, maxUnavailable } from "./fenceposts.ts";
import { availableReplicas, sameReplicaSet, specReplicas, sumSpecReplicas } from "./replica-set-counts.ts";

/** Desired pod counts of the canary (new) and stable ReplicaSets. */
export interface CanaryStableCounts {
  canary: number;
  stable: number;
}

/** Whether `total * weight / maxWeight` lies exactly halfway between two integers. */
function halfwayTie(weight: number, total: number, maxWeight: number): boolean {
  return ((total * weight) % maxWeight) * 2 === maxWeight;
}

function weightDelta(weight: number, canary: number, total: number, maxWeight: number): number {
  return Math.abs((canary * maxWeight) / total - weight);
}

/**
 * The canary/stable split that best approximates `weight` by pod ratio. The split sums to `replicas`, or to
 * `replicas + 1` when surge is allowed and that lands closer. A weight strictly between 0 and the maximum never
 * gives the canary 0 pods unless a single replica cannot surge.
 */
export function approximateWeightedCounts(
  replicas: number,
  weight: number,
  maxWeight: number,
  surge: number,
): CanaryStableCounts {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const ceil = Math.ceil((replicas * weight) / maxWeight);
  const floor = Math.floor((replicas * weight) / maxWeight);
  const zeroAllowed = weight === maxWeight || weight === 0 || (replicas === 1 && surge === 0);
  const options: Array<{ canary: number; total: number }> = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!halfwayTie(weight, replicas, maxWeight) && (floor !== 0 || zeroAllowed)) {
    options.push({ canary: floor, total: replicas });
  }
  if (surge > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!halfwayTie(weight, replicas + 1, maxWeight) && (floor !== 0 || zeroAllowed)) {
      options.push({ canary: floor, total: replicas + 1 });
    }
  }
  let best = options[0];
  if (!best) return { canary: 0, stable: replicas };
  let bestDelta = weightDelta(weight, best.canary, best.total, maxWeight);
  for (const option of options.slice(1)) {
    const delta = weightDelta(weight, option.canary, option.total, maxWeight);
    if (delta < bestDelta) {
      best = option;
      bestDelta = delta;
    }
  }
  return { canary: best.canary, stable: best.total - best.canary };
}

/** Pods of `rs` that may be counted on when deciding how far to scale down (see the call sites). */
function replicasForScaleDown(rs: ReplicaSet | undefined, ignoreAvailability: boolean): number {
  if (!rs) return 0;
  const spec = specReplicas(rs);
  // Pods above spec are already going away; counting them would let us scale below the floor.
  if (spec < availableReplicas(rs)) return spec;
  return ignoreAvailability ? spec : availableReplicas(rs);
}

/** Scale the drained ReplicaSet down by `scaleDown`, but never below its desired count. */
function drainedCount(drain: ReplicaSet | undefined, desired: number, scaleDown: number, current: number): number {
  if (drain && specReplicas(drain) > desired) return Math.max(desired, specReplicas(drain) - scaleDown);
  return current;
}

/**
 * Trims the other ReplicaSet back inside `replicas + maxSurge` after a scale-down decision, giving back pods
 * where trimming would cost availability below the floor, and takes any remaining excess from the drained one.
 */
function adjustWithinLimits(
  drain: ReplicaSet | undefined,
  adjust: ReplicaSet | undefined,
  drainCount: number,
  adjustCount: number,
  maxTotal: number,
  minAvailable: number,
): [number, number] {
  let over = Math.max(0, adjustCount + drainCount - maxTotal);
  let totalAvailable = drain ? Math.min(availableReplicas(drain), drainCount) : 0;
  if (!adjust) return [drainCount, adjustCount];
  let adjusted = adjustCount - over;
  totalAvailable += Math.min(availableReplicas(adjust), adjusted);
  const availabilityLost = Math.max(0, availableReplicas(adjust) - adjusted);
  const neededForFloor = Math.max(0, minAvailable - totalAvailable);
  adjusted += Math.min(availabilityLost, neededForFloor);
  over = Math.max(0, adjusted + drainCount - maxTotal);
  return [drainCount - over, adjusted];
}

/**
 * Replica counts for a canary without a traffic router, where the weight is realised by pod ratio (Argo's
 * `CalculateReplicaCountsForBasicCanary`). Scale-ups stay within `replicas + maxSurge` (stable first, then
 * canary); older ReplicaSets are drained before canary/stable shrink; scale-downs keep
 * `replicas - maxUnavailable` pods available.
 *
 * `newRS` is the ReplicaSet of the current template (pass it with `spec.replicas: 0` when about to create it);
 * `otherRSs` are every other ReplicaSet of the rollout.
 */
export function calculateReplicaCountsForBasicCanary(
  rollout: Rollout,
  newRS?: ReplicaSet,
  stableRS?: ReplicaSet,
  otherRSs: ReadonlyArray<ReplicaSet> = [],
): CanaryStableCounts {
  const replicas = rolloutReplicas(rollout);
  const { weight } = canaryReplicasOrWeight(rollout, newRS, stableRS);
  const surge = maxSurge(rollout);
  let { canary: desiredCanary, stable: desiredStable } = approximateWeightedCounts(
    replicas,
    weight,
    maxTrafficWeight(rollout),
    surge,
  );

  let canary = newRS ? specReplicas(newRS) : 0;
  let stable = 0;
  const stableDistinct = stableRS !== undefined && !sameReplicaSet(newRS, stableRS);
  const stableSet = stableDistinct ? stableRS : undefined;
  if (stableSet) {
    stable = specReplicas(stableSet);
  } else {
    // Without a distinct stable there are no steps to follow: the new ReplicaSet goes to 100 %.
    desiredCanary = replicas;
    desiredStable = 0;
  }

  const maxTotal = replicas + surge;
  let scaleUp = maxTotal - sumSpecReplicas([...otherRSs, newRS, stableSet]);

  if (stableSet && specReplicas(stableSet) < desiredStable && scaleUp > 0) {
    if (specReplicas(stableSet) + scaleUp < desiredStable) {
      stable = specReplicas(stableSet) + scaleUp;
      scaleUp = 0;
    } else {
      stable = desiredStable;
      scaleUp -= desiredStable - specReplicas(stableSet);
    }
  }
  if (newRS && specReplicas(newRS) < desiredCanary && scaleUp > 0) {
    canary = Math.min(desiredCanary, specReplicas(newRS) + scaleUp);
  }

  // Older ReplicaSets are drained first; canary and stable shrink only once they are gone.
  if (sumSpecReplicas(otherRSs) > 0) return { canary, stable };

  const minAvailable = replicas - maxUnavailable(rollout);
  // Growing the canary: the stable is what shrinks, so count its pods as they are meant to be (a crash-looping
  // stable must not block the rollout); shrinking the canary (abort, lower weight) is the mirror case.
  const increasing = newRS === undefined || desiredCanary >= specReplicas(newRS);
  const countable = replicasForScaleDown(newRS, !increasing) + replicasForScaleDown(stableSet, increasing);
  if (countable <= minAvailable) return { canary, stable };

  const scaleDown = countable - minAvailable;
  if (!increasing) {
    canary = drainedCount(newRS, desiredCanary, scaleDown, canary);
    [canary, stable] = adjustWithinLimits(newRS, stableSet, canary, stable, maxTotal, minAvailable);
  } else if (stableSet) {
    stable = drainedCount(stableSet, desiredStable, scaleDown, stable);
    [stable, canary] = adjustWithinLimits(stableSet, newRS, stable, canary, maxTotal, minAvailable);
  }
  return { canary, stable };
}
