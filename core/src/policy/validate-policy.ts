import type { FieldIssue } from "../field-issue.ts";
import { isDns1123Subdomain } from "./dns-1123.ts";

/** What a Rollout admitted in an active release does when its cluster loses the hub (after a grace period). */
export type HubLossAction = "continue" | "hold" | "abort";

/** Limits that a Rollout's canary steps must respect; a broken rule makes the Rollout Degraded (InvalidSpec). */
export interface PolicyRules {
  /** The first `setWeight` may not exceed this percentage. */
  maxFirstWeight?: number;
  /** Every `setWeight` above this percentage must be preceded by a pause step. */
  requirePauseAbove?: number;
  /** Timed pauses must last at least this long; indefinite pauses always satisfy it. */
  minPauseSeconds?: number;
}

/** A central rollout policy (design §5), a closed schema: unknown fields are refused. */
export interface RolloutPolicy {
  steps?: Array<Record<string, unknown>>;
  requiredAnalysis?: string[];
  rules?: PolicyRules;
  onHubLoss?: HubLossAction;
  fleetGate?: boolean;
}

const POLICY_FIELDS = new Set(["steps", "requiredAnalysis", "rules", "onHubLoss", "fleetGate"]);
const RULE_FIELDS = new Set(["maxFirstWeight", "requirePauseAbove", "minPauseSeconds"]);
const HUB_LOSS = new Set(["continue", "hold", "abort"]);
const STEP_KINDS = [
  "setWeight",
  "pause",
  "setCanaryScale",
  "analysis",
  "experiment",
  "setHeaderRoute",
  "setMirrorRoute",
  "plugin",
] as const;
// Argo accepts Go-style durations such as "30s", "1m30s", "1h"; a bare number means seconds.
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^\d+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPercent(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 100;
}

function unknownFields(obj: Record<string, unknown>, allowed: Set<string>, at: string, issues: FieldIssue[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) issues.push({ field: at ? `${at}.${key}` : key, message: "unknown field" });
  }
}

/** Seconds of a pause duration, `null` for an invalid one. */
export function pauseDurationSeconds(duration: unknown): number | null {
  if (typeof duration === "number") return Number.isInteger(duration) && duration >= 0 ? duration : null;
  if (typeof duration !== "string" || !DURATION.test(duration)) return null;
  if (/^\d+$/.test(duration)) return Number(duration);
  const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (unitSeconds[m[2] ?? "s"] ?? 1);
  }
  return total;
}

function validateStep(step: unknown, at: string, issues: FieldIssue[]): void {
  if (!isObject(step)) {
    issues.push({ field: at, message: "must be an object" });
    return;
  }
  const kinds = STEP_KINDS.filter((k) => k in step);
  for (const key of Object.keys(step)) {
    if (!(STEP_KINDS as readonly string[]).includes(key))
      issues.push({ field: `${at}.${key}`, message: "unknown step type" });
  }
  if (kinds.length !== 1) {
    issues.push({ field: at, message: `step must have exactly one of ${STEP_KINDS.join(", ")}` });
    return;
  }
  const kind = kinds[0] as (typeof STEP_KINDS)[number];
  const value = step[kind];
  const f = `${at}.${kind}`;
  switch (kind) {
    case "setWeight":
      if (!isPercent(value)) issues.push({ field: f, message: "must be an integer from 0 to 100" });
      break;
    case "pause":
      if (!isObject(value)) {
        issues.push({ field: f, message: "must be an object (use {} for an indefinite pause)" });
        break;
      }
      unknownFields(value, new Set(["duration"]), f, issues);
      if ("duration" in value && pauseDurationSeconds(value.duration) === null) {
        issues.push({ field: `${f}.duration`, message: 'must be whole seconds or a duration such as "30s" or "1h"' });
      }
      break;
    case "setCanaryScale": {
      if (!isObject(value)) {
        issues.push({ field: f, message: "must be an object" });
        break;
      }
      unknownFields(value, new Set(["replicas", "weight", "matchTrafficWeight"]), f, issues);
      const set = ["replicas", "weight", "matchTrafficWeight"].filter((k) => k in value);
      if (set.length !== 1)
        issues.push({ field: f, message: "must set exactly one of replicas, weight, matchTrafficWeight" });
      if ("replicas" in value && !(Number.isInteger(value.replicas) && (value.replicas as number) >= 0)) {
        issues.push({ field: `${f}.replicas`, message: "must be a non-negative integer" });
      }
      if ("weight" in value && !isPercent(value.weight)) {
        issues.push({ field: `${f}.weight`, message: "must be an integer from 0 to 100" });
      }
      if ("matchTrafficWeight" in value && value.matchTrafficWeight !== true) {
        issues.push({ field: `${f}.matchTrafficWeight`, message: "must be true" });
      }
      break;
    }
    case "analysis": {
      if (!isObject(value)) {
        issues.push({ field: f, message: "must be an object" });
        break;
      }
      const templates = value.templates;
      if (!Array.isArray(templates) || templates.length === 0) {
        issues.push({ field: `${f}.templates`, message: "must be a non-empty list" });
        break;
      }
      templates.forEach((t, i) => {
        if (!isObject(t) || typeof t.templateName !== "string" || !isDns1123Subdomain(t.templateName)) {
          issues.push({ field: `${f}.templates[${i}].templateName`, message: "must be a DNS-1123 subdomain" });
        }
      });
      break;
    }
    case "setHeaderRoute":
    case "setMirrorRoute":
      if (!isObject(value) || typeof value.name !== "string" || value.name === "") {
        issues.push({ field: `${f}.name`, message: "is required" });
      }
      break;
    case "experiment":
      if (!isObject(value) || !Array.isArray(value.templates) || value.templates.length === 0) {
        issues.push({ field: `${f}.templates`, message: "must be a non-empty list" });
      }
      break;
    case "plugin":
      if (!isObject(value) || typeof value.name !== "string" || value.name === "") {
        issues.push({ field: `${f}.name`, message: "is required" });
      }
      break;
  }
}

