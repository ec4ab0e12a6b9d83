import { describe, expect, it } from "vitest";
import type { KubeCondition } from "../types/kube-meta.ts";
import type { Rollout, RolloutStatus } from "../types/rollout.ts";
import {
  applyInvalidSpecCondition,
  calculateRolloutConditions,
  isRolloutHealthy,
  isRolloutProgressing,
  isRolloutTimedOut,
  type RolloutConditionInput,
} from "./rollout-condition-calculator.ts";
import { getRolloutCondition, setRolloutCondition } from "./rollout-conditions.ts";

const T0 = Date.parse("2026-11-22T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function canary(status: RolloutStatus = {}, paused = false): Rollout {
  return {
    metadata: { name: "app", generation: 2 },
    spec: { replicas: 4, paused, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } },
    status: { observedGeneration: "2", ...status },
  };
}

const done: RolloutStatus = {
  replicas: 4,
  updatedReplicas: 4,
  availableReplicas: 4,
  readyReplicas: 4,
  currentStepIndex: 2,
  stableRS: "h2",
  currentPodHash: "h2",
};

function input(rollout: Rollout, newStatus: RolloutStatus, extra: Partial<RolloutConditionInput> = {}) {
  return {
    rollout,
    newStatus,
    newReplicaSetName: "app-h2",
    revision: 2,
    availableReplicasAllSets: newStatus.availableReplicas ?? 0,
    nowMs: T0,
    ...extra,
  };
}

const find = (conditions: KubeCondition[], type: string) => conditions.find((c) => c.type === type);

describe("calculateRolloutConditions", () => {
  it("marks a finished rollout Healthy, Available, Completed and Progressing=NewReplicaSetAvailable", () => {
    const conditions = calculateRolloutConditions(input(canary(done), done));
    expect(find(conditions, "Healthy")).toMatchObject({
      status: "True",
      reason: "RolloutHealthy",
      message: "Rollout is healthy",
    });
    expect(find(conditions, "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: 'ReplicaSet "app-h2" has successfully progressed.',
    });
    expect(find(conditions, "Available")).toMatchObject({
      status: "True",
      message: "Rollout has minimum availability",
    });
    expect(find(conditions, "Completed")).toMatchObject({ status: "True", reason: "RolloutCompleted" });
  });

  it("reports progress with ReplicaSetUpdated and keeps the first transition time", () => {
    const before = canary({ ...done, updatedReplicas: 1, currentStepIndex: 0, stableRS: "h1" });
    const now: RolloutStatus = {
      ...done,
      updatedReplicas: 2,
      availableReplicas: 3,
      currentStepIndex: 0,
      stableRS: "h1",
    };
    const first = calculateRolloutConditions(input(before, now));
    expect(find(first, "Progressing")).toMatchObject({
      status: "True",
      reason: "ReplicaSetUpdated",
      message: 'ReplicaSet "app-h2" is progressing.',
      lastTransitionTime: iso(T0),
    });
    expect(find(first, "Healthy")?.status).toBe("False");
    expect(find(first, "Available")?.status).toBe("False");
    expect(find(first, "Completed")).toMatchObject({ status: "False", reason: "RolloutNotCompleted" });
    const later = calculateRolloutConditions(
      input(
        { ...before, status: { ...now, conditions: first } },
        { ...now, availableReplicas: 4, conditions: first },
        { nowMs: T0 + 5000 },
      ),
    );
    expect(find(later, "Progressing")).toMatchObject({ lastTransitionTime: iso(T0), lastUpdateTime: iso(T0 + 5000) });
  });

  it("says RolloutAborted with the revision and the cause", () => {
    const status = { ...done, stableRS: "h1", abort: true };
    const conditions = calculateRolloutConditions(input(canary(status), status, { abortMessage: 'Metric "x" failed' }));
    expect(find(conditions, "Progressing")).toMatchObject({
      status: "False",
      reason: "RolloutAborted",
      message: 'Rollout aborted update to revision 2: Metric "x" failed',
    });
  });

  it("sets Paused and Progressing=Unknown while paused, then RolloutResumed", () => {
    const pauseConditions = [{ reason: "CanaryPauseStep", startTime: iso(T0) }];
    const status = { ...done, stableRS: "h1", currentStepIndex: 1, pauseConditions };
    const paused = calculateRolloutConditions(input(canary(status), status));
    expect(find(paused, "Paused")).toMatchObject({ status: "True", reason: "RolloutPaused" });
    expect(find(paused, "Progressing")).toMatchObject({ status: "Unknown", reason: "RolloutPaused" });
    const resumedStatus = { ...status, pauseConditions: null, conditions: paused };
    const resumed = calculateRolloutConditions(input(canary(resumedStatus), resumedStatus));
    expect(find(resumed, "Paused")).toMatchObject({ status: "False", reason: "RolloutResumed" });
    expect(find(resumed, "Progressing")).toMatchObject({ status: "Unknown", reason: "RolloutResumed" });
  });

  it("flags ProgressDeadlineExceeded after progressDeadlineSeconds without progress", () => {
    const progressing: KubeCondition = {
      type: "Progressing",
      status: "True",
      reason: "ReplicaSetUpdated",
      message: "x",
      lastTransitionTime: iso(T0),
      lastUpdateTime: iso(T0),
    };
    const status: RolloutStatus = {
      ...done,
      availableReplicas: 2,
      stableRS: "h1",
      currentStepIndex: 0,
      conditions: [progressing],
    };
    const rollout = canary(status);
    const early = calculateRolloutConditions(input(rollout, status, { nowMs: T0 + 599_000 }));
    expect(find(early, "Progressing")?.reason).toBe("ReplicaSetUpdated");
    const late = calculateRolloutConditions(input(rollout, status, { nowMs: T0 + 601_000 }));
    expect(find(late, "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: 'ReplicaSet "app-h2" has timed out progressing.',
    });
    // An indefinite pause step is not a stall.
    const onPause = { ...status, currentStepIndex: 1 };
    const paused = calculateRolloutConditions(input(canary(onPause), onPause, { nowMs: T0 + 601_000 }));
    expect(find(paused, "Progressing")?.reason).toBe("ReplicaSetUpdated");
  });

  it("uses the active ReplicaSet's saturation for blue-green availability", () => {
    const bg: Rollout = {
      metadata: { name: "bg" },
      spec: { replicas: 2, strategy: { blueGreen: { activeService: "a" } } },
      status: {},
    };
    const status: RolloutStatus = { updatedReplicas: 2, availableReplicas: 2 };
    expect(find(calculateRolloutConditions(input(bg, status, { activeSaturated: true })), "Available")?.status).toBe(
      "True",
    );
    expect(find(calculateRolloutConditions(input(bg, status, { activeSaturated: false })), "Available")?.status).toBe(
      "False",
    );
  });
});

