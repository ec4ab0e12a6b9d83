import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { isReplicaSetSaturated, readyForBlueGreenPause } from "./replica-set-saturation.ts";
import {
  blueGreenScaleDownDelaySeconds,
  scaleDownDeadline,
  scaleDownDeadlineRemainingMs,
} from "./scale-down-deadline.ts";

function rs(hash: string, replicas: number, available: number, desired = "4"): ReplicaSet {
  return {
    metadata: {
      name: `app-${hash}`,
      labels: { "rollouts-pod-template-hash": hash },
      annotations: { "rollout.argoproj.io/desired-replicas": desired },
    },
    spec: { replicas },
    status: { availableReplicas: available },
  };
}

const rollout = (previewReplicaCount?: number): Rollout => ({
  metadata: { name: "app" },
  spec: { replicas: 4, strategy: { blueGreen: { activeService: "a", previewReplicaCount } } },
  status: { currentPodHash: "new", blueGreen: { activeSelector: "old" } },
});

describe("isReplicaSetSaturated", () => {
  it("needs full size in spec and annotation and every pod available", () => {
    expect(isReplicaSetSaturated(rollout(), rs("new", 4, 4))).toBe(true);
    expect(isReplicaSetSaturated(rollout(), rs("new", 4, 3))).toBe(false);
    expect(isReplicaSetSaturated(rollout(), rs("new", 4, 4, "3"))).toBe(false);
    expect(isReplicaSetSaturated(rollout(), rs("new", 2, 2))).toBe(false);
    expect(isReplicaSetSaturated(rollout(), undefined)).toBe(false);
  });
});

describe("readyForBlueGreenPause", () => {
  it("compares with the preview size while the preview runs smaller", () => {
    const old = rs("old", 4, 4);
    expect(readyForBlueGreenPause(rollout(1), rs("new", 1, 1), [old, rs("new", 1, 1)])).toBe(true);
    expect(readyForBlueGreenPause(rollout(1), rs("new", 1, 0), [old, rs("new", 1, 0)])).toBe(false);
    expect(readyForBlueGreenPause(rollout(), rs("new", 1, 1), [old, rs("new", 1, 1)])).toBe(false);
  });
});

describe("scale-down deadline", () => {
  it("defaults the delay to 30 s and measures what is left of a deadline", () => {
    expect(blueGreenScaleDownDelaySeconds(rollout())).toBe(30);
    const now = Date.parse("2026-01-01T00:00:00.700Z");
    const at = scaleDownDeadline(now, 2);
    expect(at).toBe("2026-01-01T00:00:02Z");
    const marked = rs("old", 4, 4);
    marked.metadata.annotations = { "scale-down-deadline": at };
    expect(scaleDownDeadlineRemainingMs(marked, now)).toBe(1300);
    expect(scaleDownDeadlineRemainingMs(rs("old", 4, 4), now)).toBeUndefined();
  });
});
