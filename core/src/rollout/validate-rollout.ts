import type { FieldIssue } from "../field-issue.ts";
import { DEFAULT_MAX_SURGE, DEFAULT_MAX_TRAFFIC_WEIGHT, DEFAULT_MAX_UNAVAILABLE } from "./defaults.ts";
import { literalIntOrPercent } from "./int-or-percent.ts";
import { rolloutPauseSeconds } from "./pause-duration.ts";

/** Argo's validation messages (`pkg/apis/rollouts/validation`), so users see the words they know. */
export const ValidationMessage = {
  missingField: (path: string) => `Rollout has missing field '${path}'`,
  invalidSetWeight: (max: number) => `SetWeight needs to be between 0 and ${max}`,
  experimentWeightWithoutRouting: "Experiment template weight cannot be set unless TrafficRouting is enabled",
  experimentWeightUnsupportedRouter:
    "Experiment template weight is only available for TrafficRouting with SMI, ALB, and Istio at this time",
  setCanaryScaleNeedsRouting: "SetCanaryScale requires TrafficRouting to be set",
  setHeaderRouteNeedsRouting: "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix",
  setMirrorRouteNeedsRouting: "SetMirrorRoute requires TrafficRouting, supports Istio only",
  stringMatchMultiple: "StringMatch match value must have exactly one of the following: exact, regex, prefix",
  stringMatchMissing: "StringMatch value missed, match value must have one of the following: exact, regex, prefix",
  albExactOnly: "SetHeaderRoute match value invalid. ALB supports 'exact' value only",
  invalidDuration: "Duration needs to be greater than 0",
  surgeAndUnavailableZero: "MaxSurge and MaxUnavailable both can not be zero",
  invalidStep: "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause",
  multipleStrategies: "Multiple Strategies can not be listed",
  duplicateBlueGreenServices:
    "This rollout uses the same service for the active and preview services, but two different services are required.",
  duplicateCanaryServices:
    "This rollout uses the same service for the stable and canary services, but two different services are required.",
  antiAffinityStrategy: "AntiAffinity must have exactly one strategy listed",
  antiAffinityWeight: "AntiAffinity weight must be between 1-100",
  scaleDownLimitOverHistory:
    "This rollout's revision history limit can not be smaller than the rollout's scale down limit",
  routingNeedsServices: "Canary service and Stable service must to be set to use Traffic Routing",
  analysisArgs: "Analyses arguments must refer to valid object metadata supported by downwardAPI",
  canaryScaleDownDelay: "Canary scaleDownDelaySeconds can only be used with traffic routing",
  canaryDynamicStableScale: "Canary dynamicStableScale can only be used with traffic routing",
  dynamicStableScaleWithDelay: "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds",
  pingPongServices: "Ping service and Pong service must to be set to use Ping-Pong feature",
  duplicatePingPong:
    "This rollout uses the same service for the ping and pong services, but two different services are required.",
  albRootService: "Root service field is required for the configuration with ALB and ping-pong feature enabled",
  pingPongAlbOnly: "Ping-pong feature works with the ALB traffic routing only",
  routeNotManaged: "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes",
  nonNegative: "must be greater than or equal to 0",
  selectorMismatch: "`selector` does not match template `labels`",
  emptySelector: "empty selector is invalid for deployment",
  templateWithWorkloadRef: "template must be empty for workload reference rollout",
  deadlineNotAboveMinReady: "must be greater than minReadySeconds",
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** Collects issues; each helper checks one kind of value and says which rule it broke. */
class Issues {
  readonly list: FieldIssue[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  /** An optional integer; reports wrong types and values below `min`. Returns the value when usable. */
  int(value: unknown, field: string, min?: number, minMessage?: string): number | undefined {
    if (value === undefined) return undefined;
    if (!isInteger(value)) {
      this.add(field, `must be an integer, got ${JSON.stringify(value)}`);
      return undefined;
    }
    if (min !== undefined && value < min) this.add(field, minMessage ?? `must be greater than or equal to ${min}`);
    return value;
  }

  string(value: unknown, field: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.add(field, `must be a string, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  bool(value: unknown, field: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") {
      this.add(field, `must be a boolean, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  object(value: unknown, field: string): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      this.add(field, "must be an object");
      return undefined;
    }
    return value;
  }

  array(value: unknown, field: string): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.add(field, "must be a list");
      return undefined;
    }
    return value;
  }

  intOrPercent(value: unknown, field: string): void {
    if (value === undefined) return;
    if (typeof value === "number" ? Number.isInteger(value) && value >= 0 : typeof value === "string") {
      if (typeof value === "string" && (literalIntOrPercent(value) === undefined || value.startsWith("-"))) {
        this.add(field, `invalid value ${JSON.stringify(value)}: must be a non-negative integer or percentage`);
      }
      return;
    }
    this.add(field, `invalid value ${JSON.stringify(value)}: must be a non-negative integer or percentage`);
  }
}

