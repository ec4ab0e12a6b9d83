import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { atDesiredReplicaCountsForCanary } from "./at-desired-replica-counts.ts";
import { calculateReplicaCountsForCanary } from "./canary-replica-counts.ts";
import { evaluateCanaryStep } from "./canary-step-machine.ts";
import { isFullyPromoted } from "./canary-steps.ts";
import { maxUnavailable } from "./fenceposts.ts";
import { abortPatch, applyRolloutPatch, promotePatch, retryPatch } from "./rollout-commands.ts";
import { calculateRolloutConditions } from "./rollout-condition-calculator.ts";
import { calculateRolloutPhase, type PhaseAndMessage } from "./rollout-phase.ts";

/**
 * The engine driven the way a reconciler drives it, with ReplicaSets that become available as soon as they are
 * scaled: a basic canary of 5 pods goes 20 % → timed pause → 60 % → indefinite pause → promote → done, and an
 * aborted update goes Degraded, then restarts from step 0 on retry.
 */
class Cluster {
  rollout: Rollout;
  sets = new Map<string, ReplicaSet>();
  nowMs = Date.parse("2026-11-22T00:00:00Z");

  constructor(rollout: Rollout) {
    this.rollout = rollout;
  }

  scale(hash: string, replicas: number): void {
    this.sets.set(hash, {
      metadata: { name: `web-${hash}`, labels: { "rollouts-pod-template-hash": hash } },
      spec: { replicas },
      status: { replicas, availableReplicas: replicas },
    });
  }

  /** One reconcile: scale, decide the step, write counts, conditions and phase. */
  reconcile(): PhaseAndMessage {
    const status = this.rollout.status ?? {};
    const hash = status.currentPodHash ?? "";
    const newRS = this.sets.get(hash);
    const stableRS = status.stableRS && status.stableRS !== hash ? this.sets.get(status.stableRS) : undefined;
    const others = [...this.sets.entries()].filter(([h]) => h !== hash && h !== status.stableRS).map(([, rs]) => rs);
    const counts = calculateReplicaCountsForCanary(this.rollout, newRS, stableRS, others);
    this.scale(hash, counts.canary);
    if (stableRS && status.stableRS) this.scale(status.stableRS, counts.stable);
    // Older ReplicaSets drain within the availability budget, as the reconciler does (oldest first).
    const floor = (this.rollout.spec.replicas ?? 1) - maxUnavailable(this.rollout);
    let budget = [...this.sets.values()].reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0) - floor;
    for (const [h, rs] of this.sets) {
      const spec = rs.spec.replicas ?? 0;
      if (h === hash || h === status.stableRS || spec === 0 || budget <= 0) continue;
      const down = Math.min(spec, budget);
      budget -= down;
      this.scale(h, spec - down);
    }

    let next = { ...status };
    if (!status.abort) {
      const newSet = this.sets.get(hash);
      const stableSet = status.stableRS ? this.sets.get(status.stableRS) : undefined;
      const outcome = evaluateCanaryStep(this.rollout, {
        nowMs: this.nowMs,
        atDesiredReplicaCounts: atDesiredReplicaCountsForCanary(this.rollout, newSet, stableSet, []),
      });
      if (outcome.kind === "advance") next = { ...next, ...outcome.status, pauseConditions: undefined };
      if (outcome.kind === "wait" && outcome.pauseCondition) {
        next = { ...next, controllerPause: true, pauseConditions: [outcome.pauseCondition] };
      }
      if (outcome.kind === "finished" && !isFullyPromoted(this.rollout)) next.stableRS = hash;
    }
    const all = [...this.sets.values()];
    next.replicas = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    next.availableReplicas = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    next.updatedReplicas = this.sets.get(hash)?.status?.replicas ?? 0;
    next.conditions = calculateRolloutConditions({
      rollout: this.rollout,
      newStatus: next,
      newReplicaSetName: `web-${hash}`,
      revision: 2,
      availableReplicasAllSets: next.availableReplicas,
      nowMs: this.nowMs,
    });
    this.rollout = { ...this.rollout, status: next };
    const phase = calculateRolloutPhase(this.rollout);
    this.rollout.status = { ...next, phase: phase.phase, message: phase.message };
    return phase;
  }

  /** Reconcile until nothing changes; returns the pod counts seen on the way. */
  settle(): Array<[number, number]> {
    const seen: Array<[number, number]> = [];
    for (let i = 0; i < 50; i++) {
      const before = JSON.stringify([this.rollout.status, [...this.sets]]);
      this.reconcile();
      const s = this.rollout.status ?? {};
      seen.push([this.sets.get(s.currentPodHash ?? "")?.spec.replicas ?? 0, this.sets.get("v1")?.spec.replicas ?? 0]);
      if (JSON.stringify([this.rollout.status, [...this.sets]]) === before) break;
    }
    return seen;
  }
}

