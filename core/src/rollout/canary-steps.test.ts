import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { CanaryStep, Rollout, RolloutStatus } from "../types/rollout.ts";
import {
  canaryReplicasOrWeight,
  currentCanaryStep,
  currentSetWeight,
  desiredCanaryWeight,
  isFullyPromoted,
  previousSetWeight,
} from "./canary-steps.ts";

const steps: CanaryStep[] = [
  { pause: {} },
  { setWeight: 20 },
  { pause: { duration: 10 } },
  { setWeight: 50 },
  { analysis: {} },
];

function at(status: RolloutStatus, list: CanaryStep[] = steps, extra: Record<string, unknown> = {}): Rollout {
  return {
    metadata: { name: "app" },
    spec: { replicas: 10, strategy: { canary: { steps: list, ...extra } } },
    status: { stableRS: "s", currentPodHash: "c", ...status },
  };
}

function rs(available: number): ReplicaSet {
  return {
    metadata: { name: `rs-${available}` },
    spec: { replicas: available },
    status: { availableReplicas: available },
  };
}

describe("currentCanaryStep", () => {
  it("defaults the index to 0 and reports past-the-end as no step", () => {
    expect(currentCanaryStep(at({}))).toEqual({ step: { pause: {} }, index: 0 });
    expect(currentCanaryStep(at({ currentStepIndex: 3 }))).toEqual({ step: { setWeight: 50 }, index: 3 });
    expect(currentCanaryStep(at({ currentStepIndex: 5 }))).toEqual({ step: undefined, index: 5 });
    expect(currentCanaryStep(at({}, []))).toEqual({ step: undefined, index: undefined });
  });
});

describe("currentSetWeight", () => {
  it("walks back to the last setWeight, 0 before any, max past the end, 0 when aborted", () => {
    expect(currentSetWeight(at({ currentStepIndex: 0 }))).toBe(0);
    expect(currentSetWeight(at({ currentStepIndex: 2 }))).toBe(20);
    expect(currentSetWeight(at({ currentStepIndex: 4 }))).toBe(50);
    expect(currentSetWeight(at({ currentStepIndex: 5 }))).toBe(100);
    expect(currentSetWeight(at({ currentStepIndex: 4, abort: true }))).toBe(0);
    expect(currentSetWeight(at({}, []))).toBe(100);
  });

  it("gives the previous setWeight for a router that waits for pods", () => {
    expect(previousSetWeight(at({ currentStepIndex: 3 }))).toBe(20);
    expect(previousSetWeight(at({ currentStepIndex: 1 }))).toBe(0);
    expect(previousSetWeight(at({ currentStepIndex: 5 }))).toBe(50);
  });
});

describe("canaryReplicasOrWeight", () => {
  it("is full weight on promote-full, first deploy, or when fully promoted", () => {
    expect(canaryReplicasOrWeight(at({ currentStepIndex: 1, promoteFull: true }))).toEqual({ weight: 100 });
    expect(canaryReplicasOrWeight(at({ currentStepIndex: 1, stableRS: undefined }))).toEqual({ weight: 100 });
    expect(canaryReplicasOrWeight(at({ currentStepIndex: 1, stableRS: "c" }))).toEqual({ weight: 100 });
    expect(canaryReplicasOrWeight(at({ currentStepIndex: 1 }))).toEqual({ weight: 20 });
  });

  it("knows when the rollout is fully promoted", () => {
    expect(isFullyPromoted(at({ stableRS: "c" }))).toBe(true);
    expect(isFullyPromoted(at({}))).toBe(false);
  });
});

describe("desiredCanaryWeight after an abort with dynamicStableScale", () => {
  const dyn: CanaryStep[] = [{ setWeight: 10 }, { setWeight: 30 }, { setWeight: 60 }, { pause: {} }];
  const aborted = (extra: Record<string, unknown> = {}) =>
    at({ abort: true, currentStepIndex: 0 }, dyn, { dynamicStableScale: true, trafficRouting: { smi: {} }, ...extra });

  it("steps the weight down as the stable regains available pods", () => {
    // Stable has 2 of 10: 8 canary pods carry traffic ⇒ the largest step needing fewer than 8 pods: 60.
    expect(desiredCanaryWeight(aborted(), rs(0), rs(2))).toBe(60);
    // Stable 6: shortfall 4, canary still has 6 available ⇒ 30 (3 pods < 6).
    expect(desiredCanaryWeight(aborted(), rs(6), rs(6))).toBe(30);
    // Stable 10, canary 1 available ⇒ no step needs fewer than 1 pod ⇒ 0.
    expect(desiredCanaryWeight(aborted(), rs(1), rs(10))).toBe(0);
  });

  it("counts only the stable shortfall when an abort delay is set explicitly", () => {
    expect(desiredCanaryWeight(aborted({ abortScaleDownDelaySeconds: 30 }), rs(6), rs(6))).toBe(30);
    expect(desiredCanaryWeight(aborted({ abortScaleDownDelaySeconds: 30 }), rs(6), rs(9))).toBe(0);
  });

  it("is the plain set weight otherwise", () => {
    expect(desiredCanaryWeight(at({ currentStepIndex: 3 }), rs(1), rs(1))).toBe(50);
    expect(desiredCanaryWeight(at({ currentStepIndex: 3, abort: true }), rs(1), rs(1))).toBe(0);
  });
});
