import type { KubeObject, OwnerReference } from "../kube-object.ts";

interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

/** The owner reference with `controller: true`, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function podPhase(pod: KubeObject): string {
  const status = pod.status as { phase?: string } | undefined;
  return status?.phase ?? "Pending";
}

function readyCondition(pod: KubeObject): PodCondition | undefined {
  const conditions = (pod.status as { conditions?: PodCondition[] } | undefined)?.conditions;
  return Array.isArray(conditions) ? conditions.find((c) => c.type === "Ready") : undefined;
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === "True";
}

/** When the pod became Ready: the precise instant when this process saw it, else the condition's timestamp. */
export function podReadySinceMs(pod: KubeObject, precise: ReadonlyMap<string, number>): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const known = precise.get(pod.metadata.uid ?? "");
  if (known !== undefined) return known;
  const at = Date.parse(readyCondition(pod)?.lastTransitionTime ?? "");
  return Number.isNaN(at) ? 0 : at;
}

/** Counted by workload controllers: neither terminating nor finished (as `controller.IsPodActive`). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return !pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed";
}

export function podIp(pod: KubeObject): string | undefined {
  return (pod.status as { podIP?: string } | undefined)?.podIP;
}

/** The version a pod belongs to: Argo's `rollouts-pod-template-hash`, else the Deployment's `pod-template-hash`. */
export function podVersionHash(pod: KubeObject): string {
  const labels = pod.metadata.labels ?? {};
  return labels["rollouts-pod-template-hash"] ?? labels["pod-template-hash"] ?? "";
}
