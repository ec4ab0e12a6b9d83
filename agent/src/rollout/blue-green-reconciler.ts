import {
  abortScaleDownDelaySeconds,
  applyInvalidSpecCondition,
  blueGreenScaleDownDelaySeconds,
  calculateNewReplicasForBlueGreen,
  completedBlueGreenPause,
  decideBlueGreenPause,
  hasScaleDownDeadline,
  isReplicaSetSaturated,
  kubeTime,
  POD_TEMPLATE_HASH_LABEL,
  type ReplicaSet,
  type Rollout,
  type RolloutStatus,
  readyForBlueGreenPause,
  rolloutReplicas,
  SCALE_DOWN_DEADLINE_ANNOTATION,
  scaleDownDeadline,
  scaleDownDeadlineRemainingMs,
  scaleDownDelayRevisionLimit,
  scaleUpPreviewCheckpoint,
  withPauseCondition,
} from "@bellwether/core";
import { apiVersionOf } from "../kube/resource-ref.ts";
import { collisionRound, finishRound } from "./finish-round.ts";
import { labelSelectorString } from "./label-selector-string.ts";
import { revisionOf } from "./replica-set-factory.ts";
import type { DeferredEvent } from "./rollout-events.ts";
import { fillCounts } from "./rollout-status-writer.ts";
import type { StrategyDeps, StrategyInput, StrategyOutcome, StrategyReconciler } from "./strategy-reconciler.ts";

const PAUSE_REASON = "BlueGreenPause";

function podHash(rs: ReplicaSet | undefined): string {
  return rs?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? "";
}

/**
 * Analysis gates are not run by the agent yet. A Rollout that asks for one is held at the gate (never promoted
 * past an analysis it did not run); this is the seam where the AnalysisRun's phase will be read.
 */
function prePromotionAnalysisComplete(rollout: Rollout): boolean {
  return rollout.spec.strategy?.blueGreen?.prePromotionAnalysis === undefined;
}

function postPromotionAnalysisComplete(rollout: Rollout): boolean {
  return rollout.spec.strategy?.blueGreen?.postPromotionAnalysis === undefined;
}

/**
 * The blue-green strategy with Argo's semantics: the new ReplicaSet starts at 0, the preview Service moves to it
 * at once, it grows to `previewReplicaCount` (or full size), the controller pauses (BlueGreenPause) when the spec
 * asks, then it grows to full size, the active Service switches, the new ReplicaSet becomes stable and the old one
 * keeps its pods until its `scale-down-deadline` passes. Abort points the active Service back at stable and scales
 * the preview down after `abortScaleDownDelaySeconds`.
 */
export class BlueGreenReconciler implements StrategyReconciler {
  private readonly d: StrategyDeps;
  private readonly caughtUp = new Set<string>();
  private readonly gateWarned = new Set<string>();

  constructor(deps: StrategyDeps) {
    this.d = deps;
  }

