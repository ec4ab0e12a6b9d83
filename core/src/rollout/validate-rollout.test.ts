import { describe, expect, it } from "vitest";
import { ValidationMessage as M, validateRollout } from "./validate-rollout.ts";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are untyped JSON that each case bends out of shape.
type Json = Record<string, any>;

function basic(): Json {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: "web" },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
      },
      strategy: {
        canary: { steps: [{ setWeight: 20 }, { pause: { duration: "30s" } }, { setWeight: 60 }, { pause: {} }] },
      },
    },
  };
}

function routed(): Json {
  const r = basic();
  r.spec.strategy.canary = {
    canaryService: "web-canary",
    stableService: "web-stable",
    trafficRouting: { istio: { virtualService: { name: "web" } }, managedRoutes: [{ name: "hdr" }] },
    steps: [
      { setWeight: 10 },
      { setHeaderRoute: { name: "hdr", match: [{ headerName: "x", headerValue: { exact: "1" } }] } },
    ],
  };
  return r;
}

function blueGreen(): Json {
  const r = basic();
  r.spec.strategy = { blueGreen: { activeService: "web-active", previewService: "web-preview" } };
  return r;
}

/** Issues for a copy of `base` changed by `change`. */
function issues(base: () => Json, change: (r: Json) => void) {
  const r = base();
  change(r);
  return validateRollout(r);
}

describe("validateRollout: accepted specs", () => {
  it("accepts a basic canary, a routed canary, a blue-green and a workloadRef Rollout", () => {
    expect(validateRollout(basic())).toEqual([]);
    expect(validateRollout(routed())).toEqual([]);
    expect(validateRollout(blueGreen())).toEqual([]);
    expect(
      issues(basic, (r) => {
        delete r.spec.template;
        delete r.spec.selector;
        r.spec.workloadRef = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
      }),
    ).toEqual([]);
  });
});

describe("validateRollout: top level", () => {
  it("refuses non-objects and a missing spec", () => {
    expect(validateRollout(null)).toEqual([{ field: "", message: "a Rollout must be a JSON object" }]);
    expect(validateRollout([])).toHaveLength(1);
    expect(validateRollout({ metadata: {} })).toEqual([{ field: "spec", message: M.missingField(".spec") }]);
  });

  it("checks counts are non-negative integers", () => {
    expect(issues(basic, (r) => (r.spec.replicas = -1))).toEqual([{ field: "spec.replicas", message: M.nonNegative }]);
    expect(issues(basic, (r) => (r.spec.replicas = "3"))).toEqual([
      { field: "spec.replicas", message: 'must be an integer, got "3"' },
    ]);
    expect(issues(basic, (r) => (r.spec.minReadySeconds = -5))).toContainEqual({
      field: "spec.minReadySeconds",
      message: M.nonNegative,
    });
    expect(issues(basic, (r) => (r.spec.revisionHistoryLimit = -1))).toContainEqual({
      field: "spec.revisionHistoryLimit",
      message: M.nonNegative,
    });
  });

  it("wants the progress deadline above minReadySeconds", () => {
    expect(issues(basic, (r) => (r.spec.minReadySeconds = 600))).toEqual([
      { field: "spec.progressDeadlineSeconds", message: M.deadlineNotAboveMinReady },
    ]);
    expect(issues(basic, (r) => Object.assign(r.spec, { minReadySeconds: 30, progressDeadlineSeconds: 20 }))).toEqual([
      { field: "spec.progressDeadlineSeconds", message: M.deadlineNotAboveMinReady },
    ]);
  });

  it("checks restartAt is a time", () => {
    expect(issues(basic, (r) => (r.spec.restartAt = "tomorrow"))).toEqual([
      { field: "spec.restartAt", message: "must be an RFC 3339 time" },
    ]);
  });
});