/** Checks the policy's own rules against its steps, so a policy can never break itself. */
function validateStepsAgainstRules(steps: unknown[], rules: Record<string, unknown>, issues: FieldIssue[]): void {
  const { maxFirstWeight, requirePauseAbove, minPauseSeconds } = rules;
  let seenWeight = false;
  let pausedSinceLastWeight = false;
  steps.forEach((step, i) => {
    if (!isObject(step)) return;
    if (isObject(step.pause)) {
      pausedSinceLastWeight = true;
      const seconds = "duration" in step.pause ? pauseDurationSeconds(step.pause.duration) : null;
      if (typeof minPauseSeconds === "number" && seconds !== null && seconds < minPauseSeconds) {
        issues.push({
          field: `steps[${i}].pause.duration`,
          message: `breaks rule minPauseSeconds: ${seconds}s is shorter than ${minPauseSeconds}s`,
        });
      }
    }
    if (isPercent(step.setWeight)) {
      const w = step.setWeight as number;
      if (!seenWeight && typeof maxFirstWeight === "number" && w > maxFirstWeight) {
        issues.push({
          field: `steps[${i}].setWeight`,
          message: `breaks rule maxFirstWeight: ${w} > ${maxFirstWeight}`,
        });
      }
      if (seenWeight && typeof requirePauseAbove === "number" && w > requirePauseAbove && !pausedSinceLastWeight) {
        issues.push({
          field: `steps[${i}].setWeight`,
          message: `breaks rule requirePauseAbove: weight ${w} > ${requirePauseAbove} needs a pause step before it`,
        });
      }
      seenWeight = true;
      pausedSinceLastWeight = false;
    }
  });
}

/**
 * Validates a rollout policy against its closed schema (design §5). Pure; returns every broken rule with its
 * field path, an empty list for a valid policy.
 */
export function validatePolicy(policy: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isObject(policy)) return [{ field: "", message: "policy must be an object" }];
  unknownFields(policy, POLICY_FIELDS, "", issues);

  if ("steps" in policy) {
    if (!Array.isArray(policy.steps)) issues.push({ field: "steps", message: "must be a list" });
    else {
      for (const [i, s] of policy.steps.entries()) validateStep(s, `steps[${i}]`, issues);
    }
  }
  if ("requiredAnalysis" in policy) {
    const ra = policy.requiredAnalysis;
    if (!Array.isArray(ra)) issues.push({ field: "requiredAnalysis", message: "must be a list of template names" });
    else {
      const seen = new Set<string>();
      ra.forEach((name, i) => {
        if (typeof name !== "string" || !isDns1123Subdomain(name)) {
          issues.push({ field: `requiredAnalysis[${i}]`, message: "must be a template name (DNS-1123 subdomain)" });
        } else if (seen.has(name)) issues.push({ field: `requiredAnalysis[${i}]`, message: `duplicate name ${name}` });
        else seen.add(name);
      });
    }
  }
  if ("rules" in policy) {
    const rules = policy.rules;
    if (!isObject(rules)) issues.push({ field: "rules", message: "must be an object" });
    else {
      unknownFields(rules, RULE_FIELDS, "rules", issues);
      for (const key of ["maxFirstWeight", "requirePauseAbove"] as const) {
        if (key in rules && !isPercent(rules[key])) {
          issues.push({ field: `rules.${key}`, message: "must be an integer from 0 to 100" });
        }
      }
      if (
        "minPauseSeconds" in rules &&
        !(Number.isInteger(rules.minPauseSeconds) && (rules.minPauseSeconds as number) >= 0)
      ) {
        issues.push({ field: "rules.minPauseSeconds", message: "must be a non-negative integer" });
      }
      if (Array.isArray(policy.steps)) validateStepsAgainstRules(policy.steps, rules, issues);
    }
  }
  if ("onHubLoss" in policy && !HUB_LOSS.has(policy.onHubLoss as string)) {
    issues.push({ field: "onHubLoss", message: "must be one of continue, hold, abort" });
  }
  if ("fleetGate" in policy && typeof policy.fleetGate !== "boolean") {
    issues.push({ field: "fleetGate", message: "must be true or false" });
  }
  return issues;
}
