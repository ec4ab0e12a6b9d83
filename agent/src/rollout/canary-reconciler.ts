import {
  abortPatch,
  applyInvalidSpecCondition,
  atDesiredReplicaCountsForCanary,
  type CanaryStep,
  calculateReplicaCountsForCanary,
  computeStepHash,
  desiredRouterWeight,
  evaluateCanaryStep,
  type FieldIssue,
  isFullyPromoted,
  maxTrafficWeight,
  POD_TEMPLATE_HASH_LABEL,
  type ReplicaSet,
  type Rollout,
  type RolloutStatus,
  type RunPhase,
  resolveFenceposts,
  rolloutReplicas,
  withPauseCondition,
} from "@bellwether/core";
import { apiVersionOf } from "../kube/resource-ref.ts";
import { collisionRound, finishRound } from "./finish-round.ts";
import { labelSelectorString } from "./label-selector-string.ts";
import { revisionOf } from "./replica-set-factory.ts";
import { type RunStatus, runFailed, runPhaseOf } from "./rollout-analysis.ts";
import type { DeferredEvent } from "./rollout-events.ts";
import { fillCounts } from "./rollout-status-writer.ts";
import { stepDescription } from "./step-description.ts";
import type {
  RolloutRound,
  StrategyDeps,
  StrategyInput,
  StrategyOutcome,
  StrategyReconciler,
} from "./strategy-reconciler.ts";

/** A template lookup may succeed later (the template is applied after the Rollout): look again this often. */
const ANALYSIS_RETRY_MS = 10_000;

/** What this round's analysis runs mean for the step machine. */
interface AnalysisRound {
  stepPhase?: RunPhase;
  stepMessage?: string;
  /** The runs' spec cannot be built (a missing template): InvalidSpec naming the field. */
  issues: FieldIssue[];
}

/** Argo appends the failed run's message to "Rollout aborted update to revision N". */
function abortMessageOf(status: RolloutStatus): { abortMessage?: string } {
  const runs = [status.canary?.currentStepAnalysisRunStatus, status.canary?.currentBackgroundAnalysisRunStatus];
  const failed = runs.find((r) => runFailed(r) && r?.message);
  return failed?.message ? { abortMessage: failed.message } : {};
}

/** The controller's abort is the abort command's: pauses dropped, the canary back at its first step. */
function abortUpdate(rollout: Rollout, status: RolloutStatus, nowIso: string): void {
  const patch = abortPatch(rollout, nowIso).status ?? {};
  Object.assign(status, patch, { pauseConditions: [] });
}

/** @deprecated name kept for existing importers: every strategy reports the same round. */
export type CanaryRound = RolloutRound;

/**
 * The canary strategy: steps, pod-ratio or router weights, promotion and abort. Every decision comes from
 * @bellwether/core; this class drives the shared ReplicaSet store, Service selectors and traffic router, records
 * Events with Argo's reasons, and writes status exactly as Argo does.
 */
export class CanaryReconciler implements StrategyReconciler {
  private readonly d: StrategyDeps;
  private readonly caughtUp = new Set<string>();

  constructor(deps: StrategyDeps) {
    this.d = deps;
  }

  async reconcile(input: StrategyInput): Promise<StrategyOutcome> {
    const { nowMs } = input;
    const nowIso = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const deferred: DeferredEvent[] = [];
    const ev = this.d.events;
    let rollout = input.rollout;
    const canarySpec = rollout.spec.strategy?.canary ?? {};

    const replicas = rolloutReplicas(rollout);
    const status: RolloutStatus = { ...(rollout.status ?? {}) };
    status.conditions = applyInvalidSpecCondition(rollout, status.conditions, [], nowMs);
    const steps = canarySpec.steps ?? [];
    const stepHash = computeStepHash(steps);
    const current = this.d.replicaSets.currentTemplate(rollout);
    const { hash, maxRevision } = current;

    // A new pod template (or new steps) restarts the step machine; going back to the stable template is immediate.
    const templateChanged = status.currentPodHash !== hash;
    // Another controller's step hash (Argo hashes differently) for steps it had observed is not a change of steps:
    // same template, and the spec generation it observed is the current one.
    const foreignStepHash =
      !templateChanged &&
      status.currentStepHash !== undefined &&
      status.observedGeneration === String(rollout.metadata.generation ?? 0);
    if (foreignStepHash) status.currentStepHash = stepHash;
    if (templateChanged || status.currentStepHash !== stepHash) {
      if (templateChanged && status.currentPodHash) {
        deferred.push(
          ev.deferred(
            rollout,
            "Normal",
            "RolloutUpdated",
            `Rollout updated to revision ${current.newRS ? revisionOf(current.newRS) : maxRevision + 1}`,
            `updated-${hash}`,
          ),
        );
      }
      status.currentPodHash = hash;
      status.currentStepHash = stepHash;
      if (steps.length > 0) status.currentStepIndex = hash === status.stableRS ? steps.length : 0;
      else delete status.currentStepIndex;
      status.pauseConditions = [];
      status.controllerPause = false;
      if (templateChanged) {
        if (status.canary) {
          const { currentStepAnalysisRunStatus: _s, currentBackgroundAnalysisRunStatus: _b, ...rest } = status.canary;
          status.canary = rest;
        }
        delete status.promoteFull;
        status.abort = false;
        delete status.abortedAt;
      }
    }
    rollout = { ...rollout, status };

    const initialDeploy = !status.stableRS;
    const ensured = await this.d.replicaSets.ensureNew(
      rollout,
      current,
      apiVersionOf(this.d.rolloutKind),
      initialDeploy ? replicas : 0,
      replicas,
    );
    if (ensured.kind === "collision") return collisionRound(this.d, input, status);
    let newRS = ensured.newRS;
    const owned = ensured.owned;
    const revision = revisionOf(newRS);

    if (initialDeploy) {
      status.stableRS = hash;
      if (steps.length > 0) status.currentStepIndex = steps.length;
    }
    if (status.promoteFull) {
      // promote --full skips every remaining step, pause and analysis.
      if (steps.length > 0) status.currentStepIndex = steps.length;
      status.pauseConditions = [];
      status.controllerPause = false;
    }

    let stableRS = owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === status.stableRS);
    const others = owned.filter((rs) => rs !== newRS && rs !== stableRS);
    rollout = { ...rollout, status };