describe("validateRollout: selector and template", () => {
  it("requires a non-empty, well-formed selector", () => {
    expect(issues(basic, (r) => delete r.spec.selector)).toEqual([
      { field: "spec.selector", message: M.missingField(".spec.selector") },
    ]);
    expect(issues(basic, (r) => (r.spec.selector = {}))).toEqual([
      { field: "spec.selector", message: M.emptySelector },
    ]);
    expect(
      issues(basic, (r) => (r.spec.selector = { matchExpressions: [{ key: "app", operator: "Near", values: ["x"] }] })),
    ).toContainEqual({
      field: "spec.selector.matchExpressions[0].operator",
      message: 'not a valid selector operator: "Near"',
    });
    expect(
      issues(basic, (r) => (r.spec.selector = { matchExpressions: [{ key: "app", operator: "In" }] })),
    ).toContainEqual({
      field: "spec.selector.matchExpressions[0].values",
      message: "must be specified when `operator` is 'In' or 'NotIn'",
    });
  });

  it("requires the selector to match the template labels", () => {
    expect(issues(basic, (r) => (r.spec.template.metadata.labels = { app: "api" }))).toEqual([
      { field: "spec.template.metadata.labels", message: M.selectorMismatch },
    ]);
    const exprOk = issues(basic, (r) => {
      r.spec.selector = { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] };
    });
    expect(exprOk).toEqual([]);
    const exprBad = issues(basic, (r) => {
      r.spec.selector = { matchExpressions: [{ key: "tier", operator: "Exists" }] };
    });
    expect(exprBad).toEqual([{ field: "spec.template.metadata.labels", message: M.selectorMismatch }]);
  });

  it("requires a template with named, imaged, unique containers that restart Always", () => {
    expect(issues(basic, (r) => delete r.spec.template)).toEqual([
      { field: "spec.template", message: M.missingField(".spec.template") },
    ]);
    expect(issues(basic, (r) => (r.spec.template.spec.containers = []))).toEqual([
      { field: "spec.template.spec.containers", message: "Required value: at least one container" },
    ]);
    expect(issues(basic, (r) => r.spec.template.spec.containers.push({ name: "web" }))).toEqual([
      { field: "spec.template.spec.containers[1].name", message: 'Duplicate value: "web"' },
      { field: "spec.template.spec.containers[1].image", message: "Required value" },
    ]);
    expect(issues(basic, (r) => (r.spec.template.spec.restartPolicy = "Never"))).toEqual([
      { field: "spec.template.spec.restartPolicy", message: 'Unsupported value: "Never": supported values: "Always"' },
    ]);
  });

  it("refuses a template next to workloadRef and checks the reference", () => {
    const both = issues(basic, (r) => (r.spec.workloadRef = { kind: "Deployment", name: "web" }));
    expect(both).toEqual([{ field: "spec.template", message: M.templateWithWorkloadRef }]);
    const badRef = issues(basic, (r) => {
      delete r.spec.template;
      r.spec.workloadRef = { kind: "StatefulSet", scaleDown: "sometimes" };
    });
    expect(badRef.map((i) => i.field)).toEqual([
      "spec.workloadRef.kind",
      "spec.workloadRef.name",
      "spec.workloadRef.scaleDown",
    ]);
  });
});

describe("validateRollout: strategy", () => {
  it("needs exactly one strategy", () => {
    expect(issues(basic, (r) => (r.spec.strategy = {}))).toEqual([
      { field: "spec.strategy", message: M.missingField(".spec.strategy.canary or .spec.strategy.blueGreen") },
    ]);
    expect(issues(basic, (r) => (r.spec.strategy.blueGreen = { activeService: "a" }))).toEqual([
      { field: "spec.strategy", message: M.multipleStrategies },
    ]);
  });

  it("blue-green: active service required and distinct, limits consistent", () => {
    expect(issues(blueGreen, (r) => delete r.spec.strategy.blueGreen.activeService)).toEqual([
      {
        field: "spec.strategy.blueGreen.activeService",
        message: M.missingField(".spec.strategy.blueGreen.activeService"),
      },
    ]);
    expect(issues(blueGreen, (r) => (r.spec.strategy.blueGreen.previewService = "web-active"))).toEqual([
      { field: "spec.strategy.blueGreen.activeService", message: M.duplicateBlueGreenServices },
    ]);
    expect(
      issues(blueGreen, (r) => {
        r.spec.revisionHistoryLimit = 2;
        r.spec.strategy.blueGreen.scaleDownDelayRevisionLimit = 3;
      }),
    ).toEqual([{ field: "spec.strategy.blueGreen.scaleDownDelayRevisionLimit", message: M.scaleDownLimitOverHistory }]);
    expect(issues(blueGreen, (r) => (r.spec.strategy.blueGreen.previewReplicaCount = -1))).toEqual([
      { field: "spec.strategy.blueGreen.previewReplicaCount", message: "must be greater than or equal to 0" },
    ]);
    expect(issues(blueGreen, (r) => (r.spec.strategy.blueGreen.autoPromotionEnabled = "no"))).toEqual([
      { field: "spec.strategy.blueGreen.autoPromotionEnabled", message: 'must be a boolean, got "no"' },
    ]);
  });

  it("anti-affinity: exactly one kind, weight 1-100", () => {
    expect(issues(blueGreen, (r) => (r.spec.strategy.blueGreen.antiAffinity = {}))).toEqual([
      { field: "spec.strategy.blueGreen.antiAffinity", message: M.antiAffinityStrategy },
    ]);
    expect(
      issues(basic, (r) => {
        r.spec.strategy.canary.antiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 101 } };
      }),
    ).toEqual([
      {
        field: "spec.strategy.canary.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight",
        message: M.antiAffinityWeight,
      },
    ]);
  });
});

