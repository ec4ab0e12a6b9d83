import type { FieldIssue } from "../field-issue.ts";
import type { KubeCondition } from "../types/kube-meta.ts";
import type { Rollout, RolloutStatus } from "../types/rollout.ts";
import { currentCanaryStep } from "./canary-steps.ts";
import { progressDeadlineSeconds, rolloutReplicas } from "./defaults.ts";
import { kubeTime } from "./kube-time.ts";
import {
  ConditionMessage,
  ConditionReason,
  ConditionType,
  getRolloutCondition,
  newRolloutCondition,
  removeRolloutCondition,
  setRolloutCondition,
} from "./rollout-conditions.ts";

/** What the reconciler knows at the end of a round, for computing conditions. */
export interface RolloutConditionInput {
  /** The Rollout as read at the start of the round (old status, current spec and generation). */
  rollout: Rollout;
  /** The status computed this round (counts, step index, selectors, pauses, abort). */
  newStatus: RolloutStatus;
  /** Name of the ReplicaSet for the current template, when it exists. */
  newReplicaSetName?: string;
  /** `rollout.argoproj.io/revision` of the current template. */
  revision: number;
  /** Available pods over all the rollout's ReplicaSets (canary availability). */
  availableReplicasAllSets: number;
  /** Blue-green: the active ReplicaSet runs all its desired pods. */
  activeSaturated?: boolean;
  /** Why the rollout aborted (e.g. the failed AnalysisRun's message), appended to the aborted message. */
  abortMessage?: string;
  nowMs: number;
}

/**
 * Argo's `RolloutHealthy`: all replicas updated and available, the spec observed, and the strategy done (every
 * canary step executed with the stable ReplicaSet current; blue-green selectors on the current hash).
 */
export function isRolloutHealthy(rollout: Rollout, newStatus: RolloutStatus): boolean {
  const replicas = rolloutReplicas(rollout);
  const strategy = rollout.spec.strategy;
  let strategyDone = true;
  if (strategy?.blueGreen) {
    const hash = newStatus.currentPodHash ?? "";
    const activeDone = (newStatus.blueGreen?.activeSelector ?? "") === hash;
    const previewDone = !strategy.blueGreen.previewService || (newStatus.blueGreen?.previewSelector ?? "") === hash;
    strategyDone = activeDone && previewDone;
  }
  if (strategy?.canary) {
    const stepCount = strategy.canary.steps?.length ?? 0;
    const allSteps =
      stepCount === 0 || newStatus.currentStepIndex === undefined || newStatus.currentStepIndex === stepCount;
    strategyDone = allSteps && !!newStatus.stableRS && newStatus.stableRS === newStatus.currentPodHash;
  }
  const generation = rollout.metadata.generation;
  const observed = generation === undefined || rollout.status?.observedGeneration === String(generation);
  return (
    (newStatus.updatedReplicas ?? 0) === replicas &&
    (newStatus.availableReplicas ?? 0) === replicas &&
    observed &&
    strategyDone
  );
}