function stringMap(issues: Issues, value: unknown, field: string): Record<string, string> | undefined {
  const obj = issues.object(value, field);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== "string") issues.add(`${field}.${k}`, "must be a string");
    else out[k] = v;
  }
  return out;
}

/** Evaluates a label selector against labels; undefined when the selector is malformed (reported separately). */
function selectorMatches(selector: Json, labels: Record<string, string>): boolean {
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expr of expressions) {
    if (!isObject(expr) || typeof expr.key !== "string") return false;
    const values = Array.isArray(expr.values) ? expr.values : [];
    const has = Object.hasOwn(labels, expr.key);
    const value = labels[expr.key];
    switch (expr.operator) {
      case "In":
        if (!has || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function validateSelector(issues: Issues, selector: Json, field: string): boolean {
  const before = issues.list.length;
  stringMap(issues, selector.matchLabels, `${field}.matchLabels`);
  const expressions = issues.array(selector.matchExpressions, `${field}.matchExpressions`) ?? [];
  for (const [i, expr] of expressions.entries()) {
    const path = `${field}.matchExpressions[${i}]`;
    if (!isObject(expr)) {
      issues.add(path, "must be an object");
      continue;
    }
    if (typeof expr.key !== "string" || expr.key === "") issues.add(`${path}.key`, "Required value");
    const values = issues.array(expr.values, `${path}.values`) ?? [];
    if (expr.operator === "In" || expr.operator === "NotIn") {
      if (values.length === 0) issues.add(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (expr.operator === "Exists" || expr.operator === "DoesNotExist") {
      if (values.length > 0) {
        issues.add(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
    } else {
      issues.add(`${path}.operator`, `not a valid selector operator: ${JSON.stringify(expr.operator)}`);
    }
  }
  const count = Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length + expressions.length;
  if (count === 0) issues.add(field, ValidationMessage.emptySelector);
  return issues.list.length === before;
}

function validateTemplate(issues: Issues, template: Json, selector: Json | undefined, selectorOk: boolean): void {
  const metadata = issues.object(template.metadata, "spec.template.metadata");
  const labels = stringMap(issues, metadata?.labels, "spec.template.metadata.labels") ?? {};
  if (selector && selectorOk && !selectorMatches(selector, labels)) {
    issues.add("spec.template.metadata.labels", ValidationMessage.selectorMismatch);
  }
  const podSpec = issues.object(template.spec, "spec.template.spec");
  if (!podSpec) {
    issues.add("spec.template.spec", ValidationMessage.missingField(".spec.template.spec"));
    return;
  }
  const containers = issues.array(podSpec.containers, "spec.template.spec.containers");
  if (!containers || containers.length === 0) {
    issues.add("spec.template.spec.containers", "Required value: at least one container");
  }
  const names = new Set<string>();
  for (const [kind, list] of [
    ["containers", containers ?? []],
    ["initContainers", issues.array(podSpec.initContainers, "spec.template.spec.initContainers") ?? []],
  ] as const) {
    for (const [i, container] of list.entries()) {
      const path = `spec.template.spec.${kind}[${i}]`;
      if (!isObject(container)) {
        issues.add(path, "must be an object");
        continue;
      }
      if (typeof container.name !== "string" || container.name === "") issues.add(`${path}.name`, "Required value");
      else if (names.has(container.name)) issues.add(`${path}.name`, `Duplicate value: "${container.name}"`);
      else names.add(container.name);
      if (typeof container.image !== "string" || container.image === "") issues.add(`${path}.image`, "Required value");
    }
  }
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== "Always") {
    issues.add(
      "spec.template.spec.restartPolicy",
      `Unsupported value: ${JSON.stringify(podSpec.restartPolicy)}: supported values: "Always"`,
    );
  }
}

function validateAntiAffinity(issues: Issues, value: unknown, field: string): void {
  const anti = issues.object(value, field);
  if (!anti) return;
  const preferred = anti.preferredDuringSchedulingIgnoredDuringExecution;
  const required = anti.requiredDuringSchedulingIgnoredDuringExecution;
  if ((preferred === undefined) === (required === undefined)) issues.add(field, ValidationMessage.antiAffinityStrategy);
  if (preferred !== undefined) {
    const weight = isObject(preferred) ? preferred.weight : undefined;
    if (!isInteger(weight) || weight < 1 || weight > 100) {
      issues.add(
        `${field}.preferredDuringSchedulingIgnoredDuringExecution.weight`,
        ValidationMessage.antiAffinityWeight,
      );
    }
  }
}

function validateStringMatch(issues: Issues, match: unknown, field: string, albOnlyExact: boolean): void {
  if (!isObject(match)) {
    issues.add(field, ValidationMessage.stringMatchMissing);
    return;
  }
  const set = ["exact", "regex", "prefix"].filter((k) => typeof match[k] === "string" && match[k] !== "");
  if (albOnlyExact) {
    if (set.length !== 1 || set[0] !== "exact") issues.add(field, ValidationMessage.albExactOnly);
    return;
  }
  if (set.length === 0) issues.add(field, ValidationMessage.stringMatchMissing);
  else if (set.length > 1) issues.add(field, ValidationMessage.stringMatchMultiple);
}

const DOWNWARD_FIELDS = /^metadata\.(name|namespace|uid|labels|annotations|labels\['[^']+'\]|annotations\['[^']+'\])$/;

function validateArgs(issues: Issues, args: unknown, field: string): void {
  const list = issues.array(args, field) ?? [];
  for (const [i, arg] of list.entries()) {
    const path = `${field}[${i}]`;
    if (!isObject(arg)) {
      issues.add(path, "must be an object");
      continue;
    }
    if (typeof arg.name !== "string" || arg.name === "") issues.add(`${path}.name`, "Required value");
    const fieldRef = isObject(arg.valueFrom) && isObject(arg.valueFrom.fieldRef) ? arg.valueFrom.fieldRef : undefined;
    const fieldPath = fieldRef?.fieldPath;
    if (typeof fieldPath === "string" && fieldPath.startsWith("metadata") && !DOWNWARD_FIELDS.test(fieldPath)) {
      issues.add(`${path}.valueFrom.fieldRef.fieldPath`, ValidationMessage.analysisArgs);
    }
  }
}

interface CanaryContext {
  routing: Json | undefined;
  maxWeight: number;
  managedRoutes: Set<string> | undefined;
}

function validateStep(issues: Issues, step: unknown, i: number, ctx: CanaryContext): void {
  const path = `spec.strategy.canary.steps[${i}]`;
  if (!isObject(step)) {
    issues.add(path, ValidationMessage.invalidStep);
    return;
  }
  const kinds = [
    "setWeight",
    "pause",
    "experiment",
    "analysis",
    "setCanaryScale",
    "setHeaderRoute",
    "setMirrorRoute",
    "plugin",
  ].filter((k) => step[k] !== undefined && step[k] !== null);
  const exclusive = ["setWeight", "pause", "experiment", "analysis"].filter((k) => kinds.includes(k));
  if (kinds.length === 0 || exclusive.length > 1) issues.add(path, ValidationMessage.invalidStep);

  if (step.setWeight !== undefined) {
    const w = step.setWeight;
    if (!isInteger(w) || w < 0 || w > ctx.maxWeight) {
      issues.add(`${path}.setWeight`, ValidationMessage.invalidSetWeight(ctx.maxWeight));
    }
  }
  if (step.pause !== undefined && step.pause !== null) {
    const pause = issues.object(step.pause, `${path}.pause`);
    const duration = pause?.duration;
    if (pause && duration !== undefined && duration !== null) {
      if (typeof duration !== "number" && typeof duration !== "string") {
        issues.add(`${path}.pause.duration`, ValidationMessage.invalidDuration);
      } else {
        const seconds = rolloutPauseSeconds({ duration });
        if (seconds === undefined || seconds < 0)
          issues.add(`${path}.pause.duration`, ValidationMessage.invalidDuration);
      }
    }
  }
  const routing = ctx.routing;
  if (step.setCanaryScale !== undefined) {
    const scale = issues.object(step.setCanaryScale, `${path}.setCanaryScale`);
    if (!routing) issues.add(`${path}.setCanaryScale`, ValidationMessage.setCanaryScaleNeedsRouting);
    if (scale) {
      issues.int(scale.replicas, `${path}.setCanaryScale.replicas`, 0);
      const weight = issues.int(scale.weight, `${path}.setCanaryScale.weight`, 0);
      if (weight !== undefined && weight > ctx.maxWeight) {
        issues.add(`${path}.setCanaryScale.weight`, ValidationMessage.invalidSetWeight(ctx.maxWeight));
      }
      issues.bool(scale.matchTrafficWeight, `${path}.setCanaryScale.matchTrafficWeight`);
    }
  }
  if (step.setHeaderRoute !== undefined) {
    const route = issues.object(step.setHeaderRoute, `${path}.setHeaderRoute`);
    const supports = routing && (routing.istio || routing.alb || routing.apisix || routing.plugins);
    if (!supports) {
      issues.add(`${path}.setHeaderRoute`, ValidationMessage.setHeaderRouteNeedsRouting);
    } else if (route) {
      const matches = issues.array(route.match, `${path}.setHeaderRoute.match`) ?? [];
      for (const [j, m] of matches.entries()) {
        const matchPath = `${path}.setHeaderRoute.match[${j}]`;
        validateStringMatch(issues, isObject(m) ? m.headerValue : undefined, matchPath, !!routing.alb);
      }
    }
    validateManagedRoute(issues, route, `${path}.setHeaderRoute`, ctx);
  }
  if (step.setMirrorRoute !== undefined) {
    const route = issues.object(step.setMirrorRoute, `${path}.setMirrorRoute`);
    if (!routing || !(routing.istio || routing.plugins)) {
      issues.add(`${path}.setMirrorRoute`, ValidationMessage.setMirrorRouteNeedsRouting);
    }
    const matches = issues.array(route?.match, `${path}.setMirrorRoute.match`) ?? [];
    for (const [j, m] of matches.entries()) {
      const matchPath = `${path}.setMirrorRoute.match[${j}]`;
      if (!isObject(m)) {
        issues.add(matchPath, "must be an object");
        continue;
      }
      if (m.method !== undefined) validateStringMatch(issues, m.method, `${matchPath}.method`, false);
      if (m.path !== undefined) validateStringMatch(issues, m.path, `${matchPath}.path`, false);
    }
    const percentage = issues.int(route?.percentage, `${path}.setMirrorRoute.percentage`, 0);
    if (percentage !== undefined && percentage > 100) {
      issues.add(`${path}.setMirrorRoute.percentage`, "must be between 0 and 100");
    }
    validateManagedRoute(issues, route, `${path}.setMirrorRoute`, ctx);
  }
  if (step.experiment !== undefined) {
    const experiment = issues.object(step.experiment, `${path}.experiment`);
    const templates = issues.array(experiment?.templates, `${path}.experiment.templates`) ?? [];
    for (const [j, t] of templates.entries()) {
      const tPath = `${path}.experiment.templates[${j}]`;
      if (!isObject(t)) {
        issues.add(tPath, "must be an object");
        continue;
      }
      if (t.specRef !== "canary" && t.specRef !== "stable") {
        issues.add(`${tPath}.specRef`, 'Unsupported value: must be "canary" or "stable"');
      }
      if (t.weight !== undefined) {
        if (!routing) issues.add(`${tPath}.weight`, ValidationMessage.experimentWeightWithoutRouting);
        else if (!routing.alb && !routing.smi && !routing.istio && !routing.plugins) {
          issues.add(`${tPath}.weight`, ValidationMessage.experimentWeightUnsupportedRouter);
        }
      }
    }
    const analyses = issues.array(experiment?.analyses, `${path}.experiment.analyses`) ?? [];
    for (const [j, a] of analyses.entries()) {
      if (isObject(a)) validateArgs(issues, a.args, `${path}.experiment.analyses[${j}].args`);
    }
  }
  if (step.analysis !== undefined) {
    const analysis = issues.object(step.analysis, `${path}.analysis`);
    validateArgs(issues, analysis?.args, `${path}.analysis.args`);
  }
}

function validateManagedRoute(issues: Issues, route: Json | undefined, field: string, ctx: CanaryContext): void {
  if (!ctx.routing) return;
  if (!ctx.managedRoutes) {
    issues.add(
      "spec.strategy.canary.trafficRouting.managedRoutes",
      ValidationMessage.missingField("spec.strategy.canary.trafficRouting.managedRoutes"),
    );
    return;
  }
  const name = route?.name;
  if (typeof name !== "string" || !ctx.managedRoutes.has(name)) issues.add(field, ValidationMessage.routeNotManaged);
}

function validateCanary(issues: Issues, canary: Json, revisionHistoryLimit: number): void {
  const base = "spec.strategy.canary";
  issues.intOrPercent(canary.maxSurge, `${base}.maxSurge`);
  issues.intOrPercent(canary.maxUnavailable, `${base}.maxUnavailable`);
  const surge = literalIntOrPercent((canary.maxSurge as string | number | undefined) ?? DEFAULT_MAX_SURGE);
  const unavailable = literalIntOrPercent(
    (canary.maxUnavailable as string | number | undefined) ?? DEFAULT_MAX_UNAVAILABLE,
  );
  if (surge === 0 && unavailable === 0) issues.add(`${base}.maxSurge`, ValidationMessage.surgeAndUnavailableZero);

  const canaryService = issues.string(canary.canaryService, `${base}.canaryService`) ?? "";
  const stableService = issues.string(canary.stableService, `${base}.stableService`) ?? "";
  if (canaryService !== "" && canaryService === stableService) {
    issues.add(`${base}.stableService`, ValidationMessage.duplicateCanaryServices);
  }
  const routing = issues.object(canary.trafficRouting, `${base}.trafficRouting`);
  const pingPong = issues.object(canary.pingPong, `${base}.pingPong`);
  if (pingPong) {
    if (routing && !routing.alb) issues.add(`${base}.trafficRouting.alb`, ValidationMessage.pingPongAlbOnly);
    const ping = typeof pingPong.pingService === "string" ? pingPong.pingService : "";
    const pong = typeof pingPong.pongService === "string" ? pingPong.pongService : "";
    if (ping === "") issues.add(`${base}.pingPong.pingService`, ValidationMessage.pingPongServices);
    if (pong === "") issues.add(`${base}.pingPong.pongService`, ValidationMessage.pingPongServices);
    if (ping === pong) issues.add(`${base}.pingPong.pingService`, ValidationMessage.duplicatePingPong);
    const alb = routing && isObject(routing.alb) ? routing.alb : undefined;
    if (alb && (typeof alb.rootService !== "string" || alb.rootService === "")) {
      issues.add(`${base}.trafficRouting.alb.rootService`, ValidationMessage.albRootService);
    }
  }
  const istioSubsets = routing && isObject(routing.istio) && routing.istio.destinationRule !== undefined;
  if (routing && !istioSubsets && !pingPong) {
    if (stableService === "") issues.add(`${base}.stableService`, ValidationMessage.routingNeedsServices);
    if (canaryService === "") issues.add(`${base}.canaryService`, ValidationMessage.routingNeedsServices);
  }
  const scaleDownDelay = issues.int(canary.scaleDownDelaySeconds, `${base}.scaleDownDelaySeconds`, 0);
  issues.int(canary.abortScaleDownDelaySeconds, `${base}.abortScaleDownDelaySeconds`, 0);
  const dynamic = issues.bool(canary.dynamicStableScale, `${base}.dynamicStableScale`);
  if (!routing) {
    if (scaleDownDelay !== undefined)
      issues.add(`${base}.scaleDownDelaySeconds`, ValidationMessage.canaryScaleDownDelay);
    if (dynamic) issues.add(`${base}.dynamicStableScale`, ValidationMessage.canaryDynamicStableScale);
  } else if (scaleDownDelay !== undefined && dynamic) {
    issues.add(`${base}.dynamicStableScale`, ValidationMessage.dynamicStableScaleWithDelay);
  }
  const limit = issues.int(canary.scaleDownDelayRevisionLimit, `${base}.scaleDownDelayRevisionLimit`, 0);
  if (limit !== undefined && revisionHistoryLimit < limit) {
    issues.add(`${base}.scaleDownDelayRevisionLimit`, ValidationMessage.scaleDownLimitOverHistory);
  }
  issues.int(canary.minPodsPerReplicaSet, `${base}.minPodsPerReplicaSet`, 1, "must be greater than or equal to 1");
  const threshold = issues.object(canary.replicaProgressThreshold, `${base}.replicaProgressThreshold`);
  if (threshold) {
    if (threshold.type !== "Percent" && threshold.type !== "Pods") {
      issues.add(`${base}.replicaProgressThreshold.type`, 'Unsupported value: must be "Percent" or "Pods"');
    }
    const value = issues.int(threshold.value, `${base}.replicaProgressThreshold.value`, 0);
    if (threshold.type === "Percent" && value !== undefined && value > 100) {
      issues.add(`${base}.replicaProgressThreshold.value`, "must be between 0 and 100 for type Percent");
    }
  }
  let maxWeight = DEFAULT_MAX_TRAFFIC_WEIGHT;
  let managedRoutes: Set<string> | undefined;
  if (routing) {
    const max = issues.int(
      routing.maxTrafficWeight,
      `${base}.trafficRouting.maxTrafficWeight`,
      1,
      "must be at least 1",
    );
    if (max !== undefined && max >= 1) maxWeight = max;
    const routes = issues.array(routing.managedRoutes, `${base}.trafficRouting.managedRoutes`);
    if (routes) {
      managedRoutes = new Set(routes.flatMap((r) => (isObject(r) && typeof r.name === "string" ? [r.name] : [])));
    }
  }
  const analysis = issues.object(canary.analysis, `${base}.analysis`);
  if (analysis) {
    issues.int(analysis.startingStep, `${base}.analysis.startingStep`, 0);
    validateArgs(issues, analysis.args, `${base}.analysis.args`);
  }
  validateAntiAffinity(issues, canary.antiAffinity, `${base}.antiAffinity`);
  const steps = issues.array(canary.steps, `${base}.steps`) ?? [];
  for (const [i, step] of steps.entries()) validateStep(issues, step, i, { routing, maxWeight, managedRoutes });
}

function validateBlueGreen(issues: Issues, blueGreen: Json, revisionHistoryLimit: number): void {
  const base = "spec.strategy.blueGreen";
  const active = issues.string(blueGreen.activeService, `${base}.activeService`) ?? "";
  const preview = issues.string(blueGreen.previewService, `${base}.previewService`) ?? "";
  if (active === "") {
    issues.add(`${base}.activeService`, ValidationMessage.missingField(".spec.strategy.blueGreen.activeService"));
  } else if (active === preview) {
    issues.add(`${base}.activeService`, ValidationMessage.duplicateBlueGreenServices);
  }
  const limit = issues.int(blueGreen.scaleDownDelayRevisionLimit, `${base}.scaleDownDelayRevisionLimit`, 0);
  if (limit !== undefined && revisionHistoryLimit < limit) {
    issues.add(`${base}.scaleDownDelayRevisionLimit`, ValidationMessage.scaleDownLimitOverHistory);
  }
  issues.int(blueGreen.previewReplicaCount, `${base}.previewReplicaCount`, 0);
  issues.int(blueGreen.autoPromotionSeconds, `${base}.autoPromotionSeconds`, 0);
  issues.bool(blueGreen.autoPromotionEnabled, `${base}.autoPromotionEnabled`);
  issues.int(blueGreen.scaleDownDelaySeconds, `${base}.scaleDownDelaySeconds`, 0);
  issues.int(blueGreen.abortScaleDownDelaySeconds, `${base}.abortScaleDownDelaySeconds`, 0);
  issues.intOrPercent(blueGreen.maxUnavailable, `${base}.maxUnavailable`);
  for (const key of ["prePromotionAnalysis", "postPromotionAnalysis"]) {
    const analysis = issues.object(blueGreen[key], `${base}.${key}`);
    if (analysis) validateArgs(issues, analysis.args, `${base}.${key}.args`);
  }
  validateAntiAffinity(issues, blueGreen.antiAffinity, `${base}.antiAffinity`);
}

/**
 * Every rule Argo enforces on a Rollout spec (selector and template, counts, one strategy, services, steps,
 * routing requirements, surge/unavailable, anti-affinity, analysis arguments), each broken rule one issue naming
 * its field path, worded as Argo words it. Accepts any JSON; a wrong type is itself an issue. Empty means valid.
 */
export function validateRollout(rollout: unknown): FieldIssue[] {
  const issues = new Issues();
  if (!isObject(rollout)) {
    issues.add("", "a Rollout must be a JSON object");
    return issues.list;
  }
  const spec = issues.object(rollout.spec, "spec");
  if (!spec) {
    issues.add("spec", ValidationMessage.missingField(".spec"));
    return issues.list;
  }
  issues.int(spec.replicas, "spec.replicas", 0, ValidationMessage.nonNegative);
  const minReady = issues.int(spec.minReadySeconds, "spec.minReadySeconds", 0, ValidationMessage.nonNegative) ?? 0;
  const history = issues.int(spec.revisionHistoryLimit, "spec.revisionHistoryLimit", 0, ValidationMessage.nonNegative);
  const deadline = issues.int(
    spec.progressDeadlineSeconds,
    "spec.progressDeadlineSeconds",
    0,
    ValidationMessage.nonNegative,
  );
  if ((deadline ?? 600) <= minReady) {
    issues.add("spec.progressDeadlineSeconds", ValidationMessage.deadlineNotAboveMinReady);
  }
  issues.bool(spec.paused, "spec.paused");
  if (
    spec.restartAt !== undefined &&
    (typeof spec.restartAt !== "string" || Number.isNaN(Date.parse(spec.restartAt)))
  ) {
    issues.add("spec.restartAt", "must be an RFC 3339 time");
  }

  const workloadRef = issues.object(spec.workloadRef, "spec.workloadRef");
  const template = issues.object(spec.template, "spec.template");
  if (workloadRef) {
    if (!["Deployment", "ReplicaSet", "PodTemplate"].includes(String(workloadRef.kind))) {
      issues.add("spec.workloadRef.kind", 'Unsupported value: must be "Deployment", "ReplicaSet" or "PodTemplate"');
    }
    if (typeof workloadRef.name !== "string" || workloadRef.name === "") {
      issues.add("spec.workloadRef.name", "Required value");
    }
    const scaleDown = workloadRef.scaleDown;
    if (scaleDown !== undefined && !["never", "onsuccess", "progressively"].includes(String(scaleDown))) {
      issues.add("spec.workloadRef.scaleDown", 'Unsupported value: must be "never", "onsuccess" or "progressively"');
    }
    if (template && Object.keys(template).length > 0) {
      issues.add("spec.template", ValidationMessage.templateWithWorkloadRef);
    }
  } else {
    const selector = issues.object(spec.selector, "spec.selector");
    let selectorOk = false;
    if (!selector) issues.add("spec.selector", ValidationMessage.missingField(".spec.selector"));
    else selectorOk = validateSelector(issues, selector, "spec.selector");
    if (!template) issues.add("spec.template", ValidationMessage.missingField(".spec.template"));
    else validateTemplate(issues, template, selector, selectorOk);
  }

  const strategy = issues.object(spec.strategy, "spec.strategy");
  const canary = issues.object(strategy?.canary, "spec.strategy.canary");
  const blueGreen = issues.object(strategy?.blueGreen, "spec.strategy.blueGreen");
  if (!canary && !blueGreen) {
    issues.add("spec.strategy", ValidationMessage.missingField(".spec.strategy.canary or .spec.strategy.blueGreen"));
  } else if (canary && blueGreen) {
    issues.add("spec.strategy", ValidationMessage.multipleStrategies);
  } else if (canary) {
    validateCanary(issues, canary, history ?? 10);
  } else if (blueGreen) {
    validateBlueGreen(issues, blueGreen, history ?? 10);
  }
  return issues.list;
}
