import { describe, expect, it } from "vitest";
import type { AnalysisTemplate } from "../types/analysis.ts";
import { AnalysisSpecError } from "./analysis-spec-error.ts";
import { buildAnalysisRunSpec } from "./build-analysis-run-spec.ts";

const template = (spec: AnalysisTemplate["spec"]): AnalysisTemplate => ({ spec });
const web = { web: { url: "http://x" } };

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnalysisSpecError);
    return (e as Error).message;
  }
  throw new Error("expected a failure");
}

describe("buildAnalysisRunSpec", () => {
  it("concatenates metrics and merges arguments and rules", () => {
    const spec = buildAnalysisRunSpec({
      templates: [
        template({
          metrics: [{ name: "a", provider: web }],
          args: [{ name: "svc" }, { name: "t", value: "0.9" }],
          dryRun: [{ metricName: "a" }],
        }),
      ],
      clusterTemplates: [template({ metrics: [{ name: "b", provider: web }], args: [{ name: "svc" }] })],
      args: [{ name: "svc", value: "api" }],
      measurementRetention: [{ metricName: "b", limit: 5 }],
    });
    expect(spec).toEqual({
      metrics: [
        { name: "a", provider: web },
        { name: "b", provider: web },
      ],
      args: [
        { name: "svc", value: "api" },
        { name: "t", value: "0.9" },
      ],
      dryRun: [{ metricName: "a" }],
      measurementRetention: [{ metricName: "b", limit: 5 }],
    });
  });

  it("refuses duplicate metrics, conflicting argument values, unresolved arguments and repeated rules", () => {
    const a = template({ metrics: [{ name: "a", provider: web }], args: [{ name: "x", value: "1" }] });
    const a2 = template({ metrics: [{ name: "a", provider: web }] });
    expect(message(() => buildAnalysisRunSpec({ templates: [a, a2] }))).toBe("two metrics have the same name 'a'");
    const b = template({ metrics: [{ name: "b", provider: web }], args: [{ name: "x", value: "2" }] });
    expect(message(() => buildAnalysisRunSpec({ templates: [a, b] }))).toBe(
      "Argument `x` specified multiple times with different values: '1', '2'",
    );
    const c = template({ metrics: [{ name: "c", provider: web }], args: [{ name: "needed" }] });
    expect(message(() => buildAnalysisRunSpec({ templates: [c] }))).toBe("args.needed was not resolved");
    expect(
      message(() => buildAnalysisRunSpec({ templates: [a], dryRun: [{ metricName: "a" }, { metricName: "a" }] })),
    ).toBe("two Dry-Run metric rules have the same name 'a'");
  });

  it("keeps an earlier value when a later template repeats the argument without one", () => {
    const a = template({ metrics: [{ name: "a", provider: web }], args: [{ name: "x", value: "1" }] });
    const b = template({ metrics: [{ name: "b", provider: web }], args: [{ name: "x" }] });
    expect(buildAnalysisRunSpec({ templates: [a, b] }).args).toEqual([{ name: "x", value: "1" }]);
  });
});