function updating(): Cluster {
  const cluster = new Cluster({
    metadata: { name: "web", generation: 2 },
    spec: {
      replicas: 5,
      strategy: {
        canary: {
          maxSurge: 1,
          maxUnavailable: 0,
          steps: [{ setWeight: 20 }, { pause: { duration: "10s" } }, { setWeight: 60 }, { pause: {} }],
        },
      },
    },
    status: { stableRS: "v1", currentPodHash: "v2", currentStepIndex: 0, observedGeneration: "2" },
  });
  cluster.scale("v1", 5);
  cluster.scale("v2", 0);
  return cluster;
}

describe("rollout walkthrough", () => {
  it("runs every step to Healthy, never above 6 pods nor below 5 available", () => {
    const cluster = updating();
    const seen = cluster.settle();
    expect(cluster.rollout.status?.currentStepIndex).toBe(1);
    expect(cluster.rollout.status?.phase).toBe("Paused");
    expect(cluster.rollout.status?.message).toBe("CanaryPauseStep");
    expect(cluster.sets.get("v2")?.spec.replicas).toBe(1);
    expect(cluster.sets.get("v1")?.spec.replicas).toBe(4);

    cluster.nowMs += 10_001;
    seen.push(...cluster.settle());
    expect(cluster.rollout.status?.currentStepIndex).toBe(3);
    expect(cluster.rollout.status?.message).toBe("CanaryPauseStep");
    expect([cluster.sets.get("v2")?.spec.replicas, cluster.sets.get("v1")?.spec.replicas]).toEqual([3, 2]);

    // An indefinite pause stays put however long we wait.
    cluster.nowMs += 86_400_000;
    cluster.settle();
    expect(cluster.rollout.status?.currentStepIndex).toBe(3);

    cluster.rollout = applyRolloutPatch(cluster.rollout, promotePatch(cluster.rollout));
    seen.push(...cluster.settle());
    expect(cluster.rollout.status?.stableRS).toBe("v2");
    expect(cluster.rollout.status?.phase).toBe("Healthy");
    expect([cluster.sets.get("v2")?.spec.replicas, cluster.sets.get("v1")?.spec.replicas]).toEqual([5, 0]);
    const conditions = cluster.rollout.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === "Healthy")?.status).toBe("True");
    expect(conditions.find((c) => c.type === "Completed")?.status).toBe("True");
    for (const [canary, stable] of seen) {
      expect(canary + stable).toBeLessThanOrEqual(6);
      expect(canary + stable).toBeGreaterThanOrEqual(5);
    }
  });

  it("an abort goes Degraded with the stable back at full size; retry starts again at step 0", () => {
    const cluster = updating();
    cluster.settle();
    cluster.nowMs += 10_001;
    cluster.settle();
    expect(cluster.rollout.status?.currentStepIndex).toBe(3);

    cluster.rollout = applyRolloutPatch(
      cluster.rollout,
      abortPatch(cluster.rollout, new Date(cluster.nowMs).toISOString()),
    );
    cluster.settle();
    expect(cluster.rollout.status?.phase).toBe("Degraded");
    expect(cluster.rollout.status?.message).toBe("RolloutAborted: Rollout aborted update to revision 2");
    expect([cluster.sets.get("v2")?.spec.replicas, cluster.sets.get("v1")?.spec.replicas]).toEqual([0, 5]);

    cluster.rollout = applyRolloutPatch(cluster.rollout, retryPatch(cluster.rollout));
    cluster.settle();
    expect(cluster.rollout.status?.currentStepIndex).toBe(1);
    expect(cluster.rollout.status?.phase).toBe("Paused");
    expect([cluster.sets.get("v2")?.spec.replicas, cluster.sets.get("v1")?.spec.replicas]).toEqual([1, 4]);
  });
});
