import { describe, expect, it } from "vitest";
import type { AnalysisRun, Measurement, Metric, MetricResult } from "../types/analysis.ts";
import { ERROR_RETRY_INTERVAL_MS, planMeasurements } from "./plan-measurements.ts";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const metric = (name: string, m: Partial<Metric> = {}): Metric => ({ name, provider: { web: {} }, ...m });
const finished = (phase: Measurement["phase"], finishedMs: number): Measurement => ({
  phase,
  startedAt: at(finishedMs - 100),
  finishedAt: at(finishedMs),
});
const result = (name: string, measurements: Measurement[], r: Partial<MetricResult> = {}): MetricResult => ({
  name,
  phase: "Running",
  measurements,
  count: measurements.filter((m) => m.phase !== "Error" && m.finishedAt).length,
  ...r,
});
const run = (metrics: Metric[], results: MetricResult[], extra: Partial<AnalysisRun["spec"]> = {}): AnalysisRun => ({
  spec: { metrics, ...extra },
  status: { phase: "Running", startedAt: at(0), metricResults: results },
});

describe("planMeasurements", () => {
  it("takes the first measurement at once", () => {
    const plan = planMeasurements(run([metric("a")], []), T0);
    expect(plan.tasks.map((t) => t.metric.name)).toEqual(["a"]);
    expect(plan.requeueAfterMs).toBeNull();
  });

  it("waits for startedAt + initialDelay, and for startedAt itself", () => {
    const r = run([metric("a", { initialDelay: "30s" })], []);
    expect(planMeasurements(r, T0 + 10_000)).toEqual({ tasks: [], requeueAfterMs: 20_000 });
    expect(planMeasurements(r, T0 + 30_000).tasks).toHaveLength(1);
    const unstarted: AnalysisRun = { spec: r.spec, status: { phase: "Pending" } };
    expect(planMeasurements(unstarted, T0 + 60_000).tasks).toHaveLength(0);
  });

  it("measures again interval after the previous finishedAt, strictly after", () => {
    const r = run([metric("a", { interval: "1m", count: 3 })], [result("a", [finished("Successful", 0)])]);
    expect(planMeasurements(r, T0 + 59_000)).toEqual({ tasks: [], requeueAfterMs: 1_000 });
    expect(planMeasurements(r, T0 + 60_000)).toEqual({ tasks: [], requeueAfterMs: 0 });
    expect(planMeasurements(r, T0 + 60_001).tasks).toHaveLength(1);
  });

  it("retries an Error after 10 s whatever the interval", () => {
    const r = run([metric("a", { interval: "5m" })], [result("a", [finished("Error", 0)], { consecutiveError: 1 })]);
    expect(planMeasurements(r, T0 + 5_000).requeueAfterMs).toBe(ERROR_RETRY_INTERVAL_MS - 5_000);
    expect(planMeasurements(r, T0 + ERROR_RETRY_INTERVAL_MS + 1).tasks).toHaveLength(1);
  });

  it("stops once the effective count is reached, and for a completed metric", () => {
    const reached = run(
      [metric("a", { interval: "1m", count: 2 })],
      [result("a", [finished("Successful", 0), finished("Successful", 60_000)])],
    );
    expect(planMeasurements(reached, T0 + 600_000)).toEqual({ tasks: [], requeueAfterMs: null });
    const single = run([metric("a")], [result("a", [finished("Successful", 0)])]);
    expect(planMeasurements(single, T0 + 600_000).tasks).toHaveLength(0);
    const completed = run(
      [metric("a", { interval: "1m" })],
      [result("a", [finished("Failed", 0)], { phase: "Failed" })],
    );
    expect(planMeasurements(completed, T0 + 600_000).tasks).toHaveLength(0);
  });

  it("resumes an in-flight measurement at its resumeAt", () => {
    const inflight: Measurement = { phase: "Running", startedAt: at(0), resumeAt: at(15_000) };
    const r = run([metric("a")], [result("a", [inflight])]);
    expect(planMeasurements(r, T0 + 5_000)).toEqual({ tasks: [], requeueAfterMs: 10_000 });
    const due = planMeasurements(r, T0 + 15_000);
    expect(due.tasks).toEqual([{ metric: metric("a"), incomplete: inflight }]);
  });

  it("while terminating: starts nothing new, terminates what is in flight", () => {
    const inflight: Measurement = { phase: "Running", startedAt: at(0), resumeAt: at(60_000) };
    const r = run(
      [metric("a", { interval: "1m" }), metric("b")],
      [result("a", [finished("Successful", 0)]), result("b", [inflight])],
      { terminate: true },
    );
    const plan = planMeasurements(r, T0 + 600_000);
    expect(plan.tasks).toEqual([{ metric: metric("b"), incomplete: inflight, terminate: true }]);
  });

  it("takes the earliest wake-up over all metrics", () => {
    const r = run(
      [metric("a", { interval: "1m" }), metric("b", { interval: "20s" })],
      [result("a", [finished("Successful", 0)]), result("b", [finished("Successful", 0)])],
    );
    expect(planMeasurements(r, T0 + 5_000).requeueAfterMs).toBe(15_000);
  });

  it("plans nothing when arguments do not resolve", () => {
    const r = run([metric("a", { interval: "{{args.every}}" })], []);
    expect(planMeasurements(r, T0)).toEqual({ tasks: [], requeueAfterMs: null });
    const ok = run([metric("a", { interval: "{{args.every}}" })], [result("a", [finished("Successful", 0)])], {
      args: [{ name: "every", value: "30s" }],
    });
    expect(planMeasurements(ok, T0 + 1_000).requeueAfterMs).toBe(29_000);
  });
});
