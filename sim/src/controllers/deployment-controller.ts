import { cloneJson, deepEqual, type JsonObject, type JsonValue } from "../json-value.ts";
import type { KubeObject } from "../kube-object.ts";
import { StatusError } from "../status-error.ts";
import { type ControllerContext, GR, GVR, key, timestamp } from "./controller-context.ts";
import { resolveIntOrPercent } from "./int-or-percent.ts";
import { controllerRef } from "./pod-state.ts";
import { podTemplateHash } from "./pod-template-hash.ts";

const REVISION = "deployment.kubernetes.io/revision";
const DESIRED = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
const HASH_LABEL = "pod-template-hash";

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: JsonValue[] };
  template?: { metadata?: { labels?: Record<string, string> } & JsonObject } & JsonObject;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
}

const specReplicas = (rs: KubeObject) => Number((rs.spec as { replicas?: number } | undefined)?.replicas ?? 0);
const statusCount = (rs: KubeObject, field: string) => Number((rs.status as JsonObject | undefined)?.[field] ?? 0);
const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;

/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`, the
 * hash added to its selector and labels), rolled with RollingUpdate (maxSurge / maxUnavailable) or Recreate,
 * scaled with `spec.replicas` (so scaling the Deployment to 0, as Argo's `workloadRef` does, empties it), old
 * ReplicaSets pruned beyond `revisionHistoryLimit`, and status with Available / Progressing conditions.
 */
export class DeploymentController {
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  reconcile(namespace: string, name: string): void {
    try {
      this.#reconcile(namespace, name);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      // A conflicting write (someone else changed a ReplicaSet): level-based, so just look again.
      if (e.code === 409) this.#ctx.queue.add(key("deploy", namespace, name));
    }
  }

  #reconcile(namespace: string, name: string): void {
    const ctx = this.#ctx;
    const d = ctx.cluster.store.get(GR.deployments, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = (d.spec ?? {}) as DeploymentSpec;
    const replicas = Math.max(0, spec.replicas ?? 1);
    const uid = d.metadata.uid ?? "";
    const owned = () =>
      ctx.cluster.store
        .dependentsOf(uid)
        .filter((o) => o.kind === "ReplicaSet" && controllerRef(o)?.uid === uid && !o.metadata.deletionTimestamp);
    const collisionCount = Number((d.status as JsonObject | undefined)?.collisionCount ?? 0) || undefined;
    const hash = podTemplateHash(spec.template ?? {}, collisionCount);
    const recreate = spec.strategy?.type === "Recreate";
    const maxSurge = recreate
      ? 0
      : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge ?? "25%", replicas, true);
    let maxUnavailable = recreate
      ? replicas
      : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable ?? "25%", replicas, false);
    if (!recreate && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    maxUnavailable = Math.min(maxUnavailable, replicas);

    let all = owned();
    let newRs = all.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    if (!spec.paused) {
      const old = all.filter((rs) => rs !== newRs);
      const oldTotal = old.reduce((n, rs) => n + specReplicas(rs), 0);
      if (!newRs) {
        const initial = recreate
          ? oldTotal > 0
            ? 0
            : replicas
          : Math.max(0, Math.min(replicas, replicas + maxSurge - oldTotal));
        const revision = Math.max(0, ...all.map(revisionOf)) + 1;
        const created = this.#createReplicaSet(d, spec, hash, initial, revision, replicas + maxSurge);
        if (!created) return;
        newRs = created;
        all = owned();
      } else {
        this.#scaleNew(newRs, all, replicas, maxSurge, recreate);
      }
      this.#scaleOld(newRs, replicas, maxUnavailable, recreate, owned);
      all = owned();
      newRs = all.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
      if (newRs) this.#syncRevision(d, newRs);
      this.#pruneHistory(
        all.filter((rs) => rs !== newRs),
        spec.revisionHistoryLimit ?? 10,
      );
      all = owned();
    }
    this.#writeStatus(d, all, newRs, replicas, maxUnavailable);
  }

  #createReplicaSet(
    d: KubeObject,
    spec: DeploymentSpec,
    hash: string,
    replicas: number,
    revision: number,
    maxReplicas: number,
  ): KubeObject | undefined {
    const template = cloneJson(spec.template ?? {}) as JsonObject & { metadata?: JsonObject };
    const templateMeta = (template.metadata ?? {}) as JsonObject;
    const labels = { ...((templateMeta.labels as Record<string, string> | undefined) ?? {}), [HASH_LABEL]: hash };
    template.metadata = { ...templateMeta, labels };
    const selector = cloneJson((spec.selector ?? {}) as JsonObject);
    selector.matchLabels = {
      ...((selector.matchLabels as Record<string, string> | undefined) ?? {}),
      [HASH_LABEL]: hash,
    };
    const rsSpec: JsonObject = { replicas, selector, template };
    if (spec.minReadySeconds) rsSpec.minReadySeconds = spec.minReadySeconds;
    const name = `${d.metadata.name}-${hash}`;
    const clash = this.#ctx.cluster.store.get(GR.replicaSets, d.metadata.namespace ?? "", name);
    if (clash) {
      // A ReplicaSet of that name that this Deployment does not control: bump collisionCount, as Kubernetes
      // does, so the next reconcile hashes differently (the status write re-queues the Deployment).
      const status = { ...((d.status ?? {}) as JsonObject) };
      status.collisionCount = Number(status.collisionCount ?? 0) + 1;
      this.#ctx.cluster.update(
        GVR.deployments,
        d.metadata.namespace,
        d.metadata.name ?? "",
        { ...d, status },
        "status",
      );
      return undefined;
    }
    return this.#ctx.cluster.create(
      GVR.replicaSets,
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name,
          namespace: d.metadata.namespace ?? "default",
          labels,
          annotations: {
            [REVISION]: String(revision),
            [DESIRED]: String(Number((d.spec as DeploymentSpec).replicas ?? 1)),
            [MAX_REPLICAS]: String(maxReplicas),
          },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "Deployment",
              name: d.metadata.name ?? "",
              uid: d.metadata.uid ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: rsSpec,
      },
      d.metadata.namespace,
    );
  }

  #scaleNew(newRs: KubeObject, all: KubeObject[], replicas: number, maxSurge: number, recreate: boolean): void {
    const current = specReplicas(newRs);
    if (current > replicas) {
      this.#scale(newRs, replicas);
      return;
    }
    if (current === replicas) return;
    const others = all.filter((rs) => rs !== newRs);
    if (recreate) {
      // Recreate starts the new pods only once every old pod is gone.
      const oldPods = others.reduce((n, rs) => n + specReplicas(rs) + statusCount(rs, "replicas"), 0);
      if (oldPods === 0) this.#scale(newRs, replicas);
      return;
    }
    const total = all.reduce((n, rs) => n + specReplicas(rs), 0);
    const up = Math.min(replicas + maxSurge - total, replicas - current);
    if (up > 0) this.#scale(newRs, current + up);
  }

  #scaleOld(
    newRs: KubeObject | undefined,
    replicas: number,
    maxUnavailable: number,
    recreate: boolean,
    owned: () => KubeObject[],
  ): void {
    const all = owned();
    const old = all
      .filter((rs) => rs.metadata.uid !== newRs?.metadata.uid && specReplicas(rs) > 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    if (old.length === 0) return;
    if (recreate) {
      for (const rs of old) this.#scale(rs, 0);
      return;
    }
    const minAvailable = replicas - maxUnavailable;
    const fresh = newRs ? owned().find((rs) => rs.metadata.uid === newRs.metadata.uid) : undefined;
    const newUnavailable = fresh ? Math.max(0, specReplicas(fresh) - statusCount(fresh, "availableReplicas")) : 0;
    const allPods = all.reduce((n, rs) => n + specReplicas(rs), 0);
    let budget = allPods - minAvailable - newUnavailable;
    if (budget <= 0) return;
    // Unhealthy old replicas go first: removing them costs no availability.
    for (const rs of old) {
      if (budget <= 0) return;
      const unhealthy = specReplicas(rs) - statusCount(rs, "availableReplicas");
      if (unhealthy <= 0) continue;
      const cut = Math.min(unhealthy, budget);
      this.#scale(rs, specReplicas(rs) - cut);
      budget -= cut;
    }
    const refreshed = owned();
    const available = refreshed.reduce((n, rs) => n + statusCount(rs, "availableReplicas"), 0);
    let removable = Math.min(budget, available - minAvailable);
    for (const rs of old) {
      if (removable <= 0) return;
      const live = refreshed.find((r) => r.metadata.uid === rs.metadata.uid);
      if (!live || specReplicas(live) === 0) continue;
      const cut = Math.min(specReplicas(live), removable);
      this.#scale(live, specReplicas(live) - cut);
      removable -= cut;
    }
  }

  #scale(rs: KubeObject, replicas: number): void {
    const current = this.#ctx.cluster.store.get(GR.replicaSets, rs.metadata.namespace ?? "", rs.metadata.name ?? "");
    if (!current || specReplicas(current) === replicas) return;
    const next = cloneJson(current);
    (next.spec as JsonObject).replicas = replicas;
    const kind = this.#ctx.cluster.resolve(GVR.replicaSets);
    this.#ctx.cluster.writeInternal(kind, current, next);
  }

  #syncRevision(d: KubeObject, newRs: KubeObject): void {
    const revision = newRs.metadata.annotations?.[REVISION];
    if (!revision || d.metadata.annotations?.[REVISION] === revision) return;
    const next = cloneJson(d);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: revision };
    this.#ctx.cluster.writeInternal(this.#ctx.cluster.resolve(GVR.deployments), d, next);
  }

  #pruneHistory(old: KubeObject[], limit: number): void {
    const idle = old
      .filter((rs) => specReplicas(rs) === 0 && statusCount(rs, "replicas") === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - Math.max(0, limit)))) {
      this.#ctx.cluster.deleteInternal(this.#ctx.cluster.resolve(GVR.replicaSets), rs, "Background");
    }
  }

  #writeStatus(
    d: KubeObject,
    all: KubeObject[],
    newRs: KubeObject | undefined,
    replicas: number,
    maxUnavailable: number,
  ): void {
    const ctx = this.#ctx;
    const fresh = ctx.cluster.store.get(GR.deployments, d.metadata.namespace ?? "", d.metadata.name ?? "");
    if (!fresh) return;
    const current = (fresh.status ?? {}) as JsonObject;
    const sum = (f: string) => all.reduce((n, rs) => n + statusCount(rs, f), 0);
    const total = sum("replicas");
    const updated = newRs ? statusCount(newRs, "replicas") : 0;
    const ready = sum("readyReplicas");
    const available = sum("availableReplicas");
    const desiredTotal = all.reduce((n, rs) => n + specReplicas(rs), 0);
    const unavailable = Math.max(0, desiredTotal - available);
    const status: JsonObject = {};
    if (fresh.metadata.generation) status.observedGeneration = fresh.metadata.generation;
    if (total) status.replicas = total;
    if (updated) status.updatedReplicas = updated;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (unavailable) status.unavailableReplicas = unavailable;
    if (current.collisionCount !== undefined) status.collisionCount = current.collisionCount;
    const now = timestamp(ctx.now());
    const previous = Array.isArray(current.conditions) ? (current.conditions as JsonObject[]) : [];
    const condition = (type: string, value: string, reason: string, message: string): JsonObject => {
      const before = previous.find((c) => c.type === type);
      const same = before?.status === value;
      return {
        type,
        status: value,
        lastUpdateTime: same && before?.reason === reason ? (before.lastUpdateTime ?? now) : now,
        lastTransitionTime: same ? (before?.lastTransitionTime ?? now) : now,
        reason,
        message,
      };
    };
    const minAvailable = available >= replicas - maxUnavailable;
    const rsName = newRs?.metadata.name ?? "";
    const complete = updated === replicas && available === replicas && total === replicas;
    status.conditions = [
      minAvailable
        ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
          ),
      complete && newRs
        ? condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            `ReplicaSet "${rsName}" has successfully progressed.`,
          )
        : condition("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`),
    ];
    if (deepEqual(status, current)) return;
    ctx.cluster.update(
      GVR.deployments,
      fresh.metadata.namespace,
      fresh.metadata.name ?? "",
      { ...fresh, status },
      "status",
    );
  }
}