  async reconcile(input: StrategyInput): Promise<StrategyOutcome> {
    const { nowMs } = input;
    const ev = this.d.events;
    const store = this.d.replicaSets;
    const deferred: DeferredEvent[] = [];
    const requeues: Array<number | undefined> = [];
    const spec = input.rollout.spec.strategy?.blueGreen ?? {};
    const replicas = rolloutReplicas(input.rollout);
    const before: RolloutStatus = input.rollout.status ?? {};
    const status: RolloutStatus = { ...before, blueGreen: { ...(before.blueGreen ?? {}) } };
    status.conditions = applyInvalidSpecCondition(input.rollout, status.conditions, [], nowMs);
    delete status.currentStepHash;
    delete status.currentStepIndex;

    const current = store.currentTemplate(input.rollout);
    const hash = current.hash;
    if (status.currentPodHash !== hash) {
      if (status.currentPodHash) {
        const revision = current.newRS ? revisionOf(current.newRS) : current.maxRevision + 1;
        deferred.push(
          ev.deferred(
            input.rollout,
            "Normal",
            "RolloutUpdated",
            `Rollout updated to revision ${revision}`,
            `updated-${hash}`,
          ),
        );
      }
      // A new template starts over: no pause, no abort, no promote-full, preview checkpoint reset.
      status.currentPodHash = hash;
      status.pauseConditions = [];
      status.controllerPause = false;
      status.abort = false;
      delete status.abortedAt;
      delete status.promoteFull;
      if (status.blueGreen) delete status.blueGreen.scaleUpPreviewCheckPoint;
    }
    // promote-full skips the pause (and any analysis gate) at once.
    if (status.promoteFull) status.pauseConditions = [];
    // Decisions below read the status as of the start of the round (with the template reset), as Argo does.
    const rollout: Rollout = { ...input.rollout, status: { ...status, blueGreen: { ...status.blueGreen } } };

    const ensured = await store.ensureNew(rollout, current, apiVersionOf(this.d.rolloutKind), 0, replicas);
    if (ensured.kind === "collision") return collisionRound(this.d, input, status);
    let newRS = ensured.newRS;
    let owned = ensured.owned;
    const revision = revisionOf(newRS);
    const replace = (rs: ReplicaSet): ReplicaSet => {
      owned = owned.map((o) => (o.metadata.name === rs.metadata.name ? rs : o));
      if (rs.metadata.name === newRS.metadata.name) newRS = rs;
      return rs;
    };

    // Services: the preview follows the new ReplicaSet as soon as it exists (unless the user paused).
    const userPaused = !!rollout.spec.paused;
    const activeService = spec.activeService ?? "";
    let activeHash = await this.d.services.currentHash(rollout, activeService);
    let previewHash = "";
    if (spec.previewService) {
      if (userPaused) previewHash = await this.d.services.currentHash(rollout, spec.previewService);
      else {
        await this.d.services.pin(rollout, spec.previewService, hash);
        previewHash = hash;
      }
    }

    const stableRS = owned.find((rs) => podHash(rs) === status.stableRS && status.stableRS !== undefined);
    const aborted = !!status.abort;
    const abortDelaySeconds = abortScaleDownDelaySeconds(rollout);
    const delayAbortScaleDown = aborted && stableRS !== undefined && abortDelaySeconds !== undefined;

    // A ReplicaSet we are moving (back) to keeps no scale-down deadline.
    for (const rs of [delayAbortScaleDown ? undefined : newRS, stableRS]) {
      if (rs && hasScaleDownDeadline(rs))
        replace(await store.patchAnnotations(rs, { [SCALE_DOWN_DEADLINE_ANNOTATION]: null }));
    }

    // The active ReplicaSet always runs at full size.
    const activeRS = owned.find((rs) => podHash(rs) === activeHash && activeHash !== "");
    if (activeRS) replace(await store.scale(rollout, activeRS, replicas, replicas));

    // The new ReplicaSet: preview size, full size, or (aborted) down once the abort delay has passed.
    let desiredNew: number | undefined = calculateNewReplicasForBlueGreen(rollout, newRS, owned);
    if (delayAbortScaleDown && newRS !== stableRS) {
      const remainingMs = scaleDownDeadlineRemainingMs(newRS, nowMs);
      if (hasScaleDownDeadline(newRS) && remainingMs !== undefined && remainingMs > 0) {
        requeues.push(remainingMs + 1);
        desiredNew = undefined;
      } else if (hasScaleDownDeadline(newRS)) {
        desiredNew = 0;
      } else {
        // The preview stays up until stable runs at full strength, then its deadline starts.
        if ((stableRS?.status?.availableReplicas ?? 0) === replicas) {
          replace(
            await store.patchAnnotations(newRS, {
              [SCALE_DOWN_DEADLINE_ANNOTATION]: scaleDownDeadline(nowMs, abortDelaySeconds ?? 0),
            }),
          );
          requeues.push((abortDelaySeconds ?? 0) * 1000 + 1000);
        }
        desiredNew = undefined;
      }
    }
    if (desiredNew !== undefined) replace(await store.scale(rollout, newRS, desiredNew, replicas));

    // Older ReplicaSets nobody points at: kept for scaleDownDelaySeconds, then scaled to zero.
    const others = owned.filter((rs) => rs.metadata.name !== newRS.metadata.name && rs !== stableRS);
    requeues.push(await this.scaleDownOthers(rollout, others, [activeHash, previewHash], nowMs, replace));

    // The pause before cutover, and the cutover itself.
    const prePromotionComplete = prePromotionAnalysisComplete(rollout);
    if (!prePromotionComplete || !postPromotionAnalysisComplete(rollout)) this.warnAnalysisGate(rollout, hash);
    const pauseDecision = decideBlueGreenPause(rollout, {
      newRS,
      allRSs: owned,
      activeHash,
      nowMs,
      prePromotionComplete,
    });
    requeues.push(pauseDecision.requeueAfterMs);
    if (pauseDecision.pause) {
      status.pauseConditions = withPauseCondition(status.pauseConditions, {
        reason: PAUSE_REASON,
        startTime: kubeTime(nowMs),
      });
      status.controllerPause = true;
      deferred.push(
        ev.deferred(
          rollout,
          "Normal",
          "RolloutPaused",
          `Rollout is paused (${PAUSE_REASON})`,
          `paused-${hash}-bluegreen`,
        ),
      );
    } else if (pauseDecision.unpause) {
      status.pauseConditions = (status.pauseConditions ?? []).filter((p) => p.reason !== PAUSE_REASON);
    }
    const pauseCompleted = completedBlueGreenPause(rollout, nowMs, pauseDecision.pause);
    if (!userPaused && readyForBlueGreenPause(rollout, newRS, owned) && isReplicaSetSaturated(rollout, newRS)) {
      let target = activeHash;
      const fastTracked =
        hasScaleDownDeadline(newRS) || !!status.promoteFull || activeHash === "" || activeHash === hash;
      if (fastTracked || (pauseCompleted && prePromotionComplete)) target = hash;
      if (aborted) target = status.stableRS ?? activeHash;
      if (target !== "") {
        await this.d.services.pin(rollout, activeService, target);
        activeHash = target;
      }
    }

    // Stable follows the active Service once it selects the current template (Argo's shouldFullPromote).
    const promotion = !stableRS
      ? "Initial deploy"
      : activeHash === ""
        ? "Initial deploy"
        : activeHash === hash && postPromotionAnalysisComplete(rollout)
          ? "Completed blue-green update"
          : undefined;
    const blueGreen: NonNullable<RolloutStatus["blueGreen"]> = {};
    if (promotion) {
      status.pauseConditions = [];
      status.abort = false;
      delete status.abortedAt;
      delete status.promoteFull;
      if (status.stableRS !== hash) {
        status.stableRS = hash;
        deferred.push(
          ev.deferred(
            rollout,
            "Normal",
            "RolloutCompleted",
            `Rollout completed update to revision ${revision} (${hash}): ${promotion}`,
            `completed-${hash}`,
          ),
        );
      }
    } else if (scaleUpPreviewCheckpoint(rollout, newRS, pauseCompleted, prePromotionComplete)) {
      blueGreen.scaleUpPreviewCheckPoint = true;
    }
    if (previewHash) blueGreen.previewSelector = previewHash;
    if (activeHash) blueGreen.activeSelector = activeHash;
    status.blueGreen = blueGreen;
    // Argo keeps controllerPause only while a pause condition remains.
    if ((status.pauseConditions ?? []).length === 0) status.controllerPause = false;
    // Counts: the base over every ReplicaSet, then Argo's blue-green view of the active ReplicaSet.
    fillCounts(status, newRS, owned);
    const active = owned.find((rs) => podHash(rs) === activeHash && activeHash !== "");
    if (active) {
      status.HPAReplicas = active.status?.replicas ?? 0;
      status.selector = labelSelectorString(active.spec.selector);
      status.availableReplicas = active.status?.availableReplicas ?? 0;
      status.readyReplicas = active.status?.readyReplicas ?? 0;
    } else {
      status.selector = labelSelectorString(rollout.spec.selector);
    }

    const keep = [newRS, ...(stableRS ? [stableRS] : []), ...(active ? [active] : [])];
    await store.cleanupHistory(rollout, owned, keep);

    return finishRound(this.d, {
      input,
      rollout,
      status,
      newRS,
      revision,
      deferred,
      strategy: "blueGreen",
      activeSaturated: isReplicaSetSaturated(rollout, active),
      requeues,
      catchUp: (r, st) => this.catchUp(r, st, hash),
    });
  }

