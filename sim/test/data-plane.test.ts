import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeSim, TrafficSplit } from "../src/index.ts";
import { SIM, startSimWithControllers, until, versionReplicaSet } from "./controllers-support.ts";

const STABLE = "5c9d7f4b8";
const CANARY = "7f6b8d9c2";
const HOST = "web.example.com";

let sim: KubeSim;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let net: k8s.NetworkingV1Api;

beforeAll(async () => {
  // Real-time ticks are pushed an hour apart, so only `advance` moves traffic here and counts are exact.
  sim = await startSimWithControllers({ clusters: ["eu-1", "us-1"], trafficTickMs: 3_600_000 });
  const kc = sim.kubeConfig("eu-1");
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  net = kc.makeApiClient(k8s.NetworkingV1Api);
});

afterAll(async () => {
  await sim.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: control endpoints answer JSON of many shapes (or Prometheus text)
type Json = any;

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.baseUrl}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith("{") ? JSON.parse(text) : text };
}

function service(name: string, selector: Record<string, string>): k8s.V1Service {
  return { metadata: { name }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } };
}

function ingress(name: string, host: string, backend: string, annotations: Record<string, string> = {}): k8s.V1Ingress {
  return {
    metadata: { name, annotations },
    spec: {
      ingressClassName: "nginx",
      rules: [
        {
          host,
          http: {
            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: backend, port: { number: 80 } } } }],
          },
        },
      ],
    },
  };
}

/**
 * Four ready stable pods and one ready canary pod (failing half its requests, slow), a Service over both
 * versions (`web`), Services pinned to each hash as Argo pins them, and the stable Ingress for HOST.
 */
async function app(ns: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await apps.createNamespacedReplicaSet({
    namespace: ns,
    body: versionReplicaSet(`web-${STABLE}`, "web", STABLE, 4, {
      [`${SIM}/ready-delay-ms`]: "0",
      [`${SIM}/latency-ms`]: "20",
    }) as k8s.V1ReplicaSet,
  });
  await apps.createNamespacedReplicaSet({
    namespace: ns,
    body: versionReplicaSet(`web-${CANARY}`, "web", CANARY, 1, {
      [`${SIM}/ready-delay-ms`]: "0",
      [`${SIM}/error-rate`]: "0.5",
      [`${SIM}/latency-ms`]: "300",
    }) as k8s.V1ReplicaSet,
  });
  await core.createNamespacedService({ namespace: ns, body: service("web", { app: "web" }) });
  await core.createNamespacedService({
    namespace: ns,
    body: service("web-stable", { app: "web", "rollouts-pod-template-hash": STABLE }),
  });
  await core.createNamespacedService({
    namespace: ns,
    body: service("web-canary", { app: "web", "rollouts-pod-template-hash": CANARY }),
  });
  await net.createNamespacedIngress({ namespace: ns, body: ingress("web", HOST, "web-stable") });
  await until(async () => {
    const e = await core.readNamespacedEndpoints({ namespace: ns, name: "web" });
    return e.subsets?.[0]?.addresses?.length === 5;
  }, "five ready endpoints");
}

const share = (split: TrafficSplit, version: string) =>
  split.versions.filter((v) => v.version === version).reduce((n, v) => n + v.requests, 0) / split.requestsSinceChange;

interface Target {
  namespace: string;
  service?: string;
  host?: string;
  headers?: Record<string, string>;
}

async function runTraffic(target: Target, seconds = 10): Promise<TrafficSplit> {
  const started = await control("POST", "/clusters/eu-1/traffic", { ...target, rps: 100 });
  expect(started.status).toBe(200);
  sim.dataPlane.advance(seconds * 1000);
  const query = new URLSearchParams(
    Object.entries(target).filter(([k]) => k !== "headers") as [string, string][],
  ).toString();
  const split: TrafficSplit | undefined = target.headers
    ? sim.dataPlane.split("eu-1", target)
    : (await control("GET", `/clusters/eu-1/split?${query}`)).json;
  if (!split) throw new Error("no split for the stream");
  await control("POST", "/clusters/eu-1/traffic", { ...target, rps: 0 });
  return split;
}

