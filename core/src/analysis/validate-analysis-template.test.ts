import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateAnalysisTemplate } from "./validate-analysis-template.ts";
import { validateMetric, validateMetrics } from "./validate-metric.ts";

const template = (spec: unknown) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisTemplate", spec });
const prom = { prometheus: { address: "http://prom:9090", query: "vector(1)" } };

describe("validateAnalysisTemplate accepts ordinary templates", () => {
  it("a Prometheus success-rate template with arguments", () => {
    const t = template({
      args: [{ name: "service" }, { name: "threshold", value: "0.95" }],
      metrics: [
        {
          name: "success-rate",
          interval: "5m",
          count: 3,
          failureLimit: 1,
          successCondition: "result[0] >= {{args.threshold}}",
          provider: { prometheus: { address: "http://prom:9090", query: 'sum(rate(x{svc="{{args.service}}"}[5m]))' } },
        },
      ],
    });
    expect(validateAnalysisTemplate(t)).toEqual([]);
  });

  it("a ClusterAnalysisTemplate with a web metric, a job metric and dry-run rules", () => {
    const t = {
      kind: "ClusterAnalysisTemplate",
      spec: {
        dryRun: [{ metricName: "web-.*" }],
        measurementRetention: [{ metricName: "job", limit: 20 }],
        metrics: [
          {
            name: "web-health",
            successCondition: "result.status == 'ok' && result.latencyMs < 200",
            provider: { web: { url: "http://svc/health", jsonPath: "{$}" } },
          },
          { name: "job", provider: { job: { spec: { template: { spec: {} } } } } },
          { name: "plugin", provider: { plugin: { "acme/metrics": { query: "x" } } } },
        ],
      },
    };
    expect(validateAnalysisTemplate(t)).toEqual([]);
  });

  it("a template that only includes others", () => {
    expect(validateAnalysisTemplate(template({ templates: [{ templateName: "base" }] }))).toEqual([]);
  });
});

describe("validateAnalysisTemplate names each broken field with Argo's message", () => {
  it("conditions that do not compile", () => {
    const t = template({
      metrics: [{ name: "m", successCondition: "result >", failureCondition: "nope < 1", provider: prom }],
    });
    expect(validateAnalysisTemplate(t)).toEqual([
      { field: "spec.metrics[0].successCondition", message: "unexpected end of expression" },
      { field: "spec.metrics[0].failureCondition", message: "unknown name nope" },
    ]);
  });

  it("limits, counts, intervals and providers", () => {
    const t = template({
      metrics: [
        { name: "a", count: 2, provider: prom },
        { name: "b", count: 1, failureLimit: 3, provider: prom },
        { name: "c", interval: "5 minutes", provider: prom },
        { name: "d", initialDelay: "1d", provider: prom },
        { name: "e", failureLimit: -2, inconclusiveLimit: -1, consecutiveErrorLimit: -1, provider: prom },
        { name: "f", failureLimit: -1, provider: prom },
        { name: "g", provider: {} },
        { name: "h", provider: { prometheus: {}, web: {} } },
        { name: "i", count: 4, interval: "1m", failureLimit: 2, consecutiveSuccessLimit: 3, provider: prom },
        { name: "j", count: 1, inconclusiveLimit: 2, provider: prom },
      ],
    });
    expect(validateAnalysisTemplate(t)).toEqual([
      { field: "spec.metrics[0].interval", message: "interval must be specified when count > 1" },
      { field: "spec.metrics[1].count", message: "count must be >= failureLimit" },
      {
        field: "spec.metrics[2].interval",
        message: 'invalid interval string: time: unknown unit " minutes" in duration "5 minutes"',
      },
      {
        field: "spec.metrics[3].initialDelay",
        message: 'invalid startDelay string: time: unknown unit "d" in duration "1d"',
      },
      { field: "spec.metrics[4].failureLimit", message: "failureLimit must be >= -1" },
      { field: "spec.metrics[4].inconclusiveLimit", message: "inconclusiveLimit must be >= 0" },
      { field: "spec.metrics[4].consecutiveErrorLimit", message: "consecutiveErrorLimit must be >= 0" },
      {
        field: "spec.metrics[5].consecutiveSuccessLimit",
        message: "consecutiveSuccessLimit must be > 0 when failureLimit is -1 (disabled)",
      },
      { field: "spec.metrics[6].provider", message: "no provider specified" },
      { field: "spec.metrics[7].provider", message: "multiple providers specified" },
      { field: "spec.metrics[8].count", message: "count must be >= failureLimit + consecutiveSuccessLimit" },
      { field: "spec.metrics[9].count", message: "count must be >= inconclusiveLimit" },
    ]);
  });

  it("names, duplicates and field types", () => {
    const t = template({
      metrics: [
        { name: "x", provider: prom },
        { name: "x", provider: prom },
        { provider: prom },
        { name: "y", count: 1.5, interval: 30, provider: prom },
        "not-a-metric",
      ],
    });
    expect(validateAnalysisTemplate(t)).toEqual([
      { field: "spec.metrics[1].name", message: "duplicate name 'x'" },
      { field: "spec.metrics[2].name", message: "is required" },
      { field: "spec.metrics[3].interval", message: "must be a duration string such as 30s or 5m" },
      {
        field: "spec.metrics[3].count",
        message: "must be an integer (or a string holding one, or an {{args.*}} placeholder)",
      },
      { field: "spec.metrics[4]", message: "must be an object" },
    ]);
  });

  it("arguments, dry-run and retention rules", () => {
    const t = template({
      args: [{ name: "a" }, { name: "a", value: 3 }, { value: "x" }, { name: "s", valueFrom: {} }],
      dryRun: [{ metricName: "nomatch" }, { metricName: "m" }, { metricName: "m" }, { metricName: "(a+)+" }],
      measurementRetention: [{ metricName: "m", limit: -1 }],
      metrics: [{ name: "m", provider: prom }],
    });
    expect(validateAnalysisTemplate(t)).toEqual([
      { field: "spec.args[1].name", message: "duplicate argument name 'a'" },
      { field: "spec.args[1].value", message: "must be a string" },
      { field: "spec.args[2].name", message: "is required" },
      { field: "spec.args[3].valueFrom", message: "must set secretKeyRef or fieldRef" },
      { field: "spec.dryRun[0].metricName", message: "Rule didn't match any metric name(s)" },
      { field: "spec.dryRun[2].metricName", message: "two Dry-Run metric rules have the same name 'm'" },
      {
        field: "spec.dryRun[3].metricName",
        message: "error parsing regexp: nested repetition is not supported in `(a+)+`",
      },
      { field: "spec.measurementRetention[0].limit", message: "must be an integer >= 0" },
    ]);
  });

  it("the overall shape, without throwing on anything", () => {
    expect(validateAnalysisTemplate(null)).toEqual([{ field: "", message: "must be an object" }]);
    expect(validateAnalysisTemplate({})).toEqual([{ field: "spec", message: "is required" }]);
    expect(validateAnalysisTemplate(template({}))).toEqual([
      { field: "spec.metrics", message: "no metrics specified" },
    ]);
    expect(validateAnalysisTemplate(template({ metrics: {} }))).toEqual([
      { field: "spec.metrics", message: "must be a list" },
    ]);
    expect(validateAnalysisTemplate(template({ metrics: [{ name: "m", provider: "x" }] }))).toEqual([
      { field: "spec.metrics[0].provider", message: "must be an object" },
    ]);
  });
});