  /** Once per template: say why a Rollout with promotion analysis does not cut over. */
  private warnAnalysisGate(rollout: Rollout, hash: string): void {
    const key = `${rollout.metadata.uid ?? ""}/${hash}`;
    if (this.gateWarned.has(key)) return;
    this.gateWarned.add(key);
    this.d.logger.warn(
      { rollout: `${rollout.metadata.namespace}/${rollout.metadata.name}`, podTemplateHash: hash },
      "promotion analysis is not run by this agent yet: holding the blue-green update before the analysis gate",
    );
  }

  /**
   * Argo's scaleDownOldReplicaSetsForBlueGreen, newest first: a ReplicaSet still referenced (status or a Service)
   * keeps its pods; one with pods and no deadline gets `scale-down-deadline` = now + scaleDownDelaySeconds (up to
   * scaleDownDelayRevisionLimit of them wait at once); once the deadline passes it goes to zero. Returns when to
   * look again.
   */
  private async scaleDownOthers(
    rollout: Rollout,
    others: ReadonlyArray<ReplicaSet>,
    serviceHashes: ReadonlyArray<string>,
    nowMs: number,
    replace: (rs: ReplicaSet) => ReplicaSet,
  ): Promise<number | undefined> {
    const s = rollout.status ?? {};
    const referenced = new Set(
      [
        s.stableRS,
        s.currentPodHash,
        s.blueGreen?.activeSelector,
        s.blueGreen?.previewSelector,
        ...serviceHashes,
      ].filter((h): h is string => !!h),
    );
    const limit = scaleDownDelayRevisionLimit(rollout);
    const delaySeconds = blueGreenScaleDownDelaySeconds(rollout);
    const replicas = rolloutReplicas(rollout);
    let waiting = 0;
    let requeueMs: number | undefined;
    const wake = (ms: number) => {
      requeueMs = requeueMs === undefined ? ms : Math.min(requeueMs, ms);
    };
    for (const rs of [...others].sort((a, b) => revisionOf(b) - revisionOf(a))) {
      const current = rs.spec.replicas ?? 0;
      if (referenced.has(podHash(rs)) || current === 0) continue;
      let desired = 0;
      if (!hasScaleDownDeadline(rs)) {
        if (waiting < limit && delaySeconds > 0) {
          waiting++;
          desired = current;
          replace(
            await this.d.replicaSets.patchAnnotations(rs, {
              [SCALE_DOWN_DEADLINE_ANNOTATION]: scaleDownDeadline(nowMs, delaySeconds),
            }),
          );
          wake(delaySeconds * 1000 + 1000);
        }
      } else {
        waiting++;
        const remainingMs = scaleDownDeadlineRemainingMs(rs, nowMs);
        if (waiting <= limit && remainingMs !== undefined && remainingMs > 0) {
          desired = replicas;
          wake(remainingMs + 1);
        }
      }
      if (current !== desired) replace(await this.d.replicaSets.scale(rollout, rs, desired, replicas));
    }
    return requeueMs;
  }

  /**
   * The first time this process sees a Rollout paused before cutover or aborted, it re-records that transition
   * under its deterministic name: a crash between the status write and the event leaves no gap and no duplicate.
   */
  private async catchUp(rollout: Rollout, status: RolloutStatus, hash: string): Promise<void> {
    const uid = rollout.metadata.uid ?? "";
    if (this.caughtUp.has(uid)) return;
    this.caughtUp.add(uid);
    const ev = this.d.events;
    const events: DeferredEvent[] = [];
    if ((status.pauseConditions ?? []).some((p) => p.reason === PAUSE_REASON)) {
      events.push(
        ev.deferred(
          rollout,
          "Normal",
          "RolloutPaused",
          `Rollout is paused (${PAUSE_REASON})`,
          `paused-${hash}-bluegreen`,
        ),
      );
    }
    // The Progressing condition carries the very message of the RolloutAborted event.
    const aborted = status.conditions?.find((c) => c.reason === "RolloutAborted")?.message;
    if (status.abort && aborted)
      events.push(ev.deferred(rollout, "Warning", "RolloutAborted", aborted, `aborted-${hash}`));
    await ev.flush(events, true);
  }
}
