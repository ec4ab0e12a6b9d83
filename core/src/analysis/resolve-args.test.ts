import { describe, expect, it } from "vitest";
import { AnalysisSpecError } from "./analysis-spec-error.ts";
import { mergeArgs, resolveArgs, resolveMetricArgs } from "./resolve-args.ts";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnalysisSpecError);
    expect((e as AnalysisSpecError).code).toBe("ARGS_UNRESOLVED");
    return (e as Error).message;
  }
  throw new Error("expected a failure");
}

describe("resolveArgs", () => {
  it("substitutes {{args.x}}, with spaces allowed inside the braces", () => {
    const args = [
      { name: "service", value: "api" },
      { name: "ns", value: "prod" },
    ];
    expect(resolveArgs('rate{service="{{args.service}}",ns="{{ args.ns }}"}', args)).toBe(
      'rate{service="api",ns="prod"}',
    );
    expect(resolveArgs("no tags", [])).toBe("no tags");
  });

  it("fails for an unknown tag and for an argument without a value", () => {
    expect(message(() => resolveArgs("{{args.missing}} > 1", [{ name: "x", value: "1" }]))).toBe(
      "failed to resolve {{args.missing}}",
    );
    expect(message(() => resolveArgs("{{ args.x }}", []))).toBe("failed to resolve {{ args.x }}");
    expect(message(() => resolveArgs("{{args.x}}", [{ name: "x" }]))).toBe('argument "x" was not supplied');
    expect(message(() => resolveArgs("{{args.x", [{ name: "x", value: "1" }]))).toMatch(/Cannot find end tag="}}"/);
  });
});

describe("resolveMetricArgs", () => {
  it("resolves every string in the metric, conditions and provider alike, leaving the input alone", () => {
    const metric = {
      name: "rate",
      successCondition: "result[0] >= {{args.threshold}}",
      count: "{{args.count}}",
      provider: { prometheus: { query: 'up{job="{{args.job}}"}', headers: [{ key: "x", value: "{{args.job}}" }] } },
    };
    const args = [
      { name: "threshold", value: "0.95" },
      { name: "count", value: "3" },
      { name: "job", value: "web" },
    ];
    const resolved = resolveMetricArgs(metric, args);
    expect(resolved).toEqual({
      name: "rate",
      successCondition: "result[0] >= 0.95",
      count: "3",
      provider: { prometheus: { query: 'up{job="web"}', headers: [{ key: "x", value: "web" }] } },
    });
    expect(metric.successCondition).toContain("{{");
  });
});

describe("mergeArgs", () => {
  it("lets supplied values override the template's and demands a value for each", () => {
    const template = [{ name: "a", value: "default" }, { name: "b" }];
    expect(
      mergeArgs(
        [
          { name: "b", value: "given" },
          { name: "unused", value: "x" },
        ],
        template,
      ),
    ).toEqual([
      { name: "a", value: "default" },
      { name: "b", value: "given" },
    ]);
    expect(message(() => mergeArgs([], template))).toBe("args.b was not resolved");
    const secret = { secretKeyRef: { name: "s", key: "k" } };
    expect(mergeArgs([{ name: "b", valueFrom: secret }], template)[1]).toEqual({ name: "b", valueFrom: secret });
  });
});
