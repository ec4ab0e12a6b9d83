import type { Rollout, RolloutStatus } from "@bellwether/core";
import type { KubeClient } from "../kube/kube-client.ts";
import type { ResourceRef } from "../kube/resource-ref.ts";
import type { AgentMetrics } from "../observability/agent-metrics.ts";
import type { Logger } from "../observability/logger.ts";
import type { ReconcileResult } from "../runtime/reconcile-loop.ts";
import type { ReplicaSetStore } from "./replica-set-store.ts";
import type { RolloutAnalysisRuns } from "./rollout-analysis.ts";
import type { RolloutEvents } from "./rollout-events.ts";
import type { ServiceSelector } from "./service-selector.ts";
import type { TrafficRouter } from "./traffic-router.ts";

/** What one reconcile decided, for callers that report transitions (the hub link, tests). */
export interface RolloutRound {
  rollout: Rollout;
  status: RolloutStatus;
}

/** One valid Rollout to reconcile this round. */
export interface StrategyInput {
  /** As read from the cache (the status write is a diff against it). */
  original: Rollout;
  /** With a pending command's status effect applied. */
  rollout: Rollout;
  /** A pending-command annotation was consumed and must be cleared after the status write. */
  clearPending: boolean;
  nowMs: number;
}

export interface StrategyOutcome {
  result: ReconcileResult | undefined;
  /** Present when status was written (observers see it). */
  round?: RolloutRound;
}

/** The parts every strategy works with (one instance each per agent). */
export interface StrategyDeps {
  client: KubeClient;
  rolloutKind: ResourceRef;
  events: RolloutEvents;
  replicaSets: ReplicaSetStore;
  services: ServiceSelector;
  logger: Logger;
  metrics?: AgentMetrics;
  routerFor?: (rollout: Rollout) => TrafficRouter | undefined;
  /** Creates and observes the Rollout's AnalysisRuns; without it analysis steps and background analysis wait. */
  analysisRuns?: RolloutAnalysisRuns;
}

/** A strategy's reconcile round (canary, blue-green). */
export interface StrategyReconciler {
  reconcile(input: StrategyInput): Promise<StrategyOutcome>;
}

/** While progressing, look again when the progress deadline would pass, so it is noticed without other events. */
export function progressDeadlineRequeueMs(rollout: Rollout, status: RolloutStatus, nowMs: number): number | undefined {
  if (status.phase !== "Progressing") return undefined;
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  const from = Date.parse(progressing?.lastUpdateTime ?? "");
  if (!Number.isFinite(from)) return undefined;
  const deadlineMs = from + (rollout.spec.progressDeadlineSeconds ?? 600) * 1000;
  return Math.max(1000, deadlineMs - nowMs + 1000);
}

/** The soonest of several optional requeue delays. */
export function soonest(...delays: Array<number | undefined>): ReconcileResult | undefined {
  const next = delays.filter((x): x is number => x !== undefined);
  return next.length > 0 ? { requeueAfterMs: Math.min(...next) } : undefined;
}
