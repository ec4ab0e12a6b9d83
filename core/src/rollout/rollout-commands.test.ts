import { describe, expect, it } from "vitest";
import type { CanaryStep, Rollout, RolloutStatus } from "../types/rollout.ts";
import {
  abortPatch,
  applyRolloutPatch,
  pausePatch,
  promoteFullPatch,
  promotePatch,
  restartPatch,
  resumePatch,
  retryPatch,
  withPauseCondition,
} from "./rollout-commands.ts";

const steps: CanaryStep[] = [{ setWeight: 20 }, { pause: {} }, { analysis: {} }, { setWeight: 60 }];
const pause = { reason: "CanaryPauseStep", startTime: "2026-11-22T00:00:00Z" } as const;

function canary(status: RolloutStatus, paused = false): Rollout {
  return {
    metadata: { name: "app" },
    spec: { replicas: 3, paused, strategy: { canary: { steps } } },
    status: { stableRS: "s", currentPodHash: "c", ...status },
  };
}

describe("promotePatch", () => {
  it("clears pause conditions without moving the step", () => {
    const r = canary({ currentStepIndex: 1, controllerPause: true, pauseConditions: [pause] });
    expect(promotePatch(r)).toEqual({ status: { pauseConditions: null } });
  });

  it("moves to the next step when nothing is paused (skipping a running analysis)", () => {
    expect(promotePatch(canary({ currentStepIndex: 2 }))).toEqual({ status: { currentStepIndex: 3 } });
    expect(promotePatch(canary({ currentStepIndex: 4 }))).toEqual({ status: { currentStepIndex: 4 } });
  });

  it("after an inconclusive step analysis clears the pause and moves on", () => {
    const r = canary({
      currentStepIndex: 2,
      controllerPause: true,
      pauseConditions: [{ reason: "InconclusiveAnalysisRun", startTime: pause.startTime }],
      canary: { currentStepAnalysisRunStatus: { name: "ar", status: "Inconclusive" } },
    });
    expect(promotePatch(r)).toEqual({
      status: { pauseConditions: null, controllerPause: false, currentStepIndex: 3 },
    });
  });

  it("lifts the user pause too", () => {
    expect(promotePatch(canary({ currentStepIndex: 1, pauseConditions: [pause] }, true))).toEqual({
      spec: { paused: false },
      status: { pauseConditions: null },
    });
  });

  it("for blue-green only clears pause conditions", () => {
    const bg: Rollout = {
      metadata: {},
      spec: { strategy: { blueGreen: { activeService: "a" } } },
      status: { pauseConditions: [{ reason: "BlueGreenPause", startTime: pause.startTime }] },
    };
    expect(promotePatch(bg)).toEqual({ status: { pauseConditions: null } });
    expect(promotePatch({ ...bg, status: {} })).toEqual({});
  });
});

describe("promoteFullPatch", () => {
  it("sets promoteFull unless already fully promoted", () => {
    expect(promoteFullPatch(canary({ currentStepIndex: 1 }))).toEqual({
      spec: { paused: false },
      status: { promoteFull: true },
    });
    expect(promoteFullPatch(canary({ stableRS: "c" }))).toEqual({ spec: { paused: false } });
  });
});

describe("abortPatch and retryPatch", () => {
  it("aborts, stamps the time once, drops pauses and goes back to step 0", () => {
    const now = "2026-11-22T01:00:00Z";
    const r = canary({ currentStepIndex: 3, controllerPause: true, pauseConditions: [pause] });
    expect(abortPatch(r, now)).toEqual({
      status: { abort: true, abortedAt: now, pauseConditions: null, controllerPause: false, currentStepIndex: 0 },
    });
    const again = abortPatch(canary({ abort: true, abortedAt: "2026-11-22T00:30:00Z" }), now);
    expect(again.status?.abortedAt).toBe("2026-11-22T00:30:00Z");
    expect(abortPatch(canary({ stableRS: "c" }), now).status?.currentStepIndex).toBe(4);
  });

  it("retry clears the abort", () => {
    const aborted = applyRolloutPatch(canary({ currentStepIndex: 2 }), abortPatch(canary({}), "t"));
    const retried = applyRolloutPatch(aborted, retryPatch(aborted));
    expect(retried.status?.abort).toBe(false);
    expect(retried.status?.abortedAt).toBeUndefined();
    expect(retried.status?.currentStepIndex).toBe(0);
  });
});

describe("pause, resume, restart and patch application", () => {
  it("pause and resume only touch spec.paused", () => {
    const paused = applyRolloutPatch(canary({}), pausePatch());
    expect(paused.spec.paused).toBe(true);
    expect(applyRolloutPatch(paused, resumePatch()).spec.paused).toBe(false);
    expect(restartPatch("2026-11-22T02:00:00Z")).toEqual({ spec: { restartAt: "2026-11-22T02:00:00Z" } });
  });

  it("applyRolloutPatch deletes nulls and leaves the input unchanged", () => {
    const r = canary({ pauseConditions: [pause], currentStepIndex: 1 });
    const out = applyRolloutPatch(r, promotePatch(r));
    expect(out.status?.pauseConditions).toBeUndefined();
    expect(r.status?.pauseConditions).toHaveLength(1);
  });

  it("withPauseCondition keeps the first start time of a reason", () => {
    const later = { reason: "CanaryPauseStep", startTime: "2026-11-22T05:00:00Z" };
    expect(withPauseCondition([pause], later)).toEqual([pause]);
    expect(withPauseCondition(null, later)).toEqual([later]);
  });
});
