import { cloneJson, isJsonObject } from "./json-value.ts";
import type { KubeCluster } from "./kube-cluster.ts";
import type { KubeObject } from "./kube-object.ts";
import type { ResourceKind } from "./resource-kind.ts";
import { StatusError } from "./status-error.ts";

type Task = { type: "dependent"; uid: string } | { type: "owner"; uid: string } | { type: "namespace"; name: string };

const taskKey = (t: Task) => (t.type === "namespace" ? `ns/${t.name}` : `${t.type}/${t.uid}`);

/**
 * The garbage collector and namespace controller of kube-controller-manager, run asynchronously like the real
 * controllers: dependents whose owners are all gone are deleted, owners in foreground deletion wait for their
 * blocking dependents, `orphan` finalizers strip owner references, and a terminating namespace is emptied.
 */
export class GarbageCollector {
  readonly #cluster: KubeCluster;
  readonly #queue = new Map<string, Task>();
  #scheduled = false;
  #waiters: (() => void)[] = [];

  constructor(cluster: KubeCluster) {
    this.#cluster = cluster;
  }

  objectRemoved(tombstone: KubeObject): void {
    const uid = tombstone.metadata.uid;
    if (uid)
      for (const dep of this.#cluster.store.dependentsOf(uid))
        this.#enqueue({ type: "dependent", uid: dep.metadata.uid ?? "" });
    for (const ref of tombstone.metadata.ownerReferences ?? []) {
      const owner = this.#cluster.store.getByUid(ref.uid);
      if (owner?.metadata.deletionTimestamp) this.#enqueue({ type: "owner", uid: ref.uid });
    }
    const ns = tombstone.metadata.namespace;
    if (ns && this.#cluster.store.get("namespaces", "", ns)?.metadata.deletionTimestamp) {
      this.#enqueue({ type: "namespace", name: ns });
    }
  }

  objectTerminating(kind: ResourceKind, obj: KubeObject): void {
    if (kind.group === "" && kind.plural === "namespaces") {
      this.#enqueue({ type: "namespace", name: obj.metadata.name ?? "" });
      return;
    }
    const finalizers = obj.metadata.finalizers ?? [];
    if (finalizers.includes("foregroundDeletion") || finalizers.includes("orphan")) {
      this.#enqueue({ type: "owner", uid: obj.metadata.uid ?? "" });
    }
  }

  /** Resolves once the queue is empty. */
  idle(): Promise<void> {
    if (this.#queue.size === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #enqueue(task: Task): void {
    this.#queue.set(taskKey(task), task);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    // One batch per turn of the event loop, so clients interleave with collection like they would in a cluster.
    const batch = [...this.#queue.values()];
    this.#queue.clear();
    for (const task of batch) {
      try {
        this.#run(task);
      } catch (e) {
        // A concurrent client write won the race (409/404); the task is requeued by the write's own events.
        if (!(e instanceof StatusError)) throw e;
      }
    }
    if (this.#queue.size > 0) {
      setImmediate(() => this.#drain());
      return;
    }
    this.#scheduled = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #run(task: Task): void {
    if (task.type === "dependent") this.#dependent(task.uid);
    else if (task.type === "owner") this.#owner(task.uid);
    else this.#namespace(task.name);
  }

  #dependent(uid: string): void {
    const store = this.#cluster.store;
    const obj = store.getByUid(uid);
    const kind = this.#cluster.kindOfUid(uid);
    if (!obj || !kind || obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: string[] = [];
    const dangling: string[] = [];
    const waiting: string[] = [];
    for (const ref of refs) {
      const owner = store.getByUid(ref.uid);
      if (!owner) dangling.push(ref.uid);
      else if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes("foregroundDeletion")) {
        waiting.push(ref.uid);
      } else solid.push(ref.uid);
    }
    if (solid.length > 0) {
      if (dangling.length + waiting.length === 0) return;
      const next = cloneJson(obj);
      next.metadata.ownerReferences = refs.filter((r) => solid.includes(r.uid));
      this.#cluster.writeInternal(kind, obj, next);
      return;
    }
    const hasDependents = store.dependentsOf(uid).length > 0;
    this.#cluster.deleteInternal(kind, obj, waiting.length > 0 && hasDependents ? "Foreground" : "Background");
  }

  #owner(uid: string): void {
    const store = this.#cluster.store;
    const owner = store.getByUid(uid);
    const kind = this.#cluster.kindOfUid(uid);
    if (!owner || !kind || !owner.metadata.deletionTimestamp) return;
    const finalizers = owner.metadata.finalizers ?? [];
    const dependents = store.dependentsOf(uid);
    if (finalizers.includes("orphan")) {
      for (const dep of dependents) {
        const depKind = this.#cluster.kindOfUid(dep.metadata.uid ?? "");
        if (!depKind) continue;
        const next = cloneJson(dep);
        next.metadata.ownerReferences = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.#cluster.writeInternal(depKind, dep, next);
      }
      this.#dropFinalizer(kind, uid, "orphan");
      return;
    }
    if (finalizers.includes("foregroundDeletion")) {
      for (const dep of dependents) this.#dependent(dep.metadata.uid ?? "");
      const blocking = store
        .dependentsOf(uid)
        .filter((d) => d.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
      if (blocking.length === 0) this.#dropFinalizer(kind, uid, "foregroundDeletion");
    }
  }

  #dropFinalizer(kind: ResourceKind, uid: string, finalizer: string): void {
    const current = this.#cluster.store.getByUid(uid);
    if (!current) return;
    const next = cloneJson(current);
    next.metadata.finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.#cluster.writeInternal(kind, current, next);
  }

  #namespace(name: string): void {
    const store = this.#cluster.store;
    const ns = store.get("namespaces", "", name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const gr of store.resourcesInNamespace(name)) {
      const kind = this.#cluster.kinds.all().find((k) => (k.group ? `${k.plural}.${k.group}` : k.plural) === gr);
      if (!kind) continue;
      for (const obj of [...store.list(gr, name)]) {
        if (!obj.metadata.deletionTimestamp) this.#cluster.deleteInternal(kind, obj, "Background");
      }
    }
    if (store.namespaceObjectCount(name) > 0) return;
    const nsKind = this.#cluster.kinds.byGroupResource("", "namespaces");
    if (!nsKind) return;
    const next = cloneJson(ns);
    const spec = isJsonObject(next.spec) ? next.spec : {};
    next.spec = { ...spec, finalizers: [] };
    this.#cluster.writeInternal(nsKind, ns, next);
  }
}
