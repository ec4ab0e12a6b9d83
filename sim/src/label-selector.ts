import { badRequest } from "./status-error.ts";

export interface LabelRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Equals" | "NotEquals";
  values: string[];
}

/** A parsed label selector; an empty one matches everything. */
export class LabelSelector {
  readonly requirements: readonly LabelRequirement[];

  constructor(requirements: LabelRequirement[]) {
    this.requirements = requirements;
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    for (const r of this.requirements) {
      const has = labels !== undefined && Object.hasOwn(labels, r.key);
      const value = has ? labels[r.key] : undefined;
      switch (r.operator) {
        case "Exists":
          if (!has) return false;
          break;
        case "DoesNotExist":
          if (has) return false;
          break;
        case "Equals":
        case "In":
          if (!has || !r.values.includes(value as string)) return false;
          break;
        case "NotEquals":
        case "NotIn":
          if (has && r.values.includes(value as string)) return false;
          break;
      }
    }
    return true;
  }

  /** The `?labelSelector=` syntax: `app=web,tier!=db,env in (a,b),track notin (x),gate,!legacy`. */
  static parse(text: string | null | undefined): LabelSelector {
    const source = (text ?? "").trim();
    if (!source) return new LabelSelector([]);
    const requirements: LabelRequirement[] = [];
    for (const part of splitTopLevel(source)) requirements.push(parseRequirement(part.trim(), source));
    return new LabelSelector(requirements);
  }

  /** The structured `metav1.LabelSelector` used in specs (`matchLabels` + `matchExpressions`). */
  static fromObject(selector: unknown, field = "selector"): LabelSelector {
    if (selector === undefined || selector === null) return new LabelSelector([]);
    if (typeof selector !== "object" || Array.isArray(selector)) throw badRequest(`${field}: must be an object`);
    const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    const requirements: LabelRequirement[] = [];
    for (const [key, value] of Object.entries(s.matchLabels ?? {})) {
      requirements.push({ key, operator: "In", values: [String(value)] });
    }
    for (const [i, raw] of (s.matchExpressions ?? []).entries()) {
      const e = raw as { key?: unknown; operator?: unknown; values?: unknown };
      const where = `${field}.matchExpressions[${i}]`;
      if (typeof e?.key !== "string" || !e.key) throw badRequest(`${where}.key: Required value`);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if (e.operator === "In" || e.operator === "NotIn") {
        if (values.length === 0) throw badRequest(`${where}.values: must be specified when operator is ${e.operator}`);
        requirements.push({ key: e.key, operator: e.operator, values });
      } else if (e.operator === "Exists" || e.operator === "DoesNotExist") {
        requirements.push({ key: e.key, operator: e.operator, values: [] });
      } else {
        throw badRequest(`${where}.operator: Unsupported value: ${JSON.stringify(e.operator)}`);
      }
    }
    return new LabelSelector(requirements);
  }

  /** The string form, as `Scale.status.selector` and kubectl show it. */
  toString(): string {
    return this.requirements
      .map((r) => {
        switch (r.operator) {
          case "Exists":
            return r.key;
          case "DoesNotExist":
            return `!${r.key}`;
          case "Equals":
            return `${r.key}=${r.values[0]}`;
          case "NotEquals":
            return `${r.key}!=${r.values[0]}`;
          case "In":
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(",")})`;
          case "NotIn":
            return `${r.key} notin (${r.values.join(",")})`;
        }
        return "";
      })
      .join(",");
  }
}

function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, source: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${source}"`);
  return key;
}

function checkValue(value: string, source: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in "${source}"`);
  }
  return value;
}

function parseRequirement(part: string, source: string): LabelRequirement {
  if (!part) throw badRequest(`unable to parse requirement: empty requirement in "${source}"`);
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== "")
      .map((v) => checkValue(v, source));
    if (values.length === 0) throw badRequest(`unable to parse requirement: ${set[2]} needs values in "${source}"`);
    return { key: checkKey(set[1]!, source), operator: set[2] === "in" ? "In" : "NotIn", values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (eq) {
    return {
      key: checkKey(eq[1]!, source),
      operator: eq[2] === "!=" ? "NotEquals" : "Equals",
      values: [checkValue(eq[3]!, source)],
    };
  }
  if (part.startsWith("!"))
    return { key: checkKey(part.slice(1).trim(), source), operator: "DoesNotExist", values: [] };
  return { key: checkKey(part, source), operator: "Exists", values: [] };
}
