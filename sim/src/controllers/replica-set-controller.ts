import { cloneJson, deepEqual, type JsonObject } from "../json-value.ts";
import type { KubeObject } from "../kube-object.ts";
import { LabelSelector } from "../label-selector.ts";
import { StatusError } from "../status-error.ts";
import { type ControllerContext, GR, GVR, key } from "./controller-context.ts";
import { controllerRef, isPodActive, isPodReady, podPhase, podReadySinceMs } from "./pod-state.ts";

/** Kubernetes truncates a generateName base so the 5-character suffix still fits in 63 characters. */
const MAX_GENERATE_NAME_BASE = 58;

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: JsonObject;
}

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplate;
}

/** Pods of `owner` that it controls (the owner-uid index makes this independent of namespace size). */
export function controlledPods(ctx: ControllerContext, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid ?? "";
  return ctx.cluster.store.dependentsOf(uid).filter((o) => o.kind === "Pod" && controllerRef(o)?.uid === uid);
}

/** Creates one pod from a controller's template, named `<owner>-<5 random characters>` as Kubernetes names it. */
export function createPodFor(
  ctx: ControllerContext,
  owner: KubeObject,
  ownerApiVersion: string,
  template: PodTemplate | undefined,
): KubeObject {
  const name = owner.metadata.name ?? "";
  const base = `${name}-`.slice(0, MAX_GENERATE_NAME_BASE);
  const metadata: JsonObject = {
    generateName: base,
    namespace: owner.metadata.namespace ?? "default",
    labels: { ...(template?.metadata?.labels ?? {}) },
    ownerReferences: [
      {
        apiVersion: ownerApiVersion,
        kind: owner.kind,
        name,
        uid: owner.metadata.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (template?.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  const pod = ctx.cluster.create(
    GVR.pods,
    { apiVersion: "v1", kind: "Pod", metadata, spec: cloneJson(template?.spec ?? {}) },
    owner.metadata.namespace,
  );
  ctx.createdSeq.set(pod.metadata.uid ?? "", ctx.nextSeq());
  return pod;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods and reports `replicas`, `fullyLabeledReplicas`,
 * `readyReplicas`, `availableReplicas` (Ready for `minReadySeconds`) and `observedGeneration`, omitting zero
 * counts as the API's `omitempty` does. Scale-down removes the pods Kubernetes would: pending before running,
 * not-ready before ready, ready for less time first, newest first.
 */
export class ReplicaSetController {
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  reconcile(namespace: string, name: string): void {
    const ctx = this.#ctx;
    const rs = ctx.cluster.store.get(GR.replicaSets, namespace, name);
    if (!rs) return;
    const spec = (rs.spec ?? {}) as ReplicaSetSpec;
    if (!rs.metadata.deletionTimestamp) {
      this.#claimPods(rs);
      this.#manageReplicas(rs, spec);
    }
    const pods = controlledPods(ctx, rs).filter(isPodActive);
    const templateLabels = spec.template?.metadata?.labels ?? {};
    const minReadyMs = Math.max(0, spec.minReadySeconds ?? 0) * 1000;
    const now = ctx.now();
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    let nextAvailableAt = Number.POSITIVE_INFINITY;
    for (const pod of pods) {
      const labels = pod.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      const since = podReadySinceMs(pod, ctx.readySinceMs);
      if (since === undefined) continue;
      ready++;
      if (minReadyMs === 0 || since + minReadyMs <= now) available++;
      else nextAvailableAt = Math.min(nextAvailableAt, since + minReadyMs);
    }
    if (Number.isFinite(nextAvailableAt)) ctx.queue.after(key("rs", namespace, name), nextAvailableAt);
    const current = (rs.status ?? {}) as JsonObject;
    const status: JsonObject = { replicas: pods.length };
    if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (rs.metadata.generation) status.observedGeneration = rs.metadata.generation;
    if (current.conditions !== undefined) status.conditions = current.conditions;
    if (deepEqual(status, current)) return;
    try {
      ctx.cluster.update(GVR.replicaSets, namespace, name, { ...rs, status }, "status");
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 409) ctx.queue.add(key("rs", namespace, name));
    }
  }

  /**
   * Kubernetes' ControllerRefManager: adopt orphan pods the selector matches (giving them this ReplicaSet as
   * controller) and release owned pods whose labels no longer match (dropping the reference), so relabelling a pod
   * out of a ReplicaSet makes it create a replacement.
   */
  #claimPods(rs: KubeObject): void {
    const ctx = this.#ctx;
    let selector: LabelSelector;
    try {
      selector = LabelSelector.fromObject((rs.spec as JsonObject | undefined)?.selector ?? {});
    } catch {
      return;
    }
    // An empty selector would claim every pod of the namespace; the API rejects it for apps/v1, so ignore it.
    if (selector.empty) return;
    const uid = rs.metadata.uid ?? "";
    const podsKind = ctx.cluster.resolve(GVR.pods);
    for (const pod of controlledPods(ctx, rs)) {
      if (pod.metadata.deletionTimestamp || selector.matches(pod.metadata.labels)) continue;
      const next = cloneJson(pod);
      const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      if (refs.length) next.metadata.ownerReferences = refs;
      else delete next.metadata.ownerReferences;
      this.#writePod(podsKind, pod, next);
    }
    for (const orphanUid of [...(ctx.orphanPods.get(rs.metadata.namespace ?? "") ?? [])]) {
      const pod = ctx.cluster.store.getByUid(orphanUid);
      if (pod?.kind !== "Pod") continue;
      if (pod.metadata.deletionTimestamp || controllerRef(pod) || !isPodActive(pod)) continue;
      if (!selector.matches(pod.metadata.labels)) continue;
      const next = cloneJson(pod);
      next.metadata.ownerReferences = [
        ...(next.metadata.ownerReferences ?? []),
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: rs.metadata.name ?? "",
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      this.#writePod(podsKind, pod, next);
    }
  }

  #writePod(kind: ReturnType<ControllerContext["cluster"]["resolve"]>, current: KubeObject, next: KubeObject): void {
    try {
      this.#ctx.cluster.writeInternal(kind, current, next);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  #manageReplicas(rs: KubeObject, spec: ReplicaSetSpec): void {
    const ctx = this.#ctx;
    const active = controlledPods(ctx, rs).filter(isPodActive);
    const desired = Math.max(0, spec.replicas ?? 1);
    const diff = active.length - desired;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        try {
          createPodFor(ctx, rs, "apps/v1", spec.template);
        } catch (e) {
          // A terminating namespace or an invalid template: the real controller records a FailedCreate event and
          // retries with backoff; the next change to the ReplicaSet retries here.
          if (e instanceof StatusError) return;
          throw e;
        }
      }
    } else if (diff > 0) {
      for (const pod of this.#deletionOrder(active).slice(0, diff)) {
        try {
          ctx.cluster.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name ?? "", {
            preconditions: { uid: pod.metadata.uid ?? "" },
          });
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
        }
      }
    }
  }

  #deletionOrder(pods: KubeObject[]): KubeObject[] {
    const ctx = this.#ctx;
    const rank = (p: KubeObject) => ({
      phase: PHASE_RANK[podPhase(p)] ?? 1,
      ready: isPodReady(p) ? 1 : 0,
      since: podReadySinceMs(p, ctx.readySinceMs) ?? 0,
      created: Date.parse(p.metadata.creationTimestamp ?? "") || 0,
      seq: ctx.createdSeq.get(p.metadata.uid ?? "") ?? 0,
    });
    return pods
      .map((p) => ({ p, r: rank(p) }))
      .sort(
        (a, b) =>
          a.r.phase - b.r.phase ||
          a.r.ready - b.r.ready ||
          b.r.since - a.r.since ||
          b.r.created - a.r.created ||
          b.r.seq - a.r.seq,
      )
      .map((x) => x.p);
  }
}
