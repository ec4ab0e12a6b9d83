import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { CanaryStrategy, Rollout } from "../types/rollout.ts";
import { atDesiredReplicaCountsForCanary, canaryProgressThreshold } from "./at-desired-replica-counts.ts";

function rs(name: string, spec: number, available = spec, created = spec): ReplicaSet {
  return { metadata: { name }, spec: { replicas: spec }, status: { replicas: created, availableReplicas: available } };
}

function rollout(extra: Partial<CanaryStrategy> = {}): Rollout {
  return {
    metadata: { name: "app" },
    spec: { replicas: 10, strategy: { canary: { steps: [{ setWeight: 30 }, { pause: {} }], ...extra } } },
    status: { currentStepIndex: 0, stableRS: "s", currentPodHash: "c" },
  };
}

const routing = { canaryService: "c", stableService: "s", trafficRouting: { smi: {} } };

describe("atDesiredReplicaCountsForCanary", () => {
  it("is true when canary and stable are scaled, created and available at the desired counts", () => {
    expect(atDesiredReplicaCountsForCanary(rollout(), rs("c", 3), rs("s", 7))).toBe(true);
  });

  it("waits for canary pods to become available, and for the stable to scale", () => {
    expect(atDesiredReplicaCountsForCanary(rollout(), rs("c", 3, 2), rs("s", 7))).toBe(false);
    expect(atDesiredReplicaCountsForCanary(rollout(), rs("c", 3), rs("s", 7, 7, 8))).toBe(false);
    expect(atDesiredReplicaCountsForCanary(rollout(), undefined, rs("s", 7))).toBe(false);
  });

  it("without a router waits until older ReplicaSets have no available pods", () => {
    expect(atDesiredReplicaCountsForCanary(rollout(), rs("c", 3), rs("s", 7), [rs("old", 0, 1)])).toBe(false);
    expect(atDesiredReplicaCountsForCanary(rollout(), rs("c", 3), rs("s", 7), [rs("old", 0, 0)])).toBe(true);
  });

  it("with a router ignores older ReplicaSets and wants the stable at 100 %", () => {
    const r = rollout(routing);
    expect(atDesiredReplicaCountsForCanary(r, rs("c", 3), rs("s", 10), [rs("old", 2)])).toBe(true);
    expect(atDesiredReplicaCountsForCanary(r, rs("c", 3), rs("s", 7))).toBe(false);
  });

  it("with dynamicStableScale does not check the stable", () => {
    const r = rollout({ ...routing, dynamicStableScale: true });
    expect(atDesiredReplicaCountsForCanary(r, rs("c", 3), rs("s", 4))).toBe(true);
  });

  it("honours replicaProgressThreshold as pods or percent", () => {
    const pods = rollout({ replicaProgressThreshold: { type: "Pods", value: 2 } });
    expect(atDesiredReplicaCountsForCanary(pods, rs("c", 3, 2), rs("s", 7))).toBe(true);
    expect(atDesiredReplicaCountsForCanary(pods, rs("c", 3, 1), rs("s", 7))).toBe(false);
    const percent = rollout({ replicaProgressThreshold: { type: "Percent", value: 50 } });
    expect(canaryProgressThreshold(percent, 3)).toBe(2);
    expect(canaryProgressThreshold(rollout(), 3)).toBe(3);
    expect(canaryProgressThreshold(pods, 1)).toBe(1);
  });

  it("is false for a non-canary rollout", () => {
    const bg: Rollout = { metadata: {}, spec: { strategy: { blueGreen: { activeService: "a" } } } };
    expect(atDesiredReplicaCountsForCanary(bg, rs("c", 1), rs("s", 1))).toBe(false);
  });
});
