import { describe, expect, it } from "vitest";
import type { CanaryStep, Rollout, RolloutStatus } from "../types/rollout.ts";
import { advanceCanaryStep, type CanaryStepObservation, evaluateCanaryStep } from "./canary-step-machine.ts";

const T0 = Date.parse("2026-11-22T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function at(steps: CanaryStep[], status: RolloutStatus = {}, paused = false): Rollout {
  return {
    metadata: { name: "app" },
    spec: { replicas: 4, paused, strategy: { canary: { steps } } },
    status: { currentStepIndex: 0, stableRS: "s", currentPodHash: "c", ...status },
  };
}

const seen = (extra: Partial<CanaryStepObservation> = {}): CanaryStepObservation => ({
  nowMs: T0,
  atDesiredReplicaCounts: true,
  ...extra,
});

describe("evaluateCanaryStep: setWeight and setCanaryScale", () => {
  it("advances once the ReplicaSets are at the step's counts", () => {
    const rollout = at([{ setWeight: 25 }, { pause: {} }]);
    expect(evaluateCanaryStep(rollout, seen({ atDesiredReplicaCounts: false }))).toEqual({ kind: "wait" });
    expect(evaluateCanaryStep(rollout, seen())).toEqual({
      kind: "advance",
      status: { currentStepIndex: 1, pauseConditions: null, controllerPause: false },
    });
  });

  it("waits for a router that verifies weights to confirm", () => {
    const rollout = at([{ setWeight: 25 }]);
    expect(evaluateCanaryStep(rollout, seen({ weightVerified: false })).kind).toBe("wait");
    expect(evaluateCanaryStep(rollout, seen({ weightVerified: true })).kind).toBe("advance");
  });

  it("treats setCanaryScale like a scaling step", () => {
    const rollout = at([{ setCanaryScale: { replicas: 1 } }]);
    expect(evaluateCanaryStep(rollout, seen({ atDesiredReplicaCounts: false })).kind).toBe("wait");
    expect(evaluateCanaryStep(rollout, seen()).kind).toBe("advance");
  });

  it("reports finished past the last step or without steps", () => {
    expect(evaluateCanaryStep(at([{ setWeight: 10 }], { currentStepIndex: 1 }), seen())).toEqual({ kind: "finished" });
    expect(evaluateCanaryStep(at([]), seen())).toEqual({ kind: "finished" });
  });

  it("does nothing while the user pause is on", () => {
    expect(evaluateCanaryStep(at([{ setWeight: 10 }], {}, true), seen())).toEqual({ kind: "wait" });
  });
});

describe("evaluateCanaryStep: pause", () => {
  it("adds CanaryPauseStep on first visit and waits the duration (int or Go string)", () => {
    for (const duration of [60, "60", "1m"]) {
      const first = evaluateCanaryStep(at([{ pause: { duration } }]), seen());
      expect(first).toEqual({
        kind: "wait",
        pauseCondition: { reason: "CanaryPauseStep", startTime: iso(T0) },
        requeueAfterMs: 60_000,
      });
    }
  });

  it("completes only after startTime + duration has passed", () => {
    const paused = at([{ pause: { duration: "1m" } }], {
      controllerPause: true,
      pauseConditions: [{ reason: "CanaryPauseStep", startTime: iso(T0) }],
    });
    expect(evaluateCanaryStep(paused, seen({ nowMs: T0 + 30_000 }))).toEqual({ kind: "wait", requeueAfterMs: 30_001 });
    expect(evaluateCanaryStep(paused, seen({ nowMs: T0 + 60_000 })).kind).toBe("wait");
    expect(evaluateCanaryStep(paused, seen({ nowMs: T0 + 60_001 }))).toEqual({
      kind: "advance",
      status: { currentStepIndex: 1, pauseConditions: null, controllerPause: false },
    });
  });

  it("waits indefinitely without a duration, until promoted", () => {
    const fresh = evaluateCanaryStep(at([{ pause: {} }]), seen());
    expect(fresh).toEqual({ kind: "wait", pauseCondition: { reason: "CanaryPauseStep", startTime: iso(T0) } });
    const paused = at([{ pause: {} }], {
      controllerPause: true,
      pauseConditions: [{ reason: "CanaryPauseStep", startTime: iso(T0) }],
    });
    expect(evaluateCanaryStep(paused, seen({ nowMs: T0 + 86_400_000 }))).toEqual({ kind: "wait" });
    // promote clears the pause condition while controllerPause stays set: the step is done.
    const promoted = at([{ pause: {} }, { setWeight: 50 }], { controllerPause: true, pauseConditions: null });
    expect(evaluateCanaryStep(promoted, seen()).kind).toBe("advance");
  });

  it("a promoted timed pause completes early", () => {
    const promoted = at([{ pause: { duration: "1h" } }], { controllerPause: true, pauseConditions: [] });
    expect(evaluateCanaryStep(promoted, seen()).kind).toBe("advance");
  });
});

