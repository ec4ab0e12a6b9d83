import { describe, expect, it } from "vitest";
import { isWorsePhase, worstPhase } from "./analysis-phase.ts";
import { effectiveCount } from "./effective-count.ts";
import { LruCache } from "./expr/compiled-cache.ts";
import { DurationError, parseGoDuration } from "./go-duration.ts";
import { compileGoRegexp, GoRegexpError } from "./go-regexp.ts";
import { intOrStringValue } from "./int-or-string.ts";
import { dryRunMetricNames, measurementRetentionLimits } from "./metric-rules.ts";

describe("parseGoDuration", () => {
  it.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["-2m", -120_000],
    ["0", 0],
    ["1h2m3s4ms", 3_723_004],
    ["10us", 0.01],
  ])("%s is %d ms", (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["5", 'time: missing unit in duration "5"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["m", 'time: invalid duration "m"'],
  ])("refuses %j", (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(new DurationError(message));
  });
});

describe("compileGoRegexp (unanchored, RE2 features, no catastrophic backtracking)", () => {
  it("matches anywhere in the name, as regexp.MatchString does", () => {
    expect(compileGoRegexp("rate").test("error-rate-5xx")).toBe(true);
    expect(compileGoRegexp("^rate$").test("error-rate")).toBe(false);
    expect(compileGoRegexp("(?i)RATE").test("rate")).toBe(true);
    expect(compileGoRegexp("(?P<kind>web|job)-.*").test("job-1")).toBe(true);
    expect(compileGoRegexp("[[:digit:]]+").test("m5")).toBe(true);
    expect(compileGoRegexp("\\Aab\\z").test("ab")).toBe(true);
  });

  it("refuses what RE2 refuses and what could backtrack forever", () => {
    expect(() => compileGoRegexp("(a)\\1")).toThrow(GoRegexpError);
    expect(() => compileGoRegexp("(a*)*")).toThrow(/nested repetition/);
    expect(() => compileGoRegexp("(x+x+)+y")).toThrow(/nested repetition/);
    expect(() => compileGoRegexp("(")).toThrow(/error parsing regexp/);
    expect(compileGoRegexp("(ab)+c").test("ababc")).toBe(true);
  });
});

describe("dry-run and retention rules", () => {
  const metrics = [{ name: "success-rate" }, { name: "error-rate" }, { name: "latency" }];
  it("selects metrics by unanchored regexp", () => {
    expect([...dryRunMetricNames([{ metricName: "rate" }], metrics)]).toEqual(["success-rate", "error-rate"]);
    expect(dryRunMetricNames([{ metricName: ".*" }], metrics).size).toBe(3);
    expect(dryRunMetricNames(undefined, metrics).size).toBe(0);
  });

  it("applies retention limits with a default of 10", () => {
    const limits = measurementRetentionLimits([{ metricName: "lat", limit: 25 }], metrics);
    expect(Object.fromEntries(limits)).toEqual({ "success-rate": 10, "error-rate": 10, latency: 25 });
  });
});

describe("small helpers", () => {
  it("effectiveCount: count, else 1 without interval, else indefinitely", () => {
    expect(effectiveCount({ count: 5 })).toBe(5);
    expect(effectiveCount({ count: "5" })).toBe(5);
    expect(effectiveCount({})).toBe(1);
    expect(effectiveCount({ count: 0 })).toBe(1);
    expect(effectiveCount({ interval: "1m" })).toBeNull();
    expect(effectiveCount({ count: 0, interval: "1m" })).toBeNull();
  });

  it("intOrStringValue follows intstr.IntValue", () => {
    expect(intOrStringValue("7")).toBe(7);
    expect(intOrStringValue("50%")).toBe(0);
    expect(intOrStringValue(undefined)).toBe(0);
  });

  it("phase order: Successful < Running < Pending < Inconclusive < Error < Failed", () => {
    expect(isWorsePhase("Inconclusive", "Error")).toBe(true);
    expect(isWorsePhase("Error", "Failed")).toBe(true);
    expect(isWorsePhase("Failed", "Error")).toBe(false);
    expect(worstPhase("Successful", "Inconclusive")).toBe("Inconclusive");
    expect(worstPhase("Failed", "Failed")).toBe("Failed");
  });

  it("LruCache evicts the least recently used entry", () => {
    const c = new LruCache<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1);
    c.set("c", 3);
    expect(c.has("b")).toBe(false);
    expect(c.has("a")).toBe(true);
    expect(c.size).toBe(2);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
