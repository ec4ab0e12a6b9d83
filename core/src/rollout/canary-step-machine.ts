import type { PauseCondition, PauseReason, Rollout, RolloutStatus } from "../types/rollout.ts";
import { currentCanaryStep } from "./canary-steps.ts";
import { kubeTime } from "./kube-time.ts";
import { rolloutPauseSeconds } from "./pause-duration.ts";

/** Phase of an AnalysisRun or Experiment as the step machine sees it. */
export type RunPhase = "Pending" | "Running" | "Successful" | "Failed" | "Error" | "Inconclusive";

/** What the reconciler observed this round, beyond the Rollout itself. */
export interface CanaryStepObservation {
  nowMs: number;
  /** `atDesiredReplicaCountsForCanary` for the current ReplicaSets. */
  atDesiredReplicaCounts: boolean;
  /** `status.canary.weights.verified` after this round's router call; undefined when the router cannot verify. */
  weightVerified?: boolean;
  /** Phase of the AnalysisRun created for the current analysis step, if any. */
  stepAnalysisPhase?: RunPhase;
  /** Message of that AnalysisRun (carried into the abort message). */
  stepAnalysisMessage?: string;
  /** Phase of the Experiment created for the current experiment step, if any. */
  experimentPhase?: RunPhase;
  /** Message of that Experiment. */
  experimentMessage?: string;
  /** Whether the current step plugin reported completion. */
  pluginCompleted?: boolean;
}

export type CanaryStepOutcome =
  /** Every step is done (or there are none): the rollout may be promoted to stable. */
  | { kind: "finished" }
  /** The current step is done: apply `status` (next index, pause cleared) and reconcile again. */
  | { kind: "advance"; status: Pick<RolloutStatus, "currentStepIndex" | "pauseConditions" | "controllerPause"> }
  /** Keep waiting; add `pauseCondition` when given, requeue after `requeueAfterMs` when given. */
  | { kind: "wait"; pauseCondition?: PauseCondition; requeueAfterMs?: number }
  /** The step failed: abort the update. */
  | { kind: "abort"; reason: "AnalysisRunFailed" | "ExperimentFailed"; message: string };

function findPause(rollout: Rollout, reason: PauseReason): PauseCondition | undefined {
  return (rollout.status?.pauseConditions ?? []).find((c) => c.reason === reason);
}

/** Status that moves a rollout to the step after the current one, clearing the pause it may have held. */
export function advanceCanaryStep(
  rollout: Rollout,
): Pick<RolloutStatus, "currentStepIndex" | "pauseConditions" | "controllerPause"> {
  const stepCount = rollout.spec.strategy?.canary?.steps?.length ?? 0;
  const index = rollout.status?.currentStepIndex ?? 0;
  return { currentStepIndex: Math.min(index + 1, stepCount), pauseConditions: null, controllerPause: false };
}

/**
 * Decides the current canary step (Argo's `completedCurrentCanaryStep` plus `reconcileCanaryPause`):
 * - `setWeight` and `setCanaryScale` complete at the desired replica counts (and a verified weight when the router
 *   verifies);
 * - `pause` with a duration completes once `startTime + duration` has passed; any pause completes when promoted
 *   (pause condition removed while `controllerPause` is still set); the first visit adds `CanaryPauseStep`;
 * - `analysis` completes on Successful, aborts on Failed/Error, pauses `InconclusiveAnalysisRun` on Inconclusive;
 * - `experiment` likewise with `InconclusiveExperiment`; header/mirror route steps complete at once.
 * Nothing moves while `spec.paused`.
 */
export function evaluateCanaryStep(rollout: Rollout, observed: CanaryStepObservation): CanaryStepOutcome {
  const { step } = currentCanaryStep(rollout);
  if (!step) return { kind: "finished" };
  const now = kubeTime(observed.nowMs);
  const advance = { kind: "advance" as const, status: advanceCanaryStep(rollout) };
  if (rollout.spec.paused) return { kind: "wait" };
  if (findPause(rollout, "InconclusiveAnalysisRun")) return { kind: "wait" };
  if (findPause(rollout, "InconclusiveExperiment")) return { kind: "wait" };

  if (step.pause) {
    const condition = findPause(rollout, "CanaryPauseStep");
    const controllerPause = rollout.status?.controllerPause ?? false;
    if (!condition && controllerPause) return advance;
    const seconds = rolloutPauseSeconds(step.pause);
    if (!condition) {
      const pauseCondition: PauseCondition = { reason: "CanaryPauseStep", startTime: now };
      return seconds === undefined
        ? { kind: "wait", pauseCondition }
        : { kind: "wait", pauseCondition, requeueAfterMs: Math.max(0, seconds) * 1000 };
    }
    if (seconds === undefined) return { kind: "wait" };
    const expiresMs = Date.parse(condition.startTime) + Math.max(0, seconds) * 1000;
    if (observed.nowMs > expiresMs) return advance;
    return { kind: "wait", requeueAfterMs: expiresMs - observed.nowMs + 1 };
  }
  if (step.setCanaryScale) return observed.atDesiredReplicaCounts ? advance : { kind: "wait" };
  if (step.setWeight !== undefined) {
    if (!observed.atDesiredReplicaCounts || observed.weightVerified === false) return { kind: "wait" };
    return advance;
  }
  if (step.analysis) {
    return outcomeOfRun(
      observed.stepAnalysisPhase,
      observed.stepAnalysisMessage,
      "InconclusiveAnalysisRun",
      "AnalysisRunFailed",
      now,
      advance,
    );
  }
  if (step.experiment) {
    return outcomeOfRun(
      observed.experimentPhase,
      observed.experimentMessage,
      "InconclusiveExperiment",
      "ExperimentFailed",
      now,
      advance,
    );
  }
  if (step.setHeaderRoute || step.setMirrorRoute) return advance;
  if (step.plugin) return observed.pluginCompleted ? advance : { kind: "wait" };
  return { kind: "wait" };
}

function outcomeOfRun(
  phase: RunPhase | undefined,
  message: string | undefined,
  inconclusive: PauseReason,
  failed: "AnalysisRunFailed" | "ExperimentFailed",
  now: string,
  advance: CanaryStepOutcome,
): CanaryStepOutcome {
  switch (phase) {
    case "Successful":
      return advance;
    case "Failed":
    case "Error": {
      const what = failed === "AnalysisRunFailed" ? "AnalysisRun" : "Experiment";
      const summary = `${what} ${phase === "Error" ? "errored" : "failed"}`;
      return { kind: "abort", reason: failed, message: message ? `${summary}: ${message}` : summary };
    }
    case "Inconclusive":
      return { kind: "wait", pauseCondition: { reason: inconclusive, startTime: now } };
    default:
      return { kind: "wait" };
  }
}
