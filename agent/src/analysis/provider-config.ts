import { ProviderError } from "./provider-error.ts";

/** The provider body of a metric, checked to be an object. */
export function providerBody(provider: Record<string, unknown>, type: string): Record<string, unknown> {
  const body = provider[type];
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ProviderError("INVALID_PROVIDER", `provider.${type}: must be an object`);
  }
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, path: string): string {
  const v = body[field];
  if (typeof v !== "string" || v === "") {
    throw new ProviderError("INVALID_PROVIDER", `${path}.${field}: must be a non-empty string`);
  }
  return v;
}

/** `headers: [{key, value}]` as Argo's Prometheus and Web providers take them. */
export function headerList(body: Record<string, unknown>, path: string): Record<string, string> {
  const raw = body.headers;
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw new ProviderError("INVALID_PROVIDER", `${path}.headers: must be a list`);
  const headers: Record<string, string> = {};
  raw.forEach((h, i) => {
    const { key, value } = (h ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || key === "" || typeof value !== "string") {
      throw new ProviderError("INVALID_PROVIDER", `${path}.headers[${i}]: must have a string key and value`);
    }
    headers[key] = value;
  });
  return headers;
}

/** A positive number of seconds (Argo's `timeout` / `timeoutSeconds`), or the default. */
export function timeoutSeconds(body: Record<string, unknown>, field: string, path: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null || v === 0) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new ProviderError("INVALID_PROVIDER", `${path}.${field}: must be a positive number of seconds`);
  }
  return v;
}

/** A fetch failure (refused, timed out) as a one-line message. */
export function fetchFailure(url: string, e: unknown): ProviderError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return new ProviderError("REQUEST_FAILED", `request to ${url} timed out`);
  const cause = err.cause?.code ?? err.cause?.message;
  return new ProviderError("REQUEST_FAILED", `request to ${url} failed: ${cause ?? err.message ?? String(e)}`);
}
