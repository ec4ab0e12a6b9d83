import { randomBytes } from "node:crypto";
import type { KubeObject } from "./kube-object.ts";

interface Snapshot {
  items: KubeObject[];
  resourceVersion: number;
  createdAtMs: number;
}

export interface ResumedPage {
  id: string;
  items: KubeObject[];
  resourceVersion: number;
  offset: number;
}

/**
 * Paginated lists are served from a snapshot (an array of references to frozen objects, so it costs one pointer
 * per item), which gives every page the first page's resourceVersion like etcd does. Snapshots expire after
 * `ttlMs` or when more than `capacity` are held; an expired continue token gets 410 Gone.
 */
export class ListSnapshots {
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #capacity: number;
  readonly #ttlMs: number;

  constructor(capacity = 64, ttlMs = 5 * 60_000) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  save(items: KubeObject[], resourceVersion: number, offset: number, id?: string): string {
    const now = Date.now();
    let key = id;
    if (!key || !this.#snapshots.has(key)) {
      key = randomBytes(9).toString("base64url");
      this.#snapshots.set(key, { items, resourceVersion, createdAtMs: now });
      for (const [k, s] of this.#snapshots) {
        if (this.#snapshots.size <= this.#capacity && now - s.createdAtMs < this.#ttlMs) break;
        this.#snapshots.delete(k);
      }
    }
    return Buffer.from(JSON.stringify({ v: "kube-sim/1", rv: resourceVersion, id: key, offset })).toString("base64url");
  }

  resume(token: string): ResumedPage | undefined {
    let parsed: { id?: unknown; offset?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (typeof parsed.id !== "string" || typeof parsed.offset !== "number") return undefined;
    const snapshot = this.#snapshots.get(parsed.id);
    if (!snapshot || Date.now() - snapshot.createdAtMs > this.#ttlMs) return undefined;
    return { id: parsed.id, items: snapshot.items, resourceVersion: snapshot.resourceVersion, offset: parsed.offset };
  }
}
