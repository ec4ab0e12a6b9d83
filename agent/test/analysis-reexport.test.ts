import {
  assessMetricStatus,
  assessRunStatus,
  ExpressionError,
  evaluateCondition,
  evaluateResult,
  planMeasurements,
  resolveMetricArgs,
  validateAnalysisTemplate,
} from "@bellwether/agent";
import { describe, expect, it } from "vitest";

// design §1: the engine API reaches the agent's library surface unchanged.
describe("@bellwether/agent re-exports the analysis engine", () => {
  it("evaluates conditions and results", () => {
    expect(evaluateCondition("result[0] >= 0.95", [0.97])).toBe(true);
    expect(() => evaluateCondition("result", 1)).toThrow(ExpressionError);
    expect(evaluateResult([], { successCondition: "result[0] > 1" }).message).toMatch(/no data returned/);
  });

  it("assesses metrics and runs", () => {
    const metric = { name: "m", provider: { web: {} } };
    const result = { name: "m", phase: "Running" as const, measurements: [{ phase: "Failed" as const }], failed: 1 };
    expect(assessMetricStatus(metric, result, false)).toBe("Failed");
    expect(assessRunStatus({ spec: { metrics: [metric] }, status: { metricResults: [result] } }).phase).toBe("Failed");
  });

  it("schedules, resolves arguments and validates templates", () => {
    expect(planMeasurements({ spec: { metrics: [{ name: "m", provider: { web: {} } }] } }, 0).tasks).toHaveLength(1);
    const resolved = resolveMetricArgs({ name: "m", successCondition: "result > {{args.t}}", provider: {} }, [
      { name: "t", value: "1" },
    ]);
    expect(resolved.successCondition).toBe("result > 1");
    expect(validateAnalysisTemplate({ spec: { metrics: [] } })).toEqual([
      { field: "spec.metrics", message: "no metrics specified" },
    ]);
  });
});
