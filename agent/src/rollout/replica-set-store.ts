import {
  computePodTemplateHash,
  POD_TEMPLATE_HASH_LABEL,
  type PodTemplateSpec,
  podTemplatesEqualIgnoringHash,
  type ReplicaSet,
  type Rollout,
  revisionHistoryLimit,
  withPodTemplateDefaults,
} from "@bellwether/core";
import type { Informer } from "../kube/informer.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";
import {
  DESIRED_REPLICAS_ANNOTATION,
  newReplicaSetFor,
  REVISION_ANNOTATION,
  revisionOf,
} from "./replica-set-factory.ts";
import type { RolloutEvents } from "./rollout-events.ts";

const OWNER_INDEX = "controller-owner-uid";

/** The ReplicaSet for the Rollout's current template, found among those it owns (before any is created). */
export interface CurrentTemplate {
  newRS: ReplicaSet | undefined;
  /** Its pod-template hash: an adopted ReplicaSet keeps the hash another controller gave it. */
  hash: string;
  owned: ReplicaSet[];
  maxRevision: number;
}

/** The outcome of making sure the current template has its ReplicaSet. */
export type EnsuredReplicaSet =
  | { kind: "ready"; newRS: ReplicaSet; owned: ReplicaSet[] }
  /** A foreign ReplicaSet holds our name: `status.collisionCount` must go up (a new hash next round). */
  | { kind: "collision" };

/**
 * The Rollout's ReplicaSets: read from the informer cache (indexed by controller owner), written through the API
 * with write expectations, and scaled with Argo's ScalingReplicaSet events. Shared by every strategy.
 */
export class ReplicaSetStore {
  private readonly client: KubeClient;
  private readonly informer: Informer<ReplicaSet>;
  private readonly events: RolloutEvents;
  private readonly written = new Map<string, ReplicaSet>();

  constructor(client: KubeClient, informer: Informer<ReplicaSet>, events: RolloutEvents) {
    this.client = client;
    this.informer = informer;
    this.events = events;
    informer.addIndex(OWNER_INDEX, (rs) =>
      (rs.metadata.ownerReferences ?? []).filter((o) => o.controller).map((o) => o.uid),
    );
  }

  /** The Rollout key that owns a ReplicaSet (for enqueueing on ReplicaSet events). */
  ownerKey(rs: ReplicaSet): string | undefined {
    const owner = rs.metadata.ownerReferences?.find((o) => o.controller && o.kind === "Rollout");
    return owner ? `${rs.metadata.namespace}/${owner.name}` : undefined;
  }

  /**
   * The cache can lag our own writes by a moment; a ReplicaSet we wrote more recently than the cached copy is
   * taken from our write (client-go controllers keep "expectations" for the same reason). Without this a round
   * that runs before the watch delivers our scale would scale again and report it twice.
   */
  private freshest(rs: ReplicaSet): ReplicaSet {
    const uid = rs.metadata.uid ?? "";
    const mine = this.written.get(uid);
    if (!mine) return rs;
    const cached = Number(rs.metadata.resourceVersion);
    const ours = Number(mine.metadata.resourceVersion);
    if (Number.isFinite(cached) && Number.isFinite(ours) && ours > cached) return mine;
    this.written.delete(uid);
    return rs;
  }

  private remember(rs: ReplicaSet): ReplicaSet {
    if (rs.metadata.uid) this.written.set(rs.metadata.uid, rs);
    return rs;
  }