describe("validateMetric / validateMetrics give Argo's single error", () => {
  it("reports the first broken rule, prefixed with the metric index", () => {
    expect(validateMetric({ name: "a", provider: prom })).toBeUndefined();
    expect(validateMetric({ name: "a", count: "2", provider: prom })).toBe("interval must be specified when count > 1");
    expect(validateMetrics([])).toBe("no metrics specified");
    expect(
      validateMetrics([
        { name: "a", provider: prom },
        { name: "b", provider: {} },
      ]),
    ).toBe("metrics[1]: no provider specified");
  });
});

describe("validateAnalysisTemplate on arbitrary input", () => {
  it("never throws and always names a field", () => {
    const metricLike = fc.record(
      {
        name: fc.oneof(fc.string(), fc.integer()),
        count: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.string(), fc.double()),
        interval: fc.oneof(fc.constantFrom("1m", "30s", "x", ""), fc.integer()),
        failureLimit: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom("{{args.f}}", "2")),
        consecutiveSuccessLimit: fc.integer({ min: -1, max: 3 }),
        successCondition: fc.oneof(fc.string(), fc.constantFrom("result > 1", "result[0] >= {{args.t}}", "(")),
        provider: fc.oneof(fc.constant({ web: {} }), fc.dictionary(fc.string(), fc.anything()), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const spec = fc.record(
      {
        metrics: fc.oneof(fc.array(metricLike, { maxLength: 3 }), fc.anything()),
        args: fc.oneof(
          fc.array(fc.record({ name: fc.string(), value: fc.anything() }), { maxLength: 2 }),
          fc.anything(),
        ),
        dryRun: fc.oneof(fc.array(fc.record({ metricName: fc.string() }), { maxLength: 2 }), fc.anything()),
        measurementRetention: fc.anything(),
        templates: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ spec })), (input) => {
        const issues = validateAnalysisTemplate(input);
        expect(Array.isArray(issues)).toBe(true);
        for (const issue of issues) {
          expect(typeof issue.field).toBe("string");
          expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000, seed: 99 },
    );
  });
});
