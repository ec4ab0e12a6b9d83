import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { BlueGreenStrategy, Rollout, RolloutStatus } from "../types/rollout.ts";
import {
  completedBlueGreenPause,
  decideBlueGreenPause,
  needsBlueGreenControllerPause,
  scaleUpPreviewCheckpoint,
} from "./blue-green-pause.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");

function rs(
  hash: string,
  replicas: number,
  available = replicas,
  annotations: Record<string, string> = {},
): ReplicaSet {
  return {
    metadata: {
      name: `app-${hash}`,
      labels: { "rollouts-pod-template-hash": hash },
      annotations: { "rollout.argoproj.io/desired-replicas": "3", ...annotations },
    },
    spec: { replicas },
    status: { availableReplicas: available },
  };
}

function bg(strategy: Partial<BlueGreenStrategy>, status: RolloutStatus = {}, paused = false): Rollout {
  return {
    metadata: { name: "app" },
    spec: { replicas: 3, paused, strategy: { blueGreen: { activeService: "a", previewService: "p", ...strategy } } },
    status: { currentPodHash: "new", blueGreen: { activeSelector: "old" }, ...status },
  };
}

const pausedAt = { pauseConditions: [{ reason: "BlueGreenPause", startTime: "2026-01-01T00:00:00Z" }] };
const input = (newRS: ReplicaSet, activeHash = "old") => ({
  newRS,
  allRSs: [rs("old", 3), newRS],
  activeHash,
  nowMs: T0 + 5000,
  prePromotionComplete: true,
});

describe("needsBlueGreenControllerPause", () => {
  it("is set by autoPromotionEnabled: false or autoPromotionSeconds > 0 only", () => {
    expect(needsBlueGreenControllerPause(bg({}))).toBe(false);
    expect(needsBlueGreenControllerPause(bg({ autoPromotionEnabled: false }))).toBe(true);
    expect(needsBlueGreenControllerPause(bg({ autoPromotionSeconds: 10 }))).toBe(true);
    expect(needsBlueGreenControllerPause(bg({ autoPromotionEnabled: true, autoPromotionSeconds: 0 }))).toBe(false);
  });
});

describe("decideBlueGreenPause", () => {
  it("pauses once the preview is fully available, not before", () => {
    const ro = bg({ autoPromotionEnabled: false });
    expect(decideBlueGreenPause(ro, input(rs("new", 3, 2)))).toEqual({ pause: false, unpause: false });
    expect(decideBlueGreenPause(ro, input(rs("new", 3)))).toEqual({ pause: true, unpause: false });
  });

  it("pauses at previewReplicaCount when the preview runs smaller", () => {
    const ro = bg({ autoPromotionEnabled: false, previewReplicaCount: 1 });
    expect(decideBlueGreenPause(ro, input(rs("new", 1)))).toEqual({ pause: true, unpause: false });
  });

  it("does not pause again after a promote (condition gone, controllerPause kept)", () => {
    const ro = bg({ autoPromotionEnabled: false }, { controllerPause: true });
    expect(decideBlueGreenPause(ro, input(rs("new", 3))).pause).toBe(false);
  });

  it("never pauses a fast-tracked update: first deploy, promote-full, already active, within scale-down delay", () => {
    const ro = bg({ autoPromotionEnabled: false });
    expect(decideBlueGreenPause(ro, input(rs("new", 3), "")).pause).toBe(false);
    expect(decideBlueGreenPause(ro, input(rs("new", 3), "new")).pause).toBe(false);
    expect(
      decideBlueGreenPause(bg({ autoPromotionEnabled: false }, { promoteFull: true }), input(rs("new", 3))).pause,
    ).toBe(false);
    const delayed = rs("new", 3, 3, { "scale-down-deadline": "2026-01-01T00:01:00Z" });
    expect(decideBlueGreenPause(ro, input(delayed)).pause).toBe(false);
  });

  it("holds while aborted or user-paused", () => {
    expect(decideBlueGreenPause(bg({ autoPromotionEnabled: false }, { abort: true }), input(rs("new", 3))).pause).toBe(
      false,
    );
    expect(decideBlueGreenPause(bg({ autoPromotionEnabled: false }, {}, true), input(rs("new", 3))).pause).toBe(false);
  });

  it("ends an autoPromotionSeconds pause at its deadline and asks to be woken for it", () => {
    const ro = bg({ autoPromotionSeconds: 30 }, { ...pausedAt, controllerPause: true });
    const early = decideBlueGreenPause(ro, input(rs("new", 3)));
    expect(early).toEqual({ pause: false, unpause: false, requeueAfterMs: 25_001 });
    const late = decideBlueGreenPause(ro, { ...input(rs("new", 3)), nowMs: T0 + 31_000 });
    expect(late).toEqual({ pause: false, unpause: true });
  });

  it("ignores autoPromotionSeconds when auto-promotion is disabled", () => {
    const ro = bg({ autoPromotionEnabled: false, autoPromotionSeconds: 1 }, { ...pausedAt, controllerPause: true });
    expect(decideBlueGreenPause(ro, { ...input(rs("new", 3)), nowMs: T0 + 60_000 })).toEqual({
      pause: false,
      unpause: false,
    });
  });
});

describe("completedBlueGreenPause", () => {
  it("is complete without a controller pause, never in the round that pauses", () => {
    expect(completedBlueGreenPause(bg({}), T0)).toBe(true);
    expect(completedBlueGreenPause(bg({}), T0, true)).toBe(false);
  });
  it("with auto-promotion disabled, completes only when promoted", () => {
    const ro = bg({ autoPromotionEnabled: false });
    expect(completedBlueGreenPause({ ...ro, status: { ...ro.status, ...pausedAt, controllerPause: true } }, T0)).toBe(
      false,
    );
    expect(completedBlueGreenPause({ ...ro, status: { ...ro.status, controllerPause: true } }, T0)).toBe(true);
    expect(completedBlueGreenPause(ro, T0)).toBe(false);
  });
  it("with autoPromotionSeconds, completes strictly after the deadline", () => {
    const ro = bg({ autoPromotionSeconds: 10 }, pausedAt);
    expect(completedBlueGreenPause(ro, T0 + 10_000)).toBe(false);
    expect(completedBlueGreenPause(ro, T0 + 10_001)).toBe(true);
  });
});

describe("scaleUpPreviewCheckpoint", () => {
  const ro = bg({ autoPromotionEnabled: false, previewReplicaCount: 1 });
  it("trips only after the pause with exactly the preview count available, then stays", () => {
    expect(scaleUpPreviewCheckpoint(ro, rs("new", 1), false, true)).toBe(false);
    expect(scaleUpPreviewCheckpoint(ro, rs("new", 1), true, false)).toBe(false);
    expect(scaleUpPreviewCheckpoint(ro, rs("new", 1), true, true)).toBe(true);
    expect(scaleUpPreviewCheckpoint(ro, rs("new", 2), true, true)).toBe(false);
    const tripped = { ...ro, status: { ...ro.status, blueGreen: { scaleUpPreviewCheckPoint: true } } };
    expect(scaleUpPreviewCheckpoint(tripped, rs("new", 3), false, true)).toBe(true);
  });
  it("is always false without previewReplicaCount", () => {
    expect(scaleUpPreviewCheckpoint(bg({}), rs("new", 3), true, true)).toBe(false);
  });
});
