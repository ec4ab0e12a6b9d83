import type { PauseCondition, Rollout, RolloutStatus } from "../types/rollout.ts";
import { currentCanaryStep, isFullyPromoted } from "./canary-steps.ts";

/**
 * A JSON merge patch for a Rollout (`null` deletes a field). `spec` goes to the object, `status` to the status
 * subresource. These are the effects of `kubectl argo rollouts` commands, so the agent and the CLI agree with Argo.
 */
export interface RolloutPatch {
  spec?: { paused?: boolean; restartAt?: string };
  status?: {
    [K in keyof RolloutStatus]?: RolloutStatus[K] | null;
  };
}

function stepAnalysisInconclusive(rollout: Rollout): boolean {
  return (
    rollout.spec.strategy?.canary !== undefined &&
    rollout.status?.canary?.currentStepAnalysisRunStatus?.status === "Inconclusive"
  );
}

function nextStepIndex(rollout: Rollout): number | undefined {
  const { index } = currentCanaryStep(rollout);
  if (index === undefined) return undefined;
  const count = rollout.spec.strategy?.canary?.steps?.length ?? 0;
  return index < count ? index + 1 : index;
}

/**
 * `promote` without flags: unpause (`spec.paused=false`) and clear pause conditions; after an inconclusive step
 * analysis (controller pause) also move to the next step; a canary with no pause condition instead moves to
 * the next step (skipping a running analysis or experiment step). Never both clears and steps otherwise.
 */
export function promotePatch(rollout: Rollout): RolloutPatch {
  const patch: RolloutPatch = {};
  if (rollout.spec.paused) patch.spec = { paused: false };
  const pauseConditions = rollout.status?.pauseConditions ?? [];
  if (stepAnalysisInconclusive(rollout) && pauseConditions.length > 0 && rollout.status?.controllerPause) {
    const next = nextStepIndex(rollout);
    if (next !== undefined) patch.status = { pauseConditions: null, controllerPause: false, currentStepIndex: next };
  } else if (pauseConditions.length > 0) {
    patch.status = { pauseConditions: null };
  } else if (rollout.spec.strategy?.canary) {
    const next = nextStepIndex(rollout);
    if (next !== undefined) patch.status = { currentStepIndex: next };
  }
  return patch;
}

/** `promote --full`: unpause and skip every remaining step, pause and analysis (no-op status when fully promoted). */
export function promoteFullPatch(rollout: Rollout): RolloutPatch {
  const patch: RolloutPatch = { spec: { paused: false } };
  if (!isFullyPromoted(rollout)) patch.status = { promoteFull: true };
  return patch;
}

/**
 * `abort` together with what the controller does on seeing it: stamp `abortedAt` (kept if already aborted),
 * drop pauses, and send a canary back to step 0 (or past the last step when already fully promoted).
 */
export function abortPatch(rollout: Rollout, nowIso: string): RolloutPatch {
  const status: NonNullable<RolloutPatch["status"]> = {
    abort: true,
    abortedAt: rollout.status?.abort && rollout.status.abortedAt ? rollout.status.abortedAt : nowIso,
    pauseConditions: null,
    controllerPause: false,
  };
  const stepCount = rollout.spec.strategy?.canary?.steps?.length ?? 0;
  if (stepCount > 0) status.currentStepIndex = isFullyPromoted(rollout) ? stepCount : 0;
  return { status };
}

/** `retry rollout`: clear the abort; the canary starts again from its first step. */
export function retryPatch(_rollout: Rollout): RolloutPatch {
  return { status: { abort: false, abortedAt: null } };
}

/** `pause`: the user pause (phase Paused, "manually paused"). */
export function pausePatch(): RolloutPatch {
  return { spec: { paused: true } };
}

/** `resume`: lift the user pause only; controller pauses stay until promoted. */
export function resumePatch(): RolloutPatch {
  return { spec: { paused: false } };
}

/** `restart`: pods created before `restartAtIso` are replaced; steps are not re-run. */
export function restartPatch(restartAtIso: string): RolloutPatch {
  return { spec: { restartAt: restartAtIso } };
}

function mergeInto<T extends object>(target: T, patch: object): T {
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

/** Applies a patch to a copy of the Rollout (top-level merge of `spec` and `status`, as the API server would). */
export function applyRolloutPatch(rollout: Rollout, patch: RolloutPatch): Rollout {
  return {
    ...rollout,
    spec: patch.spec ? mergeInto(rollout.spec, patch.spec) : rollout.spec,
    status: patch.status ? mergeInto(rollout.status ?? {}, patch.status) : rollout.status,
  };
}

/** Pause conditions after adding `condition`, keeping the original start time if that reason is already present. */
export function withPauseCondition(
  conditions: ReadonlyArray<PauseCondition> | null | undefined,
  condition: PauseCondition,
): PauseCondition[] {
  const list = [...(conditions ?? [])];
  if (list.some((c) => c.reason === condition.reason)) return list;
  return [...list, condition];
}
