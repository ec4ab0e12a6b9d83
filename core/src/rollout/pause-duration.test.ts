import { describe, expect, it } from "vitest";
import { parseGoDurationMs, rolloutPauseSeconds } from "./pause-duration.ts";

describe("rolloutPauseSeconds", () => {
  it("takes numbers and bare numeric strings as seconds", () => {
    expect(rolloutPauseSeconds({ duration: 30 })).toBe(30);
    expect(rolloutPauseSeconds({ duration: "45" })).toBe(45);
    expect(rolloutPauseSeconds({ duration: 0 })).toBe(0);
  });

  it("parses Go durations and truncates to whole seconds", () => {
    expect(rolloutPauseSeconds({ duration: "30s" })).toBe(30);
    expect(rolloutPauseSeconds({ duration: "1h" })).toBe(3600);
    expect(rolloutPauseSeconds({ duration: "1m30s" })).toBe(90);
    expect(rolloutPauseSeconds({ duration: "1.5m" })).toBe(90);
    expect(rolloutPauseSeconds({ duration: "1500ms" })).toBe(1);
  });

  it("is undefined (indefinite) without a duration and -1 when unparseable", () => {
    expect(rolloutPauseSeconds({})).toBeUndefined();
    expect(rolloutPauseSeconds({ duration: "soon" })).toBe(-1);
    expect(rolloutPauseSeconds({ duration: "10x" })).toBe(-1);
    expect(rolloutPauseSeconds({ duration: 1.5 })).toBe(-1);
    expect(rolloutPauseSeconds({ duration: -5 })).toBe(-5);
  });
});

describe("parseGoDurationMs", () => {
  it("accepts Go's units, signs and fractions", () => {
    expect(parseGoDurationMs("2h45m")).toBe(9_900_000);
    expect(parseGoDurationMs("-1s")).toBe(-1000);
    expect(parseGoDurationMs("+.5s")).toBe(500);
    expect(parseGoDurationMs("300us")).toBeCloseTo(0.3);
    expect(parseGoDurationMs("0")).toBe(0);
  });

  it("rejects what Go rejects", () => {
    expect(parseGoDurationMs("")).toBeUndefined();
    expect(parseGoDurationMs("5")).toBeUndefined();
    expect(parseGoDurationMs("1d")).toBeUndefined();
    expect(parseGoDurationMs("1h 30m")).toBeUndefined();
    expect(parseGoDurationMs("h")).toBeUndefined();
  });
});
