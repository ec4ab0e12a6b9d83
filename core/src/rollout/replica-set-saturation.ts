import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { calculateNewReplicasForBlueGreen } from "./blue-green-counts.ts";
import { rolloutReplicas } from "./defaults.ts";
import { availableReplicas, specReplicas } from "./replica-set-counts.ts";

/** The annotation Argo writes on a ReplicaSet with the Rollout's `spec.replicas` at its last scale. */
const DESIRED_REPLICAS = "rollout.argoproj.io/desired-replicas";

/**
 * Argo's `IsSaturated`: the ReplicaSet is sized for the whole Rollout (spec and desired-replicas annotation both
 * equal `spec.replicas`) and all of those pods are available. Only then may the active Service move onto it.
 */
export function isReplicaSetSaturated(rollout: Rollout, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = rolloutReplicas(rollout);
  return (
    specReplicas(rs) === replicas &&
    rs.metadata.annotations?.[DESIRED_REPLICAS] === String(replicas) &&
    availableReplicas(rs) === replicas
  );
}

/**
 * Argo's `ReadyForPause` for blue-green: the new ReplicaSet is at the size blue-green wants for it now (the
 * preview size or full) and every one of those pods is available.
 */
export function readyForBlueGreenPause(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  allRSs: ReadonlyArray<ReplicaSet>,
): boolean {
  if (!newRS) return false;
  const desired = calculateNewReplicasForBlueGreen(rollout, newRS, allRSs);
  return specReplicas(newRS) === desired && availableReplicas(newRS) === desired;
}
