import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { DEFAULT_SCALE_DOWN_DELAY_SECONDS } from "./defaults.ts";
import { kubeTime } from "./kube-time.ts";

/** Argo's ReplicaSet annotation: the RFC 3339 time after which an old ReplicaSet may be scaled to zero. */
export const SCALE_DOWN_DEADLINE_ANNOTATION = "scale-down-deadline";

/** Seconds an old active ReplicaSet keeps its pods after the active Service left it (`scaleDownDelaySeconds`). */
export function blueGreenScaleDownDelaySeconds(rollout: Rollout): number {
  return rollout.spec.strategy?.blueGreen?.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS;
}

/** How many old ReplicaSets may wait out their delay at once (`scaleDownDelayRevisionLimit`, unlimited by default). */
export function scaleDownDelayRevisionLimit(rollout: Rollout): number {
  return rollout.spec.strategy?.blueGreen?.scaleDownDelayRevisionLimit ?? Number.POSITIVE_INFINITY;
}

/** The annotation value for a deadline `delaySeconds` from now (whole seconds, as Argo formats it). */
export function scaleDownDeadline(nowMs: number, delaySeconds: number): string {
  return kubeTime(nowMs + delaySeconds * 1000);
}

export function hasScaleDownDeadline(rs: ReplicaSet | undefined): boolean {
  return rs?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined;
}

/**
 * Milliseconds until the ReplicaSet's scale-down deadline: positive while it must keep its pods, 0 or less once it
 * may go, `undefined` without a readable deadline (Argo then treats it as due).
 */
export function scaleDownDeadlineRemainingMs(rs: ReplicaSet, nowMs: number): number | undefined {
  const raw = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
  if (raw === undefined) return undefined;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? at - nowMs : undefined;
}
