import {
  applyInvalidSpecCondition,
  applyRolloutPatch,
  atDesiredReplicaCountsForCanary,
  type CanaryStep,
  calculateReplicaCountsForCanary,
  calculateRolloutConditions,
  calculateRolloutPhase,
  computePodTemplateHash,
  computeStepHash,
  desiredRouterWeight,
  evaluateCanaryStep,
  isFullyPromoted,
  maxTrafficWeight,
  POD_TEMPLATE_HASH_LABEL,
  type PodTemplateSpec,
  podTemplatesEqualIgnoringHash,
  type ReplicaSet,
  type Rollout,
  type RolloutStatus,
  resolveFenceposts,
  revisionHistoryLimit,
  rolloutReplicas,
  validateRollout,
  withPauseCondition,
  withPodTemplateDefaults,
} from "@bellwether/core";
import { guardHolds, pendingStatusOf } from "../commands/decide-command.ts";
import { mergePatchDiff } from "../commands/merge-patch-diff.ts";
import { PENDING_STATUS_ANNOTATION } from "../commands/rollout-command.ts";
import type { Informer } from "../kube/informer.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { apiVersionOf, builtins, type ResourceRef, resourcePath } from "../kube/resource-ref.ts";
import type { AgentMetrics } from "../observability/agent-metrics.ts";
import type { Logger } from "../observability/logger.ts";
import type { ReconcileResult } from "../runtime/reconcile-loop.ts";
import type { EventRecorder, InvolvedObject } from "./event-recorder.ts";
import { labelSelectorString } from "./label-selector-string.ts";
import {
  DESIRED_REPLICAS_ANNOTATION,
  newReplicaSetFor,
  REVISION_ANNOTATION,
  revisionOf,
} from "./replica-set-factory.ts";
import { stepDescription } from "./step-description.ts";
import type { TrafficRouter } from "./traffic-router.ts";

const OWNER_INDEX = "controller-owner-uid";
export const MANAGED_BY_ANNOTATION = "argo-rollouts.argoproj.io/managed-by-rollouts";
export const INSTANCE_ID_LABEL = "argo-rollouts.argoproj.io/controller-instance-id";

interface Service {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string>; resourceVersion?: string };
  spec?: { selector?: Record<string, string> };
}

export interface CanaryReconcilerDeps {
  client: KubeClient;
  rolloutKind: ResourceRef;
  rollouts: Informer<Rollout>;
  replicaSets: Informer<ReplicaSet>;
  events: EventRecorder;
  logger: Logger;
  metrics?: AgentMetrics;
  /** Only Rollouts labelled with this instance id are handled; without one, only unlabelled Rollouts. */
  instanceId?: string;
  routerFor?: (rollout: Rollout) => TrafficRouter | undefined;
  now?: () => number;
}

interface DeferredEvent {
  rollout: Rollout;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** Deterministic per transition: a crash after the status write re-records it without a duplicate. */
  key?: string;
}

/** What one reconcile decided, for callers that report transitions (the hub link, tests). */
export interface CanaryRound {
  rollout: Rollout;
  status: RolloutStatus;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return mergePatchDiff(a ?? {}, b ?? {}) === undefined;
}

/**
 * The canary reconciler: level-based, one status write per round. Every decision comes from @bellwether/core;
 * this class reads the cache, creates and scales ReplicaSets, pins Service selectors, drives the traffic router,
 * records Events with Argo's reasons, and writes status exactly as Argo does.
 */
export class CanaryReconciler {
  private readonly d: CanaryReconcilerDeps;
  private readonly now: () => number;
  /** Observers of each round (after the status write). */
  readonly rounds: Array<(round: CanaryRound) => void> = [];
  private readonly caughtUp = new Set<string>();
  private readonly written = new Map<string, ReplicaSet>();

  constructor(deps: CanaryReconcilerDeps) {
    this.d = deps;
    this.now = deps.now ?? Date.now;
    deps.replicaSets.addIndex(OWNER_INDEX, (rs) =>
      (rs.metadata.ownerReferences ?? []).filter((o) => o.controller).map((o) => o.uid),
    );
  }

  /** Whether this controller instance handles the Rollout (instance-id sharding). */
  handles(rollout: Rollout): boolean {
    const id = rollout.metadata.labels?.[INSTANCE_ID_LABEL];
    return this.d.instanceId ? id === this.d.instanceId : id === undefined || id === "";
  }

