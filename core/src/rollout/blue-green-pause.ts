import type { ReplicaSet } from "../types/replica-set.ts";
import type { PauseCondition, Rollout } from "../types/rollout.ts";
import { replicaSetPodHash } from "./replica-set-counts.ts";
import { readyForBlueGreenPause } from "./replica-set-saturation.ts";
import { hasScaleDownDeadline } from "./scale-down-deadline.ts";

const REASON = "BlueGreenPause";

function bluegreenPause(rollout: Rollout): PauseCondition | undefined {
  return (rollout.status?.pauseConditions ?? []).find((p) => p.reason === REASON);
}

/** Whether the controller holds the preview before cutover: `autoPromotionEnabled: false` or `autoPromotionSeconds > 0`. */
export function needsBlueGreenControllerPause(rollout: Rollout): boolean {
  const bg = rollout.spec.strategy?.blueGreen;
  if (bg?.autoPromotionEnabled === false) return true;
  return (bg?.autoPromotionSeconds ?? 0) > 0;
}

/**
 * Argo's `CompletedBlueGreenPause`: the controller pause is over, because a person promoted (pause condition gone
 * while `controllerPause` stays set) or `autoPromotionSeconds` passed since it began. With auto-promotion
 * disabled the seconds are ignored: only a promote ends the pause. Never complete in the round that adds it.
 */
export function completedBlueGreenPause(rollout: Rollout, nowMs: number, pausedThisRound = false): boolean {
  if (pausedThisRound) return false;
  const status = rollout.status ?? {};
  if (status.blueGreen?.scaleUpPreviewCheckPoint) return true;
  if (!needsBlueGreenControllerPause(rollout)) return true;
  const pause = bluegreenPause(rollout);
  const bg = rollout.spec.strategy?.blueGreen;
  if (bg?.autoPromotionEnabled === false) return !!status.controllerPause && !pause;
  const seconds = bg?.autoPromotionSeconds ?? 0;
  if (seconds === 0) return true;
  if (!pause) return false;
  return nowMs > Date.parse(pause.startTime) + seconds * 1000;
}

export interface BlueGreenPauseInput {
  newRS: ReplicaSet | undefined;
  allRSs: ReadonlyArray<ReplicaSet>;
  /** The hash the active Service selects now ("" when it selects no ReplicaSet yet: the first deploy). */
  activeHash: string;
  nowMs: number;
  /** prePromotionAnalysis finished successfully (true when there is none). */
  prePromotionComplete: boolean;
}

export interface BlueGreenPauseDecision {
  /** Add the BlueGreenPause condition (start time now). */
  pause: boolean;
  /** Drop the BlueGreenPause condition. */
  unpause: boolean;
  /** When to look again: autoPromotionSeconds run out. */
  requeueAfterMs?: number;
}

/**
 * Argo's `reconcileBlueGreenPause`: once the preview is up (new ReplicaSet at its preview size, all available),
 * pause before cutover when the spec asks for it, unless the update is fast-tracked (first deploy, promote-full,
 * back to a ReplicaSet still within its scale-down delay, already active) or the preview checkpoint has passed.
 * A pause condition removed by a promote leaves `controllerPause` set, which stops it being added again.
 */
export function decideBlueGreenPause(rollout: Rollout, input: BlueGreenPauseInput): BlueGreenPauseDecision {
  const none: BlueGreenPauseDecision = { pause: false, unpause: false };
  const status = rollout.status ?? {};
  if (status.abort || rollout.spec.paused) return none;
  if (!readyForBlueGreenPause(rollout, input.newRS, input.allRSs)) return none;
  const pause = bluegreenPause(rollout);
  const drop: BlueGreenPauseDecision = { pause: false, unpause: pause !== undefined };
  const newHash = replicaSetPodHash(input.newRS);
  const fastTracked =
    hasScaleDownDeadline(input.newRS) ||
    !!status.promoteFull ||
    input.activeHash === "" ||
    input.activeHash === newHash;
  if (fastTracked || status.blueGreen?.scaleUpPreviewCheckPoint || !needsBlueGreenControllerPause(rollout)) return drop;
  if (!input.prePromotionComplete) return none;
  if (!pause) return status.controllerPause ? none : { pause: true, unpause: false };
  if (completedBlueGreenPause(rollout, input.nowMs)) return drop;
  const seconds = rollout.spec.strategy?.blueGreen?.autoPromotionSeconds ?? 0;
  if (seconds > 0 && rollout.spec.strategy?.blueGreen?.autoPromotionEnabled !== false) {
    const dueMs = Date.parse(pause.startTime) + seconds * 1000 - input.nowMs;
    return { pause: false, unpause: false, requeueAfterMs: Math.max(0, dueMs) + 1 };
  }
  return none;
}

/**
 * `status.blueGreen.scaleUpPreviewCheckPoint`, a one-way trip-wire of `previewReplicaCount`: set once the pause is
 * over (and pre-promotion analysis done) with exactly the preview count available, which lets the new ReplicaSet
 * grow to full size. The caller resets it on a template change and on full promotion.
 */
export function scaleUpPreviewCheckpoint(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  pauseCompleted: boolean,
  prePromotionComplete: boolean,
): boolean {
  const previewCount = rollout.spec.strategy?.blueGreen?.previewReplicaCount;
  if (previewCount === undefined) return false;
  if (rollout.status?.blueGreen?.scaleUpPreviewCheckPoint) return true;
  if (!pauseCompleted || !prePromotionComplete) return false;
  return (newRS?.status?.availableReplicas ?? 0) === previewCount;
}
