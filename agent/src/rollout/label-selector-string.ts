import type { LabelSelector } from "@bellwether/core";

/** metav1.FormatLabelSelector: "app=web,tier in (a,b)" — the form Argo writes to `status.selector`. */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (!selector) return "";
  const parts = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort().join(",");
    switch (r.operator) {
      case "In":
        parts.push(`${r.key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${r.key} notin (${values})`);
        break;
      case "Exists":
        parts.push(r.key);
        break;
      case "DoesNotExist":
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.join(",");
}
