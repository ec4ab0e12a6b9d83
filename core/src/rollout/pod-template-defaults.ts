import type { PodTemplateSpec } from "../types/kube-meta.ts";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setDefault(target: Json, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

/**
 * The pod template as the API server stores it inside a ReplicaSet: Kubernetes fills in defaults (restart and DNS
 * policy, scheduler, grace period, image pull policy, termination message, port protocol) that a Rollout's
 * template, kept verbatim by its CRD, does not have. Comparing templates means comparing defaulted copies, as
 * Argo's controller does before deciding a ReplicaSet runs the Rollout's template.
 */
export function withPodTemplateDefaults(template: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(template) as Json;
  const spec = isObject(copy.spec) ? copy.spec : undefined;
  if (!spec) return copy as PodTemplateSpec;
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "securityContext", {});
  const containers = [spec.containers, spec.initContainers].flatMap((c) => (Array.isArray(c) ? c : []));
  for (const c of containers) {
    if (!isObject(c)) continue;
    const image = typeof c.image === "string" ? c.image : "";
    const withoutDigest = image.split("@")[0] ?? "";
    const tagless = !/:[^/]+$/.test(withoutDigest) && !image.includes("@");
    setDefault(c, "imagePullPolicy", tagless || image.endsWith(":latest") ? "Always" : "IfNotPresent");
    setDefault(c, "terminationMessagePath", "/dev/termination-log");
    setDefault(c, "terminationMessagePolicy", "File");
    setDefault(c, "resources", {});
    for (const p of Array.isArray(c.ports) ? c.ports : []) if (isObject(p)) setDefault(p, "protocol", "TCP");
  }
  return copy as PodTemplateSpec;
}
