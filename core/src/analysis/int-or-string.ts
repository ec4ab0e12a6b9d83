import type { IntOrString } from "../types/kube-meta.ts";

/**
 * Kubernetes `intstr.IntValue()`: numbers as they are (truncated), strings through `strconv.Atoi`, which yields
 * 0 for anything that is not a plain integer.
 */
export function intOrStringValue(v: IntOrString | undefined | null): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : 0;
  return /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : 0;
}

/** Whether the field is set (Argo's pointer fields distinguish "absent" from 0). */
export function isSet(v: IntOrString | undefined | null): v is IntOrString {
  return v !== undefined && v !== null;
}
