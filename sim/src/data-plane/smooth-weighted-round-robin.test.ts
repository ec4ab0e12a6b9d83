import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SmoothWeightedRoundRobin } from "./smooth-weighted-round-robin.ts";

describe("SmoothWeightedRoundRobin", () => {
  it("interleaves picks as NGINX does (5:1:1 → a a b a c a a)", () => {
    const rr = new SmoothWeightedRoundRobin<string>();
    rr.setWeights([
      ["a", 5],
      ["b", 1],
      ["c", 1],
    ]);
    expect(Array.from({ length: 7 }, () => rr.next())).toEqual(["a", "a", "b", "a", "c", "a", "a"]);
  });

  it("gives each peer exactly its weight per cycle, in bulk or one by one", () => {
    const bulk = new SmoothWeightedRoundRobin<string>();
    const single = new SmoothWeightedRoundRobin<string>();
    const weights: [string, number][] = [
      ["stable", 90],
      ["canary", 10],
    ];
    bulk.setWeights(weights);
    single.setWeights(weights);
    const counted = new Map<string, number>();
    for (let i = 0; i < 1_037; i++) {
      const k = single.next()!;
      counted.set(k, (counted.get(k) ?? 0) + 1);
    }
    expect(bulk.distribute(1_037)).toEqual(counted);
    // 10 whole cycles (900) + 37 picks, of which the spread-out canary takes 4.
    expect(counted.get("stable")).toBe(933);
    // After whole cycles the bulk path continues the same sequence as single picks.
    expect(bulk.next()).toBe(single.next());
  });

  it("keeps running scores of peers that stay when weights change, and ignores zero weights", () => {
    const rr = new SmoothWeightedRoundRobin<string>();
    rr.setWeights([
      ["a", 1],
      ["b", 1],
    ]);
    expect(rr.next()).toBe("a");
    rr.setWeights([
      ["a", 1],
      ["b", 1],
      ["c", 0],
    ]);
    expect(rr.size).toBe(2);
    expect(rr.next()).toBe("b");
    expect(new SmoothWeightedRoundRobin<string>().distribute(10).size).toBe(0);
  });
});

describe("SmoothWeightedRoundRobin properties", () => {
  it("bulk distribution equals one-by-one picks and stays within one request of the exact share", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 400 }),
        (weights, count) => {
          const entries = weights.map((w, i): [number, number] => [i, w]);
          const bulk = new SmoothWeightedRoundRobin<number>();
          const single = new SmoothWeightedRoundRobin<number>();
          bulk.setWeights(entries);
          single.setWeights(entries);
          const picked = new Map<number, number>();
          for (let i = 0; i < count; i++) {
            const k = single.next()!;
            picked.set(k, (picked.get(k) ?? 0) + 1);
          }
          const got = bulk.distribute(count);
          const total = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, i) => {
            expect(got.get(i) ?? 0).toBe(picked.get(i) ?? 0);
            // SWRR never drifts more than one pick (per peer) from the exact proportional share.
            expect(Math.abs((got.get(i) ?? 0) - (count * w) / total)).toBeLessThan(weights.length);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
