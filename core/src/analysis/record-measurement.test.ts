import { describe, expect, it } from "vitest";
import type { MetricResult } from "../types/analysis.ts";
import { recordMeasurement, trimMeasurements } from "./record-measurement.ts";

const NOW = "2026-03-01T12:00:00Z";

describe("recordMeasurement", () => {
  it("counts Successful, Failed and Inconclusive towards count; Error only towards error", () => {
    let r: MetricResult | undefined;
    for (const phase of ["Successful", "Successful", "Error", "Failed", "Inconclusive", "Error", "Error"] as const) {
      r = recordMeasurement(r, "m", { phase }, { now: NOW });
    }
    expect(r).toMatchObject({
      name: "m",
      phase: "Running",
      count: 4,
      successful: 2,
      failed: 1,
      inconclusive: 1,
      error: 3,
      consecutiveError: 2,
      consecutiveSuccess: 0,
    });
    expect(r?.measurements).toHaveLength(7);
    expect(r?.measurements?.every((m) => m.finishedAt === NOW)).toBe(true);
  });

  it("tracks consecutive successes and resets them on anything else", () => {
    let r = recordMeasurement(undefined, "m", { phase: "Successful" }, { now: NOW });
    r = recordMeasurement(r, "m", { phase: "Successful" }, { now: NOW });
    expect(r.consecutiveSuccess).toBe(2);
    r = recordMeasurement(r, "m", { phase: "Inconclusive" }, { now: NOW });
    expect(r.consecutiveSuccess).toBe(0);
  });

  it("replaces an in-flight measurement when it finishes, without touching the input", () => {
    const start = recordMeasurement(undefined, "m", { phase: "Running", startedAt: NOW }, { now: NOW, dryRun: true });
    expect(start.count ?? 0).toBe(0);
    expect(start.dryRun).toBe(true);
    const end = recordMeasurement(start, "m", { phase: "Failed", startedAt: NOW }, { now: NOW, replaceLast: true });
    expect(end.measurements).toHaveLength(1);
    expect(end.failed).toBe(1);
    expect(start.measurements?.[0]?.phase).toBe("Running");
  });

  it("marks a terminated Successful or Inconclusive measurement 'Metric Terminated'", () => {
    const r = recordMeasurement(undefined, "m", { phase: "Successful" }, { now: NOW, terminated: true });
    expect(r.measurements?.[0]?.message).toBe("Metric Terminated");
    const f = recordMeasurement(undefined, "m", { phase: "Failed", message: "x" }, { now: NOW, terminated: true });
    expect(f.measurements?.[0]?.message).toBe("x");
  });

  it("trims history to the newest measurements and keeps counters", () => {
    let r: MetricResult | undefined;
    for (let i = 0; i < 12; i++) r = recordMeasurement(r, "m", { phase: "Successful", value: String(i) }, { now: NOW });
    const trimmed = trimMeasurements(r as MetricResult, 10);
    expect(trimmed.measurements?.map((m) => m.value)).toEqual(["2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
    expect(trimmed.count).toBe(12);
  });
});