    const analysis = await this.reconcileAnalysis(rollout, status, steps, hash, revision, nowIso);
    if (analysis.issues.length > 0) {
      status.conditions = applyInvalidSpecCondition(rollout, status.conditions, analysis.issues, nowMs);
    }
    rollout = { ...rollout, status };

    // Argo pins the stable and canary Services' selectors to their pod-template hashes.
    if (canarySpec.stableService) await this.d.services.pin(rollout, canarySpec.stableService, status.stableRS ?? hash);
    if (canarySpec.canaryService) await this.d.services.pin(rollout, canarySpec.canaryService, hash);

    // Traffic: the router gets the weight the engine decides; without a router the pod ratio carries it.
    const router = canarySpec.trafficRouting ? this.d.routerFor?.(rollout) : undefined;
    if (router) {
      const decision = desiredRouterWeight(rollout, newRS, stableRS, others);
      await router.updateHash?.(rollout, hash, status.stableRS ?? hash);
      if (decision.send) await router.setWeight(rollout, decision.weight, []);
      const verified = await router.verifyWeight?.(rollout, decision.weight);
      status.canary = {
        ...(status.canary ?? {}),
        weights: {
          canary: {
            weight: decision.weight,
            podTemplateHash: hash,
            serviceName: canarySpec.canaryService ?? "",
          },
          stable: {
            weight: maxTrafficWeight(rollout) - decision.weight,
            podTemplateHash: status.stableRS ?? hash,
            serviceName: canarySpec.stableService ?? "",
          },
          ...(verified !== undefined ? { verified } : {}),
        },
      };
      rollout = { ...rollout, status };
    }

    // Replica counts.
    const fullyPromoted = isFullyPromoted(rollout);
    let desiredCanary: number;
    let desiredStable: number;
    if (fullyPromoted || newRS === stableRS || !stableRS) {
      desiredCanary = replicas;
      desiredStable = replicas;
    } else {
      const counts = calculateReplicaCountsForCanary(rollout, newRS, stableRS, others);
      desiredCanary = counts.canary;
      desiredStable = counts.stable;
    }
    newRS = await this.d.replicaSets.scale(rollout, newRS, desiredCanary, replicas);
    if (stableRS && stableRS !== newRS)
      stableRS = await this.d.replicaSets.scale(rollout, stableRS, desiredStable, replicas);
    const scaledOthers = await this.scaleDownOthers(rollout, others, newRS, stableRS, replicas);

