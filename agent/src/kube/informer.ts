import { EventEmitter } from "node:events";
import { KubeApiError } from "./kube-api-error.ts";
import type { KubeClient, WatchEvent } from "./kube-client.ts";
import { type HasMetadata, type KubeList, type KubeObject, objectKey } from "./kube-object.ts";
import { type ResourceRef, resourcePath } from "./resource-ref.ts";

export interface InformerOptions {
  client: KubeClient;
  ref: ResourceRef;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  /** Full relist this often, to heal anything a watch could have missed. */
  relistIntervalMs?: number;
  pageSize?: number;
  backoff?: { baseDelayMs: number; maxDelayMs: number };
}

/** What an informer reports about itself, for /healthz and logs. */
export interface InformerHealth {
  resource: string;
  synced: boolean;
  objects: number;
  restarts: number;
  relists: number;
  lastError?: string;
  lastEventAt?: string;
}

type Events<T> = {
  add: [T];
  update: [T, T];
  delete: [T];
  error: [unknown];
};

class WatchGoneError extends Error {}

function stripManagedFields<T extends HasMetadata>(o: T): T {
  if (o.metadata.managedFields === undefined) return o;
  const { managedFields: _drop, ...metadata } = o.metadata;
  return { ...o, metadata } as T;
}

/**
 * Lists then watches one kind, keeping a cache of plain JSON objects (without managedFields) and emitting
 * add/update/delete. A 410 Gone (or an ERROR event carrying one) relists; other failures restart the watch with
 * exponential backoff; a full relist runs periodically and turns missed changes into events.
 */
export class Informer<T extends HasMetadata = KubeObject> extends EventEmitter<Events<T>> {
  private readonly opts: Required<Omit<InformerOptions, "namespace" | "labelSelector">> &
    Pick<InformerOptions, "namespace" | "labelSelector">;
  private readonly cache = new Map<string, T>();
  /** Secondary indexes: name → (index value → object keys), kept in step with the cache. */
  private readonly indexers = new Map<string, { fn: (o: T) => string[]; byValue: Map<string, Set<string>> }>();
  private resourceVersion = "";
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private syncedResolve: (() => void) | undefined;
  private readonly syncedPromise: Promise<void>;
  private relistTimer: NodeJS.Timeout | undefined;
  private forceRelist = false;
  private wake: (() => void) | undefined;
  private readonly stats = {
    restarts: 0,
    relists: 0,
    lastError: undefined as string | undefined,
    lastEventAt: undefined as string | undefined,
  };
  synced = false;

  constructor(options: InformerOptions) {
    super();
    this.opts = {
      relistIntervalMs: 5 * 60_000,
      pageSize: 500,
      backoff: { baseDelayMs: 200, maxDelayMs: 30_000 },
      ...options,
    };
    this.syncedPromise = new Promise((r) => {
      this.syncedResolve = r;
    });
    // An informer without an error listener must not crash the process on a failed watch.
    this.on("error", () => {});
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  async start(): Promise<void> {
    if (!this.loop) {
      this.loop = this.run();
      this.relistTimer = setInterval(() => this.requestRelist(), this.opts.relistIntervalMs);
      this.relistTimer.unref();
    }
    await this.syncedPromise;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.relistTimer) clearInterval(this.relistTimer);
    this.stopWatch?.();
    this.wake?.();
    await this.loop;
  }

