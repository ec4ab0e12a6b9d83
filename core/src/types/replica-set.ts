import type { KubeCondition, LabelSelector, ObjectMeta, PodTemplateSpec } from "./kube-meta.ts";

/** The fields of an `apps/v1` ReplicaSet the rollout engine reads (plain JSON). */
export interface ReplicaSet {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    /** Desired pods. The API server defaults a missing value to 1. */
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
  };
  status?: {
    replicas?: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    /** Pods ready for at least minReadySeconds. What Argo means by "available". */
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: KubeCondition[];
  };
}
