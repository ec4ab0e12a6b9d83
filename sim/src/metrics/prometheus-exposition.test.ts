import { describe, expect, it } from "vitest";
import { renderPrometheusText } from "./prometheus-exposition.ts";
import { RequestMetrics } from "./request-metrics.ts";

describe("renderPrometheusText", () => {
  it("writes counters per code and a cumulative histogram, escaping label values", () => {
    const m = new RequestMetrics();
    m.record("shop", 'we"b\\', "abc", "200", 7, 0.02);
    m.record("shop", 'we"b\\', "abc", "500", 3, 3);
    const text = renderPrometheusText([["eu-1", m]]);
    const labels = 'cluster="eu-1",namespace="shop",service="we\\"b\\\\",rollouts_pod_template_hash="abc"';
    expect(text).toContain(`http_requests_total{${labels},code="200"} 7\n`);
    expect(text).toContain(`http_requests_total{${labels},code="500"} 3\n`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${labels},le="0.01"} 0\n`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${labels},le="0.025"} 7\n`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${labels},le="2.5"} 7\n`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${labels},le="5"} 10\n`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${labels},le="+Inf"} 10\n`);
    expect(text).toContain(`http_request_duration_seconds_count{${labels}} 10\n`);
    expect(Number(/_sum\{[^}]*\} (\S+)/.exec(text)?.[1])).toBeCloseTo(9.14, 10);
  });

  it("counts 5xx as errors in the per-version JSON", () => {
    const m = new RequestMetrics();
    m.record("shop", "web", "v1", "200", 90, 0.01);
    m.record("shop", "web", "v1", "503", 10, 0);
    m.record("shop", "api", "v1", "200", 100, 0.01);
    expect(m.versions("shop", "web")).toEqual([
      { version: "v1", requests: 100, success: 90, errors: 10, errorRate: 0.1, successRate: 0.9 },
    ]);
    expect(m.versions("shop")[0]?.requests).toBe(200);
    expect(m.versions("other")).toEqual([]);
  });
});