describe("evaluateCanaryStep: analysis and experiment", () => {
  const analysisStep = at([{ analysis: { templates: [{ templateName: "t" }] } }, { setWeight: 50 }]);

  it("advances on Successful, waits while running", () => {
    expect(evaluateCanaryStep(analysisStep, seen({ stepAnalysisPhase: "Running" }))).toEqual({ kind: "wait" });
    expect(evaluateCanaryStep(analysisStep, seen()).kind).toBe("wait");
    expect(evaluateCanaryStep(analysisStep, seen({ stepAnalysisPhase: "Successful" })).kind).toBe("advance");
  });

  it("aborts on Failed or Error, carrying the run's message", () => {
    expect(
      evaluateCanaryStep(analysisStep, seen({ stepAnalysisPhase: "Failed", stepAnalysisMessage: "Metric x failed" })),
    ).toEqual({ kind: "abort", reason: "AnalysisRunFailed", message: "AnalysisRun failed: Metric x failed" });
    expect(evaluateCanaryStep(analysisStep, seen({ stepAnalysisPhase: "Error" }))).toEqual({
      kind: "abort",
      reason: "AnalysisRunFailed",
      message: "AnalysisRun errored",
    });
  });

  it("pauses InconclusiveAnalysisRun on Inconclusive and then holds until promoted", () => {
    expect(evaluateCanaryStep(analysisStep, seen({ stepAnalysisPhase: "Inconclusive" }))).toEqual({
      kind: "wait",
      pauseCondition: { reason: "InconclusiveAnalysisRun", startTime: iso(T0) },
    });
    const held = at([{ analysis: {} }], {
      controllerPause: true,
      pauseConditions: [{ reason: "InconclusiveAnalysisRun", startTime: iso(T0) }],
    });
    expect(evaluateCanaryStep(held, seen({ stepAnalysisPhase: "Inconclusive" }))).toEqual({ kind: "wait" });
  });

  it("handles experiments the same way with their own reasons", () => {
    const exp = at([{ experiment: { templates: [{ name: "a", specRef: "canary" }] } }]);
    expect(evaluateCanaryStep(exp, seen({ experimentPhase: "Successful" })).kind).toBe("advance");
    expect(evaluateCanaryStep(exp, seen({ experimentPhase: "Failed" }))).toMatchObject({
      kind: "abort",
      reason: "ExperimentFailed",
    });
    expect(evaluateCanaryStep(exp, seen({ experimentPhase: "Inconclusive" }))).toMatchObject({
      pauseCondition: { reason: "InconclusiveExperiment" },
    });
    const held = at([{ experiment: {} }], {
      pauseConditions: [{ reason: "InconclusiveExperiment", startTime: iso(T0) }],
    });
    expect(evaluateCanaryStep(held, seen({ experimentPhase: "Successful" }))).toEqual({ kind: "wait" });
  });

  it("completes header and mirror route steps at once, plugin steps when they say so", () => {
    expect(evaluateCanaryStep(at([{ setHeaderRoute: { name: "h" } }]), seen()).kind).toBe("advance");
    expect(evaluateCanaryStep(at([{ setMirrorRoute: { name: "m" } }]), seen()).kind).toBe("advance");
    expect(evaluateCanaryStep(at([{ plugin: { name: "p" } }]), seen()).kind).toBe("wait");
    expect(evaluateCanaryStep(at([{ plugin: { name: "p" } }]), seen({ pluginCompleted: true })).kind).toBe("advance");
  });
});

describe("advanceCanaryStep", () => {
  it("never moves past the step count", () => {
    expect(advanceCanaryStep(at([{ setWeight: 1 }], { currentStepIndex: 1 })).currentStepIndex).toBe(1);
    expect(advanceCanaryStep(at([{ setWeight: 1 }, { pause: {} }], {})).currentStepIndex).toBe(1);
  });
});
