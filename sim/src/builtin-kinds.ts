import type { KubeObject } from "./kube-object.ts";
import { readPath } from "./kube-object.ts";
import { ALL_VERBS, type ResourceKind } from "./resource-kind.ts";

type Extra = Partial<Omit<ResourceKind, "group" | "versions" | "kind" | "plural">>;

const field =
  (path: string) =>
  (obj: KubeObject): string | undefined => {
    const v = readPath(obj, path);
    return v === undefined || v === null ? undefined : String(v);
  };

function builtin(group: string, version: string, kind: string, plural: string, extra: Extra = {}): ResourceKind {
  return {
    group,
    versions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: { status: false },
    strategicMerge: true,
    tracksGeneration: false,
    requireResourceVersionOnUpdate: false,
    defaultPropagation: "Background",
    fieldSelectors: {},
    printerColumns: [],
    ...extra,
  };
}

const replicasScale = { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas" };

/**
 * The built-in kinds the agent, the charts and users touch, stored and served with their API semantics.
 * Only some have simulated controllers (Emulator II); the rest are storage, as on a cluster whose controller
 * for them is absent.
 */
export function builtinKinds(): ResourceKind[] {
  return [
    builtin("", "v1", "Namespace", "namespaces", {
      namespaced: false,
      shortNames: ["ns"],
      subresources: { status: true },
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      fieldSelectors: { "status.phase": field("status.phase") },
    }),
    builtin("", "v1", "Pod", "pods", {
      shortNames: ["po"],
      categories: ["all"],
      subresources: { status: true, eviction: true },
      tracksGeneration: true,
      fieldSelectors: {
        "spec.nodeName": field("spec.nodeName"),
        "spec.restartPolicy": field("spec.restartPolicy"),
        "spec.schedulerName": field("spec.schedulerName"),
        "spec.serviceAccountName": field("spec.serviceAccountName"),
        "spec.hostNetwork": (o) => String(readPath(o, "spec.hostNetwork") === true),
        "status.phase": field("status.phase"),
        "status.podIP": field("status.podIP"),
        "status.nominatedNodeName": field("status.nominatedNodeName"),
      },
    }),
    builtin("", "v1", "Service", "services", {
      shortNames: ["svc"],
      categories: ["all"],
      subresources: { status: true },
      fieldSelectors: { "spec.clusterIP": field("spec.clusterIP"), "spec.type": field("spec.type") },
    }),
    builtin("", "v1", "Endpoints", "endpoints", { singular: "endpoints", shortNames: ["ep"] }),
    builtin("", "v1", "ConfigMap", "configmaps", { shortNames: ["cm"] }),
    builtin("", "v1", "Secret", "secrets", { fieldSelectors: { type: field("type") } }),
    builtin("", "v1", "Event", "events", {
      shortNames: ["ev"],
      fieldSelectors: {
        "involvedObject.kind": field("involvedObject.kind"),
        "involvedObject.namespace": field("involvedObject.namespace"),
        "involvedObject.name": field("involvedObject.name"),
        "involvedObject.uid": field("involvedObject.uid"),
        "involvedObject.apiVersion": field("involvedObject.apiVersion"),
        "involvedObject.resourceVersion": field("involvedObject.resourceVersion"),
        "involvedObject.fieldPath": field("involvedObject.fieldPath"),
        reason: field("reason"),
        reportingComponent: field("reportingComponent"),
        source: field("source.component"),
        type: field("type"),
      },
    }),
    builtin("", "v1", "ServiceAccount", "serviceaccounts", { shortNames: ["sa"] }),
    builtin("", "v1", "PodTemplate", "podtemplates", { tracksGeneration: false }),
    builtin("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", { namespaced: false }),
    builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
    builtin("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", { namespaced: false }),
    builtin("apps", "v1", "ReplicaSet", "replicasets", {
      shortNames: ["rs"],
      categories: ["all"],
      subresources: { status: true, scale: { ...replicasScale, labelSelectorPath: "spec.selector" } },
      tracksGeneration: true,
      fieldSelectors: { "status.replicas": field("status.replicas") },
    }),
    builtin("apps", "v1", "Deployment", "deployments", {
      shortNames: ["deploy"],
      categories: ["all"],
      subresources: { status: true, scale: { ...replicasScale, labelSelectorPath: "spec.selector" } },
      tracksGeneration: true,
    }),
    builtin("batch", "v1", "Job", "jobs", {
      categories: ["all"],
      subresources: { status: true },
      tracksGeneration: true,
      defaultPropagation: "Orphan",
      fieldSelectors: { "status.successful": field("status.successful") },
    }),
    builtin("networking.k8s.io", "v1", "Ingress", "ingresses", {
      shortNames: ["ing"],
      subresources: { status: true },
      tracksGeneration: true,
    }),
    builtin("coordination.k8s.io", "v1", "Lease", "leases"),
    builtin("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", {
      shortNames: ["pdb"],
      subresources: { status: true },
      tracksGeneration: true,
    }),
    builtin("", "v1", "Node", "nodes", {
      namespaced: false,
      shortNames: ["no"],
      subresources: { status: true },
      fieldSelectors: { "spec.unschedulable": (o) => String(readPath(o, "spec.unschedulable") === true) },
    }),
    builtin("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", {
      shortNames: ["pvc"],
      subresources: { status: true },
    }),
    builtin("apps", "v1", "StatefulSet", "statefulsets", {
      shortNames: ["sts"],
      categories: ["all"],
      subresources: { status: true, scale: { ...replicasScale, labelSelectorPath: "spec.selector" } },
      tracksGeneration: true,
    }),
    builtin("apps", "v1", "DaemonSet", "daemonsets", {
      shortNames: ["ds"],
      categories: ["all"],
      subresources: { status: true },
      tracksGeneration: true,
    }),
    builtin("batch", "v1", "CronJob", "cronjobs", {
      shortNames: ["cj"],
      categories: ["all"],
      subresources: { status: true },
      tracksGeneration: true,
    }),
    builtin("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", {
      shortNames: ["hpa"],
      categories: ["all"],
      subresources: { status: true },
    }),
    builtin("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", { shortNames: ["netpol"] }),
    builtin("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", { singular: "endpointslice" }),
    builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", {
      namespaced: false,
      shortNames: ["crd", "crds"],
      categories: ["api-extensions"],
      subresources: { status: true },
      tracksGeneration: true,
    }),
  ];
}
