import type { Measurement } from "@bellwether/core";
import { evaluatedMeasurement } from "./evaluated-measurement.ts";
import { selectJsonPath } from "./json-path.ts";
import type { MeasurementContext, MetricProvider } from "./metric-provider.ts";
import { fetchFailure, headerList, providerBody, requiredString, timeoutSeconds } from "./provider-config.ts";
import { ProviderError } from "./provider-error.ts";

const DEFAULT_TIMEOUT_SECONDS = 10;
const METHODS = new Set(["GET", "POST", "PUT"]);

/** The `result` and `value` of a Web measurement from a response body (Argo: JSON, then the JSONPath's first match). */
export function webResult(body: string, jsonPath: string): { result: unknown; value: string } {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    // Argo evaluates a non-JSON body as the raw string.
    return { result: body, value: body };
  }
  const result = selectJsonPath(document, jsonPath);
  return { result, value: JSON.stringify(result) };
}

/** Argo's Web provider: one HTTP request per measurement; a non-2xx answer is an Error measurement. */
export class WebProvider implements MetricProvider {
  readonly type = "web";

  async run(ctx: MeasurementContext): Promise<Measurement> {
    const startedAt = ctx.now();
    const p = "provider.web";
    const body = providerBody(ctx.metric.provider, "web");
    const url = requiredString(body, "url", p);
    const method = typeof body.method === "string" && body.method !== "" ? body.method.toUpperCase() : "GET";
    if (!METHODS.has(method)) throw new ProviderError("INVALID_PROVIDER", `${p}.method: must be GET, POST or PUT`);
    const headers = headerList(body, p);
    let payload: string | undefined;
    if (body.body !== undefined && body.jsonBody !== undefined) {
      throw new ProviderError("INVALID_PROVIDER", `${p}: use either body or jsonBody, not both`);
    }
    if (body.body !== undefined || body.jsonBody !== undefined) {
      if (method === "GET") throw new ProviderError("INVALID_PROVIDER", `${p}.body: only allowed with POST or PUT`);
      if (body.jsonBody !== undefined) {
        payload = JSON.stringify(body.jsonBody);
        headers["Content-Type"] ??= "application/json";
      } else if (typeof body.body === "string") payload = body.body;
      else throw new ProviderError("INVALID_PROVIDER", `${p}.body: must be a string`);
    }
    const jsonPath = typeof body.jsonPath === "string" && body.jsonPath !== "" ? body.jsonPath : "{$}";
    const timeoutMs = timeoutSeconds(body, "timeoutSeconds", p, DEFAULT_TIMEOUT_SECONDS) * 1000;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body: payload ?? null, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      throw fetchFailure(url, e);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new ProviderError("BAD_RESPONSE", `received non 2xx response code: ${res.status}`);
    }
    const { result, value } = webResult(text, jsonPath);
    return evaluatedMeasurement(result, value, ctx.metric, startedAt, ctx.now());
  }

  async resume(_ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    return measurement;
  }

  async terminate(_ctx: MeasurementContext, measurement: Measurement): Promise<Measurement> {
    return measurement;
  }
}
