import {
  abortPatch,
  kubeTime,
  promoteFullPatch,
  promotePatch,
  type Rollout,
  type RolloutPatch,
  retryPatch,
} from "@bellwether/core";
import { mergePatchDiff } from "./merge-patch-diff.ts";
import {
  APPLIED_COMMANDS_ANNOTATION,
  APPLIED_COMMANDS_KEPT,
  type CommandOutcome,
  PENDING_STATUS_ANNOTATION,
  type RolloutCommand,
} from "./rollout-command.ts";

/**
 * A status effect waiting to be written by the reconciler. `guard` is the state the effect was decided on: the
 * reconciler applies the patch only while status still matches it, so a crash between writing status and
 * clearing this record never applies the effect twice.
 */
export interface PendingStatus {
  commandId: string;
  action: string;
  guard: StatusGuard;
  status: NonNullable<RolloutPatch["status"]>;
}

export interface StatusGuard {
  currentStepIndex: number | null;
  currentPodHash: string | null;
  abort: boolean;
  promoteFull: boolean;
  pauseConditions: number;
}

export function statusGuard(rollout: Rollout): StatusGuard {
  const s = rollout.status ?? {};
  return {
    currentStepIndex: s.currentStepIndex ?? null,
    currentPodHash: s.currentPodHash ?? null,
    abort: s.abort === true,
    promoteFull: s.promoteFull === true,
    pauseConditions: s.pauseConditions?.length ?? 0,
  };
}

export function guardHolds(rollout: Rollout, guard: StatusGuard): boolean {
  const now = statusGuard(rollout);
  return (
    now.currentStepIndex === guard.currentStepIndex &&
    now.currentPodHash === guard.currentPodHash &&
    now.abort === guard.abort &&
    now.promoteFull === guard.promoteFull &&
    now.pauseConditions === guard.pauseConditions
  );
}

/** What to write to the Rollout object (one merge patch with a resourceVersion precondition). */
export interface CommandWrite {
  metadata: { resourceVersion?: string; annotations: Record<string, string | null> };
  spec?: Record<string, unknown>;
}

export type CommandDecision =
  | { kind: "answer"; outcome: CommandOutcome }
  | { kind: "write"; write: CommandWrite; outcome: CommandOutcome };

