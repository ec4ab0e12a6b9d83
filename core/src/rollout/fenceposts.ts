import type { Rollout } from "../types/rollout.ts";
import { DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE, rolloutReplicas } from "./defaults.ts";
import { resolveIntOrPercent } from "./int-or-percent.ts";

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Resolves surge (rounded up) and unavailable (rounded down) together. When both come out as 0 (only possible by
 * rounding, since validation forbids explicit zeros for both) unavailable becomes 1 so progress stays possible
 * even if surge is blocked by quota.
 */
export function resolveFenceposts(rollout: Rollout): Fenceposts {
  const canary = rollout.spec.strategy?.canary;
  const desired = rolloutReplicas(rollout);
  const surgeField = "spec.strategy.canary.maxSurge";
  const unavailableField = "spec.strategy.canary.maxUnavailable";
  const maxSurge = resolveIntOrPercent(canary?.maxSurge ?? DEFAULT_MAX_SURGE, desired, true, surgeField);
  let maxUnavailable = resolveIntOrPercent(
    canary?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
    desired,
    false,
    unavailableField,
  );
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** Pods allowed above `spec.replicas`. Blue-green never surges. */
export function maxSurge(rollout: Rollout): number {
  if (!rollout.spec.strategy?.canary) return 0;
  return resolveFenceposts(rollout).maxSurge;
}

/** Pods allowed to be unavailable; capped at `spec.replicas` and 0 when there are no replicas. */
export function maxUnavailable(rollout: Rollout): number {
  const replicas = rolloutReplicas(rollout);
  if (replicas === 0) return 0;
  let unavailable: number;
  const blueGreen = rollout.spec.strategy?.blueGreen;
  if (rollout.spec.strategy?.canary) {
    unavailable = resolveFenceposts(rollout).maxUnavailable;
  } else {
    unavailable = resolveIntOrPercent(
      blueGreen?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
      replicas,
      false,
      "spec.strategy.blueGreen.maxUnavailable",
    );
  }
  return Math.min(unavailable, replicas);
}