  /** The Rollout keys that own a ReplicaSet (for enqueueing on ReplicaSet events). */
  ownerKey(rs: ReplicaSet): string | undefined {
    const owner = rs.metadata.ownerReferences?.find((o) => o.controller && o.kind === "Rollout");
    return owner ? `${rs.metadata.namespace}/${owner.name}` : undefined;
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const cached = this.d.rollouts.get(key);
    if (!cached) {
      const [namespace = "", name = ""] = key.split("/");
      this.d.metrics?.forgetRollout(namespace, name);
      this.d.events.forget(namespace, name);
      return undefined;
    }
    if (cached.metadata.deletionTimestamp || !this.handles(cached)) return undefined;
    const started = performance.now();
    try {
      return await this.reconcileRollout(structuredClone(cached));
    } catch (e) {
      this.d.metrics?.reconcileError.inc({
        namespace: cached.metadata.namespace ?? "",
        name: cached.metadata.name ?? "",
      });
      throw e;
    } finally {
      this.d.metrics?.reconcile.observe(
        { namespace: cached.metadata.namespace ?? "", name: cached.metadata.name ?? "" },
        (performance.now() - started) / 1000,
      );
    }
  }

  private involved(rollout: Rollout): InvolvedObject {
    return {
      apiVersion: apiVersionOf(this.d.rolloutKind),
      kind: "Rollout",
      namespace: rollout.metadata.namespace ?? "",
      name: rollout.metadata.name ?? "",
      ...(rollout.metadata.uid ? { uid: rollout.metadata.uid } : {}),
    };
  }

  /** An event about a status transition, recorded only once that status is written (never twice after a crash). */
  private deferredEvent(
    rollout: Rollout,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    key?: string,
  ): DeferredEvent {
    return { rollout, type, reason, message, ...(key ? { key } : {}) };
  }

  private async flush(events: DeferredEvent[], onlyIfAbsent = false): Promise<void> {
    for (const e of events) {
      if (!e.key) {
        await this.event(e.rollout, e.type, e.reason, e.message);
        continue;
      }
      this.d.metrics?.events.inc({
        namespace: e.rollout.metadata.namespace ?? "",
        name: e.rollout.metadata.name ?? "",
        type: e.type,
        reason: e.reason,
      });
      await this.d.events.recordTransition(this.involved(e.rollout), e.type, e.reason, e.message, e.key, onlyIfAbsent);
    }
  }

  private event(rollout: Rollout, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    this.d.metrics?.events.inc({
      namespace: rollout.metadata.namespace ?? "",
      name: rollout.metadata.name ?? "",
      type,
      reason,
    });
    return this.d.events.record(this.involved(rollout), type, reason, message);
  }

  /**
   * The cache can lag our own writes by a moment; a ReplicaSet we wrote more recently than the cached copy is
   * taken from our write (client-go controllers keep "expectations" for the same reason). Without this a round
   * that runs before the watch delivers our scale would scale again and report it twice.
   */
  private freshest(rs: ReplicaSet): ReplicaSet {
    const uid = rs.metadata.uid ?? "";
    const mine = this.written.get(uid);
    if (!mine) return rs;
    const cached = Number(rs.metadata.resourceVersion);
    const ours = Number(mine.metadata.resourceVersion);
    if (Number.isFinite(cached) && Number.isFinite(ours) && ours > cached) return mine;
    this.written.delete(uid);
    return rs;
  }

  private remember(rs: ReplicaSet): ReplicaSet {
    if (rs.metadata.uid) this.written.set(rs.metadata.uid, rs);
    return rs;
  }

