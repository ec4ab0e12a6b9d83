import type { IntOrString } from "../types/kube-meta.ts";
import { RolloutSpecError } from "./rollout-spec-error.ts";

const PERCENT = /^(-?\d+)%?$/;

/**
 * Resolves an int-or-percent against `total` the way Argo does (Kubernetes' deprecated
 * `GetValueFromIntOrPercent`): every string is a percentage, with or without `%`, so `"25"` is 25 % and `"1"`
 * is 1 % (argo-rollouts#4567). Percentages round up when `roundUp`, else down.
 * @throws RolloutSpecError when a string is not an integer percentage
 */
export function resolveIntOrPercent(value: IntOrString, total: number, roundUp: boolean, field: string): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RolloutSpecError(field, `must be an integer or a percentage, got ${value}`);
    return value;
  }
  const match = PERCENT.exec(value);
  if (!match) throw new RolloutSpecError(field, `invalid value "${value}": must be an integer or a percentage`);
  const scaled = Number(match[1]) * total;
  return roundUp ? Math.ceil(scaled / 100) : Math.floor(scaled / 100);
}

/**
 * The value as Argo's validator reads it (non-deprecated rule): `"N%"` is N, any other string its integer value,
 * used only to decide whether surge and unavailable are both zero.
 */
export function literalIntOrPercent(value: IntOrString): number | undefined {
  if (typeof value === "number") return value;
  const match = PERCENT.exec(value);
  return match ? Number(match[1]) : undefined;
}