describe("validateRollout: canary", () => {
  const canary = (change: (c: Json, r: Json) => void, base = basic) =>
    issues(base, (r) => change(r.spec.strategy.canary, r));

  it("surge and unavailable: well formed, not both zero", () => {
    expect(canary((c) => Object.assign(c, { maxSurge: 0, maxUnavailable: "0%" }))).toEqual([
      { field: "spec.strategy.canary.maxSurge", message: M.surgeAndUnavailableZero },
    ]);
    expect(canary((c) => Object.assign(c, { maxSurge: "0", maxUnavailable: 0 }))).toHaveLength(1);
    expect(canary((c) => Object.assign(c, { maxSurge: 0, maxUnavailable: 1 }))).toEqual([]);
    expect(canary((c) => (c.maxSurge = "lots"))).toEqual([
      {
        field: "spec.strategy.canary.maxSurge",
        message: 'invalid value "lots": must be a non-negative integer or percentage',
      },
    ]);
    expect(canary((c) => (c.maxUnavailable = -1))).toHaveLength(1);
  });

  it("services: distinct, and both required with traffic routing", () => {
    expect(canary((c) => (c.stableService = "web-canary"), routed)).toEqual([
      { field: "spec.strategy.canary.stableService", message: M.duplicateCanaryServices },
    ]);
    expect(canary((c) => delete c.canaryService, routed)).toEqual([
      { field: "spec.strategy.canary.canaryService", message: M.routingNeedsServices },
    ]);
    // Istio subset routing and ping-pong do without them.
    expect(
      canary((c) => {
        delete c.canaryService;
        delete c.stableService;
        c.trafficRouting.istio.destinationRule = { name: "web", canarySubsetName: "c", stableSubsetName: "s" };
      }, routed),
    ).toEqual([]);
  });

  it("ping-pong: ALB only, both services, distinct, with a root service", () => {
    const pp = canary((c) => {
      delete c.canaryService;
      delete c.stableService;
      c.pingPong = { pingService: "a", pongService: "a" };
      c.trafficRouting = { alb: { ingress: "i" } };
      c.steps = [{ setWeight: 10 }];
    }, routed);
    expect(pp).toEqual([
      { field: "spec.strategy.canary.pingPong.pingService", message: M.duplicatePingPong },
      { field: "spec.strategy.canary.trafficRouting.alb.rootService", message: M.albRootService },
    ]);
    const nginx = canary((c) => {
      c.pingPong = { pingService: "a" };
      c.trafficRouting = { nginx: { stableIngress: "i" } };
      c.steps = [];
    }, routed);
    expect(nginx).toContainEqual({ field: "spec.strategy.canary.trafficRouting.alb", message: M.pingPongAlbOnly });
    expect(nginx).toContainEqual({ field: "spec.strategy.canary.pingPong.pongService", message: M.pingPongServices });
  });

  it("routing-only options: scaleDownDelaySeconds and dynamicStableScale", () => {
    expect(canary((c) => (c.scaleDownDelaySeconds = 30))).toEqual([
      { field: "spec.strategy.canary.scaleDownDelaySeconds", message: M.canaryScaleDownDelay },
    ]);
    expect(canary((c) => (c.dynamicStableScale = true))).toEqual([
      { field: "spec.strategy.canary.dynamicStableScale", message: M.canaryDynamicStableScale },
    ]);
    expect(canary((c) => Object.assign(c, { dynamicStableScale: true, scaleDownDelaySeconds: 10 }), routed)).toEqual([
      { field: "spec.strategy.canary.dynamicStableScale", message: M.dynamicStableScaleWithDelay },
    ]);
    expect(canary((c) => Object.assign(c, { dynamicStableScale: true }), routed)).toEqual([]);
  });

  it("limits: scaleDownDelayRevisionLimit, minPodsPerReplicaSet, replicaProgressThreshold, maxTrafficWeight", () => {
    expect(
      canary((c, r) => {
        r.spec.revisionHistoryLimit = 1;
        c.scaleDownDelayRevisionLimit = 2;
      }, routed),
    ).toEqual([{ field: "spec.strategy.canary.scaleDownDelayRevisionLimit", message: M.scaleDownLimitOverHistory }]);
    expect(canary((c) => (c.minPodsPerReplicaSet = 0), routed)).toEqual([
      { field: "spec.strategy.canary.minPodsPerReplicaSet", message: "must be greater than or equal to 1" },
    ]);
    expect(canary((c) => (c.replicaProgressThreshold = { type: "Percent", value: 150 }))).toEqual([
      {
        field: "spec.strategy.canary.replicaProgressThreshold.value",
        message: "must be between 0 and 100 for type Percent",
      },
    ]);
    expect(canary((c) => (c.replicaProgressThreshold = { type: "Ratio", value: 1 }))).toHaveLength(1);
    expect(canary((c) => (c.trafficRouting.maxTrafficWeight = 0), routed)).toEqual([
      { field: "spec.strategy.canary.trafficRouting.maxTrafficWeight", message: "must be at least 1" },
    ]);
  });
});

