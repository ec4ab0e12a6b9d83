import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout, RolloutStatus } from "../types/rollout.ts";
import { blueGreenPreviewCheckpoint, calculateNewReplicasForBlueGreen } from "./blue-green-counts.ts";

function rs(hash: string, replicas: number, available = replicas): ReplicaSet {
  return {
    metadata: { name: `app-${hash}`, labels: { "rollouts-pod-template-hash": hash } },
    spec: { replicas },
    status: { availableReplicas: available },
  };
}

function bg(status: RolloutStatus, previewReplicaCount: number | undefined = 2, paused = false): Rollout {
  return {
    metadata: { name: "app" },
    spec: {
      replicas: 5,
      paused,
      strategy: { blueGreen: { activeService: "a", previewService: "p", previewReplicaCount } },
    },
    status,
  };
}

const active = rs("old", 5);
const preview = rs("new", 0);

describe("calculateNewReplicasForBlueGreen", () => {
  it("is spec.replicas without previewReplicaCount", () => {
    expect(calculateNewReplicasForBlueGreen(bg({}, undefined), preview, [active, preview])).toBe(5);
  });

  it("runs the preview at previewReplicaCount until promotion", () => {
    const status: RolloutStatus = { currentPodHash: "new", blueGreen: { activeSelector: "old" } };
    expect(calculateNewReplicasForBlueGreen(bg(status), preview, [active, preview])).toBe(2);
  });

  it("scales to full size with no active ReplicaSet, once active, or on promote-full", () => {
    expect(calculateNewReplicasForBlueGreen(bg({ currentPodHash: "new" }), preview, [preview])).toBe(5);
    const isActive: RolloutStatus = { currentPodHash: "new", blueGreen: { activeSelector: "new" } };
    expect(calculateNewReplicasForBlueGreen(bg(isActive), preview, [active, preview])).toBe(5);
    const full: RolloutStatus = { currentPodHash: "new", promoteFull: true, blueGreen: { activeSelector: "old" } };
    expect(calculateNewReplicasForBlueGreen(bg(full), preview, [active, preview])).toBe(5);
  });

  it("scales up after resume past the preview checkpoint, not while paused", () => {
    const resumed: RolloutStatus = {
      currentPodHash: "new",
      blueGreen: { activeSelector: "old", scaleUpPreviewCheckPoint: true },
    };
    expect(calculateNewReplicasForBlueGreen(bg(resumed), preview, [active, preview])).toBe(5);
    const stillPaused: RolloutStatus = {
      ...resumed,
      pauseConditions: [{ reason: "BlueGreenPause", startTime: "2026-01-01T00:00:00Z" }],
    };
    expect(calculateNewReplicasForBlueGreen(bg(stillPaused), preview, [active, preview])).toBe(2);
    expect(calculateNewReplicasForBlueGreen(bg(resumed, 2, true), preview, [active, preview])).toBe(2);
  });

  it("starts a newer template at the preview size again", () => {
    const status: RolloutStatus = {
      currentPodHash: "older-preview",
      blueGreen: { activeSelector: "old", scaleUpPreviewCheckPoint: true },
    };
    expect(calculateNewReplicasForBlueGreen(bg(status), preview, [active, preview])).toBe(2);
  });
});

describe("blueGreenPreviewCheckpoint", () => {
  it("is reached when the preview has exactly previewReplicaCount available", () => {
    expect(blueGreenPreviewCheckpoint(bg({}), rs("new", 2), active, false)).toBe(true);
    expect(blueGreenPreviewCheckpoint(bg({}), rs("new", 2, 1), active, false)).toBe(false);
  });

  it("resets on a template change or once the preview is active, else keeps its value", () => {
    const reached = bg({ blueGreen: { scaleUpPreviewCheckPoint: true } });
    expect(blueGreenPreviewCheckpoint(reached, rs("new", 5, 4), active, true)).toBe(false);
    expect(blueGreenPreviewCheckpoint(reached, rs("new", 5, 4), rs("new", 5, 4), false)).toBe(false);
    expect(blueGreenPreviewCheckpoint(reached, rs("new", 5, 4), active, false)).toBe(true);
  });
});
