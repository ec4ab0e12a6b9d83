import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { CanaryStep, Rollout, RolloutStatus } from "../types/rollout.ts";
import { desiredRouterWeight } from "./desired-router-weight.ts";

const steps: CanaryStep[] = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: 30 } }];

function rs(name: string, spec: number, available = spec): ReplicaSet {
  return { metadata: { name }, spec: { replicas: spec }, status: { replicas: spec, availableReplicas: available } };
}

function routed(status: RolloutStatus, extra: Record<string, unknown> = {}): Rollout {
  return {
    metadata: { name: "app" },
    spec: {
      replicas: 10,
      strategy: {
        canary: { canaryService: "c", stableService: "s", trafficRouting: { nginx: {} }, steps, ...extra },
      },
    },
    status: { stableRS: "s", currentPodHash: "c", ...status },
  };
}

const weights = (canary: number) => ({ canary: { weight: canary }, stable: { weight: 100 - canary } });

describe("desiredRouterWeight", () => {
  it("sends the current setWeight once the step's pods are ready", () => {
    expect(desiredRouterWeight(routed({ currentStepIndex: 1 }), rs("c", 2), rs("s", 10))).toEqual({
      weight: 20,
      removeManagedRoutes: false,
      send: true,
    });
  });

  it("keeps the previous setWeight while the canary is still scaling for this step", () => {
    expect(desiredRouterWeight(routed({ currentStepIndex: 2 }), rs("c", 2), rs("s", 10)).weight).toBe(20);
    expect(desiredRouterWeight(routed({ currentStepIndex: 2 }), rs("c", 6), rs("s", 10)).weight).toBe(60);
  });

  it("sends 0 while the canary has no available pod", () => {
    expect(desiredRouterWeight(routed({ currentStepIndex: 1 }), rs("c", 2, 0), rs("s", 10))).toEqual({
      weight: 0,
      removeManagedRoutes: true,
      send: true,
    });
    expect(desiredRouterWeight(routed({ currentStepIndex: 1 }), undefined, rs("s", 10)).weight).toBe(0);
  });

  it("sends the maximum past the last step, and 0 with routes removed once fully promoted", () => {
    expect(desiredRouterWeight(routed({ currentStepIndex: 4 }), rs("c", 10), rs("s", 10)).weight).toBe(100);
    expect(desiredRouterWeight(routed({ currentStepIndex: 4, stableRS: "c" }), rs("c", 10), rs("c", 10))).toEqual({
      weight: 0,
      removeManagedRoutes: true,
      send: true,
    });
  });

  it("on abort goes to 0 at once, or steps down with dynamicStableScale", () => {
    const aborted = routed({ abort: true, currentStepIndex: 0, canary: { weights: weights(60) } });
    expect(desiredRouterWeight(aborted, rs("c", 6), rs("s", 10))).toEqual({
      weight: 0,
      removeManagedRoutes: true,
      send: true,
    });
    const dynamic = routed(
      { abort: true, currentStepIndex: 0, canary: { weights: weights(60) } },
      { dynamicStableScale: true },
    );
    // Stable has 5 of 10 available: 5 canary pods still needed ⇒ the 20 % step (2 pods) — never above 60.
    expect(desiredRouterWeight(dynamic, rs("c", 6), rs("s", 5, 5)).weight).toBe(20);
    const lower = routed(
      { abort: true, currentStepIndex: 0, canary: { weights: weights(10) } },
      { dynamicStableScale: true },
    );
    expect(desiredRouterWeight(lower, rs("c", 6), rs("s", 5, 5)).weight).toBe(10);
  });

  it("on promote-full keeps the weight, or follows available canary pods with dynamicStableScale", () => {
    const full = routed({ promoteFull: true, currentStepIndex: 1, canary: { weights: weights(20) } });
    expect(desiredRouterWeight(full, rs("c", 10, 7), rs("s", 10))).toEqual({
      weight: 20,
      removeManagedRoutes: true,
      send: true,
    });
    const dynamic = routed({ promoteFull: true, currentStepIndex: 1 }, { dynamicStableScale: true });
    expect(desiredRouterWeight(dynamic, rs("c", 10, 7), rs("s", 10)).weight).toBe(70);
  });

  it("holds the send while the stable lacks pods for its share", () => {
    expect(desiredRouterWeight(routed({ currentStepIndex: 1 }), rs("c", 2), rs("s", 10, 7)).send).toBe(false);
    expect(desiredRouterWeight(routed({ currentStepIndex: 1 }), rs("c", 2), rs("s", 10, 8)).send).toBe(true);
  });
});
