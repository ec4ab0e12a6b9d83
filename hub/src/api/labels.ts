import { invalid } from "./api-error.ts";

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string, field: string): void {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    throw invalid(field, "label key prefix must be a DNS-1123 subdomain");
  }
  if (name.length > 63 || !NAME.test(name)) {
    throw invalid(
      field,
      "label key must be at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric",
    );
  }
}

function checkValue(value: unknown, field: string): void {
  if (typeof value !== "string" || (value !== "" && (value.length > 63 || !NAME.test(value)))) {
    throw invalid(field, "label value must be empty or at most 63 alphanumerics, '-', '_' or '.'");
  }
}

/** Kubernetes label rules, so the labels can later select clusters the way selectors select objects. */
export function validateLabels(labels: unknown, field = "labels"): Record<string, string> {
  if (labels === undefined) return {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) throw invalid(field, "must be an object");
  for (const [k, v] of Object.entries(labels)) {
    checkKey(k, `${field}.${k}`);
    checkValue(v, `${field}.${k}`);
  }
  return labels as Record<string, string>;
}

/** `env=prod,region=eu` (equality only) → a map; errors name `field`. */
export function parseLabelSelector(selector: string, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of selector.split(",")) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(part);
    if (!m?.[1]) throw invalid(field, `"${part}" is not key=value`);
    checkKey(m[1], field);
    checkValue(m[2] ?? "", field);
    out[m[1]] = m[2] ?? "";
  }
  return out;
}
