import {
  calculateRolloutConditions,
  calculateRolloutPhase,
  type ReplicaSet,
  type Rollout,
  type RolloutStatus,
  rolloutReplicas,
} from "@bellwether/core";
import type { DeferredEvent } from "./rollout-events.ts";
import { argoShape, writeRolloutStatus } from "./rollout-status-writer.ts";
import {
  progressDeadlineRequeueMs,
  type StrategyDeps,
  type StrategyInput,
  type StrategyOutcome,
  soonest,
} from "./strategy-reconciler.ts";

/** Everything a strategy decided this round, ready to become status. */
export interface RoundDecision {
  input: StrategyInput;
  /** The Rollout with this round's spec (status is replaced by `status`). */
  rollout: Rollout;
  status: RolloutStatus;
  newRS: ReplicaSet;
  revision: number;
  deferred: DeferredEvent[];
  strategy: "canary" | "blueGreen";
  trafficRouter?: string;
  /** Blue-green: the active ReplicaSet is saturated (the Available condition). */
  activeSaturated?: boolean;
  requeues: Array<number | undefined>;
  /** Why the update was aborted (the failed AnalysisRun's message), appended to the RolloutAborted message. */
  abortMessage?: string;
  /** Runs after a successful status write (re-recording transitions a crashed process may have missed). */
  catchUp?: (rollout: Rollout, status: RolloutStatus) => Promise<void>;
}

/**
 * The common end of every round: the abort transition, conditions and phase from @bellwether/core, Argo's
 * serialised shape, the single status write, deferred events after it, metrics, and when to look again.
 */
export async function finishRound(d: StrategyDeps, r: RoundDecision): Promise<StrategyOutcome> {
  const { original, nowMs, clearPending } = r.input;
  const { status, newRS, revision } = r;
  if (status.abort && !original.status?.abort) {
    r.deferred.push(
      d.events.deferred(
        r.rollout,
        "Warning",
        "RolloutAborted",
        `Rollout aborted update to revision ${revision}${r.abortMessage ? `: ${r.abortMessage}` : ""}`,
        `aborted-${status.currentPodHash ?? ""}`,
      ),
    );
  }
  status.observedGeneration = String(r.rollout.metadata.generation ?? 0);
  status.conditions = calculateRolloutConditions({
    rollout: { ...original, spec: r.rollout.spec },
    newStatus: status,
    ...(newRS.metadata.name ? { newReplicaSetName: newRS.metadata.name } : {}),
    revision,
    availableReplicasAllSets: status.availableReplicas ?? 0,
    ...(r.activeSaturated !== undefined ? { activeSaturated: r.activeSaturated } : {}),
    ...(r.abortMessage ? { abortMessage: r.abortMessage } : {}),
    nowMs,
  });
  const rollout: Rollout = { ...r.rollout, status };
  const { phase, message } = calculateRolloutPhase(rollout);
  status.phase = phase;
  status.message = message;
  argoShape(status);

  if (await writeRolloutStatus(d.client, d.rolloutKind, original, status, clearPending)) {
    await d.events.flush(r.deferred);
    await r.catchUp?.(rollout, status);
  }
  d.metrics?.setRollout({
    namespace: rollout.metadata.namespace ?? "",
    name: rollout.metadata.name ?? "",
    strategy: r.strategy,
    trafficRouter: r.trafficRouter ?? "",
    phase,
    desired: rolloutReplicas(rollout),
    available: status.availableReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
  });
  return {
    result: soonest(...r.requeues, progressDeadlineRequeueMs(rollout, status, nowMs)),
    round: { rollout, status },
  };
}

/**
 * A ReplicaSet with our name exists but is not ours for this template: a hash collision. Argo bumps
 * `status.collisionCount`, which changes the hash on the next round.
 */
export async function collisionRound(
  d: StrategyDeps,
  input: StrategyInput,
  status: RolloutStatus,
): Promise<StrategyOutcome> {
  status.collisionCount = (status.collisionCount ?? 0) + 1;
  await writeRolloutStatus(d.client, d.rolloutKind, input.original, status, input.clearPending);
  return { result: { requeueAfterMs: 0 } };
}
