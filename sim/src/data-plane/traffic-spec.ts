import { DataPlaneError } from "./data-plane-error.ts";

/** Synthetic traffic for one Service or one Ingress host, as set through the control API. */
export interface TrafficSpec {
  namespace: string;
  service?: string;
  host?: string;
  /** Requests per simulated second; 0 stops the stream. */
  rps: number;
  /** Headers every request of this stream carries (for `canary-by-header`). */
  headers: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_RPS = 1_000_000;

/** Validates a control-API body, naming the field and the rule on the first problem. */
export function parseTrafficSpec(body: unknown): TrafficSpec {
  const invalid = (field: string, rule: string) => new DataPlaneError("invalid", `${field}: ${rule}`, field);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("body", "must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  if (typeof b.namespace !== "string" || !DNS_LABEL.test(b.namespace) || b.namespace.length > 63) {
    throw invalid("namespace", "must be a DNS-1123 label");
  }
  const hasService = b.service !== undefined;
  const hasHost = b.host !== undefined;
  if (hasService === hasHost) throw invalid("service", "exactly one of service and host must be given");
  if (hasService && (typeof b.service !== "string" || b.service === "")) {
    throw invalid("service", "must be a non-empty string");
  }
  if (hasHost && (typeof b.host !== "string" || b.host === "")) throw invalid("host", "must be a non-empty string");
  if (typeof b.rps !== "number" || !Number.isFinite(b.rps) || b.rps < 0 || b.rps > MAX_RPS) {
    throw invalid("rps", `must be a number from 0 to ${MAX_RPS}`);
  }
  const headers: Record<string, string> = {};
  if (b.headers !== undefined) {
    if (typeof b.headers !== "object" || b.headers === null || Array.isArray(b.headers)) {
      throw invalid("headers", "must be an object of header name to string value");
    }
    for (const [k, v] of Object.entries(b.headers)) {
      if (typeof v !== "string") throw invalid(`headers.${k}`, "must be a string");
      headers[k] = v;
    }
  }
  const spec: TrafficSpec = { namespace: b.namespace, rps: b.rps, headers };
  if (hasService) spec.service = b.service as string;
  else spec.host = b.host as string;
  return spec;
}

/** The identity of a stream: target plus headers (a headered stream and a plain one may run side by side). */
export function streamId(spec: Pick<TrafficSpec, "namespace" | "service" | "host" | "headers">): string {
  const target = spec.service !== undefined ? `service:${spec.service}` : `host:${spec.host}`;
  const headers = Object.entries(spec.headers)
    .map(([k, v]) => [k.toLowerCase(), v])
    .sort(([a], [b]) => ((a ?? "") < (b ?? "") ? -1 : 1));
  return `${spec.namespace}/${target}${headers.length ? `?${JSON.stringify(headers)}` : ""}`;
}
