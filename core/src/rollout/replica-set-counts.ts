import type { ReplicaSet } from "../types/replica-set.ts";
import { POD_TEMPLATE_HASH_LABEL } from "./defaults.ts";

/** `spec.replicas` with the API server's default of 1. */
export function specReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

/** Pods ready for at least minReadySeconds (`status.availableReplicas`). */
export function availableReplicas(rs: ReplicaSet | undefined): number {
  return rs?.status?.availableReplicas ?? 0;
}

export function sumSpecReplicas(sets: ReadonlyArray<ReplicaSet | undefined>): number {
  let total = 0;
  for (const rs of sets) if (rs) total += specReplicas(rs);
  return total;
}

export function sumAvailableReplicas(sets: ReadonlyArray<ReplicaSet | undefined>): number {
  let total = 0;
  for (const rs of sets) total += availableReplicas(rs);
  return total;
}

/** The `rollouts-pod-template-hash` label of a ReplicaSet, or "" when it has none. */
export function replicaSetPodHash(rs: ReplicaSet | undefined): string {
  return rs?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? "";
}

/** Two ReplicaSet references denote the same object (same name; pod hash when names are missing). */
export function sameReplicaSet(a: ReplicaSet | undefined, b: ReplicaSet | undefined): boolean {
  if (!a || !b) return false;
  if (a.metadata.name !== undefined || b.metadata.name !== undefined) return a.metadata.name === b.metadata.name;
  return replicaSetPodHash(a) !== "" && replicaSetPodHash(a) === replicaSetPodHash(b);
}
