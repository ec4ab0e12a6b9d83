import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { podTemplatesEqualIgnoringHash } from "./pod-template-hash.ts";
import { replicaSetPodHash, sameReplicaSet } from "./replica-set-counts.ts";

/** Annotation holding a ReplicaSet's (and the Rollout's) revision number. */
export const REVISION_ANNOTATION = "rollout.argoproj.io/revision";

function creationMs(rs: ReplicaSet): number {
  const ms = Date.parse(rs.metadata.creationTimestamp ?? "");
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * The ReplicaSet running the Rollout's current template: template-equal ignoring the hash label, the oldest one
 * if several match (as Kubernetes and Argo choose). Template equality, not the hash, is what lets the agent adopt
 * ReplicaSets that Argo created under its own hash.
 */
export function findNewReplicaSet(rollout: Rollout, allRSs: ReadonlyArray<ReplicaSet>): ReplicaSet | undefined {
  const template = rollout.spec.template;
  if (!template) return undefined;
  const matches = allRSs.filter((rs) => rs.spec.template && podTemplatesEqualIgnoringHash(rs.spec.template, template));
  return [...matches].sort((a, b) => creationMs(a) - creationMs(b))[0];
}

/** The ReplicaSet whose hash label is `status.stableRS` (the new one when they coincide). */
export function findStableReplicaSet(
  rollout: Rollout,
  newRS: ReplicaSet | undefined,
  allRSs: ReadonlyArray<ReplicaSet>,
): ReplicaSet | undefined {
  const stableHash = rollout.status?.stableRS ?? "";
  if (stableHash === "") return undefined;
  if (newRS && replicaSetPodHash(newRS) === stableHash) return newRS;
  return allRSs.find((rs) => replicaSetPodHash(rs) === stableHash);
}

/** Every ReplicaSet that is neither the new nor the stable one. */
export function otherReplicaSets(
  allRSs: ReadonlyArray<ReplicaSet>,
  newRS: ReplicaSet | undefined,
  stableRS: ReplicaSet | undefined,
): ReplicaSet[] {
  return allRSs.filter((rs) => !sameReplicaSet(rs, newRS) && !sameReplicaSet(rs, stableRS));
}

/** A ReplicaSet's revision (0 when missing or unreadable, as Argo treats it). */
export function replicaSetRevision(rs: ReplicaSet): number {
  const text = rs.metadata.annotations?.[REVISION_ANNOTATION];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

/** The revision a new ReplicaSet gets: one above the highest existing one. */
export function nextRevision(allRSs: ReadonlyArray<ReplicaSet>): number {
  return allRSs.reduce((max, rs) => Math.max(max, replicaSetRevision(rs)), 0) + 1;
}
