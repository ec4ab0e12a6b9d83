import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { rolloutReplicas } from "./defaults.ts";
import { replicaSetPodHash, sameReplicaSet } from "./replica-set-counts.ts";

/**
 * Desired size of the new (preview) ReplicaSet of a blue-green Rollout. Without `previewReplicaCount` it is
 * `spec.replicas`. With it, the preview runs at that size until promotion: full size once it is (or there is no)
 * active ReplicaSet, on promote-full, or once resumed past the preview checkpoint while the active Service has
 * not switched yet; a template newer than `status.currentPodHash` starts again at the preview size.
 * The active ReplicaSet always stays at `spec.replicas`; blue-green never surges.
 */
export function calculateNewReplicasForBlueGreen(
  rollout: Rollout,
  newRS: ReplicaSet,
  allRSs: ReadonlyArray<ReplicaSet>,
): number {
  const replicas = rolloutReplicas(rollout);
  const previewCount = rollout.spec.strategy?.blueGreen?.previewReplicaCount;
  if (previewCount === undefined) return replicas;
  const status = rollout.status ?? {};
  const activeHash = status.blueGreen?.activeSelector ?? "";
  const activeRS = activeHash ? allRSs.find((rs) => replicaSetPodHash(rs) === activeHash) : undefined;
  if (!activeRS || sameReplicaSet(activeRS, newRS)) return replicas;
  if (status.promoteFull) return replicas;
  if (replicaSetPodHash(newRS) !== (status.currentPodHash ?? "")) return previewCount;
  const notPaused = !rollout.spec.paused && (status.pauseConditions ?? []).length === 0;
  if (notPaused && status.blueGreen?.scaleUpPreviewCheckPoint) return replicas;
  return previewCount;
}

/**
 * Whether the preview checkpoint is reached: the new ReplicaSet has exactly `previewReplicaCount` available pods
 * (then resuming scales it to full size). Reset when the template changes or the new ReplicaSet is already active.
 */
export function blueGreenPreviewCheckpoint(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  activeRS: ReplicaSet | undefined,
  templateChanged: boolean,
): boolean {
  const previewCount = rollout.spec.strategy?.blueGreen?.previewReplicaCount;
  if (previewCount !== undefined && (newRS?.status?.availableReplicas ?? 0) === previewCount) return true;
  if (templateChanged) return false;
  if (newRS && activeRS && sameReplicaSet(newRS, activeRS)) return false;
  return rollout.status?.blueGreen?.scaleUpPreviewCheckPoint ?? false;
}
