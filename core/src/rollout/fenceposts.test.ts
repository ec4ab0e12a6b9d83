import { describe, expect, it } from "vitest";
import type { Rollout } from "../types/rollout.ts";
import { maxSurge, maxUnavailable, resolveFenceposts } from "./fenceposts.ts";
import { literalIntOrPercent, resolveIntOrPercent } from "./int-or-percent.ts";
import { RolloutSpecError } from "./rollout-spec-error.ts";

function canary(replicas: number, surge?: number | string, unavailable?: number | string): Rollout {
  return {
    metadata: { name: "r" },
    spec: { replicas, strategy: { canary: { maxSurge: surge, maxUnavailable: unavailable } } },
  };
}

describe("resolveIntOrPercent", () => {
  it("reads every string as a percentage, with or without %", () => {
    expect(resolveIntOrPercent("25%", 10, true, "f")).toBe(3);
    expect(resolveIntOrPercent("25", 10, true, "f")).toBe(3);
    expect(resolveIntOrPercent("25", 10, false, "f")).toBe(2);
    // "1" is 1 %, not one pod (argo-rollouts#4567).
    expect(resolveIntOrPercent("1", 10, true, "f")).toBe(1);
    expect(resolveIntOrPercent("1", 10, false, "f")).toBe(0);
  });

  it("takes integers as pod counts and rounds only percentages", () => {
    expect(resolveIntOrPercent(3, 10, false, "f")).toBe(3);
    expect(resolveIntOrPercent("50%", 3, true, "f")).toBe(2);
    expect(resolveIntOrPercent("50%", 3, false, "f")).toBe(1);
    expect(resolveIntOrPercent("100%", 7, false, "f")).toBe(7);
  });

  it("rejects malformed values naming the field", () => {
    expect(() => resolveIntOrPercent("abc", 10, true, "spec.strategy.canary.maxSurge")).toThrow(RolloutSpecError);
    expect(() => resolveIntOrPercent(1.5, 10, true, "x")).toThrow(/must be an integer/);
    try {
      resolveIntOrPercent("2x%", 10, true, "spec.strategy.canary.maxSurge");
    } catch (error) {
      expect(error).toBeInstanceOf(RolloutSpecError);
      expect((error as RolloutSpecError).code).toBe("InvalidSpec");
      expect((error as RolloutSpecError).field).toBe("spec.strategy.canary.maxSurge");
    }
  });

  it("reads literal values the way the validator does", () => {
    expect(literalIntOrPercent("0%")).toBe(0);
    expect(literalIntOrPercent("25")).toBe(25);
    expect(literalIntOrPercent(0)).toBe(0);
    expect(literalIntOrPercent("x")).toBeUndefined();
  });
});

describe("resolveFenceposts", () => {
  it("defaults both to the string 25, i.e. 25 %: surge rounds up, unavailable down", () => {
    expect(resolveFenceposts(canary(10))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(resolveFenceposts(canary(4))).toEqual({ maxSurge: 1, maxUnavailable: 1 });
    expect(resolveFenceposts(canary(3))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it("lets unavailable be 1 when both resolve to 0 by rounding", () => {
    expect(resolveFenceposts(canary(5, 0, "10%"))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  it("caps unavailable at replicas and is 0 with no replicas", () => {
    expect(maxUnavailable(canary(5, 1, 20))).toBe(5);
    expect(maxUnavailable(canary(0, 1, 1))).toBe(0);
    expect(maxSurge(canary(0))).toBe(0);
  });

  it("never surges blue-green and reads its own maxUnavailable", () => {
    const bg: Rollout = {
      metadata: {},
      spec: { replicas: 10, strategy: { blueGreen: { activeService: "a", maxUnavailable: "50%" } } },
    };
    expect(maxSurge(bg)).toBe(0);
    expect(maxUnavailable(bg)).toBe(5);
    const bgDefault: Rollout = {
      metadata: {},
      spec: { replicas: 10, strategy: { blueGreen: { activeService: "a" } } },
    };
    expect(maxUnavailable(bgDefault)).toBe(2);
  });
});