  private ownedReplicaSets(rollout: Rollout): ReplicaSet[] {
    const uid = rollout.metadata.uid;
    return this.d.replicaSets
      .byIndex(OWNER_INDEX, uid ?? "")
      .map((rs) => this.freshest(rs))
      .filter(
        (rs) =>
          rs.metadata.namespace === rollout.metadata.namespace &&
          !rs.metadata.deletionTimestamp &&
          rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid),
      );
  }

  private async reconcileRollout(original: Rollout): Promise<ReconcileResult | undefined> {
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const deferred: DeferredEvent[] = [];
    let rollout = original;

    // A command's status effect waits in an annotation until this single status write applies it (crash-safe).
    const pending = pendingStatusOf(rollout);
    if (pending && guardHolds(rollout, pending.guard)) rollout = applyRolloutPatch(rollout, { status: pending.status });

    const issues = validateRollout(rollout);
    const oldStatus: RolloutStatus = original.status ?? {};
    if (issues.length > 0) {
      const conditions = applyInvalidSpecCondition(rollout, oldStatus.conditions, issues, nowMs);
      const status: RolloutStatus = {
        ...(rollout.status ?? {}),
        conditions,
        observedGeneration: String(rollout.metadata.generation ?? 0),
      };
      const { phase, message } = calculateRolloutPhase({ ...rollout, status });
      status.phase = phase;
      status.message = message;
      if (!getInvalid(oldStatus))
        deferred.push(
          this.deferredEvent(
            rollout,
            "Warning",
            "InvalidSpec",
            conditions.find((c) => c.type === "InvalidSpec")?.message ?? "",
          ),
        );
      if (await this.writeStatus(original, status, pending !== undefined)) await this.flush(deferred);
      return undefined;
    }
    if (!rollout.spec.strategy?.canary) {
      // Blue-green arrives with its own reconciler; until then leave such Rollouts untouched.
      return undefined;
    }
    const canarySpec = rollout.spec.strategy.canary;

    const replicas = rolloutReplicas(rollout);
    const template = rollout.spec.template ?? {};
    const status: RolloutStatus = { ...(rollout.status ?? {}) };
    status.conditions = applyInvalidSpecCondition(rollout, status.conditions, [], nowMs);
    const steps = canarySpec.steps ?? [];
    const computedHash = computePodTemplateHash(template, status.collisionCount);
    const stepHash = computeStepHash(steps);
    let owned = this.ownedReplicaSets(rollout);
    const maxRevision = owned.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let newRS =
      owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === computedHash) ?? adoptable(owned, template);
    // A ReplicaSet made by another controller (Argo) for this template keeps its own hash: adopt it as is.
    const hash = newRS?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? computedHash;

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
          this.deferredEvent(
            rollout,
            "Normal",
            "RolloutUpdated",
            `Rollout updated to revision ${newRS ? revisionOf(newRS) : maxRevision + 1}`,
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
        delete status.promoteFull;
        status.abort = false;
        delete status.abortedAt;
      }
    }
    rollout = { ...rollout, status };

    const initialDeploy = !status.stableRS;
    if (!newRS) {
      const revision = maxRevision + 1;
      const created = newReplicaSetFor(
        rollout,
        apiVersionOf(this.d.rolloutKind),
        hash,
        revision,
        initialDeploy ? replicas : 0,
        replicas,
      );
      try {
        newRS = await this.d.client.create<ReplicaSet>(
          resourcePath(builtins.replicaSets, rollout.metadata.namespace),
          created,
        );
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 409)) throw e;
        // A ReplicaSet with this name exists but is not ours for this template: a hash collision. Argo bumps
        // collisionCount, which changes the hash on the next round.
        const existing = await this.d.client.get<ReplicaSet>(
          resourcePath(builtins.replicaSets, rollout.metadata.namespace, created.metadata.name),
        );
        const ours = existing.metadata.ownerReferences?.some((o) => o.uid === rollout.metadata.uid);
        if (!ours) {
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(original, status, pending !== undefined);
          return { requeueAfterMs: 0 };
        }
        newRS = existing;
      }
      this.remember(newRS);
      owned = [...owned, newRS];
      await this.event(
        rollout,
        "Normal",
        "NewReplicaSetCreated",
        `Created ReplicaSet ${newRS.metadata.name} (revision ${revision})`,
      );
    } else if (revisionOf(newRS) < maxRevision) {
      // An older template came back (undo): it becomes the newest revision, as Argo records it.
      const revision = maxRevision + 1;
      newRS = await this.d.client.patch<ReplicaSet>(
        resourcePath(builtins.replicaSets, newRS.metadata.namespace, newRS.metadata.name),
        { metadata: { annotations: { [REVISION_ANNOTATION]: String(revision) } } },
      );
      owned = owned.map((rs) => (rs.metadata.name === newRS?.metadata.name ? (newRS as ReplicaSet) : rs));
    }
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

    await this.reconcileServices(rollout, hash, status.stableRS ?? hash);

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
    newRS = await this.scale(rollout, newRS, desiredCanary, replicas, revision);
    if (stableRS && stableRS !== newRS)
      stableRS = await this.scale(rollout, stableRS, desiredStable, replicas, revisionOf(stableRS));
    const scaledOthers = await this.scaleDownOthers(rollout, others, newRS, stableRS, replicas);

    // Steps.
    const all = [newRS, ...(stableRS && stableRS !== newRS ? [stableRS] : []), ...scaledOthers];
    fillCounts(status, newRS, all);
    rollout = { ...rollout, status };
    let requeueAfterMs: number | undefined;
    if (!fullyPromoted && !status.abort) {
      const atDesired = atDesiredReplicaCountsForCanary(rollout, newRS, stableRS, scaledOthers);
      const outcome = evaluateCanaryStep(rollout, { nowMs, atDesiredReplicaCounts: atDesired });
      switch (outcome.kind) {
        case "advance": {
          const index = status.currentStepIndex ?? 0;
          const step = steps[index];
          Object.assign(status, outcome.status);
          if (status.pauseConditions === null) status.pauseConditions = [];
          deferred.push(
            this.deferredEvent(
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
              this.deferredEvent(
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
          status.abort = true;
          status.abortedAt = nowIso;
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
        this.deferredEvent(
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
        this.deferredEvent(
          rollout,
          "Normal",
          "RolloutCompleted",
          `Rollout completed update to revision ${revision} (${hash}): Initial deploy`,
          `completed-${hash}`,
        ),
      );
    }
    if (status.abort && !original.status?.abort) {
      deferred.push(
        this.deferredEvent(
          rollout,
          "Warning",
          "RolloutAborted",
          `Rollout aborted update to revision ${revision}`,
          `aborted-${hash}`,
        ),
      );
    }

    // Old ReplicaSets beyond revisionHistoryLimit go once they are scaled down.
    await this.cleanupHistory(rollout, owned, newRS, stableRS);

    status.observedGeneration = String(rollout.metadata.generation ?? 0);
    status.selector = labelSelectorString(rollout.spec.selector);
    status.conditions = calculateRolloutConditions({
      rollout: { ...original, spec: rollout.spec },
      newStatus: status,
      ...(newRS.metadata.name ? { newReplicaSetName: newRS.metadata.name } : {}),
      revision,
      availableReplicasAllSets: status.availableReplicas ?? 0,
      nowMs,
    });
    const { phase, message } = calculateRolloutPhase({ ...rollout, status });
    status.phase = phase;
    status.message = message;
    argoShape(status);

    if (await this.writeStatus(original, status, pending !== undefined)) {
      await this.flush(deferred);
      await this.catchUp(rollout, status, steps, hash);
    }
    this.d.metrics?.setRollout({
      namespace: rollout.metadata.namespace ?? "",
      name: rollout.metadata.name ?? "",
      strategy: "canary",
      trafficRouter: router?.type ?? "",
      phase,
      desired: replicas,
      available: status.availableReplicas ?? 0,
      updated: status.updatedReplicas ?? 0,
    });
    for (const observer of this.rounds) observer({ rollout, status });

    const deadline = this.progressDeadlineRequeueMs(rollout, status, nowMs);
    const next = [requeueAfterMs, deadline].filter((x): x is number => x !== undefined);
    return next.length > 0 ? { requeueAfterMs: Math.min(...next) } : undefined;
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
        this.deferredEvent(
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
        this.deferredEvent(
          rollout,
          "Normal",
          "RolloutPaused",
          `Rollout is paused (${pause.reason})`,
          `paused-${hash}-${index}`,
        ),
      );
    }
    await this.flush(events, true);
  }

  /** While progressing, look again when the progress deadline would pass, so it is noticed without other events. */
  private progressDeadlineRequeueMs(rollout: Rollout, status: RolloutStatus, nowMs: number): number | undefined {
    if (status.phase !== "Progressing") return undefined;
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    const from = Date.parse(progressing?.lastUpdateTime ?? "");
    if (!Number.isFinite(from)) return undefined;
    const deadlineMs = from + (rollout.spec.progressDeadlineSeconds ?? 600) * 1000;
    return Math.max(1000, deadlineMs - nowMs + 1000);
  }

  private async scale(
    rollout: Rollout,
    rs: ReplicaSet,
    to: number,
    desired: number,
    revision: number,
  ): Promise<ReplicaSet> {
    const from = rs.spec.replicas ?? 1;
    const annotated = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(desired);
    if (from === to && annotated) return rs;
    const updated = await this.d.client.patch<ReplicaSet>(
      resourcePath(builtins.replicaSets, rs.metadata.namespace, rs.metadata.name),
      {
        metadata: { annotations: { [DESIRED_REPLICAS_ANNOTATION]: String(desired) } },
        spec: { replicas: to },
      },
    );
    this.remember(updated);
    if (from !== to) {
      await this.event(
        rollout,
        "Normal",
        "ScalingReplicaSet",
        `Scaled ${to > from ? "up" : "down"} ReplicaSet ${rs.metadata.name} (revision ${revision}) from ${from} to ${to}`,
      );
    }
    return updated;
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
      result.push(await this.scale(rollout, rs, current - cut, rolloutReplicas(rollout), revisionOf(rs)));
    }
    return result;
  }

  private async cleanupHistory(
    rollout: Rollout,
    owned: ReplicaSet[],
    newRS: ReplicaSet,
    stableRS: ReplicaSet | undefined,
  ): Promise<void> {
    const limit = revisionHistoryLimit(rollout);
    const old = owned
      .filter(
        (rs) =>
          rs !== newRS &&
          rs !== stableRS &&
          rs.metadata.name !== newRS.metadata.name &&
          rs.metadata.name !== stableRS?.metadata.name,
      )
      .filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const excess = old.length - limit;
    for (const rs of old.slice(0, Math.max(0, excess))) {
      try {
        await this.d.client.delete(resourcePath(builtins.replicaSets, rs.metadata.namespace, rs.metadata.name));
      } catch (e) {
        if (!KubeApiError.isNotFound(e)) throw e;
      }
    }
  }

  /** Pins the stable and canary Services' selectors to their pod-template hashes (Argo's Service handling). */
  private async reconcileServices(rollout: Rollout, canaryHash: string, stableHash: string): Promise<void> {
    const canary = rollout.spec.strategy?.canary;
    const wanted: Array<[string | undefined, string]> = [
      [canary?.stableService, stableHash],
      [canary?.canaryService, canaryHash],
    ];
    for (const [name, hash] of wanted) {
      if (!name) continue;
      const path = resourcePath(builtins.services, rollout.metadata.namespace, name);
      let svc: Service;
      try {
        svc = await this.d.client.get<Service>(path);
      } catch (e) {
        if (KubeApiError.isNotFound(e)) {
          await this.event(rollout, "Warning", "ServiceReferenceError", `service "${name}" not found`);
        }
        throw e;
      }
      const managedBy = svc.metadata.annotations?.[MANAGED_BY_ANNOTATION];
      if (svc.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] === hash && managedBy === rollout.metadata.name) continue;
      await this.d.client.patch(path, {
        metadata: { annotations: { [MANAGED_BY_ANNOTATION]: rollout.metadata.name } },
        spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: hash } },
      });
    }
  }

  /**
   * Writes status once (a merge patch of exactly what changed, with a resourceVersion precondition), then clears
   * a consumed pending-command annotation. A conflict means the object moved on: the next round re-reads it.
   */
  private async writeStatus(original: Rollout, status: RolloutStatus, clearPending: boolean): Promise<boolean> {
    const path = resourcePath(this.d.rolloutKind, original.metadata.namespace, original.metadata.name);
    const diff = mergePatchDiff(original.status ?? {}, status);
    if (diff !== undefined && !deepEqual(original.status, status)) {
      try {
        await this.d.client.patch(`${path}/status`, {
          metadata: { resourceVersion: original.metadata.resourceVersion },
          status: diff,
        });
      } catch (e) {
        if (KubeApiError.isConflict(e)) return false;
        throw e;
      }
    }
    if (clearPending) {
      await this.d.client.patch(path, { metadata: { annotations: { [PENDING_STATUS_ANNOTATION]: null } } });
    }
    return true;
  }
}

