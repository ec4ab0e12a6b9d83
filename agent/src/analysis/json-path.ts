import { ProviderError } from "./provider-error.ts";

type Step = { key: string } | { index: number };

/**
 * Parses the subset of Kubernetes JSONPath the Web provider needs: `{$}`, `{$.a.b}`, `{$.items[0].value}`,
 * `$.a["b-c"]`, with or without the braces. Anything else is refused with the rule it broke.
 */
export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1).trim();
  if (text === "" || text === "$") return [];
  if (text.startsWith("$")) text = text.slice(1);
  else if (!text.startsWith(".")) text = `.${text}`;
  const steps: Step[] = [];
  const pattern = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) {
      throw new ProviderError(
        "INVALID_PROVIDER",
        `jsonPath: "${expression}" is not supported at "${text.slice(at)}" (use $.field, [index] or ["key"])`,
      );
    }
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ key: m[3] ?? m[4] ?? "" });
    at = pattern.lastIndex;
  }
  return steps;
}

/** The value at a JSONPath, or an error naming the path when nothing is there ("result of JSONPath is empty"). */
export function selectJsonPath(document: unknown, expression: string): unknown {
  let current: unknown = document;
  for (const step of parseJsonPath(expression)) {
    if ("index" in step) current = Array.isArray(current) ? current[step.index] : undefined;
    else if (current !== null && typeof current === "object" && !Array.isArray(current)) {
      current = Object.hasOwn(current, step.key) ? (current as Record<string, unknown>)[step.key] : undefined;
    } else current = undefined;
    if (current === undefined) break;
  }
  if (current === undefined) {
    throw new ProviderError("NO_DATA", `could not find results for ${expression}: result of JSONPath is empty`);
  }
  return current;
}
