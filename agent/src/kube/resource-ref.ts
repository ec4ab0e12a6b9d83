/** Where a kind lives in the API: group ("" for core), version, plural, and whether it is namespaced. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** The API path of a collection, an object or an object's subresource. */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const base = ref.group === "" ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  let path = `${base}${ns}/${ref.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group === "" ? ref.version : `${ref.group}/${ref.version}`;
}

/** The built-in kinds the agent touches. */
export const builtins = {
  replicaSets: { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true },
  deployments: { group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true },
  namespaces: { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false },
  pods: { group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true },
  services: { group: "", version: "v1", plural: "services", kind: "Service", namespaced: true },
  configMaps: { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true },
  secrets: { group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true },
  events: { group: "", version: "v1", plural: "events", kind: "Event", namespaced: true },
  jobs: { group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true },
  ingresses: { group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress", namespaced: true },
  leases: { group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true },
} as const satisfies Record<string, ResourceRef>;

/** Argo's kinds under a configurable API group (default argoproj.io). */
export function argoKinds(group = "argoproj.io") {
  const v = "v1alpha1";
  return {
    rollouts: { group, version: v, plural: "rollouts", kind: "Rollout", namespaced: true },
    analysisTemplates: { group, version: v, plural: "analysistemplates", kind: "AnalysisTemplate", namespaced: true },
    clusterAnalysisTemplates: {
      group,
      version: v,
      plural: "clusteranalysistemplates",
      kind: "ClusterAnalysisTemplate",
      namespaced: false,
    },
    analysisRuns: { group, version: v, plural: "analysisruns", kind: "AnalysisRun", namespaced: true },
    experiments: { group, version: v, plural: "experiments", kind: "Experiment", namespaced: true },
  } satisfies Record<string, ResourceRef>;
}
