import type { Rollout } from "@bellwether/core";
import { KubeApiError } from "../kube/kube-api-error.ts";
import type { KubeClient } from "../kube/kube-client.ts";
import { builtins, type ResourceRef, resourcePath } from "../kube/resource-ref.ts";
import { decideCommand } from "./decide-command.ts";
import type { CommandOutcome, RolloutCommand } from "./rollout-command.ts";

const POD_TEMPLATE_HASH = "rollouts-pod-template-hash";

interface ReplicaSetLike {
  metadata: { labels?: Record<string, string>; ownerReferences?: Array<{ uid: string }> };
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; [k: string]: unknown } };
}

/**
 * Applies commands to Rollouts (design §2): one conditional merge patch per command that records the command id
 * in `bellwether.dev/applied-commands` together with its effect, retried on a conflict with a fresh decision.
 * Used by the hub link and by the CLI's direct mode.
 */
export class CommandExecutor {
  private readonly client: KubeClient;
  private readonly rollouts: ResourceRef;
  private readonly now: () => number;

  constructor(client: KubeClient, rollouts: ResourceRef, now: () => number = Date.now) {
    this.client = client;
    this.rollouts = rollouts;
    this.now = now;
  }

  async execute(cmd: RolloutCommand): Promise<CommandOutcome> {
    const path = resourcePath(this.rollouts, cmd.namespace, cmd.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      let rollout: Rollout;
      try {
        rollout = await this.client.get<Rollout>(path);
      } catch (e) {
        if (KubeApiError.isNotFound(e)) {
          return {
            id: cmd.id,
            outcome: "REJECTED",
            reason: `rollout ${cmd.namespace}/${cmd.name} not found`,
            duplicate: false,
          };
        }
        throw e;
      }
      const undoTemplate =
        cmd.action.type === "undo" ? await this.templateOf(rollout, cmd.action.toPodTemplateHash) : undefined;
      const decision = decideCommand(rollout, cmd, this.now(), undoTemplate);
      if (decision.kind === "answer") return decision.outcome;
      try {
        await this.client.patch(path, decision.write, "merge");
        return decision.outcome;
      } catch (e) {
        if (!KubeApiError.isConflict(e)) throw e;
      }
    }
    return {
      id: cmd.id,
      outcome: "REJECTED",
      reason: "conflict: the rollout kept changing, try again",
      duplicate: false,
    };
  }

  /** The pod template of the Rollout's ReplicaSet with this hash, without the hash label (as `undo` writes it). */
  private async templateOf(rollout: Rollout, hash: string): Promise<Record<string, unknown> | undefined> {
    const list = await this.client.get<{ items: ReplicaSetLike[] }>(
      resourcePath(builtins.replicaSets, rollout.metadata.namespace),
      { labelSelector: `${POD_TEMPLATE_HASH}=${hash}` },
    );
    const rs = list.items.find((r) => r.metadata.ownerReferences?.some((o) => o.uid === rollout.metadata.uid));
    const template = rs?.spec?.template;
    if (!template) return undefined;
    const labels = { ...(template.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH];
    return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
  }
}
