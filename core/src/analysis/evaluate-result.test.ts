import { describe, expect, it } from "vitest";
import { evaluateResult } from "./evaluate-result.ts";

const NO_DATA = "metric result is nil or empty: no data returned from the metric provider";

describe("evaluateResult: Argo's truth table", () => {
  it("is Successful with no conditions at all (the docs' Inconclusive is wrong)", () => {
    expect(evaluateResult(0.1, {})).toEqual({ phase: "Successful" });
    expect(evaluateResult(null, { successCondition: "", failureCondition: "" })).toEqual({ phase: "Successful" });
  });

  it("with only a success condition: true ⇒ Successful, false ⇒ Failed", () => {
    expect(evaluateResult([0.99], { successCondition: "result[0] >= 0.95" }).phase).toBe("Successful");
    expect(evaluateResult([0.5], { successCondition: "result[0] >= 0.95" }).phase).toBe("Failed");
  });

  it("with only a failure condition: true ⇒ Failed, false ⇒ Successful", () => {
    expect(evaluateResult(12, { failureCondition: "result > 10" }).phase).toBe("Failed");
    expect(evaluateResult(3, { failureCondition: "result > 10" }).phase).toBe("Successful");
  });

  it("with both: failure wins, neither true ⇒ Inconclusive", () => {
    const metric = { successCondition: "result >= 0.9", failureCondition: "result < 0.5" };
    expect(evaluateResult(0.95, metric).phase).toBe("Successful");
    expect(evaluateResult(0.3, metric).phase).toBe("Failed");
    expect(evaluateResult(0.7, metric).phase).toBe("Inconclusive");
    const overlapping = { successCondition: "result > 0", failureCondition: "result > 0" };
    expect(evaluateResult(1, overlapping).phase).toBe("Failed");
  });
});

describe("evaluateResult: errors", () => {
  it("names the condition and the expression", () => {
    const v = evaluateResult("0.5", { successCondition: "result > 0.4" });
    expect(v.phase).toBe("Error");
    expect(v.message).toBe('could not evaluate successCondition "result > 0.4": invalid operation: string > float64');
    expect(v.error?.code).toBe("EXPR_TYPE");
  });

  it("reports a failing failureCondition after a passing successCondition", () => {
    const v = evaluateResult(1, { successCondition: "result > 0", failureCondition: "result > 'a'" });
    expect(v.message).toBe("could not evaluate failureCondition \"result > 'a'\": invalid operation: float64 > string");
  });

  it("says no data was returned when the result is nil or an empty list", () => {
    for (const empty of [null, undefined, []]) {
      const v = evaluateResult(empty, { successCondition: "result[0] >= 0.95" });
      expect(v).toMatchObject({
        phase: "Error",
        message: `could not evaluate successCondition "result[0] >= 0.95": ${NO_DATA}`,
      });
    }
  });

  it("does not blame missing data when the data is there", () => {
    const v = evaluateResult([1], { successCondition: "unknownThing > 1" });
    expect(v.message).toBe('could not evaluate successCondition "unknownThing > 1": unknown name unknownThing');
  });

  it("does not error on empty data a condition guards against", () => {
    expect(evaluateResult([], { successCondition: "len(result) == 0 || result[0] > 1" }).phase).toBe("Successful");
    expect(evaluateResult(null, { successCondition: "default(result, 0) < 0.05" }).phase).toBe("Successful");
  });

  it("treats a non-boolean condition as an error", () => {
    const v = evaluateResult(5, { successCondition: "result" });
    expect(v.message).toBe('could not evaluate successCondition "result": expected bool, but got float64');
  });
});
