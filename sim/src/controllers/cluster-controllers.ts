import type { ChangeEvent } from "../change-feed.ts";
import type { KubeCluster } from "../kube-cluster.ts";
import { type ControllerContext, GR, key } from "./controller-context.ts";
import { DeploymentController } from "./deployment-controller.ts";
import { EndpointsController } from "./endpoints-controller.ts";
import { JobController } from "./job-controller.ts";
import { PodLifecycleController } from "./pod-lifecycle-controller.ts";
import { controllerRef } from "./pod-state.ts";
import { ReconcileQueue } from "./reconcile-queue.ts";
import { ReplicaSetController } from "./replica-set-controller.ts";

const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * The simulated kube-controller-manager and kubelet of one cluster. They run in-process against the cluster's
 * verbs, level-based: every committed write enqueues the keys it can affect, and a reconcile re-reads the
 * current objects. One work queue and one timer per cluster; `stop()` releases both and the change listener.
 */
export class ClusterControllers {
  readonly cluster: KubeCluster;
  readonly #queue: ReconcileQueue;
  readonly #replicaSets: ReplicaSetController;
  readonly #pods: PodLifecycleController;
  readonly #deployments: DeploymentController;
  readonly #jobs: JobController;
  readonly #endpoints: EndpointsController;
  readonly #unsubscribe: () => void;
  #stopped = false;
  readonly #orphanPods = new Map<string, Set<string>>();

  constructor(cluster: KubeCluster) {
    this.cluster = cluster;
    this.#queue = new ReconcileQueue((k) => this.#dispatch(k));
    let ipCounter = 0;
    let seq = 0;
    const ctx: ControllerContext = {
      cluster,
      queue: this.#queue,
      now: Date.now,
      readySinceMs: new Map(),
      startedAtMs: new Map(),
      createdSeq: new Map(),
      orphanPods: this.#orphanPods,
      nextPodIp: () => {
        const n = ++ipCounter;
        // 10.244.0.0/14 as kind and kubeadm clusters use; skipping .0 keeps every address a host address.
        return `10.${244 + ((n >> 16) & 3)}.${(n >> 8) & 255}.${n & 255 || 1}`;
      },
      nextSeq: () => ++seq,
    };
    this.#replicaSets = new ReplicaSetController(ctx);
    this.#pods = new PodLifecycleController(ctx);
    this.#deployments = new DeploymentController(ctx);
    this.#jobs = new JobController(ctx);
    this.#endpoints = new EndpointsController(ctx);
    this.#unsubscribe = cluster.onChange("*", (ev) => this.#observe(ev));
    const store = cluster.store;
    for (const [gr, kind] of [
      [GR.deployments, "deploy"],
      [GR.replicaSets, "rs"],
      [GR.jobs, "job"],
      [GR.pods, "pod"],
      [GR.services, "svc"],
    ] as const) {
      for (const o of store.list(gr)) this.#queue.add(key(kind, o.metadata.namespace ?? "", o.metadata.name ?? ""));
    }
  }

  /** Resolves once every queued reconcile ran (deadlines that are still in the future do not count). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Pods, ReplicaSets and Jobs waiting for a deadline (readiness, minReadySeconds, job duration). */
  get pendingDeadlines(): number {
    return this.#queue.waiting;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe();
    this.#queue.stop();
  }

  #observe(ev: ChangeEvent): void {
    // This runs inside whoever made the write; a malformed object must never fail their request.
    try {
      this.#route(ev);
    } catch (e) {
      this.recentErrors.push({
        key: `${ev.groupResource}/${ev.object.metadata.namespace ?? ""}/${ev.object.metadata.name ?? ""}`,
        message: e instanceof Error ? e.message : String(e),
        at: new Date().toISOString(),
      });
      if (this.recentErrors.length > 50) this.recentErrors.shift();
    }
  }

  #trackOrphan(ev: ChangeEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace ?? "";
    const uid = o.metadata.uid ?? "";
    const orphans = this.#orphanPods;
    const orphan = ev.type !== "DELETED" && !controllerRef(o) && !o.metadata.deletionTimestamp;
    let set = orphans.get(ns);
    if (orphan) {
      if (!set) {
        set = new Set();
        orphans.set(ns, set);
      }
      set.add(uid);
    } else if (set) {
      set.delete(uid);
      if (set.size === 0) orphans.delete(ns);
    }
  }

  #route(ev: ChangeEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace ?? "";
    const name = o.metadata.name ?? "";
    switch (ev.groupResource) {
      case GR.pods: {
        this.#trackOrphan(ev);
        if (ev.type === "DELETED") this.#pods.forget(o.metadata.uid ?? "");
        else this.#queue.add(key("pod", ns, name));
        const owner = controllerRef(o);
        if (owner?.kind === "ReplicaSet") this.#queue.add(key("rs", ns, owner.name));
        else if (owner?.kind === "Job") this.#queue.add(key("job", ns, owner.name));
        for (const svc of this.#endpoints.servicesSelecting(ns, o.metadata.labels, ev.previous?.metadata.labels)) {
          this.#queue.add(key("svc", ns, svc));
        }
        return;
      }
      case GR.replicaSets: {
        this.#queue.add(key("rs", ns, name));
        const owner = controllerRef(o) ?? (ev.previous ? controllerRef(ev.previous) : undefined);
        if (owner?.kind === "Deployment") this.#queue.add(key("deploy", ns, owner.name));
        return;
      }
      case GR.deployments:
        this.#queue.add(key("deploy", ns, name));
        return;
      case GR.jobs:
        this.#queue.add(key("job", ns, name));
        return;
      case GR.services:
        this.#queue.add(key("svc", ns, name));
        return;
      case GR.endpoints:
        // Someone else removed or rewrote an Endpoints object the controller keeps: put it back.
        if (ev.type !== "ADDED") this.#queue.add(key("svc", ns, name));
        return;
    }
  }

  /** Reconciles that threw (newest last, at most 50): a bad object must not take the emulator down. */
  readonly recentErrors: { key: string; message: string; at: string }[] = [];

  #dispatch(k: string): void {
    try {
      this.#reconcile(k);
    } catch (e) {
      this.recentErrors.push({
        key: k,
        message: e instanceof Error ? e.message : String(e),
        at: new Date().toISOString(),
      });
      if (this.recentErrors.length > 50) this.recentErrors.shift();
      // Retry later rather than at once: a reconcile that keeps throwing must not spin the event loop.
      this.#queue.after(k, Date.now() + RETRY_AFTER_ERROR_MS);
    }
  }

  #reconcile(k: string): void {
    const first = k.indexOf("/");
    const second = k.indexOf("/", first + 1);
    const kind = k.slice(0, first);
    const ns = k.slice(first + 1, second);
    const name = k.slice(second + 1);
    switch (kind) {
      case "pod":
        this.#pods.reconcile(ns, name);
        return;
      case "rs":
        this.#replicaSets.reconcile(ns, name);
        return;
      case "deploy":
        this.#deployments.reconcile(ns, name);
        return;
      case "job":
        this.#jobs.reconcile(ns, name);
        return;
      case "svc":
        this.#endpoints.reconcile(ns, name);
        return;
    }
  }
}
