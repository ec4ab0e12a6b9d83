import { readFileSync } from "node:fs";
import path from "node:path";
import { calculateReplicaCountsForCanary, type ReplicaSet, type Rollout } from "@bellwether/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { RolloutCommand } from "../../agent/src/commands/rollout-command.ts";
import { resourcePath } from "../../agent/src/kube/resource-ref.ts";
import { type AgentWorld, startAgentWorld } from "../support/agent-harness.ts";

const NS = "default";
const NAME = "payments";
const example = path.resolve(import.meta.dirname, "../../examples/canary-manual-gates.yaml");

function hashOf(rs: ReplicaSet): string {
  return rs.metadata.labels?.["rollouts-pod-template-hash"] ?? "";
}

describe("canary reconciler end to end (emulated cluster, real client)", () => {
  let w: AgentWorld;
  let seq = 0;
  const cmd = (action: RolloutCommand["action"], id = `cmd-${++seq}`): RolloutCommand => ({
    id,
    namespace: NS,
    name: NAME,
    action,
    actor: "test",
  });

  async function setImage(image: string): Promise<void> {
    const outcome = await w.agent.commands.execute(cmd({ type: "set-image", images: { payments: image } }));
    expect(outcome.outcome).toBe("APPLIED");
  }

  /** Waits for the rollout to pause at `stepIndex` with its ReplicaSets at the counts the engine gives. */
  async function pausedAt(
    stepIndex: number,
    image: string,
  ): Promise<{ rollout: Rollout; canary: ReplicaSet; stable: ReplicaSet }> {
    // Paused at the step, on the expected image, with the ReplicaSets where the engine says they belong.
    let found: { rollout: Rollout; canary: ReplicaSet; stable: ReplicaSet } | undefined;
    await w.waitForRollout(NS, NAME, `paused at step ${stepIndex} on ${image} at the engine's counts`, async (r) => {
      if (r.status?.currentStepIndex !== stepIndex) return false;
      if (!(r.status?.pauseConditions ?? []).some((p) => p.reason === "CanaryPauseStep")) return false;
      const rss = await w.replicaSets(NS, NAME);
      const canary = rss.find((rs) => hashOf(rs) === r.status?.currentPodHash);
      const stable = rss.find((rs) => hashOf(rs) === r.status?.stableRS);
      if (!canary || !stable || canary.spec.template?.spec?.containers?.[0]?.image !== image) return false;
      const expected = calculateReplicaCountsForCanary(
        r,
        canary,
        stable,
        rss.filter((rs) => rs !== canary && rs !== stable),
      );
      if (canary.spec.replicas !== expected.canary || stable.spec.replicas !== expected.stable) return false;
      found = { rollout: r, canary, stable };
      return true;
    });
    const { rollout, canary, stable } = found!;
    expect(rollout.status?.phase).toBe("Paused");
    expect(rollout.status?.message).toBe("CanaryPauseStep");
    return { rollout, canary, stable };
  }

  beforeAll(async () => {
    w = await startAgentWorld();
    const docs = parseAllDocuments(readFileSync(example, "utf8")).map((d) => d.toJS() as Rollout);
    for (const doc of docs) await w.client.create(resourcePath(w.rollouts, NS), doc);
    await w.waitForRollout(NS, NAME, "initial deploy healthy", (r) => r.status?.phase === "Healthy");
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("walks setWeight and pause steps with the engine's pod counts; promote is conditional and idempotent", async () => {
    await setImage("registry.example/payments:7.2.0");
    const first = await pausedAt(1, "registry.example/payments:7.2.0");
    expect({ canary: first.canary.spec.replicas, stable: first.stable.spec.replicas }).toEqual({
      canary: 1,
      stable: 9,
    });

    const promote = cmd(
      { type: "promote", expectStepIndex: 1, expectPodHash: first.rollout.status?.currentPodHash ?? "" },
      "promote-1",
    );
    expect(await w.agent.commands.execute(promote)).toMatchObject({ outcome: "APPLIED", duplicate: false });
    expect(await w.agent.commands.execute(promote)).toMatchObject({ outcome: "APPLIED", duplicate: true });

    const second = await pausedAt(3, "registry.example/payments:7.2.0");
    expect({ canary: second.canary.spec.replicas, stable: second.stable.spec.replicas }).toEqual({
      canary: 5,
      stable: 5,
    });
    // The same expectation sent again under a new id is now stale.
    const stale = await w.agent.commands.execute(cmd({ type: "promote", expectStepIndex: 1 }));
    expect(stale).toMatchObject({ outcome: "REJECTED", reason: "stale: step is 3, expected 1" });
    expect(await w.agent.commands.execute(promote)).toMatchObject({ outcome: "APPLIED", duplicate: true });

    // promote-full skips the rest: all new pods, new ReplicaSet stable, old one drained.
    const full = await w.agent.commands.execute(
      cmd({ type: "promote-full", expectPodHash: second.rollout.status?.currentPodHash ?? "" }),
    );
    expect(full.outcome).toBe("APPLIED");
    const done = await w.waitForRollout(NS, NAME, "healthy after promote-full", (r) => r.status?.phase === "Healthy");
    expect(done.status?.stableRS).toBe(done.status?.currentPodHash);
    expect(done.status?.currentStepIndex).toBe(6);
    const rss = await w.replicaSets(NS, NAME);
    const byHash = new Map(rss.map((rs) => [hashOf(rs), rs]));
    expect(byHash.get(done.status?.stableRS ?? "")?.spec.replicas).toBe(10);
    expect(byHash.get(first.stable.metadata.labels?.["rollouts-pod-template-hash"] ?? "")?.spec.replicas).toBe(0);
  });

  it("abort returns every pod to stable and Degraded; retry resumes from the first step", async () => {
    await setImage("registry.example/payments:7.3.0");
    const paused = await pausedAt(1, "registry.example/payments:7.3.0");
    const abort = await w.agent.commands.execute(
      cmd({ type: "abort", expectPodHash: paused.rollout.status?.currentPodHash ?? "" }),
    );
    expect(abort.outcome).toBe("APPLIED");
    const aborted = await w.waitForRollout(NS, NAME, "aborted back to stable", async (r) => {
      if (r.status?.phase !== "Degraded") return false;
      const rss = await w.replicaSets(NS, NAME);
      const canary = rss.find((rs) => hashOf(rs) === r.status?.currentPodHash);
      const stable = rss.find((rs) => hashOf(rs) === r.status?.stableRS);
      return canary?.spec.replicas === 0 && stable?.spec.replicas === 10 && r.status?.availableReplicas === 10;
    });
    expect(aborted.status?.abort).toBe(true);
    expect(aborted.status?.message).toMatch(/^RolloutAborted: Rollout aborted update to revision \d+$/);
    expect(aborted.status?.currentStepIndex).toBe(0);

    expect((await w.agent.commands.execute(cmd({ type: "retry" }))).outcome).toBe("APPLIED");
    const resumed = await pausedAt(1, "registry.example/payments:7.3.0");
    expect(resumed.rollout.status?.abort).toBeUndefined();
    expect((await w.agent.commands.execute(cmd({ type: "promote-full" }))).outcome).toBe("APPLIED");
    await w.waitForRollout(
      NS,
      NAME,
      "healthy",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === r.status?.currentPodHash,
    );
  });

  it("a new image mid-rollout supersedes the canary and starts the steps again", async () => {
    const stableHash = (await w.getRollout(NS, NAME)).status?.stableRS;
    await setImage("registry.example/payments:8.0.0");
    const v8 = await pausedAt(1, "registry.example/payments:8.0.0");
    await setImage("registry.example/payments:8.0.1");
    const v801 = await pausedAt(1, "registry.example/payments:8.0.1");
    expect(v801.rollout.status?.stableRS).toBe(stableHash);
    expect(v801.rollout.status?.currentPodHash).not.toBe(v8.rollout.status?.currentPodHash);
    const rss = await w.replicaSets(NS, NAME);
    expect(rss.find((rs) => hashOf(rs) === hashOf(v8.canary))?.spec.replicas).toBe(0);
  });

  it('a user pause holds the rollout (Paused, "manually paused") until resumed', async () => {
    expect((await w.agent.commands.execute(cmd({ type: "promote-full" }))).outcome).toBe("APPLIED");
    await w.waitForRollout(
      NS,
      NAME,
      "healthy",
      (r) => r.status?.phase === "Healthy" && r.status?.stableRS === r.status?.currentPodHash,
    );
    expect((await w.agent.commands.execute(cmd({ type: "pause" }))).outcome).toBe("APPLIED");
    const before = (await w.getRollout(NS, NAME)).status?.currentPodHash;
    await setImage("registry.example/payments:9.0.0");
    // Paused on the new revision, not the status written for the old one before the image change was seen.
    const held = await w.waitForRollout(
      NS,
      NAME,
      "manually paused on the new revision",
      (r) =>
        r.status?.currentPodHash !== before && r.status?.phase === "Paused" && r.status?.message === "manually paused",
    );
    // Nothing moves past the first step while paused by the user.
    await new Promise((r) => setTimeout(r, 500));
    expect((await w.getRollout(NS, NAME)).status?.currentStepIndex ?? 0).toBe(held.status?.currentStepIndex ?? 0);
    expect((await w.agent.commands.execute(cmd({ type: "resume" }))).outcome).toBe("APPLIED");
    await pausedAt(1, "registry.example/payments:9.0.0");
  });
});
