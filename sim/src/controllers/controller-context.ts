import type { GroupVersionResource, KubeCluster } from "../kube-cluster.ts";
import type { ReconcileQueue } from "./reconcile-queue.ts";

export const GVR = {
  pods: { group: "", version: "v1", resource: "pods" },
  services: { group: "", version: "v1", resource: "services" },
  endpoints: { group: "", version: "v1", resource: "endpoints" },
  replicaSets: { group: "apps", version: "v1", resource: "replicasets" },
  deployments: { group: "apps", version: "v1", resource: "deployments" },
  jobs: { group: "batch", version: "v1", resource: "jobs" },
} as const satisfies Record<string, GroupVersionResource>;

/** Store keys (group-resource) the controllers read directly. */
export const GR = {
  pods: "pods",
  services: "services",
  endpoints: "endpoints",
  replicaSets: "replicasets.apps",
  deployments: "deployments.apps",
  jobs: "jobs.batch",
} as const;

/** What every simulated controller of one cluster shares: the API, the work queue and precise pod timings. */
export interface ControllerContext {
  readonly cluster: KubeCluster;
  readonly queue: ReconcileQueue;
  now(): number;
  /** Pod uid → when this process marked it Ready (condition timestamps only have second precision). */
  readonly readySinceMs: Map<string, number>;
  /** Pod uid → when its containers started. */
  readonly startedAtMs: Map<string, number>;
  /** Pod uid → creation order, to break creation-time ties when choosing pods to delete. */
  readonly createdSeq: Map<string, number>;
  /**
   * Namespace → uids of pods without a controller: the only candidates for adoption. Kept from the change feed so a
   * ReplicaSet reconcile never scans every pod of its namespace (that would be quadratic at thousands of pods).
   */
  readonly orphanPods: Map<string, Set<string>>;
  nextPodIp(): string;
  nextSeq(): number;
}

/** `2024-01-01T00:00:00Z`, the second-precision RFC 3339 form Kubernetes writes. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const key = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;