    // Steps.
    const all = [newRS, ...(stableRS && stableRS !== newRS ? [stableRS] : []), ...scaledOthers];
    fillCounts(status, newRS, all);
    rollout = { ...rollout, status };
    let requeueAfterMs: number | undefined;
    if (!fullyPromoted && !status.abort) {
      const atDesired = atDesiredReplicaCountsForCanary(rollout, newRS, stableRS, scaledOthers);
      const outcome = evaluateCanaryStep(rollout, {
        nowMs,
        atDesiredReplicaCounts: atDesired,
        ...(analysis.stepPhase ? { stepAnalysisPhase: analysis.stepPhase } : {}),
        ...(analysis.stepMessage ? { stepAnalysisMessage: analysis.stepMessage } : {}),
      });
      switch (outcome.kind) {
        case "advance": {
          const index = status.currentStepIndex ?? 0;
          const step = steps[index];
          Object.assign(status, outcome.status);
          if (status.pauseConditions === null) status.pauseConditions = [];
          deferred.push(
            ev.deferred(
              rollout,
              "Normal",
              "RolloutStepCompleted",
              `Rollout step ${index + 1}/${steps.length} completed (${stepDescription(step)})`,
              `step-${hash}-${index + 1}`,
            ),
          );
          requeueAfterMs = 0;
          break;
        }
        case "wait":
          if (outcome.pauseCondition) {
            status.pauseConditions = withPauseCondition(status.pauseConditions, outcome.pauseCondition);
            status.controllerPause = true;
            deferred.push(
              ev.deferred(
                rollout,
                "Normal",
                "RolloutPaused",
                `Rollout is paused (${outcome.pauseCondition.reason})`,
                `paused-${hash}-${status.currentStepIndex ?? 0}`,
              ),
            );
          }
          requeueAfterMs = outcome.requeueAfterMs;
          break;
        case "abort":
          abortUpdate(rollout, status, nowIso);
          break;
        case "finished":
          break;
      }
    }
    rollout = { ...rollout, status };

    // Promotion: every step done and the canary at full strength makes the new ReplicaSet stable.
    const stepsDone = steps.length === 0 || (status.currentStepIndex ?? 0) >= steps.length;
    if (
      !status.abort &&
      status.stableRS !== hash &&
      stepsDone &&
      (newRS.status?.availableReplicas ?? 0) >= replicas &&
      (newRS.spec.replicas ?? 0) >= replicas
    ) {
      status.stableRS = hash;
      delete status.promoteFull;
      deferred.push(
        ev.deferred(
          rollout,
          "Normal",
          "RolloutCompleted",
          `Rollout completed update to revision ${revision} (${hash}): ${steps.length > 0 ? `Completed all ${steps.length} canary steps` : "Completed update"}`,
          `completed-${hash}`,
        ),
      );
      requeueAfterMs = 0;
    } else if (initialDeploy) {
      // The first ReplicaSet is stable at once; Argo reports the completed (initial) update right away.
      deferred.push(
        ev.deferred(
          rollout,
          "Normal",
          "RolloutCompleted",
          `Rollout completed update to revision ${revision} (${hash}): Initial deploy`,
          `completed-${hash}`,
        ),
      );
    }
    // Old ReplicaSets beyond revisionHistoryLimit go once they are scaled down.
    await this.d.replicaSets.cleanupHistory(rollout, owned, stableRS ? [newRS, stableRS] : [newRS]);

