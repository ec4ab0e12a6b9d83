/** Rollout planning: pure decisions over Argo Rollout / ReplicaSet JSON, called by the agent's reconciler. */

// IntOrString and ObjectMeta come from the analysis barrel (structurally the same); the rest are rollout-only.
export type {
  Container,
  KubeCondition,
  LabelSelector,
  LabelSelectorRequirement,
  OwnerReference,
  PodSpec,
  PodTemplateSpec,
} from "../types/kube-meta.ts";
export type * from "../types/replica-set.ts";
export type * from "../types/rollout.ts";
export { atDesiredReplicaCountsForCanary, canaryProgressThreshold } from "./at-desired-replica-counts.ts";
export type { CanaryStableCounts } from "./basic-canary-counts.ts";
export { approximateWeightedCounts, calculateReplicaCountsForBasicCanary } from "./basic-canary-counts.ts";
export { blueGreenPreviewCheckpoint, calculateNewReplicasForBlueGreen } from "./blue-green-counts.ts";
export type { BlueGreenPauseDecision, BlueGreenPauseInput } from "./blue-green-pause.ts";
export {
  completedBlueGreenPause,
  decideBlueGreenPause,
  needsBlueGreenControllerPause,
  scaleUpPreviewCheckpoint,
} from "./blue-green-pause.ts";
export { calculateReplicaCountsForCanary } from "./canary-replica-counts.ts";
export type { CanaryStepObservation, CanaryStepOutcome, RunPhase } from "./canary-step-machine.ts";
export { advanceCanaryStep, evaluateCanaryStep } from "./canary-step-machine.ts";
export type { CanaryReplicasOrWeight, CurrentCanaryStep } from "./canary-steps.ts";
export {
  beforeStartingStep,
  canaryReplicasOrWeight,
  currentCanaryStep,
  currentSetWeight,
  desiredCanaryWeight,
  isFullyPromoted,
  previousSetWeight,
  setCanaryScaleInEffect,
} from "./canary-steps.ts";
export * from "./defaults.ts";
export type { RouterWeightDecision } from "./desired-router-weight.ts";
export { desiredRouterWeight } from "./desired-router-weight.ts";
export type { Fenceposts } from "./fenceposts.ts";
export { maxSurge, maxUnavailable, resolveFenceposts } from "./fenceposts.ts";
export { literalIntOrPercent, resolveIntOrPercent } from "./int-or-percent.ts";
export { kubeTime } from "./kube-time.ts";
export { parseGoDurationMs, rolloutPauseSeconds } from "./pause-duration.ts";
export { withPodTemplateDefaults } from "./pod-template-defaults.ts";
export { computePodTemplateHash, computeStepHash, podTemplatesEqualIgnoringHash } from "./pod-template-hash.ts";
export {
  availableReplicas,
  replicaSetPodHash,
  sameReplicaSet,
  specReplicas,
  sumAvailableReplicas,
  sumSpecReplicas,
} from "./replica-set-counts.ts";
export {
  findNewReplicaSet,
  findStableReplicaSet,
  nextRevision,
  otherReplicaSets,
  REVISION_ANNOTATION,
  replicaSetRevision,
} from "./replica-set-roles.ts";
export { isReplicaSetSaturated, readyForBlueGreenPause } from "./replica-set-saturation.ts";
export type { RolloutPatch } from "./rollout-commands.ts";
export {
  abortPatch,
  applyRolloutPatch,
  pausePatch,
  promoteFullPatch,
  promotePatch,
  restartPatch,
  resumePatch,
  retryPatch,
  withPauseCondition,
} from "./rollout-commands.ts";
export type { RolloutConditionInput } from "./rollout-condition-calculator.ts";
export {
  applyInvalidSpecCondition,
  calculateRolloutConditions,
  isRolloutHealthy,
  isRolloutProgressing,
  isRolloutTimedOut,
} from "./rollout-condition-calculator.ts";
export {
  ConditionMessage,
  ConditionReason,
  ConditionType,
  getRolloutCondition,
  newRolloutCondition,
  removeRolloutCondition,
  setRolloutCondition,
} from "./rollout-conditions.ts";
export type { PhaseAndMessage } from "./rollout-phase.ts";
export { calculateRolloutPhase, observedRolloutPhase } from "./rollout-phase.ts";
export { RolloutSpecError } from "./rollout-spec-error.ts";
export {
  blueGreenScaleDownDelaySeconds,
  hasScaleDownDeadline,
  SCALE_DOWN_DEADLINE_ANNOTATION,
  scaleDownDeadline,
  scaleDownDeadlineRemainingMs,
  scaleDownDelayRevisionLimit,
} from "./scale-down-deadline.ts";
export { canonicalJson, stableHash } from "./stable-hash.ts";
export {
  applyMinPodsPerReplicaSet,
  calculateReplicaCountsForTrafficRoutedCanary,
  trafficWeightToReplicas,
} from "./traffic-routed-canary-counts.ts";
export { ValidationMessage, validateRollout } from "./validate-rollout.ts";
