import { describe, expect, it } from "vitest";
import type { KubeCondition } from "../types/kube-meta.ts";
import type { Rollout, RolloutSpec, RolloutStatus } from "../types/rollout.ts";
import { calculateRolloutPhase, observedRolloutPhase } from "./rollout-phase.ts";

const healthyCanary: RolloutStatus = {
  replicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  stableRS: "h1",
  currentPodHash: "h1",
  currentStepIndex: 2,
  observedGeneration: "4",
};

function canary(status: RolloutStatus, spec: Partial<RolloutSpec> = {}, routed = false): Rollout {
  return {
    metadata: { name: "app", generation: 4 },
    spec: {
      replicas: 3,
      strategy: {
        canary: { steps: [{ setWeight: 50 }, { pause: {} }], ...(routed ? { trafficRouting: { smi: {} } } : {}) },
      },
      ...spec,
    },
    status: { ...healthyCanary, ...status },
  };
}

const cond = (type: string, reason: string, message: string): KubeCondition => ({
  type,
  status: "False",
  reason,
  message,
});

describe("calculateRolloutPhase", () => {
  it("is Healthy when everything is updated, available and promoted", () => {
    expect(calculateRolloutPhase(canary({}))).toEqual({ phase: "Healthy", message: "" });
  });

  it("is Degraded for InvalidSpec, aborts and exceeded deadlines, before anything else", () => {
    const invalid = canary(
      { conditions: [{ type: "InvalidSpec", status: "True", reason: "InvalidSpec", message: "bad" }] },
      { paused: true },
    );
    expect(calculateRolloutPhase(invalid)).toEqual({ phase: "Degraded", message: "InvalidSpec: bad" });
    const aborted = canary({
      conditions: [cond("Progressing", "RolloutAborted", "Rollout aborted update to revision 2")],
    });
    expect(calculateRolloutPhase(aborted)).toEqual({
      phase: "Degraded",
      message: "RolloutAborted: Rollout aborted update to revision 2",
    });
    const late = canary({
      conditions: [cond("Progressing", "ProgressDeadlineExceeded", 'ReplicaSet "x" has timed out progressing.')],
    });
    expect(calculateRolloutPhase(late).message).toBe(
      'ProgressDeadlineExceeded: ReplicaSet "x" has timed out progressing.',
    );
  });

  it("is Paused for the user pause, then for the first pause condition", () => {
    expect(calculateRolloutPhase(canary({}, { paused: true }))).toEqual({
      phase: "Paused",
      message: "manually paused",
    });
    const stepPause = canary({ pauseConditions: [{ reason: "CanaryPauseStep", startTime: "2026-11-22T00:00:00Z" }] });
    expect(calculateRolloutPhase(stepPause)).toEqual({ phase: "Paused", message: "CanaryPauseStep" });
  });

  it("is Progressing while restarting", () => {
    const restarting = canary({ restartedAt: "2026-11-22T00:00:00Z" }, { restartAt: "2026-11-22T01:00:00Z" });
    expect(calculateRolloutPhase(restarting)).toEqual({ phase: "Progressing", message: "rollout is restarting" });
    const done = canary({ restartedAt: "2026-11-22T01:00:00Z" }, { restartAt: "2026-11-22T01:00:00Z" });
    expect(calculateRolloutPhase(done).phase).toBe("Healthy");
    expect(calculateRolloutPhase(canary({}, { restartAt: "2026-11-22T01:00:00Z" })).message).toBe(
      "rollout is restarting",
    );
  });

  it("is Progressing while pods are being updated or becoming available", () => {
    expect(calculateRolloutPhase(canary({ updatedReplicas: 1 })).message).toBe("more replicas need to be updated");
    expect(calculateRolloutPhase(canary({ availableReplicas: 2 })).message).toBe(
      "updated replicas are still becoming available",
    );
  });

  it("for a basic canary waits for old pods, then for the steps", () => {
    expect(calculateRolloutPhase(canary({ replicas: 4 })).message).toBe("old replicas are pending termination");
    // With a router old pods get no traffic: only the steps matter.
    expect(calculateRolloutPhase(canary({ replicas: 4 }, {}, true)).phase).toBe("Healthy");
    expect(calculateRolloutPhase(canary({ stableRS: "h0" })).message).toBe("waiting for all steps to complete");
    expect(calculateRolloutPhase(canary({ stableRS: undefined })).message).toBe("waiting for all steps to complete");
  });

  it("for blue-green waits for the active cutover, then for analysis", () => {
    const bg = (status: RolloutStatus, post = false): Rollout => ({
      metadata: { name: "bg" },
      spec: {
        replicas: 3,
        strategy: { blueGreen: { activeService: "a", ...(post ? { postPromotionAnalysis: {} } : {}) } },
      },
      status: { ...healthyCanary, blueGreen: { activeSelector: "h1" }, ...status },
    });
    expect(calculateRolloutPhase(bg({})).phase).toBe("Healthy");
    expect(calculateRolloutPhase(bg({ blueGreen: { activeSelector: "h0" } })).message).toBe(
      "active service cutover pending",
    );
    expect(calculateRolloutPhase(bg({ blueGreen: {} })).message).toBe("active service cutover pending");
    expect(calculateRolloutPhase(bg({ stableRS: "h0" })).message).toBe("waiting for analysis to complete");
    expect(calculateRolloutPhase(bg({ stableRS: "h0" }, true)).message).toBe(
      "waiting for post-promotion verification to complete",
    );
  });
});

describe("observedRolloutPhase", () => {
  it("is Progressing until the controller has seen the latest generation", () => {
    expect(observedRolloutPhase(canary({ observedGeneration: "3" }))).toEqual({
      phase: "Progressing",
      message: "waiting for rollout spec update to be observed",
    });
  });

  it("is Progressing while a controller pause is being lifted", () => {
    expect(observedRolloutPhase(canary({ controllerPause: true })).message).toBe("waiting for rollout to unpause");
    expect(observedRolloutPhase(canary({})).phase).toBe("Healthy");
  });
});
