import type { ReplicaSet, Rollout } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtins, resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";
import { eventually } from "../support/eventually.ts";

const NS = "default";
const NAME = "legacy";
// Hashes as Argo's controller would have named them (not what Bellwether computes for these templates).
const ARGO_STABLE = "6d4cf56db6";
const ARGO_CANARY = "5f8b9c7d4b";

function template(image: string, hash?: string) {
  return {
    metadata: { labels: { app: NAME, ...(hash ? { "rollouts-pod-template-hash": hash } : {}) } },
    spec: { containers: [{ name: "app", image, ports: [{ containerPort: 8080 }] }] },
  };
}

describe("adopting a Rollout that Argo Rollouts left mid-canary", () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({ startAgent: false });
    const rollout = await w.client.create<Rollout>(resourcePath(w.rollouts, NS), {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: NAME, namespace: NS },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: NAME } },
        template: template("legacy:2"),
        strategy: {
          canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 1 } }] },
        },
      },
    });
    const owner = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: NAME,
      uid: rollout.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const [hash, image, replicas, revision] of [
      [ARGO_STABLE, "legacy:1", 9, "1"],
      [ARGO_CANARY, "legacy:2", 1, "2"],
    ] as const) {
      await w.client.create(resourcePath(builtins.replicaSets, NS), {
        metadata: {
          name: `${NAME}-${hash}`,
          labels: { app: NAME, "rollouts-pod-template-hash": hash },
          annotations: { "rollout.argoproj.io/revision": revision, "rollout.argoproj.io/desired-replicas": "10" },
          ownerReferences: [owner],
        },
        spec: {
          replicas,
          selector: { matchLabels: { app: NAME, "rollouts-pod-template-hash": hash } },
          template: template(image, hash),
        },
      });
    }
    // The status Argo wrote: paused at the indefinite pause after setWeight 10.
    await w.client.patch(`${resourcePath(w.rollouts, NS, NAME)}/status`, {
      status: {
        currentPodHash: ARGO_CANARY,
        stableRS: ARGO_STABLE,
        currentStepIndex: 1,
        currentStepHash: "argo-step-hash",
        controllerPause: true,
        pauseConditions: [{ reason: "CanaryPauseStep", startTime: "2026-11-22T00:00:00Z" }],
        observedGeneration: "1",
        phase: "Paused",
        message: "CanaryPauseStep",
      },
    });
    await eventually(async () => {
      const rss = await w.replicaSets(NS, NAME);
      return rss.length === 2 && rss.every((rs) => (rs.status?.availableReplicas ?? 0) === rs.spec.replicas);
    }, "Argo's pods running");
    await w.startAgent();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("keeps Argo's ReplicaSets and position, then finishes the canary when promoted", async () => {
    await new Promise((r) => setTimeout(r, 500));
    const adopted = await w.getRollout(NS, NAME);
    expect(adopted.status).toMatchObject({
      currentPodHash: ARGO_CANARY,
      stableRS: ARGO_STABLE,
      currentStepIndex: 1,
      phase: "Paused",
    });
    const rss = await w.replicaSets(NS, NAME);
    expect(rss.map((rs) => rs.metadata.name).sort()).toEqual([`${NAME}-${ARGO_CANARY}`, `${NAME}-${ARGO_STABLE}`]);
    expect(Object.fromEntries(rss.map((rs: ReplicaSet) => [rs.metadata.name, rs.spec.replicas]))).toEqual({
      [`${NAME}-${ARGO_CANARY}`]: 1,
      [`${NAME}-${ARGO_STABLE}`]: 9,
    });

    const outcome = await w.agent.commands.execute({
      id: "adopt-promote",
      namespace: NS,
      name: NAME,
      action: { type: "promote", expectStepIndex: 1, expectPodHash: ARGO_CANARY },
      actor: "test",
    });
    expect(outcome.outcome).toBe("APPLIED");
    const done = await w.waitForRollout(
      NS,
      NAME,
      "healthy on Argo's canary ReplicaSet",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === ARGO_CANARY,
      30_000,
    );
    expect(done.status?.currentPodHash).toBe(ARGO_CANARY);
    const after = await w.replicaSets(NS, NAME);
    expect(after).toHaveLength(2);
    expect(after.find((rs) => rs.metadata.name === `${NAME}-${ARGO_CANARY}`)?.spec.replicas).toBe(10);
    expect(after.find((rs) => rs.metadata.name === `${NAME}-${ARGO_STABLE}`)?.spec.replicas).toBe(0);
  });
});