export function appliedCommandIds(rollout: Rollout): string[] {
  const raw = rollout.metadata.annotations?.[APPLIED_COMMANDS_ANNOTATION];
  if (!raw) return [];
  try {
    const ids = JSON.parse(raw) as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function pendingStatusOf(rollout: Rollout): PendingStatus | undefined {
  const raw = rollout.metadata.annotations?.[PENDING_STATUS_ANNOTATION];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PendingStatus;
  } catch {
    return undefined;
  }
}

function answer(
  cmd: RolloutCommand,
  outcome: CommandOutcome["outcome"],
  reason: string,
  duplicate = false,
): CommandDecision {
  return { kind: "answer", outcome: { id: cmd.id, outcome, reason, duplicate } };
}

function stale(
  cmd: RolloutCommand,
  what: string,
  actual: string | number | undefined,
  expected: string | number,
): CommandDecision {
  return answer(cmd, "REJECTED", `stale: ${what} is ${actual ?? "unset"}, expected ${expected}`);
}

function containerImagesPatch(rollout: Rollout, images: Record<string, string>): Record<string, unknown> | string {
  const podSpec = (rollout.spec.template?.spec ?? {}) as {
    containers?: Array<{ name: string; image?: string }>;
    initContainers?: Array<{ name: string; image?: string }>;
  };
  const all = images["*"];
  const wanted = new Set(Object.keys(images).filter((k) => k !== "*"));
  const update = (list: Array<{ name: string; image?: string }> | undefined) =>
    list?.map((c) => {
      const image = images[c.name] ?? all;
      if (image === undefined) return c;
      wanted.delete(c.name);
      return { ...c, image };
    });
  const containers = update(podSpec.containers);
  const initContainers = update(podSpec.initContainers);
  if (wanted.size > 0) return `no container named ${[...wanted].sort().join(", ")}`;
  const templateSpec: Record<string, unknown> = { containers };
  if (initContainers) templateSpec.initContainers = initContainers;
  return { template: { spec: templateSpec } };
}

/**
 * Decides what a command does to a Rollout as it is now: answer at once (duplicate, expired, stale,
 * unsupported, nothing to do) or write one patch that records the id together with the effect.
 * Spec effects go straight into the patch; status effects ride along as a pending record the reconciler applies.
 * `undo` needs the target template, which the caller looks up and passes as `undoTemplate`.
 */
export function decideCommand(
  rollout: Rollout,
  cmd: RolloutCommand,
  nowMs: number,
  undoTemplate?: Record<string, unknown>,
): CommandDecision {
  const applied = appliedCommandIds(rollout);
  if (applied.includes(cmd.id)) return answer(cmd, "APPLIED", "already applied", true);
  if (cmd.ttlSeconds && cmd.issuedAt) {
    const issued = Date.parse(cmd.issuedAt);
    if (Number.isFinite(issued) && nowMs > issued + cmd.ttlSeconds * 1000) {
      return answer(cmd, "EXPIRED", `expired ${Math.round((nowMs - issued) / 1000 - cmd.ttlSeconds)}s ago`);
    }
  }
  const status = rollout.status ?? {};
  const a = cmd.action;
  let spec: Record<string, unknown> | undefined;
  let statusPatch: PendingStatus["status"] | undefined;

  const expectHash = (expected: string | undefined) =>
    expected !== undefined && expected !== "" && expected !== status.currentPodHash
      ? stale(cmd, "pod hash", status.currentPodHash, expected)
      : undefined;

  switch (a.type) {
    case "promote": {
      const s = expectHash(a.expectPodHash);
      if (s) return s;
      if (a.expectStepIndex !== undefined && a.expectStepIndex !== (status.currentStepIndex ?? 0)) {
        return stale(cmd, "step", status.currentStepIndex ?? 0, a.expectStepIndex);
      }
      const p = promotePatch(rollout);
      // Blue-green has no steps to skip: a promote only ends a pause, so with none it would do nothing.
      if (rollout.spec.strategy?.blueGreen && !p.spec && !p.status) {
        return answer(cmd, "REJECTED", "not paused: nothing to promote");
      }
      spec = p.spec;
      statusPatch = p.status;
      break;
    }
    case "promote-full": {
      const s = expectHash(a.expectPodHash);
      if (s) return s;
      const p = promoteFullPatch(rollout);
      spec = p.spec;
      statusPatch = p.status;
      break;
    }
    case "abort": {
      const s = expectHash(a.expectPodHash);
      if (s) return s;
      if (status.abort) return answer(cmd, "REJECTED", "already aborted");
      // metav1.Time: whole seconds, as Argo writes abortedAt.
      statusPatch = abortPatch(rollout, kubeTime(nowMs)).status;
      break;
    }
    case "retry":
      if (!status.abort) return answer(cmd, "REJECTED", "not aborted: nothing to retry");
      statusPatch = retryPatch(rollout).status;
      break;
    case "pause":
      spec = { paused: true };
      break;
    case "resume":
      spec = { paused: false };
      break;
    case "restart":
      if (!Number.isFinite(Date.parse(a.restartAt)))
        return answer(cmd, "REJECTED", `restartAt: "${a.restartAt}" is not an RFC 3339 time`);
      spec = { restartAt: new Date(Date.parse(a.restartAt)).toISOString().replace(/\.\d{3}Z$/, "Z") };
      break;
    case "set-image": {
      if (Object.keys(a.images).length === 0)
        return answer(cmd, "REJECTED", "images: at least one container=image is required");
      const p = containerImagesPatch(rollout, a.images);
      if (typeof p === "string") return answer(cmd, "REJECTED", p);
      spec = p;
      break;
    }
    case "undo":
      if (!undoTemplate) return answer(cmd, "REJECTED", `no ReplicaSet with pod-template hash ${a.toPodTemplateHash}`);
      if (a.toPodTemplateHash === status.currentPodHash)
        return answer(cmd, "REJECTED", `already at ${a.toPodTemplateHash}`);
      {
        const diff = mergePatchDiff(rollout.spec.template ?? {}, undoTemplate);
        if (diff === undefined) return answer(cmd, "REJECTED", `already at ${a.toPodTemplateHash}`);
        spec = { template: diff };
      }
      break;
    default:
      return answer(cmd, "REJECTED", "unsupported");
  }

  const annotations: Record<string, string | null> = {
    [APPLIED_COMMANDS_ANNOTATION]: JSON.stringify([...applied, cmd.id].slice(-APPLIED_COMMANDS_KEPT)),
  };
  if (statusPatch && Object.keys(statusPatch).length > 0) {
    const pending: PendingStatus = {
      commandId: cmd.id,
      action: a.type,
      guard: statusGuard(rollout),
      status: statusPatch,
    };
    annotations[PENDING_STATUS_ANNOTATION] = JSON.stringify(pending);
  }
  const write: CommandWrite = {
    metadata: {
      annotations,
      ...(rollout.metadata.resourceVersion ? { resourceVersion: rollout.metadata.resourceVersion } : {}),
    },
    ...(spec && Object.keys(spec).length > 0 ? { spec } : {}),
  };
  return { kind: "write", write, outcome: { id: cmd.id, outcome: "APPLIED", reason: "", duplicate: false } };
}
