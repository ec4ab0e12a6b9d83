import { POD_TEMPLATE_HASH_LABEL, type Rollout } from "@bellwether/core";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, resourcePath } from "../kube/resource-ref.ts";
import type { RolloutEvents } from "./rollout-events.ts";

export const MANAGED_BY_ANNOTATION = "argo-rollouts.argoproj.io/managed-by-rollouts";

interface Service {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: { selector?: Record<string, string> };
}

/**
 * The Services a Rollout names: read their `rollouts-pod-template-hash` selector and pin it to a ReplicaSet, marking
 * them managed by the Rollout (Argo's switchServiceSelector, with its SwitchService event). A missing Service is
 * a ServiceReferenceError and fails the round, which retries with backoff.
 */
export class ServiceSelector {
  private readonly client: KubeClient;
  private readonly events: RolloutEvents;

  constructor(client: KubeClient, events: RolloutEvents) {
    this.client = client;
    this.events = events;
  }

  private async get(rollout: Rollout, name: string): Promise<Service> {
    try {
      return await this.client.get<Service>(resourcePath(builtins.services, rollout.metadata.namespace, name));
    } catch (e) {
      if (KubeApiError.isNotFound(e)) {
        await this.events.record(rollout, "Warning", "ServiceReferenceError", `service "${name}" not found`);
      }
      throw e;
    }
  }

  /** The hash the Service selects ("" when it selects no ReplicaSet yet). */
  async currentHash(rollout: Rollout, name: string): Promise<string> {
    return (await this.get(rollout, name)).spec?.selector?.[POD_TEMPLATE_HASH_LABEL] ?? "";
  }

  /** Points the Service at `hash`; returns the hash it selected before. */
  async pin(rollout: Rollout, name: string, hash: string): Promise<string> {
    const svc = await this.get(rollout, name);
    const before = svc.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] ?? "";
    const managedBy = svc.metadata.annotations?.[MANAGED_BY_ANNOTATION];
    if (before === hash && managedBy === rollout.metadata.name) return before;
    await this.client.patch(resourcePath(builtins.services, rollout.metadata.namespace, name), {
      metadata: { annotations: { [MANAGED_BY_ANNOTATION]: rollout.metadata.name } },
      spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: hash } },
    });
    if (before !== hash) {
      await this.events.record(
        rollout,
        "Normal",
        "SwitchService",
        `Switched selector for service '${name}' from '${before}' to '${hash}'`,
      );
    }
    return before;
  }
}
