import { describe, expect, it } from "vitest";
import { isDns1123Label } from "./dns-1123.ts";
import { pauseDurationSeconds, validatePolicy } from "./validate-policy.ts";

const fields = (p: unknown) => validatePolicy(p).map((i) => i.field);

describe("validatePolicy", () => {
  it("accepts a complete policy", () => {
    expect(
      validatePolicy({
        steps: [{ setWeight: 10 }, { pause: { duration: "1m" } }, { setWeight: 50 }, { pause: {} }],
        requiredAnalysis: ["success-rate"],
        rules: { maxFirstWeight: 20, requirePauseAbove: 25, minPauseSeconds: 30 },
        onHubLoss: "hold",
        fleetGate: true,
      }),
    ).toEqual([]);
  });

  it("refuses unknown fields at every level (closed schema)", () => {
    expect(fields({ stepz: [] })).toEqual(["stepz"]);
    expect(fields({ rules: { maxWeight: 3 } })).toEqual(["rules.maxWeight"]);
    expect(fields({ steps: [{ pause: { duration: 5, extra: 1 } }] })).toEqual(["steps[0].pause.extra"]);
  });

  it("names the broken step and field", () => {
    expect(fields({ steps: [{ setWeight: 10 }, { setWeight: 101 }] })).toEqual(["steps[1].setWeight"]);
    expect(fields({ steps: [{ pause: { duration: "soon" } }] })).toEqual(["steps[0].pause.duration"]);
    expect(fields({ steps: [{ setWeight: 5, pause: {} }] })).toEqual(["steps[0]"]);
    expect(fields({ steps: [{}] })).toEqual(["steps[0]"]);
    expect(fields({ steps: [{ analysis: { templates: [{ templateName: "Bad_Name" }] } }] })).toEqual([
      "steps[0].analysis.templates[0].templateName",
    ]);
  });

  it("checks enums, booleans and names", () => {
    expect(fields({ onHubLoss: "panic" })).toEqual(["onHubLoss"]);
    expect(fields({ fleetGate: "yes" })).toEqual(["fleetGate"]);
    expect(fields({ requiredAnalysis: ["ok", "ok", "NOPE"] })).toEqual(["requiredAnalysis[1]", "requiredAnalysis[2]"]);
    expect(fields(null)).toEqual([""]);
  });

  it("applies its own rules to its steps", () => {
    const issues = validatePolicy({
      steps: [{ setWeight: 40 }, { setWeight: 60 }, { pause: { duration: "10s" } }],
      rules: { maxFirstWeight: 20, requirePauseAbove: 50, minPauseSeconds: 30 },
    });
    expect(issues.map((i) => i.field)).toEqual(["steps[0].setWeight", "steps[1].setWeight", "steps[2].pause.duration"]);
    expect(issues[0]?.message).toContain("maxFirstWeight");
    expect(issues[1]?.message).toContain("requirePauseAbove");
    expect(issues[2]?.message).toContain("minPauseSeconds");
  });
});

describe("pauseDurationSeconds", () => {
  it("parses Argo durations", () => {
    expect(pauseDurationSeconds(45)).toBe(45);
    expect(pauseDurationSeconds("45")).toBe(45);
    expect(pauseDurationSeconds("1m30s")).toBe(90);
    expect(pauseDurationSeconds("2h")).toBe(7200);
    expect(pauseDurationSeconds("x")).toBeNull();
    expect(pauseDurationSeconds(-1)).toBeNull();
  });
});

describe("isDns1123Label", () => {
  it("accepts labels and refuses the rest", () => {
    expect(isDns1123Label("eu-west-1")).toBe(true);
    expect(isDns1123Label("EU")).toBe(false);
    expect(isDns1123Label("-a")).toBe(false);
    expect(isDns1123Label("a.b")).toBe(false);
    expect(isDns1123Label("a".repeat(64))).toBe(false);
  });
});
