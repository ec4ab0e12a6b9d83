import { randomBytes } from "node:crypto";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

/** One event as recorded (for tests, the hub link and metrics). */
export interface RecordedEvent {
  object: InvolvedObject;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  at: string;
}

/**
 * Writes Kubernetes Events (core/v1) the way Argo's controller does: component `rollouts-controller`, Argo's
 * reasons; a repeat of the same reason and message on the same object bumps `count` instead of adding an event.
 * Failures to record are reported, never thrown: an event is not worth failing a reconcile for.
 */
export class EventRecorder {
  private readonly client: KubeClient;
  private readonly component: string;
  private readonly now: () => number;
  private readonly last = new Map<string, { name: string; count: number; firstTimestamp: string }>();
  private readonly listeners: Array<(e: RecordedEvent) => void> = [];
  onError: (e: unknown) => void = () => {};

  constructor(client: KubeClient, options: { component?: string; now?: () => number } = {}) {
    this.client = client;
    this.component = options.component ?? "rollouts-controller";
    this.now = options.now ?? Date.now;
  }

  /** Subscribe to every recorded event (the hub link turns them into ledger events, metrics count them). */
  subscribe(listener: (e: RecordedEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Records a transition under a deterministic name (`<object>.<key>`), so a process that crashed after writing the
   * transition's status can record it again on restart without duplicating it. With `onlyIfAbsent` an existing
   * event of that name means "already recorded"; otherwise (the same transition happening again, e.g. after a
   * retry) a fresh name is used.
   */
  async recordTransition(
    object: InvolvedObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    key: string,
    onlyIfAbsent: boolean,
  ): Promise<void> {
    const base = `${object.name}.${key}`
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, "-")
      .slice(0, 230);
    const at = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const path = resourcePath(builtins.events, object.namespace);
    for (let attempt = 0; attempt < 3; attempt++) {
      const name = attempt === 0 ? base : `${base}.${randomBytes(4).toString("hex")}`;
      try {
        await this.client.create(path, this.eventBody(object, type, reason, message, name, at));
        for (const l of this.listeners) l({ object, type, reason, message, at });
        return;
      } catch (e) {
        const exists = (e as { code?: number }).code === 409;
        if (!exists) {
          this.onError(e);
          return;
        }
        if (onlyIfAbsent) return;
      }
    }
  }

  private eventBody(object: InvolvedObject, type: string, reason: string, message: string, name: string, at: string) {
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: object.namespace },
      involvedObject: object,
      type,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
  }

  async record(object: InvolvedObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    const at = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    for (const l of this.listeners) l({ object, type, reason, message, at });
    const key = `${object.namespace}/${object.name}/${object.uid ?? ""}`;
    const path = resourcePath(builtins.events, object.namespace);
    const previous = this.last.get(key);
    const signature = `${type}|${reason}|${message}`;
    try {
      if (previous?.name.startsWith(`${object.name}.`) && this.lastSignature.get(key) === signature) {
        previous.count++;
        await this.client.patch(`${path}/${previous.name}`, { count: previous.count, lastTimestamp: at }, "merge");
        return;
      }
      const name = `${object.name}.${randomBytes(8).toString("hex")}`;
      await this.client.create(path, this.eventBody(object, type, reason, message, name, at));
      this.last.set(key, { name, count: 1, firstTimestamp: at });
      this.lastSignature.set(key, signature);
    } catch (e) {
      this.onError(e);
    }
  }

  private readonly lastSignature = new Map<string, string>();

  /** Forget an object's last event (it was deleted). */
  forget(namespace: string, name: string): void {
    for (const key of this.last.keys()) {
      if (key.startsWith(`${namespace}/${name}/`)) {
        this.last.delete(key);
        this.lastSignature.delete(key);
      }
    }
  }
}
