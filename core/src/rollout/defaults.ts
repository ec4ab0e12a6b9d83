import type { Rollout } from "../types/rollout.ts";

/** Argo's defaults (`utils/defaults`). Strings for surge/unavailable on purpose: Argo reads them as percentages. */
export const DEFAULT_REPLICAS = 1;
export const DEFAULT_MAX_SURGE = "25";
export const DEFAULT_MAX_UNAVAILABLE = "25";
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
export const DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;
export const DEFAULT_MAX_TRAFFIC_WEIGHT = 100;
/** Label Argo puts on ReplicaSets, pods and pinned Service selectors. */
export const POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";

export function rolloutReplicas(rollout: Rollout): number {
  return rollout.spec.replicas ?? DEFAULT_REPLICAS;
}

/** Total weight a traffic router splits; only routers that support it (Nginx, plugins) use other than 100. */
export function maxTrafficWeight(rollout: Rollout): number {
  return rollout.spec.strategy?.canary?.trafficRouting?.maxTrafficWeight ?? DEFAULT_MAX_TRAFFIC_WEIGHT;
}

export function progressDeadlineSeconds(rollout: Rollout): number {
  return rollout.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

export function revisionHistoryLimit(rollout: Rollout): number {
  return rollout.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
}

/**
 * Seconds to wait before scaling the canary (or preview) down after an abort; `undefined` means never, which is
 * what an explicit `abortScaleDownDelaySeconds: 0` asks for. A canary without traffic routing scales down at once.
 */
export function abortScaleDownDelaySeconds(rollout: Rollout): number | undefined {
  const strategy = rollout.spec.strategy;
  if (strategy?.blueGreen) {
    const explicit = strategy.blueGreen.abortScaleDownDelaySeconds;
    if (explicit === 0) return undefined;
    return explicit ?? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
  }
  if (strategy?.canary?.trafficRouting) {
    const explicit = strategy.canary.abortScaleDownDelaySeconds;
    if (explicit === 0) return undefined;
    return explicit ?? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
  }
  return 0;
}
