import type { Rollout } from "@bellwether/core";
import { apiVersionOf, type ResourceRef } from "../kube/resource-ref.ts";
import type { AgentMetrics } from "../observability/agent-metrics.ts";
import type { EventRecorder, InvolvedObject } from "./event-recorder.ts";

export type EventType = "Normal" | "Warning";

/** An event about a status transition, recorded only after that status is written. */
export interface DeferredEvent {
  rollout: Rollout;
  type: EventType;
  reason: string;
  message: string;
  /** Deterministic per transition: a crash after the status write re-records it without a duplicate. */
  key?: string;
}

/**
 * A Rollout's Events, counted in the agent's metrics. Actions (scaling, Service switches) are recorded as they
 * happen; transitions are collected as deferred events and flushed after the status write that makes them true.
 */
export class RolloutEvents {
  private readonly recorder: EventRecorder;
  private readonly rolloutKind: ResourceRef;
  private readonly metrics: AgentMetrics | undefined;

  constructor(recorder: EventRecorder, rolloutKind: ResourceRef, metrics?: AgentMetrics) {
    this.recorder = recorder;
    this.rolloutKind = rolloutKind;
    this.metrics = metrics;
  }

  private involved(rollout: Rollout): InvolvedObject {
    return {
      apiVersion: apiVersionOf(this.rolloutKind),
      kind: "Rollout",
      namespace: rollout.metadata.namespace ?? "",
      name: rollout.metadata.name ?? "",
      ...(rollout.metadata.uid ? { uid: rollout.metadata.uid } : {}),
    };
  }

  private count(rollout: Rollout, type: EventType, reason: string): void {
    this.metrics?.events.inc({
      namespace: rollout.metadata.namespace ?? "",
      name: rollout.metadata.name ?? "",
      type,
      reason,
    });
  }

  deferred(rollout: Rollout, type: EventType, reason: string, message: string, key?: string): DeferredEvent {
    return { rollout, type, reason, message, ...(key ? { key } : {}) };
  }

  record(rollout: Rollout, type: EventType, reason: string, message: string): Promise<void> {
    this.count(rollout, type, reason);
    return this.recorder.record(this.involved(rollout), type, reason, message);
  }

  /** Records deferred events; with `onlyIfAbsent` a transition already recorded under its name is left alone. */
  async flush(events: ReadonlyArray<DeferredEvent>, onlyIfAbsent = false): Promise<void> {
    for (const e of events) {
      if (!e.key) {
        await this.record(e.rollout, e.type, e.reason, e.message);
        continue;
      }
      this.count(e.rollout, e.type, e.reason);
      await this.recorder.recordTransition(this.involved(e.rollout), e.type, e.reason, e.message, e.key, onlyIfAbsent);
    }
  }

  forget(namespace: string, name: string): void {
    this.recorder.forget(namespace, name);
  }
}