  /** Relist at the next opportunity (ends the current watch). */
  requestRelist(): void {
    this.forceRelist = true;
    this.stopWatch?.();
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /**
   * Adds a secondary index (e.g. ReplicaSets by owner uid), so lookups do not scan the cache: with ten thousand
   * Rollouts, a scan per reconcile would be quadratic.
   */
  addIndex(name: string, fn: (o: T) => string[]): void {
    const byValue = new Map<string, Set<string>>();
    this.indexers.set(name, { fn, byValue });
    for (const [key, o] of this.cache) this.indexAdd(byValue, fn(o), key);
  }

  byIndex(name: string, value: string): T[] {
    const idx = this.indexers.get(name);
    if (!idx) throw new Error(`no index "${name}"`);
    const out: T[] = [];
    for (const key of idx.byValue.get(value) ?? []) {
      const o = this.cache.get(key);
      if (o) out.push(o);
    }
    return out;
  }

  private indexAdd(byValue: Map<string, Set<string>>, values: string[], key: string): void {
    for (const v of values) {
      const set = byValue.get(v);
      if (set) set.add(key);
      else byValue.set(v, new Set([key]));
    }
  }

  private setCached(key: string, o: T | undefined): void {
    const old = this.cache.get(key);
    for (const { fn, byValue } of this.indexers.values()) {
      if (old) {
        for (const v of fn(old)) {
          const set = byValue.get(v);
          set?.delete(key);
          if (set?.size === 0) byValue.delete(v);
        }
      }
      if (o) this.indexAdd(byValue, fn(o), key);
    }
    if (o) this.cache.set(key, o);
    else this.cache.delete(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  keys(): IterableIterator<string> {
    return this.cache.keys();
  }

  get size(): number {
    return this.cache.size;
  }

  health(): InformerHealth {
    return {
      resource: this.opts.ref.plural,
      synced: this.synced,
      objects: this.cache.size,
      restarts: this.stats.restarts,
      relists: this.stats.relists,
      ...(this.stats.lastError ? { lastError: this.stats.lastError } : {}),
      ...(this.stats.lastEventAt ? { lastEventAt: this.stats.lastEventAt } : {}),
    };
  }

  private path(): string {
    return resourcePath(this.opts.ref, this.opts.namespace);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion || this.forceRelist) {
          this.forceRelist = false;
          await this.relist();
        }
        await this.watchOnce();
        failures = 0;
      } catch (e) {
        if (this.stopped) break;
        if (e instanceof WatchGoneError || KubeApiError.isGone(e)) {
          this.resourceVersion = "";
          continue;
        }
        failures++;
        this.stats.restarts++;
        this.stats.lastError = e instanceof Error ? e.message : String(e);
        this.emit("error", e);
        const { baseDelayMs, maxDelayMs } = this.opts.backoff;
        await this.sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 20)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = "";
    do {
      const page = await this.opts.client.get<KubeList<T>>(this.path(), {
        limit: this.opts.pageSize,
        continue: cont,
        labelSelector: this.opts.labelSelector,
      });
      for (const item of page.items) {
        const o = stripManagedFields(item);
        fresh.set(objectKey(o), o);
      }
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    this.stats.relists++;
    for (const [key, old] of this.cache) {
      if (!fresh.has(key)) {
        this.setCached(key, undefined);
        this.emit("delete", old);
      }
    }
    for (const [key, o] of fresh) {
      const old = this.cache.get(key);
      this.setCached(key, o);
      if (!old) this.emit("add", o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.emit("update", old, o);
    }
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      this.syncedResolve?.();
    }
  }

  private watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.stopWatch = undefined;
        if (err && !this.stopped && !isAbort(err)) reject(err);
        else resolve();
      };
      const onEvent = (ev: WatchEvent<T>) => {
        if (settled) return;
        this.stats.lastEventAt = new Date().toISOString();
        if (ev.type === "ERROR") {
          const status = ev.object as unknown as { code?: number; message?: string };
          finish(status.code === 410 ? new WatchGoneError(status.message) : new Error(status.message ?? "watch error"));
          stop?.();
          return;
        }
        const o = stripManagedFields(ev.object);
        if (o.metadata?.resourceVersion) this.resourceVersion = o.metadata.resourceVersion;
        if (ev.type === "BOOKMARK") return;
        const key = objectKey(o);
        const old = this.cache.get(key);
        if (ev.type === "DELETED") {
          this.setCached(key, undefined);
          this.emit("delete", old ?? o);
          return;
        }
        this.setCached(key, o);
        if (old) this.emit("update", old, o);
        else this.emit("add", o);
      };
      let stop: (() => void) | undefined;
      this.opts.client
        .watch<T>(
          this.path(),
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            labelSelector: this.opts.labelSelector,
          },
          onEvent,
          (err) => finish(err ?? undefined),
        )
        .then(
          (s) => {
            stop = s;
            if (settled || this.stopped || this.forceRelist) s();
            else this.stopWatch = s;
          },
          (e) => finish(e ?? new Error("watch failed")),
        );
    });
  }
}

/** A deliberate stop or an idle timeout ends a watch normally: it is reopened from the last resourceVersion. */
function isAbort(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === "AbortError" || name === "TimeoutError" || (e instanceof Error && /aborted/i.test(e.message));
}