    status.selector = labelSelectorString(rollout.spec.selector);
    return finishRound(this.d, {
      input,
      rollout,
      status,
      newRS,
      revision,
      deferred,
      strategy: "canary",
      trafficRouter: router?.type ?? "",
      requeues: [requeueAfterMs, analysis.issues.length > 0 ? ANALYSIS_RETRY_MS : undefined],
      ...(status.abort ? abortMessageOf(status) : {}),
      catchUp: (r, st) => this.catchUp(r, st, steps, hash),
    });
  }

  /**
   * Argo's `reconcileAnalysisRuns` for a canary: the current analysis step's run and the background run are created
   * (and read) while the update progresses; once it is fully promoted, aborted or promoted in full every run still
   * measuring is terminated. A failed or errored background run aborts the update; an inconclusive one pauses it.
   */
  private async reconcileAnalysis(
    rollout: Rollout,
    status: RolloutStatus,
    steps: CanaryStep[],
    hash: string,
    revision: number,
    nowIso: string,
  ): Promise<AnalysisRound> {
    const runs = this.d.analysisRuns;
    const round: AnalysisRound = { issues: [] };
    if (!runs) return round;
    const canary = { ...(status.canary ?? {}) };
    const base = { rollout, status, podHash: hash, revision };
    const index = status.currentStepIndex ?? 0;
    const step = steps[index];
    const background = rollout.spec.strategy?.canary?.analysis;
    const refresh = (s: RunStatus | undefined) => (s ? (runs.observe(rollout, s.name) ?? s) : undefined);
    // A failed run the status already shows while the update is not aborted was retried: the next one starts anew.
    const live = (s: RunStatus | undefined) => (s && !status.abort && runFailed(s) ? undefined : s);
    let stepRun = live(canary.currentStepAnalysisRunStatus);
    let backgroundRun = live(canary.currentBackgroundAnalysisRunStatus);

    if (status.stableRS === hash || status.abort || status.promoteFull) {
      for (const s of [stepRun, backgroundRun]) if (s) await runs.terminate(rollout, s.name);
      stepRun = refresh(stepRun);
      backgroundRun = refresh(backgroundRun);
    } else {
      if (step?.analysis) {
        const held = (status.pauseConditions?.length ?? 0) > 0 && stepRun;
        const seen = held
          ? { run: refresh(stepRun) as RunStatus }
          : await runs.ensure(
              {
                ...base,
                type: "Step",
                stepIndex: index,
                analysis: step.analysis,
                field: `spec.strategy.canary.steps[${index}].analysis`,
              },
              stepRun,
            );
        if ("issue" in seen) round.issues.push(seen.issue);
        else stepRun = seen.run;
      } else if (stepRun) {
        // The step moved on (promoted past it): a run still measuring is no longer needed.
        await runs.terminate(rollout, stepRun.name);
        stepRun = undefined;
      }
      if (background?.templates?.length && (steps.length === 0 || index >= (background.startingStep ?? 0))) {
        const seen = await runs.ensure(
          {
            ...base,
            type: "Background",
            analysis: background,
            field: "spec.strategy.canary.analysis",
          },
          backgroundRun,
        );
        if ("issue" in seen) round.issues.push(seen.issue);
        else backgroundRun = seen.run;
      }
      if (runFailed(backgroundRun)) abortUpdate(rollout, status, nowIso);
      else if (backgroundRun?.status === "Inconclusive") {
        status.pauseConditions = withPauseCondition(status.pauseConditions, {
          reason: "InconclusiveAnalysisRun",
          startTime: nowIso,
        });
        status.controllerPause = true;
      }
    }
    if (stepRun) canary.currentStepAnalysisRunStatus = stepRun;
    else delete canary.currentStepAnalysisRunStatus;
    if (backgroundRun) canary.currentBackgroundAnalysisRunStatus = backgroundRun;
    else delete canary.currentBackgroundAnalysisRunStatus;
    status.canary = canary;
    const phase = step?.analysis ? runPhaseOf(stepRun) : undefined;
    if (phase) round.stepPhase = phase;
    if (stepRun?.message) round.stepMessage = stepRun.message;
    return round;
  }

  /**
   * The first time this process sees a Rollout mid-update, it re-records the last transition its status shows (the
   * step just completed, the pause, the abort) under their deterministic names: if the previous process crashed
   * between writing that status and recording the event, the event appears now; if not, nothing is duplicated.
   */
  private async catchUp(rollout: Rollout, status: RolloutStatus, steps: CanaryStep[], hash: string): Promise<void> {
    const uid = rollout.metadata.uid ?? "";
    if (this.caughtUp.has(uid)) return;
    this.caughtUp.add(uid);
    if (status.stableRS === hash) return;
    const events: DeferredEvent[] = [];
    const index = status.currentStepIndex ?? 0;
    if (index > 0 && index <= steps.length) {
      events.push(
        this.d.events.deferred(
          rollout,
          "Normal",
          "RolloutStepCompleted",
          `Rollout step ${index}/${steps.length} completed (${stepDescription(steps[index - 1])})`,
          `step-${hash}-${index}`,
        ),
      );
    }
    const pause = status.pauseConditions?.find((p) => p.reason === "CanaryPauseStep");
    if (pause) {
      events.push(
        this.d.events.deferred(
          rollout,
          "Normal",
          "RolloutPaused",
          `Rollout is paused (${pause.reason})`,
          `paused-${hash}-${index}`,
        ),
      );
    }
    await this.d.events.flush(events, true);
  }

  /**
   * Older ReplicaSets (neither new nor stable) are drained as fast as availability allows: everything above
   * `replicas - maxUnavailable` available pods may go, oldest revision first (Argo's scaleDownOldReplicaSetsForCanary).
   */
  private async scaleDownOthers(
    rollout: Rollout,
    others: ReplicaSet[],
    newRS: ReplicaSet,
    stableRS: ReplicaSet | undefined,
    replicas: number,
  ): Promise<ReplicaSet[]> {
    const withPods = others.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (withPods.length === 0) return others;
    const { maxUnavailable } = resolveFenceposts(rollout);
    const minAvailable = replicas - maxUnavailable;
    const available = [newRS, stableRS, ...others].reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
    let budget = rollout.spec.strategy?.canary?.trafficRouting ? Number.POSITIVE_INFINITY : available - minAvailable;
    const result: ReplicaSet[] = [];
    for (const rs of [...others].sort((a, b) => revisionOf(a) - revisionOf(b))) {
      const current = rs.spec.replicas ?? 0;
      if (current === 0 || budget <= 0) {
        result.push(rs);
        continue;
      }
      // Pods that are not available can always go: they carry no traffic.
      const unavailable = current - Math.min(current, rs.status?.availableReplicas ?? 0);
      const cut = Math.min(current, unavailable + Math.max(0, budget));
      budget -= Math.max(0, cut - unavailable);
      result.push(await this.d.replicaSets.scale(rollout, rs, current - cut, rolloutReplicas(rollout)));
    }
    return result;
  }
}
