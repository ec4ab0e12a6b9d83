import { isJsonObject } from "./json-value.ts";
import type { KubeObject } from "./kube-object.ts";
import { LabelSelector } from "./label-selector.ts";
import { StatusError } from "./status-error.ts";

export type EvictionDecision =
  | { kind: "allowed"; pdb?: KubeObject; allowed: number }
  | { kind: "refused"; error: StatusError };

const isTerminal = (pod: KubeObject) => {
  const phase = isJsonObject(pod.status) ? pod.status.phase : undefined;
  return phase === "Succeeded" || phase === "Failed";
};

export function isPodReady(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = isJsonObject(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  return conditions.some((c) => isJsonObject(c) && c.type === "Ready" && c.status === "True");
}

/** `minAvailable`/`maxUnavailable` as an int or a percentage of `expected`, rounded up like the disruption controller. */
function scaled(value: unknown, expected: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+%$/.test(value))
    return Math.ceil((Number(value.slice(0, -1)) * expected) / 100);
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/**
 * Whether the eviction subresource may delete `pod`. When a disruption controller keeps the budget's status
 * current (`status.observedGeneration == metadata.generation`) its `disruptionsAllowed` decides, as in
 * kube-apiserver; otherwise the emulator computes it from the pods it holds (healthy = Ready, not terminating).
 */
export function evictionDecision(pod: KubeObject, pdbs: KubeObject[], pods: KubeObject[]): EvictionDecision {
  if (isTerminal(pod)) return { kind: "allowed", allowed: 0 };
  const matching = pdbs.filter((pdb) => {
    const spec = isJsonObject(pdb.spec) ? pdb.spec : {};
    const selector = LabelSelector.fromObject(spec.selector ?? null, "spec.selector");
    return !selector.empty && selector.matches(pod.metadata.labels);
  });
  if (matching.length === 0) return { kind: "allowed", allowed: 0 };
  if (matching.length > 1) {
    return {
      kind: "refused",
      error: new StatusError(
        500,
        "InternalError",
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      ),
    };
  }
  const pdb = matching[0]!;
  const spec = isJsonObject(pdb.spec) ? pdb.spec : {};
  const status = isJsonObject(pdb.status) ? pdb.status : {};
  const selector = LabelSelector.fromObject(spec.selector ?? null, "spec.selector");
  const covered = pods.filter((p) => !isTerminal(p) && selector.matches(p.metadata.labels));
  const healthy = covered.filter(isPodReady).length;
  const expected = covered.length;
  const desiredHealthy =
    spec.maxUnavailable !== undefined
      ? Math.max(0, expected - scaled(spec.maxUnavailable, expected))
      : scaled(spec.minAvailable ?? 1, expected);
  const maintained = status.observedGeneration !== undefined && status.observedGeneration === pdb.metadata.generation;
  const allowed =
    maintained && typeof status.disruptionsAllowed === "number" ? status.disruptionsAllowed : healthy - desiredHealthy;
  // An unready pod does not count towards the budget, so evicting it cannot break it (IfHealthyBudget policy).
  if (!isPodReady(pod) && healthy >= desiredHealthy) return { kind: "allowed", pdb, allowed: Math.max(allowed, 1) };
  if (allowed > 0) return { kind: "allowed", pdb, allowed };
  return {
    kind: "refused",
    error: new StatusError(
      429,
      "TooManyRequests",
      "Cannot evict pod as it would violate the pod's disruption budget.",
      {
        causes: [
          {
            reason: "DisruptionBudget",
            message: `The disruption budget ${pdb.metadata.name} needs ${desiredHealthy} healthy pods and has ${healthy} currently`,
          },
        ],
      },
    ),
  };
}