describe("data plane routing", () => {
  it("splits a Service over two versions by ready pods: 4:1 gives 80/20", async () => {
    await app("dp-svc");
    const split = await runTraffic({ namespace: "dp-svc", service: "web" });
    expect(split.requestsSinceChange).toBe(1000);
    expect(split.router).toBe("service");
    expect(split.routeObjects).toEqual(["Service/web"]);
    expect(share(split, STABLE)).toBe(0.8);
    expect(share(split, CANARY)).toBe(0.2);
    expect(split.versions.map((v) => [v.version, v.expectedShare])).toEqual([
      [STABLE, 0.8],
      [CANARY, 0.2],
    ]);
  });

  it("routes an NGINX canary Ingress at weight 10 as 90/10, and an unpinned canary Service spreads its part", async () => {
    await app("dp-nginx");
    await net.createNamespacedIngress({
      namespace: "dp-nginx",
      body: ingress("web-web-canary", HOST, "web-canary", {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "10",
      }),
    });
    const pinned = await runTraffic({ namespace: "dp-nginx", host: HOST });
    expect(pinned.router).toBe("nginx");
    expect(pinned.routeObjects).toEqual(["Ingress/web", "Ingress/web-web-canary"]);
    expect(pinned.routes).toEqual([
      { service: "web-stable", weight: 90 },
      { service: "web-canary", weight: 10 },
    ]);
    expect(share(pinned, STABLE)).toBe(0.9);
    expect(share(pinned, CANARY)).toBe(0.1);

    // A canary Service whose selector lacks the hash selects both versions: its 10 % splits 4:1 again.
    await net.patchNamespacedIngress(
      {
        namespace: "dp-nginx",
        name: "web-web-canary",
        body: [{ op: "replace", path: "/spec/rules/0/http/paths/0/backend/service/name", value: "web" }],
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
    );
    const unpinned = await runTraffic({ namespace: "dp-nginx", host: HOST });
    expect(share(unpinned, STABLE)).toBeCloseTo(0.98, 10);
    expect(share(unpinned, CANARY)).toBeCloseTo(0.02, 10);
  });

  it("ignores what ingress-nginx ignores: a canary Ingress for another host, canary annotations without canary: true", async () => {
    await app("dp-ignore");
    await net.createNamespacedIngress({
      namespace: "dp-ignore",
      body: ingress("other-canary", "other.example.com", "web-canary", {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "50",
      }),
    });
    await net.createNamespacedIngress({
      namespace: "dp-ignore",
      body: ingress("web-weighted", HOST, "web-canary", { "nginx.ingress.kubernetes.io/canary-weight": "50" }),
    });
    const split = await runTraffic({ namespace: "dp-ignore", host: HOST });
    expect(split.routes).toEqual([{ service: "web-stable", weight: 1 }]);
    expect(split.routeObjects).toEqual(["Ingress/web"]);
    expect(share(split, STABLE)).toBe(1);
    // An Ingress whose rules are not a list (the emulator stores what it is given) routes nothing and breaks nothing.
    sim
      .cluster("eu-1")
      .create(
        { group: "networking.k8s.io", version: "v1", resource: "ingresses" },
        { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "odd" }, spec: { rules: "nobody" } },
        "dp-ignore",
      );
    const unknown = await runTraffic({ namespace: "dp-ignore", host: "nobody.example.com" });
    expect(sim.dataPlane.lastError).toBeUndefined();
    expect(unknown.routes).toEqual([]);
    expect(unknown.router).toBeUndefined();
    expect(unknown.versions).toEqual([{ service: "", version: "", requests: 1000, share: 1, expectedShare: 0 }]);
  });

  it("honours canary-by-header (always / never / a value) before the weight", async () => {
    await app("dp-header");
    await net.createNamespacedIngress({
      namespace: "dp-header",
      body: ingress("web-web-canary", HOST, "web-canary", {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "10",
        "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary",
      }),
    });
    const always = await runTraffic({ namespace: "dp-header", host: HOST, headers: { "x-canary": "always" } }, 1);
    expect(share(always, CANARY)).toBe(1);
    const never = await runTraffic({ namespace: "dp-header", host: HOST, headers: { "X-Canary": "never" } }, 1);
    expect(share(never, CANARY)).toBe(0);
    const other = await runTraffic({ namespace: "dp-header", host: HOST, headers: { "X-Canary": "maybe" } }, 10);
    expect(share(other, CANARY)).toBe(0.1);
  });

  it("sends nothing to pods that are not Ready, and answers 503 when no endpoint is ready", async () => {
    await core.createNamespace({ body: { metadata: { name: "dp-ready" } } });
    await apps.createNamespacedReplicaSet({
      namespace: "dp-ready",
      body: versionReplicaSet("half", "half", "h1", 2, { [`${SIM}/never-ready`]: "true" }) as k8s.V1ReplicaSet,
    });
    await core.createNamespacedService({ namespace: "dp-ready", body: service("half", { app: "half" }) });
    await until(async () => {
      const e = await core.readNamespacedEndpoints({ namespace: "dp-ready", name: "half" });
      return e.subsets?.[0]?.notReadyAddresses?.length === 2;
    }, "two not-ready endpoints");
    const split = await runTraffic({ namespace: "dp-ready", service: "half" }, 1);
    expect(split.versions).toEqual([{ service: "half", version: "", requests: 100, share: 1, expectedShare: 1 }]);
    expect(sim.dataPlane.prometheusText("eu-1")).toContain(
      'http_requests_total{cluster="eu-1",namespace="dp-ready",service="half",rollouts_pod_template_hash="",code="503"} 100',
    );
  });
});