/** Argo's `RolloutProgressing`: pods moved forward or the strategy advanced since the last round. */
export function isRolloutProgressing(rollout: Rollout, newStatus: RolloutStatus): boolean {
  const old = rollout.status ?? {};
  let strategyProgress = false;
  if (rollout.spec.strategy?.blueGreen) {
    strategyProgress =
      old.blueGreen?.activeSelector !== newStatus.blueGreen?.activeSelector ||
      old.blueGreen?.previewSelector !== newStatus.blueGreen?.previewSelector;
  }
  if (rollout.spec.strategy?.canary) {
    const stepChange =
      old.currentStepIndex !== undefined &&
      newStatus.currentStepIndex !== undefined &&
      old.currentStepIndex !== newStatus.currentStepIndex;
    strategyProgress = stepChange || (old.stableRS ?? "") !== (newStatus.stableRS ?? "");
  }
  return (
    (newStatus.updatedReplicas ?? 0) !== (old.updatedReplicas ?? 0) ||
    (newStatus.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (newStatus.availableReplicas ?? 0) > (old.availableReplicas ?? 0) ||
    strategyProgress
  );
}

/** Whether the Progressing condition has gone `progressDeadlineSeconds` without an update. */
export function isRolloutTimedOut(rollout: Rollout, conditions: ReadonlyArray<KubeCondition>, nowMs: number): boolean {
  const progressing = getRolloutCondition(conditions, ConditionType.Progressing);
  if (!progressing) return false;
  if (progressing.reason === ConditionReason.NewReplicaSetAvailable) return false;
  if (progressing.reason === ConditionReason.TimedOut) return true;
  const from = Date.parse(progressing.lastUpdateTime ?? progressing.lastTransitionTime ?? "");
  if (Number.isNaN(from)) return false;
  return from + progressDeadlineSeconds(rollout) * 1000 < nowMs;
}

/** Steps that may legitimately wait longer than the progress deadline (pauses, analyses, experiments). */
function onIndefiniteStep(rollout: Rollout): boolean {
  const { step } = currentCanaryStep(rollout);
  return !!step && (step.pause !== undefined || step.analysis !== undefined || step.experiment !== undefined);
}

/**
 * The Rollout's conditions after a round: Healthy, Progressing (aborted, completed, progressing, paused/resumed,
 * or deadline exceeded, in that order), Available, Paused and Completed, with Argo's reasons and messages.
 */
export function calculateRolloutConditions(input: RolloutConditionInput): KubeCondition[] {
  const { rollout, newStatus, nowMs } = input;
  const now = kubeTime(nowMs);
  const paused = (rollout.status?.pauseConditions ?? []).length > 0 || !!rollout.spec.paused;
  const aborted = !!newStatus.abort;
  let conditions = [...(newStatus.conditions ?? rollout.status?.conditions ?? [])];
  const previousHealthy = getRolloutCondition(conditions, ConditionType.Healthy);
  const healthy = !paused && isRolloutHealthy(rollout, newStatus);

  let becameUnhealthy = false;
  if (healthy) {
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Healthy, "True", ConditionReason.RolloutHealthy, ConditionMessage.healthy, now),
    );
  } else {
    becameUnhealthy = previousHealthy?.status === "True";
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(
        ConditionType.Healthy,
        "False",
        ConditionReason.RolloutHealthy,
        ConditionMessage.notHealthy,
        now,
      ),
    );
  }

  const rsName = input.newReplicaSetName;
  const progressing = getRolloutCondition(conditions, ConditionType.Progressing);
  if (aborted) {
    const base = ConditionMessage.aborted(input.revision);
    const message = input.abortMessage ? `${base}: ${input.abortMessage}` : base;
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Progressing, "False", ConditionReason.RolloutAborted, message, now),
    );
  } else if (healthy) {
    const message = rsName ? ConditionMessage.replicaSetCompleted(rsName) : "Rollout has successfully progressed.";
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Progressing, "True", ConditionReason.NewReplicaSetAvailable, message, now),
    );
  } else if (isRolloutProgressing(rollout, newStatus)) {
    const fullyPromoted = !!newStatus.stableRS && newStatus.stableRS === newStatus.currentPodHash;
    const reason =
      fullyPromoted && becameUnhealthy ? ConditionReason.ReplicaSetNotAvailable : ConditionReason.ReplicaSetUpdated;
    const message =
      reason === ConditionReason.ReplicaSetNotAvailable
        ? ConditionMessage.notAvailable
        : rsName
          ? ConditionMessage.replicaSetProgressing(rsName)
          : `Rollout "${rollout.metadata.name ?? ""}" is progressing.`;
    // Progress refreshes lastUpdateTime (the deadline clock) even when reason and message are unchanged.
    const condition = newRolloutCondition(ConditionType.Progressing, "True", reason, message, now);
    if (progressing?.status === "True" && progressing.lastTransitionTime) {
      condition.lastTransitionTime = progressing.lastTransitionTime;
    }
    conditions = [...removeRolloutCondition(conditions, ConditionType.Progressing), condition];
  } else if (paused) {
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(
        ConditionType.Progressing,
        "Unknown",
        ConditionReason.RolloutPaused,
        ConditionMessage.paused,
        now,
      ),
    );
  } else if (progressing?.reason === ConditionReason.RolloutPaused) {
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(
        ConditionType.Progressing,
        "Unknown",
        ConditionReason.RolloutResumed,
        ConditionMessage.resumed,
        now,
      ),
    );
  } else if (!onIndefiniteStep(rollout) && isRolloutTimedOut(rollout, conditions, nowMs)) {
    const message = rsName
      ? ConditionMessage.replicaSetTimedOut(rsName)
      : ConditionMessage.rolloutTimedOut(rollout.metadata.name ?? "");
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Progressing, "False", ConditionReason.TimedOut, message, now),
    );
  }

  const available = rollout.spec.strategy?.blueGreen
    ? !!input.activeSaturated
    : input.availableReplicasAllSets >= rolloutReplicas(rollout);
  conditions = setRolloutCondition(
    conditions,
    newRolloutCondition(
      ConditionType.Available,
      available ? "True" : "False",
      ConditionReason.Available,
      available ? ConditionMessage.available : ConditionMessage.notAvailable,
      now,
    ),
  );

  const pausedNow = (newStatus.pauseConditions ?? []).length > 0 || !!rollout.spec.paused;
  if (pausedNow) {
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Paused, "True", ConditionReason.RolloutPaused, ConditionMessage.paused, now),
    );
  } else if (getRolloutCondition(conditions, ConditionType.Paused)?.status === "True") {
    conditions = setRolloutCondition(
      conditions,
      newRolloutCondition(ConditionType.Paused, "False", ConditionReason.RolloutResumed, ConditionMessage.resumed, now),
    );
  }

  const hash = newStatus.currentPodHash ?? "";
  const completed = !!newStatus.stableRS && newStatus.stableRS === hash && !aborted;
  conditions = setRolloutCondition(
    conditions,
    completed
      ? newRolloutCondition(
          ConditionType.Completed,
          "True",
          ConditionReason.RolloutCompleted,
          ConditionMessage.completed(input.revision, hash, "Rollout is Healthy"),
          now,
        )
      : newRolloutCondition(
          ConditionType.Completed,
          "False",
          ConditionReason.RolloutNotCompleted,
          ConditionMessage.notCompleted(input.revision, hash),
          now,
        ),
  );
  return conditions;
}

/**
 * The InvalidSpec condition for validation issues (`The Rollout "x" is invalid: <field>: <rule>`), or the
 * conditions without it when there are none.
 */
export function applyInvalidSpecCondition(
  rollout: Rollout,
  conditions: ReadonlyArray<KubeCondition> | undefined,
  issues: ReadonlyArray<FieldIssue>,
  nowMs: number,
): KubeCondition[] {
  if (issues.length === 0) return removeRolloutCondition(conditions, ConditionType.InvalidSpec);
  const detail = issues.map((i) => `${i.field}: ${i.message}`).join(", ");
  const message = ConditionMessage.invalidSpec(rollout.metadata.name ?? "", detail);
  return setRolloutCondition(
    conditions,
    newRolloutCondition(ConditionType.InvalidSpec, "True", ConditionReason.InvalidSpec, message, kubeTime(nowMs)),
  );
}
