import { versionBehaviour } from "../controllers/version-behaviour.ts";
import type { KubeCluster } from "../kube-cluster.ts";
import type { KubeObject } from "../kube-object.ts";

/** One ready endpoint of a Service as the data plane sees it: which version answers and how it behaves. */
export interface Backend {
  /** Stable identity of the endpoint (pod uid, else its IP). */
  id: string;
  ip: string;
  /** `rollouts-pod-template-hash` (else `pod-template-hash`) of the pod behind the address, "" when unknown. */
  version: string;
  errorRate: number;
  latencyMs: number;
}

interface EndpointAddress {
  ip?: string;
  targetRef?: { kind?: string; uid?: string; name?: string; namespace?: string };
}

/**
 * The ready endpoints of a Service, read the way kube-proxy reads them: from the Endpoints object (only
 * `addresses`, never `notReadyAddresses`), each address followed to its pod for the version label and the
 * behaviour annotations. A Service without Endpoints has no backends, whatever pods exist.
 */
export function serviceBackends(cluster: KubeCluster, namespace: string, service: string): Backend[] {
  const endpoints = cluster.store.get("endpoints", namespace, service);
  if (!endpoints) return [];
  const subsets = Array.isArray(endpoints.subsets) ? (endpoints.subsets as { addresses?: EndpointAddress[] }[]) : [];
  const seen = new Set<string>();
  const out: Backend[] = [];
  for (const subset of subsets) {
    for (const address of subset.addresses ?? []) {
      const ip = address.ip ?? "";
      const pod = podFor(cluster, namespace, address);
      const id = pod?.metadata.uid ?? ip;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const labels = pod?.metadata.labels ?? {};
      const behaviour = versionBehaviour(pod?.metadata.annotations);
      out.push({
        id,
        ip,
        version: labels["rollouts-pod-template-hash"] ?? labels["pod-template-hash"] ?? "",
        errorRate: behaviour.errorRate,
        latencyMs: behaviour.latencyMs,
      });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function podFor(cluster: KubeCluster, namespace: string, address: EndpointAddress): KubeObject | undefined {
  const ref = address.targetRef;
  if (ref?.kind !== "Pod") return undefined;
  if (ref.uid) {
    const byUid = cluster.store.getByUid(ref.uid);
    if (byUid?.kind === "Pod") return byUid;
  }
  return ref.name ? cluster.store.get("pods", ref.namespace ?? namespace, ref.name) : undefined;
}