describe("data plane metrics", () => {
  it("exposes per-version request counts, errors and latency as Prometheus text and JSON", async () => {
    await app("dp-metrics");
    await runTraffic({ namespace: "dp-metrics", service: "web" });
    const text = (await control("GET", "/clusters/eu-1/metrics")).json as string;
    const line = (hash: string, code: string) =>
      `http_requests_total{cluster="eu-1",namespace="dp-metrics",service="web",rollouts_pod_template_hash="${hash}",code="${code}"}`;
    expect(text).toContain(`${line(STABLE, "200")} 800\n`);
    expect(text).not.toContain(line(STABLE, "500"));
    expect(text).toContain(`${line(CANARY, "200")} 100\n`);
    expect(text).toContain(`${line(CANARY, "500")} 100\n`);
    const bucket = (hash: string, le: string) =>
      `http_request_duration_seconds_bucket{cluster="eu-1",namespace="dp-metrics",service="web",rollouts_pod_template_hash="${hash}",le="${le}"}`;
    expect(text).toContain(`${bucket(CANARY, "0.25")} 0\n`);
    expect(text).toContain(`${bucket(CANARY, "0.5")} 200\n`);
    expect(text).toContain(`${bucket(STABLE, "0.025")} 800\n`);
    expect(text).toMatch(/# TYPE http_request_duration_seconds histogram/);

    const versions = await control("GET", "/clusters/eu-1/versions?namespace=dp-metrics&service=web");
    expect(versions.json.versions).toEqual([
      { version: STABLE, requests: 800, success: 800, errors: 0, errorRate: 0, successRate: 1 },
      { version: CANARY, requests: 200, success: 100, errors: 100, errorRate: 0.5, successRate: 0.5 },
    ]);
    const one = await control("GET", `/clusters/eu-1/versions/${CANARY}?namespace=dp-metrics`);
    expect(one.json).toMatchObject({ version: CANARY, errorRate: 0.5, requests: 200 });

    // A version whose behaviour changes (here: its pod's annotation is fixed in place) shows the change in a
    // window at once, while the count since traffic began still carries the old errors.
    const [canaryPod] = (
      await core.listNamespacedPod({ namespace: "dp-metrics", labelSelector: `rollouts-pod-template-hash=${CANARY}` })
    ).items;
    await core.patchNamespacedPod(
      {
        namespace: "dp-metrics",
        name: canaryPod?.metadata?.name ?? "",
        body: { metadata: { annotations: { [`${SIM}/error-rate`]: "0" } } },
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await runTraffic({ namespace: "dp-metrics", service: "web" }, 20);
    const since = await control("GET", `/clusters/eu-1/versions/${CANARY}?namespace=dp-metrics`);
    expect(since.json).toMatchObject({ requests: 600, errors: 100 });
    const recent = await control("GET", `/clusters/eu-1/versions/${CANARY}?namespace=dp-metrics&windowSeconds=10`);
    // Whole simulated seconds: the window holds the 10 s up to the clock's current second.
    expect(recent.json).toMatchObject({ errors: 0, errorRate: 0, successRate: 1 });
    expect(recent.json.requests).toBeGreaterThanOrEqual(180);
    expect(recent.json.requests).toBeLessThanOrEqual(200);
    const badWindow = await control("GET", `/clusters/eu-1/versions?namespace=dp-metrics&windowSeconds=61`);
    expect(badWindow).toMatchObject({ status: 400, json: { code: "invalid", field: "windowSeconds" } });

    const all = (await control("GET", "/metrics")).json as string;
    expect(all).toContain(`${line(CANARY, "500")} 100\n`);
    expect(all).toContain(`${line(CANARY, "200")} 500\n`);
    expect(all.match(/# TYPE http_requests_total counter/g)).toHaveLength(1);
  });

  it("refuses bad traffic requests naming the field, and unknown clusters", async () => {
    const cases: [unknown, string][] = [
      [{ namespace: "Bad_NS", service: "web", rps: 1 }, "namespace"],
      [{ namespace: "ns", rps: 1 }, "service"],
      [{ namespace: "ns", service: "web", host: "h", rps: 1 }, "service"],
      [{ namespace: "ns", service: "web", rps: -1 }, "rps"],
      [{ namespace: "ns", host: "h", rps: 1, headers: { a: 1 } }, "headers.a"],
      [[1, 2], "body"],
    ];
    for (const [body, field] of cases) {
      const res = await control("POST", "/clusters/eu-1/traffic", body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: "invalid", field });
    }
    const broken = await fetch(`${sim.baseUrl}/_sim/clusters/eu-1/traffic`, { method: "POST", body: "{nope" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ field: "body" });
    const missing = await control("POST", "/clusters/nowhere/traffic", { namespace: "ns", service: "s", rps: 1 });
    expect(missing.status).toBe(404);
    const noNs = await control("GET", "/clusters/eu-1/versions");
    expect(noNs).toMatchObject({ status: 400, json: { field: "namespace" } });
    const noStream = await control("GET", "/clusters/eu-1/split?namespace=ns&service=none");
    expect(noStream.status).toBe(404);
  });
});

describe("data plane clock", () => {
  it("ticks on its own while a stream runs", async () => {
    const live = await startSimWithControllers({ clusters: ["live"], trafficTickMs: 20 });
    try {
      const liveApps = live.kubeConfig("live").makeApiClient(k8s.AppsV1Api);
      const liveCore = live.kubeConfig("live").makeApiClient(k8s.CoreV1Api);
      await liveApps.createNamespacedReplicaSet({
        namespace: "default",
        body: versionReplicaSet("tick", "tick", "h", 1, { [`${SIM}/ready-delay-ms`]: "0" }) as k8s.V1ReplicaSet,
      });
      await liveCore.createNamespacedService({ namespace: "default", body: service("tick", { app: "tick" }) });
      await live.dataPlane.setTraffic("live", { namespace: "default", service: "tick", rps: 1000 });
      const split = await until(() => {
        const s = live.dataPlane.split("live", { namespace: "default", service: "tick" });
        return s?.versions.some((v) => v.version === "h" && v.requests >= 50) && s;
      }, "requests served by the ticking data plane");
      expect(split.versions.find((v) => v.version === "h")?.share).toBe(1);
    } finally {
      await live.stop();
    }
  });
});
