import {
  applyInvalidSpecCondition,
  applyRolloutPatch,
  calculateRolloutPhase,
  type ReplicaSet,
  type Rollout,
  type RolloutStatus,
  validateRollout,
} from "@bellwether/core";
import { guardHolds, pendingStatusOf } from "../commands/decide-command.ts";
import type { Informer } from "../kube/informer.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import type { ResourceRef } from "../kube/resource-ref.ts";
import type { AgentMetrics } from "../observability/agent-metrics.ts";
import type { Logger } from "../observability/logger.ts";
import type { ReconcileResult } from "../runtime/reconcile-loop.ts";
import { BlueGreenReconciler } from "./blue-green-reconciler.ts";
import { CanaryReconciler } from "./canary-reconciler.ts";
import type { EventRecorder } from "./event-recorder.ts";
import { ReplicaSetStore } from "./replica-set-store.ts";
import type { RolloutAnalysisRuns } from "./rollout-analysis.ts";
import { RolloutEvents } from "./rollout-events.ts";
import { writeRolloutStatus } from "./rollout-status-writer.ts";
import { ServiceSelector } from "./service-selector.ts";
import type { RolloutRound, StrategyDeps, StrategyReconciler } from "./strategy-reconciler.ts";
import type { TrafficRouter } from "./traffic-router.ts";

export const INSTANCE_ID_LABEL = "argo-rollouts.argoproj.io/controller-instance-id";

export interface RolloutReconcilerDeps {
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
  /** The Rollout's AnalysisRuns (step and background analysis); analysis waits without it. */
  analysisRuns?: RolloutAnalysisRuns;
  now?: () => number;
}

/**
 * The agent's one reconcile entry point: reads the Rollout from the cache, applies a pending command's status
 * effect, turns an invalid spec into InvalidSpec (Degraded) and otherwise hands the round to the Rollout's
 * strategy. Level-based: every round re-reads state and writes status once.
 */
export class RolloutReconciler {
  private readonly d: RolloutReconcilerDeps;
  private readonly now: () => number;
  private readonly events: RolloutEvents;
  private readonly store: ReplicaSetStore;
  private readonly canary: StrategyReconciler;
  private readonly blueGreen: StrategyReconciler;
  /** Observers of each round (after the status write). */
  readonly rounds: Array<(round: RolloutRound) => void> = [];

  constructor(deps: RolloutReconcilerDeps) {
    this.d = deps;
    this.now = deps.now ?? Date.now;
    this.events = new RolloutEvents(deps.events, deps.rolloutKind, deps.metrics);
    this.store = new ReplicaSetStore(deps.client, deps.replicaSets, this.events);
    const shared: StrategyDeps = {
      client: deps.client,
      rolloutKind: deps.rolloutKind,
      events: this.events,
      replicaSets: this.store,
      services: new ServiceSelector(deps.client, this.events),
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.routerFor ? { routerFor: deps.routerFor } : {}),
      ...(deps.analysisRuns ? { analysisRuns: deps.analysisRuns } : {}),
    };
    this.canary = new CanaryReconciler(shared);
    this.blueGreen = new BlueGreenReconciler(shared);
  }

  /** Whether this controller instance handles the Rollout (instance-id sharding). */
  handles(rollout: Rollout): boolean {
    const id = rollout.metadata.labels?.[INSTANCE_ID_LABEL];
    return this.d.instanceId ? id === this.d.instanceId : id === undefined || id === "";
  }

  /** The Rollout key that owns a ReplicaSet (for enqueueing on ReplicaSet events). */
  ownerKey(rs: ReplicaSet): string | undefined {
    return this.store.ownerKey(rs);
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const cached = this.d.rollouts.get(key);
    if (!cached) {
      const [namespace = "", name = ""] = key.split("/");
      this.d.metrics?.forgetRollout(namespace, name);
      this.events.forget(namespace, name);
      return undefined;
    }
    if (cached.metadata.deletionTimestamp || !this.handles(cached)) return undefined;
    const labels = { namespace: cached.metadata.namespace ?? "", name: cached.metadata.name ?? "" };
    const started = performance.now();
    try {
      return await this.reconcileRollout(structuredClone(cached));
    } catch (e) {
      this.d.metrics?.reconcileError.inc(labels);
      throw e;
    } finally {
      this.d.metrics?.reconcile.observe(labels, (performance.now() - started) / 1000);
    }
  }

  private async reconcileRollout(original: Rollout): Promise<ReconcileResult | undefined> {
    const nowMs = this.now();
    let rollout = original;
    // A command's status effect waits in an annotation until this single status write applies it (crash-safe).
    const pending = pendingStatusOf(rollout);
    if (pending && guardHolds(rollout, pending.guard)) rollout = applyRolloutPatch(rollout, { status: pending.status });
    const clearPending = pending !== undefined;

    const issues = validateRollout(rollout);
    if (issues.length > 0) {
      const oldStatus: RolloutStatus = original.status ?? {};
      const conditions = applyInvalidSpecCondition(rollout, oldStatus.conditions, issues, nowMs);
      const status: RolloutStatus = {
        ...(rollout.status ?? {}),
        conditions,
        observedGeneration: String(rollout.metadata.generation ?? 0),
      };
      const { phase, message } = calculateRolloutPhase({ ...rollout, status });
      status.phase = phase;
      status.message = message;
      const wasInvalid = (oldStatus.conditions ?? []).some((c) => c.type === "InvalidSpec");
      if (await writeRolloutStatus(this.d.client, this.d.rolloutKind, original, status, clearPending)) {
        if (!wasInvalid) {
          const message = conditions.find((c) => c.type === "InvalidSpec")?.message ?? "";
          await this.events.record(rollout, "Warning", "InvalidSpec", message);
        }
      }
      return undefined;
    }

    const strategy = rollout.spec.strategy?.blueGreen ? this.blueGreen : this.canary;
    const outcome = await strategy.reconcile({ original, rollout, clearPending, nowMs });
    if (outcome.round) for (const observer of this.rounds) observer(outcome.round);
    return outcome.result;
  }
}