/**
 * Argo's controller serialises status with `omitempty`: false booleans, empty strings and empty lists are left
 * out, while the `canary` and `blueGreen` structs are always present (as `{}` when empty).
 */
function argoShape(status: RolloutStatus): void {
  for (const key of ["abort", "controllerPause", "promoteFull"] as const) if (status[key] === false) delete status[key];
  if (!status.pauseConditions || status.pauseConditions.length === 0) delete status.pauseConditions;
  if (status.message === "") delete status.message;
  status.canary ??= {};
  status.blueGreen ??= {};
}

/** The oldest ReplicaSet already running this template (compared as the API server stores it), if any. */
function adoptable(owned: ReplicaSet[], template: PodTemplateSpec): ReplicaSet | undefined {
  const wanted = withPodTemplateDefaults(template);
  return owned
    .filter((rs) => rs.spec.template && rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL])
    .filter((rs) => podTemplatesEqualIgnoringHash(withPodTemplateDefaults(rs.spec.template ?? {}), wanted))
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? ""))[0];
}

function getInvalid(status: RolloutStatus): boolean {
  return (status.conditions ?? []).some((c) => c.type === "InvalidSpec");
}

/** Argo's replica counts in status: over every ReplicaSet of the Rollout; "updated" are the new ReplicaSet's. */
function fillCounts(status: RolloutStatus, newRS: ReplicaSet, all: ReplicaSet[]): void {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  for (const rs of all) {
    replicas += rs.status?.replicas ?? 0;
    ready += rs.status?.readyReplicas ?? 0;
    available += rs.status?.availableReplicas ?? 0;
  }
  status.replicas = replicas;
  status.updatedReplicas = newRS.status?.replicas ?? 0;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  status.HPAReplicas = replicas;
}
