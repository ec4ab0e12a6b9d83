import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "../types/replica-set.ts";
import type { Rollout } from "../types/rollout.ts";
import { atDesiredReplicaCountsForCanary } from "./at-desired-replica-counts.ts";
import { approximateWeightedCounts } from "./basic-canary-counts.ts";
import { calculateReplicaCountsForCanary } from "./canary-replica-counts.ts";
import { maxSurge, maxUnavailable } from "./fenceposts.ts";
import { literalIntOrPercent } from "./int-or-percent.ts";

function rs(name: string, replicas: number, available: number): ReplicaSet {
  return {
    metadata: { name, labels: { "rollouts-pod-template-hash": name } },
    spec: { replicas },
    status: { replicas, availableReplicas: available },
  };
}

/** Surge/unavailable as users write them: pod counts, "N%" or Argo's bare-string percentages. */
const intOrPercent = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`),
  fc.integer({ min: 0, max: 100 }).map((n) => `${n}`),
);

const fenceposts = fc
  .tuple(intOrPercent, intOrPercent)
  // Validation refuses both explicitly zero.
  .filter(([s, u]) => !(literalIntOrPercent(s) === 0 && literalIntOrPercent(u) === 0));

function basicCanary(replicas: number, weight: number, surge: number | string, unavailable: number | string): Rollout {
  return {
    metadata: { name: "app" },
    spec: {
      replicas,
      strategy: {
        canary: { maxSurge: surge, maxUnavailable: unavailable, steps: [{ setWeight: weight }, { pause: {} }] },
      },
    },
    status: { currentStepIndex: 0, stableRS: "stable", currentPodHash: "canary" },
  };
}

interface RsState {
  spec: number;
  available: number;
}

const rsState = (maxSpec: number) =>
  fc
    .integer({ min: 0, max: maxSpec })
    .chain((spec) => fc.record({ spec: fc.constant(spec), available: fc.integer({ min: 0, max: spec + 2 }) }));

/** Pods that stay available after scaling to `count` (the ReplicaSet controller removes unready pods first). */
function keptAvailable(state: RsState, count: number): number {
  return Math.min(state.available, count, state.spec);
}

describe("basic canary replica counts (property)", () => {
  it("never exceed replicas + maxSurge after scaling up, never scale below the availability floor", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fenceposts,
        fc.integer({ min: 0, max: 120 }).chain((n) => rsState(n)),
        fc.integer({ min: 0, max: 120 }).chain((n) => rsState(n)),
        fc.array(rsState(5), { maxLength: 2 }),
        (replicas, weight, [surge, unavailable], canaryState, stableState, olderStates) => {
          const rollout = basicCanary(replicas, weight, surge, unavailable);
          const newRS = rs("canary", canaryState.spec, canaryState.available);
          const stableRS = rs("stable", stableState.spec, stableState.available);
          const others = olderStates.map((s, i) => rs(`old-${i}`, s.spec, s.available));
          const { canary, stable } = calculateReplicaCountsForCanary(rollout, newRS, stableRS, others);
          const limit = replicas + maxSurge(rollout);
          const olderTotal = olderStates.reduce((sum, s) => sum + s.spec, 0);
          const before = canaryState.spec + stableState.spec + olderTotal;
          const after = canary + stable + olderTotal;

          expect(canary).toBeGreaterThanOrEqual(0);
          expect(stable).toBeGreaterThanOrEqual(0);
          // Scaling up only spends the surge budget; an already-larger fleet is never grown further.
          expect(after).toBeLessThanOrEqual(Math.max(limit, before));
          if (canary > canaryState.spec || stable > stableState.spec) expect(after).toBeLessThanOrEqual(limit);

          if (canary < canaryState.spec || stable < stableState.spec) {
            // Canary and stable shrink only once older ReplicaSets are gone, and never take availability
            // below replicas - maxUnavailable (or below what it already was, if lower).
            expect(olderTotal).toBe(0);
            const floor = replicas - maxUnavailable(rollout);
            const availableBefore =
              keptAvailable(canaryState, canaryState.spec) + keptAvailable(stableState, stableState.spec);
            const availableAfter = keptAvailable(canaryState, canary) + keptAvailable(stableState, stable);
            expect(availableAfter).toBeGreaterThanOrEqual(Math.min(floor, availableBefore));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reach the step's target once the ReplicaSets are at their desired sizes, from any earlier split", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fenceposts,
        (replicas, previousWeight, weight, [surge, unavailable]) => {
          const rollout = basicCanary(replicas, weight, surge, unavailable);
          const surgePods = maxSurge(rollout);
          const limit = replicas + surgePods;
          const floor = replicas - maxUnavailable(rollout);
          const start = approximateWeightedCounts(replicas, previousWeight, 100, surgePods);
          const target = approximateWeightedCounts(replicas, weight, 100, surgePods);
          let canary: RsState = { spec: start.canary, available: start.canary };
          let stable: RsState = { spec: start.stable, available: start.stable };
          // Each round the controller scales, then every pod it asked for becomes available.
          for (let round = 0; round < 4 * replicas + 10; round++) {
            const next = calculateReplicaCountsForCanary(
              rollout,
              rs("canary", canary.spec, canary.available),
              rs("stable", stable.spec, stable.available),
            );
            expect(next.canary + next.stable).toBeLessThanOrEqual(Math.max(limit, canary.spec + stable.spec));
            const kept = keptAvailable(canary, next.canary) + keptAvailable(stable, next.stable);
            expect(kept).toBeGreaterThanOrEqual(Math.min(floor, canary.available + stable.available));
            if (next.canary === canary.spec && next.stable === stable.spec) break;
            canary = { spec: next.canary, available: next.canary };
            stable = { spec: next.stable, available: next.stable };
          }
          expect({ canary: canary.spec, stable: stable.spec }).toEqual(target);
          expect(
            atDesiredReplicaCountsForCanary(
              rollout,
              rs("canary", canary.spec, canary.available),
              rs("stable", stable.spec, stable.available),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reach the step's target from any ReplicaSet sizes, older ReplicaSets draining on the way", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fenceposts,
        fc.integer({ min: 0, max: 120 }).chain((n) => rsState(n)),
        fc.integer({ min: 0, max: 120 }).chain((n) => rsState(n)),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
        (replicas, weight, [surge, unavailable], canaryStart, stableStart, olderStart) => {
          const rollout = basicCanary(replicas, weight, surge, unavailable);
          let canary = canaryStart;
          let stable = stableStart;
          let older = olderStart;
          for (let round = 0; round < 8 * replicas + 20; round++) {
            const next = calculateReplicaCountsForCanary(
              rollout,
              rs("canary", canary.spec, canary.available),
              rs("stable", stable.spec, stable.available),
              older.map((n, i) => rs(`old-${i}`, n, n)),
            );
            const unchanged = next.canary === canary.spec && next.stable === stable.spec;
            const allAvailable = canary.available === canary.spec && stable.available === stable.spec;
            if (unchanged && allAvailable && older.every((n) => n === 0)) break;
            // Waiting on older ReplicaSets: the reconciler scales them away, then canary/stable move again.
            if (unchanged && allAvailable) older = older.map(() => 0);
            // Between rounds every requested pod becomes available (a stuck unready pod is a deadline matter).
            canary = { spec: next.canary, available: next.canary };
            stable = { spec: next.stable, available: next.stable };
          }
          const target = approximateWeightedCounts(replicas, weight, 100, maxSurge(rollout));
          expect({ canary: canary.spec, stable: stable.spec }).toEqual(target);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("traffic-routed canary replica counts (property)", () => {
  it("give the canary the pods for its weight, keep the stable whole unless dynamicStableScale", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        (replicas, weight, actualCanaryWeight, dynamicStableScale, minPods) => {
          const rollout: Rollout = {
            metadata: { name: "app" },
            spec: {
              replicas,
              strategy: {
                canary: {
                  canaryService: "c",
                  stableService: "s",
                  trafficRouting: { nginx: { stableIngress: "i" } },
                  dynamicStableScale,
                  minPodsPerReplicaSet: minPods,
                  steps: [{ setWeight: weight }, { pause: {} }],
                },
              },
            },
            status: {
              currentStepIndex: 0,
              stableRS: "stable",
              currentPodHash: "canary",
              canary: {
                weights: { canary: { weight: actualCanaryWeight }, stable: { weight: 100 - actualCanaryWeight } },
              },
            },
          };
          const { canary, stable } = calculateReplicaCountsForCanary(rollout, rs("canary", 0, 0), rs("stable", 0, 0));
          const floorPods = (n: number) => (n === 0 ? 0 : Math.max(n, Math.min(minPods ?? 0, replicas)));
          expect(canary).toBe(floorPods(Math.ceil((weight * replicas) / 100)));
          if (!dynamicStableScale) {
            expect(stable).toBe(replicas);
          } else {
            // The stable keeps the pods for the larger of its desired and its actual traffic share.
            const forTraffic = Math.ceil(((100 - Math.min(weight, actualCanaryWeight)) * replicas) / 100);
            expect(stable).toBe(floorPods(forTraffic));
          }
          expect(canary).toBeLessThanOrEqual(replicas);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
