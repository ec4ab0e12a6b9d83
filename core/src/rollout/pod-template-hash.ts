import type { PodTemplateSpec } from "../types/kube-meta.ts";
import type { CanaryStep } from "../types/rollout.ts";
import { POD_TEMPLATE_HASH_LABEL } from "./defaults.ts";
import { canonicalJson, stableHash } from "./stable-hash.ts";

/** The template as hashed: its own hash label removed (an empty label map is the same as none). */
function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const metadata = { ...(template.metadata ?? {}), labels: Object.keys(labels).length > 0 ? labels : undefined };
  return { ...template, metadata };
}

/**
 * The `rollouts-pod-template-hash` of a pod template (see docs/adr/0004): a hash of the template's canonical JSON
 * without its own hash label, salted with `status.collisionCount` when set. Equal templates give equal hashes in
 * every agent and process; it is not byte-identical to Argo's hash, so Argo-made ReplicaSets are adopted by
 * template equality, keeping the label they have.
 */
export function computePodTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  return stableHash(withoutHashLabel(template), collisionCount);
}

/** `status.currentStepHash`: changes whenever the canary steps change, which restarts the steps. */
export function computeStepHash(steps: ReadonlyArray<CanaryStep> | undefined): string {
  return stableHash(steps ?? []);
}

/** Pod templates equal once hash labels are ignored: how a new ReplicaSet made by another controller is adopted. */
export function podTemplatesEqualIgnoringHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}
