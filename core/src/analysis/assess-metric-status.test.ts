import { describe, expect, it } from "vitest";
import type { Measurement, Metric, MetricResult } from "../types/analysis.ts";
import { assessMetricLimits, assessMetricStatus } from "./assess-metric-status.ts";

const done = (phase: Measurement["phase"]): Measurement => ({ phase, finishedAt: "2026-01-01T00:00:00Z" });
const metric = (m: Partial<Metric> = {}): Metric => ({ name: "m", provider: { prometheus: {} }, ...m });
const result = (r: Partial<MetricResult> = {}): MetricResult => ({
  name: "m",
  phase: "Running",
  measurements: [done("Successful")],
  count: 1,
  successful: 1,
  ...r,
});

describe("assessMetricStatus, in Argo's order", () => {
  it("1. keeps a completed phase", () => {
    expect(assessMetricStatus(metric(), result({ phase: "Failed", failed: 0 }), false)).toBe("Failed");
  });

  it("2. no measurements: Pending, or Successful when terminating", () => {
    expect(assessMetricStatus(metric(), result({ measurements: [] }), false)).toBe("Pending");
    expect(assessMetricStatus(metric(), result({ measurements: [] }), true)).toBe("Successful");
  });

  it("3. an in-flight last measurement keeps it Running", () => {
    const r = result({ measurements: [done("Successful"), { phase: "Running" }], failed: 5 });
    expect(assessMetricStatus(metric(), r, true)).toBe("Running");
  });

  it("4. failed > failureLimit ⇒ Failed (default limit 0)", () => {
    const r = result({ measurements: [done("Failed")], failed: 1, count: 1, successful: 0 });
    expect(assessMetricStatus(metric({ interval: "1m" }), r, false)).toBe("Failed");
    expect(assessMetricStatus(metric({ interval: "1m", failureLimit: 1 }), r, false)).toBe("Running");
    expect(assessMetricStatus(metric({ interval: "1m", failureLimit: "1" }), r, false)).toBe("Running");
  });

  it("4. inconclusive > inconclusiveLimit ⇒ Inconclusive", () => {
    const r = result({ measurements: [done("Inconclusive")], inconclusive: 2, count: 2 });
    expect(assessMetricStatus(metric({ interval: "1m", inconclusiveLimit: 1 }), r, false)).toBe("Inconclusive");
    expect(assessMetricStatus(metric({ interval: "1m", inconclusiveLimit: 2 }), r, false)).toBe("Running");
  });

  it("4. consecutiveError > consecutiveErrorLimit ⇒ Error (default 4)", () => {
    const r = (n: number) => result({ measurements: [done("Error")], error: n, consecutiveError: n, count: 0 });
    expect(assessMetricStatus(metric(), r(4), false)).toBe("Running");
    expect(assessMetricStatus(metric(), r(5), false)).toBe("Error");
    expect(assessMetricStatus(metric({ consecutiveErrorLimit: 0 }), r(1), false)).toBe("Error");
  });

  it("4. later checks override earlier ones: Error > Inconclusive > Failed", () => {
    const all = result({ measurements: [done("Error")], failed: 1, inconclusive: 1, consecutiveError: 5 });
    expect(assessMetricStatus(metric(), all, false)).toBe("Error");
    const two = result({ measurements: [done("Failed")], failed: 1, inconclusive: 1 });
    expect(assessMetricStatus(metric(), two, false)).toBe("Inconclusive");
    expect(assessMetricLimits(metric(), all)).toEqual({
      phase: "Error",
      message: "consecutiveErrors (5) > consecutiveErrorLimit (4)",
    });
    expect(assessMetricLimits(metric(), two).message).toBe("inconclusive (1) > inconclusiveLimit (0)");
    expect(assessMetricLimits(metric({ failureLimit: 2 }), result({ failed: 3 })).message).toBe(
      "failed (3) > failureLimit (2)",
    );
    expect(assessMetricLimits(metric(), result())).toEqual({});
  });

  it("4. failureLimit -1 disables the failure check", () => {
    const r = result({ measurements: [done("Failed")], failed: 9, count: 9 });
    expect(assessMetricStatus(metric({ interval: "1m", failureLimit: -1, consecutiveSuccessLimit: 2 }), r, false)).toBe(
      "Running",
    );
  });

  it("5. consecutiveSuccessLimit reached ⇒ Successful, even before count", () => {
    const m = metric({ interval: "1m", count: 10, consecutiveSuccessLimit: 3, failureLimit: 5 });
    expect(assessMetricStatus(m, result({ consecutiveSuccess: 3, count: 4, failed: 1 }), false)).toBe("Successful");
    expect(assessMetricStatus(m, result({ consecutiveSuccess: 2, count: 4, failed: 1 }), false)).toBe("Running");
  });

  it("6. count reached ⇒ Successful; tolerated failures do not matter", () => {
    const m = metric({ interval: "1m", count: 3, failureLimit: 1 });
    expect(assessMetricStatus(m, result({ count: 3, failed: 1, successful: 2 }), false)).toBe("Successful");
    expect(assessMetricStatus(m, result({ count: 2, failed: 1, successful: 1 }), false)).toBe("Running");
  });

  it("6. count reached without the consecutive successes: Inconclusive with a failure limit, else Failed", () => {
    const withLimit = metric({ interval: "1m", count: 5, failureLimit: 2, consecutiveSuccessLimit: 3 });
    const r = result({ count: 5, failed: 2, successful: 3, consecutiveSuccess: 1 });
    expect(assessMetricStatus(withLimit, r, false)).toBe("Inconclusive");
    const only = metric({ interval: "1m", count: 5, failureLimit: -1, consecutiveSuccessLimit: 3 });
    expect(assessMetricStatus(only, r, false)).toBe("Failed");
  });

  it("6. no count and no interval means one measurement; count 0 is the same as none", () => {
    expect(assessMetricStatus(metric(), result(), false)).toBe("Successful");
    expect(assessMetricStatus(metric({ count: 0 }), result(), false)).toBe("Successful");
  });

  it("7. an indefinite metric (interval, no count) runs until terminated", () => {
    const m = metric({ interval: "30s" });
    expect(assessMetricStatus(m, result({ count: 50, successful: 50 }), false)).toBe("Running");
    expect(assessMetricStatus(m, result({ count: 50, successful: 50 }), true)).toBe("Successful");
    expect(assessMetricStatus(metric({ interval: "30s", count: 0 }), result({ count: 50 }), false)).toBe("Running");
  });

  it("Error measurements do not count towards count", () => {
    const m = metric({ interval: "1m", count: 2 });
    const r = result({ measurements: [done("Successful"), done("Error")], count: 1, error: 1, consecutiveError: 1 });
    expect(assessMetricStatus(m, r, false)).toBe("Running");
  });
});