  owned(rollout: Rollout): ReplicaSet[] {
    const uid = rollout.metadata.uid;
    return this.informer
      .byIndex(OWNER_INDEX, uid ?? "")
      .map((rs) => this.freshest(rs))
      .filter(
        (rs) =>
          rs.metadata.namespace === rollout.metadata.namespace &&
          !rs.metadata.deletionTimestamp &&
          rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid),
      );
  }

  /** Finds the ReplicaSet running the Rollout's template: ours by hash, or one another controller made for it. */
  currentTemplate(rollout: Rollout): CurrentTemplate {
    const template = rollout.spec.template ?? {};
    const computed = computePodTemplateHash(template, rollout.status?.collisionCount);
    const owned = this.owned(rollout);
    const maxRevision = owned.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    const newRS =
      owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === computed) ?? adoptable(owned, template);
    return { newRS, hash: newRS?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? computed, owned, maxRevision };
  }

  /**
   * Creates the ReplicaSet for the current template at `initialReplicas` (recording NewReplicaSetCreated), or makes
   * an older one that came back (undo) the newest revision, as Argo records it.
   */
  async ensureNew(
    rollout: Rollout,
    current: CurrentTemplate,
    apiVersion: string,
    initialReplicas: number,
    desiredReplicas: number,
  ): Promise<EnsuredReplicaSet> {
    let { newRS, owned } = current;
    const revision = current.maxRevision + 1;
    if (!newRS) {
      const created = newReplicaSetFor(rollout, apiVersion, current.hash, revision, initialReplicas, desiredReplicas);
      try {
        newRS = await this.client.create<ReplicaSet>(
          resourcePath(builtins.replicaSets, rollout.metadata.namespace),
          created,
        );
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 409)) throw e;
        const existing = await this.client.get<ReplicaSet>(
          resourcePath(builtins.replicaSets, rollout.metadata.namespace, created.metadata.name),
        );
        if (!existing.metadata.ownerReferences?.some((o) => o.uid === rollout.metadata.uid))
          return { kind: "collision" };
        newRS = existing;
      }
      this.remember(newRS);
      owned = [...owned, newRS];
      await this.events.record(
        rollout,
        "Normal",
        "NewReplicaSetCreated",
        `Created ReplicaSet ${newRS.metadata.name} (revision ${revision})`,
      );
    } else if (revisionOf(newRS) < current.maxRevision) {
      const bumped = await this.patchAnnotations(newRS, { [REVISION_ANNOTATION]: String(revision) });
      owned = owned.map((rs) => (rs.metadata.name === bumped.metadata.name ? bumped : rs));
      newRS = bumped;
    }
    return { kind: "ready", newRS, owned };
  }

  /** Sets (or with `null` removes) ReplicaSet annotations. */
  async patchAnnotations(rs: ReplicaSet, annotations: Record<string, string | null>): Promise<ReplicaSet> {
    const updated = await this.client.patch<ReplicaSet>(
      resourcePath(builtins.replicaSets, rs.metadata.namespace, rs.metadata.name),
      { metadata: { annotations } },
    );
    return this.remember(updated);
  }

  /** Scales to `to` and stamps the Rollout's `spec.replicas` as desired-replicas (ScalingReplicaSet on a change). */
  async scale(rollout: Rollout, rs: ReplicaSet, to: number, desired: number): Promise<ReplicaSet> {
    const from = rs.spec.replicas ?? 1;
    const annotated = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(desired);
    if (from === to && annotated) return rs;
    const updated = await this.client.patch<ReplicaSet>(
      resourcePath(builtins.replicaSets, rs.metadata.namespace, rs.metadata.name),
      {
        metadata: { annotations: { [DESIRED_REPLICAS_ANNOTATION]: String(desired) } },
        spec: { replicas: to },
      },
    );
    this.remember(updated);
    if (from !== to) {
      await this.events.record(
        rollout,
        "Normal",
        "ScalingReplicaSet",
        `Scaled ${to > from ? "up" : "down"} ReplicaSet ${rs.metadata.name} (revision ${revisionOf(rs)}) from ${from} to ${to}`,
      );
    }
    return updated;
  }

  /** Old ReplicaSets beyond revisionHistoryLimit go once they are scaled down, oldest first. */
  async cleanupHistory(
    rollout: Rollout,
    owned: ReadonlyArray<ReplicaSet>,
    keep: ReadonlyArray<ReplicaSet>,
  ): Promise<void> {
    const kept = new Set(keep.map((rs) => rs.metadata.name));
    const old = owned
      .filter((rs) => !kept.has(rs.metadata.name))
      .filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const excess = old.length - revisionHistoryLimit(rollout);
    for (const rs of old.slice(0, Math.max(0, excess))) {
      try {
        await this.client.delete(resourcePath(builtins.replicaSets, rs.metadata.namespace, rs.metadata.name));
      } catch (e) {
        if (!KubeApiError.isNotFound(e)) throw e;
      }
    }
  }
}

/** The oldest ReplicaSet already running this template (compared as the API server stores it), if any. */
function adoptable(owned: ReplicaSet[], template: PodTemplateSpec): ReplicaSet | undefined {
  const wanted = withPodTemplateDefaults(template);
  return owned
    .filter((rs) => rs.spec.template && rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL])
    .filter((rs) => podTemplatesEqualIgnoringHash(withPodTemplateDefaults(rs.spec.template ?? {}), wanted))
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? ""))[0];
}
