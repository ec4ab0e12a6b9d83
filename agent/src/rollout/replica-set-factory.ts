import { POD_TEMPLATE_HASH_LABEL, type ReplicaSet, type Rollout } from "@bellwether/core";

export const REVISION_ANNOTATION = "rollout.argoproj.io/revision";
export const REVISION_HISTORY_ANNOTATION = "rollout.argoproj.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "rollout.argoproj.io/desired-replicas";

export function revisionOf(rs: ReplicaSet | undefined): number {
  const n = Number(rs?.metadata.annotations?.[REVISION_ANNOTATION] ?? "0");
  return Number.isFinite(n) ? n : 0;
}

/**
 * The ReplicaSet Argo creates for a Rollout's pod template: named `<rollout>-<hash>`, the hash label on itself,
 * its selector and its pods, revision and desired-replicas annotations, and a controller owner reference.
 */
export function newReplicaSetFor(
  rollout: Rollout,
  apiVersion: string,
  hash: string,
  revision: number,
  replicas: number,
  desiredReplicas: number,
): ReplicaSet {
  const template = rollout.spec.template ?? {};
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = rollout.spec.selector ?? {};
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${rollout.metadata.name}-${hash}`,
      namespace: rollout.metadata.namespace,
      labels,
      annotations: {
        [REVISION_ANNOTATION]: String(revision),
        [DESIRED_REPLICAS_ANNOTATION]: String(desiredReplicas),
      },
      ownerReferences: [
        {
          apiVersion,
          kind: "Rollout",
          name: rollout.metadata.name ?? "",
          uid: rollout.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: rollout.spec.minReadySeconds ?? 0,
      selector: {
        ...selector,
        matchLabels: { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  };
}
