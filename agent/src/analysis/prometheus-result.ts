import { ProviderError } from "./provider-error.ts";

/** A value as Prometheus serialises it: `"0.3"`, `"NaN"`, `"+Inf"`. */
type SampleText = string;

export interface PrometheusData {
  resultType: "scalar" | "vector" | "matrix" | "string";
  result: unknown;
}

export interface ConvertedResult {
  /** What conditions see as `result`: a number for a scalar, a list of numbers for a vector or matrix. */
  result: number | number[];
  /** `measurement.value` as Argo writes it: `"10"`, `"[0.3,0.5]"`, `"[]"`. */
  value: string;
}

function sampleNumber(text: SampleText): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function sampleText(pair: unknown, field: string): SampleText {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== "string") {
    throw new ProviderError("BAD_RESPONSE", `${field}: expected a [time, "value"] pair`);
  }
  return pair[1];
}

/**
 * Converts the `data` of a Prometheus query answer the way Argo's provider does: a scalar becomes a number, a
 * vector the list of its sample values, a matrix (range query) every value of every series, flattened. The value
 * text keeps Prometheus' own formatting, which is Go's shortest float form like Argo's `SampleValue.String()`.
 */
export function convertPrometheusResult(data: PrometheusData): ConvertedResult {
  switch (data.resultType) {
    case "scalar": {
      const text = sampleText(data.result, "data.result");
      return { result: sampleNumber(text), value: text };
    }
    case "vector": {
      if (!Array.isArray(data.result)) throw new ProviderError("BAD_RESPONSE", "data.result: expected a list");
      const texts = data.result.map((s, i) => sampleText((s as { value?: unknown }).value, `data.result[${i}].value`));
      return { result: texts.map(sampleNumber), value: `[${texts.join(",")}]` };
    }
    case "matrix": {
      if (!Array.isArray(data.result)) throw new ProviderError("BAD_RESPONSE", "data.result: expected a list");
      const texts: string[] = [];
      data.result.forEach((series, i) => {
        const values = (series as { values?: unknown }).values;
        if (!Array.isArray(values))
          throw new ProviderError("BAD_RESPONSE", `data.result[${i}].values: expected a list`);
        values.forEach((v, j) => {
          texts.push(sampleText(v, `data.result[${i}].values[${j}]`));
        });
      });
      return { result: texts.map(sampleNumber), value: `[${texts.join(",")}]` };
    }
    default:
      throw new ProviderError(
        "BAD_RESPONSE",
        `Prometheus metric type not supported: ${String((data as { resultType?: unknown }).resultType)}`,
      );
  }
}
