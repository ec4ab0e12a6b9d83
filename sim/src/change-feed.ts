import type { KubeObject } from "./kube-object.ts";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** One write, in resourceVersion order. `previous` lets selector-filtered watchers see objects leave the set. */
export interface ChangeEvent {
  readonly type: ChangeType;
  readonly resourceVersion: number;
  /** Group-resource, e.g. `rollouts.argoproj.io`. */
  readonly groupResource: string;
  readonly object: KubeObject;
  readonly previous: KubeObject | undefined;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * The cluster's change history: a bounded ring of the most recent writes (older ones are compacted, so a watch
 * from before them gets 410 Gone) plus live listeners per group-resource. Every write takes the next
 * resourceVersion, so the event for version `v` sits at a computable slot and replay needs no search.
 */
export class ChangeFeed {
  readonly capacity: number;
  readonly #ring: (ChangeEvent | undefined)[];
  #size = 0;
  #latest = 0;
  readonly #listeners = new Map<string, Set<ChangeListener>>();
  readonly #anyListeners = new Set<ChangeListener>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("historySize: must be a positive integer");
    this.capacity = capacity;
    this.#ring = new Array(capacity);
  }

  /** The resourceVersion of the newest write. */
  get latest(): number {
    return this.#latest;
  }

  /** The oldest resourceVersion a watch may resume from (events after it are all still held). */
  get oldestResumable(): number {
    return this.#latest - this.#size;
  }

  append(event: ChangeEvent): void {
    if (event.resourceVersion !== this.#latest + 1) {
      throw new Error(`change feed: resourceVersion ${event.resourceVersion} does not follow ${this.#latest}`);
    }
    this.#ring[event.resourceVersion % this.capacity] = event;
    this.#latest = event.resourceVersion;
    if (this.#size < this.capacity) this.#size++;
    const listeners = this.#listeners.get(event.groupResource);
    if (listeners) for (const l of listeners) l(event);
    for (const l of this.#anyListeners) l(event);
  }

  /** Keeps the numbering when the store starts above zero. */
  startAt(resourceVersion: number): void {
    if (this.#size > 0) throw new Error("change feed: already has events");
    this.#latest = resourceVersion;
  }

  /** Events with a resourceVersion greater than `after`, or undefined when some of them were compacted away. */
  since(after: number, groupResource?: string): ChangeEvent[] | undefined {
    if (after < this.oldestResumable) return undefined;
    const out: ChangeEvent[] = [];
    for (let rv = after + 1; rv <= this.#latest; rv++) {
      const ev = this.#ring[rv % this.capacity];
      if (ev && (groupResource === undefined || ev.groupResource === groupResource)) out.push(ev);
    }
    return out;
  }

  /** Listens to one group-resource, or to everything when `groupResource` is "*". Returns the unsubscribe. */
  subscribe(groupResource: string, listener: ChangeListener): () => void {
    if (groupResource === "*") {
      this.#anyListeners.add(listener);
      return () => this.#anyListeners.delete(listener);
    }
    let set = this.#listeners.get(groupResource);
    if (!set) {
      set = new Set();
      this.#listeners.set(groupResource, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(groupResource) === set) this.#listeners.delete(groupResource);
    };
  }

  listenerCount(groupResource: string): number {
    return this.#listeners.get(groupResource)?.size ?? 0;
  }
}
