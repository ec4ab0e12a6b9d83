import * as k8s from "@kubernetes/client-node";
import { type KubeSim, type KubeSimOptions, startKubeSim } from "../src/index.ts";

export { k8s };

export const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
export const jsonPatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch);
export const strategicPatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch);

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  policy: k8s.PolicyV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
  ext: k8s.ApiextensionsV1Api;
  custom: k8s.CustomObjectsApi;
  objects: k8s.KubernetesObjectApi;
}

export function clientsFor(kc: k8s.KubeConfig): Clients {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    policy: kc.makeApiClient(k8s.PolicyV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    ext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

export async function startSim(options: Partial<KubeSimOptions> = {}): Promise<KubeSim> {
  // The conformance suite tests the API server alone: no simulated controllers writing behind the client's back.
  return startKubeSim({ clusters: ["eu-1"], controllers: false, ...options });
}

/** The Kubernetes Status a client-node call failed with. */
export async function statusOf(promise: Promise<unknown>): Promise<{
  code: number;
  reason: string;
  message: string;
  details: { causes: { reason: string; field?: string }[] };
}> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof k8s.ApiException) {
      // client-node leaves the body out for responses its spec declares without one (401).
      const body = typeof e.body === "string" && e.body ? JSON.parse(e.body) : {};
      return { code: e.code, reason: body.reason, message: body.message, details: { causes: [], ...body.details } };
    }
    throw e;
  }
  throw new Error("expected the call to fail");
}

/** Polls until `check` returns a value other than undefined/false (GC and watches are asynchronous). */
type Pending = undefined | null | false;

export async function eventually<T>(
  check: () => T | Pending | Promise<T | Pending>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function replicaSet(name: string, labels: Record<string, string>, image = "nginx:1.25"): k8s.V1ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "app", image }] } },
    },
  };
}

export function rolloutCrd(group = "argoproj.io"): k8s.V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `rollouts.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { kind: "Rollout", listKind: "RolloutList", plural: "rollouts", singular: "rollout", shortNames: ["ro"] },
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true } },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: ".spec.replicas",
              statusReplicasPath: ".status.HPAReplicas",
              labelSelectorPath: ".status.selector",
            },
          },
          additionalPrinterColumns: [
            { name: "Desired", type: "integer", jsonPath: ".spec.replicas" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
        },
      ],
    },
  };
}
