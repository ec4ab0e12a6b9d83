import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { CanaryStep, Rollout, RolloutStatus } from "../types/rollout.ts";
import { approximateWeightedCounts, calculateReplicaCountsForBasicCanary } from "./basic-canary-counts.ts";

function rs(name: string, replicas: number, available = replicas): ReplicaSet {
  return {
    metadata: { name, labels: { "rollouts-pod-template-hash": name } },
    spec: { replicas },
    status: { replicas, availableReplicas: available },
  };
}

/** A canary mid-update on a single `setWeight` step, new template "new", stable "stable". */
function atWeight(
  replicas: number,
  weight: number,
  surge: number | string,
  unavailable: number | string,
  status: RolloutStatus = {},
): Rollout {
  const steps: CanaryStep[] = [{ setWeight: weight }, { pause: {} }];
  return {
    metadata: { name: "app" },
    spec: { replicas, strategy: { canary: { steps, maxSurge: surge, maxUnavailable: unavailable } } },
    status: { currentStepIndex: 0, stableRS: "stable", currentPodHash: "new", ...status },
  };
}

describe("calculateReplicaCountsForBasicCanary: worked examples", () => {
  it("R10 w10 surge1 unavailable1 from stable 10 ⇒ canary 1, stable 9", () => {
    expect(calculateReplicaCountsForBasicCanary(atWeight(10, 10, 1, 1), rs("new", 0), rs("stable", 10))).toEqual({
      canary: 1,
      stable: 9,
    });
  });

  it("R10 w30 surge3 unavailable0 ⇒ canary 3, stable 10 (surge only, nothing taken away)", () => {
    expect(calculateReplicaCountsForBasicCanary(atWeight(10, 30, 3, 0), rs("new", 0), rs("stable", 10))).toEqual({
      canary: 3,
      stable: 10,
    });
  });

  it("R10 w30 surge0 unavailable5 ⇒ canary 0, stable 7 (make room first)", () => {
    expect(calculateReplicaCountsForBasicCanary(atWeight(10, 30, 0, 5), rs("new", 0), rs("stable", 10))).toEqual({
      canary: 0,
      stable: 7,
    });
  });

  it("R1 w5 surge1 unavailable0 ⇒ canary 1, stable 1", () => {
    expect(calculateReplicaCountsForBasicCanary(atWeight(1, 5, 1, 0), rs("new", 0), rs("stable", 1))).toEqual({
      canary: 1,
      stable: 1,
    });
  });

  it("R10 w5 surge1 unavailable1 ⇒ canary 1, stable 10 (one surge pod: 1 of 11 is closer to 5 % than 1 of 10)", () => {
    // The older Argo comment says 1/9; the weight approximation that replaced it keeps the stable at 10.
    expect(calculateReplicaCountsForBasicCanary(atWeight(10, 5, 1, 1), rs("new", 0), rs("stable", 10))).toEqual({
      canary: 1,
      stable: 10,
    });
  });

  it("R1 w95 surge1 unavailable0 ⇒ canary 1, stable 1", () => {
    expect(calculateReplicaCountsForBasicCanary(atWeight(1, 95, 1, 0), rs("new", 0), rs("stable", 1))).toEqual({
      canary: 1,
      stable: 1,
    });
  });
});

describe("approximateWeightedCounts", () => {
  it("splits exactly when the weight divides evenly", () => {
    expect(approximateWeightedCounts(10, 30, 100, 0)).toEqual({ canary: 3, stable: 7 });
  });

  it("prefers the larger canary on a halfway tie", () => {
    // 3 × 50 % = 1.5: 1 and 2 are equally far, the floor option is dropped.
    expect(approximateWeightedCounts(3, 50, 100, 0)).toEqual({ canary: 2, stable: 1 });
  });

  it("never gives 0 canary pods for a weight strictly between 0 and max", () => {
    expect(approximateWeightedCounts(10, 1, 100, 0)).toEqual({ canary: 1, stable: 9 });
  });

  it("allows 0 for a single replica that cannot surge", () => {
    expect(approximateWeightedCounts(1, 5, 100, 0)).toEqual({ canary: 0, stable: 1 });
  });

  it("uses one surge pod when that lands closer to the weight", () => {
    // 4 pods: 1/4 = 25 % (15 off); 1/5 = 20 % (10 off).
    expect(approximateWeightedCounts(4, 10, 100, 1)).toEqual({ canary: 1, stable: 4 });
    expect(approximateWeightedCounts(4, 10, 100, 0)).toEqual({ canary: 1, stable: 3 });
  });

  it("handles 0, full weight, no replicas and a non-100 maximum", () => {
    expect(approximateWeightedCounts(5, 0, 100, 1)).toEqual({ canary: 0, stable: 5 });
    expect(approximateWeightedCounts(5, 100, 100, 1)).toEqual({ canary: 5, stable: 0 });
    expect(approximateWeightedCounts(0, 50, 100, 1)).toEqual({ canary: 0, stable: 0 });
    expect(approximateWeightedCounts(10, 250, 1000, 0)).toEqual({ canary: 3, stable: 7 });
  });
});

