import type { KindRegistry } from "./kind-registry.ts";
import { apiVersionOf, type ResourceKind } from "./resource-kind.ts";

export const KUBE_VERSION = { major: "1", minor: "35", gitVersion: "v1.35.0-kube-sim" };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBE_VERSION,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.25.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

function resourceEntries(kind: ResourceKind): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: kind.plural,
    singularName: kind.singular,
    namespaced: kind.namespaced,
    kind: kind.kind,
    verbs: kind.verbs,
    ...(kind.shortNames.length ? { shortNames: kind.shortNames } : {}),
    ...(kind.categories.length ? { categories: kind.categories } : {}),
  };
  const out = [main];
  const sub = (name: string, extra: Record<string, unknown>) =>
    out.push({ name: `${kind.plural}/${name}`, singularName: "", namespaced: kind.namespaced, ...extra });
  if (kind.subresources.status) sub("status", { kind: kind.kind, verbs: ["get", "patch", "update"] });
  if (kind.subresources.scale) {
    sub("scale", { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
  }
  if (kind.subresources.eviction)
    sub("eviction", { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] });
  return out;
}

/** `/api/v1` or `/apis/<group>/<version>`: the APIResourceList of one group version. */
export function apiResourceList(
  kinds: KindRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = kinds.all().filter((k) => k.group === group && k.versions.includes(version));
  if (served.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(group, version),
    resources: served.flatMap(resourceEntries),
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(kinds: KindRegistry): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: kinds.groups().map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(kinds: KindRegistry, name: string): Record<string, unknown> | undefined {
  const group = kinds.groups().find((g) => g.name === name);
  return group ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group.name, group.versions) } : undefined;
}

/** Content type of the aggregated discovery documents (`/api`, `/apis`) that kubectl ≥ 1.30 asks for first. */
export const AGGREGATED_DISCOVERY_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** Whether an Accept header lists aggregated discovery v2 (clients fall back to the legacy documents otherwise). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(",")
    .some(
      (part) =>
        /g=apidiscovery\.k8s\.io/.test(part) && /;\s*v=v2\s*(;|$)/.test(part) && /as=APIGroupDiscoveryList/.test(part),
    );
}

function discoveryResource(kind: ResourceKind, version: string): Record<string, unknown> {
  const subresources: Record<string, unknown>[] = [];
  if (kind.subresources.status) {
    subresources.push({
      subresource: "status",
      responseKind: { group: kind.group, version, kind: kind.kind },
      verbs: ["get", "patch", "update"],
    });
  }
  if (kind.subresources.scale) {
    subresources.push({
      subresource: "scale",
      responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
      verbs: ["get", "patch", "update"],
    });
  }
  if (kind.subresources.eviction) {
    subresources.push({
      subresource: "eviction",
      responseKind: { group: "policy", version: "v1", kind: "Eviction" },
      verbs: ["create"],
    });
  }
  return {
    resource: kind.plural,
    responseKind: { group: kind.group, version, kind: kind.kind },
    scope: kind.namespaced ? "Namespaced" : "Cluster",
    singularResource: kind.singular,
    verbs: kind.verbs,
    ...(kind.shortNames.length ? { shortNames: kind.shortNames } : {}),
    ...(kind.categories.length ? { categories: kind.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

/** The aggregated discovery document: `/api` (core group only) or `/apis` (every named group). */
export function aggregatedDiscovery(kinds: KindRegistry, core: boolean): Record<string, unknown> {
  const groups = core ? [{ name: "", versions: ["v1"] }] : kinds.groups();
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: kinds
          .all()
          .filter((k) => k.group === g.name && k.versions.includes(version))
          .map((k) => discoveryResource(k, version)),
        freshness: "Current",
      })),
    })),
  };
}
