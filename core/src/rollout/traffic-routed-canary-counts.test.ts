import { describe, expect, it } from "vitest";
import type { CanaryStep, CanaryStrategy, Rollout, RolloutStatus } from "../types/rollout.ts";
import { calculateReplicaCountsForCanary } from "./canary-replica-counts.ts";
import { RolloutSpecError } from "./rollout-spec-error.ts";
import {
  applyMinPodsPerReplicaSet,
  calculateReplicaCountsForTrafficRoutedCanary,
} from "./traffic-routed-canary-counts.ts";

function routed(
  replicas: number,
  steps: CanaryStep[],
  extra: Partial<CanaryStrategy> = {},
  status: RolloutStatus = {},
): Rollout {
  return {
    metadata: { name: "app" },
    spec: {
      replicas,
      strategy: {
        canary: {
          canaryService: "app-canary",
          stableService: "app-stable",
          trafficRouting: { nginx: { stableIngress: "app" } },
          steps,
          ...extra,
        },
      },
    },
    status: { currentStepIndex: 0, stableRS: "s", currentPodHash: "c", ...status },
  };
}

const weights = (canary: number, stable: number) => ({ canary: { weight: canary }, stable: { weight: stable } });

describe("calculateReplicaCountsForTrafficRoutedCanary", () => {
  it("sizes the canary from the weight (rounded up) and leaves the stable at 100 %", () => {
    expect(calculateReplicaCountsForTrafficRoutedCanary(routed(10, [{ setWeight: 25 }]))).toEqual({
      canary: 3,
      stable: 10,
    });
    // Surge/unavailable do not throttle a routed canary (argo-rollouts#3284).
    const withLimits = routed(10, [{ setWeight: 50 }], { maxSurge: 0, maxUnavailable: 1 });
    expect(calculateReplicaCountsForTrafficRoutedCanary(withLimits)).toEqual({ canary: 5, stable: 10 });
  });

  it("uses the maximum traffic weight when it is not 100", () => {
    const rollout = routed(10, [{ setWeight: 250 }]);
    rollout.spec.strategy!.canary!.trafficRouting!.maxTrafficWeight = 1000;
    expect(calculateReplicaCountsForTrafficRoutedCanary(rollout)).toEqual({ canary: 3, stable: 10 });
  });

  it("follows setCanaryScale: replicas, weight, and matchTrafficWeight cancelling it", () => {
    const steps: CanaryStep[] = [
      { setCanaryScale: { replicas: 2 } },
      { setWeight: 10 },
      { setCanaryScale: { weight: 60 } },
      { setWeight: 20 },
      { setCanaryScale: { matchTrafficWeight: true } },
      { pause: {} },
    ];
    const at = (index: number) =>
      calculateReplicaCountsForTrafficRoutedCanary(routed(10, steps, {}, { currentStepIndex: index }));
    expect(at(0)).toEqual({ canary: 2, stable: 10 });
    expect(at(1)).toEqual({ canary: 2, stable: 10 });
    expect(at(2)).toEqual({ canary: 6, stable: 10 });
    expect(at(3)).toEqual({ canary: 6, stable: 10 });
    expect(at(5)).toEqual({ canary: 2, stable: 10 });
  });

  it("ignores setCanaryScale after an abort unless the canary is kept (abortScaleDownDelaySeconds: 0)", () => {
    const steps: CanaryStep[] = [{ setCanaryScale: { replicas: 4 } }, { pause: {} }];
    const aborted = routed(10, steps, {}, { abort: true });
    expect(calculateReplicaCountsForTrafficRoutedCanary(aborted)).toEqual({ canary: 0, stable: 10 });
    const kept = routed(10, steps, { abortScaleDownDelaySeconds: 0 }, { abort: true });
    expect(calculateReplicaCountsForTrafficRoutedCanary(kept)).toEqual({ canary: 4, stable: 10 });
  });

  it("raises non-zero counts to minPodsPerReplicaSet, capped at replicas", () => {
    const rollout = routed(10, [{ setWeight: 5 }], { minPodsPerReplicaSet: 2 });
    expect(calculateReplicaCountsForTrafficRoutedCanary(rollout)).toEqual({ canary: 2, stable: 10 });
    expect(applyMinPodsPerReplicaSet(rollout, 0)).toBe(0);
    const small = routed(3, [{ setWeight: 5 }], { minPodsPerReplicaSet: 5 });
    expect(applyMinPodsPerReplicaSet(small, 1)).toBe(3);
    const basic: Rollout = { metadata: {}, spec: { strategy: { canary: { minPodsPerReplicaSet: 3 } } } };
    expect(applyMinPodsPerReplicaSet(basic, 1)).toBe(1);
  });

  it("with dynamicStableScale keeps the stable for the larger of desired and actual stable weight", () => {
    const up = routed(10, [{ setWeight: 60 }], { dynamicStableScale: true }, { canary: { weights: weights(20, 80) } });
    // Desired stable 40 %, but 80 % of traffic still goes there: keep 8.
    expect(calculateReplicaCountsForTrafficRoutedCanary(up, up.status?.canary?.weights)).toEqual({
      canary: 6,
      stable: 8,
    });
    const down = routed(
      10,
      [{ setWeight: 20 }],
      { dynamicStableScale: true },
      { canary: { weights: weights(60, 40) } },
    );
    // Going back down the stable grows before the traffic returns.
    expect(calculateReplicaCountsForTrafficRoutedCanary(down, down.status?.canary?.weights)).toEqual({
      canary: 2,
      stable: 8,
    });
    const noWeights = routed(10, [{ setWeight: 30 }], { dynamicStableScale: true });
    expect(calculateReplicaCountsForTrafficRoutedCanary(noWeights)).toEqual({ canary: 3, stable: 7 });
  });

  it("after an abort with dynamicStableScale keeps canary pods for the traffic it still gets", () => {
    const steps: CanaryStep[] = [{ setWeight: 20 }, { setWeight: 50 }, { pause: {} }];
    const aborted = routed(
      10,
      steps,
      { dynamicStableScale: true },
      {
        abort: true,
        currentStepIndex: 0,
        canary: { weights: weights(50, 50) },
      },
    );
    const rs = (name: string, available: number) => ({
      metadata: { name },
      spec: { replicas: available },
      status: { availableReplicas: available },
    });
    // Stable back to 10 available, canary 5: the desired weight drops to 20 (2 pods < 5), but 50 % of the traffic
    // still reaches the canary, so it keeps 5 pods; the stable keeps 8 for its desired 80 %.
    const counts = calculateReplicaCountsForTrafficRoutedCanary(
      aborted,
      aborted.status?.canary?.weights,
      rs("c", 5),
      rs("s", 10),
    );
    expect(counts).toEqual({ canary: 5, stable: 8 });
  });

  it("goes to full size on the first deploy (no stable yet)", () => {
    const first = routed(4, [{ setWeight: 10 }], {}, { stableRS: undefined, currentPodHash: "c" });
    expect(calculateReplicaCountsForTrafficRoutedCanary(first)).toEqual({ canary: 4, stable: 4 });
  });
});

describe("calculateReplicaCountsForCanary", () => {
  it("dispatches on trafficRouting and reads status.canary.weights", () => {
    const rollout = routed(
      10,
      [{ setWeight: 60 }],
      { dynamicStableScale: true },
      { canary: { weights: weights(20, 80) } },
    );
    expect(calculateReplicaCountsForCanary(rollout)).toEqual({ canary: 6, stable: 8 });
  });

  it("refuses a Rollout without a canary strategy", () => {
    const bg: Rollout = { metadata: {}, spec: { strategy: { blueGreen: { activeService: "a" } } } };
    expect(() => calculateReplicaCountsForCanary(bg)).toThrow(RolloutSpecError);
    expect(() => calculateReplicaCountsForCanary(bg)).toThrow(/spec\.strategy\.canary/);
  });
});