describe("calculateReplicaCountsForBasicCanary: branches", () => {
  it("without a distinct stable ReplicaSet scales the new one to 100 % within surge", () => {
    const first = atWeight(10, 20, "25%", "25%", { stableRS: undefined, currentPodHash: "new" });
    expect(calculateReplicaCountsForBasicCanary(first, rs("new", 0), undefined)).toEqual({ canary: 10, stable: 0 });
    const same = atWeight(4, 20, 1, 1, { stableRS: "new", currentPodHash: "new" });
    expect(calculateReplicaCountsForBasicCanary(same, rs("new", 2), rs("new", 2))).toEqual({ canary: 4, stable: 0 });
  });

  it("grows the stable back first, then the canary, within replicas + surge", () => {
    // R10 w30 ⇒ 3/7; stable at 5 needs 2 more; budget 13 - (1 + 5) = 7 ⇒ stable 7, canary 1 + 5 → capped at 3.
    const rollout = atWeight(10, 30, 3, 0);
    expect(calculateReplicaCountsForBasicCanary(rollout, rs("new", 1), rs("stable", 5))).toEqual({
      canary: 3,
      stable: 7,
    });
    // Budget only 1 (11 allowed, 10 running): it goes to the stable, the canary waits.
    const tight = atWeight(10, 30, 1, 0);
    expect(calculateReplicaCountsForBasicCanary(tight, rs("new", 2), rs("stable", 6), [rs("old", 2)])).toEqual({
      canary: 2,
      stable: 7,
    });
  });

  it("drains older ReplicaSets before shrinking canary or stable", () => {
    const rollout = atWeight(10, 50, 1, 1);
    const counts = calculateReplicaCountsForBasicCanary(rollout, rs("new", 0), rs("stable", 10), [rs("old", 1)]);
    expect(counts).toEqual({ canary: 0, stable: 10 });
  });

  it("keeps the availability floor when the stable has unready pods", () => {
    // Scaling the canary up: the stable is counted at its spec so a crash-looping stable cannot block progress.
    const rollout = atWeight(10, 50, 0, 2);
    const counts = calculateReplicaCountsForBasicCanary(rollout, rs("new", 0), rs("stable", 10, 6));
    expect(counts).toEqual({ canary: 0, stable: 8 });
  });

  it("counts only available canary pods while growing, so unready canaries hold the stable", () => {
    const rollout = atWeight(10, 50, 0, 2);
    // Canary 2 of which none available, stable 8 available: 0 + 8 = 8 = floor ⇒ nothing more comes down.
    expect(calculateReplicaCountsForBasicCanary(rollout, rs("new", 2, 0), rs("stable", 8))).toEqual({
      canary: 2,
      stable: 8,
    });
  });

  it("on abort shrinks the canary and restores the stable, protecting availability", () => {
    const aborted = atWeight(10, 50, 3, 2, { abort: true });
    // Weight 0 ⇒ desired 0/10. Budget 13 - 10 = 3 ⇒ stable 8; then the canary comes down by 10 - 8 = 2.
    expect(calculateReplicaCountsForBasicCanary(aborted, rs("new", 5), rs("stable", 5))).toEqual({
      canary: 3,
      stable: 8,
    });
  });

  it("trims the other ReplicaSet back under replicas + surge after a scale-down", () => {
    // Decreasing weight with more pods than allowed: canary drained to desired, stable trimmed to fit.
    const rollout = atWeight(10, 20, 0, 5, { currentStepIndex: 0 });
    const counts = calculateReplicaCountsForBasicCanary(rollout, rs("new", 6), rs("stable", 8));
    expect(counts.canary + counts.stable).toBeLessThanOrEqual(10);
    expect(counts).toEqual({ canary: 2, stable: 8 });
  });

  it("heads for full weight when promoted fully: the stable shrinks to the availability floor", () => {
    const rollout = atWeight(4, 25, 1, 1, { promoteFull: true });
    // Desired 4/0; 5 pods already (no budget); floor 3 = 1 canary + 2 stable.
    expect(calculateReplicaCountsForBasicCanary(rollout, rs("new", 1), rs("stable", 4))).toEqual({
      canary: 1,
      stable: 2,
    });
  });
});
