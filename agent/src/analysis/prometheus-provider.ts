import type { Measurement } from "@bellwether/core";
import { evaluatedMeasurement } from "./evaluated-measurement.ts";
import type { MeasurementContext, MetricProvider } from "./metric-provider.ts";
import { convertPrometheusResult, type PrometheusData } from "./prometheus-result.ts";
import { fetchFailure, headerList, providerBody, requiredString, timeoutSeconds } from "./provider-config.ts";
import { ProviderError } from "./provider-error.ts";

const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * Argo's Prometheus provider: an instant query (`/api/v1/query`), or a range query (`/api/v1/query_range`)
 * when `rangeQuery {start, end, step}` is given, evaluated against the metric's conditions.
 */
export class PrometheusProvider implements MetricProvider {
  readonly type = "prometheus";
  private readonly defaultAddress: string | undefined;

  constructor(options: { defaultAddress?: string } = {}) {
    this.defaultAddress = options.defaultAddress ?? process.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS;
  }

  async run(ctx: MeasurementContext): Promise<Measurement> {
    const startedAt = ctx.now();
    const body = providerBody(ctx.metric.provider, "prometheus");
    const address = typeof body.address === "string" && body.address !== "" ? body.address : this.defaultAddress;
    if (!address) throw new ProviderError("INVALID_PROVIDER", "provider.prometheus.address: must be set");
    const query = requiredString(body, "query", "provider.prometheus");
    const headers = headerList(body, "provider.prometheus");
    const timeoutMs = timeoutSeconds(body, "timeout", "provider.prometheus", DEFAULT_TIMEOUT_SECONDS) * 1000;
    const url = this.url(address, query, body.rangeQuery);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: "application/json", ...headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw fetchFailure(url.origin + url.pathname, e);
    }
    const text = await res.text();
    let answer: { status?: string; error?: string; data?: PrometheusData };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new ProviderError("BAD_RESPONSE", `prometheus answered HTTP ${res.status} with a body that is not JSON`);
    }
    if (answer.status !== "success" || !answer.data) {
      throw new ProviderError("BAD_RESPONSE", answer.error ?? `prometheus answered HTTP ${res.status}`);
    }
    const { result, value } = convertPrometheusResult(answer.data);
    return evaluatedMeasurement(result, value, ctx.metric, startedAt, ctx.now());
  }

  private url(address: string, query: string, range: unknown): URL {
    const base = address.replace(/\/+$/, "");
    if (range === undefined || range === null) {
      const url = new URL(`${base}/api/v1/query`);
      url.searchParams.set("query", query);
      return url;
    }
    const r = range as Record<string, unknown>;
    const url = new URL(`${base}/api/v1/query_range`);
    url.searchParams.set("query", query);
    for (const field of ["start", "end", "step"]) {
      const v = r[field];
      if (typeof v !== "string" || v === "") {
        throw new ProviderError(
          "INVALID_PROVIDER",
          `provider.prometheus.rangeQuery.${field}: must be a non-empty string`,
        );
      }
      url.searchParams.set(field, v);
    }
    return url;
  }

  async resume(_ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    return measurement;
  }

  async terminate(_ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    return measurement;
  }
}