describe("condition predicates", () => {
  it("isRolloutHealthy needs counts, observed generation and finished steps", () => {
    expect(isRolloutHealthy(canary(done), done)).toBe(true);
    expect(isRolloutHealthy(canary({ ...done, observedGeneration: "1" }), done)).toBe(false);
    expect(isRolloutHealthy(canary(done), { ...done, currentStepIndex: 1 })).toBe(false);
    expect(isRolloutHealthy(canary(done), { ...done, availableReplicas: 3 })).toBe(false);
  });

  it("isRolloutProgressing sees pod and step changes", () => {
    expect(isRolloutProgressing(canary(done), done)).toBe(false);
    expect(isRolloutProgressing(canary(done), { ...done, currentStepIndex: 1 })).toBe(true);
    expect(isRolloutProgressing(canary({ ...done, readyReplicas: 3 }), done)).toBe(true);
  });

  it("isRolloutTimedOut is false once completed and true once timed out", () => {
    const completed: KubeCondition = {
      type: "Progressing",
      status: "True",
      reason: "NewReplicaSetAvailable",
      lastUpdateTime: iso(0),
    };
    expect(isRolloutTimedOut(canary(), [completed], T0)).toBe(false);
    expect(isRolloutTimedOut(canary(), [{ ...completed, reason: "ProgressDeadlineExceeded" }], T0)).toBe(true);
    expect(isRolloutTimedOut(canary(), [], T0)).toBe(false);
  });
});

describe("setRolloutCondition and InvalidSpec", () => {
  it("keeps lastTransitionTime while the status is unchanged and leaves identical conditions alone", () => {
    const a: KubeCondition = {
      type: "Available",
      status: "True",
      reason: "r",
      message: "m",
      lastTransitionTime: iso(T0),
    };
    const same = setRolloutCondition([a], { ...a, lastTransitionTime: iso(T0 + 1) });
    expect(same[0]).toBe(a);
    const changed = setRolloutCondition([a], { ...a, message: "n", lastTransitionTime: iso(T0 + 1) });
    expect(changed[0]).toMatchObject({ message: "n", lastTransitionTime: iso(T0) });
    const flipped = setRolloutCondition([a], { ...a, status: "False", lastTransitionTime: iso(T0 + 1) });
    expect(flipped[0]?.lastTransitionTime).toBe(iso(T0 + 1));
  });

  it("adds InvalidSpec naming each field, and removes it once the spec is valid", () => {
    const issues = [
      { field: "spec.strategy.canary.steps[0].setWeight", message: "SetWeight needs to be between 0 and 100" },
    ];
    const conditions = applyInvalidSpecCondition(canary(), [], issues, T0);
    expect(getRolloutCondition(conditions, "InvalidSpec")).toMatchObject({
      status: "True",
      reason: "InvalidSpec",
      message:
        'The Rollout "app" is invalid: spec.strategy.canary.steps[0].setWeight: SetWeight needs to be between 0 and 100',
    });
    expect(applyInvalidSpecCondition(canary(), conditions, [], T0)).toEqual([]);
  });
});
