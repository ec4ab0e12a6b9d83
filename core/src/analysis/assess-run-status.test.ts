import { describe, expect, it } from "vitest";
import type { AnalysisRun, Measurement, Metric, MetricResult } from "../types/analysis.ts";
import { assessRunStatus } from "./assess-run-status.ts";

const done = (phase: Measurement["phase"], message?: string): Measurement => ({
  phase,
  finishedAt: "2026-01-01T00:00:00Z",
  ...(message ? { message } : {}),
});
const metric = (name: string, m: Partial<Metric> = {}): Metric => ({ name, provider: { prometheus: {} }, ...m });
const ok = (name: string): MetricResult => ({
  name,
  phase: "Running",
  measurements: [done("Successful")],
  count: 1,
  successful: 1,
});
const failed = (name: string, message?: string): MetricResult => ({
  name,
  phase: "Running",
  measurements: [done("Failed", message)],
  count: 1,
  failed: 1,
});
const errored = (name: string, message: string): MetricResult => ({
  name,
  phase: "Running",
  measurements: Array.from({ length: 5 }, () => done("Error", message)),
  error: 5,
  consecutiveError: 5,
});
const run = (metrics: Metric[], results: MetricResult[], spec: Partial<AnalysisRun["spec"]> = {}): AnalysisRun => ({
  spec: { metrics, ...spec },
  status: { phase: "Running", metricResults: results },
});

