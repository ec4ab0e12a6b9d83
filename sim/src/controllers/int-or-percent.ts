/**
 * Resolves a `maxSurge` / `maxUnavailable` style value (an integer or "N%") against a total, rounding up or
 * down as the Kubernetes helper `GetScaledValueFromIntOrPercent` is told to. Unusable values count as 0.
 */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.max(0, Math.floor(value));
  if (typeof value === "string") {
    const m = /^(\d+)%$/.exec(value.trim());
    if (m) {
      const scaled = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
    }
    if (/^\d+$/.test(value.trim())) return Number(value.trim());
  }
  return 0;
}
