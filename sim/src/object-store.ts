import { ChangeFeed, type ChangeType } from "./change-feed.ts";
import { deepFreeze } from "./json-value.ts";
import type { KubeObject } from "./kube-object.ts";

interface Located {
  groupResource: string;
  namespace: string;
  name: string;
}

/**
 * Objects of one cluster by group-resource → namespace → name, with the indexes writes need to stay O(1):
 * uid → location, owner uid → dependent uids, and a per-namespace object count. Every write freezes the object,
 * takes the next resourceVersion and is appended to the change feed.
 */
export class ObjectStore {
  readonly feed: ChangeFeed;
  readonly #objects = new Map<string, Map<string, Map<string, KubeObject>>>();
  readonly #byUid = new Map<string, Located>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #namespaceCounts = new Map<string, number>();

  constructor(historySize: number) {
    this.feed = new ChangeFeed(historySize);
  }

  get resourceVersion(): number {
    return this.feed.latest;
  }

  get(groupResource: string, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(groupResource)?.get(namespace)?.get(name);
  }

  getByUid(uid: string): KubeObject | undefined {
    const at = this.#byUid.get(uid);
    return at ? this.get(at.groupResource, at.namespace, at.name) : undefined;
  }

  groupResourceOfUid(uid: string): string | undefined {
    return this.#byUid.get(uid)?.groupResource;
  }

  /** Objects of a resource in one namespace (or all, when `namespace` is undefined), unordered. */
  *list(groupResource: string, namespace?: string): Generator<KubeObject> {
    const byNamespace = this.#objects.get(groupResource);
    if (!byNamespace) return;
    if (namespace !== undefined) {
      const names = byNamespace.get(namespace);
      if (names) yield* names.values();
      return;
    }
    for (const names of byNamespace.values()) yield* names.values();
  }

  count(groupResource: string): number {
    let n = 0;
    for (const names of this.#objects.get(groupResource)?.values() ?? []) n += names.size;
    return n;
  }

  /** How many namespaced objects of any resource live in `namespace`. */
  namespaceObjectCount(namespace: string): number {
    return this.#namespaceCounts.get(namespace) ?? 0;
  }

  /** Group-resources that have objects in `namespace`. */
  resourcesInNamespace(namespace: string): string[] {
    const out: string[] = [];
    for (const [gr, byNamespace] of this.#objects) if (byNamespace.get(namespace)?.size) out.push(gr);
    return out;
  }

  dependentsOf(ownerUid: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const uid of this.#dependents.get(ownerUid) ?? []) {
      const dep = this.getByUid(uid);
      if (dep) out.push(dep);
    }
    return out;
  }

  /** Stores a new version of an object (ADDED or MODIFIED); `obj` gets the next resourceVersion and is frozen. */
  put(groupResource: string, namespaced: boolean, obj: KubeObject): KubeObject {
    const namespace = namespaced ? (obj.metadata.namespace ?? "") : "";
    const name = obj.metadata.name ?? "";
    let byNamespace = this.#objects.get(groupResource);
    if (!byNamespace) {
      byNamespace = new Map();
      this.#objects.set(groupResource, byNamespace);
    }
    let names = byNamespace.get(namespace);
    if (!names) {
      names = new Map();
      byNamespace.set(namespace, names);
    }
    const previous = names.get(name);
    const rv = this.feed.latest + 1;
    obj.metadata.resourceVersion = String(rv);
    deepFreeze(obj);
    names.set(name, obj);
    if (!previous && namespaced) this.#namespaceCounts.set(namespace, (this.#namespaceCounts.get(namespace) ?? 0) + 1);
    this.#index(groupResource, namespace, previous, obj);
    this.#emit(previous ? "MODIFIED" : "ADDED", rv, groupResource, obj, previous);
    return obj;
  }

  /** Removes an object for good; the DELETED event carries a copy stamped with the deletion's resourceVersion. */
  remove(groupResource: string, namespaced: boolean, namespace: string, name: string): KubeObject | undefined {
    const ns = namespaced ? namespace : "";
    const names = this.#objects.get(groupResource)?.get(ns);
    const previous = names?.get(name);
    if (!names || !previous) return undefined;
    names.delete(name);
    if (names.size === 0) this.#objects.get(groupResource)?.delete(ns);
    if (namespaced) {
      const left = (this.#namespaceCounts.get(ns) ?? 1) - 1;
      if (left > 0) this.#namespaceCounts.set(ns, left);
      else this.#namespaceCounts.delete(ns);
    }
    this.#index(groupResource, ns, previous, undefined);
    const rv = this.feed.latest + 1;
    const tombstone = deepFreeze({ ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } });
    this.#emit("DELETED", rv, groupResource, tombstone, previous);
    return tombstone;
  }

  #emit(type: ChangeType, rv: number, groupResource: string, object: KubeObject, previous: KubeObject | undefined) {
    this.feed.append({ type, resourceVersion: rv, groupResource, object, previous });
  }

  #index(groupResource: string, namespace: string, previous: KubeObject | undefined, next: KubeObject | undefined) {
    const uid = (next ?? previous)?.metadata.uid;
    if (!uid) return;
    if (next) {
      this.#byUid.set(uid, { groupResource, namespace, name: next.metadata.name ?? "" });
    } else this.#byUid.delete(uid);
    const before = previous?.metadata.ownerReferences ?? [];
    const after = next?.metadata.ownerReferences ?? [];
    for (const ref of before) {
      if (after.some((r) => r.uid === ref.uid)) continue;
      const set = this.#dependents.get(ref.uid);
      set?.delete(uid);
      if (set?.size === 0) this.#dependents.delete(ref.uid);
    }
    for (const ref of after) {
      let set = this.#dependents.get(ref.uid);
      if (!set) {
        set = new Set();
        this.#dependents.set(ref.uid, set);
      }
      set.add(uid);
    }
  }
}
