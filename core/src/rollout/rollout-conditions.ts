import type { KubeCondition } from "../types/kube-meta.ts";

/** Condition types a Rollout carries. */
export const ConditionType = {
  InvalidSpec: "InvalidSpec",
  Available: "Available",
  Progressing: "Progressing",
  ReplicaFailure: "ReplicaFailure",
  Paused: "Paused",
  Completed: "Completed",
  Healthy: "Healthy",
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Reasons used on conditions and events, spelled as Argo spells them. */
export const ConditionReason = {
  Available: "AvailableReason",
  ReplicaSetUpdated: "ReplicaSetUpdated",
  NewReplicaSetCreated: "NewReplicaSetCreated",
  FoundNewReplicaSet: "FoundNewReplicaSet",
  RolloutUpdated: "RolloutUpdated",
  RolloutCompleted: "RolloutCompleted",
  RolloutNotCompleted: "RolloutNotCompleted",
  RolloutHealthy: "RolloutHealthy",
  RolloutAborted: "RolloutAborted",
  RolloutRetry: "RolloutRetry",
  RolloutPaused: "RolloutPaused",
  RolloutResumed: "RolloutResumed",
  ReplicaSetNotAvailable: "ReplicaSetNotAvailable",
  NewReplicaSetAvailable: "NewReplicaSetAvailable",
  TimedOut: "ProgressDeadlineExceeded",
  AnalysisRunFailed: "AnalysisRunFailed",
  ExperimentFailed: "ExperimentFailed",
  ReconciliationError: "ReconciliationError",
  ReplicaSetCreateError: "ReplicaSetCreateError",
  ServiceReferenceError: "ServiceReferenceError",
  InvalidSpec: "InvalidSpec",
  RolloutStepCompleted: "RolloutStepCompleted",
  TrafficWeightUpdated: "TrafficWeightUpdated",
  ScalingReplicaSet: "ScalingReplicaSet",
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** Message templates, filled by the helpers below. */
export const ConditionMessage = {
  available: "Rollout has minimum availability",
  notAvailable: "Rollout does not have minimum availability",
  healthy: "Rollout is healthy",
  notHealthy: "Rollout is not healthy",
  paused: "Rollout is paused",
  resumed: "Rollout is resumed",
  replicaSetProgressing: (rsName: string) => `ReplicaSet "${rsName}" is progressing.`,
  replicaSetCompleted: (rsName: string) => `ReplicaSet "${rsName}" has successfully progressed.`,
  replicaSetTimedOut: (rsName: string) => `ReplicaSet "${rsName}" has timed out progressing.`,
  rolloutTimedOut: (name: string) => `Rollout "${name}" has timed out progressing.`,
  aborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
  completed: (revision: number, hash: string, detail: string) =>
    `Rollout completed update to revision ${revision} (${hash}): ${detail}`,
  notCompleted: (revision: number, hash: string) =>
    `Rollout not completed, started update to revision ${revision} (${hash})`,
  invalidSpec: (name: string, detail: string) => `The Rollout "${name}" is invalid: ${detail}`,
  stepCompleted: (step: number, count: number, description: string) =>
    `Rollout step ${step}/${count} completed (${description})`,
} as const;

export function newRolloutCondition(
  type: ConditionType,
  status: KubeCondition["status"],
  reason: string,
  message: string,
  nowIso: string,
): KubeCondition {
  return { type, status, reason, message, lastTransitionTime: nowIso, lastUpdateTime: nowIso };
}

export function getRolloutCondition(
  conditions: ReadonlyArray<KubeCondition> | undefined,
  type: ConditionType,
): KubeCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/**
 * Conditions with `condition` set (Argo's `SetRolloutCondition`): an identical status, reason and message leaves
 * the list as it was; an unchanged status keeps the existing `lastTransitionTime`; the updated condition moves to
 * the end of the list.
 */
export function setRolloutCondition(
  conditions: ReadonlyArray<KubeCondition> | undefined,
  condition: KubeCondition,
): KubeCondition[] {
  const list = [...(conditions ?? [])];
  const existing = list.find((c) => c.type === condition.type);
  if (
    existing &&
    existing.status === condition.status &&
    existing.reason === condition.reason &&
    existing.message === condition.message
  ) {
    return list;
  }
  const next =
    existing && existing.status === condition.status && existing.lastTransitionTime
      ? { ...condition, lastTransitionTime: existing.lastTransitionTime }
      : condition;
  return [...list.filter((c) => c.type !== condition.type), next];
}

export function removeRolloutCondition(
  conditions: ReadonlyArray<KubeCondition> | undefined,
  type: ConditionType,
): KubeCondition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
