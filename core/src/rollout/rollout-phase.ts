import type { Rollout, RolloutPhase } from "../types/rollout.ts";
import { isFullyPromoted } from "./canary-steps.ts";
import { rolloutReplicas } from "./defaults.ts";
import { ConditionReason, ConditionType } from "./rollout-conditions.ts";

export interface PhaseAndMessage {
  phase: RolloutPhase;
  message: string;
}

/**
 * Argo's `CalculateRolloutPhase`, first match wins: InvalidSpec / aborted / deadline exceeded ⇒ Degraded; user
 * pause or any pause condition ⇒ Paused; restarting, pods not updated or not available, blue-green cutover or
 * verification pending, old canary pods still running or steps remaining ⇒ Progressing; else Healthy.
 */
export function calculateRolloutPhase(rollout: Rollout): PhaseAndMessage {
  const status = rollout.status ?? {};
  for (const condition of status.conditions ?? []) {
    if (condition.type === ConditionType.InvalidSpec) {
      return { phase: "Degraded", message: `${ConditionType.InvalidSpec}: ${condition.message ?? ""}` };
    }
    if (condition.reason === ConditionReason.RolloutAborted || condition.reason === ConditionReason.TimedOut) {
      return { phase: "Degraded", message: `${condition.reason}: ${condition.message ?? ""}` };
    }
  }
  if (rollout.spec.paused) return { phase: "Paused", message: "manually paused" };
  const firstPause = (status.pauseConditions ?? [])[0];
  if (firstPause) return { phase: "Paused", message: firstPause.reason };
  if (rollout.spec.restartAt !== undefined) {
    const restartAt = Date.parse(rollout.spec.restartAt);
    if (status.restartedAt === undefined || Date.parse(status.restartedAt) < restartAt) {
      return { phase: "Progressing", message: "rollout is restarting" };
    }
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < rolloutReplicas(rollout)) {
    return { phase: "Progressing", message: "more replicas need to be updated" };
  }
  if ((status.availableReplicas ?? 0) < updated) {
    return { phase: "Progressing", message: "updated replicas are still becoming available" };
  }
  const strategy = rollout.spec.strategy;
  if (strategy?.blueGreen) {
    const active = status.blueGreen?.activeSelector ?? "";
    if (active === "" || active !== (status.currentPodHash ?? "")) {
      return { phase: "Progressing", message: "active service cutover pending" };
    }
    if (!status.stableRS || !isFullyPromoted(rollout)) {
      return {
        phase: "Progressing",
        message: strategy.blueGreen.postPromotionAnalysis
          ? "waiting for post-promotion verification to complete"
          : "waiting for analysis to complete",
      };
    }
  } else if (strategy?.canary) {
    if (!strategy.canary.trafficRouting && (status.replicas ?? 0) > updated) {
      return { phase: "Progressing", message: "old replicas are pending termination" };
    }
    if (!status.stableRS || !isFullyPromoted(rollout)) {
      return { phase: "Progressing", message: "waiting for all steps to complete" };
    }
  }
  return { phase: "Healthy", message: "" };
}

/**
 * The phase as clients (CLI, Argo CD, dashboards) report it: Progressing while the controller has not observed
 * the latest generation or is lifting a controller pause, else `calculateRolloutPhase`'s verdict from status.
 */
export function observedRolloutPhase(rollout: Rollout): PhaseAndMessage {
  const status = rollout.status ?? {};
  const generation = rollout.metadata.generation;
  if (generation !== undefined && status.observedGeneration !== String(generation)) {
    return { phase: "Progressing", message: "waiting for rollout spec update to be observed" };
  }
  if (status.controllerPause && (status.pauseConditions ?? []).length === 0) {
    return { phase: "Progressing", message: "waiting for rollout to unpause" };
  }
  return calculateRolloutPhase(rollout);
}