describe("validateRollout: steps", () => {
  const step = (s: unknown, base = basic) => issues(base, (r) => (r.spec.strategy.canary.steps = [s]));

  it("each step has exactly one action", () => {
    expect(step({})).toEqual([{ field: "spec.strategy.canary.steps[0]", message: M.invalidStep }]);
    expect(step({ setWeight: 10, pause: {} })).toEqual([
      { field: "spec.strategy.canary.steps[0]", message: M.invalidStep },
    ]);
    expect(step("pause")).toEqual([{ field: "spec.strategy.canary.steps[0]", message: M.invalidStep }]);
    expect(issues(basic, (r) => (r.spec.strategy.canary.steps = { setWeight: 1 }))).toEqual([
      { field: "spec.strategy.canary.steps", message: "must be a list" },
    ]);
  });

  it("setWeight is an integer within 0..maxTrafficWeight", () => {
    expect(step({ setWeight: 101 })).toEqual([
      { field: "spec.strategy.canary.steps[0].setWeight", message: "SetWeight needs to be between 0 and 100" },
    ]);
    expect(step({ setWeight: -1 })).toHaveLength(1);
    expect(step({ setWeight: 12.5 })).toHaveLength(1);
    const wide = issues(routed, (r) => {
      r.spec.strategy.canary.trafficRouting.maxTrafficWeight = 1000;
      r.spec.strategy.canary.steps = [{ setWeight: 250 }, { setWeight: 1001 }];
    });
    expect(wide).toEqual([
      { field: "spec.strategy.canary.steps[1].setWeight", message: "SetWeight needs to be between 0 and 1000" },
    ]);
  });

  it("pause durations are non-negative seconds or Go durations", () => {
    expect(step({ pause: { duration: "1h" } })).toEqual([]);
    expect(step({ pause: { duration: 0 } })).toEqual([]);
    expect(step({ pause: { duration: "ages" } })).toEqual([
      { field: "spec.strategy.canary.steps[0].pause.duration", message: M.invalidDuration },
    ]);
    expect(step({ pause: { duration: -3 } })).toHaveLength(1);
    expect(step({ pause: { duration: true } })).toHaveLength(1);
  });

  it("setCanaryScale needs traffic routing", () => {
    expect(step({ setCanaryScale: { replicas: 1 } })).toEqual([
      { field: "spec.strategy.canary.steps[0].setCanaryScale", message: M.setCanaryScaleNeedsRouting },
    ]);
    expect(step({ setCanaryScale: { weight: 120 } }, routed)).toEqual([
      {
        field: "spec.strategy.canary.steps[0].setCanaryScale.weight",
        message: "SetWeight needs to be between 0 and 100",
      },
    ]);
  });

  it("header routes: a supporting router, a managed route name, one match value (ALB: exact only)", () => {
    expect(step({ setHeaderRoute: { name: "hdr" } })).toEqual([
      { field: "spec.strategy.canary.steps[0].setHeaderRoute", message: M.setHeaderRouteNeedsRouting },
    ]);
    expect(step({ setHeaderRoute: { name: "other" } }, routed)).toEqual([
      { field: "spec.strategy.canary.steps[0].setHeaderRoute", message: M.routeNotManaged },
    ]);
    expect(
      step(
        { setHeaderRoute: { name: "hdr", match: [{ headerName: "x", headerValue: { exact: "1", prefix: "2" } }] } },
        routed,
      ),
    ).toEqual([{ field: "spec.strategy.canary.steps[0].setHeaderRoute.match[0]", message: M.stringMatchMultiple }]);
    expect(step({ setHeaderRoute: { name: "hdr", match: [{ headerName: "x" }] } }, routed)).toEqual([
      { field: "spec.strategy.canary.steps[0].setHeaderRoute.match[0]", message: M.stringMatchMissing },
    ]);
    const alb = issues(routed, (r) => {
      r.spec.strategy.canary.trafficRouting = { alb: { ingress: "i" }, managedRoutes: [{ name: "hdr" }] };
      r.spec.strategy.canary.steps = [
        { setHeaderRoute: { name: "hdr", match: [{ headerName: "x", headerValue: { prefix: "a" } }] } },
      ];
    });
    expect(alb).toEqual([{ field: "spec.strategy.canary.steps[0].setHeaderRoute.match[0]", message: M.albExactOnly }]);
    const unmanaged = issues(routed, (r) => {
      delete r.spec.strategy.canary.trafficRouting.managedRoutes;
    });
    expect(unmanaged).toEqual([
      {
        field: "spec.strategy.canary.trafficRouting.managedRoutes",
        message: M.missingField("spec.strategy.canary.trafficRouting.managedRoutes"),
      },
    ]);
  });

  it("mirror routes: Istio only, valid matches, percentage 0..100", () => {
    const nginx = issues(routed, (r) => {
      r.spec.strategy.canary.trafficRouting = { nginx: { stableIngress: "i" }, managedRoutes: [{ name: "m" }] };
      r.spec.strategy.canary.steps = [{ setMirrorRoute: { name: "m" } }];
    });
    expect(nginx).toEqual([
      { field: "spec.strategy.canary.steps[0].setMirrorRoute", message: M.setMirrorRouteNeedsRouting },
    ]);
    const bad = issues(routed, (r) => {
      r.spec.strategy.canary.trafficRouting.managedRoutes.push({ name: "m" });
      r.spec.strategy.canary.steps = [{ setMirrorRoute: { name: "m", percentage: 120, match: [{ method: {} }] } }];
    });
    expect(bad).toEqual([
      { field: "spec.strategy.canary.steps[0].setMirrorRoute.match[0].method", message: M.stringMatchMissing },
      { field: "spec.strategy.canary.steps[0].setMirrorRoute.percentage", message: "must be between 0 and 100" },
    ]);
  });

  it("experiment template weights need a router that supports them", () => {
    const exp = { experiment: { templates: [{ name: "a", specRef: "canary", weight: 10 }] } };
    expect(step(exp)).toEqual([
      {
        field: "spec.strategy.canary.steps[0].experiment.templates[0].weight",
        message: M.experimentWeightWithoutRouting,
      },
    ]);
    expect(step(exp, routed)).toEqual([]);
    const nginx = issues(routed, (r) => {
      r.spec.strategy.canary.trafficRouting = { nginx: { stableIngress: "i" } };
      r.spec.strategy.canary.steps = [exp];
    });
    expect(nginx).toEqual([
      {
        field: "spec.strategy.canary.steps[0].experiment.templates[0].weight",
        message: M.experimentWeightUnsupportedRouter,
      },
    ]);
    expect(step({ experiment: { templates: [{ name: "a", specRef: "baseline" }] } })).toHaveLength(1);
  });

  it("analysis arguments from metadata use downward-API paths", () => {
    const arg = (fieldPath: string) => ({
      analysis: { templates: [{ templateName: "t" }], args: [{ name: "a", valueFrom: { fieldRef: { fieldPath } } }] },
    });
    expect(step(arg("metadata.labels['env']"))).toEqual([]);
    expect(step(arg("metadata.name"))).toEqual([]);
    // Other paths are looked up in the Rollout JSON and are not checked here.
    expect(step(arg("status.alb.canaryTargetGroup.name"))).toEqual([]);
    expect(step(arg("metadata.generation"))).toEqual([
      { field: "spec.strategy.canary.steps[0].analysis.args[0].valueFrom.fieldRef.fieldPath", message: M.analysisArgs },
    ]);
  });

  it("reports every broken rule, not just the first", () => {
    const many = issues(basic, (r) => {
      r.spec.replicas = -2;
      r.spec.strategy.canary.steps = [{ setWeight: 500 }, {}, { pause: { duration: "x" } }];
    });
    expect(many.map((i) => i.field)).toEqual([
      "spec.replicas",
      "spec.strategy.canary.steps[0].setWeight",
      "spec.strategy.canary.steps[1]",
      "spec.strategy.canary.steps[2].pause.duration",
    ]);
  });
});
