import type { ReplicaSet } from "../types/replica-set.ts";
import type { CanaryStep, Rollout, SetCanaryScale } from "../types/rollout.ts";
import { abortScaleDownDelaySeconds, maxTrafficWeight, rolloutReplicas } from "./defaults.ts";
import { availableReplicas } from "./replica-set-counts.ts";

export interface CurrentCanaryStep {
  /** The step at `status.currentStepIndex`; undefined when there are no steps or all are done. */
  step: CanaryStep | undefined;
  /** The index (0 when unset); undefined only when the rollout has no steps. */
  index: number | undefined;
}

/** The step the rollout is on. Past the last step, `step` is undefined and `index` equals the step count. */
export function currentCanaryStep(rollout: Rollout): CurrentCanaryStep {
  const steps = rollout.spec.strategy?.canary?.steps ?? [];
  if (steps.length === 0) return { step: undefined, index: undefined };
  const index = rollout.status?.currentStepIndex ?? 0;
  return { step: steps[index], index };
}

/** Background analysis waits while the current step is before `analysis.startingStep`. */
export function beforeStartingStep(rollout: Rollout): boolean {
  const startingStep = rollout.spec.strategy?.canary?.analysis?.startingStep;
  if (startingStep === undefined) return false;
  const { index } = currentCanaryStep(rollout);
  return index !== undefined && index < startingStep;
}

/** Argo's "fully promoted": the stable ReplicaSet is the current pod template. */
export function isFullyPromoted(rollout: Rollout): boolean {
  return (rollout.status?.stableRS ?? "") === (rollout.status?.currentPodHash ?? "");
}

/**
 * The weight set by the last `setWeight` at or before the current step: 0 when aborted or before any
 * `setWeight`, the maximum weight once every step is done (or when there are no steps).
 */
export function currentSetWeight(rollout: Rollout): number {
  if (rollout.status?.abort) return 0;
  const { step, index } = currentCanaryStep(rollout);
  if (!step || index === undefined) return maxTrafficWeight(rollout);
  const steps = rollout.spec.strategy?.canary?.steps ?? [];
  for (let i = index; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

/** The weight of the last `setWeight` strictly before the current step (what a router keeps while pods catch up). */
export function previousSetWeight(rollout: Rollout): number {
  const { index } = currentCanaryStep(rollout);
  const steps = rollout.spec.strategy?.canary?.steps ?? [];
  for (let i = (index ?? steps.length) - 1; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

/**
 * The `setCanaryScale` in force: the latest one at or before the current step, unless a later one says
 * `matchTrafficWeight`. Only with traffic routing; ignored after an abort unless the canary is meant to stay up
 * (`abortScaleDownDelaySeconds: 0`).
 */
export function setCanaryScaleInEffect(rollout: Rollout): SetCanaryScale | undefined {
  const canary = rollout.spec.strategy?.canary;
  if (!canary?.trafficRouting) return undefined;
  if (rollout.status?.abort && abortScaleDownDelaySeconds(rollout) !== undefined) return undefined;
  const { step, index } = currentCanaryStep(rollout);
  if (!step || index === undefined) return undefined;
  const steps = canary.steps ?? [];
  for (let i = index; i >= 0; i--) {
    const scale = steps[i]?.setCanaryScale;
    if (!scale) continue;
    return scale.matchTrafficWeight ? undefined : scale;
  }
  return undefined;
}

/**
 * The canary weight the rollout wants now. Normally the current `setWeight`; after an abort with
 * dynamicStableScale the weight comes down through the steps as the stable ReplicaSet regains pods, so traffic
 * never outruns the stable's capacity.
 */
export function desiredCanaryWeight(rollout: Rollout, newRS?: ReplicaSet, stableRS?: ReplicaSet): number {
  const canary = rollout.spec.strategy?.canary;
  if (!rollout.status?.abort || !canary?.dynamicStableScale) return currentSetWeight(rollout);
  const replicas = rolloutReplicas(rollout);
  const maxWeight = maxTrafficWeight(rollout);
  const stableShortfall = replicas - availableReplicas(stableRS);
  const explicitDelay = canary.abortScaleDownDelaySeconds;
  const canaryReplicas =
    explicitDelay !== undefined && explicitDelay > 0
      ? stableShortfall
      : Math.max(stableShortfall, availableReplicas(newRS));
  const steps = canary.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight === undefined) continue;
    if (Math.ceil((weight * replicas) / maxWeight) < canaryReplicas) return weight;
  }
  return 0;
}

export interface CanaryReplicasOrWeight {
  /** An explicit canary pod count (from `setCanaryScale.replicas`); when set, `weight` is 0. */
  replicas?: number;
  weight: number;
}

/**
 * Argo's `GetCanaryReplicasOrWeight`: full weight when promoting fully, on the first deploy (no stable yet) or when
 * fully promoted; else a `setCanaryScale` in force; else the desired step weight.
 */
export function canaryReplicasOrWeight(
  rollout: Rollout,
  newRS?: ReplicaSet,
  stableRS?: ReplicaSet,
): CanaryReplicasOrWeight {
  const status = rollout.status;
  if (status?.promoteFull || !status?.stableRS || status.currentPodHash === status.stableRS) {
    return { weight: maxTrafficWeight(rollout) };
  }
  const scale = setCanaryScaleInEffect(rollout);
  if (scale?.replicas !== undefined) return { replicas: scale.replicas, weight: 0 };
  if (scale?.weight !== undefined) return { weight: scale.weight };
  return { weight: desiredCanaryWeight(rollout, newRS, stableRS) };
}
