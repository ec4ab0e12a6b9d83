import type { ReplicaSet, Rollout, RolloutStatus } from "@bellwether/core";
import { mergePatchDiff } from "../commands/merge-patch-diff.ts";
import { PENDING_STATUS_ANNOTATION } from "../commands/rollout-command.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { type ResourceRef, resourcePath } from "../kube/resource-ref.ts";

/**
 * Writes a Rollout's status once per round: a merge patch of exactly what changed, with a resourceVersion
 * precondition, then clears a consumed pending-command annotation. A conflict means the object moved on: the
 * next round re-reads it (returns false).
 */
export async function writeRolloutStatus(
  client: KubeClient,
  rolloutKind: ResourceRef,
  original: Rollout,
  status: RolloutStatus,
  clearPending: boolean,
): Promise<boolean> {
  const path = resourcePath(rolloutKind, original.metadata.namespace, original.metadata.name);
  const diff = mergePatchDiff(original.status ?? {}, status);
  if (diff !== undefined) {
    try {
      await client.patch(`${path}/status`, {
        metadata: { resourceVersion: original.metadata.resourceVersion },
        status: diff,
      });
    } catch (e) {
      if (KubeApiError.isConflict(e)) return false;
      throw e;
    }
  }
  if (clearPending) {
    await client.patch(path, { metadata: { annotations: { [PENDING_STATUS_ANNOTATION]: null } } });
  }
  return true;
}

/**
 * Argo's controller serialises status with `omitempty`: false booleans, empty strings and empty lists are left
 * out, while the `canary` and `blueGreen` structs are always present (as `{}` when empty).
 */
export function argoShape(status: RolloutStatus): void {
  for (const key of ["abort", "controllerPause", "promoteFull"] as const) if (status[key] === false) delete status[key];
  if (!status.pauseConditions || status.pauseConditions.length === 0) delete status.pauseConditions;
  if (status.message === "") delete status.message;
  status.canary ??= {};
  status.blueGreen ??= {};
}

/** Argo's base replica counts: over every ReplicaSet of the Rollout; "updated" are the new ReplicaSet's. */
export function fillCounts(status: RolloutStatus, newRS: ReplicaSet, all: ReadonlyArray<ReplicaSet>): void {
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
