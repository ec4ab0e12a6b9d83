import { describe, expect, it } from "vitest";
import { convertPrometheusResult } from "./prometheus-result.ts";
import { ProviderError } from "./provider-error.ts";

describe("convertPrometheusResult", () => {
  it("turns a vector into a list of numbers and Argo's bracketed value text", () => {
    const out = convertPrometheusResult({
      resultType: "vector",
      result: [
        { metric: { a: "1" }, value: [1700000000.1, "0.3"] },
        { metric: { a: "2" }, value: [1700000000.1, "12"] },
      ],
    });
    expect(out).toEqual({ result: [0.3, 12], value: "[0.3,12]" });
  });

  it("keeps an empty vector as an empty list (conditions then see no data)", () => {
    expect(convertPrometheusResult({ resultType: "vector", result: [] })).toEqual({ result: [], value: "[]" });
  });

  it("turns a scalar into a number and keeps NaN and infinities as Prometheus spells them", () => {
    expect(convertPrometheusResult({ resultType: "scalar", result: [1, "10"] })).toEqual({ result: 10, value: "10" });
    const nan = convertPrometheusResult({ resultType: "scalar", result: [1, "NaN"] });
    expect(Number.isNaN(nan.result)).toBe(true);
    expect(nan.value).toBe("NaN");
    const inf = convertPrometheusResult({
      resultType: "vector",
      result: [{ value: [1, "+Inf"] }, { value: [1, "-Inf"] }],
    });
    expect(inf).toEqual({ result: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], value: "[+Inf,-Inf]" });
  });

  it("flattens a matrix from a range query, series after series", () => {
    const out = convertPrometheusResult({
      resultType: "matrix",
      result: [
        {
          values: [
            [1, "1"],
            [2, "2"],
          ],
        },
        { values: [[1, "0.5"]] },
      ],
    });
    expect(out).toEqual({ result: [1, 2, 0.5], value: "[1,2,0.5]" });
  });

  it("refuses malformed samples and unsupported result types naming the field", () => {
    expect(() => convertPrometheusResult({ resultType: "vector", result: [{ value: [1, 2] }] })).toThrow(
      /data\.result\[0\]\.value/,
    );
    expect(() => convertPrometheusResult({ resultType: "string", result: [1, "x"] })).toThrow(ProviderError);
  });
});