describe("assessRunStatus", () => {
  it("is Running while a metric is incomplete or not started", () => {
    const a = assessRunStatus(run([metric("a"), metric("b")], [ok("a")]));
    expect(a).toMatchObject({ phase: "Running", message: "" });
    const b = assessRunStatus(run([metric("a"), metric("b", { interval: "1m" })], [ok("a"), ok("b")]));
    expect(b.phase).toBe("Running");
  });

  it("is Successful when every metric is", () => {
    const a = assessRunStatus(run([metric("a"), metric("b")], [ok("a"), ok("b")]));
    expect(a).toMatchObject({ phase: "Successful", message: "" });
    expect(a.metricResults.map((r) => r.phase)).toEqual(["Successful", "Successful"]);
    expect(a.runSummary).toEqual({ count: 2, successful: 2, failed: 0, inconclusive: 0, error: 0 });
  });

  it("lets the worst metric win and says why", () => {
    const a = assessRunStatus(run([metric("a"), metric("b")], [ok("a"), failed("b")]));
    expect(a.phase).toBe("Failed");
    expect(a.message).toBe('Metric "b" assessed Failed due to failed (1) > failureLimit (0)');
    expect(a.runSummary).toEqual({ count: 2, successful: 1, failed: 1, inconclusive: 0, error: 0 });
    expect(a.events).toEqual([
      { type: "Normal", reason: "MetricSuccessful", message: "Metric 'a' Completed. Result: Successful" },
      { type: "Warning", reason: "MetricFailed", message: "Metric 'b' Completed. Result: Failed" },
      { type: "Warning", reason: "AnalysisRunFailed", message: "Analysis Completed. Result: Failed" },
    ]);
  });

  it("records no events when nothing changed", () => {
    const first = assessRunStatus(run([metric("a"), metric("b", { interval: "1m" })], [ok("a"), ok("b")]));
    expect(first.events.map((e) => e.reason)).toEqual(["MetricSuccessful"]);
    const again = assessRunStatus({
      spec: { metrics: [metric("a"), metric("b", { interval: "1m" })] },
      status: { phase: "Running", metricResults: first.metricResults },
    });
    expect(again.events).toEqual([]);
    expect(again.phase).toBe("Running");
  });

  it("ranks Failed worse than Error, and Error worse than Inconclusive", () => {
    const inconclusive: MetricResult = {
      name: "i",
      phase: "Running",
      measurements: [done("Inconclusive")],
      count: 1,
      inconclusive: 1,
    };
    const metrics = [metric("i"), metric("e"), metric("f")];
    const a = assessRunStatus(run(metrics, [inconclusive, errored("e", "boom"), failed("f")]));
    expect(a.phase).toBe("Failed");
    const b = assessRunStatus(run(metrics.slice(0, 2), [inconclusive, errored("e", "boom")]));
    expect(b.phase).toBe("Error");
    expect(b.message).toBe(
      'Metric "e" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: boom"',
    );
  });

  it("gives ties to the first metric in spec order", () => {
    const a = assessRunStatus(run([metric("x"), metric("y")], [failed("y"), failed("x")]));
    expect(a.message).toMatch(/^Metric "x" assessed Failed/);
  });

  it("appends the last measurement's message", () => {
    const a = assessRunStatus(run([metric("a")], [failed("a", "value 0.4")]));
    expect(a.message).toBe(
      'Metric "a" assessed Failed due to failed (1) > failureLimit (0): "Error Message: value 0.4"',
    );
    expect(a.metricResults[0]?.message).toBe("value 0.4");
  });

  it("never lets dry-run metrics (unanchored regexp) affect the phase", () => {
    const spec = { dryRun: [{ metricName: "dry" }] };
    const a = assessRunStatus(run([metric("a"), metric("also-dry-run")], [ok("a"), failed("also-dry-run")], spec));
    expect(a.phase).toBe("Successful");
    expect(a.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
    expect(a.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    expect(a.metricResults[1]?.message).toBe("Metric assessed Failed due to failed (1) > failureLimit (0)");
  });

  it("is Successful when only dry-run metrics exist, whatever they say", () => {
    const a = assessRunStatus(
      run([metric("a"), metric("b")], [failed("a"), errored("b", "x")], { dryRun: [{ metricName: ".*" }] }),
    );
    expect(a.phase).toBe("Successful");
    expect(a.dryRunSummary.count).toBe(2);
  });

  it("errors on a dry-run rule that matches nothing", () => {
    const a = assessRunStatus(run([metric("a")], [ok("a")], { dryRun: [{ metricName: "^zzz$" }] }));
    expect(a).toMatchObject({
      phase: "Error",
      message: "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)",
    });
  });

  it("errors on a measurementRetention rule that matches nothing", () => {
    const a = assessRunStatus(run([metric("a")], [ok("a")], { measurementRetention: [{ metricName: "b", limit: 2 }] }));
    expect(a.message).toBe("Analysis spec invalid: measurementRetention[0]: Rule didn't match any metric name(s)");
  });

  it("when terminated: no measurement at all is Successful with 'Run Terminated'", () => {
    const a = assessRunStatus(run([metric("a", { interval: "1m" })], [], { terminate: true }));
    expect(a).toMatchObject({ phase: "Successful", message: "Run Terminated" });
    const b = assessRunStatus(run([metric("a", { interval: "1m" })], [ok("a")], { terminate: true }));
    expect(b).toMatchObject({ phase: "Successful", message: "Run Terminated" });
  });

  it("terminates early once a counting metric failed, finishing the others as Successful", () => {
    const previous = { ...failed("a"), phase: "Failed" as const };
    const a = assessRunStatus(run([metric("a"), metric("b", { interval: "1m" })], [previous, ok("b")]));
    expect(a.phase).toBe("Failed");
    expect(a.metricResults[1]?.phase).toBe("Successful");
  });

  it("does not terminate early for a failed dry-run metric", () => {
    const previous = { ...failed("a"), phase: "Failed" as const, dryRun: true };
    const a = assessRunStatus(
      run([metric("a"), metric("b", { interval: "1m" })], [previous, ok("b")], { dryRun: [{ metricName: "a" }] }),
    );
    expect(a.phase).toBe("Running");
  });

  it("errors when arguments cannot be resolved", () => {
    const m = metric("a", { successCondition: "result > {{args.threshold}}" });
    expect(assessRunStatus(run([m], [])).message).toBe(
      "Unable to resolve metric arguments: failed to resolve {{args.threshold}}",
    );
    const b = assessRunStatus(run([m], [], { args: [{ name: "threshold" }] }));
    expect(b.message).toBe('Unable to resolve metric arguments: argument "threshold" was not supplied');
    const c = assessRunStatus(run([m], [ok("a")], { args: [{ name: "threshold", value: "0.5" }] }));
    expect(c.phase).toBe("Successful");
    const secret = { name: "threshold", valueFrom: { secretKeyRef: { name: "s", key: "k" } } };
    expect(assessRunStatus(run([metric("a")], [ok("a")], { args: [secret] })).phase).toBe("Successful");
  });

  it("errors on an invalid spec with Argo's messages", () => {
    const empty = assessRunStatus(run([], []));
    expect(empty.message).toBe("Analysis spec invalid: no metrics specified");
    expect(empty.events).toEqual([
      { type: "Warning", reason: "AnalysisRunError", message: "Analysis Completed. Result: Error" },
    ]);
    expect(assessRunStatus(run([metric("a"), metric("a")], [])).message).toBe(
      "Analysis spec invalid: metrics[1]: duplicate name 'a'",
    );
    expect(assessRunStatus(run([metric("a", { count: 3 })], [])).message).toBe(
      "Analysis spec invalid: metrics[0]: interval must be specified when count > 1",
    );
    expect(assessRunStatus(run([{ name: "a", provider: {} }], [])).message).toBe(
      "Analysis spec invalid: metrics[0]: no provider specified",
    );
  });

  it("keeps a completed run as it is", () => {
    const r: AnalysisRun = {
      spec: { metrics: [metric("a")] },
      status: { phase: "Failed", message: "earlier", metricResults: [ok("a")] },
    };
    expect(assessRunStatus(r)).toMatchObject({ phase: "Failed", message: "earlier" });
  });
});
